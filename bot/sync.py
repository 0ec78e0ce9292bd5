"""Syncing slash commands only when they changed.

Discord rate-limits command syncs per day, and a sync is only needed when a command's name,
options or description changed. So the hash of the payload ``CommandTree.sync`` would upload is kept
in a small JSON file next to the database, one entry per application and scope (a guild or global),
and a start-up with the same hash skips the upload. Delete the file to force a sync.

The file also remembers which guilds hold a copy of the commands (``DEV_GUILD_ID``). When the scope
moves away from a guild (to global, or to another guild), that guild's copies are removed, or it would
show every command twice (its copy and the global one).
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from assistant.atomic import atomic_write

__all__ = ["payload_hash", "sync_if_changed"]

log = logging.getLogger(__name__)

_GUILD = "guild:"
"""The scope prefix of a guild's commands in the state file: ``"<application id>:guild:<guild id>"``."""


def payload_hash(tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None = None) -> str:
    """SHA-256 of the commands ``tree.sync(guild=guild)`` would upload, independent of their order."""
    payload = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
    payload.sort(key=lambda command: (command.get("type", 1), command["name"]))
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


async def sync_if_changed(
    tree: app_commands.CommandTree[Any],
    state_path: Path,
    *,
    application_id: int,
    guild: discord.abc.Snowflake | None = None,
) -> bool:
    """Sync ``tree`` to ``guild`` (global when None) unless the same payload was synced before.

    Returns whether it synced. The hash is saved only after Discord accepted the commands, so a
    failed sync is retried on the next start.
    """
    scope = _scope(application_id, guild)
    digest = payload_hash(tree, guild)
    state = _read_state(state_path)
    synced = state.get(scope) != digest
    if synced:
        commands = await tree.sync(guild=guild)
        state[scope] = digest
        _write_state(state_path, state)
        log.info("synced %d slash commands (%s)", len(commands), scope)
    else:
        log.info("slash commands unchanged since the last sync (%s); not syncing", scope)
    await _clear_left_guilds(tree, state_path, state, application_id=application_id, current=scope)
    return synced


def _scope(application_id: int, guild: discord.abc.Snowflake | None) -> str:
    return f"{application_id}:{'global' if guild is None else f'{_GUILD}{guild.id}'}"


async def _clear_left_guilds(
    tree: app_commands.CommandTree[Any],
    state_path: Path,
    state: dict[str, str],
    *,
    application_id: int,
    current: str,
) -> None:
    """Remove the commands of every guild synced before but not now (the tree has none for it, so the
    sync uploads an empty list), and forget the guild once that is done."""
    prefix = f"{application_id}:{_GUILD}"
    for scope in [key for key in state if key.startswith(prefix) and key != current]:
        guild = discord.Object(id=int(scope.removeprefix(prefix)))
        try:
            await tree.sync(guild=guild)
        except discord.Forbidden as error:
            # The bot left that guild (or lost its commands scope): Discord removed the copies with it.
            log.warning("cannot clear the old slash commands of guild %s (%s); forgetting it", guild.id, error)
        else:
            log.info("removed the old slash command copies from guild %s, which is no longer DEV_GUILD_ID", guild.id)
        del state[scope]
        _write_state(state_path, state)


def _read_state(path: Path) -> dict[str, str]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        log.warning("ignoring unreadable command sync state %s (%s); commands will be synced", path, error)
        return {}
    if not isinstance(state, dict):
        log.warning("ignoring malformed command sync state %s; commands will be synced", path)
        return {}
    return {str(key): str(value) for key, value in state.items()}


def _write_state(path: Path, state: dict[str, str]) -> None:
    # A crash mid-write leaves the old state, never a truncated file.
    with atomic_write(path, "w", encoding="utf-8") as handle:
        json.dump(state, handle, indent=2, sort_keys=True)
        handle.write("\n")
