"""Moderators teach nicknames with /alias: the real bot (cogs, inference worker on the tiny model with the
real entity linker, SQLite) against the fake Discord. An alias links at once, for every question."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import discord
import pytest
from fakediscord import FakeDiscord, FakeUser, InteractionHandle

from assistant.worker import InferenceWorker
from bot.__main__ import main
from bot.aliases import AliasStore
from bot.app import KatheryneBot, create_bot
from bot.config import Config
from bot.db import ConversationLog

pytest_plugins = ["fakediscord.fixtures", "bot_fixtures"]

MANAGE_GUILD = discord.Permissions(manage_guild=True).value
REFUSAL = "Only Katheryne's moderators"


@pytest.fixture
def moderator(fake_discord: FakeDiscord) -> FakeUser:
    return fake_discord.create_user("mod")


async def alias(
    fake: FakeDiscord, sub: str, options: dict | None = None, *, user: FakeUser, moderator: bool = True
) -> str:
    """Run ``/alias sub`` and return the private reply's text (content or embed)."""
    handle = await fake.slash(
        f"alias {sub}", options or {}, user=user, member_permissions=MANAGE_GUILD if moderator else 0
    )
    return await private_reply(fake, handle)


async def private_reply(fake: FakeDiscord, handle: InteractionHandle) -> str:
    callback = await handle.wait_for_response()
    assert callback.ephemeral, callback
    message = await handle.original(timeout=10)
    parts = [message.content or ""] + [e.get("description") or "" for e in message.embeds]
    return "\n".join(parts)


def linked(worker: InferenceWorker, question: str) -> list[str]:
    return [mention.entity.key for mention in worker.linker.link(question)]


async def test_a_nickname_links_at_once_and_is_forgotten_when_removed(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, worker: InferenceWorker, moderator: FakeUser
) -> None:
    assert linked(worker, "what element is lumi") == []

    reply = await alias(fake_discord, "add", {"nickname": "Lumi", "entity": "character:lumine"}, user=moderator)
    assert "“lumi” now means Lumine (character)" in reply
    assert linked(worker, "what element is LUMI") == ["character:lumine"]
    assert [m.entity.key for m in katheryne.linker.link("lumi")] == ["character:lumine"]  # /ask's autocomplete
    answer = await worker.ask("what element is lumi")  # the worker's own linker, the one questions go through
    assert answer.text

    listed = await alias(fake_discord, "list", user=moderator)
    assert "**lumi** → Lumine (character)" in listed and f"<@{moderator.id}>" in listed

    reply = await alias(fake_discord, "remove", {"nickname": " lumi "}, user=moderator)
    assert "Forgot “lumi”" in reply
    assert linked(worker, "what element is lumi") == []
    assert "No nicknames yet" in await alias(fake_discord, "list", user=moderator)


async def test_the_entity_option_autocompletes_through_the_linker(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, moderator: FakeUser
) -> None:
    handle = await fake_discord.slash(
        "alias add",
        {"nickname": "lumi", "entity": "lumin"},
        focused="entity",
        user=moderator,
        member_permissions=MANAGE_GUILD,
    )
    callback = await handle.wait_for_response()
    assert callback.type == 8
    assert {"name": "Lumine (character)", "value": "character:lumine"} in callback.data["choices"]  # type: ignore[index]


async def test_a_typed_name_works_as_well_as_a_suggestion(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, worker: InferenceWorker, moderator: FakeUser
) -> None:
    reply = await alias(fake_discord, "add", {"nickname": "the archon of water", "entity": "furina"}, user=moderator)
    assert "now means Furina (character)" in reply
    assert linked(worker, "who is the archon of water") == ["character:furina"]


async def test_a_nickname_that_is_already_a_name_is_refused_with_the_reason(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, worker: InferenceWorker, moderator: FakeUser
) -> None:
    reply = await alias(fake_discord, "add", {"nickname": "Focalors", "entity": "character:lumine"}, user=moderator)
    assert "“focalors” already means Furina (character)" in reply
    assert linked(worker, "what element is focalors") == ["character:furina"]
    assert await katheryne.aliases.all() == []

    unknown = await alias(fake_discord, "add", {"nickname": "zz", "entity": "Blorpington"}, user=moderator)
    assert "I don't know “Blorpington”" in unknown


async def test_a_taken_nickname_is_not_silently_repointed(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, worker: InferenceWorker, moderator: FakeUser
) -> None:
    await alias(fake_discord, "add", {"nickname": "lumi", "entity": "character:lumine"}, user=moderator)
    reply = await alias(fake_discord, "add", {"nickname": "lumi", "entity": "character:furina"}, user=moderator)
    assert "already a nickname for Lumine (character)" in reply
    assert linked(worker, "what element is lumi") == ["character:lumine"]


async def test_members_cannot_add_aliases_even_when_the_server_shows_them_the_command(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, worker: InferenceWorker
) -> None:
    (put,) = fake_discord.requests("PUT", "/applications/*/commands")
    command = next(c for c in put.json if c["name"] == "alias")
    assert int(command["default_member_permissions"]) == MANAGE_GUILD and command["contexts"] == [0]

    # A server admin may list members under Integrations; Discord then sends their call through.
    member = fake_discord.create_user("member")
    for sub, options in (
        ("add", {"nickname": "lumi", "entity": "character:lumine"}),
        ("list", {}),
        ("remove", {"nickname": "lumi"}),
    ):
        assert REFUSAL in await alias(fake_discord, sub, options, user=member, moderator=False)
    assert await katheryne.aliases.all() == []
    assert linked(worker, "what element is lumi") == []


async def test_aliases_survive_a_restart_and_are_exported_with_the_training_pairs(
    fake_discord: FakeDiscord,
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    moderator: FakeUser,
    tmp_path: Path,
) -> None:
    bot = create_bot(config, worker, conversation_log)
    async with fake_discord.running(bot, until="connected"):
        await alias(fake_discord, "add", {"nickname": "lumi", "entity": "character:lumine"}, user=moderator)
    worker.set_aliases({})  # as a fresh process starts
    bot = create_bot(config, worker, conversation_log)
    async with fake_discord.running(bot, until="connected"):
        assert linked(worker, "what element is lumi") == ["character:lumine"]

    async with await AliasStore.open(config.database_path) as store:
        (stored,) = await store.all()
    assert (stored.nickname, stored.entity_key, stored.guild_id, stored.added_by) == (
        "lumi",
        "character:lumine",
        fake_discord.guild.id,
        moderator.id,
    )

    out = tmp_path / "export" / "pairs.jsonl"
    argv = ["--env-file", str(tmp_path / "absent.env"), "export-training", "--out", str(out)]
    assert await asyncio.to_thread(main, argv, {"DATABASE_PATH": str(config.database_path)}) == 0
    exported = out.with_name("pairs.aliases.json")
    assert json.loads(exported.read_text(encoding="utf-8")) == {"lumi": "character:lumine"}
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
