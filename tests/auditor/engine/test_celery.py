"""The Celery engine with real parts: redis-server, two `omniaudit worker` processes each
with its own Chromium, real sites on 127.0.0.1.

A distributed run of the demo finds what the in-process run finds; a worker process
SIGKILLed in the middle of a batch loses no page and counts none twice; a worker whose
Chromium is killed relaunches it and reads on; a coordinator SIGKILLed mid-run is resumed
from the broker and sends no batch twice; an unreachable broker is exit 2.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.config import parse_config
from auditor.engine.celery_app import QUEUE
from auditor.engine.celery_engine import SENT_LEDGER, CeleryEngine, broker_task_ids
from auditor.engine.coordinator import Batching
from auditor.pipeline import capture_channels, execute

pytestmark = pytest.mark.browser

PAGES = 24


def _site_app(delay: float, hub: bool = False):
    """Offer pages that answer slowly, each linking to the next three (with ``hub``, the
    first page links to every page, so that many batches are out at once)."""
    def app(h, site) -> None:
        path = h.path.split("?")[0]
        if path == "/robots.txt":
            h.reply(b"User-agent: *\nAllow: /\n", ctype="text/plain")
            return
        n = int(path.strip("/").split("/")[-1] or 0) if path.startswith("/p/") else 0
        time.sleep(delay)
        last = PAGES if hub and n == 0 else min(n + 4, PAGES)
        links = "".join(f'<a href="/p/{k}">{k}</a>' for k in range(n + 1, last))
        body = (f"<html><head><title>Tarjous {n}</title></head><body><main>"
                f"<h1>Liittymä {n}G</h1><p class='price'>Kuukausihinta {n + 10},90 €/kk</p>"
                f"<p>Avausmaksu 4,90 €</p>{links}</main></body></html>")
        h.reply(body.encode("utf-8"))
    return app


_SITE_YAML = """
version: 1
name: slow shop
base_url: {url}
channels:
  web:
    kind: web
    start_urls: ["/p/0"]
    max_pages: {pages}
    max_depth: {pages}
    robots: ignore
    sitemaps: false
    concurrency: 2
    screenshots: false
