"""The trainer's progress lines are typed records both sides share: what a real ``python -m training
--progress-json`` prints parses into them, and a real retrain turns them into the status message
moderators watch."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import tiny_config

from assistant.progress import (
    Done,
    EpochEnd,
    Evaluating,
    ModelScores,
    ProgressFormatError,
    StepProgress,
    from_json,
    parse_line,
)
from assistant.worker import InferenceWorker
from bot.admin_embeds import progress_embed, result_embed
from bot.db import ConversationLog
from bot.model_store import ModelStore
from bot.retrain import RetrainManager
from bot.retrain_records import RetrainProgress, RetrainSettings

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def trainer_stdout(tmp_path_factory: pytest.TempPathFactory, tiny_checkpoint: Path) -> list[str]:
    """What a real warm-started trainer prints on stdout with --progress-json, line by line."""
    config = tiny_config(tmp_path_factory.mktemp("progress"), epochs=2)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "training",
            "--data",
            str(config.data),
            "--output",
            str(config.output),
            "--warm-start",
            str(tiny_checkpoint),
            "--epochs",
            "2",
            "--batch-size",
            "8",
            "--device",
            "cpu",
            "--progress-json",
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_every_json_line_the_trainer_prints_is_a_typed_event_and_round_trips(trainer_stdout: list[str]) -> None:
    json_lines = [line for line in trainer_stdout if line.startswith("{")]
    events = [from_json(line) for line in json_lines]
    assert [event.to_json() for event in events] == json_lines
    kinds = [type(event) for event in events]
    assert kinds[-2:] == [Evaluating, Done]
    assert [event.epoch for event in events if isinstance(event, EpochEnd)] == [1, 2]
    steps = [event for event in events if isinstance(event, StepProgress)]
    assert steps and all(step.epochs == 2 and 1 <= step.step <= step.steps for step in steps)
    done = events[-1]
    assert isinstance(done, Done) and isinstance(done.test, ModelScores)
    assert done.baseline_test is not None  # a warm start measures the old model on the same split
    assert done.test.pairs == done.baseline_test.pairs > 0


def test_lines_that_are_not_progress_are_skipped_and_half_events_are_refused(trainer_stdout: list[str]) -> None:
    others = [line for line in trainer_stdout if not line.startswith("{")]
    assert others and all(parse_line(line) is None for line in others)  # the summary the CLI prints
    assert parse_line('{"event": "step", "epoch": 1}') is None
    with pytest.raises(ProgressFormatError, match="StepProgress needs epochs, step, steps, loss, tokens_per_s, eta_s"):
        from_json('{"event": "step", "epoch": 1}')
    with pytest.raises(ProgressFormatError, match="ModelScores needs"):
        from_json(json.dumps({"event": "done", "test": {"loss": 1.0}, "baseline_test": None, "checkpoint": "x"}))


# -- a real retrain feeding the status message -------------------------------------------------


@pytest.fixture
def model_path(tmp_path: Path, tiny_checkpoint: Path) -> Path:
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(tiny_checkpoint, models / "assistant_best.pt")
    return models / "assistant_best.pt"


@pytest.fixture
def worker(model_path: Path):
    worker = InferenceWorker(model_path, device="cpu")
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
async def conversations(tmp_path: Path):
    async with await ConversationLog.open(tmp_path / "katheryne.db") as log:
        await log.log_conversation(
            guild_id=1,
            channel_id=2,
            user_id=3,
            question="what element is klee",
            answer="Klee's element is Pyro.",
            model_version="seed",
            latency_ms=5.0,
        )
        yield log


async def test_a_retrain_shows_the_trainers_epochs_losses_and_test_scores(
    tmp_path: Path, model_path: Path, worker: InferenceWorker, conversations: ConversationLog
) -> None:
    data = tiny_config(tmp_path).data
    settings = RetrainSettings(
        training_data=data, progress_interval_s=0.0, niceness=0, extra_args=("--batch-size", "8", "--device", "cpu")
    )
    manager = RetrainManager(settings, conversations, worker, ModelStore(model_path))
    shown: list[tuple[RetrainProgress, str]] = []
    pairs_modes: list[int] = []

    async def on_progress(progress: RetrainProgress) -> None:
        shown.append((progress, progress_embed(progress, job).description or ""))
        exported = tmp_path / "models" / ".retrain" / f"retrain-{job.id}" / "conversations.jsonl"
        if progress.stage == "training" and exported.exists():
            pairs_modes.append(stat.S_IMODE(exported.stat().st_mode))

    job = await manager.start(requested_by=7, guild_id=1, epochs=2, on_progress=on_progress)
    result = await asyncio.wait_for(job.wait(), 300)

    training = [(progress, text) for progress, text in shown if progress.stage == "training"]
    assert training, [text for _, text in shown]
    assert {progress.epochs for progress, _ in training} == {2}
    last, last_text = training[-1]
    assert last.epoch == 2 and last.loss is not None
    assert f"epoch 2/2 · loss {last.loss:.3f}" in last_text
    fractions = [progress.fraction for progress, _ in shown]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    first_step = next(text for progress, text in training if progress.step)
    assert re.search(r"epoch 1/2 · loss \d\.\d{3} · (about \d+ (s|min) left|almost done)", first_step)
    assert pairs_modes and set(pairs_modes) == {0o600}  # users' questions: the operator's eyes only

    assert result.metrics_after is not None and result.metrics_before is not None
    scores = ModelScores.from_dict(result.metrics_after)
    metrics_field = next(f.value for f in result_embed(result, job).fields if f.name == "Test metrics")
    assert f"{scores.fact_accuracy:.1%}" in metrics_field
    assert f"{scores.loss:.3f}" in metrics_field
