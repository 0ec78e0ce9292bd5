"""Command line: run the Discord bot, the terminal console, or export training data.

    python -m bot                                 # Discord bot; the console when no DISCORD_TOKEN is set
    python -m bot --console                       # the same pipeline at a terminal prompt
    python -m bot export-training --out FILE.jsonl

Settings come from the environment and ``.env`` (see ``.env.example``). Problems an operator can fix
(a bad setting, a missing model, a rejected token) end with one line saying what to do and exit
code 2; SIGINT and SIGTERM end a session cleanly with exit code 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import discord

from assistant.checkpoint import CheckpointError
from assistant.device import resolve_device
from assistant.worker import InferenceWorker
from bot.aliases import aliases_path_for, export_aliases
from bot.app import KatheryneBot, create_bot
from bot.config import Config, ConfigError, load_config
from bot.console import Console
from bot.db import ConversationLog
from bot.export import export_training
from bot.migrations import SchemaTooNewError

log = logging.getLogger("bot")

EXIT_OK = 0
EXIT_USAGE = 2


class StartupError(Exception):
    """Katheryne cannot start until the operator fixes something; the message says what."""


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(os.environ if environ is None else environ, env_file=args.env_file)
    except ConfigError as error:
        return _fail(str(error))
    _configure_logging(config)
    try:
        if args.command == "export-training":
            return asyncio.run(_export(config, args.out))
        if args.console or config.discord_token is None:
            if not args.console:
                print(
                    "No DISCORD_TOKEN is set, so Katheryne starts in console mode; "
                    "put the bot token in .env to connect to Discord.",
                    file=sys.stderr,
                )
            return asyncio.run(_run_console(config))
        return asyncio.run(_run_discord(config, config.discord_token))
    except StartupError as error:
        return _fail(str(error))
    except KeyboardInterrupt:  # Ctrl-C before the signal handlers were in place
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Katheryne, the Genshin Impact assistant.")
    parser.add_argument("--console", action="store_true", help="answer questions at this terminal instead of Discord")
    parser.add_argument("--env-file", type=Path, default=Path(".env"), help="settings file (default: .env)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    export = commands.add_parser(
        "export-training",
        help="write the exchanges people confirmed (corrections, upvoted answers; "
        "unconfirmed ones too with TRAIN_ON_UNCONFIRMED) as JSONL",
    )
    export.add_argument(
        "--out",
        type=Path,
        required=True,
        help="JSONL file to write; the moderators' aliases go beside it (FILE.jsonl -> FILE.aliases.json)",
    )
    return parser


def _fail(message: str) -> int:
    print(f"katheryne: {message}", file=sys.stderr)
    return EXIT_USAGE


class _RedactingFormatter(logging.Formatter):
    """Replaces the token wherever it would appear in a log line, tracebacks included."""

    def __init__(self, fmt: str, secret: str | None) -> None:
        super().__init__(fmt)
        self._secret = secret

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace(self._secret, "[token]") if self._secret else text


def _configure_logging(config: Config) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", config.discord_token))
    logging.basicConfig(level=config.log_level, handlers=[handler], force=True)
    # aiosqlite's DEBUG lines carry every SQL parameter, i.e. users' questions; keep those out of logs.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, logging.getLogger().level))


async def _export(config: Config, out: Path) -> int:
    try:
        counts = await export_training(config.database_path, out, include_unconfirmed=config.train_on_unconfirmed)
    except FileNotFoundError:
        raise StartupError(
            f"no conversation log at {config.database_path} yet; run the bot first or set DATABASE_PATH"
        ) from None
    print(f"wrote {counts.total} training pairs to {out} ({counts})")
    aliases_out = aliases_path_for(out)
    aliases = await export_aliases(config.database_path, aliases_out)
    print(f"wrote {aliases} aliases to {aliases_out}")
    return EXIT_OK


@asynccontextmanager
async def _pipeline(config: Config) -> AsyncIterator[tuple[InferenceWorker, ConversationLog]]:
    """The started worker and the open conversation log; both are shut down on exit."""
    if not config.model_path.is_file():
        raise StartupError(
            f"no model at {config.model_path}; train one with `python -m training` or set MODEL_PATH to a checkpoint"
        )
    try:
        resolve_device(config.device)
    except (ValueError, RuntimeError) as error:
        raise StartupError(str(error)) from None
    worker = InferenceWorker(
        config.model_path,
        device=config.device,
        knowledge_path=config.knowledge_path,
        max_batch_size=config.batch_size,
        max_wait_ms=config.batch_wait_ms,
        max_queue=config.queue_size,
        beam_size=config.beam_size,
    )
    try:
        await asyncio.to_thread(worker.start)
    except CheckpointError as error:
        raise StartupError(f"{error}; set MODEL_PATH to a checkpoint written by `python -m training`") from None
    try:
        conversations = await _open_log(config.database_path)
        try:
            yield worker, conversations
        finally:
            await conversations.close()
    finally:
        # Answers what is queued, then fails the rest with WorkerStopped.
        await asyncio.to_thread(worker.stop)


async def _open_log(path: Path) -> ConversationLog:
    try:
        return await ConversationLog.open(path)
    except (SchemaTooNewError, sqlite3.Error, OSError) as error:
        raise StartupError(f"cannot open the conversation log {path}: {error}") from None


def _stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, so a signal ends the session cleanly instead of mid-answer."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def handle(signum: signal.Signals) -> None:
        log.info("received %s; finishing the questions in flight, then stopping", signum.name)
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, handle, signum)
        except NotImplementedError:  # Windows' event loop: Ctrl-C still raises KeyboardInterrupt
            break
    return stop


async def _run_console(config: Config) -> int:
    stop = _stop_on_signals()
    async with _pipeline(config) as (worker, conversations):
        if config.retention_days:
            deleted = await conversations.purge_older_than(config.retention_days)
            log.info("retention: deleted %d exchanges older than %d days", deleted, config.retention_days)
        console = Console(
            worker,
            conversations,
            max_question_length=config.max_question_length,
            stdin=sys.stdin,
            stdout=sys.stdout,
        )
        watcher = asyncio.create_task(_stop_console(stop, console))
        try:
            answered = await console.run()
        finally:
            watcher.cancel()
        log.info("console session over: %d questions answered", answered)
    return EXIT_OK


async def _stop_console(stop: asyncio.Event, console: Console) -> None:
    await stop.wait()
    console.stop()


async def _run_discord(config: Config, token: str) -> int:
    stop = _stop_on_signals()
    async with _pipeline(config) as (worker, conversations):
        if stop.is_set():  # the signal came while the model was loading
            return EXIT_OK
        bot = create_bot(config, worker, conversations)
        async with bot:
            watcher = asyncio.create_task(_stop_bot(stop, bot))
            try:
                await _log_in(bot, token)
                await bot.connect()
            finally:
                if stop.is_set():
                    # The watcher is inside bot.close(); cancelling it would cancel discord.py's own
                    # closing task, which `async with bot` awaits next.
                    await watcher
                else:
                    watcher.cancel()
    return EXIT_OK


async def _log_in(bot: KatheryneBot, token: str) -> None:
    """Log in (which runs ``setup_hook``), turning what the operator must fix into a StartupError.

    Once logged in, discord.py itself reconnects through network trouble; before that, an unreachable
    Discord means the machine's network needs fixing, and the service manager restarts Katheryne.
    """
    try:
        await bot.login(token)
    except discord.LoginFailure:
        raise StartupError(
            "Discord rejected DISCORD_TOKEN; copy the bot's token again from the Developer Portal "
            "(Bot → Reset Token) into .env"
        ) from None
    except aiohttp.ClientConnectionError as error:
        raise StartupError(
            f"cannot reach Discord ({error}); check this machine's internet connection, DNS and firewall "
            "(Katheryne needs HTTPS to discord.com)"
        ) from None


async def _stop_bot(stop: asyncio.Event, bot: KatheryneBot) -> None:
    await stop.wait()
    # Waits for the questions in flight; the worker and the log are closed after, by _pipeline.
    await bot.close()


if __name__ == "__main__":
    sys.exit(main())
