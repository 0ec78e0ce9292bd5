"""Slash command sync across restarts, through the fake Discord: the scope follows DEV_GUILD_ID and
a guild the commands moved away from is left without copies."""

from __future__ import annotations

import json
from dataclasses import replace

from fakediscord import FakeDiscord

from assistant.worker import InferenceWorker
from bot.app import create_bot
from bot.config import Config
from bot.db import ConversationLog

pytest_plugins = ["fakediscord.fixtures", "bot_fixtures"]


async def start_and_stop(fake: FakeDiscord, config: Config, worker: InferenceWorker, log: ConversationLog) -> None:
    async with fake.running(create_bot(config, worker, log), until="connected"):
        pass


def command_names(commands: dict[str, dict[str, object]]) -> set[object]:
    return {command["name"] for command in commands.values()}


async def test_leaving_the_dev_guild_removes_its_copies_once(
    fake_discord: FakeDiscord, config: Config, worker: InferenceWorker, conversation_log: ConversationLog
) -> None:
    await start_and_stop(fake_discord, config, worker, conversation_log)
    assert "ask" in command_names(fake_discord.guild_commands) and not fake_discord.global_commands

    await start_and_stop(fake_discord, replace(config, dev_guild_id=None), worker, conversation_log)

    assert "ask" in command_names(fake_discord.global_commands)
    assert fake_discord.guild_commands == {}  # the server shows each command once, the global one
    state = json.loads(config.command_sync_path.read_text(encoding="utf-8"))
    assert list(state) == [f"{fake_discord.application_id}:global"]

    before = len(fake_discord.request_log)
    await start_and_stop(fake_discord, replace(config, dev_guild_id=None), worker, conversation_log)

    assert [r for r in fake_discord.request_log[before:] if r.method == "PUT"] == []


async def test_a_guild_the_bot_left_is_forgotten_without_stopping_the_sync(
    fake_discord: FakeDiscord, config: Config, worker: InferenceWorker, conversation_log: ConversationLog
) -> None:
    gone = f"{fake_discord.application_id}:guild:42"  # a guild the fake Discord answers 403 Missing Access for
    config.command_sync_path.write_text(json.dumps({gone: "0" * 64}), encoding="utf-8")

    await start_and_stop(fake_discord, config, worker, conversation_log)

    assert "ask" in command_names(fake_discord.guild_commands)
    state = json.loads(config.command_sync_path.read_text(encoding="utf-8"))
    assert list(state) == [f"{fake_discord.application_id}:guild:{fake_discord.guild.id}"]
