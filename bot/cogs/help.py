"""``/help``: what Katheryne knows, how to ask, what she keeps about you; moderators also see their commands.

The moderator commands are read from the command tree (those hidden by ``default_permissions``), so
the list stays true as commands come and go; who counts as a moderator is the same server-side check
every moderator command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.asking import MENU_NAME
from bot.contexts import member_command
from bot.permissions import is_moderator

if TYPE_CHECKING:
    from bot.app import KatheryneBot

HELP_COLOUR = discord.Colour(0x8E6FC1)

EXAMPLE_QUESTIONS = (
    "What element is Furina?",
    "What weapon does Hu Tao use?",
    "Which talent book does Xingqiu need?",
    "What does Staff of Homa's passive do?",
    "What is the 4-piece bonus of Emblem of Severed Fate?",
    "When is Kaeya's birthday?",
)


class Help(commands.Cog):
    """The /help command."""

    def __init__(self, bot: KatheryneBot) -> None:
        self.bot = bot

    @member_command
    @app_commands.command(name="help", description="What Katheryne knows, how to ask her, and what she keeps")
    async def show_help(self, interaction: discord.Interaction[KatheryneBot]) -> None:
        embeds = [self.help_embed()]
        if await is_moderator(interaction):
            embeds.append(
                discord.Embed(title="Moderator commands", description=self.moderator_commands(), colour=HELP_COLOUR)
            )
        await interaction.response.send_message(
            embeds=embeds, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    def help_embed(self) -> discord.Embed:
        """What every member sees."""
        knowledge = self.bot.knowledge
        version = knowledge.version
        days = self.bot.config.retention_days
        kept = f"for {days} days" if days else "until you delete them"
        embed = discord.Embed(
            title="Katheryne",
            description=(
                "I answer Genshin Impact questions about characters, weapons, artifact sets and materials. "
                f"Use `/ask`, or right-click a message → **Apps** → **{MENU_NAME}**. "
                "`/ask private: True` answers so only you see it."
            ),
            colour=HELP_COLOUR,
        )
        embed.add_field(
            name="What I know",
            value=(
                f"Game version {version.game_version} ({version.source} {version.package_version}): "
                f"{len(knowledge.characters)} characters, {len(knowledge.weapons)} weapons, "
                f"{len(knowledge.artifact_sets)} artifact sets."
            ),
            inline=False,
        )
        embed.add_field(
            name="Try asking", value="\n".join(f"• {question}" for question in EXAMPLE_QUESTIONS), inline=False
        )
        embed.add_field(
            name="What I keep",
            value=(
                "Each question you ask me, my answer, where it was asked and your 👍/👎 votes, "
                f"{kept}, so moderators can correct me and I can learn. "
                "`/forget` deletes all of it at once, for good."
            ),
            inline=False,
        )
        embed.set_footer(text=f"model {self.bot.worker.model_version}")
        return embed

    def moderator_commands(self) -> str:
        """One line per moderator command: those Discord hides from members by default."""
        lines = []
        for command in self.bot.tree.get_commands(type=discord.AppCommandType.chat_input):
            if command.default_permissions is None:
                continue
            leaves = command.walk_commands() if isinstance(command, app_commands.Group) else (command,)
            lines += [
                f"`/{leaf.qualified_name}`: {leaf.description}"
                for leaf in leaves
                if isinstance(leaf, app_commands.Command)
            ]
        return "\n".join(sorted(lines)) or "None are loaded."


async def setup(bot: KatheryneBot) -> None:
    await bot.add_cog(Help(bot))
