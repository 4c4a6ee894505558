"""The run history: one SQLite file by default.

Each run is stored whole (its ``findings.json`` body, so checks can re-run on it offline)
plus one row per finding, indexed by fingerprint, so that "what is new since the last run
of this config" is a query rather than a scan of documents.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from auditor.model import Run, Severity, run_from_dict, run_to_dict

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id           TEXT PRIMARY KEY,
    config_name  TEXT NOT NULL,
    config_path  TEXT,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    complete     INTEGER NOT NULL,
    document     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_config ON runs (config_name, started_at);
CREATE TABLE IF NOT EXISTS findings (
    run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL,
    check_id     TEXT NOT NULL,
    severity     TEXT NOT NULL,
    level        TEXT NOT NULL,
    subject      TEXT NOT NULL,
    attribute    TEXT NOT NULL,
    status       TEXT NOT NULL,
    message      TEXT NOT NULL,
    PRIMARY KEY (run_id, fingerprint)
);
CREATE INDEX IF NOT EXISTS findings_by_fingerprint ON findings (fingerprint);
"""
#: Columns added after the first schema, applied to older stores when opened.
MIGRATIONS: tuple[tuple[int, str], ...] = (
    (2, "ALTER TABLE runs ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0"),
)
#: How far back "was this finding here before?" looks for a run that saw everything.
HISTORY_DEPTH = 10


class StoreError(Exception):
    """The run store cannot be opened, read or written; the message says which file, why
    and what to do (the CLI exits 2 with it)."""


class Store:
    """A SQLite run store; safe to open from several processes (WAL mode)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise self._error("create the folder of", e) from None
        with self._connect() as db:
            db.executescript(SCHEMA)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, statement in MIGRATIONS:
                if version < number:
                    try:
                        db.execute(statement)
                    except sqlite3.OperationalError as e:  # a store created with the column
                        if "duplicate column" not in str(e):
                            raise
            db.execute(f"PRAGMA user_version = {MIGRATIONS[-1][0]}")

    def _error(self, doing: str, e: BaseException) -> StoreError:
        reason = getattr(e, "strerror", None) or str(e)
        return StoreError(f"cannot {doing} the run store {self.path}: {reason}; pass --store "
                          "with a writable file (or fix the folder's permissions)")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            with closing(sqlite3.connect(self.path, timeout=30)) as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA foreign_keys=ON")
                with db:
                    yield db
        except (sqlite3.Error, OSError) as e:
            raise self._error("use", e) from None

    def save(self, run: Run) -> None:
        """Store a finished run (replacing a run with the same id)."""
        doc = json.dumps(run_to_dict(run), ensure_ascii=False)
        with self._connect() as db:
            db.execute("DELETE FROM runs WHERE id = ?", (run.id,))
            db.execute(
                "INSERT INTO runs (id, config_name, config_path, started_at, finished_at, "
                "complete, document, interrupted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (run.id, run.config_name, run.config_path, run.started_at, run.finished_at,
                 int(run.complete), doc, int(run.interrupted)))
            db.executemany(
                "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run.id, f.fingerprint, f.check, f.severity.label, f.level, f.subject,
                  f.attribute, f.status, f.message) for f in run.findings])

    def load(self, run_id: str) -> Run:
        """A stored run by id (a unique prefix is enough); ``KeyError`` when unknown."""
        with self._connect() as db:
            rows = db.execute("SELECT id, document FROM runs WHERE id LIKE ? || '%' "
                              "ORDER BY started_at DESC", (run_id,)).fetchall()
        exact = [r for r in rows if r[0] == run_id]
        if exact:
            rows = exact
        if not rows:
            raise KeyError(f"no run {run_id!r} in {self.path}")
        if len(rows) > 1:
            raise KeyError(f"run id {run_id!r} is ambiguous in {self.path}")
        return run_from_dict(json.loads(rows[0][1]))

    def previous(self, config_name: str, before: str) -> Run | None:
        """The latest run of the same config that started before ``before`` (ISO time) and
        was not interrupted (an interrupted run saw only part of the site)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT document FROM runs WHERE config_name = ? AND started_at < ? "
                "AND interrupted = 0 ORDER BY started_at DESC LIMIT 1",
                (config_name, before)).fetchone()
        return run_from_dict(json.loads(row[0])) if row else None

    def seen_before(self, config_name: str, before: str) -> frozenset[str]:
        """Fingerprints found by the runs before ``before`` back to (and including) the
        latest complete one: a run with failed pages may have missed a finding it could not
        check, so its absence there does not make the finding new again."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, complete FROM runs WHERE config_name = ? AND started_at < ? "
                "AND interrupted = 0 ORDER BY started_at DESC LIMIT ?",
                (config_name, before, HISTORY_DEPTH)).fetchall()
            ids: list[str] = []
            for run_id, complete in rows:
                ids.append(run_id)
                if complete:
                    break
            found = db.execute(
                f"SELECT DISTINCT fingerprint FROM findings WHERE run_id IN "
                f"({','.join('?' * len(ids))})", ids).fetchall() if ids else []
        return frozenset(r[0] for r in found)

    def history(self, config_name: str | None = None, limit: int = 50) -> list[dict[str, object]]:
        """Summary rows of recent runs, newest first."""
        sql = ("SELECT r.id, r.config_name, r.started_at, r.complete, COUNT(f.fingerprint), "
               "r.interrupted "
               "FROM runs r LEFT JOIN findings f ON f.run_id = r.id ")
        args: tuple = ()
        if config_name:
            sql += "WHERE r.config_name = ? "
            args = (config_name,)
        sql += "GROUP BY r.id ORDER BY r.started_at DESC LIMIT ?"
        with self._connect() as db:
            rows = db.execute(sql, (*args, limit)).fetchall()
        return [{"id": r[0], "config_name": r[1], "started_at": r[2], "complete": bool(r[3]),
                 "findings": r[4], "interrupted": bool(r[5])} for r in rows]

    def trend(self, config_name: str, limit: int = 30) -> list[dict[str, object]]:
        """Findings per severity of the last ``limit`` runs of a config, oldest first.

        Read from the per-finding rows (not the documents), so a long history stays cheap;
        this is what the report's trend chart draws. Waived findings are counted apart,
        since they no longer need anyone's attention.
        """
        with self._connect() as db:
            runs = db.execute(
                "SELECT id, started_at, complete FROM runs WHERE config_name = ? "
                "ORDER BY started_at DESC LIMIT ?", (config_name, limit)).fetchall()
            ids = [r[0] for r in runs]
            counts = db.execute(
                "SELECT run_id, severity, status = 'waived', COUNT(*) FROM findings "
                f"WHERE run_id IN ({','.join('?' * len(ids))}) "
                "GROUP BY run_id, severity, status = 'waived'", ids).fetchall() if ids else []
        rows: dict[str, dict[str, object]] = {
            r[0]: {"id": r[0], "started_at": r[1], "complete": bool(r[2]), "waived": 0,
                   "by_severity": {s.label: 0 for s in Severity}}
            for r in runs}
        for run_id, severity, waived, n in counts:
            row = rows[run_id]
            if waived:
                row["waived"] = int(row["waived"]) + n  # type: ignore[call-overload]
            else:
                row["by_severity"][severity] += n  # type: ignore[index]
        return [rows[r[0]] for r in reversed(runs)]
