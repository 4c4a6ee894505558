"""The run history: one SQLite file by default, or a shared PostgreSQL database.

``open_store(target)`` (or ``Store(target)``, the same) opens the backend the target
names: a file path or ``sqlite:///FILE`` is :class:`SQLiteStore`, ``postgresql://…`` is
:class:`PostgresStore` (imported only when used). Both implement :class:`Store` and share
its queries and the numbered migrations of :mod:`auditor.store.migrations`
(docs/store.md).
"""

from __future__ import annotations

from typing import Any

from .base import (
    GATES,
    HISTORY_DEPTH,
    RunOutcome,
    Store,
    StoreError,
    backend_for,
    is_url,
    open_store,
    redact_url,
)
from .migrations import MIGRATIONS, SCHEMA_VERSION
from .sqlite import SQLiteStore

__all__ = [
    "GATES",
    "HISTORY_DEPTH",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "PostgresStore",
    "RunOutcome",
    "SQLiteStore",
    "Store",
    "StoreError",
    "backend_for",
    "is_url",
    "open_store",
    "redact_url",
]


def __getattr__(name: str) -> Any:
    if name == "PostgresStore":  # psycopg is imported only by those who use it
        from .postgres import PostgresStore

        return PostgresStore
    raise AttributeError(name)
