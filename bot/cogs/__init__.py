"""Cogs: thin command modules that check input, call ``bot.answering`` and the log, and reply.

Each module is a Discord extension listed in ``bot.app.EXTENSIONS`` and has an ``async def setup(bot)``.
"""
