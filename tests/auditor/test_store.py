"""The run store, the same suite against both backends: a real SQLite file and a real
PostgreSQL server (the session's throwaway cluster, ``postgres_url`` in tests/conftest.py,
one fresh database per test; the ``store_target`` and ``store`` fixtures are there too)."""

from __future__ import annotations

import dataclasses
import os
import socket
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from auditor.model import CaptureError, ChannelResult, Finding, Run, Severity
from auditor.store import (
    SCHEMA_VERSION,
    RunOutcome,
    SQLiteStore,
    Store,
    StoreError,
    open_store,
)

ROOT = Path(__file__).resolve().parents[2]
#: A store written by the release before issue 12 (its own DDL and three runs), dumped.
RELEASE_DUMP = Path(__file__).parent / "store_data" / "release-be0c9ba.sql"


def _raw(target: str | Path, *statements: str) -> list[tuple]:
    """Run SQL on the store's database directly, as another program would; the last
    statement's rows."""
    if isinstance(target, Path):
        with sqlite3.connect(target) as db:
            rows: list[tuple] = []
            for sql in statements:
                rows = db.execute(sql).fetchall()
        db.close()
        return rows
    import psycopg

    with psycopg.connect(target) as conn:
        rows = []
        for sql in statements:
            cur = conn.execute(sql)
            rows = cur.fetchall() if cur.description else []
        return rows


def _run(run_id: str, minutes: int, fingerprints: list[str], make_obs, **kw) -> Run:
    started = (datetime(2026, 11, 23, tzinfo=UTC) + timedelta(minutes=minutes)).isoformat()
    o = make_obs("desktop", "mbb-100", "monthly_price", "24.90")
    findings = tuple(Finding(fp, "price_mismatch", Severity.HIGH, "mbb-100", "monthly_price",
                             ("desktop",), (o.id,), f"msg {fp}") for fp in fingerprints)
    ch = ChannelResult("desktop", "web", "desktop", 3, 0, (), (o,), ("http://127.0.0.1/",))
    return Run(run_id, kw.pop("name", "shop"), "audit.yaml", started, started, {"desktop": ch},
               (o,), kw.pop("findings", findings), subjects=("mbb-100",),
               subject_names={"mbb-100": "Mobiililaajakaista 100M"}, **kw)


def test_round_trip_previous_and_history(store, store_target, make_obs):
    first, second = _run("r1", 0, ["a", "b"], make_obs), _run("r2", 5, ["b"], make_obs)
    store.save(first)
    store.save(second)
    loaded = store.load("r2")
    assert loaded.findings == second.findings and loaded.observations == second.observations
    assert loaded.channels["desktop"].visited == ("http://127.0.0.1/",)
    assert store.previous("shop", second.started_at).id == "r1"
    assert store.previous("shop", first.started_at) is None
    assert [r["id"] for r in store.history()] == ["r2", "r1"]
    assert [r["findings"] for r in store.history("shop")] == [1, 2]
    # Reopening the same store sees the same history (a real file or server, not memory),
    # and Store(target) opens the same backend open_store does.
    again = Store(store_target)
    assert type(again) is type(store)
    assert again.load("r1").findings == first.findings


