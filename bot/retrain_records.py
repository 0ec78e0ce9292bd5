"""What a retrain is told and what it reports: its settings, its progress and result records, and the gate.

Plain data and one pure function, kept apart from the subprocess and model-swapping machinery in
``bot.retrain``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "GATED_METRICS",
    "Outcome",
    "ProgressCallback",
    "RetrainProgress",
    "RetrainResult",
    "RetrainSettings",
    "Stage",
    "gate_reason",
]

Stage = Literal["exporting", "training", "evaluating", "swapping", "finished"]
Outcome = Literal["promoted", "rejected", "failed", "cancelled"]

GATED_METRICS = {"fact_accuracy": "fact accuracy", "unknown_accuracy": "unknown-question accuracy"}
"""The test metrics a candidate must not lose (by more than the tolerance), with their names for people."""


@dataclass(frozen=True)
class RetrainSettings:
    """How retrains run; the bot builds one from its config."""

    training_data: Path = Path("training_data.json")
    """The generated splits to train on; its test split is what the gate compares the models on."""

    knowledge_path: Path | None = None
    """The game data snapshot the trainer reads facts from (None: the shipped one), the one the bot serves."""

    work_dir: Path | None = None
    """Scratch folder for the export and the candidate; None means ``.retrain`` beside the serving
    checkpoint, which keeps the candidate on the same disk so promoting it is a rename."""

    default_epochs: int = 3
    """Epochs when the moderator names none."""

    max_epochs: int = 50
    """Most epochs a moderator may ask for."""

    tolerance: float = 0.01
    """How far (as a fraction, 0.01 = one point) each gated metric may fall below the bar: the serving model's
    score, raised to the best any earlier model of its line scored on the same test split (no slow drift)."""

    progress_interval_s: float = 3.0
    """Least time between two progress updates within a stage; stage changes are always reported."""

    cancel_grace_s: float = 10.0
    """How long a cancelled trainer may take to exit after SIGTERM before it gets SIGKILL."""

    niceness: int = 10
    """Added to the trainer's nice value so the bot's own threads win the CPU."""

    threads: int | None = None
    """Torch/OpenMP threads for the trainer; None means one fewer than the machine's cores (at least 1)."""

    extra_args: tuple[str, ...] = ()
    """More ``python -m training`` options, e.g. ``("--batch-size", "16")``."""

    include_unconfirmed: bool = False
    """Whether answers nobody confirmed join the training pairs (TRAIN_ON_UNCONFIRMED)."""


@dataclass(frozen=True)
class RetrainProgress:
    """Where a running retrain is; ``fraction`` runs from 0 to 1 over all stages and never goes back."""

    retrain_id: int
    stage: Stage
    fraction: float
    epoch: int = 0
    epochs: int = 0
    step: int = 0
    steps: int = 0
    loss: float | None = None
    eta_s: float | None = None

    def bar(self, width: int = 10) -> str:
        """A text progress bar for a Discord message, e.g. ``▰▰▰▰▱▱▱▱▱▱ 45%``."""
        filled = min(width, int(self.fraction * width + 0.5))
        return "▰" * filled + "▱" * (width - filled) + f" {int(self.fraction * 100)}%"


@dataclass(frozen=True)
class RetrainResult:
    """How a retrain ended.

    ``metrics_before`` are the serving model's test metrics as measured by the trainer on the same
    test split as the candidate's (falling back to the ones stored in the serving checkpoint when
    training never got that far); ``metrics_after`` are the candidate's, None if it never finished.
    Both are flat dicts: loss, token_accuracy, exact_match, fact_accuracy, unknown_accuracy,
    pairs, fact_pairs, unknown_pairs. ``new_version`` is set only when the outcome is 'promoted'.
    """

    retrain_id: int
    outcome: Outcome
    reason: str
    metrics_before: dict[str, Any] | None
    metrics_after: dict[str, Any] | None
    previous_version: str
    new_version: str | None = None


ProgressCallback = Callable[[RetrainProgress], Awaitable[None]]


def gate_reason(candidate: Mapping[str, Any], baseline: Mapping[str, Any], tolerance: float) -> str | None:
    """Why the candidate must not replace the serving model, or None if it may.

    Each metric in GATED_METRICS must be at least the serving model's minus ``tolerance``.
    """
    for key, label in GATED_METRICS.items():
        after, before = float(candidate[key]), float(baseline[key])
        if after < before - tolerance:
            return (
                f"the new model's {label} ({key}) is {after:.1%}, the serving model's is {before:.1%} "
                f"(at most {tolerance * 100:.1f} points lower is accepted)"
            )
    return None
