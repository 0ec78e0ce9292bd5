"""Answering a question inside an interaction: the steps ``/ask`` and the "Ask Katheryne" message menu share.

Both go the same way: refusals (empty, too long) first, so a typo does not cost the member their turn;
then the per-user cooldown, shared by both ways of asking; then a "thinking…" defer, because generation
can take longer than Discord's 3-second deadline for a first response; then the answer, its log entry
and the reply with the feedback buttons. A private reply is ephemeral from the defer on, so only the
asker ever sees it; it is logged, votable and correctable like a public one.

Nothing here needs a server: in DMs and group DMs (user installs) the exchange is logged with no guild.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from assistant.worker import WorkerBusy, WorkerStopped
from bot.answering import answer_and_log, clean_question
from bot.embeds import answer_embed, answer_subject
from bot.errors import FriendlyError
from bot.feedback import feedback_view

if TYPE_CHECKING:
    from bot.app import KatheryneBot

__all__ = ["MENU_NAME", "Asker", "Via", "outcome_of"]

log = logging.getLogger(__name__)

MENU_NAME = "Ask Katheryne"
"""The message context menu's name, as members see it under Apps."""

Via = Literal["/ask", "message menu"]
"""How the question was asked, for the log line."""


def outcome_of(error: BaseException) -> str:
    """A one-word outcome of a failed question, for the log line."""
    if isinstance(error, app_commands.CommandOnCooldown):
        return "cooldown"
    if isinstance(error, FriendlyError):
        return "refused"
    if isinstance(error, WorkerBusy):
        return "busy"
    if isinstance(error, WorkerStopped):
        return "stopped"
    return "error"


def _user_key(interaction: discord.Interaction[KatheryneBot]) -> int:
    return interaction.user.id


class Asker:
    """Answers questions for one bot, with one cooldown per user across every way of asking."""

    def __init__(self, bot: KatheryneBot) -> None:
        self.bot = bot
        seconds = bot.config.ask_cooldown_seconds
        # One bucket per user per bot, so two bots in one process (tests) never share cooldowns,
        # which a module-level app_commands.checks.cooldown decorator would.
        self._cooldowns: commands.CooldownMapping[discord.Interaction[KatheryneBot]] | None = (
            commands.CooldownMapping.from_cooldown(1, seconds, _user_key) if seconds > 0 else None
        )

    async def answer(
        self, interaction: discord.Interaction[KatheryneBot], text: str, *, private: bool, via: Via
    ) -> None:
        """Answer ``text`` as the reply to ``interaction``; only the asker sees it when ``private``.

        Raises FriendlyError (empty or too long), CommandOnCooldown, WorkerBusy or WorkerStopped for
        the tree's error handler to explain privately.
        """
        bot = self.bot
        started = time.perf_counter()
        outcome = "error"
        conversation_id: int | None = None
        try:
            question = clean_question(text, bot.config.max_question_length)
            self._check_cooldown(interaction)
            with bot.answering():
                await interaction.response.defer(thinking=True, ephemeral=private)
                exchange = await answer_and_log(
                    bot.worker,
                    bot.conversation_log,
                    question,
                    guild_id=interaction.guild_id,
                    channel_id=interaction.channel_id,
                    user_id=interaction.user.id,
                )
                conversation_id = exchange.conversation_id
                embed = answer_embed(
                    exchange.question,
                    exchange.answer,
                    subject=answer_subject(bot.knowledge, exchange.answer.entities),
                    data_version=bot.knowledge.version.game_version,
                )
                await interaction.edit_original_response(
                    embed=embed,
                    view=None if conversation_id is None else feedback_view(conversation_id),
                    allowed_mentions=discord.AllowedMentions.none(),
                )
            outcome = "answered"
        except Exception as error:
            outcome = outcome_of(error)
            raise
        finally:
            bot.metrics.ask(outcome, time.perf_counter() - started)
            log.info(
                "%s user=%s guild=%s private=%s outcome=%s latency_ms=%.0f conversation=%s",
                via,
                interaction.user.id,
                interaction.guild_id,
                private,
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
