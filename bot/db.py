"""The conversation log: every /ask exchange, its votes and corrections, and the retrain history.

This log is the bot's future training data, so the rules that decide what the model learns from
(``training_pairs``) live next to the data. One ``ConversationLog`` owns one aiosqlite connection in
autocommit mode; every write runs in an explicit ``BEGIN IMMEDIATE`` transaction under an
``asyncio.Lock``, because coroutines sharing a connection would otherwise slip their statements
into each other's transactions. WAL lets the export CLI read while the bot writes.

Discord snowflakes are stored as INTEGER (they fit in 64 bits). The records the log returns, and
how their timestamps and metrics are stored in rows, live in bot/records.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, get_args

import aiosqlite

from bot.migrations import apply_migrations
from bot.records import (
    Conversation,
    PairKind,
    Retrain,
    RetrainOutcome,
    TrainingPair,
    VoteTally,
    conversation_from_row,
    metrics_to_json,
    retrain_from_row,
    time_to_text,
)

__all__ = ["Clock", "ConversationLog", "RetrainAlreadyRunning", "connect", "normalize_question", "utc_now"]

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 5.0
"""How long a write waits for another process (the export CLI, a second bot) to release the lock."""

_FINISHED_OUTCOMES = frozenset(get_args(RetrainOutcome)) - {"running"}

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def normalize_question(question: str) -> str:
    """The key under which questions count as duplicates: trimmed, casefolded, single-spaced."""
    return " ".join(question.split()).casefold()


_TRUST: tuple[PairKind, ...] = ("unconfirmed", "upvoted", "correction")
"""Pair kinds from least to most trusted: of two pairs for one question, the more trusted one is kept."""


def _pair_kind(corrected: bool, up: int, down: int) -> PairKind | None:
    """What an exchange is worth as a training pair; None when people voted it down."""
    if corrected:
        return "correction"
    if up > down:
        return "upvoted"
    return "unconfirmed" if up == down else None


class RetrainAlreadyRunning(RuntimeError):
    """A retrain is still marked running; only one may run at a time."""

    def __init__(self, running_id: int) -> None:
        super().__init__(f"retrain {running_id} is still running")
        self.running_id = running_id


_CONVERSATION_SELECT = """
    SELECT c.*,
           COALESCE(SUM(v.vote = 1), 0)  AS up,
           COALESCE(SUM(v.vote = -1), 0) AS down
    FROM conversations AS c
    LEFT JOIN votes AS v ON v.conversation_id = c.id
"""


async def _one(conn: aiosqlite.Connection, sql: str, params: tuple[Any, ...] = ()) -> aiosqlite.Row | None:
    rows = list(await conn.execute_fetchall(sql, params))
    return rows[0] if rows else None


async def _select_conversation(conn: aiosqlite.Connection, conversation_id: int) -> Conversation | None:
    row = await _one(conn, _CONVERSATION_SELECT + " WHERE c.id = ? GROUP BY c.id", (conversation_id,))
    return None if row is None else conversation_from_row(row)


async def _select_retrain(conn: aiosqlite.Connection, sql: str, params: tuple[Any, ...] = ()) -> Retrain | None:
    row = await _one(conn, sql, params)
    return None if row is None else retrain_from_row(row)


async def connect(path: str | Path, clock: Clock = utc_now) -> aiosqlite.Connection:
    """A connection to the database at ``path`` (created if needed), set up and migrated to the
    current schema; every store of the bot's database opens its connection here."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: no implicit transactions; ours are explicit (see module docstring).
    conn = await aiosqlite.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    try:
        conn.row_factory = aiosqlite.Row
        rows = await conn.execute_fetchall("PRAGMA journal_mode = WAL")
        mode = next(iter(rows))[0]
        if mode != "wal":
            log.warning("database %s runs in %s journal mode, not WAL", path, mode)
        # WAL with synchronous=NORMAL cannot corrupt; a power cut may lose only the last rows.
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten, so text a user asked us to forget leaves the disk.
        await conn.execute("PRAGMA secure_delete = ON")
        await apply_migrations(conn, now=time_to_text(clock()))
    except BaseException:
        await conn.close()
        raise
    return conn


