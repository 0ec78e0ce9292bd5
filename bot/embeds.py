"""The embeds users see: answers and errors, always escaped and cut to Discord's limits.

Whatever a user typed (or a model learned) is shown as text, never as markup: markdown is escaped so
a stray ``**`` or a code fence cannot break the layout, and mentions are defused on top of the
``AllowedMentions.none()`` every send carries.
"""

from __future__ import annotations

import discord

from assistant.knowledge import ArtifactSet, Character, Knowledge, MaterialSeries, Weapon
from assistant.worker import Answer

__all__ = [
    "CORRECTION_FIELD",
    "ELEMENT_COLOURS",
    "Subject",
    "answer_embed",
    "answer_subject",
    "corrected_embed",
    "error_embed",
    "safe_text",
]

ANSWER_COLOUR = discord.Colour(0x8E6FC1)
ERROR_COLOUR = discord.Colour(0xD9534F)

ELEMENT_COLOURS: dict[str, discord.Colour] = {
    "Anemo": discord.Colour(0x33CCB3),
    "Cryo": discord.Colour(0x98C8E8),
    "Dendro": discord.Colour(0x7BB42D),
    "Electro": discord.Colour(0xB160E0),
    "Geo": discord.Colour(0xCFA726),
    "Hydro": discord.Colour(0x1C72FD),
    "Pyro": discord.Colour(0xE2311D),
}
"""The side stripe of an answer about a character: the colour the game gives their element."""

Subject = Character | Weapon | ArtifactSet | MaterialSeries
"""What an answer is about, as the knowledge records it."""

# Discord's embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024

CORRECTION_FIELD = "✏️ Corrected by a moderator"


def safe_text(text: str, limit: int) -> str:
    """``text`` with markdown and mentions escaped, cut to ``limit`` characters with an ellipsis."""
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    if len(escaped) <= limit:
        return escaped
    # A backslash left dangling at the cut would escape the ellipsis instead of a character.
    return escaped[: limit - 1].rstrip("\\") + "…"


def answer_subject(knowledge: Knowledge, entities: tuple[str, ...]) -> Subject | None:
    """The record of the first of ``entities`` (keys like "character:furina") the knowledge holds."""
    lookups = {
        "character": knowledge.character,
        "weapon": knowledge.weapon,
        "artifact_set": knowledge.artifact_set,
        "talent_book": knowledge.talent_book,
        "weapon_material": knowledge.weapon_material,
    }
    for key in entities:
        kind, _, record_id = key.partition(":")
        lookup = lookups.get(kind)
        record = lookup(record_id) if lookup is not None and record_id else None
        if record is not None:
            return record
    return None


def answer_embed(question: str, answer: Answer, *, subject: Subject | None, data_version: str) -> discord.Embed:
    """The reply to a question: the answer as the body, the question as a field, and a quiet footer
    with the game data and model versions and the latency.

    An answer about a character wears their element's colour; one about a character, weapon or
    artifact set shows its icon as the thumbnail. Both are decoration: the text reads the same
    without them (clients that hide images, screen readers).
    """
    colour = ANSWER_COLOUR
    if isinstance(subject, Character) and subject.element in ELEMENT_COLOURS:
        colour = ELEMENT_COLOURS[subject.element]
    embed = discord.Embed(description=safe_text(answer.text, DESCRIPTION_LIMIT) or "…", colour=colour)
    embed.add_field(name="Question", value=safe_text(question, FIELD_VALUE_LIMIT), inline=False)
    if isinstance(subject, (Character, Weapon, ArtifactSet)) and subject.icon_url:
        embed.set_thumbnail(url=subject.icon_url)
    embed.set_footer(text=f"data {data_version} · model {answer.model_version} · {answer.latency_ms:.0f} ms")
    return embed


def corrected_embed(answer: discord.Embed, correction: str) -> discord.Embed:
    """``answer`` with a moderator's correction shown under it, replacing any earlier correction.

    The model's answer stays visible: readers see what was wrong as well as what is right.
    """
    embed = answer.copy()
    for index, field in enumerate(embed.fields):
        if field.name == CORRECTION_FIELD:
            embed.remove_field(index)
            break
    embed.add_field(name=CORRECTION_FIELD, value=safe_text(correction, FIELD_VALUE_LIMIT), inline=False)
    return embed


def error_embed(message: str) -> discord.Embed:
    """A private note to one user: a refusal, or an apology carrying an error id."""
    return discord.Embed(description=message, colour=ERROR_COLOUR)
