"""Questions about things that do not exist: made-up characters, weapons and artifact sets.

They teach the model to answer UNKNOWN_ANSWER instead of inventing, and each split gets its own
names, so validation and test measure admitting ignorance about names never seen in training.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

from assistant.knowledge import ELEMENTS, WEAPON_TYPES
from training import templates as T
from training.facts import UNKNOWN_ANSWER, WEAPON_PLURALS
from training.questions import QUESTIONS
from training.split import SPLITS, Fact

__all__ = ["made_up_facts"]


_MADE_UP_FAMILIES = {  # entity kind -> question families, with the share of made-up questions
    "character": ([f for f in QUESTIONS if f.startswith(("character.", "yesno.")) and f != "yesno.weapon_type"], 0.6),
    "weapon": ([f for f in QUESTIONS if f.startswith("weapon.")] + ["yesno.weapon_type"], 0.25),
    "artifact": ([f for f in QUESTIONS if f.startswith("artifact.")], 0.15),
}


def _made_up_words(count: int, reserved: set[str], rng: random.Random) -> list[str]:
    """Distinct capitalised nonsense words that are not tokens of any real question or answer."""
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < count:
        word = "".join(rng.choice(T.NAME_SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
        if len(word) >= 4 and word not in reserved and word not in seen:
            seen.add(word)
            words.append(word.capitalize())
    return words


def _made_up_name(kind: str, word: str, rng: random.Random) -> str:
    if kind == "weapon":
        noun = rng.choice(T.FAKE_WEAPON_NOUNS).title()
        return rng.choice((f"{word} {noun}", f"{noun} of {word}"))
    if kind == "artifact":
        noun = rng.choice(T.FAKE_SET_WORDS).title()
        return rng.choice((f"{noun} of {word}", f"{word}'s {noun}"))
    return word


def made_up_facts(targets: Counter[str], reserved: set[str], regions: Sequence[str], rng: random.Random) -> list[Fact]:
    """Questions about made-up characters, weapons and sets; each split gets its own names."""
    pools = _made_up_words(sum(targets.values()) + 8, reserved, rng)
    facts: list[Fact] = []
    start = 0
    for split in SPLITS:
        # Two questions per made-up name, so the pool of a split is half its target.
        words = pools[start : start + max(1, targets[split] // 2)]
        start += len(words)
        for index in range(targets[split]):
            kind = rng.choices(list(_MADE_UP_FAMILIES), weights=[w for _, w in _MADE_UP_FAMILIES.values()])[0]
            family = rng.choice(_MADE_UP_FAMILIES[kind][0])
            word = words[index // 2 % len(words)]
            weapon = rng.choice(WEAPON_TYPES)
            slots = {
                "n": (_made_up_name(kind, word, rng),),
                "t": (f"{word} {rng.choice(T.FAKE_TALENT_WORDS).title()}",),
                "e": (rng.choice(ELEMENTS).lower(),),
                "w": (weapon.lower(),),
                "ws": (WEAPON_PLURALS[weapon],),
                "r": (rng.choice(regions),),
                "s": (rng.choice("45"),),
                "a": (rng.choice("14"),),
            }
            facts.append(Fact("unknown", family, "unknown.made_up", UNKNOWN_ANSWER, slots, phrasings=1, only=split))
    return facts
