"""A moderator's correction form outlives the process that opened it: the real bot against the fake
Discord, restarted (a new client on the same conversation log) while the form is open."""

from __future__ import annotations

import discord
import pytest
from fakediscord import FakeDiscord, FakeUser, InteractionHandle, StoredMessage

from assistant.worker import InferenceWorker
from bot.app import create_bot
from bot.config import Config
from bot.db import ConversationLog

pytest_plugins = ["fakediscord.fixtures", "bot_fixtures"]

MANAGE_GUILD = discord.Permissions(manage_guild=True).value
CORRECTED = "✏️ Corrected by a moderator"


@pytest.fixture
def staff(fake_discord: FakeDiscord) -> list[FakeUser]:
    role = fake_discord.create_role("Server Staff", permissions=MANAGE_GUILD)
    return [fake_discord.create_user(name, roles=[role]) for name in ("moderator", "second_moderator")]


def conversation_id_of(answer: StoredMessage) -> int:
    return int(answer.custom_ids[0].split(":")[2])


async def open_form(fake: FakeDiscord, answer: StoredMessage, user: FakeUser) -> InteractionHandle:
    opened = await fake.click(answer, f"katheryne:correct:{conversation_id_of(answer)}", user=user)
    assert (await opened.wait_for_response()).type == 9  # the form
    return opened


async def private_reply(fake: FakeDiscord, handle: InteractionHandle) -> str:
    def reply() -> StoredMessage | None:
        messages = [m for m in handle.messages if m.ephemeral and not m.loading]
        return messages[-1] if messages else None

    message = await fake.changes.wait_for(reply, 10, f"a private reply to interaction {handle.id}")
    return " ".join([message.content, *(embed.get("description") or "" for embed in message.embeds)])


def shown_correction(answer: StoredMessage) -> str | None:
    return next((field["value"] for field in answer.embed["fields"] if field["name"] == CORRECTED), None)


async def test_a_correction_typed_across_a_restart_is_saved_and_shown(
    fake_discord: FakeDiscord,
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    staff: list[FakeUser],
) -> None:
    moderator = staff[0]
    async with fake_discord.running(create_bot(config, worker, conversation_log), until="connected"):
        handle = await fake_discord.slash("ask", {"question": "what element is hu tao"})
        answer = await handle.original(timeout=20)
        opened = await open_form(fake_discord, answer, moderator)

    async with fake_discord.running(create_bot(config, worker, conversation_log), until="connected"):
        submitted = await fake_discord.submit_modal(opened, {"answer": "Hu Tao is a Pyro polearm user."})

        assert "Correction saved" in await private_reply(fake_discord, submitted)
    conversation = await conversation_log.get_conversation(conversation_id_of(answer))
    assert conversation is not None and conversation.corrected_answer == "Hu Tao is a Pyro polearm user."
    assert shown_correction(answer) == "Hu Tao is a Pyro polearm user."


async def test_two_moderators_correcting_one_answer_are_both_heard(
    fake_discord: FakeDiscord,
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    staff: list[FakeUser],
) -> None:
    async with fake_discord.running(create_bot(config, worker, conversation_log), until="connected"):
        handle = await fake_discord.slash("ask", {"question": "what element is diluc"})
        answer = await handle.original(timeout=20)
        first, second = [await open_form(fake_discord, answer, user) for user in staff]

        saved_first = await fake_discord.submit_modal(first, {"answer": "Diluc is Pyro."})
        assert "Correction saved" in await private_reply(fake_discord, saved_first)
        saved_second = await fake_discord.submit_modal(second, {"answer": "Diluc's element is Pyro."})
        assert "Correction saved" in await private_reply(fake_discord, saved_second)

    conversation = await conversation_log.get_conversation(conversation_id_of(answer))
    assert conversation is not None and conversation.corrected_answer == "Diluc's element is Pyro."
    assert shown_correction(answer) == "Diluc's element is Pyro."


async def test_a_member_who_lost_moderator_rights_cannot_submit_an_open_form(
    fake_discord: FakeDiscord,
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    staff: list[FakeUser],
) -> None:
    moderator = staff[0]
    async with fake_discord.running(create_bot(config, worker, conversation_log), until="connected"):
        handle = await fake_discord.slash("ask", {"question": "what element is ayaka"})
        answer = await handle.original(timeout=20)
        opened = await open_form(fake_discord, answer, moderator)

    fake_discord.set_roles(moderator, [])
    async with fake_discord.running(create_bot(config, worker, conversation_log), until="connected"):
        submitted = await fake_discord.submit_modal(opened, {"answer": "Ayaka is Hydro."})

        assert "Only Katheryne's moderators" in await private_reply(fake_discord, submitted)
    conversation = await conversation_log.get_conversation(conversation_id_of(answer))
    assert conversation is not None and conversation.corrected_answer is None
    assert shown_correction(answer) is None
