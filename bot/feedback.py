"""👍 / 👎 / ✏️ under every answer, as persistent buttons that keep working after a restart.

Each button is a ``DynamicItem``: the conversation id (and the vote) live in its custom_id
(``katheryne:vote:<conversation id>:<up|down>``, ``katheryne:correct:<conversation id>``), so a click
on a message sent weeks ago, by a process long gone, is still routed here and recorded against the
right exchange.

Anyone may vote. ✏️ is for moderators: Discord cannot hide a button from some users, so everyone sees
it, and the moderator check runs when it is clicked and again when the correction is submitted. The
correction replaces the model's answer in every later export and retrain (``ConversationLog.training_pairs``)
and is shown under the public answer at once.

The correction form is persistent too: discord.py matches a form only to the ``Modal`` object that
opened it, held in memory, so a restart while a moderator types (or a second moderator's form for the
same answer) would drop the submit. So the form is never tracked in memory; every submit whose
custom_id matches ``CORRECTION_TEMPLATE`` is handled by ``submit_correction``, an ``on_interaction``
listener, in this process or the next; the `bot.cogs.feedback` extension registers both.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import discord

from bot.embeds import corrected_embed
from bot.errors import FriendlyError, report_error
from bot.permissions import ensure_moderator
from bot.records import Conversation

if TYPE_CHECKING:
    from bot.app import KatheryneBot

log = logging.getLogger(__name__)

Vote = Literal["up", "down"]

VOTE_TEMPLATE = r"katheryne:vote:(?P<conversation>[0-9]+):(?P<vote>up|down)"
"""custom_id of a vote button; must stay stable, since it is stored in every message already sent."""

CORRECT_TEMPLATE = r"katheryne:correct:(?P<conversation>[0-9]+)"
"""custom_id of the correct button; as stable as VOTE_TEMPLATE, for the same reason."""

CORRECTION_TEMPLATE = r"katheryne:correction:(?P<conversation>[0-9]+)"
"""custom_id of the correction form; a form open in a moderator's client carries it across restarts."""

_ANSWER_INPUT = "answer"
"""custom_id of the form's text input."""

CORRECTION_MAX_LENGTH = 500
"""Longest correction accepted, in characters: training reads at most 64 tokens of an answer, which
few answers need more than 500 characters for; Discord would allow 4000."""

_GONE = "That answer is no longer in my records (it was deleted or expired), so I can't {}."

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
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        vote: Vote = "up" if match["vote"] == "up" else "down"
        return cls(int(match["conversation"]), vote)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
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
            raise FriendlyError(_GONE.format("count votes on it")) from None
        log.info("vote %s on conversation %d by user %s", self.vote, self.conversation_id, interaction.user.id)
        await interaction.response.send_message(
            f"Thanks for the feedback! Your {_VOTE_EMOJI[self.vote]} is recorded; click the other button "
            f"to change it. This answer now has {tally.up} 👍 and {tally.down} 👎.",
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


def correct_custom_id(conversation_id: int) -> str:
    """The custom_id of the ✏️ button under conversation ``conversation_id``."""
    return f"katheryne:correct:{conversation_id}"


class CorrectButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CORRECT_TEMPLATE):
    """✏️: a moderator opens a form, prefilled with the answer, to type the answer Katheryne should learn."""

    def __init__(self, conversation_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji="✏️",
                label="Correct",
                custom_id=correct_custom_id(conversation_id),
            )
        )
        self.conversation_id = conversation_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> CorrectButton:
        return cls(int(match["conversation"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await ensure_moderator(interaction)
            conversation = await interaction.client.conversation_log.get_conversation(self.conversation_id)
            if conversation is None:
                raise FriendlyError(_GONE.format("correct it"))
            form = CorrectionForm(conversation)
            form.stop()  # untracked, so submit_correction handles the submit whenever it comes
            await interaction.response.send_modal(form)
        except Exception as error:
            await report_error(interaction, error)


def correction_custom_id(conversation_id: int) -> str:
    """The custom_id of the correction form for conversation ``conversation_id``."""
    return f"katheryne:correction:{conversation_id}"


class CorrectionForm(discord.ui.Modal):
    """The form behind ✏️, prefilled with the answer. It is only the layout: ``submit_correction``
    handles what is submitted."""

    def __init__(self, conversation: Conversation) -> None:
        super().__init__(title="Correct Katheryne's answer", custom_id=correction_custom_id(conversation.id))
        self.answer: discord.ui.TextInput[CorrectionForm] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            custom_id=_ANSWER_INPUT,
            default=conversation.final_answer[:CORRECTION_MAX_LENGTH],
            min_length=1,
            max_length=CORRECTION_MAX_LENGTH,
        )
        question = " ".join(conversation.question.split())
        self.add_item(
            discord.ui.Label(
                text="The answer Katheryne should have given",
                # Discord caps a label's description at 100 characters.
                description=f"Q: {question}" if len(question) <= 97 else f"Q: {question[:96]}…",
                component=self.answer,
            )
        )


async def submit_correction(interaction: discord.Interaction[KatheryneBot]) -> None:
    """``on_interaction`` listener: store a submitted correction form, if the submitter is still a moderator."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return
    data: Mapping[str, Any] = interaction.data or {}
    match = re.fullmatch(CORRECTION_TEMPLATE, str(data.get("custom_id", "")))
    if match is None:
        return
    try:
        await _save_correction(interaction, int(match["conversation"]), _submitted(data.get("components", ())))
    except Exception as error:
        await report_error(interaction, error)


def _submitted(components: Iterable[Mapping[str, Any]]) -> str:
    """The answer typed into the form, wherever Discord nests it (labels or action rows)."""
    for component in components:
        if component.get("custom_id") == _ANSWER_INPUT:
            return str(component.get("value") or "")
        inner = [*component.get("components", ()), *([component["component"]] if "component" in component else [])]
        found = _submitted(inner)
        if found:
            return found
    return ""


async def _save_correction(interaction: discord.Interaction[KatheryneBot], conversation_id: int, typed: str) -> None:
    # Checked again: moderator rights may have been taken away while the form was open.
    await ensure_moderator(interaction)
    text = typed.strip()
    if not text:
        raise FriendlyError("A correction can't be blank. Click ✏️ again to write one.")
    try:
        await interaction.client.conversation_log.record_correction(conversation_id, interaction.user.id, text)
    except LookupError:
        raise FriendlyError(_GONE.format("store a correction for it")) from None
    log.info("correction on conversation %d by user %s", conversation_id, interaction.user.id)
    confirmation = "Correction saved. The next retrain learns your answer instead of mine."
    none = discord.AllowedMentions.none()
    answer = interaction.message
    if answer is None or not answer.embeds:  # the form was not opened from the answer itself
        await interaction.response.send_message(confirmation, ephemeral=True, allowed_mentions=none)
        return
    # Everyone reading the channel sees the right answer, not only the next retrain.
    await interaction.response.edit_message(embed=corrected_embed(answer.embeds[0], text), allowed_mentions=none)
    await interaction.followup.send(
        confirmation + " It is shown under my answer for everyone.", ephemeral=True, allowed_mentions=none
    )


def feedback_view(conversation_id: int) -> discord.ui.View:
    """The buttons attached under an answer: every feedback control is added here and only here."""
    # timeout=None: the buttons must outlive this process; the registered DynamicItems handle clicks.
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(conversation_id, "up"))
    view.add_item(VoteButton(conversation_id, "down"))
    view.add_item(CorrectButton(conversation_id))
    return view
