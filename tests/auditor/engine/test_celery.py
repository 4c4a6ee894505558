"""The Celery engine with real parts: redis-server, two `omniaudit worker` processes each
with its own Chromium, real sites on 127.0.0.1.

A distributed run of the demo finds what the in-process run finds; a worker process
SIGKILLed in the middle of a batch loses no page and counts none twice; a worker whose
Chromium is killed relaunches it and reads on; an unreachable broker is exit 2.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.config import parse_config
from auditor.engine.celery_engine import CeleryEngine
from auditor.engine.coordinator import Batching
from auditor.pipeline import capture_channels, execute

pytestmark = pytest.mark.browser

PAGES = 24


def _site_app(delay: float):
    """Offer pages that answer slowly, each linking to the next three."""
    def app(h, site) -> None:
        path = h.path.split("?")[0]
        if path == "/robots.txt":
            h.reply(b"User-agent: *\nAllow: /\n", ctype="text/plain")
            return
        n = int(path.strip("/").split("/")[-1] or 0) if path.startswith("/p/") else 0
        time.sleep(delay)
        links = "".join(f'<a href="/p/{k}">{k}</a>' for k in range(n + 1, min(n + 4, PAGES)))
        body = (f"<html><head><title>Tarjous {n}</title></head><body><main>"
                f"<h1>Liittymä {n}G</h1><p class='price'>Kuukausihinta {n + 10},90 €/kk</p>"
                f"<p>Avausmaksu 4,90 €</p>{links}</main></body></html>")
        h.reply(body.encode("utf-8"))
    return app


def _site_config(url: str, tmp_path: Path):
    text = f"""
version: 1
name: slow shop
base_url: {url}
channels:
  web:
    kind: web
    start_urls: ["/p/0"]
    max_pages: {PAGES}
    max_depth: {PAGES}
    robots: ignore
    sitemaps: false
    concurrency: 2
    screenshots: false
