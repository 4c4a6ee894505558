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
PRAGMA user_version = 1;
"""


class Store:
    """A SQLite run store; safe to open from several processes (WAL mode)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            with db:
                yield db

    def save(self, run: Run) -> None:
        """Store a finished run (replacing a run with the same id)."""
        doc = json.dumps(run_to_dict(run), ensure_ascii=False)
        with self._connect() as db:
            db.execute("DELETE FROM runs WHERE id = ?", (run.id,))
            db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run.id, run.config_name, run.config_path, run.started_at, run.finished_at,
                 int(run.complete), doc))
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
        """The latest run of the same config that started before ``before`` (ISO time)."""
        with self._connect() as db:
            row = db.execute(
                "SELECT document FROM runs WHERE config_name = ? AND started_at < ? "
                "ORDER BY started_at DESC LIMIT 1", (config_name, before)).fetchone()
        return run_from_dict(json.loads(row[0])) if row else None

    def history(self, config_name: str | None = None, limit: int = 50) -> list[dict[str, object]]:
        """Summary rows of recent runs, newest first."""
        sql = ("SELECT r.id, r.config_name, r.started_at, r.complete, COUNT(f.fingerprint) "
               "FROM runs r LEFT JOIN findings f ON f.run_id = r.id ")
        args: tuple = ()
        if config_name:
            sql += "WHERE r.config_name = ? "
            args = (config_name,)
        sql += "GROUP BY r.id ORDER BY r.started_at DESC LIMIT ?"
        with self._connect() as db:
            rows = db.execute(sql, (*args, limit)).fetchall()
        return [{"id": r[0], "config_name": r[1], "started_at": r[2], "complete": bool(r[3]),
                 "findings": r[4]} for r in rows]

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
