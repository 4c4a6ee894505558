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

from auditor import interrupt
from auditor.browser import BrowserChoice
from auditor.capture.transcripts import transcript_units, transcripts_result
from auditor.capture.units import BatchResult, TranscriptFile, TranscriptFileResult, WebBatch
from auditor.capture.web import Tick
from auditor.config import AuditConfig, TranscriptChannel, WebChannel
from auditor.engine import EngineError
from auditor.engine.celery_app import (
    CAPTURE_TASK,
    QUEUE,
    TRANSCRIPT_TASK,
    make_app,
    result_path,
)
from auditor.engine.coordinator import Batching, coordinate_channel, summary
from auditor.model import ChannelResult

__all__ = ["CeleryEngine", "broker_task_ids", "check_broker", "read_run_marker", "safe_url",
           "write_run_marker"]

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
                 batching: Batching = Batching(), lost_after_s: float | None = None,
                 resume: bool = False) -> None:
        self.broker = broker
        self.shared_dir = shared_dir
        self.batching = batching
        self.lost_after_s = lost_after_s
        #: Continue a run whose coordinator stopped (``run --resume``): see
        #: :meth:`capture_web`.
        self.resume = resume

    def capture_web(self, config: AuditConfig, channels: Mapping[str, WebChannel], *,
                    run_id: str, today: date, evidence_root: Path,
                    browser: BrowserChoice | None, progress: Callable[[str], None],
                    tick: Tick | None) -> dict[str, ChannelResult]:
        del browser  # the workers choose their own Chromium
        check_broker(self.broker)
        app = make_app(self.broker, batch_seconds=self.batching.deadline_s)
        results_dir = self._results_dir(run_id, evidence_root)
        ledger = results_dir / SENT_LEDGER
        resumed, adopted = ((), set()) if not self.resume else self._resumed(
            app, ledger, results_dir, channels, progress)
        answered = _ping(app)
        progress(f"engine: celery at {safe_url(self.broker)}, {len(answered)} worker(s) "
                 f"answered ({', '.join(answered) or 'none yet; batches wait in the queue'})"
                 f"; results in {results_dir}")
        lost_after = self._lost_after(app)

        async def submit(unit: WebBatch) -> BatchResult:
            target = result_path(results_dir, unit.batch_id)
            # A resumed run reads finished batches and waits for those still in the broker.
            if not target.exists() and unit.batch_id not in adopted:
                await asyncio.to_thread(app.send_task, CAPTURE_TASK,
                                        args=[unit.to_dict(), str(results_dir)],
                                        task_id=unit.task_id, queue=QUEUE)
                # Written after the send: a coordinator stopped in between sends the pages
                # again in a batch of its own, and the first result per page wins.
                await asyncio.to_thread(_append, ledger, unit)
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
                                   batching=self.batching, tick=tick,
                                   resumed=tuple(u for u in resumed if u.channel == n))
                for n, ch in channels.items()))
            return dict(zip(channels, results, strict=True))

        results = asyncio.run(go())
        for result in results.values():
            progress(summary(result))
        return results

    def _results_dir(self, run_id: str, evidence_root: Path) -> Path:
        """The folder of the run's result files, made, and named in the run's folder for
        `run --resume RUN_DIR`."""
        # Without a shared folder of its own the run keeps them in its output folder.
        results_dir = (self.shared_dir / run_id / "units" if self.shared_dir
                       else evidence_root.parent / "units").resolve()
        results_dir.mkdir(parents=True, exist_ok=True)
        write_run_marker(evidence_root.parent, run_id, results_dir)
        return results_dir

    def _lost_after(self, app) -> float:  # noqa: ANN001 - a Celery app
        """Seconds after which a unit whose result never came is given up."""
        return self.lost_after_s or (
            float(app.conf.broker_transport_options["visibility_timeout"]) * 2
            + self.batching.deadline_s)

    def capture_transcripts(self, config: AuditConfig,
                            channels: Mapping[str, TranscriptChannel], *, run_id: str,
                            today: date, evidence_root: Path,
                            progress: Callable[[str], None]) -> dict[str, ChannelResult]:
        """Every transcript file of the channels as one task (``omniaudit.read_transcript``)
        for the workers, its result a file beside the batches'; the channel's result is what
        the in-process capture gives (files in order, an unreadable file an error naming it).
        The files' paths must be the same on the workers (a shared volume)."""
        app = make_app(self.broker, batch_seconds=self.batching.deadline_s)
        results_dir = self._results_dir(run_id, evidence_root)
        out: dict[str, ChannelResult] = {}
        planned: dict[str, list[TranscriptFile]] = {}
        for name, ch in channels.items():
            units = transcript_units(name, ch, config, run_id=run_id, today=today,
                                     evidence_root=evidence_root)
            if isinstance(units, ChannelResult):
                out[name] = units
            else:
                planned[name] = units
        waiting = {result_path(results_dir, u.result_id): u
                   for units in planned.values() for u in units}
        for target, unit in waiting.items():
            if not target.exists():  # a resumed run reads the files already read
                app.send_task(TRANSCRIPT_TASK, args=[unit.to_dict(), str(results_dir)],
                              task_id=unit.task_id, queue=QUEUE)
        progress(f"engine: {len(waiting)} transcript file(s) of {', '.join(planned)} sent to "
                 "the workers" if planned else "engine: no transcript files to send")
        lost_after = self._lost_after(app)
        read: dict[str, dict[str, TranscriptFileResult]] = {n: {} for n in planned}
        started = last = time.monotonic()
        while waiting and not interrupt.requested() \
                and time.monotonic() - started <= lost_after:
            for target in [t for t in waiting if t.exists()]:
                unit = waiting.pop(target)
                read[unit.channel][unit.source] = TranscriptFileResult.from_dict(
                    json.loads(target.read_text(encoding="utf-8")))
            if waiting and time.monotonic() - last >= 2.0:
                last = time.monotonic()
                done = sum(len(r) for r in read.values())
                progress(f"transcripts: {done}/{done + len(waiting)} files read by the workers")
            if waiting:
                time.sleep(POLL_S)
        why = ("not read: the run was interrupted" if interrupt.requested()
               else f"not read: no result from the workers after {lost_after:.0f} s")
        for name, units in planned.items():
            missing = {u.source: TranscriptFileResult(run_id, name, u.source, error=why)
                       for u in units if u.source not in read[name]}
            out[name] = transcripts_result(name, units, {**read[name], **missing})
        return out

    def _resumed(self, app, ledger: Path, results_dir: Path,  # noqa: ANN001 - a Celery app
                 channels: Mapping[str, WebChannel], progress: Callable[[str], None],
                 ) -> tuple[tuple[WebBatch, ...], set[str]]:
        """The batches the stopped coordinator sent, and which of them are still in the
        broker (queued, or taken by a worker and not yet acknowledged): those are waited
        for, never sent again. Finished ones are read from their result files; the rest
        (their message is gone without a result) are sent again."""
        units = [u for u in _read_ledger(ledger) if u.channel in channels]
        waiting = [u for u in units if not result_path(results_dir, u.batch_id).exists()]
        in_broker = broker_task_ids(app)
        adopted = {u.batch_id for u in waiting if u.task_id in in_broker}
        progress(f"engine: resuming: {len(units) - len(waiting)} batch(es) already read, "
                 f"{len(adopted)} still in the broker (waited for), "
                 f"{len(waiting) - len(adopted)} sent again")
        return tuple(units), adopted


