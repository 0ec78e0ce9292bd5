"""The command lines as an operator meets them: `python -m bot` (mode choice, start-up failures with exit
code 2, shutdown, export), `python -m training`'s commands and `python -m assistant`'s model."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from fakediscord import FakeDiscord

from bot.config import Config
from bot.db import ConversationLog

pytest_plugins = ["fakediscord.fixtures"]

REPO = Path(__file__).resolve().parents[1]
SETTINGS = {setting.name.upper() for setting in dataclasses.fields(Config)}
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.secret-part-of-the-token"

# Runs the CLI with a Discord that rejects every token, so the test needs no network.
WITH_REJECTED_TOKEN = """
import sys
import discord

async def login(self, token):
    raise discord.LoginFailure("Improper token has been passed.")

discord.Client.login = login
from bot.__main__ import main
sys.exit(main())
"""


def at_discord(api_base: str, gateway: str) -> str:
    """A CLI bootstrap that points discord.py's REST routes and gateway at ``api_base`` and ``gateway``."""
    return f"""
import sys
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

Route.BASE = {api_base!r}
DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({gateway!r})
from bot.__main__ import main
sys.exit(main())
"""


def bot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a fresh deployment in ``tmp_path``, with only ``settings`` configured."""
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONIOENCODING"] = "utf-8"
    env["DATABASE_PATH"] = str(tmp_path / "data" / "katheryne.db")
    env.update(settings)
    return env


def run_bot(
    tmp_path: Path, *args: str, stdin: str = "", bootstrap: str | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in ``tmp_path`` (its own .env, if any) with only ``settings`` configured."""
    command = ["-c", bootstrap] if bootstrap else ["-m", "bot"]
    return subprocess.run(
        [sys.executable, *command, *args],
        cwd=tmp_path,
        env=bot_env(tmp_path, **settings),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_token_it_falls_back_to_the_console(tmp_path: Path, tiny_checkpoint: Path) -> None:
    result = run_bot(tmp_path, stdin="what element is diluc\n", MODEL_PATH=str(tiny_checkpoint), DEVICE="cpu")

    assert result.returncode == 0, result.stderr
    notices = [line for line in result.stderr.splitlines() if "DISCORD_TOKEN" in line]
    assert notices == [
        "No DISCORD_TOKEN is set, so Katheryne starts in console mode; put the bot token in .env to connect to Discord."
    ]
    assert "Pyro" in result.stdout


def test_token_from_env_file_with_missing_model_exits_2(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\nMODEL_PATH=models/nowhere.pt\n", encoding="utf-8")

    result = run_bot(tmp_path)

    assert result.returncode == 2
    assert "no model at models/nowhere.pt" in result.stderr
    assert "python -m training" in result.stderr and "MODEL_PATH" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_bad_device_exits_2(tmp_path: Path) -> None:
    result = run_bot(tmp_path, DISCORD_TOKEN=TOKEN, DEVICE="tpu")

    assert result.returncode == 2
    assert "DEVICE: must be auto, cpu, cuda or cuda:N, got 'tpu'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_a_gpu_exits_2(tmp_path: Path, tiny_checkpoint: Path) -> None:
    result = run_bot(tmp_path, "--console", MODEL_PATH=str(tiny_checkpoint), DEVICE="cuda")

    assert result.returncode == 2
    assert "no CUDA GPU is available" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_setting_exits_2_naming_the_variable(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BATCH_SIZE=many\n", encoding="utf-8")

    result = run_bot(tmp_path)

    assert result.returncode == 2
    assert "BATCH_SIZE: must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_rejected_token_exits_2_without_logging_it(tmp_path: Path, tiny_checkpoint: Path) -> None:
    result = run_bot(
        tmp_path,
        bootstrap=WITH_REJECTED_TOKEN,
        DISCORD_TOKEN=TOKEN,
        MODEL_PATH=str(tiny_checkpoint),
        DEVICE="cpu",
        LOG_LEVEL="DEBUG",
    )

    assert result.returncode == 2
    assert "Discord rejected DISCORD_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_unreachable_discord_exits_2_with_one_line(tmp_path: Path, tiny_checkpoint: Path) -> None:
    with socket.socket() as closed:  # a port nothing listens on once the socket is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    started = time.monotonic()

    result = run_bot(
        tmp_path,
        bootstrap=at_discord(f"http://127.0.0.1:{port}/api/v10", f"ws://127.0.0.1:{port}/"),
        DISCORD_TOKEN=TOKEN,
        MODEL_PATH=str(tiny_checkpoint),
        DEVICE="cpu",
    )

    assert result.returncode == 2, result.stderr
    assert time.monotonic() - started < 60
    (complaint,) = [line for line in result.stderr.splitlines() if line.startswith("katheryne:")]
    assert "cannot reach Discord" in complaint and "internet connection" in complaint
    assert "Traceback" not in result.stderr
    assert "voice will NOT be supported" not in result.stderr
    assert TOKEN not in result.stdout + result.stderr


async def test_sigterm_while_connected_exits_0_after_answering(
    tmp_path: Path, tiny_checkpoint: Path, fake_discord: FakeDiscord
) -> None:
    database = tmp_path / "data" / "katheryne.db"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        at_discord(fake_discord.api_base, fake_discord.ws_url),
        cwd=tmp_path,
        env=bot_env(
            tmp_path,
            DISCORD_TOKEN=fake_discord.token,
            MODEL_PATH=str(tiny_checkpoint),
            DEVICE="cpu",
            DEV_GUILD_ID=str(fake_discord.guild.id),
        ),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    output = asyncio.gather(process.stdout.read(), process.stderr.read())
    try:
        await fake_discord.changes.wait_for(
            lambda: fake_discord.gateway.live_sessions() and fake_discord.guild_commands or process.returncode,
            60,
            "the bot to connect and sync its commands",
        )
        handle = await fake_discord.slash("ask", {"question": "what element is diluc"})
        answer = await handle.original(timeout=20)
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 60)
    finally:
        if process.returncode is None:
            process.kill()
    stdout, stderr = (part.decode() for part in await output)

    assert process.returncode == 0, stderr
    assert "received SIGTERM" in stderr
    assert "Traceback" not in stdout + stderr
    async with await ConversationLog.open(database) as conversations:
        logged = await conversations.get_conversation(1)
    assert logged is not None and logged.question == "what element is diluc"
    assert logged.answer in answer.embed["description"].replace("\\", "")
    assert not database.with_name(database.name + "-wal").exists()  # the log was closed, not abandoned


async def log_three_exchanges(database: Path) -> None:
    """One answer voted up, one voted down, one nobody voted on."""
    async with await ConversationLog.open(database) as conversations:
        confirmed = await conversations.log_conversation(
            guild_id=1,
            channel_id=2,
            user_id=3,
            question="what element is hu tao",
            answer="Hu Tao's element is Pyro.",
            model_version="v1",
            latency_ms=12.0,
        )
        await conversations.record_vote(confirmed, user_id=4, vote=1)
        wrong = await conversations.log_conversation(
            guild_id=1,
            channel_id=2,
            user_id=3,
            question="what element is ayaka",
            answer="Ayaka's element is Pyro.",
            model_version="v1",
            latency_ms=12.0,
        )
        await conversations.record_vote(wrong, user_id=4, vote=-1)
        await conversations.log_conversation(
            guild_id=1,
            channel_id=2,
            user_id=3,
            question="who founded mondstadt",
            answer="Mondstadt was founded by Paimon.",
            model_version="v1",
            latency_ms=12.0,
        )


async def test_export_training_writes_only_confirmed_exchanges(tmp_path: Path) -> None:
    await log_three_exchanges(tmp_path / "data" / "katheryne.db")

    result = run_bot(tmp_path, "export-training", "--out", "export/pairs.jsonl")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "wrote 1 training pairs to export/pairs.jsonl (0 corrected · 1 upvoted · 0 unconfirmed)"
    )
    lines = (tmp_path / "export" / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"question": "what element is hu tao", "answer": "Hu Tao's element is Pyro."}
    ]


