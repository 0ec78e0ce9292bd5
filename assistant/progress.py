"""What the trainer reports while it runs: the ``--progress-json`` events, one JSON object per line.

The trainer (``training.train``) writes these and the bot (``bot.retrain``) reads them from the
trainer's stdout, so both import the records from here and neither spells a key by hand. Each line
is an object whose ``"event"`` names the record (``step``, ``epoch``, ``evaluating``, ``done``) and
whose other keys are that record's fields. ``ModelScores`` names the test metrics once; the
checkpoint's ``metrics["test"]`` and the ``done`` event carry exactly these.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

__all__ = [
    "Done",
    "EpochEnd",
    "Evaluating",
    "ModelScores",
    "ProgressEvent",
    "ProgressFormatError",
    "StepProgress",
    "from_json",
    "parse_line",
]


class ProgressFormatError(ValueError):
    """A line claimed to be a progress event but does not have the fields its event needs."""


def _take(record: type[Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``record`` from ``data``; extra keys (from a newer trainer) are ignored."""
    names = [f.name for f in fields(record)]
    missing = [name for name in names if name not in data]
    if missing:
        raise ProgressFormatError(f"{record.__name__} needs {', '.join(missing)}")
    return {name: data[name] for name in names}


@dataclass(frozen=True)
class ModelScores:
    """A model's scores on the held-out test split (fractions from 0 to 1, a loss, and counts)."""

    loss: float
    token_accuracy: float
    exact_match: float
    fact_accuracy: float
    """Share of fact questions whose answer states the expected fact and no forbidden one."""
    unknown_accuracy: float
    """Share of questions about unknown things that the model admits not knowing."""
    pairs: int
    fact_pairs: int
    unknown_pairs: int

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelScores:
        """Scores from ``to_dict``'s shape; raises ProgressFormatError when a metric is missing."""
        return cls(**_take(cls, data))


class _Event:
    """What every event has: its name on the wire and its one-line JSON form."""

    kind: ClassVar[str]

    def to_json(self) -> str:
        """The event as one line of JSON (no newline)."""
        return json.dumps({"event": self.kind, **asdict(self)})  # type: ignore[call-overload]


@dataclass(frozen=True)
class StepProgress(_Event):
    """Every few training steps: where training is and how fast it goes."""

    kind: ClassVar[str] = "step"
    epoch: int
    epochs: int
    step: int
    steps: int
    """Steps (batches) in one epoch."""
    loss: float
    """The last batch's training loss."""
    tokens_per_s: float
    eta_s: float
    """Estimated seconds until training ends (capped by the time budget)."""


@dataclass(frozen=True)
class EpochEnd(_Event):
    """An epoch has ended and been validated."""

    kind: ClassVar[str] = "epoch"
    epoch: int
    epochs: int
    train_loss: float
    val_loss: float


@dataclass(frozen=True)
class Evaluating(_Event):
    """Training is over; the kept model (and the warm start's, if any) are being tested."""

    kind: ClassVar[str] = "evaluating"


@dataclass(frozen=True)
class Done(_Event):
    """The run has ended and its checkpoint is written."""

    kind: ClassVar[str] = "done"
    test: ModelScores
    baseline_test: ModelScores | None
    """The warm-start model's scores on the same test split; None for a fresh model."""
    checkpoint: str


ProgressEvent = StepProgress | EpochEnd | Evaluating | Done

_EVENTS: dict[str, type[ProgressEvent]] = {event.kind: event for event in (StepProgress, EpochEnd, Evaluating, Done)}


def from_json(text: str | bytes) -> ProgressEvent:
    """The event an event's ``to_json`` line holds; raises ProgressFormatError (a ValueError) for anything else."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ProgressFormatError(f"not JSON: {error}") from None
    if not isinstance(data, dict) or data.get("event") not in _EVENTS:
        raise ProgressFormatError("not a progress event")
    record = _EVENTS[data["event"]]
    values = _take(record, data)
    if record is Done:
        values["test"] = ModelScores.from_dict(values["test"])
        baseline = values["baseline_test"]
        values["baseline_test"] = None if baseline is None else ModelScores.from_dict(baseline)
    return record(**values)


def parse_line(line: str | bytes) -> ProgressEvent | None:
    """The event on one line of trainer output, or None for any other line (logs, tables)."""
    try:
        return from_json(line)
    except ProgressFormatError:
        return None