def test_a_run_with_failed_pages_does_not_make_old_findings_new(store, make_obs):
    from auditor.config import load_config
    from auditor.pipeline import check_run
    from tests.auditor.test_cli import CONFIG_PATH

    config = load_config(CONFIG_PATH)
    o = make_obs("desktop", "mbb-100", "monthly_price", "24.90")
    p = make_obs("mobile", "mbb-100", "monthly_price", "26.90")

    def audited(run_id: str, minutes: int) -> Run:
        at = (datetime(2026, 11, 23, tzinfo=UTC) + timedelta(minutes=minutes)).isoformat()
        channels = {"desktop": ChannelResult("desktop", "web", "desktop", 1, 0, (), (o,)),
                    "mobile": ChannelResult("mobile", "web", "iPhone 13", 1, 0, (), (p,))}
        return Run(run_id, "shop", None, at, at, channels, (o, p), ())

    first = check_run(audited("r1", 0), config)
    [mismatch] = [f for f in first.findings if f.check == "price_mismatch"]
    assert mismatch.status == "new"
    store.save(first)
    # The next run could not read mobile's page: it could not make the finding.
    broken = audited("r2", 5)
    broken = dataclasses.replace(broken, observations=(o,), channels={
        **broken.channels, "mobile": ChannelResult(
            "mobile", "web", "iPhone 13", 0, 1, (CaptureError("mobile", "http://m/", "HTTP 500"),),
            ())})
    broken = check_run(broken, config, previous=store.previous("shop", broken.started_at),
                       seen=store.seen_before("shop", broken.started_at))
    assert not broken.complete and mismatch.fingerprint not in {f.fingerprint
                                                                for f in broken.findings}
    store.save(broken)
    store.save(dataclasses.replace(audited("r3", 7), interrupted=True))
    # A good run again: the long-standing finding is persisting, not new; the interrupted
    # run is never its previous run.
    third = audited("r4", 10)
    assert store.previous("shop", third.started_at).id == "r2"
    third = check_run(third, config, previous=store.previous("shop", third.started_at),
                      seen=store.seen_before("shop", third.started_at))
    assert [f.status for f in third.findings if f.fingerprint == mismatch.fingerprint] == [
        "persisting"]
    # Without the history walk (only the previous run) it would have been "new".
    naive = check_run(audited("r5", 11), config, previous=store.previous("shop", "9"))
    assert [f.status for f in naive.findings if f.fingerprint == mismatch.fingerprint] == ["new"]


def test_load_by_unique_prefix_and_clear_errors(store, make_obs):
    store.save(_run("20261123T0900-aa", 0, ["a"], make_obs))
    store.save(_run("20261123T0900-ab", 1, [], make_obs))
    store.save(_run("20261123T1000-cc", 2, [], make_obs))
    assert store.load("20261123T10").id == "20261123T1000-cc"
    assert store.load("20261123T0900-aa").findings[0].fingerprint == "a"
    with pytest.raises(KeyError, match="ambiguous"):
        store.load("20261123T0900-a")
    with pytest.raises(KeyError, match="no run 'zz'"):
        store.load("zz")
    # Saving a run again replaces it, findings included (no duplicates, no leftovers).
    store.save(_run("20261123T0900-aa", 0, ["x", "y"], make_obs))
    assert [f.fingerprint for f in store.load("20261123T0900-aa").findings] == ["x", "y"]
    assert store.count() == (3, 2)


def test_history_rows_outcomes_and_trends_per_check_and_offer(store, make_obs):
    o = make_obs("desktop", "mbb-100", "monthly_price", "24.90")

    def finding(fp: str, check: str, severity: Severity, subject: str, status: str = "new"):
        return Finding(fp, check, severity, subject, "monthly_price", ("desktop",), (o.id,),
                       f"msg {fp}", status=status)

    store.save(_run("r1", 0, [], make_obs, findings=(
        finding("a", "price_mismatch", Severity.HIGH, "mbb-100"),
        finding("b", "hidden_fee", Severity.CRITICAL, "fiber-300"),
        finding("w", "brand_name", Severity.LOW, "mbb-100", "waived"))))
    store.record_outcome("r1", RunOutcome(gate="failed", fail_on="high", new=2, resolved=0,
                                          out_dir="/srv/audits/r1"))
    store.save(_run("r2", 5, [], make_obs, findings=(
        finding("a", "price_mismatch", Severity.HIGH, "mbb-100", "persisting"),)))
    store.save(_run("r3", 7, ["z"], make_obs, interrupted=True))
    store.save(_run("other", 9, ["q"], make_obs, name="another audit"))

    r3, r2, r1 = store.history("shop")
    assert (r1["gate"], r1["fail_on"], r1["new"], r1["resolved"], r1["out_dir"]) == (
        "failed", "high", 2, 0, "/srv/audits/r1")
    assert r1["by_severity"] == {"info": 0, "low": 0, "medium": 0, "high": 1, "critical": 1}
    assert (r1["waived"], r1["findings"], r1["complete"]) == (1, 3, True)
    # Without a recorded outcome: what the run itself tells (its new findings; no gate for
    # a complete run, "interrupted" for an interrupted one).
    assert (r2["gate"], r2["new"], r2["resolved"], r2["out_dir"]) == (None, 0, None, None)
    assert (r3["gate"], r3["interrupted"], r3["complete"], r3["new"]) == (
        "interrupted", True, False, 1)
    assert [r["id"] for r in store.history(limit=2)] == ["other", "r3"]
    assert store.audits() == ["another audit", "shop"]

    runs, by_check = store.finding_counts("shop", "check")
    assert runs == ["r1", "r2", "r3"]
    assert by_check == {"hidden_fee": [1, 0, 0], "price_mismatch": [1, 1, 1]}  # waived left out
    assert store.finding_counts("shop", "subject", limit=2) == (
        ["r2", "r3"], {"mbb-100": [1, 1]})
    trend = store.trend("shop")
    assert [(t["id"], t["by_severity"]["high"], t["waived"]) for t in trend] == [
        ("r1", 1, 1), ("r2", 1, 0), ("r3", 1, 0)]

    assert store.history_page("shop") is None
    store.set_history_page("shop", "/srv/history/shop/index.html")
    store.set_history_page("shop", "/srv/history2/shop/index.html")
    assert store.history_page("shop") == "/srv/history2/shop/index.html"
    with pytest.raises(KeyError):
        store.record_outcome("nope", RunOutcome(gate="passed"))


