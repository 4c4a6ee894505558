"""The bundled Nordtel demo: a Finnish telecom shop with seeded inconsistencies.

``DemoServer`` serves the desktop site (``/``) and the mobile site (``/m/``) on 127.0.0.1;
``CONFIG_PATH`` is the audit config that goes with it, ``TRANSCRIPTS_DIR`` the exported
chat logs it reads, and ``ANSWER_KEY_PATH`` lists every problem seeded into the demo (see
``catalog.py`` for where each one is made).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

DEMO_DIR: Path = Path(__file__).resolve().parent
CONFIG_PATH: Path = DEMO_DIR / "audit.yaml"
ANSWER_KEY_PATH: Path = DEMO_DIR / "answer_key.json"
TRANSCRIPTS_DIR: Path = DEMO_DIR / "transcripts"

__all__ = ["ANSWER_KEY_PATH", "CONFIG_PATH", "DEMO_DIR", "TRANSCRIPTS_DIR", "DemoServer"]

if TYPE_CHECKING:
    from .server import DemoServer


def __getattr__(name: str) -> Any:
    # Imported lazily so that `python -m auditor.demo.server` runs the module only once.
    if name == "DemoServer":
        from .server import DemoServer

        return DemoServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
