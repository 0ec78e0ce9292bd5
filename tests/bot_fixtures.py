"""Fixtures shared by the Discord-level tests: the usual `config` (the tiny model, commands in the
fake server as a development guild, no cooldown), and the worker, conversation log and running bot
built from whichever `config` a module uses (a module overrides `config` to test other settings).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from fakediscord import FakeDiscord

from assistant.worker import InferenceWorker
from bot.app import KatheryneBot, create_bot
from bot.config import Config
from bot.db import ConversationLog


@pytest.fixture
def config(fake_discord: FakeDiscord, tmp_path: Path, tiny_checkpoint: Path) -> Config:
    return Config(
        database_path=tmp_path / "katheryne.db",
        model_path=tiny_checkpoint,
        device="cpu",
        dev_guild_id=fake_discord.guild.id,
        ask_cooldown_seconds=0,
    )


@pytest.fixture
def worker(config: Config) -> Iterator[InferenceWorker]:
    worker = InferenceWorker(config.model_path, device="cpu")
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
async def conversation_log(config: Config) -> AsyncIterator[ConversationLog]:
    async with await ConversationLog.open(config.database_path) as log:
        yield log


@pytest.fixture
async def katheryne(
    fake_discord: FakeDiscord, config: Config, worker: InferenceWorker, conversation_log: ConversationLog
) -> AsyncIterator[KatheryneBot]:
    bot = create_bot(config, worker, conversation_log)
    async with fake_discord.running(bot, until="connected"):
        yield bot