def _release_statements() -> list[str]:
    """The release's dump as statements any SQL database runs in order: tables before the
    rows that reference them, runs before their findings."""
    text = "\n".join(line for line in RELEASE_DUMP.read_text(encoding="utf-8").splitlines()
                     if not line.startswith("--"))
    statements = [s.strip() for s in text.split(";\n") if s.strip()]
    statements = [s for s in statements
                  if not s.startswith(("PRAGMA", "BEGIN", "COMMIT"))]
    order = ("CREATE TABLE runs", "CREATE TABLE findings", "CREATE INDEX",
             'INSERT INTO "runs"', 'INSERT INTO "findings"')
    return sorted(statements, key=lambda s: next(i for i, p in enumerate(order)
                                                 if s.startswith(p)))


def test_a_store_written_by_the_previous_release_is_upgraded_in_place(store_target, make_obs):
    if isinstance(store_target, Path):
        with sqlite3.connect(store_target) as db:  # the release's file, byte for byte its DDL
            db.executescript(RELEASE_DUMP.read_text(encoding="utf-8"))
        db.close()
    else:
        _raw(store_target, *_release_statements())

    store = open_store(store_target)
    assert store.schema_version() == SCHEMA_VERSION
    assert [r[0] for r in _raw(store_target, "SELECT version FROM schema_version")] == [3]
    # Every run reads back as the release stored it.
    first = store.load("20261123T000000Z-aaaa")
    assert [(f.fingerprint, f.status) for f in first.findings] == [("fp-a", "new"),
                                                                     ("fp-b", "new")]
    assert first.subject_names == {"mbb-100": "Mobiililaajakaista 100M"}
    assert first.channels["mobile"].device == "iPhone 13"
    rows = store.history("shop")
    assert [(r["id"], r["gate"], r["new"], r["findings"]) for r in rows] == [
        ("20261123T001000Z-cccc", "interrupted", 0, 0),
        ("20261123T000500Z-bbbb", None, 0, 1),
        ("20261123T000000Z-aaaa", None, 2, 2)]
    # The history walks still skip the interrupted run.
    assert store.previous("shop", "9").id == "20261123T000500Z-bbbb"
    assert store.seen_before("shop", "9") == {"fp-b"}
    # And the upgraded store takes new runs with their outcome; reopening changes nothing.
    store.save(_run("r-new", 60, ["fp-b"], make_obs),
               outcome=RunOutcome(gate="passed", fail_on="high", new=0, resolved=1))
    again = open_store(store_target)
    assert again.schema_version() == SCHEMA_VERSION
    assert again.history("shop", 1)[0]["gate"] == "passed"
    assert len(_raw(store_target, "SELECT version FROM schema_version")) == 1


