"""Retraining from Discord: fine-tune on the conversation log, then serve the result only if it is no worse.

One retrain at a time. ``RetrainManager.start`` records the run in the conversation log, writes the
log's training pairs to a JSONL file in a scratch folder and starts ``python -m training`` on them
(warm-started from the serving checkpoint) as a subprocess: a separate process, so training never
stalls the event loop, niced and with one core fewer than the machine has, so ``/ask`` keeps its
speed. The subprocess reports progress as JSON lines; the manager turns them into throttled
``RetrainProgress`` updates for Discord.

When training is done, the gate compares the candidate's test metrics with the serving model's on
the same held-out test split (the subprocess measures both). A candidate no worse than the serving
model (within ``tolerance``) is promoted through the ``ModelStore`` and hot-swapped into the
inference worker; anything else (rejection, failure, cancellation) leaves the serving file and the
serving model untouched. Every run ends in exactly one outcome, written to the conversation log.

The records and the gate live in ``bot.retrain_records`` and the trainer subprocess itself in
``bot.retrain_process``.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.checkpoint import CheckpointError, read_metadata
from assistant.progress import EpochEnd, Evaluating, ProgressEvent, StepProgress
from assistant.worker import InferenceWorker
from bot.db import ConversationLog, Retrain, RetrainAlreadyRunning, utc_now
from bot.export import write_training_pairs
from bot.model_store import ModelStore
from bot.records import PairCounts, TrainingPair
from bot.retrain_process import (
    TrainerExit,
    follow_trainer,
    kill_trainer,
    start_trainer,
    stop_trainer,
    trainer_command,
)
from bot.retrain_records import (
    GATED_METRICS,
    Outcome,
    ProgressCallback,
    RetrainProgress,
    RetrainResult,
    RetrainSettings,
    Stage,
    gate_reason,
)

__all__ = ["RetrainJob", "RetrainManager"]

log = logging.getLogger(__name__)

# The share of the progress bar each stage starts at; training fills the span up to evaluating.
_STAGE_START: dict[str, float] = {
    "exporting": 0.0,
    "training": 0.02,
    "evaluating": 0.92,
    "swapping": 0.97,
    "finished": 1.0,
}


class RetrainJob:
    """One running (or finished) retrain; ``await job.wait()`` for its result.

    The manager drives the job through its public fields; ``finish`` is the one way it ends.
    """

    def __init__(
        self,
        retrain_id: int,
        *,
        requested_by: int,
        guild_id: int | None,
        epochs: int,
        pairs: PairCounts,
        started_at: datetime,
    ) -> None:
        self.id = retrain_id
        self.requested_by = requested_by
        self.guild_id = guild_id
        self.epochs = epochs
        self.pairs = pairs
        """How many conversation pairs of each kind the retrain learns from."""
        self.started_at = started_at
        self.progress: RetrainProgress = RetrainProgress(retrain_id, "exporting", 0.0, epochs=epochs)
        self.result: RetrainResult | None = None
        self.process: asyncio.subprocess.Process | None = None
        """The trainer while (and after) it runs."""
        self.task: asyncio.Task[None] | None = None
        """The task running the retrain, held so it is not garbage-collected."""
        self.cancel_reason: str | None = None
        """Set when a cancel is asked for; the run checks it between its steps."""
        self.committed = False
        """Set once promotion begins: from then on the job finishes rather than stopping halfway."""
        self._finished: asyncio.Future[RetrainResult] = asyncio.get_running_loop().create_future()

    @property
    def done(self) -> bool:
        return self.result is not None

    def cancelled(self) -> str | None:
        """Why a cancel was asked for, or None (read afresh: a cancel may arrive during any await)."""
        return self.cancel_reason

    @property
    def pid(self) -> int | None:
        """The trainer's process id while it runs (it leads its own process group), else None."""
        process = self.process
        return process.pid if process is not None and process.returncode is None else None

    def finish(self, result: RetrainResult) -> None:
        """Record how the retrain ended and wake everyone waiting for it."""
        self.result = result
        self._finished.set_result(result)

    async def wait(self) -> RetrainResult:
        """The result once the retrain has ended; cancelling the waiter does not cancel the retrain."""
        return await asyncio.shield(self._finished)


