"""Self-tests of the fake Discord: a plain discord.py commands.Bot, unmodified, talking to it over
127.0.0.1. If these pass, the bot's own integration tests exercise real discord.py code paths."""

from __future__ import annotations

import asyncio
import zlib

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands
from fakediscord import FakeDiscord, StoredMessage

pytest_plugins = ["fakediscord.fixtures"]


class LikeView(discord.ui.View):
    """A persistent view: no timeout, fixed custom_id, so it survives a bot restart."""

    def __init__(self, likes: list[int]) -> None:
        super().__init__(timeout=None)
        self.likes = likes

    @discord.ui.button(label="Like", custom_id="echo:like")
    async def like(self, interaction: discord.Interaction, button: discord.ui.Button[LikeView]) -> None:
        self.likes.append(interaction.user.id)
        await interaction.response.send_message("thanks", ephemeral=True)


class EchoBot(commands.Bot):
    """The smallest bot that exercises the harness: /echo, a persistent Like button, guild sync."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            command_prefix="!",
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        self.guild_id = guild_id
        self.likes: list[int] = []
        self.errors: list[Exception] = []

        @self.tree.command(name="echo", description="Repeat some text")
        @app_commands.describe(text="what to repeat")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.send_message(f"echo: {text}", view=LikeView(self.likes))
            await interaction.followup.send(
                f"{interaction.user.mention} said {text}", allowed_mentions=discord.AllowedMentions.none()
            )

    async def setup_hook(self) -> None:
        self.add_view(LikeView(self.likes))
        guild = discord.Object(self.guild_id)
        self.tree.copy_global_to(guild=guild)
        await self.tree.sync(guild=guild)


async def test_bot_logs_in_and_receives_ready_and_guild(fake_discord: FakeDiscord) -> None:
    bot = EchoBot(fake_discord.guild.id)
    async with fake_discord.running(bot):
        assert bot.user is not None and bot.user.id == fake_discord.bot_user.id
        assert bot.application_id == fake_discord.application_id
        guild = bot.get_guild(fake_discord.guild.id)
        assert guild is not None and guild.name == "Teyvat"
        assert guild.get_channel(fake_discord.channel.id) is not None
        assert guild.me.guild_permissions.send_messages
    assert [r.path for r in fake_discord.requests("GET")] == ["/users/@me", "/oauth2/applications/@me"]
    identify = next(f for f in fake_discord.gateway.log if f.direction == "recv" and f.op == 2)
    assert identify.d["token"] == "fake-token"
    assert identify.d["intents"] == discord.Intents.default().value


async def test_gateway_compresses_with_zlib_stream_as_discord_py_asks(fake_discord: FakeDiscord) -> None:
    async with fake_discord.running(EchoBot(fake_discord.guild.id)):
        pass
    assert fake_discord.gateway.connect_queries == [{"v": "10", "encoding": "json", "compress": "zlib-stream"}]


async def test_gateway_speaks_plain_json_without_compression(fake_discord: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{fake_discord.ws_url}?v=10") as ws:
        hello = await ws.receive_json(timeout=2)
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
        await ws.send_json({"op": 1, "d": None})
        assert (await ws.receive_json(timeout=2)) == {"op": 11}
        await ws.send_json({"op": 2, "d": {"token": "fake-token", "intents": 1, "properties": {}}})
        ready = await ws.receive_json(timeout=2)
        guild_create = await ws.receive_json(timeout=2)
    assert (ready["t"], ready["s"], guild_create["t"], guild_create["s"]) == ("READY", 1, "GUILD_CREATE", 2)
    assert ready["d"]["application"]["id"] == str(fake_discord.application_id)


async def test_zlib_stream_frames_decompress_with_one_shared_context(fake_discord: FakeDiscord) -> None:
    decompressor = zlib.decompressobj()
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{fake_discord.ws_url}?v=10&encoding=json&compress=zlib-stream") as ws,
    ):
        first = await ws.receive_bytes(timeout=2)
        await ws.send_json({"op": 1, "d": None})
        second = await ws.receive_bytes(timeout=2)
    assert first.endswith(b"\x00\x00\xff\xff") and second.endswith(b"\x00\x00\xff\xff")
    assert b'"op":10' in decompressor.decompress(first)
    assert decompressor.decompress(second) == b'{"op":11}'


async def test_command_sync_puts_the_tree_for_the_guild(fake_discord: FakeDiscord) -> None:
    async with fake_discord.running(EchoBot(fake_discord.guild.id)):
        pass
    (put,) = fake_discord.requests("PUT", "/applications/*/guilds/*/commands")
    assert put.path == f"/applications/{fake_discord.application_id}/guilds/{fake_discord.guild.id}/commands"
    (echo,) = put.json
    assert echo["name"] == "echo"
    assert echo["options"] == [{"type": 3, "name": "text", "description": "what to repeat", "required": True}]
    assert [c["name"] for c in fake_discord.guild_commands.values()] == ["echo"]


async def test_slash_command_gets_a_message_callback_within_the_deadline(fake_discord: FakeDiscord) -> None:
    async with fake_discord.running(EchoBot(fake_discord.guild.id)):
        handle = await fake_discord.slash("echo", {"text": "hello"})
        callback = await handle.wait_for_response()
        await handle.followups(1)
    assert callback.accepted and callback.type == 4
    assert callback.data is not None and callback.data["content"] == "echo: hello"
    assert callback.data["components"][0]["components"][0]["custom_id"] == "echo:like"
    assert handle.response_delay < 3.0
    original = await handle.original()
    assert original.content == "echo: hello" and original.custom_ids == ["echo:like"]
    assert handle.payload["data"]["guild_id"] == str(fake_discord.guild.id)


async def test_followup_is_sent_with_allowed_mentions_and_pings_nobody(fake_discord: FakeDiscord) -> None:
    async with fake_discord.running(EchoBot(fake_discord.guild.id)):
        handle = await fake_discord.slash("echo", {"text": "@everyone <@&1>"})
        (followup,) = await handle.followups(1)
    assert followup.content == f"<@{fake_discord.user.id}> said @everyone <@&1>"
    (request,) = fake_discord.requests("POST", f"/webhooks/{fake_discord.application_id}/*")
    assert request.json["allowed_mentions"] == {"parse": []}
    assert request.query["wait"] == "1"
    assert all(body["allowed_mentions"] == {"parse": []} for _, body in fake_discord.message_bodies())
    assert fake_discord.pings() == []
    assert not followup.data["mention_everyone"] and followup.data["mentions"] == []


async def test_message_without_allowed_mentions_would_ping(fake_discord: FakeDiscord) -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default(), guild_ready_timeout=0.05)

    @bot.tree.command(name="shout", description="Pings everyone")
    async def shout(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"@everyone look, {interaction.user.mention}")

    async with fake_discord.running(bot):
        handle = await fake_discord.slash("shout")
        message = await handle.original()
    assert message.pings.everyone and message.pings.users == {fake_discord.user.id}
    assert message.data["mention_everyone"] is True
    assert [m for m, _ in fake_discord.pings()] == [message]


async def test_persistent_button_works_after_the_bot_restarts(fake_discord: FakeDiscord) -> None:
    first = EchoBot(fake_discord.guild.id)
    async with fake_discord.running(first):
        handle = await fake_discord.slash("echo", {"text": "keep me"})
        await handle.followups(1)
        message = await handle.original()

    second = EchoBot(fake_discord.guild.id)
    clicker = fake_discord.create_user("paimon")
    async with fake_discord.running(second):
        click = await fake_discord.click(message, "echo:like", user=clicker)
        callback = await click.wait_for_response()
        thanks = await click.original()
    assert callback.type == 4 and callback.ephemeral
    assert thanks.ephemeral and thanks.content == "thanks"
    assert second.likes == [clicker.id] and first.likes == []
    assert click.payload["message"]["id"] == str(message.id)


async def test_clicking_a_missing_or_disabled_component_is_refused(fake_discord: FakeDiscord) -> None:
    async with fake_discord.running(EchoBot(fake_discord.guild.id)):
        handle = await fake_discord.slash("echo", {"text": "x"})
        message = await handle.original()
        await handle.followups(1)
        with pytest.raises(LookupError, match="echo:like"):
            await fake_discord.click(message, "nope")
        message.data["components"][0]["components"][0]["disabled"] = True
        with pytest.raises(ValueError, match="disabled"):
            await fake_discord.click(message, "echo:like")


async def test_deferred_answer_arrives_by_editing_original(fake_discord: FakeDiscord) -> None:
    bot = EchoBot(fake_discord.guild.id)

    @bot.tree.command(name="slow", description="Thinks first")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.05)
        await interaction.edit_original_response(embed=discord.Embed(title="Done", description="**bold**"))

    async with fake_discord.running(bot):
        handle = await fake_discord.slash("slow")
        callback = await handle.wait_for_response()
        answer = await handle.original()
    assert callback.type == 5 and callback.delay < 3.0
    assert answer.embed["title"] == "Done" and not answer.loading
    assert answer.history[0]["flags"] & 128  # it was "thinking" before the edit
    (patch,) = fake_discord.requests("PATCH", "/webhooks/*/messages/@original")
    assert patch.json["embeds"][0]["description"] == "**bold**"


async def test_modal_round_trip(fake_discord: FakeDiscord) -> None:
    bot = EchoBot(fake_discord.guild.id)
    received: list[str] = []

    class Correction(discord.ui.Modal, title="Correct the answer"):
        answer = discord.ui.TextInput(label="Better answer", custom_id="answer", max_length=200)

        async def on_submit(self, interaction: discord.Interaction) -> None:
            received.append(self.answer.value)
            await interaction.response.send_message("saved", ephemeral=True)

    @bot.tree.command(name="correct", description="Opens a modal")
    async def correct(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Correction())

    async with fake_discord.running(bot):
        opened = await fake_discord.slash("correct")
        modal = await opened.wait_for_response()
        assert modal.type == 9 and modal.data is not None and modal.data["title"] == "Correct the answer"
        with pytest.raises(ValueError, match="longer than 200"):
            await fake_discord.submit_modal(opened, {"answer": "x" * 201})
        submitted = await fake_discord.submit_modal(opened, {"answer": "Hu Tao is a Pyro polearm user."})
        saved = await submitted.original()
    assert received == ["Hu Tao is a Pyro polearm user."]
    assert saved.content == "saved" and saved.ephemeral


async def test_callback_after_the_deadline_is_refused_like_discord(fake_discord: FakeDiscord) -> None:
    fake_discord.callback_deadline = 0.1
    bot = EchoBot(fake_discord.guild.id)
    failures: list[discord.HTTPException] = []

    @bot.tree.command(name="late", description="Answers too late")
    async def late(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.2)
        try:
            await interaction.response.send_message("too late")
        except discord.NotFound as error:
            failures.append(error)

    async with fake_discord.running(bot):
        handle = await fake_discord.slash("late")
        callback = await handle.wait_for_response()
        await fake_discord.changes.wait_for(lambda: failures, 2.0, "the bot to see the refusal")
    assert not callback.accepted and callback.delay > 0.1
    assert failures[0].code == 10062
    with pytest.raises(TimeoutError, match="callbacks"):
        await handle.original(timeout=0.1)


async def test_invalid_messages_are_rejected_with_discord_form_errors(fake_discord: FakeDiscord) -> None:
    bot = EchoBot(fake_discord.guild.id)
    failures: list[discord.HTTPException] = []

    @bot.tree.command(name="long", description="Sends too much")
    async def long(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message(embed=discord.Embed(description="x" * 4097))
        except discord.HTTPException as error:
            failures.append(error)
            await interaction.response.send_message("y" * 2001)

    async with fake_discord.running(bot):
        handle = await fake_discord.slash("long")
        await fake_discord.changes.wait_for(
            lambda: len(handle.record.callbacks) == 0 and len(handle.requests()) == 2, 2.0, "two refused callbacks"
        )
    assert failures[0].status == 400 and failures[0].code == 50035
    assert "embeds.0.description" in failures[0].text
    assert [r.status for r in handle.requests()] == [400, 400]


async def test_file_upload_is_recorded_with_its_bytes(fake_discord: FakeDiscord) -> None:
    bot = EchoBot(fake_discord.guild.id)
    downloaded: list[bytes] = []

    @bot.tree.command(name="export", description="Sends a file")
    async def export(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        message = await interaction.followup.send(
            "your data",
            file=discord.File(__import__("io").BytesIO(b'{"questions": 3}'), filename="export.json"),
            wait=True,
        )
        downloaded.append(await message.attachments[0].read())

    async with fake_discord.running(bot):
        handle = await fake_discord.slash("export")
        (message,) = await handle.followups(1)
        await fake_discord.changes.wait_for(lambda: downloaded, 2.0, "the bot to read its attachment back")
    assert message.file("export.json").data == b'{"questions": 3}'
    assert message.attachments[0]["size"] == 16
    (post,) = fake_discord.requests("POST", "/webhooks/*")
    assert post.files[0].field == "files[0]" and post.json["attachments"][0]["filename"] == "export.json"
    assert downloaded == [b'{"questions": 3}']


async def test_unknown_routes_are_recorded_and_answered_404(fake_discord: FakeDiscord) -> None:
    bot = EchoBot(fake_discord.guild.id)
    async with fake_discord.running(bot):
        with pytest.raises(discord.NotFound):
            await bot.fetch_guild_preview(fake_discord.guild.id)
    (request,) = fake_discord.unknown_requests()
    assert request.path == f"/guilds/{fake_discord.guild.id}/preview" and request.status == 404


async def test_interactions_keep_flowing_after_a_gateway_resume(fake_discord: FakeDiscord) -> None:
    async with fake_discord.running(EchoBot(fake_discord.guild.id)):
        await fake_discord.reconnect()
        handle = await fake_discord.slash("echo", {"text": "still here"})
        callback = await handle.wait_for_response()
        await handle.followups(1)
    assert callback.accepted
    resume = [f for f in fake_discord.gateway.log if f.direction == "recv" and f.op == 6]
    assert len(resume) == 1 and len(fake_discord.gateway.sessions) == 1


async def test_a_wrong_token_fails_login(fake_discord: FakeDiscord) -> None:
    bot = EchoBot(fake_discord.guild.id)
    with pytest.raises(discord.LoginFailure):
        await bot.login("not-the-token")
    await bot.close()


async def test_the_bot_closes_cleanly_leaving_no_tasks() -> None:
    async with FakeDiscord() as fake:
        fake.install()
        bot = EchoBot(fake.guild.id)
        async with fake.running(bot):
            handle = await fake.slash("echo", {"text": "bye"})
            await handle.followups(1)
        assert bot.is_closed()
        assert fake.gateway.connections == set()
        (session,) = fake.gateway.sessions.values()
        assert session.connection is None
        # discord.py's read loop answers its own close(1000) with close(4000), so the session stays
        # resumable, as it would on Discord, until it expires.
        assert fake.gateway.close_codes == [4000]
    leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert leftovers == []
    assert isinstance(await handle.original(timeout=0), StoredMessage)


async def test_subcommands_resolve_members_and_roles_and_checks_see_roles(fake_discord: FakeDiscord) -> None:
    bot = EchoBot(fake_discord.guild.id)
    model = app_commands.Group(name="model", description="Model administration")

    @model.command(name="grant", description="Give someone a role")
    @app_commands.checks.has_any_role("Moderator")
    async def grant(interaction: discord.Interaction, member: discord.Member, role: discord.Role) -> None:
        await interaction.response.send_message(f"{member.display_name} gets {role.name}", ephemeral=True)

    @bot.tree.error
    async def denied(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await interaction.response.send_message(f"denied: {type(error).__name__}", ephemeral=True)

    bot.tree.add_command(model)
    async with fake_discord.running(bot):
        moderator_role = fake_discord.create_role("Moderator")  # after READY: sent as GUILD_ROLE_CREATE
        moderator = fake_discord.create_user("mod", roles=[moderator_role])
        allowed = await fake_discord.slash(
            "model grant", {"member": fake_discord.user, "role": moderator_role}, user=moderator
        )
        refused = await fake_discord.slash("model grant", {"member": moderator, "role": moderator_role})
        allowed_reply, refused_reply = await allowed.original(), await refused.original()
    assert allowed_reply.content == "Traveler gets Moderator"
    assert refused_reply.content == "denied: MissingAnyRole"
    options = allowed.payload["data"]["options"]
    assert options[0]["name"] == "grant" and options[0]["type"] == 1
    assert set(allowed.payload["data"]["resolved"]) == {"users", "members", "roles"}


async def test_autocomplete_choices_are_recorded(fake_discord: FakeDiscord) -> None:
    bot = EchoBot(fake_discord.guild.id)

    @bot.tree.command(name="character", description="Look up a character")
    async def character(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(name)

    @character.autocomplete("name")
    async def names(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in ("Hu Tao", "Diluc") if current.lower() in n.lower()]

    async with fake_discord.running(bot):
        typing = await fake_discord.slash("character", {"name": "hu"}, focused="name")
        callback = await typing.wait_for_response()
    assert callback.type == 8 and callback.data == {"choices": [{"name": "Hu Tao", "value": "Hu Tao"}]}


async def test_injected_failures_reach_the_bot_as_http_errors(fake_discord: FakeDiscord) -> None:
    bot = EchoBot(fake_discord.guild.id)
    seen: list[int] = []

    @bot.tree.command(name="fragile", description="Edits after deferring")
    async def fragile(interaction: discord.Interaction) -> None:
        await interaction.response.defer()
        try:
            await interaction.edit_original_response(content="done")
        except discord.Forbidden as error:
            seen.append(error.code)

    async with fake_discord.running(bot):
        fake_discord.fail(
            "PATCH", "/webhooks/*/messages/@original", status=403, code=50013, message="Missing Permissions"
        )
        handle = await fake_discord.slash("fragile")
        await fake_discord.changes.wait_for(lambda: seen, 2.0, "the bot to see the failure")
    assert seen == [50013]
    assert fake_discord.messages[handle.record.original_id].loading  # type: ignore[index]


async def test_user_messages_hide_content_without_the_message_content_intent(fake_discord: FakeDiscord) -> None:
    bot = EchoBot(fake_discord.guild.id)
    received: list[str] = []

    async def on_message(message: discord.Message) -> None:
        received.append(message.content)

    bot.add_listener(on_message)

    async with fake_discord.running(bot):
        await fake_discord.post("hello there")
        await fake_discord.post(f"<@{fake_discord.bot_user.id}> hello you")
        await fake_discord.changes.wait_for(lambda: len(received) == 2, 2.0, "two messages")
    assert received == ["", f"<@{fake_discord.bot_user.id}> hello you"]
