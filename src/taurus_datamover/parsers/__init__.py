"""The parser layer: pure functions from tool output (text) to models. No subprocess here."""