class ConversationLog:
    """Async access to the conversation log; create it with ``await ConversationLog.open(path)``."""

    def __init__(self, conn: aiosqlite.Connection, *, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path, *, clock: Clock = utc_now) -> ConversationLog:
        """Open (creating if needed) the database at ``path`` and migrate it to the current schema.

        ``clock`` supplies every stored timestamp; tests pass a fake one. Raises
        ``SchemaTooNewError`` for a database written by a newer Katheryne.
        """
        return cls(await connect(path, clock), clock=clock)

    async def close(self) -> None:
        """Close the connection; safe to call twice."""
        await self._conn.close()

    async def __aenter__(self) -> ConversationLog:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                await self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[aiosqlite.Connection]:
        # Reads take the lock too, so they never see another coroutine's uncommitted transaction.
        async with self._lock:
            yield self._conn

    # -- conversations -------------------------------------------------------------------------

    async def log_conversation(
        self,
        *,
        guild_id: int | None,
        channel_id: int | None,
        user_id: int,
        question: str,
        answer: str,
        model_version: str,
        latency_ms: float,
    ) -> int:
        """Store one exchange exactly as given and return its id."""
        async with self._write() as conn:
            cursor = await conn.execute(
                """
                INSERT INTO conversations
                    (created_at, guild_id, channel_id, user_id, question, answer,
                     model_version, latency_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    time_to_text(self._clock()),
                    guild_id,
                    channel_id,
                    user_id,
                    question,
                    answer,
                    model_version,
                    latency_ms,
                ),
            )
            conversation_id = cursor.lastrowid
        assert conversation_id is not None  # an INSERT into a rowid table always sets it
        return conversation_id

    async def get_conversation(self, conversation_id: int) -> Conversation | None:
        """The exchange with this id and its vote tally, or None if it does not exist (any more)."""
        async with self._read() as conn:
            return await _select_conversation(conn, conversation_id)

    async def count_conversations(self) -> int:
        """How many exchanges are stored."""
        async with self._read() as conn:
            row = await _one(conn, "SELECT COUNT(*) FROM conversations")
        assert row is not None
        return int(row[0])

    async def record_vote(self, conversation_id: int, user_id: int, vote: int) -> VoteTally:
        """Record ``user_id``'s +1 or -1 on an answer, replacing their earlier vote; return tally.

        Raises ValueError for any other vote and LookupError for an unknown conversation.
        """
        if isinstance(vote, bool) or vote not in (1, -1):
            raise ValueError(f"vote must be +1 or -1, not {vote!r}")
        async with self._write() as conn:
            if await _one(conn, "SELECT 1 FROM conversations WHERE id = ?", (conversation_id,)) is None:
                raise LookupError(f"no conversation with id {conversation_id}")
            await conn.execute(
                """
                INSERT INTO votes (conversation_id, user_id, vote, voted_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (conversation_id, user_id)
                DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at
                """,
                (conversation_id, user_id, vote, time_to_text(self._clock())),
            )
            tally = await _one(
                conn,
                """
                SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0)
                FROM votes WHERE conversation_id = ?
                """,
                (conversation_id,),
            )
        assert tally is not None  # an aggregate always returns one row
        return VoteTally(up=tally[0], down=tally[1])

    async def record_correction(self, conversation_id: int, moderator_id: int, corrected_answer: str) -> Conversation:
        """Store a moderator's better answer, replacing any earlier correction; return the exchange.

        Raises ValueError for a blank answer and LookupError for an unknown conversation.
        """
        if not corrected_answer.strip():
            raise ValueError("a corrected answer cannot be blank")
        async with self._write() as conn:
            await conn.execute(
                """
                UPDATE conversations
                SET corrected_answer = ?, corrected_by = ?, corrected_at = ?
                WHERE id = ?
                """,
                (corrected_answer, moderator_id, time_to_text(self._clock()), conversation_id),
            )
            conversation = await _select_conversation(conn, conversation_id)
        if conversation is None:
            raise LookupError(f"no conversation with id {conversation_id}")
        return conversation

    async def forget_user(self, user_id: int) -> int:
        """Delete everything ``user_id`` asked and every vote they cast; return how many asked.

        Votes on the deleted conversations go with them (ON DELETE CASCADE). Corrections a moderator
        made keep the moderator's id; those belong to the moderator, not to the asker.
        """
        async with self._write() as conn:
            await conn.execute("DELETE FROM votes WHERE user_id = ?", (user_id,))
            cursor = await conn.execute("DELETE FROM conversations WHERE user_id = ?", (user_id,))
            deleted = cursor.rowcount
        async with self._read() as conn:
            # Move the deletions out of the WAL file too, so the forgotten text leaves the disk now.
            await conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        log.info("forgot user %d: %d conversations deleted", user_id, deleted)
        return deleted

    async def purge_older_than(self, days: int) -> int:
        """Delete exchanges (and their votes) logged over ``days`` days ago; return how many."""
        if days < 0:
            raise ValueError(f"days must be zero or more, not {days}")
        cutoff = time_to_text(self._clock() - timedelta(days=days))
        async with self._write() as conn:
            cursor = await conn.execute("DELETE FROM conversations WHERE created_at < ?", (cutoff,))
            return cursor.rowcount

    async def training_pairs(self, *, include_unconfirmed: bool = False) -> list[TrainingPair]:
        """The exchanges people confirmed, as pairs to train on, oldest first.

        A moderator's correction replaces the model's answer; an uncorrected answer counts only with
        more up than down votes, since the model must not learn its own unchecked guesses. With
        ``include_unconfirmed``, answers with as many up as down votes (none, usually) count too.
        Questions that are equal after ``normalize_question`` collapse to one pair: the most trusted
        kind (correction, then upvoted, then unconfirmed), and among those the most recent. Blank
        questions or answers are skipped.
        """
        async with self._read() as conn:
            rows = await conn.execute_fetchall(
                """
                SELECT c.question, c.answer, c.corrected_answer,
                       COALESCE(SUM(v.vote = 1), 0)  AS up,
                       COALESCE(SUM(v.vote = -1), 0) AS down
                FROM conversations AS c
                LEFT JOIN votes AS v ON v.conversation_id = c.id
                GROUP BY c.id
                ORDER BY c.created_at, c.id
                """
            )
        # Rows come oldest first, so among equals the later row wins: the most recent one.
        # Each entry: (trust rank, position in time, pair).
        best: dict[str, tuple[int, int, TrainingPair]] = {}
        for position, row in enumerate(rows):
            kind = _pair_kind(row["corrected_answer"] is not None, row["up"], row["down"])
            if kind is None or (kind == "unconfirmed" and not include_unconfirmed):
                continue
            question = " ".join(row["question"].split())
            answer = (row["answer"] if row["corrected_answer"] is None else row["corrected_answer"]).strip()
            if not question or not answer:
                continue
            key = normalize_question(question)
            rank = _TRUST.index(kind)
            previous = best.get(key)
            if previous is None or rank >= previous[0]:
                best[key] = (rank, position, TrainingPair(question, answer, kind))
        return [pair for _, _, pair in sorted(best.values(), key=lambda entry: entry[1])]

    # -- retrains ------------------------------------------------------------------------------

    async def start_retrain(
        self,
        *,
        requested_by: int,
        guild_id: int | None,
        epochs: int,
        data_size: int,
        metrics_before: Mapping[str, Any] | None = None,
    ) -> int:
        """Record a retrain as running and return its id.

        Raises RetrainAlreadyRunning while another one is running; finish that one first (after a
        crash, the bot should finish a stale one as 'failed' at start-up).
        """
        async with self._write() as conn:
            running = await _one(conn, "SELECT id FROM retrains WHERE outcome = 'running'")
            if running is not None:
                raise RetrainAlreadyRunning(running["id"])
            cursor = await conn.execute(
                """
                INSERT INTO retrains (requested_by, guild_id, started_at, epochs, data_size,
                                      metrics_before, outcome)
                VALUES (?, ?, ?, ?, ?, ?, 'running')
                """,
                (
                    requested_by,
                    guild_id,
                    time_to_text(self._clock()),
                    epochs,
                    data_size,
                    metrics_to_json(metrics_before),
                ),
            )
            retrain_id = cursor.lastrowid
        assert retrain_id is not None
        return retrain_id

    async def finish_retrain(
        self,
        retrain_id: int,
        *,
        outcome: RetrainOutcome,
        reason: str | None = None,
        metrics_after: Mapping[str, Any] | None = None,
        checkpoint_path: str | Path | None = None,
    ) -> Retrain:
        """Close a running retrain with its outcome and return the final record.

        Raises ValueError for outcome 'running' or an unknown one, or if the retrain already
        finished; LookupError for an unknown id.
        """
        if outcome not in _FINISHED_OUTCOMES:
            raise ValueError(f"outcome must be one of {sorted(_FINISHED_OUTCOMES)}, not {outcome!r}")
        async with self._write() as conn:
            current = await _one(conn, "SELECT outcome FROM retrains WHERE id = ?", (retrain_id,))
            if current is None:
                raise LookupError(f"no retrain with id {retrain_id}")
            if current["outcome"] != "running":
                raise ValueError(f"retrain {retrain_id} already finished as {current['outcome']}")
            await conn.execute(
                """
                UPDATE retrains
                SET outcome = ?, reason = ?, metrics_after = ?, checkpoint_path = ?, finished_at = ?
                WHERE id = ?
                """,
                (
                    outcome,
                    reason,
                    metrics_to_json(metrics_after),
                    None if checkpoint_path is None else str(checkpoint_path),
                    time_to_text(self._clock()),
                    retrain_id,
                ),
            )
            retrain = await _select_retrain(conn, "SELECT * FROM retrains WHERE id = ?", (retrain_id,))
        assert retrain is not None  # it was there a moment ago, inside this transaction
        return retrain

    async def get_retrain(self, retrain_id: int) -> Retrain | None:
        """The retrain with this id, or None."""
        async with self._read() as conn:
            return await _select_retrain(conn, "SELECT * FROM retrains WHERE id = ?", (retrain_id,))

    async def latest_retrain(self) -> Retrain | None:
        """The most recently started retrain, whatever its outcome, or None if there was none."""
        async with self._read() as conn:
            return await _select_retrain(conn, "SELECT * FROM retrains ORDER BY id DESC LIMIT 1")

    async def running_retrain(self) -> Retrain | None:
        """The retrain still marked running, or None."""
        async with self._read() as conn:
            return await _select_retrain(conn, "SELECT * FROM retrains WHERE outcome = 'running'")
