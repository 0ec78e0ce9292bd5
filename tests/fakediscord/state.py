"""What the fake Discord remembers: recorded requests, messages with their edit history, interactions.

Messages are validated and given mentions the way Discord does it, so a test can ask "did anything
ping?" or "would Discord have rejected this embed?" instead of re-deriving Discord's rules itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .models import FakeGuild, FakeUser, iso_now, snowflake

EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Discord's documented limits for message bodies.
CONTENT_LIMIT = 2000
EMBED_LIMITS = {"title": 256, "description": 4096, "footer.text": 2048, "author.name": 256}
FIELD_NAME_LIMIT, FIELD_VALUE_LIMIT, FIELDS_PER_EMBED = 256, 1024, 25
EMBEDS_PER_MESSAGE, EMBED_TOTAL_LIMIT = 10, 6000
CUSTOM_ID_LIMIT, BUTTON_LABEL_LIMIT, ROWS_PER_MESSAGE = 100, 80, 5
CHOICES_PER_RESPONSE, CHOICE_LIMIT = 25, 100

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")
_EVERYONE = re.compile(r"@(everyone|here)")


@dataclass(frozen=True)
class RecordedFile:
    field: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass
class RecordedRequest:
    """One HTTP request as the bot sent it, and what the fake answered."""

    method: str
    path: str  # without the /api/v10 prefix, e.g. "/interactions/123/tok/callback"
    query: dict[str, str]
    json: Any  # the JSON body, or the parsed payload_json part of a multipart body
    files: list[RecordedFile]
    at: float  # time.monotonic() on arrival
    authorized: bool
    status: int = 0
    response: Any = None
    known: bool = True  # False: no such route in the fake (answered 404)


class DiscordError(Exception):
    """An error the fake answers with, in Discord's JSON error format."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            body["errors"] = self.errors
        return body


def unknown(what: str, code: int) -> DiscordError:
    return DiscordError(404, code, f"Unknown {what}")


@dataclass(frozen=True)
class Pings:
    """Who a message's content would notify, after allowed_mentions."""

    everyone: bool
    users: frozenset[int]
    roles: frozenset[int]

    def __bool__(self) -> bool:
        return self.everyone or bool(self.users) or bool(self.roles)


def resolve_pings(content: str, allowed: dict[str, Any] | None) -> Pings:
    """Apply Discord's allowed_mentions rules; a missing allowed_mentions parses everything."""
    if allowed is None:
        parse = {"everyone", "users", "roles"}
        users_allowed: set[int] = set()
        roles_allowed: set[int] = set()
    else:
        parse = set(allowed.get("parse") or [])
        users_allowed = {int(u) for u in allowed.get("users") or []}
        roles_allowed = {int(r) for r in allowed.get("roles") or []}
    users = {int(u) for u in _USER_MENTION.findall(content)}
    roles = {int(r) for r in _ROLE_MENTION.findall(content)}
    return Pings(
        everyone="everyone" in parse and bool(_EVERYONE.search(content)),
        users=frozenset(users if "users" in parse else users & users_allowed),
        roles=frozenset(roles if "roles" in parse else roles & roles_allowed),
    )


