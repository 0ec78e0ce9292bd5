"""Every fact of the knowledge as something to ask, with its one fixed answer.

Furina's element, Staff of Homa's passive, the days Justice books can be farmed, whether Xiangling
and Xinyan share an element, which Cryo characters use a bow: each becomes a `Fact` with the
entities it is about, the answer sentence (training/answers.py), what a right answer must contain
and what a fluent wrong one would say. training/examples.py phrases them as questions and splits
them; the no-model reference (benchmarks/reference.py) answers with the same sentences.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from assistant.facts import first_sentence
from assistant.inference import UNKNOWN_ANSWER
from assistant.knowledge import (
    ELEMENTAL_BURST,
    ELEMENTAL_SKILL,
    ELEMENTS,
    NORMAL_ATTACK,
    REGIONS,
    WEAPON_TYPES,
    ArtifactSet,
    Character,
    Knowledge,
    MaterialSeries,
    Weapon,
)
from assistant.nicknames import NICKNAMES
from training import answers as A
from training.names import entity_key, entity_names, normalise

# Pairs of characters asked about per character and kind; about this share have the same value.
PAIRS_PER_CHARACTER = 6
SAME_VALUE_SHARE = 0.4
MAX_LIST_NAMES = 6

_CHARACTER_ATTRIBUTES = (
    "element",
    "weapon_type",
    "region",
    "rarity",
    "birthday",
    "title",
    "constellation",
    "affiliation",
    "ascension_stat",
    "voice_actor",
    "boss_drop",
    "local_specialty",
    "weekly_boss_drop",
)
_TALENTS = {"normal_attack": NORMAL_ATTACK, "skill": ELEMENTAL_SKILL, "burst": ELEMENTAL_BURST}
_OPENING_WORDS = 6  # words of a description an answer must reproduce to count as read


@dataclass(frozen=True)
class Subject:
    """An entity as a question can name it."""

    key: str
    name: str
    aliases: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Fact:
    """Something to ask: one kind about one or two subjects (none for lists), and its answer."""

    kind: str
    subjects: tuple[Subject, ...]
    answer: str
    expected: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    category: str = "fact"
    slots: tuple[tuple[str, str], ...] = ()  # other pattern fields ({value}, {n}, {element}, ...)
    mentions: tuple[str, ...] = ()  # further entity keys the answer names (list members)

    @property
    def involved(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.subjects) + self.mentions


def _opening(text: str) -> str:
    """The first words of a description's first sentence, which a right answer must repeat."""
    return " ".join(first_sentence(text).split()[:_OPENING_WORDS]).rstrip(".,;:")


def _says(text: str, phrase: str) -> bool:
    return f" {normalise(phrase)} " in f" {normalise(text)} "


def _others(values: Iterable[str], value: str) -> tuple[str, ...]:
    return tuple(v for v in values if v != value)


