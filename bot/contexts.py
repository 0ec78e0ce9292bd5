"""Where Katheryne's commands can be used.

A command exists only in servers that installed Katheryne unless it says otherwise (the command
tree's defaults, ``SERVER_CONTEXTS`` and ``SERVER_INSTALL``). That suits moderator commands: their
checks read a server's permissions and roles. Commands for every member opt in with
``member_command``: a member who adds Katheryne to their own account ("user install") then has them
in DMs, group DMs and servers Katheryne is not in, and everywhere the server installed it.
"""

from __future__ import annotations

from typing import TypeVar

from discord import app_commands

__all__ = ["SERVER_CONTEXTS", "SERVER_INSTALL", "member_command"]

T = TypeVar("T")

SERVER_CONTEXTS = app_commands.AppCommandContext(guild=True)
"""Default for every command: usable in servers only."""

SERVER_INSTALL = app_commands.AppInstallationType(guild=True)
"""Default for every command: offered where a server installed Katheryne, not on members' own accounts."""


def member_command(command: T) -> T:
    """Make ``command`` (a slash command or context menu) usable everywhere a member can reach Katheryne."""
    command = app_commands.allowed_installs(guilds=True, users=True)(command)
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(command)
