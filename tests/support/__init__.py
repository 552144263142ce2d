"""Helpers shared by the tests (not tests themselves): fake tools, emulated sites, the CLI.

``REPO`` and ``FIXTURES`` are the checkout's own folders: tests read only what is in the
repository.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
