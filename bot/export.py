"""Export the conversation log's training pairs as JSONL for the training pipeline.

The rules for which exchanges become pairs live in ``ConversationLog.training_pairs``; this module
only writes them out, and ``write_training_pairs`` is the one writer of such a file (the export
command and ``/retrain`` both use it). The file is replaced atomically, so a training run that reads
it while an export runs sees either the old file or the new one, never half of one, and only the
operator may read it: it holds users' questions.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from pathlib import Path

from assistant.atomic import atomic_write
from bot.db import ConversationLog
from bot.records import PairCounts, TrainingPair


async def export_training(
    db_path: str | Path, out_path: str | Path, *, include_unconfirmed: bool = False
) -> PairCounts:
    """Write one ``{"question": ..., "answer": ...}`` line per training pair to ``out_path``.

    ``include_unconfirmed`` lets in answers nobody confirmed (see ``ConversationLog.training_pairs``).
    Returns how many pairs of each kind were written. Raises FileNotFoundError when ``db_path`` does
    not exist, rather than creating an empty database and exporting nothing.
    """
    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"no conversation log at {db_path}")
    async with await ConversationLog.open(db_path) as conversations:
        pairs = await conversations.training_pairs(include_unconfirmed=include_unconfirmed)
    await asyncio.to_thread(write_training_pairs, Path(out_path), pairs)
    return PairCounts.of(pairs)


def write_training_pairs(out_path: Path, pairs: Iterable[TrainingPair]) -> None:
    """Replace ``out_path`` with one JSON line per pair (question, answer), readable by its owner only (0600)."""
    with atomic_write(out_path, "w", permissions=0o600, encoding="utf-8", newline="\n") as out:
        for pair in pairs:
            out.write(json.dumps({"question": pair.question, "answer": pair.answer}, ensure_ascii=False))
            out.write("\n")