async def test_train_on_unconfirmed_lets_unvoted_answers_into_the_export(tmp_path: Path) -> None:
    await log_three_exchanges(tmp_path / "data" / "katheryne.db")

    result = run_bot(tmp_path, "export-training", "--out", "pairs.jsonl", TRAIN_ON_UNCONFIRMED="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith("(0 corrected · 1 upvoted · 1 unconfirmed)")
    questions = [json.loads(line)["question"] for line in (tmp_path / "pairs.jsonl").read_text().splitlines()]
    assert questions == ["what element is hu tao", "who founded mondstadt"]


def test_export_without_a_database_exits_2(tmp_path: Path) -> None:
    result = run_bot(tmp_path, "export-training", "--out", "pairs.jsonl")

    assert result.returncode == 2
    assert "no conversation log at" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "pairs.jsonl").exists()


def run_module(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=tmp_path,
        env=bot_env(tmp_path, **settings),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_training_help_lists_every_command(tmp_path: Path) -> None:
    result = run_module(tmp_path, "training", "--help")

    assert result.returncode == 0, result.stderr
    for command in ("train", "build-data", "evaluate", "export-onnx", "import-data"):
        assert f"\n    {command} " in result.stdout, command


@pytest.mark.parametrize(
    ("command", "option"),
    [("train", "--epochs"), ("build-data", "--out"), ("evaluate", "--model"), ("export-onnx", "--out")],
)
def test_training_command_help_gives_each_option_its_default(tmp_path: Path, command: str, option: str) -> None:
    result = run_module(tmp_path, "training", command, "--help")

    assert result.returncode == 0, result.stderr
    described = " ".join(result.stdout.split(option, 2)[-1].split())  # the option's help, wrapped lines joined
    assert "(default: " in described.split(" --", 1)[0]


def test_training_without_a_command_still_trains(tmp_path: Path) -> None:
    result = run_module(tmp_path, "training", "--extra-data", "missing.jsonl")

    assert result.returncode == 2
    assert "--extra-data missing.jsonl does not exist" in result.stderr


def test_assistant_cli_reads_model_path_from_the_environment_and_env_file(
    tmp_path: Path, tiny_checkpoint: Path
) -> None:
    missing = run_module(tmp_path, "assistant", "what element is diluc", MODEL_PATH=str(tmp_path / "elsewhere.pt"))
    assert missing.returncode == 2 and "elsewhere.pt" in missing.stderr

    (tmp_path / ".env").write_text(f"MODEL_PATH={tiny_checkpoint}\n", encoding="utf-8")
    answered = run_module(tmp_path, "assistant", "what element is diluc")
    assert answered.returncode == 0, answered.stderr
    assert answered.stdout.strip()
