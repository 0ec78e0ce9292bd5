"""Moderators' nicknames for entities ("lumi" -> character:lumine), kept in the conversation log's database.

The aliases are global: the entity linker they feed answers every server, so a nickname means one
thing everywhere and the table's key is the nickname alone; each row remembers the server and the
moderator that added it, and when. ``AliasStore`` owns every SQL statement on the ``aliases`` table
and its own connection to the database file (WAL lets it share the file with the conversation log).

Nicknames are stored folded (trimmed, single-spaced, casefolded), so "Lumi" and " lumi " are the
same alias. The export for training (``export_aliases``) writes the nickname -> entity mapping as a
JSON object, beside the training pairs.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

import aiosqlite

from assistant.atomic import atomic_write
from bot.db import Clock, connect, utc_now
from bot.records import time_from_text, time_to_text

__all__ = [
    "MAX_NICKNAME_LENGTH",
    "Alias",
    "AliasStore",
    "AliasTaken",
    "aliases_path_for",
    "export_aliases",
    "fold_nickname",
]

MAX_NICKNAME_LENGTH = 50
"""Longest nickname accepted, in characters; entity names are shorter than this."""


def fold_nickname(nickname: str) -> str:
    """The form a nickname is stored and compared in: trimmed, single-spaced, casefolded."""
    return " ".join(nickname.split()).casefold()


@dataclass(frozen=True)
class Alias:
    """One moderator's nickname for an entity."""

    nickname: str
    entity_key: str
    guild_id: int | None
    added_by: int
    added_at: datetime


class AliasTaken(Exception):
    """The nickname is already an alias; ``existing`` says for what and who added it."""

    def __init__(self, existing: Alias) -> None:
        super().__init__(f"{existing.nickname!r} is already an alias for {existing.entity_key}")
        self.existing = existing


class AliasStore:
    """The aliases table; create it with ``await AliasStore.open(path)``."""

    def __init__(self, conn: aiosqlite.Connection, *, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path, *, clock: Clock = utc_now) -> AliasStore:
        """Open the database at ``path`` (creating and migrating it if needed)."""
        return cls(await connect(path, clock), clock=clock)

    async def close(self) -> None:
        await self._conn.close()

    async def __aenter__(self) -> AliasStore:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def add(self, nickname: str, entity_key: str, *, guild_id: int | None, added_by: int) -> Alias:
        """Store ``nickname`` for ``entity_key`` and return the alias.

        Raises AliasTaken when the nickname is an alias already (remove it first to change it) and
        ValueError for a blank nickname."""
        folded = fold_nickname(nickname)
        if not folded:
            raise ValueError("a nickname cannot be blank")
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                existing = await self._get(folded)
                if existing is None:
                    await self._conn.execute(
                        "INSERT INTO aliases (nickname, entity_key, guild_id, added_by, added_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (folded, entity_key, guild_id, added_by, time_to_text(self._clock())),
                    )
                await self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise
        if existing is not None:
            raise AliasTaken(existing)
        alias = await self.get(folded)
        assert alias is not None  # inserted just now
        return alias

    async def remove(self, nickname: str) -> Alias | None:
        """Delete ``nickname``; returns what it was, or None if there was no such alias."""
        folded = fold_nickname(nickname)
        async with self._lock:
            alias = await self._get(folded)
            if alias is not None:
                await self._conn.execute("DELETE FROM aliases WHERE nickname = ?", (folded,))
        return alias

    async def get(self, nickname: str) -> Alias | None:
        async with self._lock:
            return await self._get(fold_nickname(nickname))

    async def all(self) -> list[Alias]:
        """Every alias, by nickname."""
        async with self._lock:
            rows = await self._conn.execute_fetchall("SELECT * FROM aliases ORDER BY nickname")
        return [_alias(row) for row in rows]

    async def mapping(self) -> dict[str, str]:
        """Nickname -> entity key, as the entity linker takes them."""
        return {alias.nickname: alias.entity_key for alias in await self.all()}

    async def _get(self, folded: str) -> Alias | None:
        rows = list(await self._conn.execute_fetchall("SELECT * FROM aliases WHERE nickname = ?", (folded,)))
        return _alias(rows[0]) if rows else None


def _alias(row: aiosqlite.Row) -> Alias:
    added_at = time_from_text(row["added_at"])
    assert added_at is not None  # the column is NOT NULL
    return Alias(row["nickname"], row["entity_key"], row["guild_id"], row["added_by"], added_at)


def aliases_path_for(pairs_path: Path) -> Path:
    """Where the export puts the aliases: beside the pairs, ``pairs.jsonl`` -> ``pairs.aliases.json``."""
    return pairs_path.with_name(f"{pairs_path.stem}.aliases.json")


async def export_aliases(db_path: str | Path, out_path: Path) -> int:
    """Write every alias as one JSON object ``{"nickname": "entity key", ...}`` to ``out_path`` (0600,
    replaced atomically); returns how many."""
    async with await AliasStore.open(db_path) as store:
        mapping = await store.mapping()
    await asyncio.to_thread(_write_mapping, out_path, mapping)
    return len(mapping)


def _write_mapping(out_path: Path, mapping: dict[str, str]) -> None:
    with atomic_write(out_path, "w", permissions=0o600, encoding="utf-8") as out:
        json.dump(mapping, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.write("\n")
