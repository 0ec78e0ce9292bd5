"""Moderator commands: retrain Katheryne on what she logged, watch it, cancel it, roll it back; and /model.

| command           | who        | reply                                                          |
|-------------------|------------|----------------------------------------------------------------|
| /retrain [epochs] | moderators | public status message, edited with progress, then the outcome  |
| /retrain-status   | moderators | private: the running retrain, else the last one in the log     |
| /retrain-cancel   | moderators | private; the status message shows "cancelled"                  |
| /model-rollback   | moderators | public: which model serves now                                 |
| /model            | everyone   | private: version, training data, test metrics, loss curve      |

/model is open to everyone: what model answers them, and how well it tested, is no secret, and
seeing it helps users judge an answer. Moderators are defined in ``bot.permissions``; the moderator
commands are hidden from others by ``default_permissions`` and checked again on every call.
The work itself is ``RetrainManager``'s; this cog turns its progress and results into messages.
"""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from assistant.checkpoint import CheckpointError
from bot.admin_embeds import model_embed, progress_embed, result_embed, retrain_record_embed
from bot.config import MAX_RETRAIN_EPOCHS
from bot.db import RetrainAlreadyRunning
from bot.errors import FriendlyError
from bot.model_store import NoPreviousModel
from bot.permissions import moderator_only
from bot.retrain import RetrainJob
from bot.retrain_records import RetrainProgress
from bot.status_message import StatusMessage

if TYPE_CHECKING:
    from bot.app import KatheryneBot

log = logging.getLogger(__name__)

OUTCOME_GRACE_S = 10.0
"""How long unloading the cog waits for the outcomes of retrains that just ended to be posted."""

_NONE = discord.AllowedMentions.none()


def _already_running(job: RetrainJob) -> FriendlyError:
    return FriendlyError(
        f"Retrain #{job.id} is already running (started by <@{job.requested_by}> "
        f"{discord.utils.format_dt(job.started_at, 'R')}). Follow it with /retrain-status or stop it "
        "with /retrain-cancel."
    )


