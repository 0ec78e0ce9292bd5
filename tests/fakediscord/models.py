"""The fake Discord's world: snowflakes, users, roles, channels and the guild, as Discord serialises them.

Every object renders itself as the JSON payload real Discord sends, so discord.py parses them with its
own code paths; nothing here knows about discord.py's classes.
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import discord

DISCORD_EPOCH_MS = 1420070400000

#: Permissions a freshly invited bot role usually gets: view, send, embed, attach, history, use commands.
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    use_application_commands=True,
    add_reactions=True,
).value
#: What @everyone may do in a default community server.
EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    use_application_commands=True,
    add_reactions=True,
    mention_everyone=False,
).value
ALL_PERMISSIONS = discord.Permissions.all().value
ADMINISTRATOR = discord.Permissions(administrator=True).value

_last_snowflake = 0
_snowflake_lock = threading.Lock()


def snowflake() -> int:
    """A new, unique, time-ordered snowflake (so discord.py's ``created_at`` is meaningful)."""
    global _last_snowflake
    with _snowflake_lock:
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        _last_snowflake = max(now, _last_snowflake + 1)
        return _last_snowflake


def iso_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


def permission_value(permissions: int | discord.Permissions | None) -> int | None:
    if permissions is None:
        return None
    return permissions.value if isinstance(permissions, discord.Permissions) else int(permissions)


@dataclass(eq=False)
class FakeUser:
    id: int
    name: str
    bot: bool = False
    global_name: str | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
        }


@dataclass(eq=False)
class FakeRole:
    id: int
    name: str
    permissions: int = 0
    position: int = 1
    mentionable: bool = False
    managed: bool = False

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }


@dataclass(eq=False)
class FakeChannel:
    """A guild text channel (type 0) or, with ``guild_id=None`` and a recipient, a DM (type 1)."""

    id: int
    name: str
    guild_id: int | None
    type: int = 0
    position: int = 0
    recipient: FakeUser | None = None

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> dict[str, Any]:
        if self.type == 1:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": 1,
                "last_message_id": None,
                "recipients": [self.recipient.payload()],
                "flags": 0,
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "nsfw": False,
            "topic": None,
            "parent_id": None,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
        }


@dataclass(eq=False)
class FakeGuild:
    """One guild with its roles, channels and members; ``id`` doubles as the @everyone role id."""

    id: int
    name: str
    owner_id: int
    everyone: FakeRole
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeUser] = field(default_factory=dict)
    member_roles: dict[int, list[int]] = field(default_factory=dict)
    joined_at: str = field(default_factory=iso_now)

    def permissions_of(self, user: FakeUser, role_ids: list[int] | None = None) -> int:
        """Guild-level permissions, computed as Discord does: @everyone | member roles, admin/owner = all.
        ``role_ids`` replaces the member's stored roles for this computation."""
        if user.id == self.owner_id:
            return ALL_PERMISSIONS
        value = self.everyone.permissions
        for role_id in self.member_roles.get(user.id, []) if role_ids is None else role_ids:
            value |= self.roles[role_id].permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value

    def member_payload(
        self, user: FakeUser, *, permissions: int | None = None, roles: list[int] | None = None, with_user: bool = True
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "roles": [str(r) for r in (self.member_roles.get(user.id, []) if roles is None else roles)],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "nick": None,
            "avatar": None,
            "banner": None,
            "flags": 0,
            "communication_disabled_until": None,
            "avatar_decoration_data": None,
        }
        if with_user:
            payload["user"] = user.payload()
        if permissions is not None:
            payload["permissions"] = str(permissions)
        return payload

    def payload(self, *, include_members: bool) -> dict[str, Any]:
        """The GUILD_CREATE payload; without the members intent Discord sends only the bot's own member."""
        members = list(self.members.values())
        if not include_members:
            members = [m for m in members if m.bot]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "features": [],
            "roles": [self.everyone.payload(), *(r.payload() for r in self.roles.values())],
            "emojis": [],
            "stickers": [],
            "channels": [c.payload() for c in self.channels.values()],
            "threads": [],
            "members": [self.member_payload(m) for m in members],
            "member_count": len(self.members),
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": self.joined_at,
            "large": False,
            "unavailable": False,
            "lazy": True,
            "premium_progress_bar_enabled": False,
        }


@dataclass(frozen=True)
class FakeAttachment:
    """A file a user attached to a slash command option (type 11); served by the fake at ``url``."""

    id: int
    filename: str
    data: bytes
    content_type: str
    url: str

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
            "ephemeral": True,
        }
