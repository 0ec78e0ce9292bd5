"""Question/answer examples that teach the model to read the facts it is given.

Every fact of the knowledge (training/game_facts.py: Furina's element, Staff of Homa's passive, the
days Justice books can be farmed) is asked in several phrasings (training/wording.py), with
players' noise (training/noise.py).
Questions about names that do not exist, or about fields the data leaves empty, get the admission;
greetings and chatter get fixed replies that state no game fact.

The split measures reading, not memory: some characters, weapons and artifact sets (chosen by a
stable hash of their key) never appear in training at all, not as the subject, not in a list or a
pair, not as a distractor; validation and test ask about them, and also ask training entities in
phrasing families that training never uses. No normalised question appears in two splits.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.atomic import atomic_write
from assistant.inference import UNKNOWN_ANSWER
from assistant.knowledge import (
    ELEMENTS,
    Knowledge,
)
from assistant.nicknames import NICKNAMES
from training import answers as A
from training import wording as W
from training.game_facts import Fact, FactBuilder, Subject
from training.names import entity_names, made_up_names, name_pattern, normalise
from training.noise import NoiseRates, choose_name, roughen

SPLITS = W.SPLITS
DATA_FORMAT = 1

# Questions per fact: (train, per held-out entity's fact in its split, per training fact in each
# of validation and test with held-out phrasings). Fractions are expectations.
COUNTS: dict[str, tuple[float, float, float]] = {
    "element": (17, 4, 0.5),
    "weapon_type": (14, 3, 0.4),
    "region": (14, 3, 0.4),
    "rarity": (8, 2, 0.25),
    "birthday": (8, 2, 0.25),
    "title": (9, 2, 0.2),
    "constellation": (7, 2, 0.2),
    "affiliation": (9, 2, 0.2),
    "ascension_stat": (7, 2, 0.2),
    "voice_actor": (8, 2, 0.25),
    "talent_book": (11, 3, 0.3),
    "boss_drop": (8, 2, 0.25),
    "local_specialty": (8, 2, 0.25),
    "weekly_boss_drop": (8, 2, 0.25),
    "normal_attack": (7, 2, 0.2),
    "skill": (11, 3, 0.3),
    "burst": (11, 3, 0.3),
    "passives": (7, 2, 0.2),
    "passive_effect": (4, 1, 0.1),
    "constellation_level": (4, 1, 0.1),
    "abilities": (8, 2, 0.25),
    "who_is": (11, 3, 0.3),
    "beyond_data": (4, 1, 0.1),
    "claim_element": (6, 1.5, 0.15),
    "claim_weapon": (4, 1, 0.12),
    "claim_region": (4, 1, 0.12),
    "same_element": (3, 0.5, 0.1),
    "same_region": (3, 0.5, 0.1),
    "same_weapon": (3, 0.5, 0.1),
    "list_element_weapon": (17, 4, 1),
    "list_element_region": (17, 4, 1),
    "talent_book.days": (35, 0, 2.5),
    "weapon_material.days": (28, 0, 2),
    "weapon.type": (6, 1.5, 0.15),
    "weapon.rarity": (4, 1, 0.12),
    "weapon.substat": (6, 1.5, 0.15),
    "weapon.passive": (7, 1.5, 0.2),
    "weapon.material": (6, 1.5, 0.15),
    "artifact.two_piece": (11, 3, 0.3),
    "artifact.four_piece": (11, 3, 0.3),
}
# Made-up names per split, each asked once in a question of a random kind.
MADE_UP_QUESTIONS = {"train": 4000, "validation": 500, "test": 500}
# Noisy copies per small-talk or off-topic question (duplicates collapse).
FIXED_COPIES = {"train": 25, "validation": 15, "test": 15}
# Held-out shares of characters, weapons and artifact sets, by a stable hash of the entity key.
HELD_OUT = {"test": 0.18, "validation": 0.12}


@dataclass(frozen=True)
class Example:
    """One question with its answer and what grading needs to know about it."""

    question: str
    answer: str
    split: str  # "train" | "validation" | "test"
    kind: str  # what is asked ("element", "weapon.passive", "greeting", "made_up", ...)
    entities: tuple[str, ...]  # keys ("character:furina") the question is about, in question order
    held_out: bool  # asks about an entity that training never sees
    expected: tuple[str, ...]  # a right answer contains each (whole tokens, any case)
    forbidden: tuple[str, ...]  # a fluent wrong answer contains one of these
    category: str  # "fact" | "unknown" | "smalltalk" | "offtopic"
    template: str  # phrasing family id
    noise: tuple[str, ...] = ()


# ----------------------------------------------------------------------------------------------
# Which entities each split may see


def held_out_entities(knowledge: Knowledge) -> dict[str, str]:
    """Entity key -> "validation" or "test" for the characters, weapons and sets training never sees.

    The lowest stable hashes of each kind go to test, the next ones to validation, so the choice
    does not depend on the seed or on what else is in the data.
    """
    chosen: dict[str, str] = {}
    for kind in ("character", "weapon", "artifact_set"):
        keys = sorted((key for key in entity_names(knowledge) if key.startswith(kind + ":")), key=_stable_hash)
        test = round(HELD_OUT["test"] * len(keys))
        validation = round(HELD_OUT["validation"] * len(keys))
        chosen.update({key: "test" for key in keys[:test]})
        chosen.update({key: "validation" for key in keys[test : test + validation]})
    return chosen


def _stable_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fact_split(fact: Fact, held_out: Mapping[str, str]) -> str:
    """ "test" if the fact involves a test entity, else "validation" for a validation one, else "train"."""
    splits = {held_out.get(key, "train") for key in fact.involved}
    return next((split for split in ("test", "validation") if split in splits), "train")


# ----------------------------------------------------------------------------------------------
# Phrasing


@dataclass
class _Phraser:
    families: dict[str, tuple[W.Family, ...]]
    subjects: dict[str, Subject]
    held_out: Mapping[str, str]
    rates: NoiseRates = field(default_factory=NoiseRates)

    def allowed(self, kind: str, splits: Sequence[str]) -> list[W.Family]:
        return [f for f in self.families[kind] if f.split in splits]

    def distractors(self, split: str) -> list[str]:
        """Weapons and artifact sets a question in `split` may mention before its real question."""
        return sorted(
            s.name
            for key, s in self.subjects.items()
            if key.startswith(("weapon:", "artifact_set:")) and self.held_out.get(key, split) == split
        )

    def ask(self, fact: Fact, family: W.Family, split: str, rng: random.Random, distractors: Sequence[str]) -> Example:
        pattern = rng.choice(family.patterns)
        fields: dict[str, str] = dict(fact.slots)
        noise: list[str] = []
        written: list[str] = []
        for slot, subject in zip(("a", "b") if len(fact.subjects) == 2 else ("name",), fact.subjects, strict=False):
            surface, labels = choose_name(
                subject.name, subject.aliases if fact.kind != "title" else (), rng, self.rates
            )
            fields[slot] = surface
            written.append(surface)
            noise += labels
        question = pattern.format(**fields)
        own = {s.name for s in fact.subjects}
        distractor = rng.choice([d for d in distractors if d not in own]) if distractors else None
        protected = [*written, *dict(fact.slots).values()]
        question, labels = roughen(question, rng, self.rates, protected, distractor)
        noise += labels
        return Example(
            question=question,
            answer=fact.answer,
            split=split,
            kind=fact.kind,
            entities=tuple(s.key for s in fact.subjects),
            held_out=any(key in self.held_out for key in fact.involved),
            expected=fact.expected,
            forbidden=fact.forbidden,
            category=fact.category,
            template=family.id,
            noise=tuple(noise),
        )


def _draw(expected: float, rng: random.Random) -> int:
    whole = int(expected)
    return whole + (rng.random() < expected - whole)


def _phrase_facts(facts: Sequence[Fact], phraser: _Phraser, seed: int) -> list[Example]:
    """Questions about `facts`, one random stream per set of families drawn from: a new training
    family changes validation and test only where they may ask in it (about held-out entities),
    so their questions about training's entities stay comparable from one build to the next."""
    examples = []
    distractors = {split: phraser.distractors(split) for split in SPLITS}
    rngs: dict[tuple[str, ...], random.Random] = {
        splits: random.Random(f"phrase {seed} {' '.join(splits)}")
        for splits in (("train",), ("validation",), ("test",), ("train", "validation"), ("train", "test"))
    }
    for fact in facts:
        split = _fact_split(fact, phraser.held_out)
        train_count, held_count, seen_count = COUNTS[fact.kind]
        if split == "train":
            plan: list[tuple[str, tuple[str, ...], float]] = [("train", ("train",), train_count)]
            plan += [(s, (s,), seen_count) for s in ("validation", "test")]
        else:
            plan = [(split, ("train", split), held_count)]
        for target, family_splits, expected in plan:
            rng = rngs[family_splits]
            families = phraser.allowed(fact.kind, family_splits)
            for _ in range(_draw(expected, rng)):
                examples.append(phraser.ask(fact, rng.choice(families), target, rng, distractors[target]))
    return examples


