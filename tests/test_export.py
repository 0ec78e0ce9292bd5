"""Which logged exchanges become training data, and the JSONL file they are written to."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import ConversationLog
from bot.export import export_training
from bot.records import PairCounts, TrainingPair


class FakeClock:
    """Each reading is one minute after the previous, so 'most recent' is well defined."""

    def __init__(self) -> None:
        self.now = datetime(2024, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "katheryne.db"


@pytest.fixture
async def log(db_path: Path):
    conversations = await ConversationLog.open(db_path, clock=FakeClock())
    yield conversations
    await conversations.close()


async def ask(log: ConversationLog, question: str, answer: str, *, user_id: int = 1) -> int:
    return await log.log_conversation(
        guild_id=10,
        channel_id=20,
        user_id=user_id,
        question=question,
        answer=answer,
        model_version="v1",
        latency_ms=3.0,
    )


async def upvoted(log: ConversationLog, question: str, answer: str, *, user_id: int = 1) -> int:
    """An exchange someone confirmed with a thumbs up."""
    conversation_id = await ask(log, question, answer, user_id=user_id)
    await log.record_vote(conversation_id, 77, 1)
    return conversation_id


def pairs_of(pairs: list[TrainingPair]) -> list[tuple[str, str, str]]:
    return [(pair.question, pair.answer, pair.kind) for pair in pairs]


async def test_correction_replaces_the_model_answer(log: ConversationLog) -> None:
    conversation_id = await ask(log, "What element is Hu Tao?", "Hydro.")
    await log.record_correction(conversation_id, 99, "Pyro.")
    assert pairs_of(await log.training_pairs()) == [("What element is Hu Tao?", "Pyro.", "correction")]


async def test_only_answers_with_more_up_than_down_votes_are_learned(log: ConversationLog) -> None:
    unvoted = await ask(log, "Who made the Jade Chamber?", "Ningguang invented it in 1492.")
    bad = await ask(log, "Best sword?", "A fish.")
    await log.record_vote(bad, 7, -1)
    tied = await ask(log, "Best bow?", "Aqua Simulacra.")
    await log.record_vote(tied, 7, -1)
    await log.record_vote(tied, 8, 1)
    good = await ask(log, "Best catalyst?", "Kagura's Verity.")
    await log.record_vote(good, 7, 1)
    await log.record_vote(good, 8, 1)
    await log.record_vote(good, 9, -1)

    assert unvoted and pairs_of(await log.training_pairs()) == [("Best catalyst?", "Kagura's Verity.", "upvoted")]


async def test_unconfirmed_answers_join_only_when_asked_for(log: ConversationLog) -> None:
    await ask(log, "Who is Venti?", "The Anemo Archon.")
    tied = await ask(log, "Best bow?", "Aqua Simulacra.")
    await log.record_vote(tied, 7, -1)
    await log.record_vote(tied, 8, 1)
    bad = await ask(log, "Best sword?", "A fish.")
    await log.record_vote(bad, 7, -1)

    assert pairs_of(await log.training_pairs(include_unconfirmed=True)) == [
        ("Who is Venti?", "The Anemo Archon.", "unconfirmed"),
        ("Best bow?", "Aqua Simulacra.", "unconfirmed"),
    ]


async def test_downvoted_answer_is_kept_once_corrected(log: ConversationLog) -> None:
    bad = await ask(log, "Best sword?", "A fish.")
    await log.record_vote(bad, 7, -1)
    await log.record_correction(bad, 99, "Mistsplitter Reforged.")
    assert pairs_of(await log.training_pairs()) == [("Best sword?", "Mistsplitter Reforged.", "correction")]


async def test_duplicate_questions_collapse_to_the_most_recent_answer(log: ConversationLog) -> None:
    await upvoted(log, "Who is Zhongli?", "A consultant.")
    await upvoted(log, "  WHO is\tzhongli? ", "Morax, the Geo Archon.")
    assert pairs_of(await log.training_pairs()) == [("WHO is zhongli?", "Morax, the Geo Archon.", "upvoted")]


async def test_duplicate_questions_prefer_the_more_trusted_kind_over_a_newer_one(log: ConversationLog) -> None:
    corrected = await ask(log, "Who is Zhongli?", "A consultant.")
    await log.record_correction(corrected, 99, "Morax, the Geo Archon.")
    await upvoted(log, "who is zhongli?", "A rock.")
    await upvoted(log, "Who is Furina?", "The Hydro Archon.")
    await ask(log, "who is furina?", "A fish.")

    assert pairs_of(await log.training_pairs(include_unconfirmed=True)) == [
        ("Who is Zhongli?", "Morax, the Geo Archon.", "correction"),
        ("Who is Furina?", "The Hydro Archon.", "upvoted"),
    ]


async def test_forgotten_user_is_never_exported(log: ConversationLog, tmp_path: Path, db_path: Path) -> None:
    await upvoted(log, "My UID is 700000001, what should I farm?", "Hu Tao talents.", user_id=5)
    await upvoted(log, "Who is Venti?", "The Anemo Archon.", user_id=6)
    await log.forget_user(5)
    out = tmp_path / "pairs.jsonl"
    assert (await export_training(db_path, out)).total == 1
    assert "700000001" not in out.read_text(encoding="utf-8")


async def test_export_counts_each_kind_and_leaves_unconfirmed_out_by_default(
    log: ConversationLog, tmp_path: Path, db_path: Path
) -> None:
    corrected = await ask(log, "What element is Hu Tao?", "Hydro.")
    await log.record_correction(corrected, 99, "Pyro.")
    await upvoted(log, "Who is Venti?", "The Anemo Archon.")
    await ask(log, "Who made the Jade Chamber?", "Ningguang invented it in 1492.")
    out = tmp_path / "pairs.jsonl"

    assert await export_training(db_path, out) == PairCounts(corrections=1, upvoted=1, unconfirmed=0)
    assert "Jade Chamber" not in out.read_text(encoding="utf-8")
    assert await export_training(db_path, out, include_unconfirmed=True) == PairCounts(1, 1, 1)
    assert "Jade Chamber" in out.read_text(encoding="utf-8")


async def test_export_writes_utf8_jsonl_without_escaping(log: ConversationLog, tmp_path: Path, db_path: Path) -> None:
    await upvoted(log, "胡桃は何歳？", "Unknown 👻")
    await upvoted(log, "'); DROP TABLE conversations;--", "Nice try.")
    out = tmp_path / "export" / "pairs.jsonl"

    assert (await export_training(db_path, out)).total == 2

    text = out.read_text(encoding="utf-8")
    assert "胡桃は何歳？" in text and "👻" in text
    assert [json.loads(line) for line in text.splitlines()] == [
        {"question": "胡桃は何歳？", "answer": "Unknown 👻"},
        {"question": "'); DROP TABLE conversations;--", "answer": "Nice try."},
    ]


async def test_export_replaces_the_old_file_and_leaves_no_temporary_files(
    log: ConversationLog, tmp_path: Path, db_path: Path
) -> None:
    out = tmp_path / "pairs.jsonl"
    out.write_text("stale\n", encoding="utf-8")
    await upvoted(log, "Who is Nahida?", "The Dendro Archon.")

    assert (await export_training(db_path, out)).total == 1

    assert out.read_text(encoding="utf-8").splitlines() == [
        json.dumps({"question": "Who is Nahida?", "answer": "The Dendro Archon."})
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".pairs")) == []


async def test_export_from_a_missing_database_fails_without_creating_one(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        await export_training(tmp_path / "nope.db", tmp_path / "pairs.jsonl")
    assert not (tmp_path / "nope.db").exists()
    assert not (tmp_path / "pairs.jsonl").exists()
