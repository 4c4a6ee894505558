"""Scale-out: the same site captured in-process and through Celery workers, side by side.

A generated 1,000-page site (each page an offer with a price, a fee and links to ten more
pages) is served by ``python -m http.server`` on 127.0.0.1 in a process of its own, and
one web channel (``concurrency: 4``, no screenshots, no sitemaps, robots ignored) is
captured five ways in the same run:

* ``in-process``: today's whole-channel crawl, one Chromium;
* ``units in-process``: the same pages as batches dispatched by the coordinator and read in
  this process (auditor.engine.local) — the cost of batching alone;
* ``celery, 1 worker`` and ``celery, 2 workers``: real ``omniaudit worker`` processes (one
  Chromium each) on a real ``redis-server``; results as files;
* ``celery, 1 worker, 2 batches per browser``: one ``omniaudit worker
  --batches-per-browser 2``, whose one Chromium reads two batches at once.

For each: wall time, pages/s, pages read and failed, and the peak resident memory of this
process and everything it started (workers, Playwright drivers, Chromium; the site's server
and Redis are left out, Redis is reported on its own). The engine's overhead is each
one-worker celery row against in-process, all one browser.

    .venv/bin/python bench/scaleout.py            # 1,000 pages
    .venv/bin/python bench/scaleout.py --pages 200
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.browser import resolve_browser  # noqa: E402
from auditor.config import parse_config  # noqa: E402
from auditor.engine.celery_engine import CeleryEngine  # noqa: E402
from auditor.engine.coordinator import Batching  # noqa: E402
from auditor.engine.local import LocalEngine  # noqa: E402
from auditor.model import ChannelResult  # noqa: E402
from auditor.pipeline import capture_channels  # noqa: E402

PAGE = """<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>Tarjous {n}</title>
</head><body><header><nav><a href="/p/0/">Etusivu</a></nav></header><main>
<h1>Liittymä {n}</h1><p class="price">Kuukausihinta {price},90 €/kk</p>
<p>Avausmaksu 4,90 €. Sopimus 12 kk.</p><ul>{links}</ul></main>
<footer>Nordtel Oy</footer></body></html>"""


def build_site(folder: Path, pages: int) -> None:
    for n in range(pages):
        links = "".join(f'<li><a href="/p/{k}/">Liittymä {k}</a></li>'
                        for k in range(10 * n + 1, min(10 * n + 11, pages)))
        target = folder / "p" / str(n) / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(PAGE.format(n=n, price=10 + n % 40, links=links), encoding="utf-8")
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing answered on port {port}")


# --------------------------------------------------------------------------- memory

def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(root: int, leave_out: set[int]) -> float:
    kids = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if pid in leave_out:
            continue
        total += _rss_kb(pid)
        stack.extend(kids.get(pid, ()))
    return total / 1024


class PeakMemory:
    """Samples the resident memory of this process tree every 0.2 s; ``peak`` in MB."""

    def __init__(self, leave_out: set[int]) -> None:
        self.leave_out = leave_out
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(os.getpid(), self.leave_out))
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss_mb(os.getpid(), self.leave_out))


# --------------------------------------------------------------------------- workers

def start_workers(broker: str, n: int, logs: Path,
                  batches_per_browser: int = 1) -> list[subprocess.Popen[bytes]]:
    from auditor.engine.celery_app import make_app

    procs = []
    for i in range(n):
        with (logs / f"worker{i + 1}.log").open("wb") as out:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "auditor", "worker", "--broker", broker, "-n",
                 f"bench{i + 1}@%h", "--loglevel", "warning",
                 "--batches-per-browser", str(batches_per_browser)],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
    app = make_app(broker)
    deadline = time.monotonic() + 90
    while len(app.control.ping(timeout=1.0) or []) < n:
        if time.monotonic() > deadline:
            raise SystemExit("workers did not start; see " + str(logs))
    return procs


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(10)


# --------------------------------------------------------------------------- runs

def measure(label: str, capture: Callable[[], dict[str, ChannelResult]], leave_out: set[int],
            browsers: int) -> dict:
    with PeakMemory(leave_out) as mem:
        started = time.perf_counter()
        result = capture()["shop"]
        seconds = time.perf_counter() - started
    row = {"label": label, "browsers": browsers, "seconds": seconds,
           "pages": result.pages_ok, "failed": result.pages_failed,
           "rate": result.pages_ok / seconds, "peak_mb": mem.peak,
           "observations": len(result.observations)}
    print(f"  {label:<20} {seconds:7.1f} s  {row['rate']:5.2f} pages/s  "
          f"{result.pages_ok} read, {result.pages_failed} failed  peak {mem.peak:,.0f} MB",
          flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    redis_bin = shutil.which("redis-server")
    if not redis_bin:
        raise SystemExit("redis-server is needed: make redis")
    chromium = resolve_browser()
    work = Path(tempfile.mkdtemp(prefix="omniaudit-scaleout-"))
    site = work / "site"
    build_site(site, args.pages)
    web_port, redis_port = free_port(), free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(web_port), "--bind",
                               "127.0.0.1", "--directory", str(site)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    redis = subprocess.Popen([redis_bin, "--port", str(redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    rows: list[dict] = []
    try:
        wait_port(web_port)
        wait_port(redis_port)
        config = parse_config(f"""
