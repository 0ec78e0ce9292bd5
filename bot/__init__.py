"""Katheryne's Discord side: the bot, its cogs, the terminal console and the conversation log.

Start it with ``python -m bot`` (see ``bot/__main__.py``). Tests build a bot with
``bot.app.create_bot(config, worker, conversation_log)``.
"""
