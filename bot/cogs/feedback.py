"""Registers the feedback buttons and the correction form's listener (`bot.feedback`), so clicks on
answers sent by any earlier process are routed to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.feedback import CorrectButton, VoteButton, submit_correction

if TYPE_CHECKING:
    from bot.app import KatheryneBot


async def setup(bot: KatheryneBot) -> None:
    bot.add_dynamic_items(VoteButton, CorrectButton)
    bot.add_listener(submit_correction, "on_interaction")


async def teardown(bot: KatheryneBot) -> None:
    bot.remove_dynamic_items(VoteButton, CorrectButton)
    bot.remove_listener(submit_correction, "on_interaction")
