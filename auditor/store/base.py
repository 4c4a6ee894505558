"""The run store's interface and everything its backends share.

Each run is stored whole (its ``findings.json`` body, so checks can re-run on it offline)
plus one row per finding, indexed by fingerprint, so that "what is new since the last run
of this config" is a query rather than a scan of documents.

:class:`Store` is the interface the pipeline and the CLI code against. The queries are
written once here, in the SQL SQLite and PostgreSQL agree on, with ``?`` placeholders; a
backend supplies three things: a transaction (:meth:`Store._transaction`), the names of its
tables and columns (for migrations), and how to name itself in messages. ``Store(target)``
and :func:`open_store` choose the backend from the target: a file path or ``sqlite:///``
URL is SQLite, ``postgresql://`` is PostgreSQL.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from auditor.model import Run, Severity, run_from_dict, run_to_dict

from .migrations import SCHEMA_VERSION, VERSION_TABLE, legacy_version, pending

#: How far back "was this finding here before?" looks for a run that saw everything.
HISTORY_DEPTH = 10

#: ``gate`` values a run can have; ``None`` when no gate was recorded for it.
GATES = ("passed", "failed", "incomplete", "interrupted")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+)://")


class StoreError(Exception):
    """The run store cannot be opened, read or written; the message says which store (a
    URL never with its password), why and what to do (the CLI exits 2 with it)."""


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended, as the caller that gated it knows: recorded beside the run for
    ``omniaudit history``.

    ``gate`` is one of :data:`GATES`; ``fail_on`` the severity it gated at (``None``: no
    gate); ``new`` / ``resolved`` the counts against the previous run (as the summary and
    report show them); ``out_dir`` the run's report folder.
    """

    gate: str | None = None
    fail_on: str | None = None
    new: int | None = None
    resolved: int | None = None
    out_dir: str | None = None


