"""``/ask question:<text>``: answer a Genshin Impact question in public, with feedback buttons."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from assistant.worker import WorkerBusy, WorkerStopped
from bot.answering import answer_and_log, clean_question
from bot.cogs.feedback import feedback_view
from bot.embeds import answer_embed
from bot.errors import FriendlyError

if TYPE_CHECKING:
    from bot.app import KatheryneBot

log = logging.getLogger(__name__)


def _user_key(interaction: discord.Interaction[KatheryneBot]) -> int:
    return interaction.user.id


def _outcome(error: BaseException) -> str:
    """A one-word outcome for the /ask log line."""
    if isinstance(error, app_commands.CommandOnCooldown):
        return "cooldown"
    if isinstance(error, FriendlyError):
        return "refused"
    if isinstance(error, WorkerBusy):
        return "busy"
    if isinstance(error, WorkerStopped):
        return "stopped"
    return "error"


class Ask(commands.Cog):
    """The /ask command."""

    def __init__(self, bot: KatheryneBot) -> None:
        self.bot = bot
        seconds = bot.config.ask_cooldown_seconds
        # One bucket per user per bot, so two bots in one process (tests) never share cooldowns,
        # which a module-level app_commands.checks.cooldown decorator would.
        self._cooldowns: commands.CooldownMapping[discord.Interaction[KatheryneBot]] | None = (
            commands.CooldownMapping.from_cooldown(1, seconds, _user_key) if seconds > 0 else None
        )

    @app_commands.command(name="ask", description="Ask Katheryne a Genshin Impact question")
    @app_commands.describe(question="What you want to know, e.g. What element is Hu Tao?")
    async def ask(self, interaction: discord.Interaction[KatheryneBot], question: str) -> None:
        started = time.perf_counter()
        outcome = "error"
        conversation_id: int | None = None
        try:
            # Refusals come before the cooldown, so a typo does not cost the user their turn.
            question = clean_question(question, self.bot.config.max_question_length)
            self._check_cooldown(interaction)
            with self.bot.answering():
                # Generation can take longer than Discord's 3-second deadline for a first response.
                await interaction.response.defer(thinking=True)
                exchange = await answer_and_log(
                    self.bot.worker,
                    self.bot.conversation_log,
                    question,
                    guild_id=interaction.guild_id,
                    channel_id=interaction.channel_id,
                    user_id=interaction.user.id,
                )
                conversation_id = exchange.conversation_id
                await interaction.edit_original_response(
                    embed=answer_embed(exchange.question, exchange.answer),
                    view=None if conversation_id is None else feedback_view(conversation_id),
                    allowed_mentions=discord.AllowedMentions.none(),
                )
            outcome = "answered"
        except Exception as error:
            outcome = _outcome(error)
            raise
        finally:
            log.info(
                "/ask user=%s guild=%s outcome=%s latency_ms=%.0f conversation=%s",
                interaction.user.id,
                interaction.guild_id,
                outcome,
                (time.perf_counter() - started) * 1000,
                conversation_id,
            )

    def _check_cooldown(self, interaction: discord.Interaction[KatheryneBot]) -> None:
        if self._cooldowns is None:
            return
        bucket = self._cooldowns.get_bucket(interaction)
        if bucket is None:
            return
        retry_after = bucket.update_rate_limit()
        if retry_after:
            raise app_commands.CommandOnCooldown(bucket, retry_after)


async def setup(bot: KatheryneBot) -> None:
    await bot.add_cog(Ask(bot))
