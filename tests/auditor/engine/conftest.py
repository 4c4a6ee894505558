"""Two real ``omniaudit worker`` subprocesses on the session's real redis-server.

Each module gets its own Redis database (so a test's leftover tasks never reach another
module's workers) and its own two workers, started in sessions of their own and stopped
by their process groups — the worker, its pool process, the Playwright driver and
Chromium — at the end of the module. Nothing here is mocked.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

_databases = itertools.count(1)


@dataclass
class Workers:
    """The running workers: their broker, processes, names and logs."""

    broker: str
    procs: dict[str, subprocess.Popen[bytes]]
    logs: dict[str, Path]
    app: Any = field(repr=False)

    def ping(self) -> list[str]:
        return sorted(n for reply in (self.app.control.ping(timeout=1.0) or []) for n in reply)

    def active(self) -> dict[str, list[dict[str, Any]]]:
        """The tasks each worker is running now (with ``worker_pid``, the pool process)."""
        return self.app.control.inspect(timeout=1.0).active() or {}

    def log(self, name: str) -> str:
        return self.logs[name].read_text(encoding="utf-8", errors="replace")


def start_workers(broker: str, folder: Path, n: int = 2,
                  env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> Workers:
    from auditor.engine.celery_app import make_app

    procs: dict[str, subprocess.Popen[bytes]] = {}
    logs: dict[str, Path] = {}
    for i in range(1, n + 1):
        name = f"w{i}@omniaudit-test"
        logs[name] = folder / f"w{i}.log"
        with logs[name].open("wb") as out:
            procs[name] = subprocess.Popen(
                [sys.executable, "-m", "auditor", "worker", "--broker", broker, "-n", name,
                 *args],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                env={**os.environ, **(env or {})})
    workers = Workers(broker, procs, logs, make_app(broker))
    deadline = time.monotonic() + 90
    while len(workers.ping()) < n:
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs.values()):
            stop_workers(workers)
            pytest.fail("workers did not start:\n" + "\n".join(
                workers.log(name)[-2000:] for name in procs))
        time.sleep(0.3)
    return workers


def stop_workers(workers: Workers) -> None:
    """SIGTERM each worker's process group, SIGKILL what is left after 20 s."""
    for proc in workers.procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in workers.procs.values():
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        try:  # pool processes, drivers and browsers left in the group
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="module")
def broker(redis_server) -> str:
    """A Redis database of the session's server for this module alone."""
    return redis_server.url(next(_databases))


@pytest.fixture(scope="module")
def workers(broker: str, chromium, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Workers]:
    """Two ``omniaudit worker`` processes, each with one Chromium."""
    started = start_workers(broker, tmp_path_factory.mktemp("workers"),
                            env={"OMNIAUDIT_CHROMIUM": chromium.path or ""})
    yield started
    stop_workers(started)


@pytest.fixture(scope="module")
def threaded(redis_server, chromium, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Workers]:
    """One ``omniaudit worker --batches-per-browser 2`` (one process, one Chromium, two task
    threads) on a Redis database of its own."""
    started = start_workers(redis_server.url(next(_databases)),
                            tmp_path_factory.mktemp("threaded"), n=1,
                            env={"OMNIAUDIT_CHROMIUM": chromium.path or ""},
                            args=("--batches-per-browser", "2"))
    yield started
    stop_workers(started)
