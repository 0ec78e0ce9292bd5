"""The trainer subprocess a retrain runs: ``python -m training`` started, followed and stopped.

Training runs in a separate process so it never stalls the event loop, niced and with its threads
capped so ``/ask`` keeps its speed, and in its own session so stopping it stops its whole process
group. Its progress arrives as JSON lines on stdout; the last lines of stderr are kept to explain
a failure. What the events mean for the retrain is ``bot.retrain``'s business, not this module's.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.progress import Done, ProgressEvent, parse_line
from bot.retrain_records import RetrainSettings

__all__ = ["TrainerExit", "follow_trainer", "kill_trainer", "start_trainer", "stop_trainer", "trainer_command"]

_STDERR_LINES = 20
_PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class TrainerExit:
    """How the trainer ended: its exit status, its final 'done' event if it sent one, its last stderr lines."""

    returncode: int
    done: Done | None
    stderr: list[str]


def trainer_command(
    settings: RetrainSettings, *, warm_start: Path, extra: Path, candidate: Path, epochs: int
) -> list[str]:
    """The command line that fine-tunes ``warm_start`` on the training data plus ``extra`` into ``candidate``."""
    command = [
        sys.executable,
        "-m",
        "training",
        "--data",
        str(settings.training_data.resolve()),
        "--warm-start",
        str(warm_start.resolve()),
        "--extra-data",
        str(extra.resolve()),
        "--output",
        str(candidate.resolve()),
        "--epochs",
        str(epochs),
        "--progress-json",
        *(("--knowledge", str(settings.knowledge_path.resolve())) if settings.knowledge_path else ()),
        *settings.extra_args,
    ]
    if settings.niceness:
        command = ["nice", "-n", str(settings.niceness), *command]
    return command


async def start_trainer(command: Sequence[str], settings: RetrainSettings) -> asyncio.subprocess.Process:
    """Start the trainer as the leader of its own process group, with its threads capped by ``settings``."""
    threads = settings.threads or max(1, (os.cpu_count() or 1) - 1)
    # The trainer inherits the bot's environment; these only cap its threads and let
    # `-m training` resolve whatever the bot's working directory is.
    python_path = os.pathsep.join(filter(None, [str(_PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    environment = {
        **os.environ,
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "PYTHONPATH": python_path,
    }
    return await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=environment,
        start_new_session=True,
        limit=1 << 20,
    )


async def follow_trainer(
    process: asyncio.subprocess.Process, on_event: Callable[[ProgressEvent], Awaitable[None]]
) -> TrainerExit:
    """Await ``on_event`` with each progress event the trainer prints until it exits, then say how it ended."""
    stderr: deque[str] = deque(maxlen=_STDERR_LINES)
    done: Done | None = None
    reading = asyncio.create_task(_collect(process.stderr, stderr))
    assert process.stdout is not None
    async for raw in process.stdout:
        event = parse_line(raw)
        if event is None:  # a log line or a table, not progress
            continue
        if isinstance(event, Done):
            done = event
        await on_event(event)
    await reading
    returncode = await process.wait()
    return TrainerExit(returncode, done, list(stderr))


async def stop_trainer(process: asyncio.subprocess.Process, grace_s: float) -> None:
    """SIGTERM the trainer's process group, then SIGKILL it if it has not exited after ``grace_s``."""
    _signal_group(process, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), grace_s)
    except TimeoutError:
        _signal_group(process, signal.SIGKILL)
        await process.wait()


def kill_trainer(process: asyncio.subprocess.Process) -> None:
    """SIGKILL the trainer's process group at once, for when nothing more may be awaited."""
    _signal_group(process, signal.SIGKILL)


async def _collect(stream: asyncio.StreamReader | None, lines: deque[str]) -> None:
    assert stream is not None
    async for raw in stream:
        line = raw.decode("utf-8", errors="replace").strip()
        if line:
            lines.append(line)


def _signal_group(process: asyncio.subprocess.Process, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # it has already exited
        os.killpg(process.pid, signum)
