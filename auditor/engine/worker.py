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
from typing import Any

from celery.signals import worker_process_init, worker_process_shutdown

from auditor.engine.worker_browser import WorkerBrowser

__all__ = ["run_worker", "worker_browser"]

_browser: WorkerBrowser | None = None


def worker_browser() -> WorkerBrowser:
    """This process's browser, started on first use if the signal has not started it."""
    global _browser
    if _browser is None:
        _browser = WorkerBrowser(os.environ.get("OMNIAUDIT_CHROMIUM") or None)
    return _browser


@worker_process_init.connect
def _start_browser(**_: Any) -> None:
    worker_browser()


@worker_process_shutdown.connect
def _stop_browser(**_: Any) -> None:
    global _browser
    if _browser is not None:
        try:
            _browser.close()
        finally:
            _browser = None


def run_worker(broker: str, *, concurrency: int = 1, name: str | None = None,
               browser: str | None = None, loglevel: str = "INFO",
               max_memory_per_child: int | None = None) -> None:
    """Start the worker (blocks until it is stopped: SIGTERM finishes the running batch)."""
    from auditor.engine.celery_app import QUEUE, make_app

    if browser:
        os.environ["OMNIAUDIT_CHROMIUM"] = browser  # the pool processes resolve it
    app = make_app(broker)
    argv = ["worker", "--pool=prefork", f"--concurrency={concurrency}",
            f"--hostname={name or f'omniaudit@{socket.gethostname()}'}",
            f"--loglevel={loglevel}", f"--queues={QUEUE}", "--without-gossip",
            "--without-mingle"]
    if max_memory_per_child:
        argv.append(f"--max-memory-per-child={max_memory_per_child}")
    app.worker_main(argv)
