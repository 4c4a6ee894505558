"""Where capture units run: in this process, or on a distributed engine (Celery).

:class:`Engine` is what the pipeline asks to capture the web channels of a run in browser
mode; :mod:`auditor.engine.coordinator` keeps their frontiers and hands out the batches
(:mod:`auditor.capture.units`). :class:`~auditor.engine.local.LocalEngine` runs the
batches in this process, :class:`~auditor.engine.celery_engine.CeleryEngine` on Celery
workers (``omniaudit worker``, docs/scale-out.md). Without an engine the pipeline crawls
each channel whole in this process, as it always has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Protocol

from auditor.browser import BrowserChoice
from auditor.capture.web import Tick
from auditor.config import AuditConfig, TranscriptChannel, WebChannel
from auditor.model import ChannelResult

__all__ = ["Engine", "EngineError"]


class EngineError(Exception):
    """The engine cannot run the audit at all (the broker is unreachable): a usage or
    environment error, exit 2, said before any page is read."""


class Engine(Protocol):
    """Captures web channels (browser mode) and transcript channels by units of work."""

    def capture_web(self, config: AuditConfig, channels: Mapping[str, WebChannel], *,
                    run_id: str, today: date, evidence_root: Path,
                    browser: BrowserChoice | None, progress: Callable[[str], None],
                    tick: Tick | None) -> dict[str, ChannelResult]:
        """Every channel's result, keyed by name."""
        ...

    def capture_transcripts(self, config: AuditConfig,
                            channels: Mapping[str, TranscriptChannel], *, run_id: str,
                            today: date, evidence_root: Path,
                            progress: Callable[[str], None]) -> dict[str, ChannelResult]:
        """Every transcript channel's result, each file read as a unit, keyed by name."""
        ...
