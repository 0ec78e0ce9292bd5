"""The fake REST API: the routes discord.py's HTTPClient and webhook adapter call, answered like Discord.

Every request is recorded before it is routed (unknown routes too, answered 404) so tests can assert on
exactly what the bot sent. Interaction rules follow Discord: one callback per interaction, within the
deadline (3 s), followups and @original only after it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .models import FakeChannel, snowflake
from .state import (
    EPHEMERAL,
    LOADING,
    Callback,
    DiscordError,
    InteractionRecord,
    RecordedFile,
    RecordedRequest,
    StoredMessage,
    unknown,
    validate_choices,
    validate_message_body,
)

if TYPE_CHECKING:
    from .harness import FakeDiscord

Handler = Callable[..., Awaitable[tuple[int, Any]]]

# Flags a bot may set on a new message: SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS, IS_COMPONENTS_V2;
# EPHEMERAL only on interaction responses and followups.
_MESSAGE_FLAGS = (1 << 2) | (1 << 12) | (1 << 15)
_INTERACTION_FLAGS = _MESSAGE_FLAGS | EPHEMERAL


def _compile(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")


class RestApi:
    def __init__(self, owner: FakeDiscord) -> None:
        self.owner = owner
        o = self
        table: list[tuple[str, str, Handler, bool]] = [  # method, path, handler, needs bot auth
            ("GET", "/users/@me", o.get_me, True),
            ("GET", "/users/{user_id}", o.get_user, True),
            ("POST", "/users/@me/channels", o.create_dm, True),
            ("GET", "/oauth2/applications/@me", o.application_info, True),
            ("GET", "/applications/@me", o.application_info, True),
            ("GET", "/gateway", o.get_gateway, False),
            ("GET", "/gateway/bot", o.get_gateway_bot, True),
            ("GET", "/applications/{app_id}/commands", o.list_commands, True),
            ("PUT", "/applications/{app_id}/commands", o.put_commands, True),
            ("POST", "/applications/{app_id}/commands", o.upsert_command, True),
            ("GET", "/applications/{app_id}/commands/{command_id}", o.get_command, True),
            ("PATCH", "/applications/{app_id}/commands/{command_id}", o.edit_command, True),
            ("DELETE", "/applications/{app_id}/commands/{command_id}", o.delete_command, True),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", o.list_commands, True),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", o.put_commands, True),
            ("POST", "/applications/{app_id}/guilds/{guild_id}/commands", o.upsert_command, True),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}", o.get_command, True),
            ("PATCH", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}", o.edit_command, True),
            ("DELETE", "/applications/{app_id}/guilds/{guild_id}/commands/{command_id}", o.delete_command, True),
            ("POST", "/interactions/{interaction_id}/{token}/callback", o.interaction_callback, False),
            ("POST", "/webhooks/{app_id}/{token}", o.create_followup, False),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", o.get_webhook_message, False),
            ("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", o.edit_webhook_message, False),
            ("DELETE", "/webhooks/{app_id}/{token}/messages/{message_id}", o.delete_webhook_message, False),
            ("GET", "/channels/{channel_id}", o.get_channel, True),
            ("POST", "/channels/{channel_id}/typing", o.typing, True),
            ("GET", "/channels/{channel_id}/messages", o.list_messages, True),
            ("POST", "/channels/{channel_id}/messages", o.create_message, True),
            ("GET", "/channels/{channel_id}/messages/{message_id}", o.get_message, True),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", o.edit_message, True),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", o.delete_message, True),
            ("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", o.react, True),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", o.react, True),
            ("GET", "/guilds/{guild_id}", o.get_guild, True),
            ("GET", "/guilds/{guild_id}/channels", o.get_guild_channels, True),
            ("GET", "/guilds/{guild_id}/roles", o.get_guild_roles, True),
            ("GET", "/guilds/{guild_id}/members", o.list_members, True),
            ("GET", "/guilds/{guild_id}/members/{user_id}", o.get_member, True),
        ]
        self._routes = [(m, _compile(p), h, auth) for m, p, h, auth in table]

    # -- plumbing ------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        record = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=body,
            files=files,
            at=time.monotonic(),
            authorized=request.headers.get("Authorization") == f"Bot {self.owner.token}",
        )
        self.owner.request_log.append(record)
        try:
            status, payload = await self._route(record)
        except DiscordError as error:
            status, payload = error.status, error.payload()
        record.status, record.response = status, payload
        self.owner.changes.notify()
        if status == 204:
            return web.Response(status=204)
        # Exactly "application/json": discord.py's json_or_text compares the header verbatim and treats
        # "application/json; charset=utf-8" (aiohttp's json_response default) as plain text.
        return web.Response(
            body=json.dumps(payload, separators=(",", ":")).encode(),
            status=status,
            headers={"Content-Type": "application/json"},
        )

    async def _read_body(self, request: web.Request) -> tuple[Any, list[RecordedFile]]:
        files: list[RecordedFile] = []
        if request.content_type == "multipart/form-data":
            body: Any = None
            reader = await request.multipart()
            async for part in reader:
                data = bytes(await part.read(decode=False))  # type: ignore[union-attr]
                if part.name == "payload_json":
                    body = json.loads(data)
                else:
                    files.append(
                        RecordedFile(
                            part.name or "",
                            part.filename or "",  # type: ignore[union-attr]
                            part.headers.get("Content-Type"),
                            data,
                        )
                    )
            return body, files
        raw = await request.read()
        return (json.loads(raw) if raw else None), files

    async def _route(self, record: RecordedRequest) -> tuple[int, Any]:
        failure = self.owner._take_failure(record.method, record.path)
        if failure is not None:
            raise failure
        for method, pattern, handler, needs_auth in self._routes:
            match = pattern.match(record.path)
            if match is None or method != record.method:
                continue
            if needs_auth and not record.authorized:
                raise DiscordError(401, 0, "401: Unauthorized")
            return await handler(record, **match.groupdict())
        record.known = False
        raise DiscordError(404, 0, "404: Not Found")

    def _app(self, app_id: str) -> None:
        if int(app_id) != self.owner.application_id:
            raise unknown("Application", 10002)

    def _channel(self, channel_id: str) -> FakeChannel:
        channel = self.owner.channels.get(int(channel_id))
        if channel is None:
            raise unknown("Channel", 10003)
        return channel

    # -- users, application, gateway -------------------------------------------------------------

    async def get_me(self, req: RecordedRequest) -> tuple[int, Any]:
        return 200, {**self.owner.bot_user.payload(), "verified": True, "mfa_enabled": False, "locale": "en-US"}

    async def get_user(self, req: RecordedRequest, user_id: str) -> tuple[int, Any]:
        user = self.owner.users.get(int(user_id))
        if user is None:
            raise unknown("User", 10013)
        return 200, user.payload()

    async def create_dm(self, req: RecordedRequest) -> tuple[int, Any]:
        user = self.owner.users.get(int((req.json or {}).get("recipient_id", 0)))
        if user is None:
            raise unknown("User", 10013)
        return 200, self.owner.dm_channel(user).payload()

    async def application_info(self, req: RecordedRequest) -> tuple[int, Any]:
        o = self.owner
        return 200, {
            "id": str(o.application_id),
            "name": o.bot_user.name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "rpc_origins": [],
            "bot_public": True,
            "bot_require_code_grant": False,
            "bot": o.bot_user.payload(),
            "owner": o.owner_user.payload(),
            "team": None,
            "verify_key": "0" * 64,
            "flags": o.application_flags,
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "approximate_guild_count": 1,
        }

    async def get_gateway(self, req: RecordedRequest) -> tuple[int, Any]:
        return 200, {"url": self.owner.ws_url}

    async def get_gateway_bot(self, req: RecordedRequest) -> tuple[int, Any]:
        return 200, {
            "url": self.owner.ws_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
        }

    # -- application commands --------------------------------------------------------------------

    def _commands(self, app_id: str, guild_id: str | None) -> dict[str, dict[str, Any]]:
        self._app(app_id)
        if guild_id is None:
            return self.owner.global_commands
        if int(guild_id) != self.owner.guild.id:
            raise DiscordError(403, 50001, "Missing Access")
        return self.owner.guild_commands

    def _command_payload(
        self, body: dict[str, Any], guild_id: str | None, existing: dict[str, Any] | None
    ) -> dict[str, Any]:
        command = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "dm_permission": True,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
            **body,
            "id": existing["id"] if existing else str(snowflake()),
            "application_id": str(self.owner.application_id),
            "version": str(snowflake()),
        }
        if guild_id is not None:
            command["guild_id"] = guild_id
        return command

    async def list_commands(self, req: RecordedRequest, app_id: str, guild_id: str | None = None) -> tuple[int, Any]:
        return 200, list(self._commands(app_id, guild_id).values())

    async def put_commands(self, req: RecordedRequest, app_id: str, guild_id: str | None = None) -> tuple[int, Any]:
        commands = self._commands(app_id, guild_id)
        previous = {(c["name"], c.get("type", 1)): c for c in commands.values()}
        fresh = [
            self._command_payload(b, guild_id, previous.get((b["name"], b.get("type", 1)))) for b in req.json or []
        ]
        commands.clear()
        commands.update((c["id"], c) for c in fresh)
        return 200, fresh

    async def upsert_command(self, req: RecordedRequest, app_id: str, guild_id: str | None = None) -> tuple[int, Any]:
        commands = self._commands(app_id, guild_id)
        body = req.json or {}
        existing = next(
            (c for c in commands.values() if (c["name"], c.get("type", 1)) == (body["name"], body.get("type", 1))), None
        )
        command = self._command_payload(body, guild_id, existing)
        commands[command["id"]] = command
        return (200 if existing else 201), command

    async def get_command(
        self, req: RecordedRequest, app_id: str, command_id: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        command = self._commands(app_id, guild_id).get(command_id)
        if command is None:
            raise unknown("application command", 10063)
        return 200, command

    async def edit_command(
        self, req: RecordedRequest, app_id: str, command_id: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        commands = self._commands(app_id, guild_id)
        if command_id not in commands:
            raise unknown("application command", 10063)
        commands[command_id] = {**commands[command_id], **(req.json or {}), "version": str(snowflake())}
        return 200, commands[command_id]

    async def delete_command(
        self, req: RecordedRequest, app_id: str, command_id: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        if self._commands(app_id, guild_id).pop(command_id, None) is None:
            raise unknown("application command", 10063)
        return 204, None

    # -- interactions -----------------------------------------------------------------------------

    def _new_response_message(
        self, record: InteractionRecord, data: dict[str, Any], files: list[RecordedFile], *, flags: int
    ) -> StoredMessage:
        o = self.owner
        extra: dict[str, Any] = {
            "webhook_id": str(o.application_id),
            "application_id": str(o.application_id),
            "interaction_metadata": o.interaction_metadata(record),
        }
        if record.type == 2:
            extra["interaction"] = {
                "id": str(record.id),
                "type": 2,
                "name": record.payload["data"]["name"],
                "user": record.user.payload(),
            }
        message = o.factory.create(
            data,
            files,
            channel_id=record.channel_id,
            author=o.bot_user,
            guild_id=o.guild_id_of(record.channel_id),
            message_type=20 if record.type == 2 else 0,
            extra=extra,
            flags=flags,
        )
        message.interaction_id = record.id
        o.store_message(message)
        return message

    async def interaction_callback(self, req: RecordedRequest, interaction_id: str, token: str) -> tuple[int, Any]:
        o = self.owner
        record = o.interactions.get(int(interaction_id))
        if record is None or record.token != token:
            raise unknown("interaction", 10062)
        body = req.json or {}
        kind = int(body.get("type", 0))
        data = body.get("data")
        callback = Callback(kind, data, req.files, req.at - record.dispatched_at, False, req)
        if record.acknowledged is not None:
            record.callbacks.append(callback)
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if callback.delay > o.callback_deadline:
            record.callbacks.append(callback)
            raise unknown("interaction", 10062)

        message: StoredMessage | None = None
        if kind == 4:
            validate_message_body(data or {}, req.files, creating=True)
            message = self._new_response_message(
                record, data or {}, req.files, flags=int((data or {}).get("flags") or 0) & _INTERACTION_FLAGS
            )
        elif kind == 5:
            flags = LOADING | (int((data or {}).get("flags") or 0) & EPHEMERAL)
            message = self._new_response_message(record, {"content": ""}, [], flags=flags)
        elif kind in (6, 7):
            if record.source_message_id is None:
                raise DiscordError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "type": {
                            "_errors": [
                                {
                                    "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                    "message": "This interaction has no message",
                                }
                            ]
                        }
                    },
                )
            message = o.messages[record.source_message_id]
            if kind == 7:
                validate_message_body(data or {}, req.files, creating=False)
                o.factory.edit(message, data or {}, req.files)
        elif kind == 8:
            if record.type != 4:
                raise DiscordError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "type": {
                            "_errors": [
                                {"code": "INTERACTION_RESPONSE_TYPE_INVALID", "message": "Autocomplete needs type 4"}
                            ]
                        }
                    },
                )
            validate_choices((data or {}).get("choices"))
        elif kind == 9:
            modal = data or {}
            if (
                record.type not in (2, 3)
                or not modal.get("custom_id")
                or not 1 <= len(modal.get("title") or "") <= 45
                or not 1 <= len(modal.get("components") or []) <= 5
            ):
                raise DiscordError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "data": {
                            "_errors": [
                                {
                                    "code": "MODAL_INVALID",
                                    "message": "modal needs custom_id, a title of 1-45, 1-5 components",
                                }
                            ]
                        }
                    },
                )
        else:
            raise DiscordError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "type": {
                        "_errors": [
                            {
                                "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                "message": f"unsupported response type {kind}",
                            }
                        ]
                    }
                },
            )

        record.callbacks.append(Callback(kind, data, req.files, callback.delay, True, req))
        response: dict[str, Any] = {
            "interaction": {
                "id": str(record.id),
                "type": record.type,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message is not None and message.ephemeral),
            }
        }
        if message is not None:
            record.original_id = message.id
            response["interaction"]["response_message_id"] = str(message.id)
            response["resource"] = {"type": kind, "message": message.data}
        else:
            response["resource"] = {"type": kind}
        return 200, response

    def _webhook(self, app_id: str, token: str) -> InteractionRecord:
        self._app(app_id)
        record = self.owner.interactions_by_token.get(token)
        if record is None or record.acknowledged is None:
            raise unknown("Webhook", 10015)
        return record

    def _webhook_message(self, record: InteractionRecord, message_id: str) -> StoredMessage:
        wanted = record.original_id if message_id == "@original" else int(message_id)
        if wanted is None or (wanted != record.original_id and wanted not in record.followup_ids):
            raise unknown("Message", 10008)
        message = self.owner.messages[wanted]
        if message.deleted:
            raise unknown("Message", 10008)
        return message

    async def create_followup(self, req: RecordedRequest, app_id: str, token: str) -> tuple[int, Any]:
        record = self._webhook(app_id, token)
        body = req.json or {}
        validate_message_body(body, req.files, creating=True)
        message = self._new_response_message(
            record, body, req.files, flags=int(body.get("flags") or 0) & _INTERACTION_FLAGS
        )
        record.followup_ids.append(message.id)
        return (200, message.data) if req.query.get("wait") in ("1", "true", "True") else (204, None)

    async def get_webhook_message(
        self, req: RecordedRequest, app_id: str, token: str, message_id: str
    ) -> tuple[int, Any]:
        return 200, self._webhook_message(self._webhook(app_id, token), message_id).data

    async def edit_webhook_message(
        self, req: RecordedRequest, app_id: str, token: str, message_id: str
    ) -> tuple[int, Any]:
        message = self._webhook_message(self._webhook(app_id, token), message_id)
        body = req.json or {}
        validate_message_body(body, req.files, creating=False)
        self.owner.factory.edit(message, body, req.files)
        return 200, message.data

    async def delete_webhook_message(
        self, req: RecordedRequest, app_id: str, token: str, message_id: str
    ) -> tuple[int, Any]:
        self._webhook_message(self._webhook(app_id, token), message_id).deleted = True
        return 204, None

    # -- channels and messages --------------------------------------------------------------------

    def _channel_message(self, channel_id: str, message_id: str) -> StoredMessage:
        self._channel(channel_id)
        message = self.owner.messages.get(int(message_id))
        # Ephemeral messages exist only for their user; the bot reaches them through the webhook routes.
        if message is None or message.deleted or message.channel_id != int(channel_id) or message.ephemeral:
            raise unknown("Message", 10008)
        return message

    async def get_channel(self, req: RecordedRequest, channel_id: str) -> tuple[int, Any]:
        return 200, self._channel(channel_id).payload()

    async def typing(self, req: RecordedRequest, channel_id: str) -> tuple[int, Any]:
        self._channel(channel_id)
        return 204, None

    async def list_messages(self, req: RecordedRequest, channel_id: str) -> tuple[int, Any]:
        self._channel(channel_id)
        limit = int(req.query.get("limit", 50))
        found = [
            m.data
            for m in self.owner.messages.values()
            if m.channel_id == int(channel_id) and not m.deleted and not m.ephemeral
        ]
        return 200, list(reversed(found))[:limit]

    async def create_message(self, req: RecordedRequest, channel_id: str) -> tuple[int, Any]:
        o = self.owner
        channel = self._channel(channel_id)
        body = req.json or {}
        validate_message_body(body, req.files, creating=True)
        extra: dict[str, Any] = {}
        message_type = 0
        reference = body.get("message_reference")
        if reference:
            referenced = o.messages.get(int(reference["message_id"]))
            if referenced is None and reference.get("fail_if_not_exists", True):
                raise DiscordError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "message_reference": {
                            "_errors": [{"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}]
                        }
                    },
                )
            message_type = 19
            extra = {
                "message_reference": {**reference, "channel_id": channel_id},
                "referenced_message": referenced.data if referenced else None,
            }
        message = o.factory.create(
            body,
            req.files,
            channel_id=channel.id,
            author=o.bot_user,
            guild_id=channel.guild_id,
            message_type=message_type,
            extra=extra,
            flags=int(body.get("flags") or 0) & _MESSAGE_FLAGS,
        )
        o.store_message(message)
        return 200, message.data

    async def get_message(self, req: RecordedRequest, channel_id: str, message_id: str) -> tuple[int, Any]:
        return 200, self._channel_message(channel_id, message_id).data

    async def edit_message(self, req: RecordedRequest, channel_id: str, message_id: str) -> tuple[int, Any]:
        message = self._channel_message(channel_id, message_id)
        if int(message.data["author"]["id"]) != self.owner.bot_user.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        body = req.json or {}
        validate_message_body(body, req.files, creating=False)
        self.owner.factory.edit(message, body, req.files)
        return 200, message.data

    async def delete_message(self, req: RecordedRequest, channel_id: str, message_id: str) -> tuple[int, Any]:
        self._channel_message(channel_id, message_id).deleted = True
        return 204, None

    async def react(self, req: RecordedRequest, channel_id: str, message_id: str, emoji: str) -> tuple[int, Any]:
        self._channel_message(channel_id, message_id)
        return 204, None

    # -- guild ------------------------------------------------------------------------------------

    def _guild(self, guild_id: str) -> None:
        if int(guild_id) != self.owner.guild.id:
            raise unknown("Guild", 10004)

    async def get_guild(self, req: RecordedRequest, guild_id: str) -> tuple[int, Any]:
        self._guild(guild_id)
        payload = self.owner.guild.payload(include_members=False)
        for key in ("members", "channels", "threads", "presences", "voice_states", "joined_at", "member_count"):
            payload.pop(key, None)
        return 200, payload

    async def get_guild_channels(self, req: RecordedRequest, guild_id: str) -> tuple[int, Any]:
        self._guild(guild_id)
        return 200, [c.payload() for c in self.owner.guild.channels.values()]

    async def get_guild_roles(self, req: RecordedRequest, guild_id: str) -> tuple[int, Any]:
        self._guild(guild_id)
        guild = self.owner.guild
        return 200, [guild.everyone.payload(), *(r.payload() for r in guild.roles.values())]

    async def list_members(self, req: RecordedRequest, guild_id: str) -> tuple[int, Any]:
        self._guild(guild_id)
        guild = self.owner.guild
        return 200, [guild.member_payload(m) for m in guild.members.values()]

    async def get_member(self, req: RecordedRequest, guild_id: str, user_id: str) -> tuple[int, Any]:
        self._guild(guild_id)
        guild = self.owner.guild
        user = guild.members.get(int(user_id))
        if user is None:
            raise unknown("Member", 10007)
        return 200, guild.member_payload(user)
