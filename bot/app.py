"""The Discord bot: a ``commands.Bot`` holding the config, the inference worker and the conversation log.

The bot does not own the worker or the log: whoever built them (``bot.__main__``, or a test) starts
and stops them. It does own the retraining machinery (the ``ModelStore`` over the serving checkpoint and
the ``RetrainManager``), since only its moderators' commands drive them. The bot's part of a shutdown
is to stop taking questions and let the ones in flight finish, and to cancel a running retrain so it
ends recorded as cancelled, before it disconnects, so nobody is left with an endless "thinking…".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import discord
from discord.ext import commands, tasks

from assistant.knowledge import load_knowledge
from assistant.linker import EntityLinker
from assistant.worker import InferenceWorker
from bot.aliases import AliasStore
from bot.config import Config
from bot.contexts import SERVER_CONTEXTS, SERVER_INSTALL
from bot.db import ConversationLog
from bot.errors import RESTARTING_MESSAGE, FriendlyError, KatheryneTree
from bot.metrics import BotMetrics, Health, MetricsServer
from bot.model_store import ModelStore
from bot.retrain import RetrainManager
from bot.retrain_records import RetrainSettings
from bot.sync import sync_if_changed

__all__ = ["EXTENSIONS", "KatheryneBot", "create_bot", "retrain_settings_for"]

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.cogs.ask",
    "bot.cogs.feedback",
    "bot.cogs.admin",
    "bot.cogs.alias",
    "bot.cogs.privacy",
    "bot.cogs.help",
)
"""Every cog module, loaded in this order in ``setup_hook``."""

SHUTDOWN_GRACE_S = 15.0
"""How long ``close`` waits for questions in flight before disconnecting anyway."""


def retrain_settings_for(config: Config) -> RetrainSettings:
    """How ``/retrain`` runs under ``config``."""
    return RetrainSettings(
        training_data=config.training_data,
        knowledge_path=config.knowledge_path,
        default_epochs=config.retrain_epochs,
        max_epochs=config.retrain_max_epochs,
        tolerance=config.retrain_tolerance,
        progress_interval_s=config.retrain_progress_seconds,
        include_unconfirmed=config.train_on_unconfirmed,
    )


class KatheryneBot(commands.Bot):
    """The bot; cogs reach the shared pieces as ``bot.config``, ``bot.worker``, ``bot.conversation_log``,
    ``bot.model_store`` and ``bot.retrain``."""

    def __init__(
        self,
        config: Config,
        worker: InferenceWorker,
        conversation_log: ConversationLog,
        *,
        sync_commands: bool = True,
        retrain_settings: RetrainSettings | None = None,
        **options: Any,
    ) -> None:
        """``retrain_settings`` overrides the settings built from ``config`` (tests pass tiny trainings);
        ``options`` go to ``commands.Bot`` (tests pass e.g. ``guild_ready_timeout``)."""
        # Katheryne never joins voice, so discord.py's warnings about missing voice libraries are noise.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            # No prefix commands: without the message-content intent the bot only sees mentions.
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=discord.Intents(guilds=True),
            # Nothing the bot sends may ping anyone, whatever a question or an answer contains.
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=KatheryneTree,
            # Commands are for servers that installed Katheryne unless marked as member commands.
            allowed_contexts=SERVER_CONTEXTS,
            allowed_installs=SERVER_INSTALL,
            owner_ids=set(config.owner_ids),
            **options,
        )
        self.config = config
        self.worker = worker
        self.knowledge = load_knowledge(config.knowledge_path)
        """The game data answers are read from; /help and answer embeds describe it."""
        self.linker = EntityLinker(self.knowledge)
        """Names for /ask's autocomplete, built once per bot."""
        self.conversation_log = conversation_log
        self.retrain_settings = retrain_settings or retrain_settings_for(config)
        self.model_store = ModelStore(config.model_path)
        self.metrics = BotMetrics(worker, data_version=lambda: self.knowledge.version.game_version)
        worker.batch_observer = self.metrics.batch
        self.metrics_server: MetricsServer | None = None
        """Serving /metrics and /healthz while the bot runs, when METRICS_PORT is set."""
        self._aliases: AliasStore | None = None
        self.retrain = RetrainManager(
            self.retrain_settings,
            conversation_log,
            worker,
            self.model_store,
            on_finished=lambda result: self.metrics.retrain_finished(result.outcome),
        )
        self._sync_commands = sync_commands
        self._closing = False
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def aliases(self) -> AliasStore:
        """Moderators' nicknames for entities; open from ``setup_hook`` until ``close``."""
        if self._aliases is None:
            raise RuntimeError("the alias store opens in setup_hook")
        return self._aliases

    async def publish_aliases(self) -> None:
        """Give the stored aliases to the linker questions are read with and to /ask's autocomplete."""
        mapping = await self.aliases.mapping()
        self.worker.set_aliases(mapping)
        self.linker.set_aliases(mapping)

    async def setup_hook(self) -> None:
        # A retrain the last process left running (it crashed or was killed) is closed as failed.
        await self.retrain.recover()
        self._aliases = await AliasStore.open(self.config.database_path)
        await self.publish_aliases()
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.config.retention_days:
            self.purge_expired.start()
        if self._sync_commands:
            await self.sync_commands_if_changed()
        if self.config.metrics_port is not None:
            await self._serve_metrics(self.config.metrics_port)

    async def _serve_metrics(self, port: int) -> None:
        server = MetricsServer(self.metrics, self.health, port)
        try:
            await server.start()
        except OSError as error:  # the bot still answers; the operator learns why nothing scrapes
            log.error("cannot serve metrics on 127.0.0.1:%d (METRICS_PORT): %s", port, error)
            return
        self.metrics_server = server

    def health(self) -> Health:
        """Whether the gateway is connected and the worker serving, right now."""
        ws = self.ws
        return Health(
            gateway_connected=self.is_ready() and not self.is_closed() and ws is not None and ws.open,
            worker_serving=self.worker.serving,
            model_version=self.worker.model_version,
        )

    async def sync_commands_if_changed(self) -> bool:
        """Sync slash commands to DEV_GUILD_ID (or globally) if they changed since the last sync.

        A failed sync is logged, not raised: the commands Discord already has keep working.
        """
        if self.application_id is None:
            raise RuntimeError("cannot sync slash commands before logging in")
        guild = None if self.config.dev_guild_id is None else discord.Object(id=self.config.dev_guild_id)
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        try:
            return await sync_if_changed(
                self.tree, self.config.command_sync_path, application_id=self.application_id, guild=guild
            )
        except discord.HTTPException as error:
            log.error("could not sync slash commands, keeping the ones Discord has: %s", error)
            return False

    async def on_ready(self) -> None:
        # Runs again after every reconnect, so it only reports; setup work belongs in setup_hook.
        log.info("connected as %s (id %s) to %d guilds", self.user, self.user and self.user.id, len(self.guilds))

    @tasks.loop(hours=24)
    async def purge_expired(self) -> None:
        """Delete exchanges older than RETENTION_DAYS: at start-up, then daily."""
        try:
            deleted = await self.conversation_log.purge_older_than(self.config.retention_days)
        except Exception:
            log.exception("could not purge exchanges older than %d days", self.config.retention_days)
            return
        log.info("retention: deleted %d exchanges older than %d days", deleted, self.config.retention_days)

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Mark one question as in flight, so ``close`` waits for its reply.

        Raises FriendlyError when the bot is shutting down.
        """
        if self._closing:
            raise FriendlyError(RESTARTING_MESSAGE)
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def close(self) -> None:
        """Stop taking questions, give those in flight up to SHUTDOWN_GRACE_S to be answered, cancel a
        running retrain, disconnect."""
        if not self._closing:
            self._closing = True
            if self._in_flight:
                log.info("shutting down: waiting for %d questions in flight", self._in_flight)
                try:
                    await asyncio.wait_for(self._idle.wait(), SHUTDOWN_GRACE_S)
                except TimeoutError:
                    log.warning("shutting down with %d questions still unanswered", self._in_flight)
            if self.retrain.current is not None:
                # Before the cogs unload, so the retrain's status message still gets its outcome.
                await self.retrain.cancel("Katheryne was shut down")
        self.purge_expired.cancel()
        await super().close()
        if self.metrics_server is not None:
            await self.metrics_server.stop()
        if self._aliases is not None:
            await self._aliases.close()


def create_bot(
    config: Config,
    worker: InferenceWorker,
    conversation_log: ConversationLog,
    *,
    sync_commands: bool = True,
    retrain_settings: RetrainSettings | None = None,
    **options: Any,
) -> KatheryneBot:
    """The bot for ``config``, answering with ``worker`` and logging to ``conversation_log``.

    ``sync_commands=False`` skips the slash command sync in ``setup_hook``; ``retrain_settings``
    overrides the settings built from ``config``; ``options`` go to ``commands.Bot``.
    """
    return KatheryneBot(
        config, worker, conversation_log, sync_commands=sync_commands, retrain_settings=retrain_settings, **options
    )
