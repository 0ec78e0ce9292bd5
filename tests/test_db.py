"""The conversation log: migrations, connection settings, votes, corrections, deletion, retrains."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
import pytest

from bot.db import ConversationLog, RetrainAlreadyRunning
from bot.migrations import LATEST_VERSION, Migration, SchemaTooNewError, apply_migrations
from bot.records import VoteTally

SNOWFLAKE = 1_234_567_890_123_456_789  # larger than a float can hold exactly


class FakeClock:
    """A clock the test moves by hand, so retention can be tested without waiting."""

    def __init__(self) -> None:
        self.now = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "katheryne.db"


@pytest.fixture
async def log(db_path: Path, clock: FakeClock):
    conversations = await ConversationLog.open(db_path, clock=clock)
    yield conversations
    await conversations.close()


async def ask(
    log: ConversationLog,
    question: str = "Who is Hu Tao?",
    *,
    user_id: int = 1,
    answer: str = "The 77th Director.",
) -> int:
    return await log.log_conversation(
        guild_id=SNOWFLAKE,
        channel_id=SNOWFLAKE + 1,
        user_id=user_id,
        question=question,
        answer=answer,
        model_version="abc123",
        latency_ms=12.5,
    )


def raw_rows(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


# -- opening and migrations ---------------------------------------------------------------------


async def test_open_creates_parent_folders_and_records_each_migration_once(db_path: Path) -> None:
    for _ in range(2):
        async with await ConversationLog.open(db_path):
            pass
    assert db_path.is_file()
    versions = raw_rows(db_path, "SELECT version FROM schema_version ORDER BY version")
    assert versions == [(v,) for v in range(1, LATEST_VERSION + 1)]


async def test_database_uses_write_ahead_logging(log: ConversationLog, db_path: Path) -> None:
    assert raw_rows(db_path, "PRAGMA journal_mode") == [("wal",)]


async def test_connection_enforces_foreign_keys_and_waits_when_busy(log: ConversationLog) -> None:
    async with log._read() as conn:
        (foreign_keys,) = await conn.execute_fetchall("PRAGMA foreign_keys")
        (busy_timeout,) = await conn.execute_fetchall("PRAGMA busy_timeout")
    assert foreign_keys[0] == 1
    assert busy_timeout[0] >= 1000


async def test_failed_migration_leaves_the_previous_version_intact(tmp_path: Path) -> None:
    migrations = (
        Migration(1, "first", ("CREATE TABLE a (x INTEGER)",)),
        Migration(2, "broken", ("CREATE TABLE b (x INTEGER)", "THIS IS NOT SQL")),
    )
    async with aiosqlite.connect(tmp_path / "m.db", isolation_level=None) as conn:
        with pytest.raises(sqlite3.OperationalError):
            await apply_migrations(conn, now="2024-01-01T00:00:00+00:00", migrations=migrations)
        assert not conn.in_transaction
    tables = {name for (name,) in raw_rows(tmp_path / "m.db", "SELECT name FROM sqlite_master")}
    assert "a" in tables and "b" not in tables
    assert raw_rows(tmp_path / "m.db", "SELECT version FROM schema_version") == [(1,)]


async def test_database_from_a_newer_version_is_refused(db_path: Path) -> None:
    async with await ConversationLog.open(db_path):
        pass
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO schema_version (version, description, applied_at) VALUES (?, 'new', 'x')",
            (LATEST_VERSION + 1,),
        )
    with pytest.raises(SchemaTooNewError, match=f"version {LATEST_VERSION + 1} is newer"):
        await ConversationLog.open(db_path)


# -- conversations ------------------------------------------------------------------------------


async def test_conversation_round_trips_with_snowflakes_and_any_language(
    log: ConversationLog, clock: FakeClock
) -> None:
    question = "胡桃の誕生日は？ 🔥👻"
    conversation_id = await ask(log, question, user_id=SNOWFLAKE + 2, answer="Июль 15 — 七月十五日 🎂")
    conversation = await log.get_conversation(conversation_id)
    assert conversation is not None
    assert conversation.question == question
    assert conversation.answer == "Июль 15 — 七月十五日 🎂"
    assert (conversation.guild_id, conversation.channel_id, conversation.user_id) == (
        SNOWFLAKE,
        SNOWFLAKE + 1,
        SNOWFLAKE + 2,
    )
    assert conversation.created_at == clock.now
    assert conversation.votes == VoteTally(0, 0)
    assert conversation.corrected_answer is None and conversation.final_answer == conversation.answer


async def test_sql_looking_text_is_stored_verbatim_and_harmless(log: ConversationLog) -> None:
    evil = "'); DROP TABLE conversations;--"
    conversation_id = await ask(log, evil, answer=f'"; DELETE FROM votes; {evil}')
    conversation = await log.get_conversation(conversation_id)
    assert conversation is not None
    assert conversation.question == evil
    assert conversation.answer == f'"; DELETE FROM votes; {evil}'
    assert await log.count_conversations() == 1


async def test_unknown_conversation_is_none(log: ConversationLog) -> None:
    assert await log.get_conversation(404) is None


async def test_concurrent_writers_each_get_their_own_row(log: ConversationLog) -> None:
    ids = await asyncio.gather(*(ask(log, f"question {i}") for i in range(20)))
    assert len(set(ids)) == 20
    assert await log.count_conversations() == 20


# -- votes --------------------------------------------------------------------------------------


async def test_second_vote_by_the_same_user_replaces_the_first(log: ConversationLog) -> None:
    conversation_id = await ask(log)
    assert await log.record_vote(conversation_id, 7, 1) == VoteTally(up=1, down=0)
    assert await log.record_vote(conversation_id, 7, -1) == VoteTally(up=0, down=1)
    conversation = await log.get_conversation(conversation_id)
    assert conversation is not None and conversation.votes == VoteTally(up=0, down=1)


async def test_votes_from_different_users_add_up(log: ConversationLog) -> None:
    conversation_id = await ask(log)
    await log.record_vote(conversation_id, 7, 1)
    await log.record_vote(conversation_id, 8, 1)
    tally = await log.record_vote(conversation_id, 9, -1)
    assert tally == VoteTally(up=2, down=1) and tally.net == 1


@pytest.mark.parametrize("vote", [0, 2, -2, True])
async def test_vote_must_be_plus_or_minus_one(log: ConversationLog, vote: int) -> None:
    conversation_id = await ask(log)
    with pytest.raises(ValueError):
        await log.record_vote(conversation_id, 7, vote)


async def test_vote_on_unknown_conversation_is_a_lookup_error(log: ConversationLog) -> None:
    with pytest.raises(LookupError):
        await log.record_vote(404, 7, 1)


# -- corrections --------------------------------------------------------------------------------


async def test_correction_is_recorded_with_moderator_and_time(log: ConversationLog, clock: FakeClock) -> None:
    conversation_id = await ask(log)
    clock.advance(minutes=5)
    conversation = await log.record_correction(
        conversation_id, 99, "Hu Tao is the 77th Director of the Wangsheng Funeral Parlor."
    )
    assert conversation.corrected_answer == conversation.final_answer
    assert conversation.final_answer.startswith("Hu Tao is the 77th")
    assert conversation.answer == "The 77th Director."
    assert (conversation.corrected_by, conversation.corrected_at) == (99, clock.now)


async def test_correction_of_unknown_conversation_is_a_lookup_error(log: ConversationLog) -> None:
    with pytest.raises(LookupError):
        await log.record_correction(404, 99, "anything")


async def test_blank_correction_is_refused(log: ConversationLog) -> None:
    conversation_id = await ask(log)
    with pytest.raises(ValueError):
        await log.record_correction(conversation_id, 99, "  \n ")


# -- deletion -----------------------------------------------------------------------------------


async def test_forget_user_deletes_their_conversations_and_every_vote_on_them(
    log: ConversationLog, db_path: Path
) -> None:
    mine = [await ask(log, "mine 1", user_id=5), await ask(log, "mine 2", user_id=5)]
    theirs = await ask(log, "theirs", user_id=6)
    await log.record_vote(mine[0], 6, 1)  # someone else's vote on a forgotten answer
    await log.record_vote(theirs, 5, -1)  # the forgotten user's vote on someone else's answer

    assert await log.forget_user(5) == 2

    assert [await log.get_conversation(i) for i in mine] == [None, None]
    remaining = await log.get_conversation(theirs)
    assert remaining is not None and remaining.votes == VoteTally(0, 0)
    assert raw_rows(db_path, "SELECT COUNT(*) FROM votes") == [(0,)]


async def test_forget_unknown_user_deletes_nothing(log: ConversationLog) -> None:
    await ask(log, user_id=5)
    assert await log.forget_user(6) == 0
    assert await log.count_conversations() == 1


async def test_purge_deletes_only_conversations_older_than_the_cutoff(
    log: ConversationLog, clock: FakeClock, db_path: Path
) -> None:
    old = await ask(log, "old")
    await log.record_vote(old, 7, 1)
    clock.advance(days=20)
    recent = await ask(log, "recent")
    clock.advance(days=15)

    assert await log.purge_older_than(30) == 1

    assert await log.get_conversation(old) is None
    assert await log.get_conversation(recent) is not None
    assert raw_rows(db_path, "SELECT COUNT(*) FROM votes") == [(0,)]


async def test_purge_refuses_negative_days(log: ConversationLog) -> None:
    with pytest.raises(ValueError):
        await log.purge_older_than(-1)


# -- retrains -----------------------------------------------------------------------------------


async def test_retrain_lifecycle_from_running_to_promoted(log: ConversationLog, clock: FakeClock) -> None:
    assert await log.latest_retrain() is None
    retrain_id = await log.start_retrain(
        requested_by=99, guild_id=SNOWFLAKE, epochs=5, data_size=1200, metrics_before={"loss": 1.5}
    )
    running = await log.running_retrain()
    assert running is not None and running.id == retrain_id and running.outcome == "running"
    assert running.metrics_before == {"loss": 1.5} and running.finished_at is None

    clock.advance(minutes=3)
    finished = await log.finish_retrain(
        retrain_id,
        outcome="promoted",
        reason="validation loss improved",
        metrics_after={"loss": 1.1, "exact_match": 0.4},
        checkpoint_path=Path("models/assistant_best.pt"),
    )
    assert finished.outcome == "promoted" and finished.finished_at == clock.now
    assert finished.metrics_after == {"loss": 1.1, "exact_match": 0.4}
    assert finished.checkpoint_path == "models/assistant_best.pt"
    assert await log.running_retrain() is None
    assert await log.latest_retrain() == finished == await log.get_retrain(retrain_id)


async def test_only_one_retrain_runs_at_a_time(log: ConversationLog) -> None:
    first = await log.start_retrain(requested_by=99, guild_id=None, epochs=1, data_size=10)
    with pytest.raises(RetrainAlreadyRunning) as error:
        await log.start_retrain(requested_by=98, guild_id=None, epochs=1, data_size=10)
    assert error.value.running_id == first
    await log.finish_retrain(first, outcome="failed", reason="bot restarted")
    second = await log.start_retrain(requested_by=98, guild_id=None, epochs=1, data_size=10)
    latest = await log.latest_retrain()
    assert latest is not None and latest.id == second


async def test_finished_retrain_cannot_be_finished_again(log: ConversationLog) -> None:
    retrain_id = await log.start_retrain(requested_by=99, guild_id=None, epochs=1, data_size=10)
    await log.finish_retrain(retrain_id, outcome="rejected", reason="worse than current model")
    with pytest.raises(ValueError):
        await log.finish_retrain(retrain_id, outcome="promoted")


@pytest.mark.parametrize("outcome", ["running", "exploded"])
async def test_finish_needs_a_final_outcome(log: ConversationLog, outcome: str) -> None:
    retrain_id = await log.start_retrain(requested_by=99, guild_id=None, epochs=1, data_size=10)
    with pytest.raises(ValueError):
        await log.finish_retrain(retrain_id, outcome=outcome)  # type: ignore[arg-type]


async def test_finishing_unknown_retrain_is_a_lookup_error(log: ConversationLog) -> None:
    with pytest.raises(LookupError):
        await log.finish_retrain(404, outcome="cancelled")
