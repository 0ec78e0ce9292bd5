"""Who counts as a moderator, decided by the bot on every call rather than by what Discord's client shows.

Moderators are the bot's owners (OWNER_IDS, else the application's owner), members with the Manage
Server permission in the guild the interaction comes from (administrators have it implicitly), and
members holding one of ADMIN_ROLE_IDS. Moderator commands also carry
``default_permissions(manage_guild=True)`` so Discord hides them from everyone else, but a server
admin can change that in the server's settings, so the check here is what actually guards them.

The permissions and roles read here come from the interaction payload Discord sends, computed on
Discord's side; nothing a user's client sends can change them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.errors import FriendlyError

if TYPE_CHECKING:
    from bot.app import KatheryneBot

__all__ = ["NOT_A_MODERATOR", "NotModerator", "ensure_moderator", "is_moderator", "moderator_only"]

T = TypeVar("T")

NOT_A_MODERATOR = "Only Katheryne's moderators can do that (members with Manage Server or a moderator role)."


class NotModerator(FriendlyError, app_commands.CheckFailure):
    """The user asked for something only moderators may do; the message says so."""

    def __init__(self) -> None:
        super().__init__(NOT_A_MODERATOR)


async def is_moderator(interaction: discord.Interaction[KatheryneBot]) -> bool:
    """Whether the user behind ``interaction`` may moderate Katheryne where they are."""
    bot = interaction.client
    user = interaction.user
    if isinstance(user, discord.Member) and interaction.guild_id is not None:
        # Channel-resolved permissions as Discord computed them; Manage Server is guild-wide, so no
        # channel overwrite can grant or deny it.
        permissions = interaction.permissions
        if permissions.administrator or permissions.manage_guild:
            return True
        if bot.config.admin_role_ids.intersection(role.id for role in user.roles):
            return True
    # Last, because with OWNER_IDS unset it asks Discord for the application's owner (once).
    return await bot.is_owner(user)


async def ensure_moderator(interaction: discord.Interaction[KatheryneBot]) -> None:
    """Raise NotModerator unless the user is a moderator; for buttons and modals, which have no checks."""
    if not await is_moderator(interaction):
        raise NotModerator()


def moderator_only() -> Callable[[T], T]:
    """An ``app_commands`` check refusing non-moderators with a private NotModerator reply."""

    async def predicate(interaction: discord.Interaction[KatheryneBot]) -> bool:
        await ensure_moderator(interaction)
        return True

    return app_commands.check(predicate)
