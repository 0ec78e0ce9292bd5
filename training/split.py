"""Train/validation/test splitting and data-quality filtering.

Validation and test must measure what a user will do next: ask known facts in words the model has
not seen. So whole phrasing templates are held out per family (some only in validation, others only
in test), while every fact asked in validation or test is also asked in train with other words.
No normalised question appears in two splits, and a question that would need two different
answers is dropped everywhere.
"""

from __future__ import annotations

import random
import string
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from training.questions import MORE_TRAIN_QUESTIONS
from training.templates import QUESTIONS, tokens_of

SPLITS = ("train", "validation", "test")
# Added training phrasings (questions.MORE_TRAIN_QUESTIONS) asked per fact.
MORE_PHRASINGS = 2


@dataclass(frozen=True)
class Pair:
    """One question/answer example plus what a correct answer must (not) say."""

    question: str
    answer: str
    kind: str
    fact: str
    template: str
    expected: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()


@dataclass(frozen=True)
class SplitData:
    train: list[Pair]
    validation: list[Pair]
    test: list[Pair]

    def by_name(self, split: str) -> list[Pair]:
        return {"train": self.train, "validation": self.validation, "test": self.test}[split]


@dataclass(frozen=True)
class DataReport:
    """What building the data produced and what it threw away."""

    counts: dict[str, int]
    kinds: dict[str, dict[str, int]]  # split -> kind -> pairs
    duplicates_removed: int
    conflicts_removed: int  # questions that would have needed two different answers
    too_long_dropped: int
    unseen_facts_dropped: int  # validation/test pairs whose fact never made it into train
    vocab_coverage: float  # share of validation/test tokens that also occur in train
    unseen_question_words: tuple[str, ...]  # words of held-out fact questions no train question has
    unique_tokens: int  # distinct tokens over all splits
    train_unique_tokens: int
    mean_answer_tokens: float
    max_answer_tokens: int
    max_length: int
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        lines = [
            "pairs: " + ", ".join(f"{split} {self.counts.get(split, 0)}" for split in SPLITS),
        ]
        for split in SPLITS:
            kinds = self.kinds.get(split, {})
            lines.append(f"  {split}: " + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())))
        lines += [
            f"removed: {self.duplicates_removed} duplicate questions, {self.conflicts_removed} conflicting, "
            f"{self.too_long_dropped} over {self.max_length} tokens, {self.unseen_facts_dropped} held-out pairs "
            "whose fact was not in train",
            f"vocabulary: {self.unique_tokens} tokens ({self.train_unique_tokens} in train), "
            f"held-out token coverage {self.vocab_coverage:.1%}",
            "held-out question words no train question has (the model cannot read them): "
            + (", ".join(self.unseen_question_words) or "none"),
            f"answers: mean {self.mean_answer_tokens:.1f} tokens, max {self.max_answer_tokens}",
            *self.notes,
        ]
        return "\n".join(lines)


@dataclass(frozen=True)
class Fact:
    """One answer to be asked in several phrasings (the unit the split is built around).

    `slots` fills the family's question placeholders; the first value of each slot is the
    canonical one (e.g. "Hu Tao"), later ones nicknames. `phrasings` training questions are drawn
    from the family's train templates; with probability `held_out` the fact is also asked once in
    validation and test, `held_out_phrasings` times each, with their templates. `only` pins all
    `phrasings` to one split (made-up names must differ between splits).
    """

    kind: str
    family: str
    fact: str
    answer: str
    slots: Mapping[str, tuple[str, ...]]
    expected: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    phrasings: int = 5
    held_out: float = 0.5
    held_out_phrasings: int = 1
    only: str | None = None


@lru_cache(maxsize=1 << 17)
def normalize_question(question: str) -> str:
    """Key for duplicate/leak checks: tokens without punctuation, so "Hu Tao element?" == "hu tao element"."""
    return " ".join(token for token in tokens_of(question) if any(ch.isalnum() for ch in token))


