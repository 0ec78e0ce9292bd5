"""The embeds users see: answers and errors, always escaped and cut to Discord's limits.

Whatever a user typed (or a model learned) is shown as text, never as markup: markdown is escaped so
a stray ``**`` or a code fence cannot break the layout, and mentions are defused on top of the
``AllowedMentions.none()`` every send carries.
"""

from __future__ import annotations

import discord

from assistant.worker import Answer

__all__ = ["CORRECTION_FIELD", "answer_embed", "corrected_embed", "error_embed", "safe_text"]

ANSWER_COLOUR = discord.Colour(0x8E6FC1)
ERROR_COLOUR = discord.Colour(0xD9534F)

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


def answer_embed(question: str, answer: Answer) -> discord.Embed:
    """The public reply to /ask: the question as a field, the answer as the body, model and latency below."""
    embed = discord.Embed(
        description=safe_text(answer.text, DESCRIPTION_LIMIT) or "…",
        colour=ANSWER_COLOUR,
    )
    embed.add_field(name="Question", value=safe_text(question, FIELD_VALUE_LIMIT), inline=False)
    embed.set_footer(text=f"model {answer.model_version} · {answer.latency_ms:.0f} ms")
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
