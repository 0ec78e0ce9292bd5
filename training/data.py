"""Question/answer pairs for training, built from the game knowledge.

Every fact in assistant.knowledge (Hu Tao's element, Staff of Homa's passive, ...) becomes one
canonical answer (training/facts.py) asked with several phrasings and nicknames
(training/questions.py and training/templates.py have the wording, training/split.py the held-out
phrasings and cleaning). Questions about things that are not in the data (made-up names, the
weather, a field the data leaves empty) get UNKNOWN_ANSWER, so the model learns to admit it does
not know instead of inventing. Fact pairs carry `expected` and `forbidden` strings so evaluation
can tell a right answer from a fluent wrong one.
"""

from __future__ import annotations

import json
import logging
import random
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from assistant.atomic import atomic_write
from assistant.knowledge import Knowledge, load_knowledge
from training import templates as T
from training.facts import MAX_ANSWER_TOKENS, UNKNOWN_ANSWER, build_facts, says
from training.made_up import made_up_facts
from training.questions import MORE_TRAIN_QUESTIONS, QUESTIONS
from training.split import SPLITS, DataReport, Pair, SplitData, finalize, phrase_fact, phrase_fact_more

__all__ = [
    "MAX_ANSWER_TOKENS", "UNKNOWN_ANSWER", "DataReport", "Pair", "SplitData", "build_pairs", "build_training_data",
    "is_fact_correct", "is_unknown_reply", "load_extra_pairs", "parse_extra_lines", "read_training_data",
    "write_training_data",
]

log = logging.getLogger(__name__)

# Made-up-name questions as a share of the real-fact questions in each split.
UNKNOWN_SHARE = 0.12
_UNKNOWN_MARKERS = (
    "don't have information", "do not have information", "don't know", "do not know", "no information",
    "not sure", "can't help with that",
)


# ----------------------------------------------------------------------------------------------
# Building and reading the data file


def build_pairs(seed: int = 0, knowledge: Knowledge | None = None) -> tuple[SplitData, DataReport]:
    """All splits from the game knowledge, deterministic for a given seed."""
    knowledge = knowledge or load_knowledge()
    rng = random.Random(seed)
    facts = build_facts(knowledge, rng)
    candidates = [candidate for fact in facts for candidate in phrase_fact(fact, rng, seed)]

    real = Counter(split for split, pair in candidates if pair.kind not in ("smalltalk", "unknown"))
    targets = Counter({split: round(UNKNOWN_SHARE * real[split]) for split in SPLITS})
    reserved = {token for _, pair in candidates for text in (pair.question, pair.answer) for token in T.tokens_of(text)}
    patterns = [p for table in (QUESTIONS, MORE_TRAIN_QUESTIONS) for ps in table.values() for p in ps]
    reserved |= {token for p in patterns for token in T.tokens_of(p)}
    for fact in made_up_facts(targets, reserved, knowledge.regions, rng):
        candidates += phrase_fact(fact, rng, seed)
    more_rng = random.Random(f"{seed}:more")
    candidates += [candidate for fact in facts for candidate in phrase_fact_more(fact, more_rng)]

    gaps = sorted(f.fact for f in facts if f.kind == "unknown" and not f.fact.startswith("unknown."))
    notes = [f"fields missing in the game data, answered as unknown: {len(gaps)} ({', '.join(gaps[:5])}, ...)"]
    return finalize(candidates, max_length=MAX_ANSWER_TOKENS, notes=notes)


def build_training_data(out_path: str | Path, seed: int = 0) -> DataReport:
    """Write training_data.json (see write_training_data) and return what went into it."""
    data, report = build_pairs(seed)
    write_training_data(out_path, data, meta={"seed": seed, "summary": report.summary()})
    return report


def write_training_data(path: str | Path, data: SplitData, meta: dict[str, object] | None = None) -> None:
    """Parallel lists queries/responses/splits/checks, written atomically (temp file + replace)."""
    rows = [(split, pair) for split in SPLITS for pair in data.by_name(split)]
    payload = {
        "queries": [pair.question for _, pair in rows],
        "responses": [pair.answer for _, pair in rows],
        "splits": [split for split, _ in rows],
        "checks": [
            {"kind": p.kind, "fact": p.fact, "template": p.template, "expected": list(p.expected),
             "forbidden": list(p.forbidden)}
            for _, p in rows
        ],
        "meta": meta or {},
    }
    with atomic_write(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))


def read_training_data(path: str | Path) -> SplitData:
    """The splits written by build_training_data."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    queries, responses, splits = payload["queries"], payload["responses"], payload["splits"]
    checks = payload.get("checks") or [{} for _ in queries]
    if not len(queries) == len(responses) == len(splits) == len(checks):
        raise ValueError(f"{path}: queries, responses, splits and checks differ in length")
    grouped: dict[str, list[Pair]] = {split: [] for split in SPLITS}
    for question, answer, split, check in zip(queries, responses, splits, checks):
        if split not in grouped:
            raise ValueError(f"{path}: unknown split {split!r}")
        grouped[split].append(Pair(
            question, answer, check.get("kind", "fact"), check.get("fact", ""), check.get("template", ""),
            tuple(check.get("expected", ())), tuple(check.get("forbidden", ())),
        ))
    return SplitData(grouped["train"], grouped["validation"], grouped["test"])


def parse_extra_lines(lines: Iterable[str]) -> tuple[list[Pair], int]:
    """Pairs from JSONL lines of {"question", "answer"}, and how many lines were skipped."""
    pairs: list[Pair] = []
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
        pairs.append(Pair(question, answer, "extra", "extra", "extra"))
    return pairs, skipped


def load_extra_pairs(jsonl_path: str | Path) -> list[Pair]:
    """Hand-written pairs for the train split; blank or invalid lines are skipped and counted in the log."""
    with open(jsonl_path, encoding="utf-8") as lines:
        pairs, skipped = parse_extra_lines(lines)
    if skipped:
        log.warning("%s: skipped %d blank or invalid lines, kept %d pairs", jsonl_path, skipped, len(pairs))
    return pairs


# ----------------------------------------------------------------------------------------------
# Checking generated answers


def is_unknown_reply(answer: str) -> bool:
    """True for "I don't have information / don't know" style replies."""
    return any(says(answer, marker) for marker in _UNKNOWN_MARKERS)


def is_fact_correct(pair: Pair, answer: str) -> bool:
    """Whether `answer` is right for `pair`.

    Unknown pairs need an admission of not knowing. Fact pairs need every expected string and none
    of the forbidden ones (whole words, any case), and must not dodge with "I don't know". Pairs
    without checks (smalltalk, extra) must match the reference answer token for token.
    """
    if pair.kind == "unknown":
        return is_unknown_reply(answer)
    if not pair.expected and not pair.forbidden:
        return T.tokens_of(answer) == T.tokens_of(pair.answer)
    if is_unknown_reply(answer):
        return False
    return all(says(answer, e) for e in pair.expected) and not any(says(answer, f) for f in pair.forbidden)