version: 1
name: scale-out bench
base_url: http://127.0.0.1:{web_port}
channels:
  shop:
    kind: web
    start_urls: ["/p/0/"]
    max_pages: {args.pages}
    max_depth: 10
    robots: ignore
    sitemaps: false
    concurrency: 4
    screenshots: false
""", source=str(work / "audit.yaml"), root=work)
        leave_out = {server.pid, redis.pid}
        print(f"{args.pages} pages on 127.0.0.1:{web_port}; Chromium {chromium.describe()}; "
              f"{os.cpu_count()} cores", flush=True)
        rows.append(measure("in-process", lambda: capture_channels(
            config, work / "inproc", browser=chromium), leave_out, 1))
        rows.append(measure("units in-process", lambda: capture_channels(
            config, work / "units", browser=chromium, run_id="units", engine=LocalEngine(
                Batching(batch_size=args.batch_size, in_flight=2))), leave_out, 1))
        # (workers, batches per browser): the last row is one worker whose one Chromium
        # reads two batches at once (`omniaudit worker --batches-per-browser 2`).
        for db, (n, per) in enumerate(((1, 1), (2, 1), (1, 2)), start=1):
            broker = f"redis://127.0.0.1:{redis_port}/{db}"
            workers = start_workers(broker, n, work, per)
            label = f"celery, {n} worker{'s' if n > 1 else ''}" + (
                f", {per} batches per browser" if per > 1 else "")
            try:
                engine = CeleryEngine(broker, work / "shared", batching=Batching(
                    batch_size=args.batch_size, in_flight=2 * n))
                rows.append(measure(label, lambda engine=engine, db=db: capture_channels(
                    config, work / f"celery{db}", run_id=f"celery{db}", engine=engine),
                    leave_out, n))
            finally:
                stop(workers)
        redis_mb = _rss_kb(redis.pid) / 1024
    finally:
        for proc in (server, redis):
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
    base = rows[0]
    print("\n| run | browsers | wall time | pages/s | pages read / failed | peak memory | "
          "vs in-process |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        change = (r["seconds"] - base["seconds"]) / base["seconds"] * 100
        print(f"| {r['label']} | {r['browsers']} | {r['seconds']:.1f} s | {r['rate']:.2f} | "
              f"{r['pages']} / {r['failed']} | {r['peak_mb']:,.0f} MB | "
              f"{'—' if r is base else f'{change:+.1f} % time'} |")
    print()
    for one in (r for r in rows if r["label"].startswith("celery, 1 worker")):
        overhead = (one["seconds"] - base["seconds"]) / base["seconds"] * 100
        print(f"Engine overhead at one browser ({one['label']} vs in-process): "
              f"{overhead:+.1f} % wall time (target: within 10 %).")
    print(f"Redis: {redis_mb:.1f} MB.")
    print(f"Batches of {args.batch_size} pages; same observations in every run: "
          f"{len({r['observations'] for r in rows}) == 1}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
