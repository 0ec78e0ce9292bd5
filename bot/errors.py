"""Turning failures into a private, friendly reply for the user and one log line for the operator.

Expected refusals (too long, too fast, queue full) are explained and logged at INFO. Anything else is
a bug or an outage: the user gets an apology with a short error id, and the log gets the same id
with the traceback, so a moderator's "it said error id 3fa9c2d1" leads straight to the cause.

Slash commands reach ``report_error`` through ``KatheryneTree.on_error``; button callbacks call it
themselves, because discord.py only logs exceptions raised by dynamic items.
"""

from __future__ import annotations

import logging
import math
import uuid
from typing import Any

import discord
from discord import app_commands

from assistant.worker import WorkerBusy, WorkerStopped
from bot.embeds import error_embed

__all__ = ["FriendlyError", "KatheryneTree", "describe_error", "new_error_id", "report_error", "send_private"]

log = logging.getLogger(__name__)

BUSY_MESSAGE = "I'm busy right now, try again in a moment."
RESTARTING_MESSAGE = "I'm restarting right now, try again in a minute."


class FriendlyError(app_commands.AppCommandError):
    """A refusal whose message is meant for the user as written (e.g. "That question is too long")."""


def new_error_id() -> str:
    """A short id that is easy to read out and unique enough to grep for in the log."""
    return uuid.uuid4().hex[:8]


def describe_error(error: BaseException) -> tuple[str, str | None]:
    """The message for the user, and an error id when the failure is unexpected (None otherwise)."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, FriendlyError):
        return str(error), None
    if isinstance(error, app_commands.CommandOnCooldown):
        seconds = max(1, math.ceil(error.retry_after))
        return f"You're asking a little fast. Try again in {seconds} s.", None
    if isinstance(error, WorkerBusy):
        return BUSY_MESSAGE, None
    if isinstance(error, WorkerStopped):
        return RESTARTING_MESSAGE, None
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that here.", None
    error_id = new_error_id()
    return (
        f"Sorry, something went wrong on my side. If it keeps happening, give a moderator this error id: `{error_id}`.",
        error_id,
    )


async def report_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Log ``error`` and tell the user privately, whatever state the interaction's response is in."""
    message, error_id = describe_error(error)
    where = _describe_interaction(interaction)
    if error_id is None:
        log.info("%s by user %s refused: %s", where, interaction.user.id, message)
    else:
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        log.error("error %s in %s by user %s", error_id, where, interaction.user.id, exc_info=cause)
    await send_private(interaction, error_embed(message))


async def send_private(interaction: discord.Interaction[Any], embed: discord.Embed) -> None:
    """Send ``embed`` so only the user sees it: as the response, or as an ephemeral follow-up."""
    none = discord.AllowedMentions.none()
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=none)
            return
        if interaction.response.type is discord.InteractionResponseType.deferred_channel_message:
            # Discord gives the first follow-up after a defer the defer's visibility, so a public
            # "thinking…" placeholder would turn this note public. Remove it, then send privately.
            await interaction.delete_original_response()
        await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=none)
    except discord.HTTPException as send_error:
        # The interaction expired or Discord is down; the log line above already holds the cause.
        log.warning("could not reply to user %s: %s", interaction.user.id, send_error)


def _describe_interaction(interaction: discord.Interaction[Any]) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: dict[str, Any] = dict(interaction.data or {})
    custom_id = data.get("custom_id")
    return f"component {custom_id}" if custom_id else f"interaction {interaction.type.name}"


class KatheryneTree(app_commands.CommandTree[Any]):
    """The command tree whose error handler answers every failed command privately."""

    async def on_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /) -> None:
        await report_error(interaction, error)
