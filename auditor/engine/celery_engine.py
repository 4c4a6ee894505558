"""The coordinator's side of a Celery run: batches out through the broker, result files in.

``omniaudit run --engine celery --broker redis://…`` keeps each web channel's frontier
here (:mod:`auditor.engine.coordinator`) and sends every batch as the task
``omniaudit.capture_batch`` with the task id ``<run id>:<batch id>``. Workers
(``omniaudit worker``) write each result as a file under the run's shared folder; the
coordinator waits for the file, keeps the first result per batch, and never reads a
result backend. Checks, the second pass and reports stay on the coordinator.

The broker is asked once before anything starts: unreachable, the run stops with an
:class:`~auditor.engine.EngineError` (exit 2) naming the broker.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from auditor.browser import BrowserChoice
from auditor.capture.units import BatchResult, WebBatch
from auditor.capture.web import Tick
from auditor.config import AuditConfig, WebChannel
from auditor.engine import EngineError
from auditor.engine.celery_app import CAPTURE_TASK, QUEUE, make_app, result_path
from auditor.engine.coordinator import Batching, coordinate_channel, summary
from auditor.model import ChannelResult

__all__ = ["CeleryEngine", "check_broker", "safe_url"]

#: Seconds to wait for the broker to answer before the run gives up on it.
BROKER_WAIT_S = 5.0
#: How often the coordinator looks for a batch's result file.
POLL_S = 0.1


def safe_url(url: str) -> str:
    """The broker URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}"
        netloc += f":{parts.port}" if parts.port else ""
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def check_broker(broker: str, wait_s: float = BROKER_WAIT_S) -> None:
    """Raise :class:`EngineError` unless the broker answers within ``wait_s`` seconds."""
    app = make_app(broker)
    app.conf.broker_connection_timeout = wait_s
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                   interval_max=0)
    except Exception as e:  # noqa: BLE001 - any failure to connect means the same thing
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise EngineError(f"cannot reach the broker {safe_url(broker)}: {first} — start "
                          "Redis (docs/scale-out.md) or run without --engine celery") from None


class CeleryEngine:
    """Web capture units on Celery workers; results as files under ``shared_dir``.

    ``shared_dir`` must be the same path on the coordinator and every worker (a shared
    volume): ``<shared_dir>/<run id>/units/<batch id>.json``; without one, result files go
    to ``<run output folder>/units/``, which must then be shared. ``lost_after_s`` fails a
    batch whose result never came (no worker took it, or every delivery was lost).
    """

    def __init__(self, broker: str, shared_dir: Path | None = None, *,
                 batching: Batching = Batching(), lost_after_s: float | None = None) -> None:
        self.broker = broker
        self.shared_dir = shared_dir
        self.batching = batching
        self.lost_after_s = lost_after_s

    def capture_web(self, config: AuditConfig, channels: Mapping[str, WebChannel], *,
                    run_id: str, today: date, evidence_root: Path,
                    browser: BrowserChoice | None, progress: Callable[[str], None],
                    tick: Tick | None) -> dict[str, ChannelResult]:
        del browser  # the workers choose their own Chromium
        check_broker(self.broker)
        app = make_app(self.broker, batch_seconds=self.batching.deadline_s)
        # Without a shared folder of its own the run keeps them in its output folder.
        results_dir = (self.shared_dir / run_id / "units" if self.shared_dir
                       else evidence_root.parent / "units").resolve()
        results_dir.mkdir(parents=True, exist_ok=True)
        answered = _ping(app)
        progress(f"engine: celery at {safe_url(self.broker)}, {len(answered)} worker(s) "
                 f"answered ({', '.join(answered) or 'none yet; batches wait in the queue'})"
                 f"; results in {results_dir}")
        lost_after = self.lost_after_s or (
            float(app.conf.broker_transport_options["visibility_timeout"]) * 2
            + self.batching.deadline_s)

        async def submit(unit: WebBatch) -> BatchResult:
            target = result_path(results_dir, unit.batch_id)
            if not target.exists():  # a coordinator that restarted finds finished batches
                await asyncio.to_thread(app.send_task, CAPTURE_TASK,
                                        args=[unit.to_dict(), str(results_dir)],
                                        task_id=unit.task_id, queue=QUEUE)
            started = time.monotonic()
            while not target.exists():
                if time.monotonic() - started > lost_after:
                    raise TimeoutError(f"no result for batch {unit.batch_id} after "
                                       f"{lost_after:.0f} s")
                await asyncio.sleep(POLL_S)
            data = json.loads(await asyncio.to_thread(target.read_text, encoding="utf-8"))
            return BatchResult.from_dict(data)

        async def go() -> dict[str, ChannelResult]:
            results = await asyncio.gather(*(
                coordinate_channel(n, ch, config, run_id=run_id, today=today,
                                   evidence_root=evidence_root, submit=submit,
                                   batching=self.batching, tick=tick)
                for n, ch in channels.items()))
            return dict(zip(channels, results, strict=True))

        results = asyncio.run(go())
        for result in results.values():
            progress(summary(result))
        return results


def _ping(app) -> list[str]:  # noqa: ANN001 - a Celery app
    """The workers that answer a ping within a second (none is not an error: they may be
    starting, or scaled from zero on the queue's length)."""
    try:
        replies = app.control.ping(timeout=1.0) or []
    except Exception:  # noqa: BLE001 - a ping is informative only
        return []
    return sorted(name for reply in replies for name in reply)
