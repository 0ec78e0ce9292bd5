"""Which logged exchanges become training data, and the JSONL file they are written to."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.db import ConversationLog
from bot.export import export_training


class FakeClock:
    """Each reading is one minute after the previous, so 'most recent' is well defined."""

    def __init__(self) -> None:
        self.now = datetime(2024, 1, 1, tzinfo=timezone.utc)

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


async def test_correction_replaces_the_model_answer(log: ConversationLog) -> None:
    conversation_id = await ask(log, "What element is Hu Tao?", "Hydro.")
    await log.record_correction(conversation_id, 99, "Pyro.")
    assert await log.training_pairs() == [("What element is Hu Tao?", "Pyro.")]


async def test_answer_with_more_down_than_up_votes_is_left_out(log: ConversationLog) -> None:
    bad = await ask(log, "Best sword?", "A fish.")
    await log.record_vote(bad, 7, -1)
    tied = await ask(log, "Best bow?", "Aqua Simulacra.")
    await log.record_vote(tied, 7, -1)
    await log.record_vote(tied, 8, 1)
    assert await log.training_pairs() == [("Best bow?", "Aqua Simulacra.")]


async def test_downvoted_answer_is_kept_once_corrected(log: ConversationLog) -> None:
    bad = await ask(log, "Best sword?", "A fish.")
    await log.record_vote(bad, 7, -1)
    await log.record_correction(bad, 99, "Mistsplitter Reforged.")
    assert await log.training_pairs() == [("Best sword?", "Mistsplitter Reforged.")]


async def test_duplicate_questions_collapse_to_the_most_recent_answer(log: ConversationLog) -> None:
    await ask(log, "Who is Zhongli?", "A consultant.")
    await ask(log, "  WHO is\tzhongli? ", "Morax, the Geo Archon.")
    assert await log.training_pairs() == [("WHO is zhongli?", "Morax, the Geo Archon.")]


async def test_duplicate_questions_prefer_a_corrected_answer_over_a_newer_one(
    log: ConversationLog,
) -> None:
    corrected = await ask(log, "Who is Zhongli?", "A consultant.")
    await log.record_correction(corrected, 99, "Morax, the Geo Archon.")
    await ask(log, "who is zhongli?", "A rock.")
    assert await log.training_pairs() == [("Who is Zhongli?", "Morax, the Geo Archon.")]


async def test_forgotten_user_is_never_exported(
    log: ConversationLog, tmp_path: Path, db_path: Path
) -> None:
    await ask(log, "My UID is 700000001, what should I farm?", "Hu Tao talents.", user_id=5)
    await ask(log, "Who is Venti?", "The Anemo Archon.", user_id=6)
    await log.forget_user(5)
    out = tmp_path / "pairs.jsonl"
    assert await export_training(db_path, out) == 1
    assert "700000001" not in out.read_text(encoding="utf-8")


async def test_export_writes_utf8_jsonl_without_escaping(
    log: ConversationLog, tmp_path: Path, db_path: Path
) -> None:
    await ask(log, "胡桃は何歳？", "Unknown 👻")
    await ask(log, "'); DROP TABLE conversations;--", "Nice try.")
    out = tmp_path / "export" / "pairs.jsonl"

    assert await export_training(db_path, out) == 2

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
    await ask(log, "Who is Nahida?", "The Dendro Archon.")

    assert await export_training(db_path, out) == 1

    assert out.read_text(encoding="utf-8").splitlines() == [
        json.dumps({"question": "Who is Nahida?", "answer": "The Dendro Archon."})
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".pairs")) == []


async def test_export_from_a_missing_database_fails_without_creating_one(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        await export_training(tmp_path / "nope.db", tmp_path / "pairs.jsonl")
    assert not (tmp_path / "nope.db").exists()
    assert not (tmp_path / "pairs.jsonl").exists()