# ----------------------------------------------------------------------------------------------
# Questions that are not about real facts


_MADE_UP_KINDS = {  # what a made-up name is asked about, by what it pretends to be
    "character": (
        "element",
        "weapon_type",
        "region",
        "birthday",
        "who_is",
        "skill",
        "burst",
        "talent_book",
        "claim_element",
        "voice_actor",
        "constellation",
    ),
    "weapon": ("weapon.passive", "weapon.substat", "weapon.type", "weapon.material"),
    "artifact_set": ("artifact.two_piece", "artifact.four_piece"),
}


def _made_up_examples(knowledge: Knowledge, phraser: _Phraser, seed: int) -> list[Example]:
    examples = []
    for split in SPLITS:
        rng = random.Random(f"made-up {seed} {split}")
        families = ("train",) if split == "train" else ("train", split)
        for name in made_up_names(MADE_UP_QUESTIONS[split], knowledge, rng):
            pretends = rng.choices(list(_MADE_UP_KINDS), weights=(0.6, 0.25, 0.15))[0]
            kind = rng.choice(_MADE_UP_KINDS[pretends])
            slots = (("value", rng.choice(ELEMENTS)),) if kind == "claim_element" else ()
            fact = Fact(kind, (Subject(f"made_up:{name}", name),), UNKNOWN_ANSWER, category="unknown", slots=slots)
            made = phraser.ask(fact, rng.choice(phraser.allowed(kind, families)), split, rng, ())
            examples.append(replace(made, kind="made_up", entities=()))
    return examples