#: The batches a run's coordinator sent, one JSON unit a line, in its results folder.
SENT_LEDGER = "sent.jsonl"
#: In a Celery run's output folder: its run id and results folder (``run --resume``).
RUN_MARKER = "engine.json"


def write_run_marker(run_dir: Path, run_id: str, results_dir: Path) -> None:
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / RUN_MARKER).write_text(json.dumps(
        {"engine": "celery", "run_id": run_id, "results": str(results_dir)}, indent=2),
        encoding="utf-8")


def read_run_marker(run_dir: Path) -> str:
    """The run id of the Celery run whose output folder is ``run_dir``; an
    :class:`EngineError` (exit 2) when it is not one."""
    marker = run_dir / RUN_MARKER
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        return str(data["run_id"])
    except FileNotFoundError:
        raise EngineError(f"{run_dir}: nothing to resume — no {RUN_MARKER} (only a run "
                          "started with --engine celery can be resumed)") from None
    except (ValueError, KeyError, TypeError) as e:
        raise EngineError(f"{marker}: unreadable ({e})") from None


def _append(ledger: Path, unit: WebBatch) -> None:
    with ledger.open("a", encoding="utf-8") as f:
        f.write(json.dumps(unit.to_dict(), ensure_ascii=False) + "\n")


def _read_ledger(ledger: Path) -> list[WebBatch]:
    """The sent batches, once each; a line cut short by the stop is skipped."""
    out: dict[str, WebBatch] = {}
    if not ledger.exists():
        return []
    for line in ledger.read_text(encoding="utf-8").splitlines():
        try:
            unit = WebBatch.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError):
            continue
        out.setdefault(unit.batch_id, unit)
    return list(out.values())


def broker_task_ids(app) -> set[str]:  # noqa: ANN001 - a Celery app
    """The ids of the capture tasks the broker holds: queued, or delivered and not yet
    acknowledged (a worker runs them now, or will get them again). Redis only: its
    transport keeps both as plain keys. Another broker cannot be read this way; the empty
    set then makes a resumed run send its unfinished batches again (the first result per
    batch wins, so that costs time, never a page)."""
    if not app.conf.broker_url.startswith(("redis://", "rediss://", "unix://")):
        return set()
    ids: set[str] = set()
    with app.connection_for_read() as conn:
        client = conn.default_channel.client
        raw = list(client.lrange(QUEUE, 0, -1))
        raw += [v for v in client.hvals("unacked")]
    for item in raw:
        try:
            doc = json.loads(item)
        except ValueError:
            continue
        if isinstance(doc, list):  # unacked: [message, exchange, routing key]
            doc = doc[0] if doc else {}
        headers = doc.get("headers") if isinstance(doc, dict) else None
        if isinstance(headers, dict) and headers.get("id"):
            ids.add(str(headers["id"]))
    return ids


def _ping(app) -> list[str]:  # noqa: ANN001 - a Celery app
    """The workers that answer a ping within a second (none is not an error: they may be
    starting, or scaled from zero on the queue's length)."""
    try:
        replies = app.control.ping(timeout=1.0) or []
    except Exception:  # noqa: BLE001 - a ping is informative only
        return []
    return sorted(name for reply in replies for name in reply)
