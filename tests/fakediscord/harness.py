"""FakeDiscord: a local Discord (REST + gateway on 127.0.0.1) that a real discord.py client talks to.

Tests play the users: ``slash``/``click``/``submit_modal`` dispatch INTERACTION_CREATE over the gateway
and return an :class:`InteractionHandle` to await the bot's callback, followups and edits. Everything the
bot sends is recorded (:meth:`FakeDiscord.requests`) and messages keep their edit history.
"""

from __future__ import annotations

import asyncio
import copy
import fnmatch
import logging
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any, Literal, TypeVar

import discord
import yarl
from aiohttp import web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from .gateway import INTENT_GUILD_MEMBERS, INTENT_GUILD_MESSAGES, INTENT_GUILDS, INTENT_MESSAGE_CONTENT, Gateway
from .interactions import InteractionHandle, build_options, leaf_schema, submitted_components
from .models import (
    BOT_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    FakeAttachment,
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    permission_value,
    snowflake,
)
from .rest import RestApi
from .state import (
    Changes,
    DiscordError,
    InteractionRecord,
    MessageFactory,
    Pings,
    RecordedFile,
    RecordedRequest,
    StoredMessage,
)

BotT = TypeVar("BotT", bound=discord.Client)

Install = Literal["guild", "user"]
"""How the app reached the user: installed in the server, or on the user's own account."""
INSTALL_TYPES: dict[Install, int] = {"guild": 0, "user": 1}
CONTEXT_NAMES = {0: "guild", 1: "bot DM", 2: "private channel"}