class RetrainManager:
    """Starts, watches, gates, promotes and cancels retrains; the Discord cog's only entry point."""

    def __init__(
        self,
        settings: RetrainSettings,
        log: ConversationLog,
        worker: InferenceWorker,
        store: ModelStore,
        *,
        on_finished: Callable[[RetrainResult], None] | None = None,
    ) -> None:
        """``on_finished`` is called with every retrain's result as it is recorded (for metrics)."""
        self._settings = settings
        self._on_finished = on_finished
        self._log = log
        self._worker = worker
        self._store = store
        self._work_root = settings.work_dir or store.model_path.parent / ".retrain"
        self._job: RetrainJob | None = None
        # Serialises start and rollback, so neither can slip in while the other checks.
        self._lock = asyncio.Lock()

    @property
    def current(self) -> RetrainJob | None:
        """The running retrain, or None."""
        job = self._job
        return job if job is not None and not job.done else None

    def status(self) -> RetrainProgress | RetrainResult | None:
        """The running retrain's latest progress, else the last result since start-up, else None."""
        job = self._job
        if job is None:
            return None
        return job.result if job.result is not None else job.progress

    async def recover(self) -> Retrain | None:
        """Close a retrain the database still marks running from before a crash; call at start-up.

        It is recorded as 'failed' with reason "bot restarted" and its scratch folders are removed.
        Returns the closed record, or None if there was none.
        """
        async with self._lock:
            if self.current is not None:
                return None
            stale = await self._log.running_retrain()
            if stale is None:
                return None
            closed = await self._log.finish_retrain(stale.id, outcome="failed", reason="bot restarted")
            if self._work_root.is_dir():
                for folder in self._work_root.glob("retrain-*"):
                    await asyncio.to_thread(_remove_tree, folder)
        log.warning("retrain %d was still marked running after a restart: recorded as failed", stale.id)
        return closed

    async def start(
        self,
        *,
        requested_by: int,
        guild_id: int | None,
        epochs: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> RetrainJob:
        """Start a retrain in the background and return its job.

        Raises RetrainAlreadyRunning while one runs (in this process or, per the database, another),
        ValueError for epochs outside 1..max_epochs and CheckpointError if the serving checkpoint
        can't be read. ``on_progress`` is awaited with each update; its errors are logged, never fatal.
        """
        epochs = self._settings.default_epochs if epochs is None else epochs
        if not 1 <= epochs <= self._settings.max_epochs:
            raise ValueError(f"epochs must be between 1 and {self._settings.max_epochs}, not {epochs}")
        async with self._lock:
            if self.current is not None:
                raise RetrainAlreadyRunning(self.current.id)
            running = await self._log.running_retrain()
            if running is not None:
                raise RetrainAlreadyRunning(running.id)
            serving = await asyncio.to_thread(read_metadata, self._store.model_path)
            before = (serving.get("metrics") or {}).get("test")
            pairs = await self._log.training_pairs(include_unconfirmed=self._settings.include_unconfirmed)
            retrain_id = await self._log.start_retrain(
                requested_by=requested_by,
                guild_id=guild_id,
                epochs=epochs,
                data_size=len(pairs),
                metrics_before=before,
            )
            job = RetrainJob(
                retrain_id,
                requested_by=requested_by,
                guild_id=guild_id,
                epochs=epochs,
                pairs=PairCounts.of(pairs),
                started_at=utc_now(),
            )
            self._job = job
        log.info(
            "retrain %d started by %d: %d conversation pairs (%s), %d epochs",
            retrain_id,
            requested_by,
            len(pairs),
            job.pairs,
            epochs,
        )
        reporter = _Reporter(job, on_progress, self._settings.progress_interval_s)
        version = str(serving.get("version", "untrained"))
        job.task = asyncio.create_task(self._run(job, pairs, reporter, before, version), name=f"retrain-{retrain_id}")
        return job

    async def cancel(self, reason: str = "cancelled by a moderator") -> RetrainResult | None:
        """Stop the running retrain and return its result; None if none runs.

        The trainer's process group gets SIGTERM, then SIGKILL after ``cancel_grace_s``. A retrain
        already promoting its model finishes instead, so the result may still be 'promoted'.
        """
        job = self.current
        if job is None:
            return None
        if not job.committed and job.cancel_reason is None:
            job.cancel_reason = reason
            if job.process is not None and job.process.returncode is None:
                await stop_trainer(job.process, self._settings.cancel_grace_s)
        return await job.wait()

    async def rollback(self) -> str:
        """Serve the checkpoint the last promotion replaced; returns the version now serving.

        Raises RetrainAlreadyRunning during a retrain and NoPreviousModel when nothing was kept.
        """
        async with self._lock:
            if self.current is not None:
                raise RetrainAlreadyRunning(self.current.id)
            path = await asyncio.to_thread(self._store.rollback)
            version = await self._worker.swap(path)
        log.info("rolled back: now serving model %s", version)
        return version

    # -- the run ------------------------------------------------------------------------------

    async def _run(
        self,
        job: RetrainJob,
        pairs: Sequence[TrainingPair],
        reporter: _Reporter,
        before: dict[str, Any] | None,
        version: str,
    ) -> None:
        work = self._work_root / f"retrain-{job.id}"
        try:
            result = await self._attempt(job, pairs, work, reporter, before, version)
        except asyncio.CancelledError:
            # The task itself is being cancelled (the loop is closing) and the trainer is already
            # killed. Nothing more may be awaited, so the database row stays 'running' until
            # recover() closes it at the next start; waiters learn the outcome now.
            _remove_tree(work)
            job.finish(RetrainResult(job.id, "cancelled", "the bot stopped during the retrain", before, None, version))
            raise
        except Exception as error:
            log.exception("retrain %d failed unexpectedly", job.id)
            result = RetrainResult(job.id, "failed", f"unexpected error: {error}", before, None, version)
        await asyncio.to_thread(_remove_tree, work)
        try:
            await self._log.finish_retrain(
                job.id,
                outcome=result.outcome,
                reason=result.reason,
                metrics_after=result.metrics_after,
                checkpoint_path=self._store.model_path if result.outcome == "promoted" else None,
            )
        except Exception:  # the result still reaches Discord; recover() closes the row at next start
            log.exception("retrain %d: could not record outcome %s", job.id, result.outcome)
        (log.info if result.outcome == "promoted" else log.warning)(
            "retrain %d %s: %s", job.id, result.outcome, result.reason
        )
        job.finish(result)
        if self._on_finished is not None:
            self._on_finished(result)
        await reporter.stage("finished")

    async def _attempt(
        self,
        job: RetrainJob,
        pairs: Sequence[TrainingPair],
        work: Path,
        reporter: _Reporter,
        before: dict[str, Any] | None,
        version: str,
    ) -> RetrainResult:
        def end(
            outcome: Outcome,
            reason: str,
            after: dict[str, Any] | None = None,
            baseline: dict[str, Any] | None = None,
            new_version: str | None = None,
        ) -> RetrainResult:
            return RetrainResult(job.id, outcome, reason, baseline or before, after, version, new_version)

        await reporter.stage("exporting")
        extra = work / "conversations.jsonl"
        try:
            await asyncio.to_thread(write_training_pairs, extra, pairs)
        except OSError as error:
            return end("failed", f"could not export the conversations: {error}")
        await reporter.stage("training")
        if job.cancel_reason is not None:
            return end("cancelled", job.cancel_reason)
        try:
            training = await self._train(job, extra, work / "candidate.pt", reporter)
        except OSError as error:
            return end("failed", f"could not start training: {error}")
        done = training.done
        after = done.test.to_dict() if done is not None else None
        baseline = done.baseline_test.to_dict() if done is not None and done.baseline_test is not None else None
        if (reason := job.cancelled()) is not None:  # a method: a cancel may land during the await above
            return end("cancelled", reason, after, baseline)
        if training.returncode < 0:
            name = signal.Signals(-training.returncode).name
            return end("failed", f"training process was killed ({name})", after, baseline)
        if training.returncode != 0:
            last = training.stderr[-1] if training.stderr else ""
            return end("failed", last or f"training exited with code {training.returncode}", after, baseline)
        if after is None or baseline is None:
            return end("failed", "training ended without reporting test metrics for both models", after, baseline)
        rejection = gate_reason(after, baseline, self._settings.tolerance)
        if rejection is not None:
            return end("rejected", rejection, after, baseline)

        job.committed = True
        await reporter.stage("swapping")
        try:
            path = await asyncio.to_thread(self._store.promote, work / "candidate.pt")
        except (OSError, CheckpointError) as error:
            return end("failed", f"could not put the new model in place: {error}", after, baseline)
        try:
            new_version = await self._worker.swap(path)
        except Exception as error:
            log.exception("retrain %d: the promoted model would not load; rolling back", job.id)
            reason = f"the new model could not be loaded: {error}"
            try:
                await asyncio.to_thread(self._store.rollback)
            except Exception as rollback_error:
                log.exception("retrain %d: rolling the model file back failed too", job.id)
                reason += f"; restoring the previous file failed as well: {rollback_error}"
            return end("failed", reason, after, baseline)
        summary = ", ".join(f"{label} {baseline[key]:.1%} → {after[key]:.1%}" for key, label in GATED_METRICS.items())
        return end("promoted", summary, after, baseline, new_version)

    async def _train(self, job: RetrainJob, extra: Path, candidate: Path, reporter: _Reporter) -> TrainerExit:
        command = trainer_command(
            self._settings,
            warm_start=self._store.model_path,
            extra=extra,
            candidate=candidate,
            epochs=job.epochs,
        )
        process = await start_trainer(command, self._settings)
        job.process = process
        log.info("retrain %d: trainer pid %d: %s", job.id, process.pid, " ".join(command))
        try:
            if job.cancel_reason is not None:  # cancelled while the process was starting
                await stop_trainer(process, self._settings.cancel_grace_s)
            return await follow_trainer(process, reporter.training_event)
        finally:
            if process.returncode is None:  # we are being cancelled ourselves: leave no trainer behind
                kill_trainer(process)


class _Reporter:
    """Turns trainer events into RetrainProgress, stores the latest on the job and throttles delivery."""

    def __init__(self, job: RetrainJob, callback: ProgressCallback | None, interval_s: float) -> None:
        self._job = job
        self._callback = callback
        self._interval_s = interval_s
        self._last_delivery = float("-inf")

    async def stage(self, stage: Stage) -> None:
        progress = self._job.progress
        await self._publish(
            RetrainProgress(
                progress.retrain_id,
                stage,
                _STAGE_START[stage],
                progress.epoch,
                progress.epochs,
                progress.step,
                progress.steps,
                progress.loss,
                None,
            ),
            force=True,
        )

    async def training_event(self, event: ProgressEvent) -> None:
        if isinstance(event, Evaluating):
            await self.stage("evaluating")
            return
        progress = self._job.progress
        eta: float | None
        if isinstance(event, StepProgress):
            epoch, epochs = event.epoch, max(event.epochs, 1)
            step, steps = event.step, event.steps
            done = (epoch - 1 + step / max(steps, 1)) / epochs
            loss, eta = event.loss, event.eta_s
        elif isinstance(event, EpochEnd):
            epoch, epochs = event.epoch, max(event.epochs, 1)
            step, steps, done = progress.steps, progress.steps, epoch / epochs
            loss, eta = event.train_loss, progress.eta_s
        else:  # Done: the trainer's exit is what ends the stage
            return
        start, end = _STAGE_START["training"], _STAGE_START["evaluating"]
        await self._publish(
            RetrainProgress(
                progress.retrain_id,
                "training",
                start + (end - start) * min(done, 1.0),
                epoch,
                epochs,
                step,
                steps,
                loss,
                eta,
            ),
            force=False,
        )

    async def _publish(self, progress: RetrainProgress, *, force: bool) -> None:
        previous = self._job.progress
        if progress.fraction < previous.fraction:
            progress = replace(progress, fraction=previous.fraction)
        self._job.progress = progress
        now = time.monotonic()
        if self._callback is None or (not force and now - self._last_delivery < self._interval_s):
            return
        self._last_delivery = now
        try:
            await self._callback(progress)
        except Exception:  # a failed Discord edit must not fail the retrain
            log.exception("retrain %d: progress callback failed", progress.retrain_id)


def _remove_tree(folder: Path) -> None:
    try:
        shutil.rmtree(folder)
    except FileNotFoundError:
        pass
    except OSError as error:
        log.warning("could not remove the retrain scratch folder %s: %s", folder, error)
