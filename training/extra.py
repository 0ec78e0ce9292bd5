"""Extra training pairs from a JSONL file: the bot's confirmed exchanges and moderators' corrections.

Each `{"question": ..., "answer": ...}` line becomes a training example about the entities the
reader links in its question, so at training time it goes through the same retrieval as any
question and teaches the model to read, not to memorise the exchange.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from assistant.inference import Reader
from training.examples import Example

log = logging.getLogger(__name__)


def parse_extra_lines(lines: Iterable[str]) -> tuple[list[tuple[str, str]], int]:
    """(question, answer) pairs from JSONL lines, and how many lines were blank or invalid."""
    pairs: list[tuple[str, str]] = []
    skipped = 0
    for line in lines:
        try:
            row = json.loads(line)
            question, answer = row["question"].strip(), row["answer"].strip()
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            skipped += 1
            continue
        if not question or not answer:
            skipped += 1
            continue
        pairs.append((question, answer))
    return pairs, skipped


def load_extra_examples(jsonl_path: str | Path, reader: Reader) -> list[Example]:
    """Training examples from `jsonl_path`; invalid lines are skipped and counted in the log."""
    with open(jsonl_path, encoding="utf-8") as lines:
        pairs, skipped = parse_extra_lines(lines)
    if skipped:
        log.warning("%s: skipped %d blank or invalid lines, kept %d pairs", jsonl_path, skipped, len(pairs))
    return [
        Example(
            question=question,
            answer=answer,
            split="train",
            kind="conversation",
            entities=reader.entity_keys(question),
            held_out=False,
            expected=(),
            forbidden=(),
            category="conversation",
            template="conversation",
            noise=(),
        )
        for question, answer in pairs
    ]
