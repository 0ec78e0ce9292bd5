"""The conversation log's records, and how they map to and from database rows.

Timestamps are stored as ISO-8601 text in UTC with a fixed format, so comparing them as text in SQL
compares them as times. Metrics are stored as JSON text with sorted keys.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import aiosqlite

__all__ = [
    "Conversation",
    "PairCounts",
    "PairKind",
    "Retrain",
    "RetrainOutcome",
    "TrainingPair",
    "VoteTally",
    "conversation_from_row",
    "metrics_from_json",
    "metrics_to_json",
    "retrain_from_row",
    "time_from_text",
    "time_to_text",
]

RetrainOutcome = Literal["running", "promoted", "rejected", "failed", "cancelled"]


def time_to_text(moment: datetime) -> str:
    """``moment`` as stored: UTC ISO-8601 text in microseconds; naive times are refused."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    # Fixed precision keeps every stored value the same shape, so text order is time order.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def time_from_text(text: str | None) -> datetime | None:
    """A stored timestamp (or NULL) read back."""
    return None if text is None else datetime.fromisoformat(text)


def metrics_to_json(metrics: Mapping[str, Any] | None) -> str | None:
    """Metrics as stored: JSON text with sorted keys, or NULL."""
    return None if metrics is None else json.dumps(dict(metrics), ensure_ascii=False, sort_keys=True)


def metrics_from_json(text: str | None) -> dict[str, Any] | None:
    """Stored metrics (or NULL) read back."""
    return None if text is None else json.loads(text)


PairKind = Literal["correction", "upvoted", "unconfirmed"]
"""Why a logged exchange is trusted as a training pair: a moderator's correction, an answer with more
thumbs up than down, or (only when TRAIN_ON_UNCONFIRMED is on) an answer nobody confirmed."""


@dataclass(frozen=True)
class TrainingPair:
    """One (question, answer) pair to learn from, and why it is trusted."""

    question: str
    answer: str
    kind: PairKind


@dataclass(frozen=True)
class PairCounts:
    """How many training pairs of each kind a set holds."""

    corrections: int = 0
    upvoted: int = 0
    unconfirmed: int = 0

    @classmethod
    def of(cls, pairs: Iterable[TrainingPair]) -> PairCounts:
        kinds = Counter(pair.kind for pair in pairs)
        return cls(kinds["correction"], kinds["upvoted"], kinds["unconfirmed"])

    @property
    def total(self) -> int:
        return self.corrections + self.upvoted + self.unconfirmed

    def __str__(self) -> str:
        return f"{self.corrections} corrected · {self.upvoted} upvoted · {self.unconfirmed} unconfirmed"


@dataclass(frozen=True)
class VoteTally:
    """Thumbs up and down on one answer."""

    up: int = 0
    down: int = 0

    @property
    def net(self) -> int:
        return self.up - self.down


@dataclass(frozen=True)
class Conversation:
    """One logged /ask exchange with its votes and any moderator correction."""

    id: int
    created_at: datetime
    guild_id: int | None
    channel_id: int | None
    user_id: int
    question: str
    answer: str
    model_version: str
    latency_ms: float
    corrected_answer: str | None
    corrected_by: int | None
    corrected_at: datetime | None
    votes: VoteTally

    @property
    def final_answer(self) -> str:
        """The answer the model should learn: the moderator's correction if there is one."""
        return self.answer if self.corrected_answer is None else self.corrected_answer


@dataclass(frozen=True)
class Retrain:
    """One retraining run requested from Discord, from start to its outcome."""

    id: int
    requested_by: int
    guild_id: int | None
    started_at: datetime
    finished_at: datetime | None
    epochs: int
    data_size: int
    metrics_before: dict[str, Any] | None
    metrics_after: dict[str, Any] | None
    outcome: RetrainOutcome
    reason: str | None
    checkpoint_path: str | None


def conversation_from_row(row: aiosqlite.Row) -> Conversation:
    """The record for a conversations row joined with its ``up``/``down`` vote counts."""
    return Conversation(
        id=row["id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        user_id=row["user_id"],
        question=row["question"],
        answer=row["answer"],
        model_version=row["model_version"],
        latency_ms=row["latency_ms"],
        corrected_answer=row["corrected_answer"],
        corrected_by=row["corrected_by"],
        corrected_at=time_from_text(row["corrected_at"]),
        votes=VoteTally(up=row["up"], down=row["down"]),
    )


def retrain_from_row(row: aiosqlite.Row) -> Retrain:
    """The record for a retrains row."""
    return Retrain(
        id=row["id"],
        requested_by=row["requested_by"],
        guild_id=row["guild_id"],
        started_at=datetime.fromisoformat(row["started_at"]),
        finished_at=time_from_text(row["finished_at"]),
        epochs=row["epochs"],
        data_size=row["data_size"],
        metrics_before=metrics_from_json(row["metrics_before"]),
        metrics_after=metrics_from_json(row["metrics_after"]),
        outcome=row["outcome"],
        reason=row["reason"],
        checkpoint_path=row["checkpoint_path"],
    )
