"""The shared run store: a PostgreSQL database (``--store postgresql://…``), via psycopg 3.

For a team whose runs come from several machines and scheduled workers: they all save
into one history. Every save is one transaction, so concurrent runs lose nothing;
migrations take a transaction-scoped advisory lock, so two workers that open an older
store at once upgrade it once. Messages name the URL without its password.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from .base import Store, StoreError, Transaction, redact_url

#: Seconds to wait for the server to answer a connection.
CONNECT_TIMEOUT_S = 10
#: The advisory lock migrations hold (any constant; "omni" in ASCII).
MIGRATION_LOCK = 0x6F6D6E69


def _dialect(sql: str) -> str:
    """The shared SQL's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _PostgresTransaction:
    """:class:`~auditor.store.base.Transaction` over a psycopg cursor."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.cursor = cursor

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.cursor.execute(_dialect(sql), tuple(params))
        return self.cursor.fetchall()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(_dialect(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.cursor.executemany(_dialect(sql), rows)


class PostgresStore(Store):
    """A run store in a PostgreSQL database, tables created or upgraded on open."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.migrate()

    def describe(self) -> str:
        return redact_url(self.url)

    def _reason(self, e: BaseException) -> str:
        """The driver's message on one line, without the password should it appear."""
        from urllib.parse import urlsplit

        text = " ".join(str(e).split()) or type(e).__name__
        try:
            password = urlsplit(self.url).password
        except ValueError:
            password = None
        return text.replace(password, "***") if password else text

    @contextmanager
    def _transaction(self, write: bool = False) -> Iterator[Transaction]:
        try:
            conn = psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT_S)
        except psycopg.Error as e:
            raise StoreError(f"cannot connect to the run store {self.describe()}: "
                             f"{self._reason(e)}; check that the server runs and the URL "
                             "(user, host, port, database) is right") from None
        try:
            with conn.transaction(), conn.cursor() as cursor:
                yield _PostgresTransaction(cursor)
        except psycopg.Error as e:
            raise StoreError(f"cannot use the run store {self.describe()}: "
                             f"{self._reason(e)}") from None
        finally:
            conn.close()

    def _tables(self, tx: Transaction) -> set[str]:
        return {r[0] for r in tx.query(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema()")}

    def _columns(self, tx: Transaction, table: str) -> set[str]:
        return {r[0] for r in tx.query(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ?", (table,))}

    def _lock_for_migration(self, tx: Transaction) -> None:
        tx.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