def _fixed_examples(phraser: _Phraser, seed: int) -> list[Example]:
    examples = []
    rates = NoiseRates(word_typo=0.1, distractor=0.0)
    for kind, answer in (*A.SMALLTALK_ANSWERS.items(), ("offtopic", A.OFFTOPIC_ANSWER)):
        category = "offtopic" if kind == "offtopic" else "smalltalk"
        for family in phraser.families[kind]:
            rng = random.Random(f"fixed {seed} {family.id}")
            for question in family.patterns:
                variants = [(question, ())] + [
                    roughen(question, rng, rates) for _ in range(FIXED_COPIES[family.split] - 1)
                ]
                examples += [
                    Example(text, answer, family.split, kind, (), False, (), (), category, family.id, noise)
                    for text, noise in variants
                ]
    return examples


# ----------------------------------------------------------------------------------------------
# Building, cleaning, reading and writing


def _clean(examples: Sequence[Example], held_out: Mapping[str, str], subjects: Mapping[str, Subject]) -> list[Example]:
    """Drops questions that need two answers, keeps each question in one split (test, then
    validation, then train), and drops training examples whose text names a held-out entity."""
    answers: dict[str, set[str]] = defaultdict(set)
    for e in examples:
        answers[normalise(e.question)].add(e.answer)
    owner: dict[str, str] = {}
    for split in ("test", "validation", "train"):
        for e in examples:
            if e.split == split:
                owner.setdefault(normalise(e.question), split)
    hidden = name_pattern(_held_out_names(held_out, subjects))
    kept, seen = [], set()
    for e in examples:
        key = normalise(e.question)
        if len(answers[key]) > 1 or owner[key] != e.split or (e.split, key) in seen:
            continue
        if e.split == "train" and hidden.search(normalise(f"{e.question} {e.answer}")):
            continue
        seen.add((e.split, key))
        kept.append(e)
    return kept


