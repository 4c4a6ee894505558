"""``omniaudit worker``: a Celery worker that reads capture batches in one long-lived
Chromium per worker process.

The browser starts after the fork, in each pool process (Celery's ``worker_process_init``),
never in the parent and never per task; it stops when the process does. Run one worker
process per container (``--concurrency 1``, the default) and scale by containers
(docs/scale-out.md); ``--max-memory-per-child`` recycles a process whose browser grew.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any

from celery.signals import worker_process_init, worker_process_shutdown, worker_shutdown

from auditor.engine.worker_browser import WorkerBrowser

__all__ = ["run_worker", "worker_browser"]

_browser: WorkerBrowser | None = None
# With --batches-per-browser several task threads ask for the one browser at once.
_lock = threading.Lock()


def worker_browser() -> WorkerBrowser:
    """This process's browser, started on first use if the signal has not started it."""
    global _browser
    with _lock:
        if _browser is None:
            _browser = WorkerBrowser(os.environ.get("OMNIAUDIT_CHROMIUM") or None)
        return _browser


@worker_process_init.connect
def _start_browser(**_: Any) -> None:
    worker_browser()


@worker_process_shutdown.connect
@worker_shutdown.connect  # the threads pool has no pool processes to shut down
def _stop_browser(**_: Any) -> None:
    global _browser
    with _lock:
        if _browser is not None:
            try:
                _browser.close()
            finally:
                _browser = None


def run_worker(broker: str, *, concurrency: int = 1, name: str | None = None,
               browser: str | None = None, loglevel: str = "INFO",
               max_memory_per_child: int | None = None, batches_per_browser: int = 1) -> None:
    """Start the worker (blocks until it is stopped: SIGTERM finishes the running batch).

    ``batches_per_browser`` > 1 runs that many task threads in one process, all reading in
    its one Chromium (Celery's threads pool): a batch's last pages no longer leave the
    browser's page slots idle. A worker killed outright then gives its batches back only
    after the broker's visibility timeout (prefork's lost-worker rejection needs a pool
    process to lose)."""
    from auditor.engine.celery_app import QUEUE, make_app

    if browser:
        os.environ["OMNIAUDIT_CHROMIUM"] = browser  # the pool processes resolve it
    app = make_app(broker)
    pool = (["--pool=threads", f"--concurrency={batches_per_browser}"]
            if batches_per_browser > 1 else ["--pool=prefork", f"--concurrency={concurrency}"])
    argv = ["worker", *pool,
            f"--hostname={name or f'omniaudit@{socket.gethostname()}'}",
            f"--loglevel={loglevel}", f"--queues={QUEUE}", "--without-gossip",
            "--without-mingle"]
    if max_memory_per_child:
        argv.append(f"--max-memory-per-child={max_memory_per_child}")
    app.worker_main(argv)
