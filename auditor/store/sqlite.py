"""The default run store: one SQLite file.

Several processes can write to the same file at once and lose nothing: the file is in WAL
mode (readers never block the writer), every write is one ``BEGIN IMMEDIATE`` transaction
(it takes the write lock up front, so two writers queue instead of failing on a lock
upgrade), and a writer waits up to :data:`BUSY_TIMEOUT_S` for the lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .base import Store, StoreError, Transaction

#: Seconds a writer waits for another process's write to finish.
BUSY_TIMEOUT_S = 60.0


def sqlite_path(target: str | Path) -> Path:
    """The file a SQLite target names: a path, or a ``sqlite:///relative/file`` /
    ``sqlite:////absolute/file`` URL (SQLAlchemy's convention: the path after the third
    slash)."""
    if isinstance(target, str) and target.lower().startswith("sqlite://"):
        parts = urlsplit(target)
        if parts.netloc:
            raise StoreError(f"cannot use the run store {target}: a sqlite URL has no host; "
                             "write sqlite:///relative/file or sqlite:////absolute/file")
        return Path(unquote(parts.path[1:]))
    return Path(target)


class _SQLiteTransaction:
    """:class:`~auditor.store.base.Transaction` over a ``sqlite3`` connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, tuple(params)).fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.db.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.db.executemany(sql, rows)


class SQLiteStore(Store):
    """A run store in one SQLite file (created, with its folder, when missing)."""

    def __init__(self, path: str | Path) -> None:
        self.path = sqlite_path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise self._error("create the folder of", e) from None
        try:
            with self._connection() as db:
                db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as e:
            raise self._error("use", e) from None
        self.migrate()

    def describe(self) -> str:
        return str(self.path)

    def _error(self, doing: str, e: BaseException) -> StoreError:
        reason = getattr(e, "strerror", None) or str(e)
        return StoreError(f"cannot {doing} the run store {self.path}: {reason}; pass --store "
                          "with a writable file (or fix the folder's permissions)")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # isolation_level=None: the transactions below are ours, begun and ended explicitly.
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator[Transaction]:
        try:
            with self._connection() as db:
                db.execute("PRAGMA foreign_keys=ON")
                db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield _SQLiteTransaction(db)
                except BaseException:
                    if db.in_transaction:  # SQLite may have rolled back already
                        db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
        except (sqlite3.Error, OSError) as e:
            raise self._error("use", e) from None

    def _tables(self, tx: Transaction) -> set[str]:
        return {r[0] for r in tx.query("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def _columns(self, tx: Transaction, table: str) -> set[str]:
        return {r[1] for r in tx.query(f"PRAGMA table_info({table})")}

    def _lock_for_migration(self, tx: Transaction) -> None:
        """Nothing more: a write transaction (``BEGIN IMMEDIATE``) already holds the
        file's only write lock."""

