"""Crash-safe file writes: write beside the target, sync, then `os.replace`.

Readers see either the old file or the complete new one, never a half-written file; a failure
midway (a crash, a full disk) leaves the old file and no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def atomic_write(
    path: str | Path, mode: str = "wb", *, permissions: int = 0o644, **open_options: Any
) -> Iterator[IO[Any]]:
    """Open a temporary file next to `path` for writing; it replaces `path` when the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Same folder as the target, so os.replace is a rename within one filesystem.
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(descriptor, permissions)  # mkstemp creates 0600
        with os.fdopen(descriptor, mode, **open_options) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