def _held_out_names(held_out: Mapping[str, str], subjects: Mapping[str, Subject]) -> list[str]:
    """Every way a held-out entity can be named: its name, title, nicknames and name parts."""
    return sorted({text for key in held_out for text in (subjects[key].name, *(a for a, _ in subjects[key].aliases))})


def build_examples(knowledge: Knowledge, seed: int = 0, nicknames: Mapping[str, str] = NICKNAMES) -> list[Example]:
    """All examples of all splits, deterministic for `knowledge` and `seed`."""
    rng = random.Random(seed)
    builder = FactBuilder(knowledge, nicknames)
    held_out = held_out_entities(knowledge)
    phraser = _Phraser(W.families(), builder.subjects, held_out)
    examples = _phrase_facts(builder.all(rng), phraser, seed)
    examples += _made_up_examples(knowledge, phraser, seed)
    examples += _fixed_examples(phraser, seed)
    return _clean(examples, held_out, builder.subjects)


def report(examples: Sequence[Example]) -> str:
    """Counts per split, per category and per kind, as lines for the build-data command."""
    lines = ["examples: " + ", ".join(f"{s} {sum(e.split == s for e in examples)}" for s in SPLITS)]
    for split in SPLITS:
        chosen = [e for e in examples if e.split == split]
        categories = Counter(e.category for e in chosen)
        lines.append(
            f"{split}: "
            + ", ".join(f"{c} {n}" for c, n in sorted(categories.items()))
            + f"; about held-out entities {sum(e.held_out for e in chosen)}"
        )
        kinds = Counter(e.kind for e in chosen if e.category == "fact")
        lines.append("  facts: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return "\n".join(lines)


def write_examples(path: str | Path, examples: Sequence[Example], meta: Mapping[str, Any]) -> None:
    """Writes examples and `meta` (seed, data version, ...) as JSON, atomically."""
    document = {"format": DATA_FORMAT, "meta": dict(meta), "examples": [asdict(e) for e in examples]}
    with atomic_write(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False)


def _example(raw: dict[str, Any]) -> Example:
    return Example(
        question=raw["question"],
        answer=raw["answer"],
        split=raw["split"],
        kind=raw["kind"],
        entities=tuple(raw["entities"]),
        held_out=raw["held_out"],
        expected=tuple(raw["expected"]),
        forbidden=tuple(raw["forbidden"]),
        category=raw["category"],
        template=raw["template"],
        noise=tuple(raw["noise"]),
    )


def split_examples(path: str | Path, split: str, knowledge: Knowledge) -> list[Example]:
    """One split's examples from `path`, which is built from `knowledge` first if missing (seed 0)."""
    if not Path(path).exists():
        write_examples(path, build_examples(knowledge), {"seed": 0})
    return [example for example in read_examples(path)[0] if example.split == split]


def read_examples(path: str | Path) -> tuple[list[Example], dict[str, Any]]:
    """Examples and meta from a file written by write_examples; ValueError when it is not one."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not JSON: {error}") from error
    if not isinstance(document, dict) or document.get("format") != DATA_FORMAT:
        raise ValueError(
            f"{path} is not a training examples file of format {DATA_FORMAT}; rebuild it with "
            "`python -m training build-data`"
        )
    try:
        examples = [_example(raw) for raw in document["examples"]]
    except (KeyError, TypeError) as error:
        raise ValueError(f"{path} has a damaged example: {error}") from error
    return examples, document.get("meta", {})
