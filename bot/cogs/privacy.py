"""``/forget``: any user deletes everything Katheryne logged from them, after confirming with a button.

Deleting is immediate and final: the rows leave the database (and its WAL file), so no later export
or retrain can use them. Without /forget, exchanges are kept RETENTION_DAYS days (``KatheryneBot.purge_expired``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.contexts import member_command
from bot.errors import report_error

if TYPE_CHECKING:
    from bot.app import KatheryneBot

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT_S = 120.0
"""How long the confirmation buttons wait; afterwards nothing is deleted and the buttons go away."""

_NONE = discord.AllowedMentions.none()


class ForgetConfirmation(discord.ui.View):
    """The private "are you sure?" under /forget; only the user who asked can answer it."""

    def __init__(self, interaction: discord.Interaction[KatheryneBot]) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT_S)
        # The /forget interaction, whose private reply this view is attached to.
        self._request = interaction

    async def interaction_check(self, interaction: discord.Interaction[KatheryneBot]) -> bool:  # type: ignore[override]
        # The reply is private, so only its user can click; a check anyway, deletion being final.
        return interaction.user.id == self._request.user.id

    @discord.ui.button(label="Delete my data", emoji="🗑️", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction[KatheryneBot], button: discord.ui.Button[Any]) -> None:
        self.stop()
        bot = interaction.client
        deleted = await bot.conversation_log.forget_user(interaction.user.id)
        if deleted:
            message = (
                f"Done: I deleted {deleted} of your conversations and your votes. They will never be used for training."
            )
        else:
            message = "I had no conversations logged from you; your votes, if any, are deleted."
        if bot.retrain.current is not None:
            message += " (A retrain that was already running when you asked may still have read them.)"
        log.info("user %s forgot their data: %d conversations deleted", interaction.user.id, deleted)
        await interaction.response.edit_message(content=message, embed=None, view=None, allowed_mentions=_NONE)

    @discord.ui.button(label="Keep it", style=discord.ButtonStyle.secondary)
    async def keep(self, interaction: discord.Interaction[KatheryneBot], button: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(
            content="Nothing was deleted.", embed=None, view=None, allowed_mentions=_NONE
        )

    async def on_timeout(self) -> None:
        try:
            await self._request.edit_original_response(
                content="Nothing was deleted (no answer in time). Run /forget again if you want to.",
                embed=None,
                view=None,
                allowed_mentions=_NONE,
            )
        except discord.HTTPException as error:  # the user dismissed the private message
            log.info("could not close the /forget confirmation of user %s: %s", self._request.user.id, error)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction[KatheryneBot], error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await report_error(interaction, error)


class Privacy(commands.Cog):
    """The /forget command."""

    def __init__(self, bot: KatheryneBot) -> None:
        self.bot = bot

    @member_command
    @app_commands.command(name="forget", description="Delete everything Katheryne logged from you")
    async def forget(self, interaction: discord.Interaction[KatheryneBot]) -> None:
        days = self.bot.config.retention_days
        kept = f"Otherwise I keep conversations for {days} days." if days else "Otherwise I keep them."
        embed = discord.Embed(
            title="Delete your data?",
            description=(
                "This deletes every question you asked me, my answers to them and your votes, right away "
                f"and for good, so they are never used to train me. {kept}"
            ),
            colour=discord.Colour(0xD9534F),
        )
        await interaction.response.send_message(
            embed=embed, view=ForgetConfirmation(interaction), ephemeral=True, allowed_mentions=_NONE
        )


async def setup(bot: KatheryneBot) -> None:
    await bot.add_cog(Privacy(bot))