def template_splits(family: str, count: int, seed: int, held_out: float = 0.15) -> list[str]:
    """Which split each of a family's `count` templates belongs to.

    Families with at least five templates give round(held_out * count) templates (at least one)
    to validation and as many to test; smaller families stay entirely in train. The choice depends
    only on the family name and seed, so it is stable when other families change.
    """
    splits = ["train"] * count
    if count < 5:
        return splits
    held = max(1, round(held_out * count))
    order = list(range(count))
    random.Random(f"{seed}:{family}").shuffle(order)
    for index in order[:held]:
        splits[index] = "validation"
    for index in order[held : 2 * held]:
        splits[index] = "test"
    return splits


@lru_cache(maxsize=None)
def placeholders(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


@lru_cache(maxsize=None)
def family_templates(family: str, seed: int) -> dict[str, tuple[tuple[str, str], ...]]:
    """A family's templates grouped by split, each as (template id, pattern)."""
    patterns = QUESTIONS[family]
    grouped: dict[str, list[tuple[str, str]]] = {split: [] for split in SPLITS}
    for index, (split, pattern) in enumerate(zip(template_splits(family, len(patterns), seed), patterns)):
        grouped[split].append((f"{family}#{index}", pattern))
    return {split: tuple(templates) for split, templates in grouped.items()}


def phrase_fact(fact: Fact, rng: random.Random, seed: int) -> list[tuple[str, Pair]]:
    """The fact's questions as (split, pair): varied templates and nicknames, casing and '?'."""
    grouped = family_templates(fact.family, seed)
    wanted = {split: 0 for split in SPLITS}
    if fact.only is not None:
        wanted[fact.only] = fact.phrasings
    else:
        wanted["train"] = fact.phrasings
        for split in ("validation", "test"):
            wanted[split] = fact.held_out_phrasings if rng.random() < fact.held_out else 0
    pairs: list[tuple[str, Pair]] = []
    for split in SPLITS:
        usable = [(tid, pattern) for tid, pattern in grouped[split] if placeholders(pattern) <= fact.slots.keys()]
        if not usable or not wanted[split]:
            continue
        rng.shuffle(usable)
        seen: set[str] = set()
        for attempt in range(wanted[split] * 4):
            if len(seen) == wanted[split]:
                break
            template_id, pattern = usable[attempt % len(usable)]
            question = _surface(pattern.format(**_pick_slots(fact.slots, attempt, rng)), rng)
            key = normalize_question(question)
            if key in seen:
                continue
            seen.add(key)
            pairs.append(
                (split, Pair(question, fact.answer, fact.kind, fact.fact, template_id, fact.expected, fact.forbidden))
            )
    return pairs


def phrase_fact_more(fact: Fact, rng: random.Random) -> list[tuple[str, Pair]]:
    """Extra training questions for the fact from its family's added phrasings (none for pinned facts).

    Drawn from their own random stream (`rng` is not the one phrase_fact uses), so adding
    phrasings leaves every held-out question as it was.
    """
    patterns = [
        (f"{fact.family}+{index}", pattern)
        for index, pattern in enumerate(MORE_TRAIN_QUESTIONS.get(fact.family, ()))
        if placeholders(pattern) <= fact.slots.keys()
    ]
    if fact.only is not None or not patterns:
        return []
    chosen = rng.sample(patterns, min(MORE_PHRASINGS, len(patterns)))
    return [
        ("train", Pair(_surface(pattern.format(**_pick_slots(fact.slots, attempt, rng)), rng), fact.answer,
                       fact.kind, fact.fact, template_id, fact.expected, fact.forbidden))
        for attempt, (template_id, pattern) in enumerate(chosen)
    ]


def _pick_slots(slots: Mapping[str, tuple[str, ...]], attempt: int, rng: random.Random) -> dict[str, str]:
    """Canonical value about half the time, otherwise a nickname, so every alias gets used."""
    chosen = {}
    for name, values in slots.items():
        if len(values) > 1 and (attempt % 2 == 1 or rng.random() < 0.3):
            chosen[name] = rng.choice(values[1:])
        else:
            chosen[name] = values[0]
    return chosen


def _surface(question: str, rng: random.Random) -> str:
    """How people type: mostly lowercase, sometimes capitalised, sometimes with '?'."""
    roll = rng.random()
    if roll < 0.5:
        question = question.lower()
    elif roll < 0.75:
        question = question[:1].upper() + question[1:]
    if rng.random() < 0.4 and not question.endswith("?"):
        question += "?"
    return question


def finalize(
    candidates: Iterable[tuple[str, Pair]],
    *,
    max_length: int = 64,
    notes: Sequence[str] = (),
) -> tuple[SplitData, DataReport]:
    """Filter `(split, pair)` candidates into clean splits and report what happened.

    Order of the rules: too-long answers/questions go first; a normalised question asked with two
    different answers is dropped everywhere (it cannot be learned); a repeated question is kept
    once, in train if any copy was meant for train, otherwise in the split seen first; finally
    validation/test pairs about facts that train never asks are dropped.
    """
    rank = {split: index for index, split in enumerate(SPLITS)}
    too_long = 0
    kept: list[tuple[str, str, Pair]] = []
    for split, pair in candidates:
        if len(tokens_of(pair.answer)) > max_length or len(tokens_of(pair.question)) > max_length:
            too_long += 1
        else:
            kept.append((normalize_question(pair.question), split, pair))

    answers_by_question: dict[str, set[str]] = {}
    for key, _, pair in kept:
        answers_by_question.setdefault(key, set()).add(pair.answer)
    conflicting = {q for q, answers in answers_by_question.items() if len(answers) > 1}

    best: dict[str, tuple[str, Pair]] = {}
    duplicates = conflicts = 0
    for key, split, pair in kept:
        if key in conflicting or not key:
            conflicts += 1
            continue
        if key in best:
            duplicates += 1
            if rank[split] < rank[best[key][0]]:
                best[key] = (split, pair)
            continue
        best[key] = (split, pair)

    chosen = {split: [] for split in SPLITS}  # type: dict[str, list[Pair]]
    for split, pair in best.values():
        chosen[split].append(pair)
    train_facts = {pair.fact for pair in chosen["train"]}
    unseen = 0
    for split in ("validation", "test"):
        keep = [pair for pair in chosen[split] if pair.fact in train_facts]
        unseen += len(chosen[split]) - len(keep)
        chosen[split] = keep

    data = SplitData(chosen["train"], chosen["validation"], chosen["test"])
    return data, _report(data, duplicates, conflicts, too_long, unseen, max_length, notes)


def _report(
    data: SplitData, duplicates: int, conflicts: int, too_long: int, unseen: int, max_length: int, notes: Sequence[str]
) -> DataReport:
    train_tokens: set[str] = set()
    train_question_tokens: set[str] = set()
    all_tokens: set[str] = set()
    for pair in data.train:
        train_tokens.update(tokens_of(pair.question), tokens_of(pair.answer))
        train_question_tokens.update(tokens_of(pair.question))
    held_total = held_seen = 0
    unseen_words: Counter[str] = Counter()
    for pair in (*data.validation, *data.test):
        for token in (*tokens_of(pair.question), *tokens_of(pair.answer)):
            held_total += 1
            held_seen += token in train_tokens
            all_tokens.add(token)
        if pair.kind != "unknown":  # made-up names are meant to be unseen
            unseen_words.update(t for t in tokens_of(pair.question) if t not in train_question_tokens)
    all_tokens |= train_tokens
    answer_lengths = [len(tokens_of(pair.answer)) for split in SPLITS for pair in data.by_name(split)]
    return DataReport(
        counts={split: len(data.by_name(split)) for split in SPLITS},
        kinds={split: dict(Counter(pair.kind for pair in data.by_name(split))) for split in SPLITS},
        duplicates_removed=duplicates,
        conflicts_removed=conflicts,
        too_long_dropped=too_long,
        unseen_facts_dropped=unseen,
        vocab_coverage=held_seen / held_total if held_total else 1.0,
        unseen_question_words=tuple(word for word, _ in unseen_words.most_common()),
        unique_tokens=len(all_tokens),
        train_unique_tokens=len(train_tokens),
        mean_answer_tokens=sum(answer_lengths) / max(len(answer_lengths), 1),
        max_answer_tokens=max(answer_lengths, default=0),
        max_length=max_length,
        notes=tuple(notes),
    )