class FactBuilder:
    """The facts of one knowledge, and the subjects (names, titles, nicknames) they are about."""

    def __init__(self, knowledge: Knowledge, nicknames: Mapping[str, str]) -> None:
        self.knowledge = knowledge
        self.subjects = self._subjects(nicknames)

    def _subjects(self, nicknames: Mapping[str, str]) -> dict[str, Subject]:
        k = self.knowledge
        by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for nickname, name in nicknames.items():
            by_name[name.casefold()].append((nickname, "nickname"))
        names = entity_names(k)
        part_owners = Counter(part.casefold() for name in names.values() for part in set(name.split()))
        subjects: dict[str, Subject] = {}
        for key, name in names.items():
            aliases = list(by_name.get(name.casefold(), []))
            subjects[key] = Subject(key, name, tuple(aliases))
        for c in k.characters:
            key = entity_key("character", c.id)
            aliases = list(subjects[key].aliases)
            if c.title:
                aliases.append((c.title.strip('"'), "title"))
            words = c.name.split()
            if len(words) > 1 and "(" not in c.name:
                taken = {a.casefold() for a, _ in aliases}
                aliases += [
                    (w, "name_part")
                    for w in words
                    if len(w) >= 4 and part_owners[w.casefold()] == 1 and w.casefold() not in taken
                ]
            subjects[key] = Subject(key, c.name, tuple(aliases))
        for series in (*k.talent_books, *k.weapon_materials):
            key = entity_key(series.kind, series.id)
            subjects[key] = Subject(key, series.name)
        return subjects

    def entity_facts(self) -> list[Fact]:
        """The facts about one entity each: its attributes, talents, bonuses, farming days."""
        k = self.knowledge
        facts = [f for c in k.characters for f in self.character(c)]
        facts += [f for w in k.weapons for f in self.weapon(w)]
        facts += [f for a in k.artifact_sets for f in self.artifact_set(a)]
        facts += [self.series(s, "talent_book", "talent books") for s in k.talent_books]
        facts += [self.series(s, "weapon_material", "materials") for s in k.weapon_materials]
        return facts

    def all(self, rng: random.Random) -> list[Fact]:
        """The entity facts, then yes/no claims, two-character comparisons and lists."""
        facts = self.entity_facts() + self.claims(rng) + self.pairs(rng) + self.lists()
        # A value the right answer itself contains cannot mark a wrong one ("... Mega Magic Sword" is a Claymore).
        return [replace(f, forbidden=tuple(x for x in f.forbidden if not _says(f.answer, x))) for f in facts]

    def _series(self, kind: str, name: str | None) -> MaterialSeries | None:
        if name is None:
            return None
        return (self.knowledge.talent_book if kind == "talent_book" else self.knowledge.weapon_material)(name)

    def _unknown(self, kind: str, subject: Subject, slots: tuple[tuple[str, str], ...] = ()) -> Fact:
        return Fact(kind, (subject,), UNKNOWN_ANSWER, category="unknown", slots=slots)

    def character(self, c: Character) -> Iterator[Fact]:
        me = self.subjects[entity_key("character", c.id)]
        exclusive = {"element": ELEMENTS, "weapon_type": WEAPON_TYPES, "region": REGIONS}
        for kind in _CHARACTER_ATTRIBUTES:
            raw = c.birthday_text if kind == "birthday" else getattr(c, kind)
            if raw is None:
                yield self._unknown(kind, me)
                continue
            value = str(raw)
            forbidden = _others(exclusive[kind], value) if kind in exclusive else ()
            if kind == "rarity":
                forbidden = tuple(f"{r}-star" for r in (4, 5) if str(r) != value)
            expected = f"{value}-star" if kind == "rarity" else value  # as the facts write it
            yield Fact(kind, (me,), A.attribute_answer(kind, c.name, value), (expected,), forbidden)
        book = self._series("talent_book", c.talent_book)
        if c.talent_book is None or book is None:
            yield self._unknown("talent_book", me)
        else:
            answer = A.talent_book_answer(c.name, book.name, book.days, book.domain)
            yield Fact("talent_book", (me,), answer, (book.name, *book.days))
        talents = {kind: c.talent(talent_kind) for kind, talent_kind in _TALENTS.items()}
        for kind, talent in talents.items():
            if talent is None:
                yield self._unknown(kind, me)
                continue
            answer = A.talent_answer(c.name, _TALENTS[kind], talent.name, talent.description)
            others = tuple(t.name for t in talents.values() if t is not None and t.name != talent.name)
            yield Fact(kind, (me,), answer, (talent.name, _opening(talent.description)), others)
        passives = [p.name for p in c.passives]
        if passives:
            yield Fact("passives", (me,), A.passives_answer(c.name, passives), tuple(passives))
        for p in c.passives:
            answer = A.passive_effect_answer(c.name, p.name, p.description)
            yield Fact("passive_effect", (me,), answer, (p.name, _opening(p.description)), slots=(("passive", p.name),))
        for con in c.constellations:
            answer = A.constellation_answer(c.name, con.level, con.name, con.effect)
            others = tuple(o.name for o in c.constellations if o.name != con.name)
            yield Fact(
                "constellation_level",
                (me,),
                answer,
                (f"C{con.level}", con.name, _opening(con.effect)),
                others,
                slots=(("n", str(con.level)),),
            )
        if not c.constellations:
            yield self._unknown("constellation_level", me, (("n", "1"),))
        skill, burst = talents["skill"], talents["burst"]
        if skill and burst and passives:
            answer = A.abilities_answer(c.name, skill.name, burst.name, passives)
            yield Fact("abilities", (me,), answer, (skill.name, burst.name, *passives))
        yield self._unknown("beyond_data", me)
        summary = A.who_is_answer(c.name, c.title, c.rarity, c.element, c.weapon_type, c.region)
        summarised = tuple(v for v in (c.name, c.element, c.weapon_type, c.region) if v)
        yield Fact("who_is", (me,), summary, summarised, _others(ELEMENTS, c.element or ""))

    def weapon(self, w: Weapon) -> Iterator[Fact]:
        me = self.subjects[entity_key("weapon", w.id)]
        if w.type:
            yield Fact(
                "weapon.type",
                (me,),
                A.attribute_answer("weapon.type", w.name, w.type),
                (w.type,),
                _others(WEAPON_TYPES, w.type),
            )
        if w.rarity:
            value = str(w.rarity)
            yield Fact("weapon.rarity", (me,), A.attribute_answer("weapon.rarity", w.name, value), (f"{value}-star",))
        if w.substat:
            yield Fact("weapon.substat", (me,), A.attribute_answer("weapon.substat", w.name, w.substat), (w.substat,))
        else:
            yield self._unknown("weapon.substat", me)
        if w.passive_name and w.passive_description:
            answer = A.weapon_passive_answer(w.name, w.passive_name, w.passive_description)
            yield Fact("weapon.passive", (me,), answer, (w.passive_name, _opening(w.passive_description)))
        else:
            yield self._unknown("weapon.passive", me)
        series = self._series("weapon_material", w.ascension_material)
        if series:
            answer = A.weapon_material_answer(w.name, series.name, series.days, series.domain)
            yield Fact("weapon.material", (me,), answer, (series.name, *series.days))
        else:
            yield self._unknown("weapon.material", me)

    def artifact_set(self, a: ArtifactSet) -> Iterator[Fact]:
        me = self.subjects[entity_key("artifact_set", a.id)]
        for kind, pieces, bonus in (("artifact.two_piece", 2, a.two_piece), ("artifact.four_piece", 4, a.four_piece)):
            if bonus:
                yield Fact(kind, (me,), A.set_bonus_answer(a.name, pieces, bonus), (f"{pieces}-piece", _opening(bonus)))
            else:
                yield self._unknown(kind, me)

    def series(self, s: MaterialSeries, kind: str, noun: str) -> Fact:
        me = self.subjects[entity_key(kind, s.id)]
        answer = A.series_days_answer(s.name, noun, s.days, s.domain)
        return Fact(f"{kind}.days", (me,), answer, (*s.days, *((s.domain,) if s.domain else ())))

    def claims(self, rng: random.Random) -> list[Fact]:
        facts = []
        for c in self.knowledge.characters:
            me = self.subjects[entity_key("character", c.id)]
            for kind, actual, values in (
                ("claim_element", c.element, ELEMENTS),
                ("claim_weapon", c.weapon_type, WEAPON_TYPES),
                ("claim_region", c.region, REGIONS),
            ):
                if actual is None:
                    continue
                for claimed in (actual, rng.choice(_others(values, actual))):
                    true = claimed == actual
                    answer = A.claim_answer(kind, c.name, true, actual)
                    yes, no = ("Yes", "No") if true else ("No", "Yes")
                    forbidden = (no, *(() if true else (claimed,)))
                    facts.append(Fact(kind, (me,), answer, (yes, actual), forbidden, slots=(("value", claimed),)))
        return facts

    def pairs(self, rng: random.Random) -> list[Fact]:
        facts = []
        characters = list(self.knowledge.characters)
        for kind, attribute, values in (
            ("same_element", "element", ELEMENTS),
            ("same_region", "region", REGIONS),
            ("same_weapon", "weapon_type", WEAPON_TYPES),
        ):
            known = [c for c in characters if getattr(c, attribute) is not None]
            chosen: set[tuple[str, str]] = set()
            for a in known:
                same = [b for b in known if b.id != a.id and getattr(b, attribute) == getattr(a, attribute)]
                different = [b for b in known if getattr(b, attribute) != getattr(a, attribute)]
                for _ in range(PAIRS_PER_CHARACTER):
                    pool = same if same and rng.random() < SAME_VALUE_SHARE else different
                    b = rng.choice(pool)
                    if (a.id, b.id) in chosen:
                        continue
                    chosen.add((a.id, b.id))
                    va, vb = getattr(a, attribute), getattr(b, attribute)
                    answer = A.comparison_answer(kind, a.name, b.name, va, vb)
                    expected: tuple[str, ...] = ("Yes", va) if va == vb else ("No", a.name, va, b.name, vb)
                    forbidden: tuple[str, ...] = ("No",) if va == vb else ("Yes",)
                    forbidden += tuple(v for v in values if v not in (va, vb))
                    subjects = (
                        self.subjects[entity_key("character", a.id)],
                        self.subjects[entity_key("character", b.id)],
                    )
                    facts.append(Fact(kind, subjects, answer, expected, forbidden))
        return facts

    def lists(self) -> list[Fact]:
        """Element x weapon type and element x region groups of at most MAX_LIST_NAMES characters."""
        k = self.knowledge
        groups: list[tuple[str, tuple[Character, ...], str, tuple[tuple[str, str], ...]]] = []
        for element in ELEMENTS:
            for weapon in WEAPON_TYPES:
                members = k.characters_where(element=element, weapon_type=weapon)
                answer = A.list_answer(f"{element} {weapon}", [c.name for c in members])
                groups.append(("list_element_weapon", members, answer, (("element", element), ("weapon", weapon))))
            for region in k.regions:
                members = k.characters_where(element=element, region=region)
                answer = A.list_answer(element, [c.name for c in members], region=region)
                groups.append(("list_element_region", members, answer, (("element", element), ("region", region))))
        facts = []
        for kind, members, answer, slots in groups:
            if 0 < len(members) <= MAX_LIST_NAMES:
                keys = tuple(entity_key("character", c.id) for c in members)
                facts.append(Fact(kind, (), answer, tuple(c.name for c in members), slots=slots, mentions=keys))
        return facts


def fixed_answers(knowledge: Knowledge, nicknames: Mapping[str, str] = NICKNAMES) -> dict[str, dict[str, str]]:
    """Entity key -> what is asked -> the one fixed answer sentence the data teaches for it.

    Constellation levels are asked as "constellation_level:N" and passive effects as
    "passive_effect:<passive name>". The no-model reference answers with these.
    """
    answers: dict[str, dict[str, str]] = defaultdict(dict)
    for fact in FactBuilder(knowledge, nicknames).entity_facts():
        slots = dict(fact.slots)
        kind = fact.kind
        if "n" in slots:
            kind = f"{kind}:{slots['n']}"
        elif "passive" in slots:
            kind = f"{kind}:{slots['passive']}"
        answers[fact.subjects[0].key][kind] = fact.answer
    return dict(answers)