class Transaction(Protocol):
    """What a backend's transaction offers the shared queries (``?`` placeholders)."""

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a statement and return all its rows."""
        ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run a statement for its effect."""
        ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run a statement once per row of parameters."""
        ...


def is_url(target: str | Path) -> bool:
    """Whether ``target`` is a URL (``scheme://…``) rather than a file path."""
    return isinstance(target, str) and bool(_SCHEME.match(target))


def redact_url(url: str) -> str:
    """``url`` without its password (in the user part or a ``password=`` parameter), for
    messages and pages: ``postgresql://app:s3cret@db/x`` → ``postgresql://app@db/x``."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
        netloc = parts.netloc
        if "@" in netloc:
            user, host = netloc.rsplit("@", 1)
            netloc = f"{user.split(':', 1)[0]}@{host}"
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                           if k.lower() != "password"])
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    except ValueError:
        return url.split("://", 1)[0] + "://…"


def backend_for(target: str | Path) -> type[Store]:
    """The store class for ``target``: SQLite for a path or ``sqlite:///`` URL, PostgreSQL
    for ``postgresql://`` (or ``postgres://``); any other scheme is a :class:`StoreError`."""
    if is_url(target):
        scheme = str(target).split("://", 1)[0].lower()
        if scheme in ("postgresql", "postgres"):
            from .postgres import PostgresStore

            return PostgresStore
        if scheme != "sqlite":
            raise StoreError(
                f"cannot use the run store {redact_url(str(target))}: unknown scheme "
                f"'{scheme}'; pass --store a file path, sqlite:///FILE or "
                "postgresql://USER@HOST[:PORT]/DATABASE")
    from .sqlite import SQLiteStore

    return SQLiteStore


def open_store(target: str | Path) -> Store:
    """The run store at ``target`` (a file path, ``sqlite:///FILE`` or
    ``postgresql://…``), created or upgraded to the current schema."""
    return backend_for(target)(target)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _in(ids: Sequence[str]) -> str:
    return "(" + ",".join("?" * len(ids)) + ")"


class Store(ABC):
    """A run store: runs and their findings, the history walks the pipeline needs, and the
    summaries ``omniaudit history`` and the reports show.

    ``Store(target)`` opens the backend ``target`` names (see :func:`open_store`), so code
    written against the SQLite-only store keeps working. Safe to use from several processes
    at once: every write is one transaction.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Store:
        if cls is Store:
            target = args[0] if args else kwargs.get("target", kwargs.get("path"))
            cls = backend_for(target)
        return super().__new__(cls)

    # -- what a backend supplies ---------------------------------------------------------

    @abstractmethod
    def _transaction(self, write: bool = False) -> AbstractContextManager[Transaction]:
        """One transaction (a write one takes the write lock up front); backend errors
        leave it as :class:`StoreError`."""

    @abstractmethod
    def _tables(self, tx: Transaction) -> set[str]:
        """The names of the store's tables."""

    @abstractmethod
    def _columns(self, tx: Transaction, table: str) -> set[str]:
        """The column names of ``table``."""

    @abstractmethod
    def _lock_for_migration(self, tx: Transaction) -> None:
        """Make concurrent migrations of the same store wait for each other."""

    @abstractmethod
    def describe(self) -> str:
        """The store as messages name it: a file path, or a URL without its password."""

    # -- schema --------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The schema version the store is at."""
        with self._transaction() as tx:
            return self._version(tx)

    def _version(self, tx: Transaction) -> int:
        tables = self._tables(tx)
        if "schema_version" in tables:
            rows = tx.query("SELECT MAX(version) FROM schema_version")
            if rows and rows[0][0] is not None:
                return int(rows[0][0])
        return legacy_version(tables, self._columns(tx, "runs") if "runs" in tables else set())

    def migrate(self, target: int = SCHEMA_VERSION) -> int:
        """Apply the missing migrations up to ``target`` in one transaction; returns the
        version the store is at. A store newer than this code is an error."""
        with self._transaction() as tx:
            current = self._version(tx)
        if current == target:
            return current
        with self._transaction(write=True) as tx:
            self._lock_for_migration(tx)
            current = self._version(tx)  # another process may have migrated meanwhile
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"the run store {self.describe()} has schema version {current}, newer "
                    f"than this omniaudit understands ({SCHEMA_VERSION}); upgrade omniaudit")
            tx.execute(VERSION_TABLE)
            for migration in pending(current, target):
                for statement in migration.statements:
                    tx.execute(statement)
                tx.execute("INSERT INTO schema_version (version, description, applied_at) "
                           "VALUES (?, ?, ?)", (migration.version, migration.description,
                                                _now()))
            return max(current, target)

    # -- writing -------------------------------------------------------------------------

    def save(self, run: Run, *, outcome: RunOutcome | None = None) -> None:
        """Store a finished run (replacing a run with the same id), with its outcome when
        the caller knows it (else what the run itself tells: an interrupted or incomplete
        run's gate, its new findings)."""
        doc = json.dumps(run_to_dict(run), ensure_ascii=False)
        known = outcome or RunOutcome(
            gate="interrupted" if run.interrupted else None if run.complete else "incomplete",
            new=sum(f.status == "new" for f in run.findings))
        with self._transaction(write=True) as tx:
            tx.execute(
                "INSERT INTO runs (id, config_name, config_path, started_at, finished_at, "
                "complete, document, interrupted, gate, fail_on, new_findings, "
                "resolved_findings, out_dir) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET config_name = excluded.config_name, "
                "config_path = excluded.config_path, started_at = excluded.started_at, "
                "finished_at = excluded.finished_at, complete = excluded.complete, "
                "document = excluded.document, interrupted = excluded.interrupted, "
                "gate = excluded.gate, fail_on = excluded.fail_on, "
                "new_findings = excluded.new_findings, "
                "resolved_findings = excluded.resolved_findings, out_dir = excluded.out_dir",
                (run.id, run.config_name, run.config_path, run.started_at, run.finished_at,
                 int(run.complete), doc, int(run.interrupted), known.gate, known.fail_on,
                 known.new, known.resolved, known.out_dir))
            tx.execute("DELETE FROM findings WHERE run_id = ?", (run.id,))
            tx.executemany(
                "INSERT INTO findings (run_id, fingerprint, check_id, severity, level, "
                "subject, attribute, status, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(run.id, f.fingerprint, f.check, f.severity.label, f.level, f.subject,
                  f.attribute, f.status, f.message) for f in run.findings])

    def record_outcome(self, run_id: str, outcome: RunOutcome) -> None:
        """Record how a stored run ended (its gate, counts and report folder); the CLI
        calls it once the reports are written. ``KeyError`` for an unknown run."""
        with self._transaction(write=True) as tx:
            if not tx.query("SELECT id FROM runs WHERE id = ?", (run_id,)):
                raise KeyError(f"no run {run_id!r} in {self.describe()}")
            tx.execute("UPDATE runs SET gate = ?, fail_on = ?, new_findings = ?, "
                       "resolved_findings = ?, out_dir = ? WHERE id = ?",
                       (outcome.gate, outcome.fail_on, outcome.new, outcome.resolved,
                        outcome.out_dir, run_id))

    def set_history_page(self, config_name: str, path: str | Path) -> None:
        """Remember where ``omniaudit history --html`` wrote the config's history page, so
        later runs' reports link back to it."""
        with self._transaction(write=True) as tx:
            tx.execute("INSERT INTO history_pages (config_name, path) VALUES (?, ?) "
                       "ON CONFLICT (config_name) DO UPDATE SET path = excluded.path",
                       (config_name, str(path)))

    # -- reading -------------------------------------------------------------------------

    def history_page(self, config_name: str) -> str | None:
        """The history page last written for the config, if any (the path as written; it
        may be on another machine when the store is shared)."""
        with self._transaction() as tx:
            rows = tx.query("SELECT path FROM history_pages WHERE config_name = ?",
                            (config_name,))
        return rows[0][0] if rows else None

    def document(self, run_id: str) -> dict[str, Any]:
        """The stored ``findings.json`` body of a run by its exact id; ``KeyError`` when
        unknown."""
        with self._transaction() as tx:
            rows = tx.query("SELECT document FROM runs WHERE id = ?", (run_id,))
        if not rows:
            raise KeyError(f"no run {run_id!r} in {self.describe()}")
        return json.loads(rows[0][0])

    def load(self, run_id: str) -> Run:
        """A stored run by id (a unique prefix is enough); ``KeyError`` when unknown."""
        with self._transaction() as tx:
            rows = tx.query("SELECT id, document FROM runs WHERE substr(id, 1, ?) = ? "
                            "ORDER BY started_at DESC", (len(run_id), run_id))
        exact = [r for r in rows if r[0] == run_id]
        if exact:
            rows = exact
        if not rows:
            raise KeyError(f"no run {run_id!r} in {self.describe()}")
        if len(rows) > 1:
            raise KeyError(f"run id {run_id!r} is ambiguous in {self.describe()}")
        return run_from_dict(json.loads(rows[0][1]))

    def previous(self, config_name: str, before: str) -> Run | None:
        """The latest run of the same config that started before ``before`` (ISO time) and
        was not interrupted (an interrupted run saw only part of the site)."""
        with self._transaction() as tx:
            rows = tx.query(
                "SELECT document FROM runs WHERE config_name = ? AND started_at < ? "
                "AND interrupted = 0 ORDER BY started_at DESC, id DESC LIMIT 1",
                (config_name, before))
        return run_from_dict(json.loads(rows[0][0])) if rows else None

    def seen_before(self, config_name: str, before: str) -> frozenset[str]:
        """Fingerprints found by the runs before ``before`` back to (and including) the
        latest complete one: a run with failed pages may have missed a finding it could not
        check, so its absence there does not make the finding new again."""
        with self._transaction() as tx:
            rows = tx.query(
                "SELECT id, complete FROM runs WHERE config_name = ? AND started_at < ? "
                "AND interrupted = 0 ORDER BY started_at DESC, id DESC LIMIT ?",
                (config_name, before, HISTORY_DEPTH))
            ids: list[str] = []
            for run_id, complete in rows:
                ids.append(run_id)
                if complete:
                    break
            found = tx.query(f"SELECT DISTINCT fingerprint FROM findings WHERE run_id IN "
                             f"{_in(ids)}", ids) if ids else []
        return frozenset(r[0] for r in found)

    def audits(self) -> list[str]:
        """The config names with stored runs, alphabetically."""
        with self._transaction() as tx:
            rows = tx.query("SELECT DISTINCT config_name FROM runs ORDER BY config_name")
        return [r[0] for r in rows]

    def history(self, config_name: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Summary rows of recent runs, newest first: ``id``, ``config_name``,
        ``started_at``, ``finished_at``, ``complete``, ``interrupted``, ``findings`` (all,
        waived included), ``by_severity`` and ``waived`` (waived apart), ``new``,
        ``resolved``, ``gate``, ``fail_on`` and ``out_dir`` (``None`` where not recorded)."""
        sql = ("SELECT id, config_name, started_at, finished_at, complete, interrupted, gate, "
               "fail_on, new_findings, resolved_findings, out_dir FROM runs ")
        args: list[Any] = []
        if config_name:
            sql += "WHERE config_name = ? "
            args.append(config_name)
        sql += "ORDER BY started_at DESC, id DESC LIMIT ?"
        with self._transaction() as tx:
            runs = tx.query(sql, (*args, limit))
            counts = self._severity_counts(tx, [r[0] for r in runs])
        return [{"id": r[0], "config_name": r[1], "started_at": r[2], "finished_at": r[3],
                 "complete": bool(r[4]), "interrupted": bool(r[5]), "gate": r[6],
                 "fail_on": r[7], "new": r[8], "resolved": r[9], "out_dir": r[10],
                 **counts[r[0]],
                 "findings": int(counts[r[0]]["waived"])
                 + sum(counts[r[0]]["by_severity"].values())}
                for r in runs]

    def _severity_counts(self, tx: Transaction, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """``{run_id: {"by_severity": {label: n}, "waived": n}}``, waived counted apart."""
        out: dict[str, dict[str, Any]] = {
            i: {"by_severity": {s.label: 0 for s in Severity}, "waived": 0} for i in ids}
        if not ids:
            return out
        rows = tx.query(
            "SELECT run_id, severity, CASE WHEN status = 'waived' THEN 1 ELSE 0 END, COUNT(*) "
            f"FROM findings WHERE run_id IN {_in(ids)} "
            "GROUP BY run_id, severity, CASE WHEN status = 'waived' THEN 1 ELSE 0 END", ids)
        for run_id, severity, waived, n in rows:
            if waived:
                out[run_id]["waived"] += int(n)
            else:
                by = out[run_id]["by_severity"]
                by[severity] = by.get(severity, 0) + int(n)
        return out

    def trend(self, config_name: str, limit: int = 30) -> list[dict[str, Any]]:
        """Findings per severity of the last ``limit`` runs of a config, oldest first.

        Read from the per-finding rows (not the documents), so a long history stays cheap;
        this is what the report's trend chart draws. Waived findings are counted apart,
        since they no longer need anyone's attention.
        """
        with self._transaction() as tx:
            runs = tx.query(
                "SELECT id, started_at, complete FROM runs WHERE config_name = ? "
                "ORDER BY started_at DESC, id DESC LIMIT ?", (config_name, limit))
            counts = self._severity_counts(tx, [r[0] for r in runs])
        return [{"id": r[0], "started_at": r[1], "complete": bool(r[2]), **counts[r[0]]}
                for r in reversed(runs)]

    def finding_counts(self, config_name: str, by: str,
                       limit: int = 30) -> tuple[list[str], dict[str, list[int]]]:
        """Open (unwaived) findings per ``by`` (``"check"`` or ``"subject"``) in each of the
        last ``limit`` runs of a config: ``(run ids oldest first, {key: [count per run]})``,
        keys sorted. The history page's per-check and per-offer trends."""
        column = {"check": "check_id", "subject": "subject"}[by]
        with self._transaction() as tx:
            runs = [r[0] for r in reversed(tx.query(
                "SELECT id FROM runs WHERE config_name = ? ORDER BY started_at DESC, id DESC "
                "LIMIT ?", (config_name, limit)))]
            rows = tx.query(
                f"SELECT run_id, {column}, COUNT(*) FROM findings WHERE run_id IN {_in(runs)} "
                f"AND status <> 'waived' GROUP BY run_id, {column}", runs) if runs else []
        position = {run_id: i for i, run_id in enumerate(runs)}
        counts: dict[str, list[int]] = {}
        for run_id, key, n in rows:
            counts.setdefault(key, [0] * len(runs))[position[run_id]] = int(n)
        return runs, dict(sorted(counts.items()))

    def count(self) -> tuple[int, int]:
        """``(runs, finding rows)`` in the store."""
        with self._transaction() as tx:
            runs = tx.query("SELECT COUNT(*) FROM runs")[0][0]
            findings = tx.query("SELECT COUNT(*) FROM findings")[0][0]
        return int(runs), int(findings)

