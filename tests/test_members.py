"""What members meet wherever they are: autocomplete, private answers, DMs and user installs, the message
menu, /help and answer embeds, through the real discord.py client against the fake Discord."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import discord
import pytest
from fakediscord import FakeChannel, FakeDiscord, FakeUser, InteractionHandle, StoredMessage

from assistant.knowledge import load_knowledge
from assistant.worker import Answer, InferenceWorker
from bot.app import KatheryneBot, create_bot
from bot.config import Config
from bot.db import ConversationLog
from bot.embeds import ELEMENT_COLOURS, answer_embed, answer_subject

pytest_plugins = ["fakediscord.fixtures", "bot_fixtures"]

MEMBER_COMMANDS = {(1, "ask"), (1, "forget"), (1, "help"), (3, "Ask Katheryne")}
EVERYWHERE = [0, 1, 2]  # guild, bot DM, private channel
BOTH_INSTALLS = [0, 1]  # guild install, user install


@pytest.fixture
def config(tmp_path: Path, tiny_checkpoint: Path) -> Config:
    # No DEV_GUILD_ID: commands sync globally, the only scope Discord offers in DMs and to user installs.
    return Config(
        database_path=tmp_path / "katheryne.db", model_path=tiny_checkpoint, device="cpu", ask_cooldown_seconds=0
    )


@pytest.fixture
def wanderer(fake_discord: FakeDiscord) -> FakeUser:
    """A member of no server Katheryne is in, who added her to their own account."""
    return fake_discord.create_user("wanderer", member=False)


@pytest.fixture
def dm(fake_discord: FakeDiscord, wanderer: FakeUser) -> FakeChannel:
    return fake_discord.dm_channel(wanderer)


def conversation_id_of(message: StoredMessage) -> int:
    return int(message.custom_ids[0].split(":")[2])


def button(message: StoredMessage, label: str) -> str:
    return next(c["custom_id"] for c in message.interactive_components() if c.get("label") == label)


async def answered(handle: InteractionHandle) -> StoredMessage:
    return await handle.original(timeout=20)


async def test_member_commands_install_everywhere_and_moderator_commands_stay_in_servers(
    fake_discord: FakeDiscord, katheryne: KatheryneBot
) -> None:
    synced = {(c["type"], c["name"]): c for c in fake_discord.global_commands.values()}

    assert set(synced) >= MEMBER_COMMANDS
    for key in MEMBER_COMMANDS:
        assert (synced[key]["contexts"], synced[key]["integration_types"]) == (EVERYWHERE, BOTH_INSTALLS), key
    moderator = [c for c in synced.values() if c["default_member_permissions"] is not None]
    assert {c["name"] for c in moderator} >= {"retrain", "retrain-cancel", "model-rollback"}
    assert all((c["contexts"], c["integration_types"]) == ([0], [0]) for c in moderator)


async def test_moderator_commands_are_not_offered_in_dms(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, wanderer: FakeUser, dm: FakeChannel
) -> None:
    with pytest.raises(LookupError):
        await fake_discord.slash("retrain", user=wanderer, channel=dm, install="user")
    with pytest.raises(LookupError):
        await fake_discord.slash("retrain", install="user")  # a server's channel, the member's own install


async def test_autocomplete_completes_a_misspelt_name_keeping_the_question(
    fake_discord: FakeDiscord, katheryne: KatheryneBot
) -> None:
    handle = await fake_discord.slash("ask", {"question": "what element is frina"}, focused="question")
    callback = await handle.wait_for_response()

    assert callback.type == 8 and callback.accepted
    choices = callback.data["choices"]  # type: ignore[index]
    assert {"name": "what element is Furina", "value": "what element is Furina"} in choices
    assert all(c["value"].startswith("what element is ") for c in choices)


async def test_autocomplete_offers_nothing_for_text_that_names_nothing(
    fake_discord: FakeDiscord, katheryne: KatheryneBot
) -> None:
    handle = await fake_discord.slash("ask", {"question": "hello there"}, focused="question")
    callback = await handle.wait_for_response()

    assert callback.type == 8 and callback.accepted and callback.data == {"choices": []}


async def test_private_answer_is_ephemeral_logged_and_votable_by_its_asker(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, conversation_log: ConversationLog
) -> None:
    handle = await fake_discord.slash("ask", {"question": "what element is hu tao", "private": True})
    answer = await answered(handle)

    assert handle.callback is not None and handle.callback.ephemeral  # private from "thinking…" on
    assert answer.ephemeral and "Pyro" in answer.embed["description"]
    conversation_id = conversation_id_of(answer)
    vote = await fake_discord.click(answer, f"katheryne:vote:{conversation_id}:up")
    assert "Thanks" in (await vote.original()).content
    with pytest.raises(LookupError):  # nobody else sees it, so nobody else can click it
        await fake_discord.click(
            answer, f"katheryne:vote:{conversation_id}:down", user=fake_discord.create_user("lumine")
        )
    conversation = await conversation_log.get_conversation(conversation_id)
    assert conversation is not None and conversation.user_id == fake_discord.user.id
    assert conversation.votes.up == 1


async def test_ask_in_a_dm_is_logged_without_a_guild_and_keeps_the_cooldown(
    fake_discord: FakeDiscord,
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    wanderer: FakeUser,
    dm: FakeChannel,
) -> None:
    bot = create_bot(replace(config, ask_cooldown_seconds=60), worker, conversation_log)
    async with fake_discord.running(bot, until="connected"):
        first = await answered(
            await fake_discord.slash(
                "ask", {"question": "what element is diluc"}, user=wanderer, channel=dm, install="user"
            )
        )
        again = await fake_discord.slash(
            "ask", {"question": "what element is ayaka"}, user=wanderer, channel=dm, install="user"
        )
        refusal = await again.original()

    assert not first.ephemeral and "Pyro" in first.embed["description"]
    conversation = await conversation_log.get_conversation(conversation_id_of(first))
    assert conversation is not None
    assert (conversation.guild_id, conversation.channel_id, conversation.user_id) == (None, dm.id, wanderer.id)
    assert refusal.ephemeral and "a little fast" in refusal.embed["description"]
    assert await conversation_log.count_conversations() == 1


async def test_forget_works_in_a_dm(
    fake_discord: FakeDiscord,
    katheryne: KatheryneBot,
    conversation_log: ConversationLog,
    wanderer: FakeUser,
    dm: FakeChannel,
) -> None:
    await answered(
        await fake_discord.slash(
            "ask", {"question": "what element is diluc"}, user=wanderer, channel=dm, install="user"
        )
    )
    await answered(await fake_discord.slash("ask", {"question": "what element is diluc"}))

    confirm = await (await fake_discord.slash("forget", user=wanderer, channel=dm, install="user")).original()
    done = await fake_discord.click(confirm, button(confirm, "Delete my data"), user=wanderer)
    await done.wait_for_response()

    assert "deleted 1 of your conversations" in fake_discord.messages[confirm.id].content
    assert await conversation_log.count_conversations() == 1  # the other member's stays


async def test_message_menu_answers_the_messages_text(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, conversation_log: ConversationLog
) -> None:
    asker = fake_discord.create_user("lumine")
    message = await fake_discord.post("what element is xingqiu")

    answer = await answered(await fake_discord.message_command("Ask Katheryne", message, user=asker))

    assert not answer.ephemeral and "Hydro" in answer.embed["description"]
    assert answer.embed["fields"][0]["value"] == "what element is xingqiu"
    conversation = await conversation_log.get_conversation(conversation_id_of(answer))
    assert conversation is not None and conversation.user_id == asker.id


async def test_message_menu_on_a_message_without_text_says_so_privately(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, conversation_log: ConversationLog, worker: InferenceWorker
) -> None:
    message = await fake_discord.post("", embeds=[{"title": "A link preview"}])

    handle = await fake_discord.message_command("Ask Katheryne", message)
    refusal = await handle.original()

    assert refusal.ephemeral and "no text" in refusal.embed["description"]
    assert worker.generate_calls == 0 and await conversation_log.count_conversations() == 0


async def test_help_shows_the_data_version_and_counts_and_only_moderators_see_their_commands(
    fake_discord: FakeDiscord, katheryne: KatheryneBot
) -> None:
    knowledge = load_knowledge()
    member = await (await fake_discord.slash("help")).original()
    moderator = await (
        await fake_discord.slash("help", member_permissions=discord.Permissions(manage_guild=True))
    ).original()

    assert member.ephemeral and moderator.ephemeral
    shown = str(member.embed)
    assert f"Game version {knowledge.version.game_version}" in shown
    assert knowledge.version.package_version in shown
    for count, what in (
        (len(knowledge.characters), "characters"),
        (len(knowledge.weapons), "weapons"),
        (len(knowledge.artifact_sets), "artifact sets"),
    ):
        assert f"{count} {what}" in shown
    assert "/forget" in shown and "/retrain" not in str(member.embeds)
    assert "/retrain" in moderator.embeds[-1]["description"]
    assert "/ask" not in moderator.embeds[-1]["description"]


async def test_help_works_in_a_dm(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, wanderer: FakeUser, dm: FakeChannel
) -> None:
    shown = await (await fake_discord.slash("help", user=wanderer, channel=dm, install="user")).original()

    assert shown.ephemeral and len(shown.embeds) == 1


async def test_an_answer_read_from_furinas_facts_wears_hydro_and_her_icon_end_to_end(
    fake_discord: FakeDiscord, katheryne: KatheryneBot
) -> None:
    furina = load_knowledge().character("furina")
    assert furina is not None

    answer = await answered(await fake_discord.slash("ask", {"question": "what element is furina"}))

    assert answer.embed["description"] == "Furina is a Hydro character."
    assert answer.embed["color"] == ELEMENT_COLOURS["Hydro"].value
    assert answer.embed["thumbnail"]["url"] == furina.icon_url


def test_answer_about_furina_wears_hydro_and_her_icon() -> None:
    knowledge = load_knowledge()
    furina = knowledge.character("furina")
    assert furina is not None and furina.icon_url
    answer = Answer("Furina's element is Hydro.", "m1", 12.0, entities=("character:furina",))

    embed = answer_embed(
        "what element is furina",
        answer,
        subject=answer_subject(knowledge, answer.entities),
        data_version=knowledge.version.game_version,
    ).to_dict()

    assert embed["color"] == ELEMENT_COLOURS["Hydro"].value
    assert embed["thumbnail"]["url"] == furina.icon_url
    assert embed["footer"]["text"] == f"data {knowledge.version.game_version} · model m1 · 12 ms"
    assert embed["description"] == "Furina's element is Hydro."  # readable without the picture


def test_an_answer_about_nothing_known_keeps_the_plain_look() -> None:
    knowledge = load_knowledge()
    answer = Answer("Sorry, I don't have information about that.", "m1", 3.0, entities=("character:nobody",))

    embed = answer_embed(
        "who is nobody", answer, subject=answer_subject(knowledge, answer.entities), data_version="6.7"
    ).to_dict()

    assert "thumbnail" not in embed and embed["color"] not in {c.value for c in ELEMENT_COLOURS.values()}
