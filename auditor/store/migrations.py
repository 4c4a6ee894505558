"""The store's schema as numbered migrations, the same for SQLite and PostgreSQL.

Every store records the migrations applied to it in ``schema_version`` (one row each, with
the time and what it did). Opening a store applies the missing ones in one transaction,
under a lock, so two processes that open a store of an older release at once upgrade it
once. Stores of the release before issue 12 have no ``schema_version`` table: their version
is read from their tables (a ``runs`` table without ``interrupted`` is version 1, with it
version 2) and they are upgraded in place from there.

A migration is only ever appended; a released one is never edited (docs/store.md).
Statements are written in the SQL both dialects share (``TEXT``, ``INTEGER``,
``ALTER TABLE … ADD COLUMN``, ``CREATE … IF NOT EXISTS``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One schema step: its number, what it does (recorded in ``schema_version``) and its
    statements, run in order in the migration's transaction."""

    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runs (whole documents) and their findings by fingerprint", (
        """CREATE TABLE IF NOT EXISTS runs (
            id           TEXT PRIMARY KEY,
            config_name  TEXT NOT NULL,
            config_path  TEXT,
            started_at   TEXT NOT NULL,
            finished_at  TEXT NOT NULL,
            complete     INTEGER NOT NULL,
            document     TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS runs_by_config ON runs (config_name, started_at)",
        """CREATE TABLE IF NOT EXISTS findings (
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
        )""",
        "CREATE INDEX IF NOT EXISTS findings_by_fingerprint ON findings (fingerprint)",
    )),
    Migration(2, "runs.interrupted: runs stopped by SIGINT/SIGTERM", (
        "ALTER TABLE runs ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0",
    )),
    Migration(3, "run outcomes (gate, fail_on, new, resolved, report folder) and history pages", (
        "ALTER TABLE runs ADD COLUMN gate TEXT",
        "ALTER TABLE runs ADD COLUMN fail_on TEXT",
        "ALTER TABLE runs ADD COLUMN new_findings INTEGER",
        "ALTER TABLE runs ADD COLUMN resolved_findings INTEGER",
        "ALTER TABLE runs ADD COLUMN out_dir TEXT",
        # What a stored run already tells: how many findings were new, and the gate of a
        # run that could not pass whatever it found.
        "UPDATE runs SET new_findings = (SELECT COUNT(*) FROM findings f "
        "WHERE f.run_id = runs.id AND f.status = 'new')",
        "UPDATE runs SET gate = CASE WHEN interrupted <> 0 THEN 'interrupted' "
        "WHEN complete = 0 THEN 'incomplete' END",
        """CREATE TABLE IF NOT EXISTS history_pages (
            config_name  TEXT PRIMARY KEY,
            path         TEXT NOT NULL
        )""",
    )),
)

#: The schema version this code writes and reads.
SCHEMA_VERSION: int = MIGRATIONS[-1].version

#: The log of applied migrations; created before the first one runs.
VERSION_TABLE = """CREATE TABLE IF NOT EXISTS schema_version (
    version      INTEGER PRIMARY KEY,
    description  TEXT NOT NULL,
    applied_at   TEXT NOT NULL
)"""


def legacy_version(tables: set[str], run_columns: set[str]) -> int:
    """The version of a store without a ``schema_version`` log, from its tables: ``0`` an
    empty database, ``1`` the first schema, ``2`` the release that added ``interrupted``."""
    if "runs" not in tables:
        return 0
    return 2 if "interrupted" in run_columns else 1


def pending(current: int, target: int = SCHEMA_VERSION) -> tuple[Migration, ...]:
    """The migrations that take a store from ``current`` to ``target``, in order."""
    return tuple(m for m in MIGRATIONS if current < m.version <= target)
