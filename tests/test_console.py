"""`python -m bot --console`: the real pipeline (worker thread, tiny trained model, SQLite log) at a prompt."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Config
from bot.db import ConversationLog
from bot.records import Conversation

REPO = Path(__file__).resolve().parents[1]
SETTINGS = {setting.name.upper() for setting in dataclasses.fields(Config)}


def bot_env(tmp_path: Path, model: Path, **settings: str) -> dict[str, str]:
    """The environment of a fresh deployment: none of the developer's own settings leak in."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(MODEL_PATH=str(model), DATABASE_PATH=str(tmp_path / "data" / "katheryne.db"), DEVICE="cpu")
    env.update(settings)
    return env


def run_console(tmp_path: Path, model: Path, stdin: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "--console"],
        cwd=tmp_path,  # so no .env from the repository is read
        env=bot_env(tmp_path, model, **settings),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def logged(tmp_path: Path) -> list[Conversation]:
    async with await ConversationLog.open(tmp_path / "data" / "katheryne.db") as conversations:
        count = await conversations.count_conversations()
        found = [await conversations.get_conversation(index) for index in range(1, count + 1)]
    return [conversation for conversation in found if conversation is not None]


async def test_console_answers_each_line_and_logs_it(tmp_path: Path, tiny_checkpoint: Path) -> None:
    result = run_console(tmp_path, tiny_checkpoint, "what element is hu tao\nwhat element is xingqiu\n")

    assert result.returncode == 0, result.stderr
    answers = result.stdout.splitlines()
    assert len(answers) == 2
    assert "Pyro" in answers[0]
    rows = await logged(tmp_path)
    assert [(row.question, row.answer) for row in rows] == [
        ("what element is hu tao", answers[0]),
        ("what element is xingqiu", answers[1]),
    ]
    assert all((row.user_id, row.guild_id, row.channel_id) == (0, None, None) for row in rows)
    assert all(row.model_version and row.latency_ms >= 0 for row in rows)


async def test_quit_ends_the_session(tmp_path: Path, tiny_checkpoint: Path) -> None:
    result = run_console(tmp_path, tiny_checkpoint, "hello\n\nquit\nwhat element is diluc\n")

    assert result.returncode == 0, result.stderr
    assert [row.question for row in await logged(tmp_path)] == ["hello"]


async def test_too_long_question_is_refused_and_not_logged(tmp_path: Path, tiny_checkpoint: Path) -> None:
    result = run_console(tmp_path, tiny_checkpoint, "what element is hu tao, tell me\n", MAX_QUESTION_LENGTH="20")

    assert result.returncode == 0, result.stderr
    assert "the limit is 20" in result.stdout
    assert await logged(tmp_path) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_signal_ends_the_session_cleanly(tmp_path: Path, tiny_checkpoint: Path, signum: signal.Signals) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--console"],
        cwd=tmp_path,
        env=bot_env(tmp_path, tiny_checkpoint),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("what element is ayaka\n")
        process.stdin.flush()
        answer = process.stdout.readline()  # the session is up and waiting for the next line
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()

    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert [row.answer for row in await logged(tmp_path)] == [answer.rstrip("\n")]
