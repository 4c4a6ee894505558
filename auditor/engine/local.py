"""Capture units run in this process: the coordinator's batches read in one local browser.

The same units a Celery worker runs, without a broker: what the tests compare a
distributed run with, and the engine's own overhead measured without a network hop
(bench/scaleout.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

from auditor.browser import BrowserChoice, BrowserHost, launch_args, resolve_browser
from auditor.capture.batch import ChannelContexts, run_web_batch
from auditor.capture.transcripts import (
    read_transcript_file,
    transcript_units,
    transcripts_result,
)
from auditor.capture.units import WebBatch
from auditor.capture.web import Tick
from auditor.config import AuditConfig, TranscriptChannel, WebChannel
from auditor.engine.coordinator import Batching, coordinate_channel, summary
from auditor.model import ChannelResult

__all__ = ["LocalEngine"]


class LocalEngine:
    """Runs every batch in this process, all channels sharing one browser."""

    def __init__(self, batching: Batching = Batching()) -> None:
        self.batching = batching

    def capture_web(self, config: AuditConfig, channels: Mapping[str, WebChannel], *,
                    run_id: str, today: date, evidence_root: Path,
                    browser: BrowserChoice | None, progress: Callable[[str], None],
                    tick: Tick | None) -> dict[str, ChannelResult]:
        choice = browser or resolve_browser()
        urls = [config.absolute_url(u) for ch in channels.values() for u in ch.start_urls]

        async def go() -> dict[str, ChannelResult]:
            from playwright.async_api import async_playwright

            async with async_playwright() as p:
                host = BrowserHost(p, choice.path, launch_args(urls, images=False))
                await host.start()
                contexts = ChannelContexts()

                async def submit(unit: WebBatch):  # -> BatchResult
                    return await run_web_batch(host, p, unit, contexts=contexts)

                try:
                    results = await asyncio.gather(*(
                        coordinate_channel(n, ch, config, run_id=run_id, today=today,
                                           evidence_root=evidence_root, submit=submit,
                                           batching=self.batching, tick=tick)
                        for n, ch in channels.items()))
                finally:
                    await contexts.close()
                    await host.close()
            return dict(zip(channels, results, strict=True))

        progress(f"capturing {', '.join(channels)} by batches of {self.batching.batch_size} "
                 "pages in this process")
        results = asyncio.run(go())
        for result in results.values():
            progress(summary(result))
        return results

    def capture_transcripts(self, config: AuditConfig,
                            channels: Mapping[str, TranscriptChannel], *, run_id: str,
                            today: date, evidence_root: Path,
                            progress: Callable[[str], None]) -> dict[str, ChannelResult]:
        """Every transcript file as a unit, read in this process one after another."""
        del progress  # the pipeline prints each channel's summary
        out: dict[str, ChannelResult] = {}
        for name, ch in channels.items():
            units = transcript_units(name, ch, config, run_id=run_id, today=today,
                                     evidence_root=evidence_root)
            out[name] = units if isinstance(units, ChannelResult) else transcripts_result(
                name, units, {u.source: read_transcript_file(u) for u in units})
        return out