def _too_long(limit: int) -> dict[str, Any]:
    return {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {limit} or fewer in length."}]}


def _embed_errors(embed: dict[str, Any]) -> tuple[dict[str, Any], int]:
    errors: dict[str, Any] = {}
    total = 0
    for dotted, limit in EMBED_LIMITS.items():
        section, _, key = dotted.partition(".")
        value = (embed.get(section) or {}).get(key) if key else embed.get(section)
        if value:
            total += len(value)
            if len(value) > limit and key:
                errors.setdefault(section, {})[key] = _too_long(limit)
            elif len(value) > limit:
                errors[section] = _too_long(limit)
    fields = embed.get("fields") or []
    if len(fields) > FIELDS_PER_EMBED:
        errors["fields"] = _too_long(FIELDS_PER_EMBED)
    for index, fld in enumerate(fields):
        for key, limit in (("name", FIELD_NAME_LIMIT), ("value", FIELD_VALUE_LIMIT)):
            value = str(fld.get(key, ""))
            total += len(value)
            if not value.strip():
                errors.setdefault("fields", {}).setdefault(str(index), {})[key] = {
                    "_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]
                }
            elif len(value) > limit:
                errors.setdefault("fields", {}).setdefault(str(index), {})[key] = _too_long(limit)
    return errors, total


def _walk_components(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every interactive component, flattened out of rows, sections, containers and labels."""
    found: list[dict[str, Any]] = []
    for component in components:
        children = list(component.get("components") or [])
        for key in ("accessory", "component"):
            if component.get(key):
                children.append(component[key])
        if "custom_id" in component or component.get("type") == 2:
            found.append(component)
        found.extend(_walk_components(children))
    return found


def validate_message_body(body: dict[str, Any], files: list[RecordedFile], *, creating: bool) -> None:
    """Reject what Discord rejects: over-long content/embeds, empty messages, broken components."""
    errors: dict[str, Any] = {}
    content = body.get("content") or ""
    if len(content) > CONTENT_LIMIT:
        errors["content"] = _too_long(CONTENT_LIMIT)
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS_PER_MESSAGE:
        errors["embeds"] = _too_long(EMBEDS_PER_MESSAGE)
    total = 0
    for index, embed in enumerate(embeds):
        embed_errors, size = _embed_errors(embed)
        total += size
        if embed_errors:
            errors.setdefault("embeds", {})[str(index)] = embed_errors
    if total > EMBED_TOTAL_LIMIT:
        errors.setdefault("embeds", {})["_errors"] = [
            {"code": "MAX_EMBED_SIZE_EXCEEDED", "message": "Embed size exceeds maximum size of 6000"}
        ]
    components = body.get("components") or []
    if len(components) > ROWS_PER_MESSAGE and not (body.get("flags", 0) & (1 << 15)):
        errors["components"] = _too_long(ROWS_PER_MESSAGE)
    seen: set[str] = set()
    for component in _walk_components(components):
        custom_id = component.get("custom_id")
        if custom_id is not None:
            if len(custom_id) > CUSTOM_ID_LIMIT or custom_id in seen:
                errors.setdefault("components", {})["custom_id"] = {
                    "_errors": [{"code": "COMPONENT_CUSTOM_ID_INVALID", "message": f"bad custom_id {custom_id!r}"}]
                }
            seen.add(custom_id)
        if len(component.get("label") or "") > BUTTON_LABEL_LIMIT:
            errors.setdefault("components", {})["label"] = _too_long(BUTTON_LABEL_LIMIT)
    if errors:
        raise DiscordError(400, 50035, "Invalid Form Body", errors)
    if creating and not (
        content
        or embeds
        or files
        or body.get("attachments")
        or components
        or body.get("sticker_ids")
        or body.get("poll")
    ):
        raise DiscordError(400, 50006, "Cannot send an empty message")


def validate_choices(choices: Any) -> None:
    """Reject an autocomplete answer Discord rejects: over 25 choices, names outside 1-100 characters,
    string values over 100 characters."""
    if not isinstance(choices, list):
        raise DiscordError(
            400,
            50035,
            "Invalid Form Body",
            {"choices": {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "This field is required"}]}},
        )
    errors: dict[str, Any] = {}
    if len(choices) > CHOICES_PER_RESPONSE:
        errors["_errors"] = _too_long(CHOICES_PER_RESPONSE)["_errors"]
    for index, choice in enumerate(choices):
        name, value = str(choice.get("name") or ""), choice.get("value")
        if not 1 <= len(name) <= CHOICE_LIMIT:
            errors.setdefault(str(index), {})["name"] = _too_long(CHOICE_LIMIT)
        if isinstance(value, str) and len(value) > CHOICE_LIMIT:
            errors.setdefault(str(index), {})["value"] = _too_long(CHOICE_LIMIT)
    if errors:
        raise DiscordError(400, 50035, "Invalid Form Body", {"data": {"choices": errors}})


@dataclass(eq=False)
class StoredMessage:
    """A message as Discord holds it: current payload, every earlier version, and the uploaded bytes."""

    data: dict[str, Any]
    created_at: float = field(default_factory=time.monotonic)
    history: list[dict[str, Any]] = field(default_factory=list)
    files: dict[int, RecordedFile] = field(default_factory=dict)  # attachment id -> upload
    deleted: bool = False
    interaction_id: int | None = None
    pings: Pings = Pings(False, frozenset(), frozenset())
    all_pings: list[Pings] = field(default_factory=list)  # one per write of content, edits included

    @property
    def id(self) -> int:
        return int(self.data["id"])

    @property
    def channel_id(self) -> int:
        return int(self.data["channel_id"])

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def embed(self) -> dict[str, Any]:
        """The first embed (most bot answers have exactly one)."""
        if not self.embeds:
            raise AssertionError(f"message {self.id} has no embed: {self.data!r}")
        return self.embeds[0]

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.data.get("components") or []

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """True while this is a deferred "thinking..." response that was not edited yet."""
        return bool(self.flags & LOADING)

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return self.data.get("attachments") or []

    def interactive_components(self) -> list[dict[str, Any]]:
        return _walk_components(self.components)

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.interactive_components() if "custom_id" in c]

    def component(self, custom_id: str) -> dict[str, Any]:
        for component in self.interactive_components():
            if component.get("custom_id") == custom_id:
                return component
        raise LookupError(f"message {self.id} has no component {custom_id!r}; it has {self.custom_ids!r}")

    def file(self, filename: str) -> RecordedFile:
        for upload in self.files.values():
            if upload.filename == filename:
                return upload
        raise LookupError(f"message {self.id} has no file {filename!r}")

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)


class MessageFactory:
    """Builds and edits message payloads; knows the server's base URL for attachment links."""

    def __init__(self, base_url: str, users: dict[int, FakeUser], guild: FakeGuild) -> None:
        self.base_url = base_url
        self.users = users
        self.guild = guild

    def _attachments(
        self,
        channel_id: int,
        body: dict[str, Any],
        files: list[RecordedFile],
        previous: list[dict[str, Any]],
        stored: dict[int, RecordedFile],
    ) -> list[dict[str, Any]]:
        by_field = {f.field: f for f in files}
        keep = {str(a["id"]): a for a in previous}
        result: list[dict[str, Any]] = []
        for spec in body.get("attachments") or []:
            key = str(spec.get("id"))
            if key in keep:
                result.append(keep[key])
                continue
            upload = by_field.get(f"files[{key}]")
            if upload is None:
                raise DiscordError(
                    400,
                    50035,
                    "Invalid Form Body",
                    {
                        "attachments": {
                            key: {"_errors": [{"code": "ATTACHMENT_NOT_FOUND", "message": "no such file part"}]}
                        }
                    },
                )
            attachment_id = snowflake()
            stored[attachment_id] = upload
            url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{upload.filename}"
            result.append(
                {
                    "id": str(attachment_id),
                    "filename": spec.get("filename") or upload.filename,
                    "description": spec.get("description"),
                    "content_type": upload.content_type,
                    "size": len(upload.data),
                    "url": url,
                    "proxy_url": url,
                    "flags": 0,
                }
            )
        return result

    def _mentions(self, content: str, allowed: dict[str, Any] | None) -> tuple[Pings, dict[str, Any]]:
        pings = resolve_pings(content, allowed)
        fields = {
            "mention_everyone": pings.everyone,
            "mentions": [self.users[u].payload() for u in sorted(pings.users) if u in self.users],
            "mention_roles": [str(r) for r in sorted(pings.roles)],
        }
        return pings, fields

    def create(
        self,
        body: dict[str, Any],
        files: list[RecordedFile],
        *,
        channel_id: int,
        author: FakeUser,
        guild_id: int | None,
        message_type: int = 0,
        extra: dict[str, Any] | None = None,
        flags: int | None = None,
    ) -> StoredMessage:
        message_id = snowflake()
        stored = StoredMessage(data={})
        attachments = self._attachments(channel_id, body, files, [], stored.files)
        content = body.get("content") or ""
        pings, mention_fields = self._mentions(content, body.get("allowed_mentions"))
        data: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "type": message_type,
            "content": content,
            "author": author.payload(),
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "embeds": copy.deepcopy(body.get("embeds") or []),
            "components": copy.deepcopy(body.get("components") or []),
            "attachments": attachments,
            "flags": int(body.get("flags") or 0) if flags is None else flags,
            "pinned": False,
            "reactions": [],
            **mention_fields,
            **(extra or {}),
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        if "poll" in body:
            data["poll"] = copy.deepcopy(body["poll"])
        stored.data = data
        stored.pings = pings
        stored.all_pings.append(pings)
        return stored

    def edit(self, message: StoredMessage, body: dict[str, Any], files: list[RecordedFile]) -> None:
        """PATCH semantics: only the keys present change; ``attachments`` lists what to keep and add."""
        message.history.append(message.snapshot())
        data = message.data
        for key in ("content", "embeds", "components", "poll"):
            if key in body:
                data[key] = copy.deepcopy(body[key]) if body[key] is not None else ([] if key != "content" else "")
        if "attachments" in body or files:
            data["attachments"] = self._attachments(message.channel_id, body, files, data["attachments"], message.files)
        if "flags" in body and body["flags"] is not None:
            # Only SUPPRESS_EMBEDS (and IS_COMPONENTS_V2) may change; ephemerality is fixed at creation.
            keep = data.get("flags", 0) & (EPHEMERAL | (1 << 15))
            data["flags"] = keep | (int(body["flags"]) & ((1 << 2) | (1 << 15)))
        data["flags"] = int(data.get("flags") or 0) & ~LOADING
        if "content" in body or "allowed_mentions" in body:
            pings, fields = self._mentions(data.get("content") or "", body.get("allowed_mentions"))
            data.update(fields)
            message.pings = pings
            message.all_pings.append(pings)
        data["edited_timestamp"] = iso_now()


@dataclass(frozen=True)
class Callback:
    """The bot's answer to an interaction (POST /interactions/{id}/{token}/callback)."""

    type: int  # 4 message, 5 deferred message, 6 deferred update, 7 update message, 8 autocomplete, 9 modal
    data: dict[str, Any] | None
    files: list[RecordedFile]
    delay: float  # seconds from dispatching INTERACTION_CREATE to the callback's arrival
    accepted: bool  # False: Discord refused it (too late, or already acknowledged)
    request: RecordedRequest

    @property
    def ephemeral(self) -> bool:
        return bool(int((self.data or {}).get("flags") or 0) & EPHEMERAL)

    @property
    def is_defer(self) -> bool:
        return self.type in (5, 6)


@dataclass(eq=False)
class InteractionRecord:
    id: int
    token: str
    type: int
    payload: dict[str, Any]
    dispatched_at: float
    channel_id: int
    user: FakeUser
    source_message_id: int | None = None
    callbacks: list[Callback] = field(default_factory=list)
    original_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)

    @property
    def acknowledged(self) -> Callback | None:
        return next((c for c in self.callbacks if c.accepted), None)


class Changes:
    """Lets harness coroutines wait for the fake's state to change; predicates about the bot's own state
    (which cannot notify us) are re-checked every ``poll`` seconds as well."""

    poll = 0.02

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_for(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout:.1f}s waiting for {what}")
            waiter = loop.create_future()
            self._waiters.append(waiter)
            with contextlib.suppress(TimeoutError):  # woken or polled: look again either way
                await asyncio.wait_for(waiter, min(remaining, self.poll))
