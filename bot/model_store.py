"""The serving checkpoint on disk, the few it replaced, and the moves between them.

The inference worker reads the checkpoint at ``model_path``. ``promote`` puts a new one there and
keeps the replaced one in ``previous/`` (the last few, newest last by name); ``rollback`` puts the
newest kept one back. ``model_path`` only ever changes by ``os.replace`` from a complete file in its
own folder, so a crash or a full disk at any moment leaves either the old checkpoint or the new one
there, never a missing or half-written file. Each checkpoint's loss-curve PNG (same name, ``.png``)
moves with it; the picture is a courtesy, so a failure to move it after the checkpoint has moved is
logged rather than undoing the promotion.

The methods block on file I/O; call them from a thread (``asyncio.to_thread``) in the bot.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.atomic import atomic_write
from assistant.checkpoint import CheckpointError, read_metadata

__all__ = ["ModelStore", "NoPreviousModel", "StoredModel"]

log = logging.getLogger(__name__)

_STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
# Archived files are "<UTC stamp>-<version>.pt"; the stamp makes name order the order of archiving.
_ARCHIVE_NAME = re.compile(r"^(?P<stamp>\d{8}T\d{12}Z)-(?P<version>[A-Za-z0-9._-]+)\.pt$")


class NoPreviousModel(LookupError):
    """There is no earlier checkpoint to roll back to."""


@dataclass(frozen=True)
class StoredModel:
    """A checkpoint kept in ``previous/``: where it is, which model it is and when it was replaced."""

    path: Path
    version: str
    created_at: str | None
    archived_at: datetime
    metrics: dict[str, Any]


class ModelStore:
    """Owns ``model_path`` and its ``previous/`` folder; keeps the last ``keep`` replaced checkpoints."""

    def __init__(self, model_path: str | Path, *, keep: int = 3) -> None:
        if keep < 1:
            raise ValueError(f"keep must be at least 1, not {keep}")
        self.model_path = Path(model_path)
        self.archive_dir = self.model_path.parent / "previous"
        self.keep = keep

    def promote(self, candidate: str | Path) -> Path:
        """Make ``candidate`` the serving checkpoint and keep the replaced one; return ``model_path``.

        The candidate (and its PNG) is moved, not copied, when it is on the same filesystem.
        Raises CheckpointError if the candidate is not a readable checkpoint and OSError if the
        disk fails; in both cases ``model_path`` still holds the checkpoint it held before.
        """
        candidate = Path(candidate)
        read_metadata(candidate)  # refuse a broken file before touching anything
        archived = self._archive_serving() if self.model_path.exists() else None
        try:
            _move_into_place(candidate, self.model_path)
        except BaseException:
            if archived is not None:  # the serving model did not change, so it was not replaced
                _remove(archived)
            raise
        self._carry_plot(candidate, self.model_path)
        self._prune()
        log.info("promoted %s to %s", candidate, self.model_path)
        return self.model_path

    def rollback(self) -> Path:
        """Put the most recently replaced checkpoint back at ``model_path``; return ``model_path``.

        The checkpoint being replaced is discarded, so rolling back again goes one further back.
        Raises NoPreviousModel when nothing was kept, CheckpointError when the kept file is damaged
        (it then stays where it is) and OSError if the disk fails; ``model_path`` is unchanged then.
        """
        entries = self._archived()
        if not entries:
            raise NoPreviousModel(f"no previous model in {self.archive_dir} to roll back to")
        newest = entries[-1]
        read_metadata(newest)  # a damaged copy must not replace a working model
        _move_into_place(newest, self.model_path)
        self._carry_plot(newest, self.model_path)
        log.info("rolled %s back to %s", self.model_path, newest.name)
        return self.model_path

    def previous(self) -> StoredModel | None:
        """The checkpoint ``rollback`` would restore, or None."""
        entries = self._archived()
        return _describe(entries[-1]) if entries else None

    def history(self) -> list[StoredModel]:
        """Every kept checkpoint, most recently replaced first."""
        return [_describe(path) for path in reversed(self._archived())]

    # -- internals ----------------------------------------------------------------------------

    def _archive_serving(self) -> Path:
        """Copy the serving checkpoint (and its PNG) into ``previous/``; return the copy's path."""
        try:
            version = str(read_metadata(self.model_path).get("version", "unversioned"))
        except Exception as error:  # an unreadable serving file is still worth keeping
            log.warning("serving checkpoint %s has unreadable metadata: %s", self.model_path, error)
            version = "unreadable"
        version = re.sub(r"[^A-Za-z0-9._-]", "_", version) or "unversioned"
        stamp = datetime.now(UTC).strftime(_STAMP_FORMAT)
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        target = self.archive_dir / f"{stamp}-{version}.pt"
        plot = self.model_path.with_suffix(".png")
        if plot.exists():
            _copy_into_place(plot, target.with_suffix(".png"))
        try:
            _copy_into_place(self.model_path, target)
        except BaseException:
            target.with_suffix(".png").unlink(missing_ok=True)
            raise
        return target

    def _archived(self) -> list[Path]:
        if not self.archive_dir.is_dir():
            return []
        return sorted(path for path in self.archive_dir.iterdir() if _ARCHIVE_NAME.match(path.name))

    def _carry_plot(self, source: Path, target: Path) -> None:
        """Make ``target``'s PNG the one that came with ``source`` (or none if it had none)."""
        plot, target_plot = source.with_suffix(".png"), target.with_suffix(".png")
        try:
            if plot.exists():
                _move_into_place(plot, target_plot)
            else:
                target_plot.unlink(missing_ok=True)
        except OSError as error:
            log.warning("checkpoint %s is in place but its loss curve is not: %s", target, error)

    def _prune(self) -> None:
        for path in self._archived()[: -self.keep]:
            _remove(path)


def _describe(path: Path) -> StoredModel:
    match = _ARCHIVE_NAME.match(path.name)
    assert match is not None  # _archived only lists matching names
    try:
        meta = read_metadata(path)
    except CheckpointError as error:  # still listed, so an operator sees it; rollback refuses it
        log.warning("kept checkpoint %s is damaged: %s", path, error)
        meta = {}
    archived_at = datetime.strptime(match["stamp"], _STAMP_FORMAT).replace(tzinfo=UTC)
    return StoredModel(
        path=path,
        version=str(meta.get("version", match["version"])),
        created_at=meta.get("created_at"),
        archived_at=archived_at,
        metrics=dict(meta.get("metrics") or {}),
    )


def _remove(checkpoint: Path) -> None:
    for path in (checkpoint, checkpoint.with_suffix(".png")):
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            log.warning("could not remove %s: %s", path, error)


def _move_into_place(source: Path, target: Path) -> None:
    """Atomically replace ``target`` with ``source``, copying first if they are on different disks."""
    try:
        os.replace(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        _copy_into_place(source, target)
        source.unlink()


def _copy_into_place(source: Path, target: Path) -> None:
    """Copy ``source`` to a temporary file beside ``target``, sync it, then replace ``target``.

    A copy that fails midway (a full disk) leaves ``target`` as it was and no temporary file behind.
    """
    with atomic_write(target) as out, source.open("rb") as data:
        shutil.copyfileobj(data, out)
