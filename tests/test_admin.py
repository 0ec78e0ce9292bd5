"""Moderators teach and retrain Katheryne, users take their data back: the real bot (cogs, inference
worker on a really trained tiny model, SQLite log, training subprocess) against the local fake Discord.

Each retrain here warm-starts the shared tiny model for two epochs on the tiny data set, which takes a
few seconds, most of them the trainer's start-up."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import discord
import pytest
from conftest import write_tiny_data
from fakediscord import FakeDiscord, FakeRole, FakeUser, InteractionHandle, StoredMessage

import bot.status_message
from assistant.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from assistant.worker import InferenceWorker
from bot.app import KatheryneBot, create_bot
from bot.config import Config
from bot.db import ConversationLog
from bot.export import export_training
from bot.model_store import ModelStore
from bot.retrain_records import RetrainSettings

pytest_plugins = ["fakediscord.fixtures", "bot_fixtures"]

MANAGE_GUILD = discord.Permissions(manage_guild=True).value
FOOTER = re.compile(r"^data \S+ · model (?P<version>\S+) · \d+ ms$")
REFUSAL = "Only Katheryne's moderators"
PROGRESS_S = 0.3


@pytest.fixture
def model_path(tmp_path: Path, tiny_checkpoint: Path) -> Path:
    """A private copy of the tiny model (and its loss curve): retrains replace the serving file."""
    models = tmp_path / "models"
    models.mkdir()
    for suffix in (".pt", ".png"):
        shutil.copy(tiny_checkpoint.with_suffix(suffix), models / f"assistant_best{suffix}")
    return models / "assistant_best.pt"


@pytest.fixture
def config(config: Config, tmp_path: Path, model_path: Path) -> Config:
    """The shared test config serving a model the retrain may replace, with tiny training data."""
    return replace(
        config, model_path=model_path, training_data=write_tiny_data(tmp_path / "training_data.json"), retrain_epochs=2
    )


@pytest.fixture
def settings(config: Config) -> RetrainSettings:
    # One thread and no nice: the trainer shares two cores with the bot, the worker and the fake.
    return RetrainSettings(
        training_data=config.training_data,
        default_epochs=2,
        progress_interval_s=PROGRESS_S,
        threads=1,
        niceness=0,
        cancel_grace_s=5.0,
        extra_args=("--batch-size", "4", "--device", "cpu"),
    )


@asynccontextmanager
async def running_katheryne(
    fake: FakeDiscord, config: Config, worker: InferenceWorker, log: ConversationLog, settings: RetrainSettings
) -> AsyncIterator[KatheryneBot]:
    bot = create_bot(config, worker, log, retrain_settings=settings)
    async with fake.running(bot, until="connected"):
        yield bot


@pytest.fixture
async def katheryne(
    fake_discord: FakeDiscord,
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    settings: RetrainSettings,
) -> AsyncIterator[KatheryneBot]:
    async with running_katheryne(fake_discord, config, worker, conversation_log, settings) as bot:
        yield bot


@pytest.fixture
def moderator(fake_discord: FakeDiscord) -> FakeUser:
    staff = fake_discord.create_role("Server Staff", permissions=MANAGE_GUILD)
    return fake_discord.create_user("moderator", roles=[staff])


async def ask(fake: FakeDiscord, question: str, user: FakeUser | None = None) -> StoredMessage:
    handle = await fake.slash("ask", {"question": question}, user=user)
    return await handle.original(timeout=30)


def version_of(answer: StoredMessage) -> str:
    match = FOOTER.match(answer.embed["footer"]["text"])
    assert match is not None, answer.embed
    return match["version"]


def conversation_id_of(answer: StoredMessage) -> int:
    return int(answer.custom_ids[0].split(":")[2])


async def private_reply(fake: FakeDiscord, handle: InteractionHandle) -> str:
    """The text of an ephemeral reply, whether sent as the response or as a follow-up after a defer."""

    def reply() -> StoredMessage | None:
        messages = [m for m in handle.messages if m.ephemeral and not m.loading]
        return messages[-1] if messages else None

    message = await fake.changes.wait_for(reply, 10, f"a private reply to interaction {handle.id}")
    return " ".join([message.content, *(e.get("description") or "" for e in message.embeds)])


async def retrain_outcome(handle: InteractionHandle, timeout: float = 90) -> StoredMessage:
    """The /retrain status message once it shows how the retrain ended."""
    return await handle.wait_for_original(
        lambda m: bool(m.embeds) and "running" not in m.embed.get("title", ""), timeout, "the retrain's outcome"
    )


def refused(fake: FakeDiscord) -> list[str]:
    return [f"{r.method} {r.path} -> {r.status} {r.response}" for r in fake.request_log if r.status >= 400]


async def test_moderator_commands_are_hidden_from_members_without_manage_server(
    fake_discord: FakeDiscord, katheryne: KatheryneBot
) -> None:
    (put,) = fake_discord.requests("PUT", "/applications/*/commands")
    commands = {c["name"]: c for c in put.json}

    for name in ("retrain", "retrain-status", "retrain-cancel", "model-rollback"):
        assert int(commands[name]["default_member_permissions"]) == MANAGE_GUILD, name
        assert commands[name]["contexts"] == [0], name  # guild only
    for name in ("model", "forget", "ask"):
        assert commands[name].get("default_member_permissions") is None, name


async def test_a_member_without_moderator_rights_cannot_retrain_and_nothing_starts(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, conversation_log: ConversationLog, model_path: Path
) -> None:
    handle = await fake_discord.slash("retrain", {"epochs": 2})

    callback = await handle.wait_for_response()
    assert callback.type == 4 and callback.ephemeral
    assert REFUSAL in await private_reply(fake_discord, handle)
    assert await conversation_log.latest_retrain() is None
    assert katheryne.retrain.status() is None  # no job was ever created, so no trainer ran
    assert not (model_path.parent / ".retrain").exists()


def make_moderator(fake: FakeDiscord, who: str, helpers: FakeRole) -> FakeUser:
    if who == "manage_server":
        return fake.create_user("manager", roles=[fake.create_role("Staff", permissions=MANAGE_GUILD)])
    if who == "administrator":
        admin = discord.Permissions(administrator=True)
        return fake.create_user("admin", roles=[fake.create_role("Admins", permissions=admin)])
    if who == "admin_role":
        return fake.create_user("helper", roles=[helpers])
    if who == "owner_id":
        return fake.create_user("co_owner")
    return fake.owner_user  # the application's owner, when OWNER_IDS is empty


@pytest.mark.parametrize("who", ["manage_server", "administrator", "admin_role", "owner_id", "app_owner"])
async def test_moderators_are_managers_admin_roles_and_owners(
    fake_discord: FakeDiscord,
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    settings: RetrainSettings,
    who: str,
) -> None:
    helpers = fake_discord.create_role("Helpers")  # no permissions of its own
    user = make_moderator(fake_discord, who, helpers)
    config = replace(
        config,
        admin_role_ids=frozenset({helpers.id}),
        owner_ids=frozenset({user.id}) if who == "owner_id" else frozenset(),
    )

    async with running_katheryne(fake_discord, config, worker, conversation_log, settings):
        allowed = await fake_discord.slash("retrain-status", user=user)
        member = await fake_discord.slash("retrain-status", user=fake_discord.create_user("member"))
        assert "has not been retrained yet" in await private_reply(fake_discord, allowed)
        assert REFUSAL in await private_reply(fake_discord, member)


async def test_retrain_shows_progress_in_one_message_and_swaps_the_model_while_ask_keeps_answering(
    fake_discord: FakeDiscord,
    katheryne: KatheryneBot,
    moderator: FakeUser,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
) -> None:
    old_version = worker.model_version
    confirmed = await ask(fake_discord, "what element is hu tao")
    await conversation_log.record_vote(conversation_id_of(confirmed), user_id=moderator.id, vote=1)
    await ask(fake_discord, "what element is diluc")  # nobody confirmed it, so the retrain leaves it out

    handle = await fake_discord.slash("retrain", {"epochs": 2}, user=moderator)
    callback = await handle.wait_for_response()
    assert callback.type == 5 and not callback.ephemeral and handle.response_delay < 3.0
    again = await fake_discord.slash("retrain", user=moderator)
    assert "already running" in await private_reply(fake_discord, again)

    askers = [fake_discord.create_user(f"traveler{i}") for i in range(3)]
    during: list[StoredMessage] = []
    while katheryne.retrain.current is not None:
        during += await asyncio.gather(*(ask(fake_discord, "what element is xingqiu", u) for u in askers))
        await asyncio.sleep(0.05)  # steady traffic, not a flood that starves the trainer of CPU
    outcome = await retrain_outcome(handle)
    after = await ask(fake_discord, "what element is ayaka")

    # Progress: one public message, edited in place (no follow-ups), bar and epoch shown on the way.
    assert handle.record.followup_ids == [] and not outcome.ephemeral
    shown = [version["embeds"][0] for version in outcome.history[1:] if version["embeds"]]
    assert any("▰" in e["description"] and "epoch" in e["description"] for e in shown)
    edits = [r.at for r in handle.requests() if r.method == "PATCH"]
    assert len(edits) >= 3
    # At most one progress edit per interval (arrival times jitter under load, so bound the rate, not each gap);
    # only the outcome may hurry.
    assert len(edits) - 1 <= (edits[-2] - edits[0]) / PROGRESS_S + 3
    # Outcome: promoted, with the new version and the metrics before and after.
    new_version = worker.model_version
    assert new_version != old_version
    assert "new model serving" in outcome.embed["title"]
    assert f"Now serving model `{new_version}` (was `{old_version}`)" in outcome.embed["description"]
    metrics = next(f["value"] for f in outcome.embed["fields"] if f["name"] == "Test metrics")
    assert "before" in metrics and "after" in metrics and "fact accuracy" in metrics
    data = next(f["value"] for f in outcome.embed["fields"] if f["name"] == "Data")
    assert data.startswith("1 logged pair (0 corrected · 1 upvoted · 0 unconfirmed)")
    # /ask never failed: answers during the retrain came from either model, answers after from the new one.
    assert during and all(not a.ephemeral and "Hydro" in a.embed["description"] for a in during)
    assert {version_of(a) for a in during} <= {old_version, new_version}
    assert version_of(after) == new_version
    record = await conversation_log.latest_retrain()
    assert record is not None and record.outcome == "promoted" and record.requested_by == moderator.id
    assert record.data_size == 1
    status = await fake_discord.slash("retrain-status", user=moderator)
    assert (await status.original()).embed["title"].startswith(f"Last retrain #{record.id}")
    assert refused(fake_discord) == []


async def test_a_killed_training_process_leaves_the_old_model_and_says_why(
    fake_discord: FakeDiscord,
    katheryne: KatheryneBot,
    moderator: FakeUser,
    worker: InferenceWorker,
    model_path: Path,
    conversation_log: ConversationLog,
) -> None:
    old_version, old_bytes = worker.model_version, model_path.read_bytes()

    handle = await fake_discord.slash("retrain", user=moderator)
    pid = await fake_discord.changes.wait_for(
        lambda: katheryne.retrain.current is not None and katheryne.retrain.current.pid, 20, "the trainer to start"
    )
    os.killpg(pid, signal.SIGKILL)
    outcome = await retrain_outcome(handle)

    assert "failed" in outcome.embed["title"]
    assert "killed (SIGKILL)" in outcome.embed["description"]
    assert f"Still serving model `{old_version}`" in outcome.embed["description"]
    assert worker.model_version == old_version and model_path.read_bytes() == old_bytes
    assert version_of(await ask(fake_discord, "what element is diluc")) == old_version
    record = await conversation_log.latest_retrain()
    assert record is not None and record.outcome == "failed"


async def test_the_gate_rejects_a_worse_model(
    fake_discord: FakeDiscord,
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    settings: RetrainSettings,
    moderator: FakeUser,
    model_path: Path,
) -> None:
    old_version, old_bytes = worker.model_version, model_path.read_bytes()
    wrecking = replace(settings, extra_args=(*settings.extra_args, "--lr", "50"))

    async with running_katheryne(fake_discord, config, worker, conversation_log, wrecking):
        handle = await fake_discord.slash("retrain", {"epochs": 1}, user=moderator)
        outcome = await retrain_outcome(handle)

    assert "rejected" in outcome.embed["title"]
    assert f"Still serving model `{old_version}`" in outcome.embed["description"]
    assert "accuracy" in outcome.embed["description"]
    assert worker.model_version == old_version and model_path.read_bytes() == old_bytes
    record = await conversation_log.latest_retrain()
    assert record is not None and record.outcome == "rejected" and record.metrics_after is not None


async def test_cancel_stops_the_retrain_and_the_status_message_says_so_after_the_token_expired(
    fake_discord: FakeDiscord,
    katheryne: KatheryneBot,
    moderator: FakeUser,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As if the interaction token had expired: edits must go through the channel's message endpoint.
    monkeypatch.setattr(bot.status_message, "TOKEN_MARGIN", bot.status_message.timedelta(minutes=16))
    old_version = worker.model_version
    handle = await fake_discord.slash("retrain", user=moderator)
    await fake_discord.changes.wait_for(
        lambda: katheryne.retrain.current is not None and katheryne.retrain.current.pid, 20, "the trainer to start"
    )

    running = await fake_discord.slash("retrain-status", user=moderator)
    assert "running" in (await running.original()).embed["title"]
    cancel = await fake_discord.slash("retrain-cancel", user=moderator)
    assert "is cancelled" in await private_reply(fake_discord, cancel)
    outcome = await retrain_outcome(handle)

    assert "cancelled" in outcome.embed["title"] and "cancelled by Moderator" in outcome.embed["description"]
    assert worker.model_version == old_version
    assert fake_discord.requests("PATCH", f"/channels/{fake_discord.channel.id}/messages/{outcome.id}")
    record = await conversation_log.latest_retrain()
    assert record is not None and record.outcome == "cancelled"
    nothing = await fake_discord.slash("retrain-cancel", user=moderator)
    assert "No retrain is running" in await private_reply(fake_discord, nothing)


async def test_shutting_down_cancels_a_running_retrain_and_says_so(
    fake_discord: FakeDiscord,
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    settings: RetrainSettings,
    moderator: FakeUser,
) -> None:
    async with running_katheryne(fake_discord, config, worker, conversation_log, settings) as katheryne:
        handle = await fake_discord.slash("retrain", user=moderator)
        await fake_discord.changes.wait_for(
            lambda: katheryne.retrain.current is not None and katheryne.retrain.current.pid, 20, "the trainer to start"
        )

    outcome = await retrain_outcome(handle, timeout=1)
    assert "cancelled" in outcome.embed["title"] and "Katheryne was shut down" in outcome.embed["description"]
    record = await conversation_log.latest_retrain()
    assert record is not None and record.outcome == "cancelled"


async def test_rollback_serves_the_previous_model_again(
    fake_discord: FakeDiscord,
    config: Config,
    conversation_log: ConversationLog,
    settings: RetrainSettings,
    moderator: FakeUser,
    model_path: Path,
    tmp_path: Path,
) -> None:
    old_version = read_metadata(model_path)["version"]
    loaded = load_checkpoint(model_path)
    save_checkpoint(
        tmp_path / "candidate.pt", loaded.model, loaded.vocab, epoch=1, loss=0.0, config={}, metrics={}, data_hash=""
    )
    ModelStore(model_path).promote(tmp_path / "candidate.pt")
    worker = InferenceWorker(model_path, device="cpu")
    worker.start()
    try:
        newer_version = worker.model_version
        async with running_katheryne(fake_discord, config, worker, conversation_log, settings):
            handle = await fake_discord.slash("model-rollback", user=moderator)
            said = await handle.original(timeout=20)
            answer = await ask(fake_discord, "what element is hu tao")
            again = await fake_discord.slash("model-rollback", user=moderator)
            nothing_left = await private_reply(fake_discord, again)
            refusal = await private_reply(fake_discord, await fake_discord.slash("model-rollback"))
    finally:
        worker.stop()

    assert newer_version != old_version
    assert f"now serving model `{old_version}` (replacing `{newer_version}`)" in said.content
    assert not said.ephemeral and worker.model_version == old_version and version_of(answer) == old_version
    assert "no previous model" in nothing_left
    assert REFUSAL in refusal


async def test_a_moderators_correction_replaces_the_answer_in_the_training_export(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, moderator: FakeUser, config: Config, tmp_path: Path
) -> None:
    answer = await ask(fake_discord, "what element is hu tao")
    conversation_id = conversation_id_of(answer)
    correct = f"katheryne:correct:{conversation_id}"
    assert correct in answer.custom_ids

    opened = await fake_discord.click(answer, correct, user=moderator)
    modal = await opened.wait_for_response()
    assert modal.type == 9
    prefilled = modal.data["components"][0]["component"]  # type: ignore[index]
    assert "Pyro" in prefilled["value"] and prefilled["max_length"] == 500
    submitted = await fake_discord.submit_modal(opened, {"answer": "Hu Tao is a Pyro polearm user."})
    assert "Correction saved" in await private_reply(fake_discord, submitted)
    # The public answer now shows the correction under the model's own words, buttons intact.
    shown = {field["name"]: field["value"] for field in answer.embed["fields"]}
    assert shown["✏️ Corrected by a moderator"] == "Hu Tao is a Pyro polearm user."
    assert "Pyro" in answer.embed["description"] and correct in answer.custom_ids
    reopened = await fake_discord.click(answer, correct, user=moderator)
    await reopened.wait_for_response()
    again = await fake_discord.submit_modal(reopened, {"answer": "Hu Tao is Pyro. @everyone"})
    assert "Correction saved" in await private_reply(fake_discord, again)
    corrections = [field["value"] for field in answer.embed["fields"] if field["name"].startswith("✏️")]
    assert corrections == ["Hu Tao is Pyro. @\u200beveryone"]

    counts = await export_training(config.database_path, tmp_path / "export.jsonl")
    assert (counts.total, counts.corrections) == (1, 1)
    exported = (tmp_path / "export.jsonl").read_text(encoding="utf-8")
    assert '"answer": "Hu Tao is Pyro. @everyone"' in exported


async def test_only_moderators_can_correct_when_clicking_and_when_submitting(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, moderator: FakeUser, conversation_log: ConversationLog
) -> None:
    answer = await ask(fake_discord, "what element is diluc")
    conversation_id = conversation_id_of(answer)
    correct = f"katheryne:correct:{conversation_id}"

    click = await fake_discord.click(answer, correct)
    callback = await click.wait_for_response()
    assert callback.type == 4 and callback.ephemeral and REFUSAL in await private_reply(fake_discord, click)
    # A moderator opens the form, loses the role, then submits: refused as well.
    opened = await fake_discord.click(answer, correct, user=moderator)
    await opened.wait_for_response()
    fake_discord.set_roles(moderator, [])
    submitted = await fake_discord.submit_modal(opened, {"answer": "Diluc is a Hydro catalyst user."})
    assert REFUSAL in await private_reply(fake_discord, submitted)

    conversation = await conversation_log.get_conversation(conversation_id)
    assert conversation is not None and conversation.corrected_answer is None


async def test_forget_deletes_the_users_conversations_after_confirmation_and_they_are_never_exported(
    fake_discord: FakeDiscord,
    katheryne: KatheryneBot,
    conversation_log: ConversationLog,
    config: Config,
    tmp_path: Path,
) -> None:
    other = fake_discord.create_user("lumine")
    await ask(fake_discord, "what element is hu tao")
    await ask(fake_discord, "what element is diluc")
    await ask(fake_discord, "what element is ayaka", user=other)

    handle = await fake_discord.slash("forget")
    prompt = await handle.original()
    assert prompt.ephemeral and await conversation_log.count_conversations() == 3
    confirm = next(c for c in prompt.interactive_components() if c.get("label") == "Delete my data")
    click = await fake_discord.click(prompt, confirm["custom_id"])
    await click.wait_for_response()
    done = await handle.wait_for_original(lambda m: "deleted 2" in m.content)

    assert done.ephemeral and done.components == []
    assert await conversation_log.count_conversations() == 1
    await export_training(config.database_path, tmp_path / "export.jsonl", include_unconfirmed=True)
    exported = (tmp_path / "export.jsonl").read_text(encoding="utf-8")
    assert "ayaka" in exported and "hu tao" not in exported and "diluc" not in exported


async def test_forget_deletes_nothing_when_the_user_keeps_their_data(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, conversation_log: ConversationLog
) -> None:
    await ask(fake_discord, "what element is hu tao")

    handle = await fake_discord.slash("forget")
    prompt = await handle.original()
    keep = next(c for c in prompt.interactive_components() if c.get("label") == "Keep it")
    await (await fake_discord.click(prompt, keep["custom_id"])).wait_for_response()
    kept = await handle.wait_for_original(lambda m: "Nothing was deleted" in m.content)

    assert kept.components == []
    assert await conversation_log.count_conversations() == 1


async def test_model_shows_the_serving_model_with_its_loss_curve(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, worker: InferenceWorker
) -> None:
    handle = await fake_discord.slash("model")
    callback = await handle.wait_for_response()
    shown = await handle.original()

    assert callback.type == 4 and callback.ephemeral
    (upload,) = callback.files
    assert upload.filename == "loss_curve.png" and upload.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert shown.file("loss_curve.png").data == upload.data
    embed = shown.embed
    assert worker.model_version in embed["title"]
    assert embed["image"]["url"] == "attachment://loss_curve.png"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Training pairs"] == str(worker.meta["train_pairs"])
    assert "fact accuracy" in fields["Test metrics"] and "exact match" in fields["Test metrics"]


async def test_model_without_a_loss_curve_says_so(
    fake_discord: FakeDiscord,
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    settings: RetrainSettings,
    model_path: Path,
) -> None:
    model_path.with_suffix(".png").unlink()

    async with running_katheryne(fake_discord, config, worker, conversation_log, settings):
        handle = await fake_discord.slash("model")
        shown = await handle.original()

    assert handle.callback is not None and handle.callback.files == []
    assert shown.embed["footer"]["text"] == "No loss curve was saved with this model." and "image" not in shown.embed


async def test_a_retrain_left_running_by_a_crash_is_closed_as_failed_at_start_up(
    fake_discord: FakeDiscord,
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    settings: RetrainSettings,
) -> None:
    stale = await conversation_log.start_retrain(requested_by=1, guild_id=None, epochs=2, data_size=0)

    async with running_katheryne(fake_discord, config, worker, conversation_log, settings):
        record = await conversation_log.get_retrain(stale)

    assert record is not None and record.outcome == "failed" and record.reason == "bot restarted"