"""


def _site_config(url: str, tmp_path: Path):
    return parse_config(_SITE_YAML.format(url=url, pages=PAGES),
                        source=str(tmp_path / "audit.yaml"), root=tmp_path)


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
    worker = next(p.pid for n, p in workers.procs.items() if n == busy["hostname"])
    # Kill the browser as soon as the busy worker has one, so it dies mid-batch (a fixed
    # wait could let a loaded machine finish the batch first).
    deadline, victim = time.monotonic() + 10, None
    while victim is None and time.monotonic() < deadline:
        victim = _chromium_of(worker)
        time.sleep(0.05)
    assert victim is not None, "the busy worker has no Chromium"
    os.kill(victim, signal.SIGKILL)
    thread.join(240)
    assert not thread.is_alive() and "error" not in box, box.get("error")
    result = box["results"]["web"]
    assert result.pages_ok == PAGES and result.pages_failed == 0
    assert len(set(result.visited)) == PAGES
    assert any("relaunched" in n for n in result.notes), result.notes
    assert _chromium_of(worker) not in (None, victim)


def test_a_coordinator_killed_mid_run_resumes_from_the_broker(workers, serve_app, chromium,
                                                              tmp_path):
    """SIGKILL the coordinator (`omniaudit run --engine celery`, a real subprocess) while
    batches are still queued in Redis; `run --resume RUN_DIR` reads the finished batches
    from their result files, waits for the ones still in the broker without sending them
    again, sends only pages nobody had, and finishes the run: every page read once."""
    site = serve_app(_site_app(delay=1.5, hub=True))
    config = tmp_path / "audit.yaml"
    config.write_text(_SITE_YAML.format(url=site.url, pages=PAGES)
                      + "engine:\n  batch_size: 4\n  in_flight: 4\n", encoding="utf-8")
    out = tmp_path / "run"
    ledger = out / "units" / SENT_LEDGER
    env = {**os.environ, "OMNIAUDIT_CHROMIUM": chromium.path or ""}
    command = [sys.executable, "-m", "auditor", "run", str(config), "--engine", "celery",
               "--broker", workers.broker, "--store", str(tmp_path / "s.sqlite")]
    with (tmp_path / "first.log").open("wb") as log:
        first = subprocess.Popen(command + ["--out", str(out)], stdout=log, cwd=tmp_path,
                                 stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + 120
    try:
        # Killed once a batch has come back and the four in flight after it are out.
        while not (ledger.exists() and len(ledger.read_text().splitlines()) >= 5
                   and list(ledger.parent.glob("*.json"))):
            assert first.poll() is None, (tmp_path / "first.log").read_text()
            assert time.monotonic() < deadline, "the coordinator never sent 5 batches"
            time.sleep(0.05)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
    # The workers stop taking new batches while no coordinator runs (they finish the one
    # each holds), so that some are certainly still queued in Redis when it comes back.
    workers.app.control.cancel_consumer(QUEUE, reply=True)
    try:
        sent_before = ledger.read_text().splitlines()
        assert broker_task_ids(workers.app), "nothing was left in the broker to resume from"
        assert not (out / "findings.json").exists()
        with (tmp_path / "resumed.log").open("w+", encoding="utf-8") as log:
            second = subprocess.Popen(command + ["--resume", str(out)], stdout=log,
                                      stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path,
                                      start_new_session=True)
            said = ""
            while "resuming:" not in said:
                assert second.poll() is None, (tmp_path / "resumed.log").read_text()
                assert time.monotonic() < deadline + 60, "the run never said it resumed"
                time.sleep(0.05)
                said = (tmp_path / "resumed.log").read_text()
            workers.app.control.add_consumer(QUEUE, reply=True)
            code = second.wait(240)
        output = (tmp_path / "resumed.log").read_text()
    finally:
        workers.app.control.add_consumer(QUEUE, reply=True)
    assert code == 0, output
    said = next(line for line in output.splitlines() if "resuming:" in line)
    read, waited = (int(x) for x in
                    re.search(r"(\d+) batch\(es\) already read, (\d+) still in the broker",
                              said).groups())
    assert read >= 1 and waited >= 1, said
    assert "0 sent again" in said
    units = [json.loads(line) for line in ledger.read_text().splitlines()]
    assert len(units) > len(sent_before)  # the resumed coordinator sent the rest
    pages = [url for u in units for url, _ in u["pages"]]
    assert len(pages) == len(set(pages)) == PAGES  # no page sent twice, none left out
    assert len(list(ledger.parent.glob("*.json"))) == len(units)
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert doc["run"]["id"] == json.loads((out / "engine.json").read_text())["run_id"]
    web = doc["run"]["channels"]["web"]
    assert web["pages_ok"] == PAGES and web["pages_failed"] == 0
    assert len(web["visited"]) == len(set(web["visited"])) == PAGES


def test_transcript_files_are_read_by_the_workers_as_in_process(workers, demo_config,
                                                                 tmp_path):
    """Each transcript file is one task for the workers (no browser): the channel's result
    is the in-process capture's, an unreadable file included, named as its capture error."""
    import shutil

    chats = tmp_path / "chats"
    shutil.copytree(demo_config.resolve(demo_config.channels["chat"].path), chats)
    (chats / "broken.json").write_bytes(b'{"format": "omniaudit-transcript/1", \xff')
    chat = demo_config.channels["chat"].model_copy(update={"path": chats})
    config = demo_config.model_copy(update={"channels": {"chat": chat}})
    today = date(2026, 11, 20)
    here = capture_channels(config, tmp_path / "here", today=today)["chat"]
    engine = CeleryEngine(workers.broker, tmp_path / "shared",
                          batching=Batching(batch_size=4, in_flight=2))
    there = capture_channels(config, tmp_path / "there", today=today, engine=engine,
                             run_id="chats")["chat"]
    assert there.pages_ok == here.pages_ok >= 3 and there.pages_failed == 1
    assert there.errors == here.errors
    assert there.errors[0].target.endswith("broken.json")
    assert _obs(there) == _obs(here) and there.visited == here.visited
    results = list((tmp_path / "shared" / "chats" / "units").glob("chat-*.json"))
    assert len(results) == here.pages_ok + 1  # one result file per transcript file
    assert any("omniaudit.read_transcript" in workers.log(w) for w in workers.procs)


def test_one_browser_reads_two_batches_at_once_and_misses_nothing(threaded, serve_app,
                                                                   chromium, tmp_path):
    """`omniaudit worker --batches-per-browser 2`: one process, one Chromium, two batches
    in it at the same moment; every page read once, as in-process."""
    site = serve_app(_site_app(delay=0.5, hub=True))
    config = _site_config(site.url, tmp_path)
    reference = capture_channels(config, tmp_path / "inproc", browser=chromium)["web"]
    engine = CeleryEngine(threaded.broker, tmp_path / "shared",
                          batching=Batching(batch_size=4, in_flight=2))
    thread, box = _run_in_thread(config, tmp_path / "threads", engine)
    most = 0
    while thread.is_alive():
        most = max(most, sum(len(t) for t in threaded.active().values()))
        time.sleep(0.1)
    assert "error" not in box, box.get("error")
    result = box["results"]["web"]
    assert most == 2  # two batches in the one worker process at once
    assert len(threaded.procs) == 1
    assert result.pages_ok == PAGES and result.pages_failed == 0
    assert _pages(result) == _pages(reference) and _obs(result) == _obs(reference)


def test_batches_per_browser_needs_one_process():
    result = CliRunner().invoke(main, ["worker", "--broker", "redis://127.0.0.1:9/0",
                                       "--concurrency", "2", "--batches-per-browser", "2"])
    assert result.exit_code == 2
    assert "--batches-per-browser needs --concurrency 1" in result.output


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
