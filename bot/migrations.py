"""Schema migrations for the conversation log, applied at start-up.

Each migration is a numbered list of statements. They run inside one ``BEGIN IMMEDIATE`` transaction
together with the row that records the new version in ``schema_version``, so a crash or a failing
statement leaves the database at the previous version instead of half-migrated. The version is read
inside that same transaction, so two processes opening the same file apply each migration once.

To change the schema, append a ``Migration`` with the next version number; never edit one that has
shipped, because databases in the field have already recorded it as applied.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    """One schema step: ``statements`` take the database from ``version - 1`` to ``version``."""

    version: int
    description: str
    statements: tuple[str, ...]


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer Katheryne; older code could corrupt it."""

    def __init__(self, found: int, supported: int) -> None:
        super().__init__(
            f"database schema version {found} is newer than this Katheryne supports ({supported}); "
            "upgrade Katheryne or open a backup made by this version"
        )
        self.found = found
        self.supported = supported


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        description="conversations, votes and retrains",
        statements=(
            """
            CREATE TABLE conversations (
                id               INTEGER PRIMARY KEY,
                created_at       TEXT    NOT NULL,
                guild_id         INTEGER,
                channel_id       INTEGER,
                user_id          INTEGER NOT NULL,
                question         TEXT    NOT NULL,
                answer           TEXT    NOT NULL,
                model_version    TEXT    NOT NULL,
                latency_ms       REAL    NOT NULL,
                corrected_answer TEXT,
                corrected_by     INTEGER,
                corrected_at     TEXT
            )
            """,
            "CREATE INDEX idx_conversations_user_id ON conversations (user_id)",
            "CREATE INDEX idx_conversations_created_at ON conversations (created_at)",
            """
            CREATE TABLE votes (
                conversation_id INTEGER NOT NULL
                    REFERENCES conversations (id) ON DELETE CASCADE,
                user_id         INTEGER NOT NULL,
                vote            INTEGER NOT NULL CHECK (vote IN (1, -1)),
                voted_at        TEXT    NOT NULL,
                PRIMARY KEY (conversation_id, user_id)
            )
            """,
            # forget_user deletes the votes a user cast on other people's answers.
            "CREATE INDEX idx_votes_user_id ON votes (user_id)",
            """
            CREATE TABLE retrains (
                id              INTEGER PRIMARY KEY,
                requested_by    INTEGER NOT NULL,
                guild_id        INTEGER,
                started_at      TEXT    NOT NULL,
                finished_at     TEXT,
                epochs          INTEGER NOT NULL,
                data_size       INTEGER NOT NULL,
                metrics_before  TEXT,
                metrics_after   TEXT,
                outcome         TEXT    NOT NULL DEFAULT 'running'
                    CHECK (outcome IN ('running', 'promoted', 'rejected', 'failed', 'cancelled')),
                reason          TEXT,
                checkpoint_path TEXT
            )
            """,
            # At most one retrain may run at a time; the database enforces it so two moderators
            # pressing the button together cannot both start one.
            """
            CREATE UNIQUE INDEX idx_retrains_one_running ON retrains (outcome)
            WHERE outcome = 'running'
            """,
        ),
    ),
    Migration(
        version=2,
        description="moderators' entity aliases",
        statements=(
            # One alias per nickname across every server: the linker the aliases feed is shared.
            """
            CREATE TABLE aliases (
                nickname   TEXT    PRIMARY KEY,
                entity_key TEXT    NOT NULL,
                guild_id   INTEGER,
                added_by   INTEGER NOT NULL,
                added_at   TEXT    NOT NULL
            )
            """,
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version


async def apply_migrations(
    conn: aiosqlite.Connection,
    *,
    now: str,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> list[int]:
    """Bring ``conn`` up to the last of ``migrations``; return the versions applied now.

    ``conn`` must be in autocommit mode (``isolation_level=None``) so the explicit transactions here
    are the only ones. Raises ``SchemaTooNewError`` when the database is ahead of ``migrations``.
    """
    supported = migrations[-1].version
    await conn.execute(
        """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER PRIMARY KEY,
            description TEXT NOT NULL,
            applied_at  TEXT NOT NULL
        )
        """
    )
    current = await _current_version(conn)
    if current > supported:
        raise SchemaTooNewError(current, supported)
    applied: list[int] = []
    for migration in migrations:
        if migration.version <= current:
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have applied it while this one waited for the write lock.
            if await _current_version(conn) >= migration.version:
                await conn.execute("ROLLBACK")
                continue
            for statement in migration.statements:
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.description, now),
            )
            await conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        log.info("applied schema migration %d (%s)", migration.version, migration.description)
        applied.append(migration.version)
    return applied


async def _current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0
