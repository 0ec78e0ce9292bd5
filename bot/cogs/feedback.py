"""👍 / 👎 under every answer, as persistent buttons that keep working after a restart.

Each button is a ``DynamicItem``: the conversation id and the vote live in its custom_id
(``katheryne:vote:<conversation id>:<up|down>``), so a click on a message sent weeks ago, by a
process long gone, is still routed here and recorded against the right exchange.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Literal

import discord

from bot.errors import FriendlyError, report_error

if TYPE_CHECKING:
    from bot.app import KatheryneBot

__all__ = ["VOTE_TEMPLATE", "VoteButton", "feedback_view", "vote_custom_id"]

log = logging.getLogger(__name__)

Vote = Literal["up", "down"]

VOTE_TEMPLATE = r"katheryne:vote:(?P<conversation>[0-9]+):(?P<vote>up|down)"
"""custom_id of a vote button; must stay stable, since it is stored in every message already sent."""

_VOTE_VALUES: dict[Vote, int] = {"up": 1, "down": -1}
_VOTE_EMOJI: dict[Vote, str] = {"up": "👍", "down": "👎"}


def vote_custom_id(conversation_id: int, vote: Vote) -> str:
    """The custom_id of the ``vote`` button under conversation ``conversation_id``."""
    return f"katheryne:vote:{conversation_id}:{vote}"


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=VOTE_TEMPLATE):
    """One vote button; anyone who can see the answer may vote, and a second click changes the vote."""

    def __init__(self, conversation_id: int, vote: Vote) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji=_VOTE_EMOJI[vote],
                custom_id=vote_custom_id(conversation_id, vote),
            )
        )
        self.conversation_id = conversation_id
        self.vote: Vote = vote

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        vote: Vote = "up" if match["vote"] == "up" else "down"
        return cls(int(match["conversation"]), vote)

    async def callback(self, interaction: discord.Interaction[KatheryneBot]) -> None:
        # discord.py only logs what a dynamic item raises; the user would see "interaction failed".
        try:
            await self._record(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def _record(self, interaction: discord.Interaction[KatheryneBot]) -> None:
        try:
            tally = await interaction.client.conversation_log.record_vote(
                self.conversation_id, interaction.user.id, _VOTE_VALUES[self.vote]
            )
        except LookupError:
            raise FriendlyError(
                "That answer is no longer in my records (it was deleted or expired), so I can't count votes on it."
            ) from None
        log.info("vote %s on conversation %d by user %s", self.vote, self.conversation_id, interaction.user.id)
        await interaction.response.send_message(
            f"Thanks for the feedback! Your {_VOTE_EMOJI[self.vote]} is recorded; click the other button "
            f"to change it. This answer now has {tally.up} 👍 and {tally.down} 👎.",
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


def feedback_view(conversation_id: int) -> discord.ui.View:
    """The buttons attached under an answer: every feedback control is added here and only here."""
    # timeout=None: the buttons must outlive this process; the registered DynamicItem handles clicks.
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(conversation_id, "up"))
    view.add_item(VoteButton(conversation_id, "down"))
    return view


async def setup(bot: KatheryneBot) -> None:
    bot.add_dynamic_items(VoteButton)


async def teardown(bot: KatheryneBot) -> None:
    bot.remove_dynamic_items(VoteButton)
