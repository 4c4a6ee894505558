"""The Celery application both sides share: the capture task and the settings that make
at-least-once delivery safe.

* JSON only (``task_serializer``, ``accept_content``): a unit is plain data, and no pickle
  ever crosses the broker.
* ``task_acks_late`` + ``task_reject_on_worker_lost``: a task is acknowledged only when it
  finished; a worker process killed in the middle of a batch gives it back to the queue.
* ``worker_prefetch_multiplier = 1``: a worker holds one batch at a time, so a batch never
  waits behind another in a busy worker while an idle one could take it.
* The task id is ``<run id>:<batch id>`` (:attr:`~auditor.capture.units.WebBatch.task_id`)
  and the result is a file written first-wins (:func:`write_first`): a batch delivered
  twice is read twice at most and counted once.
* Redis's ``visibility_timeout`` (a task not acknowledged in that time is delivered again)
  is well above the longest batch (:func:`visibility_timeout`): batches are bounded in time.
* No result backend: results travel as files under the run's shared folder, not through
  Redis.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from celery import Celery

__all__ = ["CAPTURE_TASK", "QUEUE", "TRANSCRIPT_TASK", "make_app", "result_path",
           "visibility_timeout", "write_first"]

#: The capture task's registered name (the coordinator sends it by name).
CAPTURE_TASK = "omniaudit.capture_batch"
#: The transcript task's registered name: one transcript file read for company claims.
TRANSCRIPT_TASK = "omniaudit.read_transcript"
#: The queue the coordinator sends batches to and the workers consume.
QUEUE = "omniaudit-capture"
#: Seconds a batch may take before it is cut short (its unread pages come back pending).
DEFAULT_BATCH_SECONDS = 120.0
#: Environment override of the visibility timeout, in seconds (tests shorten it).
VT_ENV = "OMNIAUDIT_VISIBILITY_TIMEOUT"


def visibility_timeout(batch_seconds: float = DEFAULT_BATCH_SECONDS) -> float:
    """Redis's redelivery timeout: three times the longest batch plus its margin, unless
    ``OMNIAUDIT_VISIBILITY_TIMEOUT`` says otherwise. Too short and a slow batch runs twice
    at once; too long and a whole lost worker's batch waits that long to come back."""
    env = os.environ.get(VT_ENV)
    return float(env) if env else 3 * (batch_seconds + 60)


def make_app(broker: str, *, batch_seconds: float = DEFAULT_BATCH_SECONDS) -> Celery:
    """The Celery app for ``broker`` (``redis://host:6379/0``), with the capture task."""
    app = Celery("omniaudit", broker=broker, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        result_backend=None,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE,
        # A backstop only: batches end themselves at their deadline.
        task_time_limit=int(batch_seconds * 2 + 120),
        broker_transport_options={"visibility_timeout": visibility_timeout(batch_seconds)},
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        task_send_sent_event=False,
    )
    app.task(name=CAPTURE_TASK, bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=2)(_capture_batch)
    app.task(name=TRANSCRIPT_TASK, acks_late=True, reject_on_worker_lost=True)(
        _read_transcript)
    return app


def _read_transcript(unit: dict[str, Any], results_dir: str) -> str:
    """Read one transcript file (no browser) and write its result file (first wins). The
    file's path must be the same on the coordinator and the worker (a shared volume); one
    the worker cannot open comes back as that file's capture error, named."""
    from auditor.capture.transcripts import read_transcript_file
    from auditor.capture.units import TranscriptFile

    file = TranscriptFile.from_dict(unit)
    target = result_path(Path(results_dir), file.result_id)
    if not target.exists():
        write_first(target, read_transcript_file(file).to_dict())
    return str(target)


def _capture_batch(task: Any, unit: dict[str, Any], results_dir: str) -> str:
    """Read one batch in this worker's browser and write its result file (first wins).

    A batch whose result already exists (it was delivered again after a worker was lost
    once it had finished) is not read again. A worker whose Playwright driver died restarts
    it and retries the batch (twice); then the batch's pages come back failed, named.
    """
    from auditor.capture.batch import run_web_batch
    from auditor.capture.units import BatchResult, PageOutcome, WebBatch
    from auditor.engine.worker import worker_browser

    batch = WebBatch.from_dict(unit)
    target = result_path(Path(results_dir), batch.batch_id)
    if target.exists():
        return str(target)
    name = getattr(task.request, "hostname", None) or "celery"
    browser = worker_browser()
    try:
        result = browser.run(lambda host, p: run_web_batch(host, p, batch, worker=name,
                                                           contexts=browser.contexts),
                             timeout=batch.deadline_s + 90)
    except Exception as e:  # noqa: BLE001 - the browser side failed as a whole
        if task.request.retries < task.max_retries:
            browser.restart()
            raise task.retry(countdown=1, exc=e) from None
        reason = f"not read: the worker's browser failed ({str(e).splitlines()[0][:200]})"
        result = BatchResult(batch.run_id, batch.channel, batch.batch_id, tuple(
            PageOutcome(u, d, "failed", reason=reason) for u, d in batch.pages), (),
            worker=name)
    write_first(target, result.to_dict())
    return str(target)


def result_path(results_dir: Path, batch_id: str) -> Path:
    """Where a batch's result file is: one per batch id."""
    return results_dir / f"{batch_id}.json"


def write_first(target: Path, data: dict[str, Any]) -> bool:
    """Write ``data`` to ``target`` unless a result is there already; ``True`` if this one
    was kept. Atomic (a temporary file hard-linked into place), so a reader never sees half
    a file and two writers of the same batch never mix."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.link(tmp, target)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)
