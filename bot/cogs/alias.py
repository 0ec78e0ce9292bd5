"""``/alias add|remove|list``: moderators teach Katheryne the server's nicknames for characters, weapons and more.

An alias links at once, for every question in every server, with no retrain: the store keeps it and
the worker's entity linker is given the whole table after each change. A nickname that already names
something (a real name, a title, a unique part of a name) is refused, since the alias would take
that name away from its entity. Like every moderator command these are guild-only, hidden from
members by ``default_permissions`` and checked again on every call (``bot.permissions``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from assistant.linker import Entity, EntityLinker
from bot.aliases import MAX_NICKNAME_LENGTH, Alias, AliasTaken, fold_nickname
from bot.embeds import DESCRIPTION_LIMIT, safe_text
from bot.errors import FriendlyError
from bot.permissions import moderator_only

if TYPE_CHECKING:
    from bot.app import KatheryneBot

log = logging.getLogger(__name__)

_NONE = discord.AllowedMentions.none()
_KINDS = {
    "character": "character",
    "weapon": "weapon",
    "artifact_set": "artifact set",
    "talent_book": "talent book",
    "weapon_material": "weapon material",
}


def _describe(entity: Entity) -> str:
    return f"{entity.name} ({_KINDS.get(entity.kind, entity.kind)})"


def _resolve(linker: EntityLinker, typed: str) -> Entity:
    """The entity a moderator picked (a suggestion's key) or typed (a name the linker completes exactly)."""
    entity = linker.entity(typed)
    if entity is not None:
        return entity
    folded = fold_nickname(typed)
    for candidate in linker.complete(typed, limit=25):
        if fold_nickname(candidate.name) == folded:
            return candidate
    raise FriendlyError(f"I don't know “{safe_text(typed, 100)}”. Start typing a name and pick one of the suggestions.")


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Aliases(commands.GroupCog, group_name="alias", group_description="Server nicknames Katheryne understands"):
    """/alias add, /alias remove and /alias list."""

    def __init__(self, bot: KatheryneBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="add", description="Teach a nickname for a character, weapon, set or material")
    @app_commands.describe(nickname="What people here call it, e.g. lumi", entity="What it means")
    @moderator_only()
    async def add(
        self,
        interaction: discord.Interaction[KatheryneBot],
        nickname: app_commands.Range[str, 1, MAX_NICKNAME_LENGTH],
        entity: str,
    ) -> None:
        linker = self.bot.worker.linker
        target = _resolve(linker, entity)
        folded = fold_nickname(nickname)
        if not folded:
            raise FriendlyError("A nickname needs at least one letter or digit.")
        shadowed = linker.shadowed_by(folded)
        if shadowed is not None:
            raise FriendlyError(
                f"“{safe_text(folded, 60)}” already means {_describe(shadowed)}; as a nickname it would "
                "take that name away from it. Pick a nickname that names nothing yet."
            )
        assert interaction.guild_id is not None  # guild_only
        try:
            await self.bot.aliases.add(folded, target.key, guild_id=interaction.guild_id, added_by=interaction.user.id)
        except AliasTaken as taken:
            existing = linker.entity(taken.existing.entity_key)
            raise FriendlyError(
                f"“{safe_text(folded, 60)}” is already a nickname for "
                f"{_describe(existing) if existing else taken.existing.entity_key} "
                f"(added by <@{taken.existing.added_by}>). Remove it first with /alias remove to change it."
            ) from None
        await self.bot.publish_aliases()
        log.info(
            "user %s added alias %r -> %s in guild %s", interaction.user.id, folded, target.key, interaction.guild_id
        )
        await interaction.response.send_message(
            f"Got it: “{safe_text(folded, 60)}” now means {_describe(target)} in every question.",
            ephemeral=True,
            allowed_mentions=_NONE,
        )

    @add.autocomplete("entity")
    async def _complete_entity(
        self, interaction: discord.Interaction[KatheryneBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if not current.strip():
            return []
        entities = self.bot.worker.linker.complete(current, limit=25)
        return [app_commands.Choice(name=_describe(entity)[:100], value=entity.key) for entity in entities]

    @app_commands.command(name="remove", description="Forget a nickname")
    @app_commands.describe(nickname="The nickname to forget")
    @moderator_only()
    async def remove(
        self, interaction: discord.Interaction[KatheryneBot], nickname: app_commands.Range[str, 1, MAX_NICKNAME_LENGTH]
    ) -> None:
        alias = await self.bot.aliases.remove(nickname)
        if alias is None:
            raise FriendlyError(f"“{safe_text(fold_nickname(nickname), 60)}” is not a nickname. See /alias list.")
        await self.bot.publish_aliases()
        log.info("user %s removed alias %r -> %s", interaction.user.id, alias.nickname, alias.entity_key)
        await interaction.response.send_message(
            f"Forgot “{safe_text(alias.nickname, 60)}”.", ephemeral=True, allowed_mentions=_NONE
        )

    @app_commands.command(name="list", description="The nicknames Katheryne understands")
    @moderator_only()
    async def list_(self, interaction: discord.Interaction[KatheryneBot]) -> None:
        aliases = await self.bot.aliases.all()
        embed = discord.Embed(
            title="Nicknames", description=self._lines(aliases) or "No nicknames yet. Add one with /alias add."
        )
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=_NONE)

    def _lines(self, aliases: list[Alias]) -> str:
        linker = self.bot.worker.linker
        lines: list[str] = []
        used = 0
        for alias in aliases:
            entity = linker.entity(alias.entity_key)
            line = (
                f"**{safe_text(alias.nickname, 60)}** → {_describe(entity) if entity else alias.entity_key} · "
                f"<@{alias.added_by}> {discord.utils.format_dt(alias.added_at, 'R')}"
            )
            if used + len(line) + 40 > DESCRIPTION_LIMIT:
                lines.append(f"… and {len(aliases) - len(lines)} more")
                break
            lines.append(line)
            used += len(line) + 1
        return "\n".join(lines)


async def setup(bot: KatheryneBot) -> None:
    await bot.add_cog(Aliases(bot))
