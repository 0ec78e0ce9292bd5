"""Retraining end to end: a real trainer subprocess on the tiny data, a real inference worker serving
the tiny model, a real conversation log. Each full retrain takes a few seconds."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from conftest import write_tiny_data

from assistant.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from assistant.worker import InferenceWorker
from bot.db import ConversationLog, RetrainAlreadyRunning
from bot.model_store import ModelStore, NoPreviousModel
from bot.retrain import RetrainManager
from bot.retrain_records import RetrainProgress, RetrainSettings, gate_reason

CONVERSATIONS = [
    ("what element is klee", "Klee's element is Pyro."),
    ("klee element", "Klee's element is Pyro."),
    ("hello", "Hello, traveler! Ask me about Genshin Impact."),
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def model_path(tmp_path: Path, tiny_checkpoint: Path) -> Path:
    models = tmp_path / "models"
    models.mkdir()
    shutil.copy(tiny_checkpoint, models / "assistant_best.pt")
    shutil.copy(tiny_checkpoint.with_suffix(".png"), models / "assistant_best.png")
    return models / "assistant_best.pt"


@pytest.fixture
def worker(model_path: Path):
    worker = InferenceWorker(model_path, device="cpu", max_batch_size=8, max_wait_ms=2)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
async def conversations(tmp_path: Path):
    log = await ConversationLog.open(tmp_path / "katheryne.db")
    for index, (question, answer) in enumerate(CONVERSATIONS):
        conversation_id = await log.log_conversation(
            guild_id=1,
            channel_id=2,
            user_id=100 + index,
            question=question,
            answer=answer,
            model_version="seed",
            latency_ms=5.0,
        )
        await log.record_vote(conversation_id, user_id=200, vote=1)  # confirmed, so a retrain learns it
    yield log
    await log.close()


@pytest.fixture
async def make_manager(tmp_path, model_path, worker, conversations):
    """Build a RetrainManager on the tiny data; any retrain still running at the end is cancelled."""
    managers: list[RetrainManager] = []
    data = write_tiny_data(tmp_path / "training_data.json")

    def make(**overrides: object) -> RetrainManager:
        options: dict = {"training_data": data, "default_epochs": 2, "progress_interval_s": 0.0, "niceness": 5}
        options.update(overrides)
        manager = RetrainManager(RetrainSettings(**options), conversations, worker, ModelStore(model_path))
        managers.append(manager)
        return manager

    yield make
    for manager in managers:
        await manager.cancel("test finished")


class Recorder:
    """An on_progress callback that remembers what it got and when."""

    def __init__(self) -> None:
        self.updates: list[tuple[float, RetrainProgress]] = []

    async def __call__(self, progress: RetrainProgress) -> None:
        self.updates.append((time.monotonic(), progress))

    @property
    def stages(self) -> list[str]:
        stages: list[str] = []
        for _, progress in self.updates:
            if not stages or stages[-1] != progress.stage:
                stages.append(progress.stage)
        return stages


async def trainer_started(job) -> int:
    for _ in range(600):
        if job.pid is not None:
            return job.pid
        await asyncio.sleep(0.01)
    raise AssertionError("the trainer never started")


# -- promotion -------------------------------------------------------------------------------------


async def test_a_retrain_promotes_a_no_worse_model_while_questions_keep_being_answered(
    make_manager, worker, conversations, model_path, tiny_checkpoint
):
    manager = make_manager()
    old_version = worker.model_version
    answers, failures = [], []
    stop = asyncio.Event()

    async def traffic() -> None:
        while not stop.is_set():
            try:
                answers.append(await worker.ask("what element is diluc"))
            except Exception as error:  # any failure at all is what this test is about
                failures.append(error)
            await asyncio.sleep(0.01)

    asking = asyncio.create_task(traffic())
    try:
        job = await manager.start(requested_by=42, guild_id=7, epochs=2)
        result = await job.wait()
        assert result.outcome == "promoted", result.reason
        while not answers or answers[-1].model_version == old_version:
            await asyncio.sleep(0.01)
    finally:
        stop.set()
        await asking

    assert result.new_version == worker.model_version == read_metadata(model_path)["version"] != old_version
    assert result.previous_version == old_version
    assert failures == []
    assert {answer.model_version for answer in answers} == {old_version, result.new_version}
    assert ModelStore(model_path).previous().version == old_version
    assert model_path.with_suffix(".png").exists()
    record = await conversations.latest_retrain()
    assert (record.outcome, record.requested_by, record.guild_id, record.epochs) == ("promoted", 42, 7, 2)
    assert record.data_size == len(CONVERSATIONS)
    assert record.metrics_before == read_metadata(tiny_checkpoint)["metrics"]["test"]
    assert record.metrics_after == result.metrics_after
    assert set(result.metrics_after) >= {"fact_accuracy", "unknown_accuracy", "loss"}
    assert record.checkpoint_path == str(model_path)
    assert manager.status() == result
    assert not any((model_path.parent / ".retrain").iterdir())


async def test_progress_is_throttled_only_moves_forward_and_reports_every_stage(make_manager):
    interval = 0.5
    manager = make_manager(progress_interval_s=interval)
    recorder = Recorder()

    job = await manager.start(requested_by=1, guild_id=None, epochs=6, on_progress=recorder)
    result = await job.wait()

    assert result.outcome == "promoted", result.reason
    assert recorder.stages == ["exporting", "training", "evaluating", "swapping", "finished"]
    fractions = [progress.fraction for _, progress in recorder.updates]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(progress.stage == "training" and progress.epoch >= 1 for _, progress in recorder.updates)
    for (earlier, first), (later, second) in zip(recorder.updates, recorder.updates[1:], strict=False):
        if first.stage == second.stage:
            assert later - earlier >= interval * 0.95
    assert recorder.updates[-1][1].bar() == "▰▰▰▰▰▰▰▰▰▰ 100%"


def test_the_progress_bar_shows_the_fraction_done():
    assert RetrainProgress(1, "training", 0.45).bar(6) == "▰▰▰▱▱▱ 45%"
    assert RetrainProgress(1, "exporting", 0.0).bar(4) == "▱▱▱▱ 0%"


# -- the gate --------------------------------------------------------------------------------------


def test_the_gate_accepts_a_drop_within_the_tolerance_and_names_a_larger_one():
    baseline = {"fact_accuracy": 0.80, "unknown_accuracy": 1.0}
    assert gate_reason({"fact_accuracy": 0.795, "unknown_accuracy": 1.0}, baseline, 0.01) is None
    reason = gate_reason({"fact_accuracy": 0.80, "unknown_accuracy": 0.5}, baseline, 0.01)
    assert "unknown-question accuracy" in reason and "50.0%" in reason and "100.0%" in reason


async def test_a_worse_model_is_rejected_and_the_old_one_keeps_serving(make_manager, worker, conversations, model_path):
    manager = make_manager(extra_args=("--lr", "50"))  # a learning rate that wrecks the model
    old_version, old_file = worker.model_version, digest(model_path)

    result = await (await manager.start(requested_by=1, guild_id=None, epochs=1)).wait()

    assert result.outcome == "rejected"
    assert "accuracy" in result.reason and "%" in result.reason
    assert result.new_version is None
    assert result.metrics_after is not None and result.metrics_before is not None
    assert worker.model_version == old_version and digest(model_path) == old_file
    assert ModelStore(model_path).previous() is None
    record = await conversations.latest_retrain()
    assert (record.outcome, record.reason, record.checkpoint_path) == ("rejected", result.reason, None)
    assert not any((model_path.parent / ".retrain").iterdir())


# -- one at a time ---------------------------------------------------------------------------------


async def test_a_second_retrain_while_one_runs_is_refused(make_manager, conversations):
    manager = make_manager()
    job = await manager.start(requested_by=1, guild_id=None)

    with pytest.raises(RetrainAlreadyRunning):
        await manager.start(requested_by=2, guild_id=None)
    with pytest.raises(RetrainAlreadyRunning):  # another bot process sharing the database
        await make_manager().start(requested_by=2, guild_id=None)

    assert (await manager.cancel()).outcome == "cancelled"
    assert job.done


async def test_recover_closes_a_retrain_left_running_by_a_crash(make_manager, conversations):
    stale = await conversations.start_retrain(requested_by=1, guild_id=None, epochs=3, data_size=0)
    manager = make_manager()

    closed = await manager.recover()

    assert (closed.id, closed.outcome, closed.reason) == (stale, "failed", "bot restarted")
    assert await conversations.running_retrain() is None
    assert await manager.recover() is None


# -- failures and cancellation ---------------------------------------------------------------------


async def test_a_killed_trainer_is_recorded_as_failed_and_the_old_model_stays(
    make_manager, worker, conversations, model_path
):
    manager = make_manager()
    old_version, old_file = worker.model_version, digest(model_path)
    job = await manager.start(requested_by=1, guild_id=None, epochs=5)

    os.kill(await trainer_started(job), signal.SIGKILL)
    result = await job.wait()

    assert (result.outcome, result.reason) == ("failed", "training process was killed (SIGKILL)")
    assert worker.model_version == old_version and digest(model_path) == old_file
    record = await conversations.latest_retrain()
    assert (record.outcome, record.reason) == ("failed", "training process was killed (SIGKILL)")
    assert not any((model_path.parent / ".retrain").iterdir())


async def test_cancel_stops_the_trainer_and_keeps_the_old_model(make_manager, worker, conversations, model_path):
    manager = make_manager()
    old_version, old_file = worker.model_version, digest(model_path)
    job = await manager.start(requested_by=1, guild_id=None, epochs=5)
    pid = await trainer_started(job)

    result = await manager.cancel("cancelled by <@1>")

    assert (result.outcome, result.reason) == ("cancelled", "cancelled by <@1>")
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)
    assert worker.model_version == old_version and digest(model_path) == old_file
    assert (await conversations.latest_retrain()).outcome == "cancelled"
    assert await manager.cancel() is None


async def test_a_trainer_error_is_reported_in_its_own_words(make_manager, conversations):
    manager = make_manager(extra_args=("--device", "tpu"))
    result = await (await manager.start(requested_by=1, guild_id=None, epochs=1)).wait()
    assert result.outcome == "failed"
    assert "error: argument --device: invalid choice: 'tpu'" in result.reason
    assert (await conversations.latest_retrain()).reason == result.reason


async def test_a_failing_export_is_recorded_as_failed(make_manager, conversations, model_path, tmp_path):
    (tmp_path / "not-a-folder").write_text("")
    manager = make_manager(work_dir=tmp_path / "not-a-folder" / "retrain")

    result = await (await manager.start(requested_by=1, guild_id=None)).wait()

    assert result.outcome == "failed" and result.reason.startswith("could not export the conversations:")
    assert (await conversations.latest_retrain()).outcome == "failed"


async def test_a_full_disk_while_promoting_keeps_the_old_model_serving(
    make_manager, worker, conversations, model_path, monkeypatch
):
    manager = make_manager()
    old_version, old_file = worker.model_version, digest(model_path)
    real_replace = os.replace

    def replace(source, target):
        if Path(target) == model_path:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    result = await (await manager.start(requested_by=1, guild_id=None, epochs=1)).wait()

    assert result.outcome == "failed" and "No space left on device" in result.reason
    assert worker.model_version == old_version and digest(model_path) == old_file
    assert (await worker.ask("what element is diluc")).model_version == old_version
    assert ModelStore(model_path).previous() is None
    assert (await conversations.latest_retrain()).outcome == "failed"


# -- rollback --------------------------------------------------------------------------------------


async def test_rollback_serves_the_previous_model_again(make_manager, worker, model_path, tmp_path):
    manager = make_manager()
    old_version = worker.model_version
    with pytest.raises(NoPreviousModel):
        await manager.rollback()
    loaded = load_checkpoint(model_path)
    save_checkpoint(
        tmp_path / "newer.pt", loaded.model, loaded.vocab, epoch=2, loss=0.1, config={}, metrics={}, data_hash="newer"
    )
    await worker.swap(ModelStore(model_path).promote(tmp_path / "newer.pt"))
    assert worker.model_version != old_version

    assert await manager.rollback() == old_version

    assert worker.model_version == old_version == read_metadata(model_path)["version"]
