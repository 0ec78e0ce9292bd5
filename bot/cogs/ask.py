"""``/ask`` and the "Ask Katheryne" message menu: a Genshin Impact question answered, with feedback buttons.

Both are member commands: usable in servers, DMs and group DMs, through the server's install or the
member's own. The message menu reads the message Discord hands over with the interaction, so it needs
no message-content intent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.asking import MENU_NAME, Asker
from bot.completion import question_choices
from bot.contexts import member_command
from bot.errors import FriendlyError

if TYPE_CHECKING:
    from bot.app import KatheryneBot

NO_TEXT = (
    "That message has no text for me to read (only embeds, images or stickers). "
    "Pick a message with a question in it, or use `/ask`."
)


class Ask(commands.Cog):
    """The /ask command and the "Ask Katheryne" message menu."""

    def __init__(self, bot: KatheryneBot) -> None:
        self.bot = bot
        self.asker = Asker(bot)
        # discord.py has no decorator for context menus inside a cog; the menu is added to the tree here.
        self.menu = member_command(app_commands.ContextMenu(name=MENU_NAME, callback=self.ask_about_message))

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    @member_command
    @app_commands.command(name="ask", description="Ask Katheryne a Genshin Impact question")
    @app_commands.describe(
        question="What you want to know, e.g. What element is Hu Tao?",
        private="Only you see the answer (it is still logged; /forget deletes it)",
    )
    async def ask(self, interaction: discord.Interaction[KatheryneBot], question: str, private: bool = False) -> None:
        await self.asker.answer(interaction, question, private=private, via="/ask")

    @ask.autocomplete("question")
    async def complete_question(
        self, interaction: discord.Interaction[KatheryneBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return question_choices(self.bot.linker, current)

    async def ask_about_message(self, interaction: discord.Interaction[KatheryneBot], message: discord.Message) -> None:
        if not message.content.strip():
            raise FriendlyError(NO_TEXT)
        await self.asker.answer(interaction, message.content, private=False, via="message menu")


async def setup(bot: KatheryneBot) -> None:
    await bot.add_cog(Ask(bot))
