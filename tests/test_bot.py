"""Katheryne end to end: the real bot (discord.py client, cogs, inference worker with a really trained
tiny model, SQLite log) against the local fake Discord. Each test is one thing a user or moderator
would notice."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from fakediscord import FakeDiscord, InteractionHandle, StoredMessage

from assistant.checkpoint import load_checkpoint, save_checkpoint
from assistant.worker import InferenceWorker
from bot.app import KatheryneBot, create_bot
from bot.config import Config
from bot.db import ConversationLog

pytest_plugins = ["fakediscord.fixtures", "bot_fixtures"]

EPHEMERAL = 64
FOOTER = re.compile(r"^data \S+ · model (?P<version>\S+) · (?P<latency>\d+) ms$")
VOTE_ID = re.compile(r"^katheryne:vote:(?P<conversation>\d+):(?P<vote>up|down)$")


def start_worker(checkpoint: Path, **options: float) -> InferenceWorker:
    worker = InferenceWorker(checkpoint, device="cpu", **options)  # type: ignore[arg-type]
    worker.start()
    return worker


@asynccontextmanager
async def running_katheryne(
    fake: FakeDiscord, config: Config, worker: InferenceWorker, conversation_log: ConversationLog
) -> AsyncIterator[KatheryneBot]:
    bot = create_bot(config, worker, conversation_log)
    async with fake.running(bot, until="connected"):
        yield bot


async def ask(fake: FakeDiscord, question: str, **who: object) -> tuple[InteractionHandle, StoredMessage]:
    handle = await fake.slash("ask", {"question": question}, **who)  # type: ignore[arg-type]
    return handle, await handle.original(timeout=20)


def conversation_id_of(message: StoredMessage) -> int:
    match = VOTE_ID.match(message.custom_ids[0])
    assert match is not None, message.custom_ids
    return int(match["conversation"])


def refused(fake: FakeDiscord) -> list[str]:
    return [f"{r.method} {r.path} -> {r.status} {r.response}" for r in fake.request_log if r.status >= 400]


async def test_ask_answers_with_an_embed_and_logs_the_exchange(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, conversation_log: ConversationLog, worker: InferenceWorker
) -> None:
    handle, answer = await ask(fake_discord, "what element is hu tao")

    assert not answer.ephemeral
    assert "Pyro" in answer.embed["description"]
    assert answer.embed["fields"] == [{"name": "Question", "value": "what element is hu tao", "inline": False}]
    footer = FOOTER.match(answer.embed["footer"]["text"])
    assert footer is not None and footer["version"] == worker.model_version
    conversation = await conversation_log.get_conversation(conversation_id_of(answer))
    assert conversation is not None
    assert (conversation.question, conversation.user_id) == ("what element is hu tao", fake_discord.user.id)
    assert conversation.answer in answer.embed["description"].replace("\\", "")
    assert conversation.model_version == worker.model_version
    assert conversation.channel_id == fake_discord.channel.id and conversation.guild_id == fake_discord.guild.id
    assert refused(fake_discord) == []


async def test_ask_defers_within_the_deadline_then_edits_in_the_answer(
    fake_discord: FakeDiscord, katheryne: KatheryneBot
) -> None:
    handle, answer = await ask(fake_discord, "what element is xingqiu")

    callback = handle.callback
    assert callback is not None and callback.type == 5 and callback.accepted
    assert handle.response_delay < 3.0
    assert answer.history[0]["flags"] & 128  # it showed "thinking…" until the answer was edited in
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in handle.requests()] == [
        ("POST", "callback"),
        ("PATCH", "@original"),
    ]


async def test_ask_syncs_its_commands_to_the_dev_guild(fake_discord: FakeDiscord, katheryne: KatheryneBot) -> None:
    (put,) = fake_discord.requests("PUT", "/applications/*/commands")
    assert put.path == f"/applications/{fake_discord.application_id}/guilds/{fake_discord.guild.id}/commands"
    ask_command = next(c for c in put.json if c["name"] == "ask")
    assert [(o["name"], o["type"], o.get("required")) for o in ask_command["options"]] == [
        ("question", 3, True),
        ("private", 5, False),
    ]


async def test_ask_never_pings_anyone(fake_discord: FakeDiscord, katheryne: KatheryneBot) -> None:
    role = fake_discord.create_role("Mods", mentionable=True)
    other = fake_discord.create_user("lumine")
    question = f"@everyone @here {role.mention} {other.mention} what element is hu tao"

    _, answer = await ask(fake_discord, question)

    bodies = fake_discord.message_bodies()
    assert bodies and all(body.get("allowed_mentions") == {"parse": []} for _, body in bodies)
    assert fake_discord.pings() == []
    shown = answer.embed["fields"][0]["value"]
    assert "@everyone" not in shown and "@here" not in shown and f"<@{other.id}>" not in shown


async def test_markdown_in_a_question_cannot_break_the_embed(
    fake_discord: FakeDiscord, katheryne: KatheryneBot
) -> None:
    _, answer = await ask(fake_discord, "what element is **hu tao** `x` ||y|| ```z")

    shown = answer.embed["fields"][0]["value"]
    assert "\\*\\*hu tao\\*\\*" in shown and "\\`x\\`" in shown and "\\|\\|y\\|\\|" in shown
    assert refused(fake_discord) == []


async def test_a_question_of_pure_markdown_still_fits_discords_limits(
    fake_discord: FakeDiscord, config: Config, worker: InferenceWorker, conversation_log: ConversationLog
) -> None:
    # Escaping doubles every character: 1000 asterisks would be a 2000-character field (limit 1024).
    config = replace(config, max_question_length=1000)
    async with running_katheryne(fake_discord, config, worker, conversation_log):
        _, answer = await ask(fake_discord, "*" * 1000)
    assert len(answer.embed["fields"][0]["value"]) <= 1024
    assert refused(fake_discord) == []


async def test_too_long_question_is_refused_privately_without_generating(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, conversation_log: ConversationLog, worker: InferenceWorker
) -> None:
    handle = await fake_discord.slash("ask", {"question": "a" * 501})
    callback = await handle.wait_for_response()
    refusal = await handle.original()

    assert callback.type == 4 and callback.ephemeral
    assert refusal.flags & EPHEMERAL and "the limit is 500" in refusal.embed["description"]
    assert worker.generate_calls == 0
    assert await conversation_log.count_conversations() == 0


async def test_cooldown_refusal_is_private(
    fake_discord: FakeDiscord, config: Config, worker: InferenceWorker, conversation_log: ConversationLog
) -> None:
    async with running_katheryne(fake_discord, replace(config, ask_cooldown_seconds=60), worker, conversation_log):
        await ask(fake_discord, "what element is diluc")
        handle = await fake_discord.slash("ask", {"question": "what element is ayaka"})
        callback = await handle.wait_for_response()
        refusal = await handle.original()
        other_user = await ask(fake_discord, "what element is ayaka", user=fake_discord.create_user("lumine"))

    assert callback.type == 4 and callback.ephemeral
    assert "a little fast" in refusal.embed["description"]
    assert not other_user[1].ephemeral  # the cooldown is per user
    assert await conversation_log.count_conversations() == 2


async def test_feedback_buttons_record_and_change_votes(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, conversation_log: ConversationLog
) -> None:
    _, answer = await ask(fake_discord, "what element is ayaka")
    conversation_id = conversation_id_of(answer)
    up, down = (f"katheryne:vote:{conversation_id}:{vote}" for vote in ("up", "down"))
    assert answer.custom_ids == [up, down, f"katheryne:correct:{conversation_id}"]

    first = await fake_discord.click(answer, up)
    thanks = await first.original()
    assert thanks.ephemeral and "Thanks" in thanks.content
    second = await fake_discord.click(answer, down)
    await second.original()
    await (await fake_discord.click(answer, up, user=fake_discord.create_user("lumine"))).original()

    conversation = await conversation_log.get_conversation(conversation_id)
    assert conversation is not None and (conversation.votes.up, conversation.votes.down) == (1, 1)


async def test_feedback_buttons_still_work_after_a_restart(
    fake_discord: FakeDiscord, config: Config, tiny_checkpoint: Path
) -> None:
    worker = start_worker(tiny_checkpoint)
    try:
        async with (
            await ConversationLog.open(config.database_path) as log,
            running_katheryne(fake_discord, config, worker, log),
        ):
            _, answer = await ask(fake_discord, "what element is diluc")
    finally:
        worker.stop()

    worker = start_worker(tiny_checkpoint)
    try:
        async with await ConversationLog.open(config.database_path) as log:
            async with running_katheryne(fake_discord, config, worker, log):
                click = await fake_discord.click(answer, answer.custom_ids[0])
                thanks = await click.original()
            conversation = await log.get_conversation(conversation_id_of(answer))
    finally:
        worker.stop()

    assert thanks.ephemeral and "Thanks" in thanks.content
    assert conversation is not None and conversation.votes.up == 1
    # The second start found the same commands already synced and did not upload them again.
    assert len(fake_discord.requests("PUT", "/applications/*/commands")) == 1


async def test_concurrent_asks_are_batched(
    fake_discord: FakeDiscord, config: Config, tiny_checkpoint: Path, conversation_log: ConversationLog
) -> None:
    worker = start_worker(tiny_checkpoint, max_batch_size=16, max_wait_ms=20)
    askers = [fake_discord.create_user(f"traveler{i}") for i in range(12)]
    try:
        async with running_katheryne(fake_discord, config, worker, conversation_log):
            handles = [
                await fake_discord.slash("ask", {"question": "what element is hu tao"}, user=user) for user in askers
            ]
            answers = await asyncio.gather(*(h.original(timeout=30) for h in handles))
    finally:
        worker.stop()

    assert all("Pyro" in a.embed["description"] for a in answers)
    assert all(h.response_delay < 3.0 for h in handles)
    assert worker.generate_calls < len(askers)
    assert await conversation_log.count_conversations() == len(askers)


async def test_hot_swap_under_traffic_fails_no_request(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, worker: InferenceWorker, tiny_checkpoint: Path, tmp_path: Path
) -> None:
    loaded = load_checkpoint(tiny_checkpoint)
    meta = loaded.meta
    save_checkpoint(
        tmp_path / "next.pt",
        loaded.model,
        loaded.vocab,
        epoch=meta.get("epoch", 0),
        loss=meta.get("loss", 0.0),
        config=meta.get("config", {}),
        metrics=meta.get("metrics", {}),
        data_hash=meta.get("data_hash", ""),
    )
    old_version = worker.model_version
    askers = [fake_discord.create_user(f"traveler{i}") for i in range(4)]

    async def wave() -> list[StoredMessage]:
        handles = [await fake_discord.slash("ask", {"question": "what element is xingqiu"}, user=u) for u in askers]
        return list(await asyncio.gather(*(h.original(timeout=30) for h in handles)))

    swap = asyncio.create_task(worker.swap(tmp_path / "next.pt"))
    answers = await wave()
    while not swap.done():
        answers += await wave()
    new_version = await swap
    after = await wave()

    versions = {FOOTER.match(a.embed["footer"]["text"])["version"] for a in answers}  # type: ignore[index]
    assert versions <= {old_version, new_version} and new_version != old_version
    assert {FOOTER.match(a.embed["footer"]["text"])["version"] for a in after} == {new_version}  # type: ignore[index]
    assert all(not a.ephemeral and "Hydro" in a.embed["description"] for a in answers + after)
    assert refused(fake_discord) == []


async def test_when_the_model_is_down_the_user_is_told_privately(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, worker: InferenceWorker, conversation_log: ConversationLog
) -> None:
    worker.stop()
    handle = await fake_discord.slash("ask", {"question": "what element is hu tao"})
    (note,) = await handle.followups(1)

    assert note.ephemeral and "restarting" in note.embed["description"]
    original = fake_discord.messages[handle.record.original_id]  # type: ignore[index]
    assert original.deleted  # the public "thinking…" placeholder does not linger
    assert await conversation_log.count_conversations() == 0
