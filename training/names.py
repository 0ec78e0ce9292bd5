"""Names as questions write them, and names that exist nowhere in the game.

Splitting by entity needs every name of a held-out entity found in any text (`name_pattern` over
`normalise`d words); the unknown questions need made-up names that no real one hides in
("Brisa Windmere", "Tomas the Gatekeeper", "Kamisato Renji"), which the linker must not snap onto a
real entity.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable

from assistant.knowledge import Knowledge
from assistant.nicknames import NICKNAMES

_SYLLABLES = (
    "ka",
    "ri",
    "lo",
    "ven",
    "mar",
    "thi",
    "sel",
    "dor",
    "ae",
    "bri",
    "sa",
    "to",
    "mas",
    "el",
    "wyn",
    "qu",
    "ra",
    "zel",
    "fen",
    "ish",
    "or",
    "na",
    "vel",
    "ko",
    "rin",
    "tha",
    "lys",
    "gar",
    "mi",
    "on",
    "ur",
    "bel",
)
_REAL_WORDS = ("Wind", "Frost", "Stone", "River", "Ember", "Moon", "Star", "Gate", "Storm", "Thorn", "Dawn", "Ash")
_WORD_ENDINGS = ("mere", "vale", "keeper", "ford", "wood", "crest", "fall", "guard")


def entity_key(kind: str, record_id: str) -> str:
    return f"{kind}:{record_id}"


def entity_names(knowledge: Knowledge) -> dict[str, str]:
    """Entity key -> name for every character, weapon and artifact set (the kinds held out)."""
    names = {entity_key("character", c.id): c.name for c in knowledge.characters}
    names.update({entity_key("weapon", w.id): w.name for w in knowledge.weapons})
    names.update({entity_key("artifact_set", a.id): a.name for a in knowledge.artifact_sets})
    return names


def normalise(question: str) -> str:
    """The form two questions must not share across splits: case-folded words only."""
    return " ".join(re.findall(r"\w+", question.casefold()))


def name_pattern(names: Iterable[str]) -> re.Pattern[str]:
    """A pattern that finds any of `names` as whole words in normalise()d text."""
    alternatives = sorted({normalise(name) for name in names if normalise(name)}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")


def real_name_words(knowledge: Knowledge) -> set[str]:
    """Every word of every entity name and title, case-folded."""
    names = list(entity_names(knowledge).values())
    names += [s.name for s in (*knowledge.talent_books, *knowledge.weapon_materials)]
    names += [c.title for c in knowledge.characters if c.title]
    names += list(NICKNAMES)
    return {word.casefold() for name in names for word in re.findall(r"\w+", name)}


def made_up_names(count: int, knowledge: Knowledge, rng: random.Random) -> list[str]:
    """Distinct names that are in no game data: syllable names, and names built on a real word
    ("Brisa Windmere", "Tomas the Gatekeeper") or on a name part several entities share
    ("Kamisato Renji"), which a linker must not snap onto a real entity."""
    real = real_name_words(knowledge)
    real_names = name_pattern(entity_names(knowledge).values())
    shared = sorted(
        part
        for part, owners in Counter(
            p
            for key, name in entity_names(knowledge).items()
            if not key.startswith("artifact_set:")
            for p in set(name.split())
        ).items()
        if owners > 1 and part.isalpha() and len(part) >= 5
    )

    def word() -> str:
        while True:
            made = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()
            if len(made) >= 4 and made.casefold() not in real:
                return made

    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        style = rng.random()
        if style < 0.45:
            name = word() if rng.random() < 0.5 else f"{word()} {word()}"
        elif style < 0.6:
            name = f"{word()} the {rng.choice(_REAL_WORDS)}{rng.choice(_WORD_ENDINGS)}"
        elif style < 0.8 or not shared:
            name = f"{word()} {rng.choice(_REAL_WORDS)}{rng.choice(_WORD_ENDINGS)}"
        else:
            name = f"{rng.choice(shared)} {word()}"
        if name.casefold() not in seen and not real_names.search(normalise(name)):
            seen.add(name.casefold())
            names.append(name)
    return names
