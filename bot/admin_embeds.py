"""The embeds moderators see: a retrain's progress and outcome, past retrains, and the serving model.

Numbers are shown as people read them (75.0%, "about 2 min"); metrics go in a code block so before
and after line up. Reasons come from the trainer and the gate and may quote anything (a stderr line),
so they are escaped and cut like every other untrusted text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import discord

from bot.embeds import DESCRIPTION_LIMIT, FIELD_VALUE_LIMIT, safe_text
from bot.records import Retrain
from bot.retrain import RetrainJob
from bot.retrain_records import RetrainProgress, RetrainResult

__all__ = ["model_embed", "progress_embed", "result_embed", "retrain_record_embed"]

RUNNING_COLOUR = discord.Colour(0x5865F2)
PROMOTED_COLOUR = discord.Colour(0x57F287)
REJECTED_COLOUR = discord.Colour(0xFEE75C)
FAILED_COLOUR = discord.Colour(0xD9534F)
MODEL_COLOUR = discord.Colour(0x8E6FC1)

_STAGES = {
    "exporting": "Collecting the logged conversations",
    "training": "Training",
    "evaluating": "Testing the new model against the serving one",
    "swapping": "Switching to the new model",
    "finished": "Finishing",
}

# (metric key, label, is a fraction) in the order shown.
_METRICS = (
    ("fact_accuracy", "fact accuracy", True),
    ("unknown_accuracy", "unknown admitted", True),
    ("exact_match", "exact match", True),
    ("loss", "loss", False),
)

_OUTCOMES: dict[str, tuple[str, discord.Colour]] = {
    "promoted": ("✅ new model serving", PROMOTED_COLOUR),
    "rejected": ("↩️ new model rejected", REJECTED_COLOUR),
    "failed": ("⚠️ failed", FAILED_COLOUR),
    "cancelled": ("⏹️ cancelled", FAILED_COLOUR),
    "running": ("⏳ running", RUNNING_COLOUR),
}


def progress_embed(progress: RetrainProgress, job: RetrainJob) -> discord.Embed:
    """A running retrain: stage, progress bar, epoch, loss and time left."""
    details = [_STAGES.get(progress.stage, progress.stage)]
    if progress.epoch:
        details.append(f"epoch {progress.epoch}/{progress.epochs}")
    if progress.loss is not None:
        details.append(f"loss {progress.loss:.3f}")
    if progress.stage == "training" and progress.eta_s is not None:
        details.append(f"about {_duration(progress.eta_s)} left" if progress.eta_s >= 5 else "almost done")
    embed = discord.Embed(
        title=f"Retrain #{job.id}: {_OUTCOMES['running'][0]}",
        description=f"`{progress.bar(20)}`\n{' · '.join(details)}",
        colour=RUNNING_COLOUR,
    )
    _add_request(embed, job.requested_by, job.started_at, _job_pairs(job), job.epochs)
    return embed


def result_embed(result: RetrainResult, job: RetrainJob) -> discord.Embed:
    """How a retrain ended: which model serves now, why, and the test metrics before and after."""
    heading, colour = _OUTCOMES[result.outcome]
    reason = safe_text(result.reason, DESCRIPTION_LIMIT - 200)
    if result.outcome == "promoted":
        description = f"Now serving model `{result.new_version}` (was `{result.previous_version}`).\n{reason}"
    elif result.outcome == "rejected":
        description = f"Still serving model `{result.previous_version}`: {reason}."
    else:
        description = f"Still serving model `{result.previous_version}`. Reason: {reason}"
    embed = discord.Embed(title=f"Retrain #{result.retrain_id}: {heading}", description=description, colour=colour)
    _add_request(embed, job.requested_by, job.started_at, _job_pairs(job), job.epochs)
    _add_metrics(embed, result.metrics_before, result.metrics_after)
    return embed


def retrain_record_embed(record: Retrain) -> discord.Embed:
    """A retrain as the conversation log remembers it (for /retrain-status after a restart, too)."""
    heading, colour = _OUTCOMES[record.outcome]
    lines = []
    if record.finished_at is not None:
        lines.append(f"Finished {_when(record.finished_at)}.")
    if record.reason:
        lines.append(f"Reason: {safe_text(record.reason, DESCRIPTION_LIMIT - 200)}")
    embed = discord.Embed(
        title=f"Last retrain #{record.id}: {heading}", description="\n".join(lines) or None, colour=colour
    )
    _add_request(embed, record.requested_by, record.started_at, _count(record.data_size, "logged pair"), record.epochs)
    _add_metrics(embed, record.metrics_before, record.metrics_after)
    return embed


def model_embed(meta: Mapping[str, Any], version: str, *, has_plot: bool) -> discord.Embed:
    """The serving model: version, when and on how much data it was trained, its test metrics."""
    embed = discord.Embed(title=f"Katheryne's model `{version}`", colour=MODEL_COLOUR)
    created = _parse_time(meta.get("created_at"))
    embed.add_field(name="Trained", value=_when(created) if created else "unknown")
    pairs = meta.get("train_pairs")
    embed.add_field(name="Training pairs", value=f"{pairs:,}" if isinstance(pairs, int) else "unknown")
    embed.add_field(name="Best epoch", value=str(meta.get("epoch", "unknown")))
    test = (meta.get("metrics") or {}).get("test")
    if test:
        embed.add_field(name="Test metrics", value=_metrics_block([("", test)]), inline=False)
    else:
        embed.add_field(name="Test metrics", value="This checkpoint carries no test metrics.", inline=False)
    if has_plot:
        embed.set_image(url="attachment://loss_curve.png")
    else:
        embed.set_footer(text="No loss curve was saved with this model.")
    return embed


def _job_pairs(job: RetrainJob) -> str:
    """The pairs a retrain learns from, by kind, so moderators see what the model is taught."""
    return f"{_count(job.pairs.total, 'logged pair')} ({job.pairs})"


def _add_request(embed: discord.Embed, requested_by: int, started_at: datetime, pairs: str, epochs: int) -> None:
    # A mention inside an embed shows the name and never pings.
    embed.add_field(name="Requested", value=f"by <@{requested_by}> {_when(started_at)}")
    embed.add_field(name="Data", value=f"{pairs} · {_count(epochs, 'epoch')}")


def _add_metrics(embed: discord.Embed, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> None:
    columns = [(title, metrics) for title, metrics in (("before", before), ("after", after)) if metrics]
    if columns:
        embed.add_field(name="Test metrics", value=_metrics_block(columns), inline=False)


def _metrics_block(columns: list[tuple[str, Mapping[str, Any]]]) -> str:
    """A code block with one row per metric and one column per model."""
    width = max(len(label) for _, label, _ in _METRICS)
    rows = []
    if any(title for title, _ in columns):
        rows.append(" " * width + "".join(f"{title:>9}" for title, _ in columns))
    for key, label, fraction in _METRICS:
        cells = "".join(f"{_number(metrics.get(key), fraction):>9}" for _, metrics in columns)
        rows.append(f"{label:<{width}}{cells}")
    return ("```\n" + "\n".join(rows) + "\n```")[:FIELD_VALUE_LIMIT]


def _number(value: Any, fraction: bool) -> str:
    if not isinstance(value, (int, float)):
        return "–"
    return f"{value:.1%}" if fraction else f"{value:.3f}"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def _when(moment: datetime) -> str:
    """A Discord timestamp, shown in each reader's own time zone and language."""
    return discord.utils.format_dt(moment, "R")


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