def test_a_store_newer_than_the_code_is_refused(store_target):
    open_store(store_target)
    _raw(store_target, "INSERT INTO schema_version (version, description, applied_at) "
                       "VALUES (99, 'from the future', '2030-01-01')")
    with pytest.raises(StoreError, match="schema version 99, newer than this omniaudit"):
        open_store(store_target)


#: One writer process: opens the store when told to go, then saves runs, each after the
#: history queries a real run makes first.
WRITER = r"""
import sys, time
from pathlib import Path
from auditor.model import ChannelResult, Finding, Run, Severity
from auditor.store import open_store
target, worker, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
while not go.exists():
    time.sleep(0.005)
store = open_store(target)
for i in range(count):
    at = f"2026-11-23T10:{worker:02d}:{i:02d}+00:00"
    store.previous("shop", at)
    store.seen_before("shop", at)
    findings = tuple(Finding(f"w{worker}-r{i}-f{k}", "price_mismatch", Severity.HIGH, "mbb-100",
                             "monthly_price", ("desktop",), (), "m") for k in range(3))
    ch = ChannelResult("desktop", "web", "desktop", 1, 0, (), ())
    store.save(Run(f"w{worker}-r{i}", "shop", None, at, at, {"desktop": ch}, (), findings))
"""


def test_concurrent_processes_writing_to_one_store_lose_nothing(store_target, tmp_path):
    """Several processes open a store nobody has created yet (so they also race to create
    its schema) and save runs into it at the same time; every run and finding is there."""
    workers, runs_each = 4, 8
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(store_target), str(w),
                               str(runs_each), str(go)], env=env, cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for w in range(workers)]
    go.touch()
    errors = [p.communicate(timeout=240)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * workers, errors
    store = open_store(store_target)
    assert store.count() == (workers * runs_each, workers * runs_each * 3)
    assert {r["id"] for r in store.history(limit=1000)} == {
        f"w{w}-r{i}" for w in range(workers) for i in range(runs_each)}
    assert len(store.load("w3-r7").findings) == 3
    assert store.schema_version() == SCHEMA_VERSION


def test_the_target_chooses_the_backend(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert isinstance(Store(tmp_path / "a.sqlite"), SQLiteStore)
    relative = open_store("sqlite:///sub/b.sqlite")  # SQLAlchemy's convention
    assert isinstance(relative, SQLiteStore) and (tmp_path / "sub" / "b.sqlite").is_file()
    absolute = open_store(f"sqlite:///{tmp_path}/c.sqlite")
    assert absolute.path == tmp_path / "c.sqlite"
    with pytest.raises(StoreError, match="unknown scheme 'mysql'.*postgresql://"):
        open_store("mysql://root:pw@127.0.0.1/x")
    with pytest.raises(StoreError, match="has no host"):
        open_store("sqlite://host/x.sqlite")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_server_is_one_line_naming_the_url_without_its_password(tmp_path):
    from tests.auditor.test_cli import omniaudit

    url = f"postgresql://auditor:s3cret-pw@127.0.0.1:{_closed_port()}/history"
    with pytest.raises(StoreError) as raised:
        open_store(url)
    message = str(raised.value)
    assert message.startswith(f"cannot connect to the run store postgresql://auditor@127.0.0.1:"
                              f"{url.split(':')[3]}")
    assert "s3cret" not in message and "\n" not in message
    for command in (["history"], ["explain", "mbb-100"], ["check", "some-run"]):
        r = omniaudit(*command, "--store", url, cwd=tmp_path)
        assert r.returncode == 2, (command, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("store error: cannot connect to the run "
                                                       "store postgresql://auditor@127.0.0.1")
        assert "s3cret" not in r.stderr + r.stdout and "Traceback" not in r.stderr


def test_a_missing_database_names_it(postgres_url):
    url = postgres_url.rsplit("/", 1)[0] + "/no_such_db"
    with pytest.raises(StoreError, match='database "no_such_db" does not exist'):
        open_store(url)
