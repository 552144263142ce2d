"""The emulated site: look-alike dt* and ws_* tools for offline use and tests."""
