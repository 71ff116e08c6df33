"""Deploy tests reuse the client test kit (tests/clients/eas_testkit.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "clients"))
