"""Whether an answer is right, judged the way a player would.

A fact answer must say every expected value and none of the values that make a fluent answer
wrong (the other elements, "Yes" to a false claim). An unknown must be admitted. Small talk and
off-topic input must get no game fact at all: naming any character, weapon, artifact set or
material, or any element, weapon type or region, counts as asserting one.
"""

from __future__ import annotations

import re

from assistant.inference import UNKNOWN_ANSWER
from assistant.knowledge import ELEMENTS, REGIONS, WEAPON_TYPES, Knowledge
from training.examples import Example
from training.names import entity_names

_WORD = re.compile(r"\w+")
# Game terms per knowledge object, by id: built once, kept with the object so the id stays its own.
_TERMS: dict[int, tuple[Knowledge, frozenset[tuple[str, ...]]]] = {}


def words(text: str) -> tuple[str, ...]:
    """Case-folded word tokens; punctuation and apostrophes separate words ("Wolf's" -> wolf, s)."""
    return tuple(_WORD.findall(text.casefold()))


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    return size > 0 and any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def says(answer: str, phrase: str) -> bool:
    """Whether `answer` contains `phrase` as whole words, ignoring case and punctuation."""
    return _contains(words(answer), words(phrase))


def is_admission(answer: str) -> bool:
    """Whether the answer admits not knowing (the fixed unknown sentence)."""
    return says(answer, UNKNOWN_ANSWER)


def game_terms(knowledge: Knowledge) -> frozenset[tuple[str, ...]]:
    """Every entity name and every element, weapon type and region, as word tuples."""
    cached = _TERMS.get(id(knowledge))
    if cached is not None and cached[0] is knowledge:
        return cached[1]
    names = [
        *entity_names(knowledge).values(),
        *(s.name for s in (*knowledge.talent_books, *knowledge.weapon_materials)),
    ]
    terms = frozenset(w for w in (words(name) for name in (*names, *ELEMENTS, *WEAPON_TYPES, *REGIONS)) if w)
    _TERMS[id(knowledge)] = (knowledge, terms)
    return terms


def asserts_game_fact(answer: str, knowledge: Knowledge) -> bool:
    """Whether `answer` names any entity or any element, weapon type or region value."""
    tokens = words(answer)
    return any(_contains(tokens, term) for term in game_terms(knowledge))


def grade(example: Example, answer: str, knowledge: Knowledge) -> bool:
    """Whether `answer` is right for `example`, by the example's category."""
    if example.category == "fact":
        return all(says(answer, e) for e in example.expected) and not any(says(answer, f) for f in example.forbidden)
    if example.category == "unknown":
        return is_admission(answer)
    return not asserts_game_fact(answer, knowledge)