def context_of(channel: FakeChannel) -> int:
    """The interaction context type Discord reports for a command run in ``channel``."""
    if channel.guild_id is not None:
        return 0
    return 1 if channel.type == 1 else 2


ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class _ErrorLog(logging.Handler):
    """Collects ERROR records (discord.py logs unhandled command/view errors there) for timeout messages."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class FakeDiscord:
    """The fake Discord server. Use ``async with FakeDiscord() as fake: fake.install()``."""

    def __init__(
        self,
        *,
        token: str = "fake-token",
        bot_name: str = "Katheryne",
        callback_deadline: float = 3.0,
        heartbeat_interval_ms: int = 41250,
        guild_name: str = "Teyvat",
    ) -> None:
        self.token = token
        self.callback_deadline = callback_deadline
        self.application_flags = 1 << 23  # APPLICATION_COMMAND_BADGE, as apps with slash commands have
        self.bot_user = FakeUser(snowflake(), bot_name, bot=True)
        self.application_id = self.bot_user.id  # a modern application's id is its bot user's id
        self.owner_user = FakeUser(snowflake(), "guild_owner")
        guild_id = snowflake()
        self.guild = FakeGuild(
            id=guild_id,
            name=guild_name,
            owner_id=self.owner_user.id,
            everyone=FakeRole(guild_id, "@everyone", EVERYONE_PERMISSIONS, position=0),
        )
        self.users: dict[int, FakeUser] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.messages: dict[int, StoredMessage] = {}
        self.uploads: dict[int, RecordedFile | FakeAttachment] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.global_commands: dict[str, dict[str, Any]] = {}
        self.guild_commands: dict[str, dict[str, Any]] = {}
        self.request_log: list[RecordedRequest] = []
        self.changes = Changes()
        self.errors = _ErrorLog()
        self._failures: list[tuple[str, str, DiscordError, list[int]]] = []
        self._saved: tuple[str, yarl.URL] | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

        bot_role = self.create_role(bot_name, permissions=BOT_PERMISSIONS, managed=True)
        self._add_member(self.bot_user, [bot_role.id])
        self._add_member(self.owner_user, [])
        self.channel = self.create_channel("general")
        self.user = self.create_user("traveler")
        self.gateway = Gateway(self, heartbeat_interval_ms)
        self.rest = RestApi(self)
        self.factory = MessageFactory("", self.users, self.guild)

    # -- lifecycle ---------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", self._serve_attachment)
        app.router.add_route("*", "/api/v{version}/{tail:.*}", self.rest.handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self.factory.base_url = self.http_base
        logging.getLogger().addHandler(self.errors)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        logging.getLogger().removeHandler(self.errors)
        self.uninstall()
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def http_base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.http_base}/api/v10"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def install(self) -> FakeDiscord:
        """Point discord.py (REST routes and gateway) at this server until the ``async with`` ends."""
        if self._saved is None:
            self._saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
        Route.BASE = self.api_base
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.ws_url)
        return self

    def uninstall(self) -> None:
        if self._saved is not None:
            Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = self._saved
            self._saved = None

    @asynccontextmanager
    async def running(
        self, bot: BotT, *, until: Literal["ready", "connected"] = "ready", timeout: float = 10.0
    ) -> AsyncIterator[BotT]:
        """Run ``bot.start(token)`` until the block ends, then close it and wait for it to finish.

        ``until="connected"`` enters the block as soon as the bot can take interactions, without the
        ``guild_ready_timeout`` (2 s by default) discord.py waits before ``on_ready``."""
        task = asyncio.create_task(bot.start(self.token), name="fakediscord-bot")
        try:
            if until == "ready":
                await self.wait_until_ready(bot, timeout=timeout, task=task)
            else:
                await self.wait_until_connected(bot, timeout=timeout, task=task)
            yield bot
        finally:
            await bot.close()
            try:
                await asyncio.wait_for(task, 10.0)
            except TimeoutError:
                task.cancel()

    async def wait_until_ready(
        self, bot: discord.Client, *, timeout: float = 10.0, task: asyncio.Task[Any] | None = None
    ) -> None:
        """Until discord.py dispatched ``on_ready`` (``guild_ready_timeout`` after the last GUILD_CREATE)."""
        await self._poll(bot.is_ready, timeout, "the bot to become ready", task)

    async def wait_until_connected(
        self, bot: discord.Client, *, timeout: float = 10.0, task: asyncio.Task[Any] | None = None
    ) -> None:
        """Until the bot has parsed READY and GUILD_CREATE: it can take interactions, though ``on_ready``
        may still be ``guild_ready_timeout`` (2 s by default) away."""
        await self._poll(
            lambda: bot.get_guild(self.guild.id) is not None and bool(self.gateway.live_sessions()),
            timeout,
            "the bot to connect",
            task,
        )

    async def _poll(
        self, condition: Callable[[], bool], timeout: float, what: str, task: asyncio.Task[Any] | None
    ) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if task is not None and task.done():
                task.result()  # raises what stopped the bot
                raise RuntimeError(f"the bot stopped while waiting for {what}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout:.1f}s waiting for {what}\n{self.diagnose()}")
            await asyncio.sleep(0.01)

    # -- the world ---------------------------------------------------------------------------------

    def create_role(
        self, name: str, *, permissions: int | discord.Permissions = 0, mentionable: bool = False, managed: bool = False
    ) -> FakeRole:
        role = FakeRole(
            snowflake(),
            name,
            permission_value(permissions) or 0,
            position=len(self.guild.roles) + 1,
            mentionable=mentionable,
            managed=managed,
        )
        self.guild.roles[role.id] = role
        self._emit("GUILD_ROLE_CREATE", {"guild_id": str(self.guild.id), "role": role.payload()}, INTENT_GUILDS)
        return role

    def create_user(self, name: str, *, roles: Iterable[FakeRole] = (), member: bool = True) -> FakeUser:
        """A human user; a guild member with ``roles`` unless ``member=False`` (then only reachable by DM)."""
        user = FakeUser(snowflake(), name, global_name=name.title())
        if member:
            self._add_member(user, [r.id for r in roles])
            self._emit(
                "GUILD_MEMBER_ADD",
                {"guild_id": str(self.guild.id), **self.guild.member_payload(user)},
                INTENT_GUILD_MEMBERS,
            )
        else:
            self.users[user.id] = user
        return user

    def set_roles(self, user: FakeUser, roles: Iterable[FakeRole]) -> None:
        self.guild.member_roles[user.id] = [r.id for r in roles]
        self._emit(
            "GUILD_MEMBER_UPDATE",
            {"guild_id": str(self.guild.id), **self.guild.member_payload(user)},
            INTENT_GUILD_MEMBERS,
        )

    def create_channel(self, name: str) -> FakeChannel:
        channel = FakeChannel(snowflake(), name, self.guild.id, position=len(self.guild.channels))
        self.guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self._emit("CHANNEL_CREATE", channel.payload(), INTENT_GUILDS)
        return channel

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        for channel in self.channels.values():
            if channel.type == 1 and channel.recipient is user:
                return channel
        channel = FakeChannel(snowflake(), "", None, type=1, recipient=user)
        self.channels[channel.id] = channel
        return channel

    def attachment(self, filename: str, data: bytes, content_type: str = "application/octet-stream") -> FakeAttachment:
        """A user upload for an attachment option; the bot can download it from ``url``."""
        attachment_id = snowflake()
        upload = FakeAttachment(
            attachment_id,
            filename,
            data,
            content_type,
            f"{self.http_base}/attachments/{self.channel.id}/{attachment_id}/{filename}",
        )
        self.uploads[attachment_id] = upload
        return upload

    def _add_member(self, user: FakeUser, role_ids: list[int]) -> None:
        self.users[user.id] = user
        self.guild.members[user.id] = user
        self.guild.member_roles[user.id] = role_ids

    def _emit(self, event: str, data: Any, intent: int) -> None:
        if hasattr(self, "gateway"):
            self.gateway.dispatch(event, data, intent=intent)

    def guild_id_of(self, channel_id: int) -> int | None:
        channel = self.channels.get(channel_id)
        return channel.guild_id if channel else None

    def store_message(self, message: StoredMessage) -> None:
        self.messages[message.id] = message
        for attachment_id, upload in message.files.items():
            self.uploads[attachment_id] = upload

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(int(request.match_info["attachment_id"]))
        if upload is None:
            return web.Response(status=404)
        return web.Response(body=upload.data, content_type=upload.content_type or "application/octet-stream")

    # -- users acting ------------------------------------------------------------------------------

    def _new_interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user: FakeUser | None,
        channel: FakeChannel | None,
        member_permissions: int | discord.Permissions | None,
        roles: Iterable[FakeRole] | None,
        locale: str,
        message: StoredMessage | None = None,
        install: Install = "guild",
    ) -> InteractionHandle:
        if not self.gateway.live_sessions():
            raise RuntimeError("no bot is connected to the fake gateway (start it and wait_until_connected first)")
        user = user or self.user
        channel = channel or self.channel
        interaction_id = snowflake()
        token = f"aW50ZXJhY3Rpb246{interaction_id}{secrets.token_urlsafe(48)}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "app_permissions": str(self.guild.permissions_of(self.bot_user)),
        }
        channel_payload = channel.payload()
        if channel.guild_id is not None:
            role_ids = None if roles is None else [r.id for r in roles]
            permissions = permission_value(member_permissions)
            if permissions is None:
                permissions = self.guild.permissions_of(user, role_ids)
            channel_payload["permissions"] = str(permissions)
            payload.update(
                {
                    "guild_id": str(self.guild.id),
                    "guild": {"id": str(self.guild.id), "locale": "en-US", "features": []},
                    "guild_locale": "en-US",
                    "member": self.guild.member_payload(user, permissions=permissions, roles=role_ids),
                }
            )
        else:
            payload["user"] = user.payload()
        context = context_of(channel)
        payload["context"] = context
        # Who installed the app for this interaction: the server (its id; "0" in the bot's own DMs),
        # or the user themself on their account.
        payload["authorizing_integration_owners"] = (
            {"1": str(user.id)} if install == "user" else {"0": str(self.guild.id) if context == 0 else "0"}
        )
        payload["channel_id"] = str(channel.id)
        payload["channel"] = channel_payload
        if message is not None:
            payload["message"] = copy.deepcopy(message.data)
        record = InteractionRecord(
            id=interaction_id,
            token=token,
            type=kind,
            payload=payload,
            dispatched_at=time.monotonic(),
            channel_id=channel.id,
            user=user,
            source_message_id=message.id if message else None,
        )
        self.interactions[interaction_id] = record
        self.interactions_by_token[token] = record
        self.gateway.dispatch("INTERACTION_CREATE", payload)
        return InteractionHandle(self, record)

    def interaction_metadata(self, record: InteractionRecord) -> dict[str, Any]:
        metadata: dict[str, Any] = {
            "id": str(record.id),
            "type": record.type,
            "user": record.user.payload(),
            "authorizing_integration_owners": record.payload.get("authorizing_integration_owners", {}),
        }
        if record.source_message_id is not None:
            metadata["interacted_message_id"] = str(record.source_message_id)
        return metadata

    def _find_command(
        self, name: str, *, kind: int = 1, channel: FakeChannel | None = None, install: Install = "guild"
    ) -> tuple[dict[str, Any] | None, bool]:
        """The synced command a user could run as ``name`` in ``channel`` under ``install``, and whether it
        is guild-scoped; (None, False) when none was synced. Like Discord's client, refuses (LookupError)
        a synced command it would not offer there: a guild command outside its guild, or one whose
        ``contexts`` or ``integration_types`` leave this place or this kind of install out."""
        context = context_of(channel or self.channel)
        scopes = ((self.guild_commands, True), (self.global_commands, False))
        found = [
            (c, scoped)
            for commands, scoped in scopes
            for c in commands.values()
            if c["name"] == name and c.get("type", 1) == kind
        ]
        if not found:
            return None, False
        for command, guild_scoped in found:
            if guild_scoped and (context != 0 or install == "user"):
                continue  # guild commands exist only in their guild, for the server's own install
            if context not in (command.get("contexts") or (0, 1, 2)):
                continue
            if context != 0 and command.get("dm_permission") is False:
                continue
            if INSTALL_TYPES[install] not in (command.get("integration_types") or (0,)):
                continue
            return command, guild_scoped
        synced = [(c.get("contexts"), c.get("integration_types")) for c, _ in found]
        raise LookupError(
            f"Discord's client does not offer {name!r} in a {CONTEXT_NAMES[context]} context to a "
            f"{install} install; synced as {synced}"
        )

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: FakeUser | None = None,
        channel: FakeChannel | None = None,
        member_permissions: int | discord.Permissions | None = None,
        roles: Iterable[FakeRole] | None = None,
        locale: str = "en-US",
        focused: str | None = None,
        install: Install = "guild",
    ) -> InteractionHandle:
        """A user runs ``/name`` (``"group sub"`` for subcommands). Option types come from the synced
        command when there is one; like Discord's client, missing required options or strings outside
        min/max_length are refused here (ValueError) instead of reaching the bot.
        ``focused`` makes it an autocomplete interaction (type 4) for that option. ``install="user"``
        runs it through the app installed on the user's own account (``channel`` may be a DM)."""
        parts = name.split()
        command, guild_scoped = self._find_command(parts[0], channel=channel, install=install)
        schema = leaf_schema(command.get("options", []), parts[1:]) if command else None
        resolved: dict[str, dict[str, Any]] = {}
        leaf = build_options(self.guild, user or self.user, schema, options or {}, resolved, focused)
        for depth in range(len(parts) - 1, 0, -1):
            leaf = [{"name": parts[depth], "type": 1 if depth == len(parts) - 1 else 2, "options": leaf}]
        data: dict[str, Any] = {
            "id": command["id"] if command else str(snowflake()),
            "name": parts[0],
            "type": 1,
            "options": leaf,
        }
        if guild_scoped:
            data["guild_id"] = str(self.guild.id)
        if resolved:
            data["resolved"] = resolved
        handle = self._new_interaction(
            4 if focused else 2,
            data,
            user=user,
            channel=channel,
            member_permissions=member_permissions,
            roles=roles,
            locale=locale,
            install=install,
        )
        await asyncio.sleep(0)
        return handle

    async def message_command(
        self,
        name: str,
        target: StoredMessage,
        *,
        user: FakeUser | None = None,
        member_permissions: int | discord.Permissions | None = None,
        roles: Iterable[FakeRole] | None = None,
        install: Install = "guild",
    ) -> InteractionHandle:
        """A user right-clicks ``target`` and picks Apps -> ``name`` (a message context menu, command
        type 3). Discord resolves the whole message for the app, content included, whatever its intents."""
        channel = self.channels[target.channel_id]
        command, guild_scoped = self._find_command(name, kind=3, channel=channel, install=install)
        data: dict[str, Any] = {
            "id": command["id"] if command else str(snowflake()),
            "name": name,
            "type": 3,
            "target_id": str(target.id),
            "resolved": {"messages": {str(target.id): copy.deepcopy(target.data)}},
        }
        if guild_scoped:
            data["guild_id"] = str(self.guild.id)
        handle = self._new_interaction(
            2,
            data,
            user=user,
            channel=channel,
            member_permissions=member_permissions,
            roles=roles,
            locale="en-US",
            install=install,
        )
        await asyncio.sleep(0)
        return handle

    async def click(
        self,
        message: StoredMessage | int,
        custom_id: str,
        *,
        user: FakeUser | None = None,
        values: list[str] | None = None,
        member_permissions: int | discord.Permissions | None = None,
        roles: Iterable[FakeRole] | None = None,
    ) -> InteractionHandle:
        """A user clicks a button (or picks ``values`` in a select) on a message the bot sent.
        Refuses (LookupError/ValueError) what a Discord client can't do: unknown or disabled components."""
        stored = self.messages[message] if isinstance(message, int) else self.messages[message.id]
        if stored.deleted:
            raise LookupError(f"message {stored.id} was deleted")
        if stored.ephemeral and stored.interaction_id is not None:
            owner = self.interactions[stored.interaction_id].user
            if (user or self.user) is not owner:
                raise LookupError(f"message {stored.id} is ephemeral: only {owner.name} sees it")
        component = stored.component(custom_id)
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} on message {stored.id} is disabled")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] != 2:
            data["values"] = list(values or [])
        elif values is not None:
            raise ValueError(f"{custom_id!r} is a button; buttons take no values")
        channel = self.channels[stored.channel_id]
        handle = self._new_interaction(
            3,
            data,
            user=user,
            channel=channel,
            member_permissions=member_permissions,
            roles=roles,
            locale="en-US",
            message=stored,
        )
        await asyncio.sleep(0)
        return handle

    async def submit_modal(
        self, opened_by: InteractionHandle, values: dict[str, str], *, user: FakeUser | None = None
    ) -> InteractionHandle:
        """The user fills the modal the bot answered ``opened_by`` with (callback type 9) and submits it."""
        callback = opened_by.callback
        if callback is None or callback.type != 9 or not callback.accepted:
            raise ValueError(f"interaction {opened_by.id} was not answered with a modal (callback: {callback})")
        modal = callback.data or {}
        rows = submitted_components(modal.get("components", []), values)
        source = opened_by.record.source_message_id
        handle = self._new_interaction(
            5,
            {"custom_id": modal["custom_id"], "components": rows},
            user=user or opened_by.record.user,
            channel=self.channels[opened_by.record.channel_id],
            member_permissions=None,
            roles=None,
            locale="en-US",
            message=self.messages[source] if source is not None else None,
        )
        await asyncio.sleep(0)
        return handle

    async def post(
        self,
        content: str,
        *,
        user: FakeUser | None = None,
        channel: FakeChannel | None = None,
        embeds: list[dict[str, Any]] | None = None,
    ) -> StoredMessage:
        """A user writes an ordinary message (MESSAGE_CREATE; content hidden without the content intent)."""
        user = user or self.user
        channel = channel or self.channel
        message = self.factory.create(
            {"content": content, "embeds": embeds or []},
            [],
            channel_id=channel.id,
            author=user,
            guild_id=channel.guild_id,
        )
        if channel.guild_id is not None:
            message.data["member"] = self.guild.member_payload(user, with_user=False)
        self.store_message(message)
        mentioned = str(self.bot_user.id) in {m["id"] for m in message.data["mentions"]}
        for session in self.gateway.live_sessions(INTENT_GUILD_MESSAGES if channel.guild_id else 0):
            data = copy.deepcopy(message.data)
            if not (session.intents & INTENT_MESSAGE_CONTENT or mentioned):
                data.update(content="", embeds=[], attachments=[], components=[])
            self.gateway._dispatch_to(session, "MESSAGE_CREATE", data)
        await asyncio.sleep(0)
        return message

    async def reconnect(self, timeout: float = 5.0) -> None:
        """Ask the bot to reconnect (op 7) and wait until it RESUMEd its session."""
        before = sum(1 for f in self.gateway.log if f.t == "RESUMED")
        if not self.gateway.request_reconnect():
            raise RuntimeError("no bot is connected")
        await self.changes.wait_for(
            lambda: sum(1 for f in self.gateway.log if f.t == "RESUMED") > before, timeout, "the bot to RESUME"
        )

    # -- what the bot did --------------------------------------------------------------------------

    def requests(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Recorded requests, optionally filtered by method and a glob over the path
        (``"/applications/*/commands"``, ``"/webhooks/*"``); paths omit the ``/api/v10`` prefix."""
        return [
            r
            for r in self.request_log
            if (method is None or r.method == method) and (path is None or fnmatch.fnmatchcase(r.path, path))
        ]

    def unknown_requests(self) -> list[RecordedRequest]:
        """Requests for routes the fake does not implement (answered 404)."""
        return [r for r in self.request_log if not r.known]

    def message_bodies(self) -> list[tuple[RecordedRequest, dict[str, Any]]]:
        """Every message body the bot sent (responses, followups, edits, channel posts), accepted or not."""
        bodies = []
        for r in self.request_log:
            body = r.json if isinstance(r.json, dict) else None
            if body is None:
                continue
            if r.path.endswith("/callback"):
                if body.get("type") in (4, 7) and body.get("data") is not None:
                    bodies.append((r, body["data"]))
            elif r.method in ("POST", "PATCH") and (
                r.path.startswith("/webhooks/") or fnmatch.fnmatchcase(r.path, "/channels/*/messages*")
            ):
                bodies.append((r, body))
        return bodies

    def pings(self) -> list[tuple[StoredMessage, Pings]]:
        """Every write of a bot message whose content would have notified someone."""
        return [
            (m, p)
            for m in self.messages.values()
            if int(m.data["author"]["id"]) == self.bot_user.id
            for p in m.all_pings
            if p
        ]

    def bot_messages(self, channel: FakeChannel | None = None) -> list[StoredMessage]:
        return [
            m
            for m in self.messages.values()
            if int(m.data["author"]["id"]) == self.bot_user.id and (channel is None or m.channel_id == channel.id)
        ]

    def fail(
        self,
        method: str,
        path: str,
        *,
        status: int = 500,
        code: int = 0,
        message: str = "Injected failure",
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests matching ``method`` and the ``path`` glob with an error."""
        self._failures.append((method, path, DiscordError(status, code, message), [times]))

    def _take_failure(self, method: str, path: str) -> DiscordError | None:
        for wanted_method, pattern, error, remaining in self._failures:
            if wanted_method == method and fnmatch.fnmatchcase(path, pattern) and remaining[0] > 0:
                remaining[0] -= 1
                return error
        return None

    def diagnose(self, handle: InteractionHandle | None = None) -> str:
        """What a failing wait should print: the interaction's requests, refused requests, logged errors."""
        lines = []
        if handle is not None:
            lines.append(f"callbacks: {[(c.type, c.accepted, round(c.delay, 3)) for c in handle.record.callbacks]}")
            lines += [
                f"  {r.method} {r.path} -> {r.status} {r.response if r.status >= 300 else ''}"
                for r in handle.requests()
            ]
        failed = [r for r in self.request_log if r.status >= 400][-5:]
        if failed:
            lines.append("refused requests:")
            lines += [f"  {r.method} {r.path} -> {r.status} {r.response}" for r in failed]
        if self.errors.records:
            lines.append("logged errors:")
            for record in self.errors.records[-3:]:
                lines.append(f"  {record.name}: {record.getMessage()}")
                if record.exc_info and record.exc_info[1] is not None:
                    lines.append(f"    {type(record.exc_info[1]).__name__}: {record.exc_info[1]}")
        return "\n".join(lines) or "(no requests, no logged errors)"