class Admin(commands.Cog):
    """/retrain, /retrain-status, /retrain-cancel, /model-rollback and /model."""

    def __init__(self, bot: KatheryneBot) -> None:
        self.bot = bot
        # Tasks posting each retrain's outcome; kept so they are not garbage-collected mid-run.
        self._watchers: set[asyncio.Task[None]] = set()

    async def cog_unload(self) -> None:
        # On shutdown the bot cancels a running retrain first; let its outcome reach Discord.
        if self._watchers:
            await asyncio.wait(self._watchers, timeout=OUTCOME_GRACE_S)

    @app_commands.command(name="retrain", description="Fine-tune Katheryne on the logged answers and corrections")
    @app_commands.describe(epochs="Passes over the training data (default: RETRAIN_EPOCHS)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def retrain(
        self,
        interaction: discord.Interaction[KatheryneBot],
        epochs: app_commands.Range[int, 1, MAX_RETRAIN_EPOCHS] | None = None,
    ) -> None:
        manager = self.bot.retrain
        if manager.current is not None:
            raise _already_running(manager.current)
        max_epochs = self.bot.retrain_settings.max_epochs
        if epochs is not None and epochs > max_epochs:
            raise FriendlyError(f"A retrain may run at most {max_epochs} epochs (RETRAIN_MAX_EPOCHS).")
        # Starting reads the serving checkpoint and the whole log: more than Discord's 3 seconds.
        callback = await interaction.response.defer(thinking=True)
        message_id = callback.message_id if callback is not None else None
        status = StatusMessage(interaction, message_id, self.bot.retrain_settings.progress_interval_s)
        job: RetrainJob | None = None

        async def on_progress(progress: RetrainProgress) -> None:
            # start() returns the job before its task reports anything.
            assert job is not None
            if progress.stage != "finished":  # the outcome replaces the last progress (_post_outcome)
                status.show(progress_embed(progress, job))

        try:
            job = await manager.start(
                requested_by=interaction.user.id, guild_id=interaction.guild_id, epochs=epochs, on_progress=on_progress
            )
        except RetrainAlreadyRunning as error:
            raise FriendlyError(
                f"Retrain #{error.running_id} is already running. Follow it with /retrain-status."
            ) from None
        except CheckpointError as error:
            raise FriendlyError(f"I can't read the serving model, so there is nothing to fine-tune: {error}") from None
        status.show(progress_embed(job.progress, job))
        watcher = asyncio.create_task(self._post_outcome(job, status), name=f"retrain-{job.id}-outcome")
        self._watchers.add(watcher)
        watcher.add_done_callback(self._watchers.discard)

    async def _post_outcome(self, job: RetrainJob, status: StatusMessage) -> None:
        result = await job.wait()
        try:
            await status.finish(result_embed(result, job))
        except Exception:
            log.exception("retrain %d ended %s, but its outcome could not be posted", job.id, result.outcome)

    @app_commands.command(name="retrain-status", description="How the running or the last retrain is doing")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def retrain_status(self, interaction: discord.Interaction[KatheryneBot]) -> None:
        job = self.bot.retrain.current
        if job is not None:
            embed = progress_embed(job.progress, job)
        else:
            record = await self.bot.conversation_log.latest_retrain()
            if record is None:
                raise FriendlyError("Katheryne has not been retrained yet. Start one with /retrain.")
            embed = retrain_record_embed(record)
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=_NONE)

    @app_commands.command(name="retrain-cancel", description="Stop the running retrain; the serving model stays")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def retrain_cancel(self, interaction: discord.Interaction[KatheryneBot]) -> None:
        job = self.bot.retrain.current
        if job is None:
            raise FriendlyError("No retrain is running.")
        # The trainer gets a few seconds to exit cleanly.
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.retrain.cancel(f"cancelled by {interaction.user.display_name}")
        if result is None or result.outcome == "cancelled":
            message = f"Retrain #{job.id} is cancelled; the serving model is unchanged."
        else:
            message = f"Too late to cancel: retrain #{job.id} had already ended as {result.outcome}."
        await interaction.edit_original_response(content=message, allowed_mentions=_NONE)

    @app_commands.command(name="model-rollback", description="Serve the model the last retrain replaced")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @moderator_only()
    async def model_rollback(self, interaction: discord.Interaction[KatheryneBot]) -> None:
        if self.bot.retrain.current is not None:
            raise FriendlyError("A retrain is running; cancel it with /retrain-cancel before rolling back.")
        # Loading the previous model takes a moment.
        await interaction.response.defer(thinking=True)
        replaced = self.bot.worker.model_version
        try:
            version = await self.bot.retrain.rollback()
        except NoPreviousModel:
            raise FriendlyError(
                "There is no previous model to go back to: no retrain has replaced this one yet "
                "(or every kept model has been rolled back already)."
            ) from None
        except RetrainAlreadyRunning:
            raise FriendlyError("A retrain started meanwhile; cancel it with /retrain-cancel first.") from None
        except CheckpointError as error:
            raise FriendlyError(f"The previous model is damaged, so I kept the current one: {error}") from None
        log.info("user %s rolled the model back from %s to %s", interaction.user.id, replaced, version)
        await interaction.edit_original_response(
            content=f"↩️ Rolled back by {interaction.user.mention}: now serving model `{version}` "
            f"(replacing `{replaced}`).",
            allowed_mentions=_NONE,
        )

    @app_commands.command(name="model", description="Which model answers, what it learned from and how well it tested")
    async def model(self, interaction: discord.Interaction[KatheryneBot]) -> None:
        worker = self.bot.worker
        plot = await asyncio.to_thread(_read_if_present, worker.model_path.with_suffix(".png"))
        embed = model_embed(worker.meta, worker.model_version, has_plot=plot is not None)
        files = [] if plot is None else [discord.File(io.BytesIO(plot), filename="loss_curve.png")]
        await interaction.response.send_message(embed=embed, files=files, ephemeral=True, allowed_mentions=_NONE)


def _read_if_present(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


async def setup(bot: KatheryneBot) -> None:
    await bot.add_cog(Admin(bot))
