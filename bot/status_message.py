"""One public message kept up to date by editing it: a retrain's progress, then its outcome.

Updates may arrive faster than Discord lets a bot edit (about five edits per five seconds in a
channel) and faster than an edit completes. So edits never overlap and never queue up: one editor
task at a time sends the newest embed, and the ones in between are simply skipped. Apart from the
last, edits are at least ``min_interval_s`` apart; the last one goes out as soon as the edit in
flight is done.

The message is the response to a slash command. Discord accepts edits through the interaction's
token for 15 minutes; a retrain may run for hours, so later edits go through the channel's message
endpoint with the bot's own token, which Discord allows for a bot's non-ephemeral responses.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import timedelta
from typing import Any

import discord

__all__ = ["StatusMessage"]

log = logging.getLogger(__name__)

TOKEN_MARGIN = timedelta(minutes=1)
"""Stop using the interaction token this long before Discord expires it, so no edit races the expiry."""


class StatusMessage:
    """The deferred response of ``interaction``, shown and edited as one status message."""

    def __init__(self, interaction: discord.Interaction[Any], message_id: int | None, min_interval_s: float) -> None:
        """``message_id`` is the response's id (from the defer's callback response), needed once the
        interaction token has expired."""
        self._interaction = interaction
        self._message_id = message_id
        self._min_interval_s = min_interval_s
        self._pending: discord.Embed | None = None
        self._editor: asyncio.Task[None] | None = None
        self._last_edit = float("-inf")
        self._final = False
        self._hurry = asyncio.Event()

    def show(self, embed: discord.Embed) -> None:
        """Make ``embed`` the next content; returns at once, the edit happens in the background."""
        if self._final:
            return
        self._put(embed)

    async def finish(self, embed: discord.Embed) -> None:
        """Edit in ``embed`` as the last content, without waiting for the interval, and wait until it is sent."""
        self._final = True
        self._hurry.set()
        self._put(embed)
        assert self._editor is not None
        await asyncio.shield(self._editor)

    def _put(self, embed: discord.Embed) -> None:
        self._pending = embed
        if self._editor is None or self._editor.done():
            self._editor = asyncio.create_task(self._flush(), name="status-message-editor")

    async def _flush(self) -> None:
        while self._pending is not None:
            delay = self._last_edit + self._min_interval_s - time.monotonic()
            if delay > 0 and not self._final:
                with contextlib.suppress(TimeoutError):  # the wait is over either way
                    await asyncio.wait_for(self._hurry.wait(), delay)
            embed, self._pending = self._pending, None
            self._last_edit = time.monotonic()
            await self._edit(embed)

    async def _edit(self, embed: discord.Embed) -> None:
        none = discord.AllowedMentions.none()
        try:
            if discord.utils.utcnow() < self._interaction.expires_at - TOKEN_MARGIN or self._message_id is None:
                message = await self._interaction.edit_original_response(embed=embed, allowed_mentions=none)
                self._message_id = message.id
            else:
                channel = self._interaction.client.get_partial_messageable(
                    self._interaction.channel_id or 0, guild_id=self._interaction.guild_id
                )
                await channel.get_partial_message(self._message_id).edit(embed=embed, allowed_mentions=none)
        except discord.HTTPException as error:
            # A missed update is not worth failing a retrain over; the next one or the outcome follows.
            log.warning("could not update status message %s: %s", self._message_id, error)