"""
    return parse_config(text, source=str(tmp_path / "audit.yaml"), root=tmp_path)


def _pages(result) -> list[str]:
    return sorted(result.visited)


def _obs(result) -> list[dict]:
    return sorted((o.to_dict() for o in result.observations), key=lambda d: d["id"])


def test_distributed_demo_matches_the_in_process_run(demo_run, demo_config, chromium,
                                                     workers, tmp_path):
    engine = CeleryEngine(workers.broker, tmp_path / "shared",
                          batching=Batching(batch_size=4, in_flight=2))
    run, _ = execute(demo_config, tmp_path / "out", browser=chromium, engine=engine,
                     run_id="celery-demo")

    def observations(r):
        out = []
        for o in r.observations:
            d = o.to_dict()
            d["evidence"].pop("screenshot")  # content-addressed crops of the second pass
            out.append(d)
        return sorted(out, key=lambda d: d["id"])

    def findings(r):
        return sorted((f.fingerprint, f.check, f.severity.label, f.subject, f.attribute,
                       f.channels, f.message, f.confirmed) for f in r.findings)

    assert observations(run) == observations(demo_run.run)
    assert findings(run) == findings(demo_run.run)
    assert {n: (c.pages_ok, c.pages_failed) for n, c in run.channels.items()} == {
        n: (c.pages_ok, c.pages_failed) for n, c in demo_run.run.channels.items()}
    assert run.complete and len(run.findings) >= 9
    results = list((tmp_path / "shared" / "celery-demo" / "units").glob("*.json"))
    assert len(results) >= 6  # the web channels went through the workers, as files
    assert run.evidence_root == str((tmp_path / "out" / "evidence").resolve())
    ran_on = {w for w in workers.procs if "succeeded" in workers.log(w)}
    assert len(ran_on) == 2  # both workers took batches


def _run_in_thread(config, out: Path, engine) -> tuple[threading.Thread, dict]:
    box: dict = {}

    def go() -> None:
        try:
            box["results"] = capture_channels(config, out, engine=engine, run_id=out.name)
        except BaseException as e:  # noqa: BLE001 - re-raised by the test
            box["error"] = e

    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    return thread, box


def _busy_task(workers, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for tasks in workers.active().values():
            if tasks:
                return tasks[0]
        time.sleep(0.1)
    pytest.fail("no worker ever ran a batch")


def test_a_worker_killed_mid_batch_loses_no_page_and_duplicates_none(
        workers, serve_app, chromium, tmp_path):
    site = serve_app(_site_app(delay=0.5))
    config = _site_config(site.url, tmp_path)
    reference = capture_channels(config, tmp_path / "inproc", browser=chromium)["web"]
    engine = CeleryEngine(workers.broker, tmp_path / "shared",
                          batching=Batching(batch_size=6, in_flight=2))
    thread, box = _run_in_thread(config, tmp_path / "killed", engine)
    busy = _busy_task(workers)
    time.sleep(1.0)  # the batch is reading its pages now
    os.kill(busy["worker_pid"], signal.SIGKILL)  # the pool process and its browser driver
    thread.join(240)
    assert not thread.is_alive(), "the distributed run never finished"
    assert "error" not in box, box.get("error")
    result = box["results"]["web"]
    assert result.pages_ok == PAGES and result.pages_failed == 0
    assert len(result.visited) == len(set(result.visited)) == PAGES
    assert _pages(result) == _pages(reference)
    assert _obs(result) == _obs(reference)
    # The killed batch was delivered again and its result file written once.
    units = tmp_path / "shared" / "killed" / "units"
    assert busy["id"].endswith(tuple(p.stem for p in units.glob("*.json")))
    assert any("WorkerLostError" in workers.log(w) or "Process" in workers.log(w)
               and "SIGKILL" in workers.log(w) for w in workers.procs)
    assert len(workers.ping()) == 2  # the worker replaced its pool process


def _chromium_of(worker_pid: int) -> int | None:
    """The Chromium browser process (not a renderer) among a worker's descendants
    (Playwright starts it in a process group of its own)."""
    parents: dict[int, int] = {}
    commands: dict[int, list[bytes]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parents[int(entry.name)] = int((entry / "stat").read_text()
                                           .rsplit(")", 1)[1].split()[1])
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue

    def descends(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == worker_pid:
                return True
        return False

    for pid, cmd in commands.items():
        if (b"chrom" in cmd[0] and not any(a.startswith(b"--type=") for a in cmd)
                and descends(pid)):
            return pid
    return None


def test_a_worker_whose_browser_dies_relaunches_it_and_reads_on(workers, serve_app,
                                                                 chromium, tmp_path):
    site = serve_app(_site_app(delay=0.5))
    config = _site_config(site.url, tmp_path)
    engine = CeleryEngine(workers.broker, tmp_path / "shared",
                          batching=Batching(batch_size=6, in_flight=2))
    thread, box = _run_in_thread(config, tmp_path / "crashed", engine)
    busy = _busy_task(workers)
    time.sleep(1.0)
    worker = next(p.pid for n, p in workers.procs.items() if n == busy["hostname"])
    victim = _chromium_of(worker)
    assert victim is not None, "the busy worker has no Chromium"
    os.kill(victim, signal.SIGKILL)
    thread.join(240)
    assert not thread.is_alive() and "error" not in box, box.get("error")
    result = box["results"]["web"]
    assert result.pages_ok == PAGES and result.pages_failed == 0
    assert len(set(result.visited)) == PAGES
    assert any("relaunched" in n for n in result.notes), result.notes
    assert _chromium_of(worker) not in (None, victim)


def test_an_unreachable_broker_is_exit_2_before_anything_is_read(demo_config, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket is closed
    config = tmp_path / "audit.yaml"
    config.write_text(Path(demo_config.source).read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("brand", "transcripts"):
        src = Path(demo_config.source).parent / name
        (tmp_path / name).symlink_to(src, target_is_directory=True)
    result = CliRunner().invoke(main, [
        "run", str(config), "--base-url", "http://127.0.0.1:9", "--engine", "celery",
        "--broker", f"redis://127.0.0.1:{port}/0", "--out", str(tmp_path / "out"),
        "--store", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2, result.output
    assert f"cannot reach the broker redis://127.0.0.1:{port}/0" in result.output
    assert not (tmp_path / "out" / "findings.json").exists()


def test_celery_without_a_broker_is_a_config_error(demo_config, tmp_path):
    result = CliRunner().invoke(main, [
        "run", demo_config.source, "--base-url", "http://127.0.0.1:9", "--engine", "celery",
        "--out", str(tmp_path / "out"), "--store", str(tmp_path / "s.sqlite")],
        env={"OMNIAUDIT_BROKER": ""})
    assert result.exit_code == 2, result.output
    assert "engine.broker" in result.output
