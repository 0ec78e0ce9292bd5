"""The no-model reference the reading model must beat: the same linker, a keyword rule for what is
asked, and one fixed sentence per fact (the very sentences the model is trained to write).

It is what a careful hand-written bot does. Where the rules find no entity it admits not knowing,
so it never invents a fact; where they find one but not what is asked, it introduces the entity.
"""

from __future__ import annotations

from assistant.facts import question_words
from assistant.inference import UNKNOWN_ANSWER, Reader
from assistant.knowledge import ELEMENTS, REGIONS, WEAPON_TYPES, Character, Knowledge
from training import answers as A
from training.game_facts import fixed_answers

# What is asked, by keyword, first match wins (the order settles "weekly boss" before "boss").
_CHARACTER_RULES: tuple[tuple[frozenset[str], str], ...] = tuple(
    (frozenset(words.split()), kind)
    for words, kind in (
        ("abilities ability kit", "abilities"),
        ("passive passives", "passives"),
        ("burst q ult ultimate", "burst"),
        ("skill e", "skill"),
        ("normal attack auto autos na", "normal_attack"),
        ("weekly", "weekly_boss_drop"),
        ("boss", "boss_drop"),
        ("specialty speciality local", "local_specialty"),
        ("book books talent talents domain", "talent_book"),
        ("voice va actor voiced", "voice_actor"),
        ("birthday bday born birth", "birthday"),
        ("constellation cons", "constellation"),
        ("affiliation affiliated organization faction", "affiliation"),
        ("stat ascension substat", "ascension_stat"),
        ("title", "title"),
        ("element vision elemental", "element"),
        ("weapon weapons wield uses use", "weapon_type"),
        ("region from nation hometown homeland", "region"),
        ("rarity star stars rating", "rarity"),
    )
)
_WEAPON_RULES: tuple[tuple[frozenset[str], str], ...] = tuple(
    (frozenset(words.split()), kind)
    for words, kind in (
        ("passive effect refinement ability does", "weapon.passive"),
        ("substat stat", "weapon.substat"),
        ("material materials ascend ascension farm mats", "weapon.material"),
        ("rarity star stars", "weapon.rarity"),
    )
)
_SMALLTALK = {
    "hello": "greeting",
    "hi": "greeting",
    "hey": "greeting",
    "thanks": "thanks",
    "thank": "thanks",
    "ty": "thanks",
    "who": "identity",
    "help": "capabilities",
    "can": "capabilities",
}
_COMPARED = (
    ("element", "same_element", "element"),
    ("weapon", "same_weapon", "weapon_type"),
    ("region", "same_region", "region"),
)


class Reference:
    """Answers a question without a model."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.reader = Reader(knowledge)
        self.answers = fixed_answers(knowledge)

    def answer(self, question: str) -> str:
        words = question_words(question)
        keys = self.reader.entity_keys(question)
        characters = [self.knowledge.character(key.partition(":")[2]) for key in keys if key.startswith("character:")]
        found = [c for c in characters if c is not None]
        if len(found) == 2:
            return self._comparison(found[0], found[1], words)
        if not keys:
            return self._without_entity(question, words)
        key = keys[-1]
        facts = self.answers.get(key, {})
        if key.startswith("character:") and found:
            return self._character(found[-1], facts, words)
        rules = _WEAPON_RULES if key.startswith("weapon:") else ()
        kind = next((kind for rule, kind in rules if rule & words), None)
        if key.startswith("artifact_set:"):
            kind = "artifact.four_piece" if words & {"4", "4pc", "four"} else "artifact.two_piece"
        if kind is None:  # the entity's first fact: a weapon's type, a series' days
            return next(iter(facts.values()), UNKNOWN_ANSWER)
        return facts.get(kind, UNKNOWN_ANSWER)

    def _character(self, character: Character, facts: dict[str, str], words: set[str]) -> str:
        for level in "123456":
            if f"c{level}" in words:
                return facts.get(f"constellation_level:{level}", UNKNOWN_ANSWER)
        for passive in character.passives:
            if all(word in words for word in passive.name.lower().split() if len(word) > 3):
                return facts.get(f"passive_effect:{passive.name}", UNKNOWN_ANSWER)
        for kind, values, actual in (
            ("claim_element", ELEMENTS, character.element),
            ("claim_weapon", WEAPON_TYPES, character.weapon_type),
            ("claim_region", REGIONS, character.region),
        ):
            claimed = next((value for value in values if value.lower() in words), None)
            if claimed is not None and actual is not None:
                return A.claim_answer(kind, character.name, claimed == actual, actual)
        kind = next((kind for rule, kind in _CHARACTER_RULES if rule & words), "who_is")
        return facts.get(kind, UNKNOWN_ANSWER)

    def _comparison(self, first: Character, second: Character, words: set[str]) -> str:
        for word, kind, attribute in _COMPARED:
            if word in words or (word == "weapon" and "weapons" in words):
                a, b = getattr(first, attribute), getattr(second, attribute)
                if a is None or b is None:
                    return UNKNOWN_ANSWER
                return A.comparison_answer(kind, first.name, second.name, a, b)
        return UNKNOWN_ANSWER

    def _without_entity(self, question: str, words: set[str]) -> str:
        element = next((e for e in ELEMENTS if e.lower() in words), None)
        weapon = next((t for t in WEAPON_TYPES if t.lower() in words or t.lower() + "s" in words), None)
        region = next((r for r in REGIONS if r.lower() in words), None)
        if element and (weapon or region):
            members = [
                c.name for c in self.knowledge.characters_where(element=element, weapon_type=weapon, region=region)
            ]
            if members:
                return A.list_answer(f"{element} {weapon}" if weapon else element, members, region=region)
        smalltalk = next((_SMALLTALK[word] for word in words if word in _SMALLTALK), None)
        if smalltalk and len(words) <= 6:
            return A.SMALLTALK_ANSWERS[smalltalk]
        return UNKNOWN_ANSWER
