"""Facts for the training data: each one canonical answer, built from the game knowledge.

Every field in assistant.knowledge (Hu Tao's element, Staff of Homa's passive, ...) becomes a Fact:
its answer, the names and values that fill its question patterns (training/questions.py), how many
phrasings it gets, and `expected`/`forbidden` strings so evaluation can tell a right answer from a
fluent wrong one. Fields the data leaves empty and off-topic questions become facts answered with
UNKNOWN_ANSWER (made-up names: training/made_up.py). training/data.py turns the facts into split question/answer pairs.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from assistant.knowledge import ELEMENTS, MONTHS, PASSIVE, WEAPON_TYPES, Character, Knowledge
from assistant.tokenizer import tokenize
from training import templates as T
from training.questions import OFF_TOPIC, QUESTIONS, SMALLTALK
from training.split import Fact

__all__ = ["MAX_ANSWER_TOKENS", "PHRASINGS", "UNKNOWN_ANSWER", "WEAPON_PLURALS", "build_facts", "says"]

UNKNOWN_ANSWER = "Sorry, I don't have information about that."
# Answers plus <SOS>/<EOS> must fit the model's 64 positions.
MAX_ANSWER_TOKENS = 62
_COMBAT_FAMILIES = {
    "Normal Attack": "character.normal_attack",
    "Elemental Skill": "character.elemental_skill",
    "Elemental Burst": "character.elemental_burst",
    "Alternate Sprint": "character.alternate_sprint",
}
WEAPON_PLURALS = {w: w.lower() + "s" for w in WEAPON_TYPES}
# Training questions per fact, by family. Characters are asked about most, so they get the most;
# families whose held-out share is small anyway (yes/no) get few. Tuned for ~30k training pairs,
# about what CPU training digests in minutes per epoch.
PHRASINGS: dict[str, int] = {
    "character.element": 16, "character.weapon": 16, "character.region": 14, "character.rarity": 12,
    "character.summary": 12, "character.birthday": 12, "character.title": 10, "character.constellation": 10,
    "character.affiliation": 10, "character.ascension": 10, "character.normal_attack": 8,
    "character.elemental_skill": 9, "character.elemental_burst": 9, "character.alternate_sprint": 7,
    "character.passives": 8, "character.passive_ascension": 6, "character.passive_other": 5,
    "weapon.type": 8, "weapon.rarity": 8, "weapon.substat": 8, "weapon.passive": 9, "weapon.summary": 6,
    "artifact.one_piece": 6, "artifact.two_piece": 10, "artifact.four_piece": 10, "artifact.rarity": 6,
    "artifact.summary": 8, "list.element": 10, "list.weapon": 10, "list.region": 10, "list.rarity": 8,
    "list.element_weapon": 7, "list.element_region": 7, "list.weapons": 7, "count.element": 6,
    "count.weapon": 6, "count.region": 6, "yesno.element": 6, "yesno.weapon": 6, "yesno.region": 6,
    "yesno.rarity": 6, "yesno.weapon_type": 3,
}


def build_facts(knowledge: Knowledge, rng: random.Random) -> list[Fact]:
    """Every fact the knowledge holds, plus smalltalk and off-topic, in a fixed order for a given rng."""
    names = _name_table(knowledge)
    talent_counts = Counter(t.name for c in knowledge.characters for t in c.talents)
    facts: list[Fact] = []
    for character in knowledge.characters:
        facts += _character_facts(character, names[character.id], talent_counts, knowledge.regions)
    facts += _traveler_facts(knowledge)
    facts += _weapon_facts(knowledge, names)
    facts += _artifact_facts(knowledge, names)
    facts += _list_facts(knowledge)
    facts += _yesno_facts(knowledge, names, rng)
    facts += _smalltalk_facts()
    facts.append(_off_topic_fact())
    return facts


@lru_cache(maxsize=1 << 16)
def _spaced_tokens(text: str) -> str:
    return f" {' '.join(T.tokens_of(text))} "


def says(answer: str, phrase: str) -> bool:
    """Whole-token, case-insensitive containment: "pyro" is in "Pyro." but "geo" is not in "Geology"."""
    return _spaced_tokens(phrase) in _spaced_tokens(answer)


# ----------------------------------------------------------------------------------------------
# Names


def _spellings(name: str) -> list[str]:
    """Ways to type a name: as written, without apostrophes/quotes, without a leading "The"."""
    plain = name.replace("'", "").replace('"', "").replace("-", " ")
    forms = [name, plain.lower()]
    if plain.lower().startswith("the "):
        forms.append(plain[4:].lower())
    return forms


def _name_table(knowledge: Knowledge) -> dict[str, tuple[str, ...]]:
    """Entity id -> spellings (canonical first), without any spelling two entities share."""
    raw: dict[str, list[str]] = {}
    for records, aliases in (
        (knowledge.characters, T.CHARACTER_ALIASES),
        (knowledge.weapons, T.WEAPON_ALIASES),
        (knowledge.artifact_sets, T.ARTIFACT_ALIASES),
    ):
        for record in records:
            raw[record.id] = [*_spellings(record.name), *aliases.get(record.id, ())]
    owners: dict[str, set[str]] = {}
    for entity, forms in raw.items():
        for form in forms:
            owners.setdefault(" ".join(tokenize(form)), set()).add(entity)
    table: dict[str, tuple[str, ...]] = {}
    for entity, forms in raw.items():
        seen: set[str] = set()
        kept = []
        for form in forms:
            key = " ".join(tokenize(form))
            if key not in seen and len(owners[key]) == 1:
                seen.add(key)
                kept.append(form)
        table[entity] = tuple(kept)
    return table


# ----------------------------------------------------------------------------------------------
# Facts


def _fact(kind: str, family: str, fact: str, answer: str, slots: dict[str, tuple[str, ...]],
          expected: Iterable[str] = (), forbidden: Iterable[str] = (), **options: object) -> Fact:
    """A Fact whose checks agree with its own answer (forbidden strings it contains are dropped)."""
    expected = tuple(dict.fromkeys(e.lower() for e in expected))
    missing = [e for e in expected if not says(answer, e)]
    if missing:
        raise ValueError(f"{fact}: answer {answer!r} lacks expected {missing}")
    forbidden = tuple(dict.fromkeys(f.lower() for f in forbidden if not says(answer, f)))
    options.setdefault("phrasings", PHRASINGS.get(family, 5))
    return Fact(kind, family, fact, answer, slots, expected, forbidden, **options)  # type: ignore[arg-type]


def _missing(entity_id: str, family: str, slots: dict[str, tuple[str, ...]]) -> Fact:
    """A field the data leaves empty is answered honestly with UNKNOWN_ANSWER."""
    return Fact("unknown", family, f"{entity_id}.{family.split('.')[1]}", UNKNOWN_ANSWER, slots,
                phrasings=PHRASINGS[family] // 2)


def _character_facts(c: Character, names: tuple[str, ...], talent_counts: Counter[str],
                     regions: tuple[str, ...]) -> list[Fact]:
    n = {"n": names}
    owner = T.possessive(c.name)
    facts: list[Fact] = []
    birthday = c.birthday_text or ""
    simple = (  # field, value, answer slot, wrong alternatives
        ("element", c.element, "element", [e for e in ELEMENTS if e != c.element]),
        ("weapon", c.weapon_type, "weapon", [w for w in WEAPON_TYPES if w != c.weapon_type]),
        ("region", c.region, "region", [r for r in regions if r != c.region]),
        ("rarity", c.rarity and f"{c.rarity}", "rarity", [f"{s}-star" for s in (4, 5) if s != c.rarity]),
        ("title", c.title, "title", []),
        ("constellation", c.constellation, "constellation", []),
        ("birthday", c.birthday_text, "birthday", [m for m in MONTHS if not birthday.startswith(m + " ")]),
        ("affiliation", c.affiliation, "affiliation", []),
        ("ascension", c.ascension_stat, "stat", []),
    )
    for field, value, slot, wrong in simple:
        family = f"character.{field}"
        if value is None:
            facts.append(_missing(c.id, family, n))
            continue
        answer = T.ANSWERS[family].format(name=c.name, owner=owner, **{slot: value})
        shown = f"{value}-star" if field == "rarity" else value
        facts.append(_fact("character", family, f"{c.id}.{field}", answer, n, [shown], wrong))

    summary = T.summary_sentence(c.name, c.rarity, c.element, c.weapon_type, c.region, c.title)
    wrong = [e for e in ELEMENTS if e != c.element] + [w for w in WEAPON_TYPES if w != c.weapon_type]
    wrong += [f"{s}-star" for s in (4, 5) if s != c.rarity]
    shown = [x for x in (c.rarity and f"{c.rarity}-star", c.element, c.weapon_type, c.region) if x]
    facts.append(_fact("character", "character.summary", f"{c.id}.summary", summary, n, shown, wrong))

    combat = [t for t in c.talents if t.kind != PASSIVE]
    for talent in combat:
        family = _COMBAT_FAMILIES[talent.kind]
        # Normal attacks and sprints open with their own heading ("Normal Attack: Performs ...").
        text = talent.description.removeprefix(f"{talent.kind}:").strip()
        prefix = T.ANSWERS["character.talent"].format(owner=owner, kind=talent.kind, talent=talent.name)
        answer = T.fit_sentences(prefix, text[:1].upper() + text[1:])
        if answer:
            slots = {**n, **({"t": (talent.name,)} if talent_counts[talent.name] == 1 else {})}
            others = [t.name for t in combat if t is not talent]
            facts.append(_fact("character", family, f"{c.id}.{family.split('.')[1]}", answer, slots, [talent.name],
                               others))

    passives = c.passives
    if passives:
        prefix = T.ANSWERS["character.passives"].split("{names}")[0].format(owner=owner)
        listed, shown = T.join_names([t.name for t in passives], prefix=prefix)
        answer = T.ANSWERS["character.passives"].format(owner=owner, names=listed)
        facts.append(_fact("character", "character.passives", f"{c.id}.passives", answer, n, shown))
    for talent in passives:
        unique = talent_counts[talent.name] == 1
        if talent.unlock_ascension is not None:
            family = "character.passive_ascension"
            slots = {**n, "a": (str(talent.unlock_ascension),), **({"t": (talent.name,)} if unique else {})}
        elif unique:
            family = "character.passive_other"
            slots = {"t": (talent.name,)}
        else:
            continue  # a utility passive shared by name ("Flash of Genius") cannot be asked unambiguously
        prefix = T.ANSWERS[family].format(talent=talent.name, owner=owner, a=talent.unlock_ascension)
        answer = T.fit_sentences(prefix, talent.description)
        if answer:
            facts.append(_fact("character", family, f"{c.id}.passive.{talent.id}", answer, slots, [talent.name]))
    return facts


def _traveler_facts(knowledge: Knowledge) -> list[Fact]:
    """Plain "traveler" questions: name the elements instead of picking one variant's answer."""
    travelers = [c for c in knowledge.characters if c.id.startswith("traveler_")]
    if not travelers:
        return []
    slots = {"n": T.TRAVELER_NAMES}
    elements = sorted({c.element for c in travelers if c.element})
    listed, _ = T.join_names(elements, prefix="The Traveler can use ")
    answer = T.ANSWERS["traveler.element"].format(elements=listed, example=elements[0])
    facts = [_fact("character", "character.element", "traveler.element", answer, slots, elements)]
    shared = {field: {getattr(c, attr) for c in travelers}
              for field, attr in (("weapon", "weapon_type"), ("rarity", "rarity"))}
    for field, values in shared.items():
        if len(values) == 1 and None not in values:
            (value,) = values
            answer = T.ANSWERS[f"character.{field}"].format(name="The Traveler", **{field: value})
            shown = f"{value}-star" if field == "rarity" else str(value)
            facts.append(_fact("character", f"character.{field}", f"traveler.{field}", answer, slots, [shown]))
    return facts


def _weapon_facts(knowledge: Knowledge, names: dict[str, tuple[str, ...]]) -> list[Fact]:
    substats = sorted({w.substat for w in knowledge.weapons if w.substat})
    facts: list[Fact] = []
    for w in knowledge.weapons:
        n = {"n": names[w.id]}
        owner = T.possessive(w.name)
        if w.type:
            answer = T.ANSWERS["weapon.type"].format(name=w.name, type=w.type)
            facts.append(_fact("weapon", "weapon.type", f"{w.id}.type", answer, n, [w.type],
                               [t for t in WEAPON_TYPES if t != w.type]))
        if w.rarity:
            answer = T.ANSWERS["weapon.rarity"].format(name=w.name, rarity=w.rarity)
            facts.append(_fact("weapon", "weapon.rarity", f"{w.id}.rarity", answer, n, [f"{w.rarity}-star"],
                               [f"{s}-star" for s in range(1, 6) if s != w.rarity]))
        if w.substat:
            answer = T.ANSWERS["weapon.substat"].format(owner=owner, substat=w.substat)
            facts.append(_fact("weapon", "weapon.substat", f"{w.id}.substat", answer, n, [w.substat],
                               [s for s in substats if s != w.substat]))
        else:
            facts.append(_missing(w.id, "weapon.substat", n))
        if w.passive_name and w.passive_description:
            key = "weapon.passive_platform" if w.platform else "weapon.passive"
            prefix = T.ANSWERS[key].format(owner=owner, passive=w.passive_name, platform=w.platform)
            answer = T.fit_sentences(prefix, w.passive_description)
            if answer:
                facts.append(_fact("weapon", "weapon.passive", f"{w.id}.passive", answer, n, [w.passive_name]))
        else:
            facts.append(_missing(w.id, "weapon.passive", n))
        if w.rarity and w.type:
            with_substat = f" with {w.substat} as its substat" if w.substat else ""
            answer = T.ANSWERS["weapon.summary"].format(name=w.name, rarity=w.rarity, type=w.type,
                                                        with_substat=with_substat)
            facts.append(_fact("weapon", "weapon.summary", f"{w.id}.summary", answer, n,
                               [w.type, f"{w.rarity}-star"], [t for t in WEAPON_TYPES if t != w.type]))
    return facts


def _bonus_checks(pieces: int, answer: str, prefix: str) -> list[str]:
    """A set bonus answer must name the piece count and the numbers it quotes (up to two)."""
    numbers = [t for t in tokenize(answer[len(prefix):]) if t[:1].isdigit()]
    return [f"{pieces}-piece", *list(dict.fromkeys(numbers))[:2]]


def _artifact_facts(knowledge: Knowledge, names: dict[str, tuple[str, ...]]) -> list[Fact]:
    facts: list[Fact] = []
    for a in knowledge.artifact_sets:
        n = {"n": names[a.id]}
        bonuses = [(p, text) for p, text in ((1, a.one_piece), (2, a.two_piece), (4, a.four_piece)) if text]
        for pieces, text in bonuses:
            family = {1: "artifact.one_piece", 2: "artifact.two_piece", 4: "artifact.four_piece"}[pieces]
            prefix = T.ANSWERS[family].format(name=a.name)
            answer = T.fit_sentences(prefix, text)
            if answer:
                facts.append(_fact("artifact", family, f"{a.id}.{pieces}pc", answer, n,
                                   _bonus_checks(pieces, answer, prefix)))
        if a.min_rarity and a.max_rarity:
            answer = T.ANSWERS["artifact.rarity"].format(name=a.name, low=a.min_rarity, high=a.max_rarity)
            facts.append(_fact("artifact", "artifact.rarity", f"{a.id}.rarity", answer, n,
                               [f"{a.min_rarity} to {a.max_rarity}"]))
        if a.max_rarity and bonuses:
            pieces, text = bonuses[0]
            prefix = T.ANSWERS["artifact.summary"].format(name=a.name, high=a.max_rarity, pieces=pieces)
            answer = T.fit_sentences(prefix, text)
            if answer:
                facts.append(_fact("artifact", "artifact.summary", f"{a.id}.summary", answer, n,
                                   _bonus_checks(pieces, answer, prefix)))
    return facts


def _list_fact(family: str, fact: str, members: list[str], universe: list[str],
               slots: dict[str, tuple[str, ...]], **values: object) -> Fact:
    """'Pyro characters: Amber, ... and 3 more.' Expected: the names shown; forbidden: non-members."""
    before, after = T.ANSWERS[family].split("{names}")
    prefix = before.format(**values)
    listed, shown = T.join_names(members, prefix=prefix, suffix=after, limit=MAX_ANSWER_TOKENS)
    answer = prefix + listed + after
    others = [name for name in universe if name not in members]
    return _fact("list", family, fact, answer, slots, shown, others, held_out=0.7)


def _list_facts(knowledge: Knowledge) -> list[Fact]:
    characters = sorted(knowledge.characters, key=lambda c: c.name)
    everyone = [c.name for c in characters]
    regions = knowledge.regions
    facts: list[Fact] = []

    def who(**where: object) -> list[str]:
        return [c.name for c in characters if all(getattr(c, k) == v for k, v in where.items())]

    for e in ELEMENTS:
        slots = {"e": (e.lower(),)}
        facts.append(_list_fact("list.element", f"list.element.{e}", who(element=e), everyone, slots, element=e))
        count = T.ANSWERS["count.element"].format(count=len(who(element=e)), element=e)
        facts.append(_fact("list", "count.element", f"count.element.{e}", count, slots, [str(len(who(element=e)))]))
        for w in WEAPON_TYPES:
            if members := who(element=e, weapon_type=w):
                facts.append(_list_fact("list.element_weapon", f"list.{e}.{w}", members, everyone,
                                        {**slots, "w": (w.lower(),), "ws": (WEAPON_PLURALS[w],)}, element=e, weapon=w))
        for r in regions:
            if members := who(element=e, region=r):
                facts.append(_list_fact("list.element_region", f"list.{e}.{r}", members, everyone,
                                        {**slots, "r": (r,)}, element=e, region=r))
    for w in WEAPON_TYPES:
        slots = {"w": (w.lower(),), "ws": (WEAPON_PLURALS[w],)}
        facts.append(_list_fact("list.weapon", f"list.weapon.{w}", who(weapon_type=w), everyone, slots, weapon=w))
        count = T.ANSWERS["count.weapon"].format(count=len(who(weapon_type=w)), weapon=w)
        facts.append(_fact("list", "count.weapon", f"count.weapon.{w}", count, slots, [str(len(who(weapon_type=w)))]))
        for s in range(1, 6):
            weapons = sorted(x.name for x in knowledge.weapons if x.type == w and x.rarity == s)
            if weapons:
                same_type = [x.name for x in knowledge.weapons if x.type == w]
                facts.append(_list_fact("list.weapons", f"list.weapons.{s}.{w}", weapons, same_type,
                                        {**slots, "s": (str(s),)}, rarity=s, weapons=w + "s"))
    for r in regions:
        slots = {"r": (r,)}
        facts.append(_list_fact("list.region", f"list.region.{r}", who(region=r), everyone, slots, region=r))
        count = T.ANSWERS["count.region"].format(count=len(who(region=r)), region=r)
        facts.append(_fact("list", "count.region", f"count.region.{r}", count, slots, [str(len(who(region=r)))]))
    for s in (4, 5):
        facts.append(_list_fact("list.rarity", f"list.rarity.{s}", who(rarity=s), everyone, {"s": (str(s),)}, rarity=s))
    for family, names in (("meta.elements", ELEMENTS), ("meta.weapon_types", WEAPON_TYPES), ("meta.regions", regions)):
        listed, _ = T.join_names(names, prefix="")
        facts.append(_fact("list", family, family, T.ANSWERS[family].format(names=listed), {}, names,
                           phrasings=len(QUESTIONS[family]), held_out=1.0, held_out_phrasings=9))
    return facts


def _yesno_facts(knowledge: Knowledge, names: dict[str, tuple[str, ...]], rng: random.Random) -> list[Fact]:
    """'is diluc pyro' for the true value and two or three wrong ones per attribute."""
    facts: list[Fact] = []
    regions = knowledge.regions
    for c in knowledge.characters:
        attributes: tuple[tuple[str, str | int | None, Sequence[str | int], str], ...] = (
            ("element", c.element, ELEMENTS, "e"),
            ("weapon", c.weapon_type, WEAPON_TYPES, "w"),
            ("region", c.region, regions, "r"),
            ("rarity", c.rarity, (4, 5), "s"),
        )
        for field, value, choices, slot in attributes:
            if value is None:
                continue
            wrong = [v for v in choices if v != value]
            for asked in [value, *rng.sample(wrong, min(3 if field == "element" else 2, len(wrong)))]:
                facts.append(_yesno(f"yesno.{field}", c.id, c.name, names[c.id], value, asked, choices, slot))
    for w in knowledge.weapons:
        if w.type:
            for asked in [w.type, rng.choice([t for t in WEAPON_TYPES if t != w.type])]:
                facts.append(_yesno("yesno.weapon_type", w.id, w.name, names[w.id], w.type, asked, WEAPON_TYPES, "w"))
    return facts


def _yesno(family: str, entity_id: str, name: str, names: tuple[str, ...], value: str | int, asked: str | int,
           choices: Sequence[str | int], slot: str) -> Fact:
    """One yes/no fact; star counts read "5-star", other values as written (asked in lowercase)."""
    def shown(v: str | int) -> str:
        return f"{v}-star" if isinstance(v, int) else v

    yes = asked == value
    answer = T.ANSWERS[f"{family}.{'yes' if yes else 'no'}"].format(
        name=name, owner=T.possessive(name), value=value, asked=asked
    )
    slots = {"n": names, slot: (str(asked).lower() if slot in ("e", "w") else str(asked),)}
    if slot == "w":
        slots["ws"] = (WEAPON_PLURALS[str(asked)],)
    expected = ["yes" if yes else "no", shown(value)]
    forbidden = ["no" if yes else "yes", *(shown(v) for v in choices if v not in (value, asked))]
    return _fact("yesno", family, f"{entity_id}.{family.split('.')[1]}={asked}", answer, slots, expected, forbidden,
                 held_out=0.35)


def _smalltalk_facts() -> list[Fact]:
    return [
        Fact("smalltalk", f"smalltalk.{intent}", f"smalltalk.{intent}", answer, {}, phrasings=len(phrasings),
             held_out=1.0, held_out_phrasings=len(phrasings))
        for intent, (phrasings, answer) in SMALLTALK.items()
    ]


def _off_topic_fact() -> Fact:
    count = len(OFF_TOPIC)
    return Fact("unknown", "unknown.off_topic", "unknown.off_topic", UNKNOWN_ANSWER, {}, phrasings=count,
                held_out=1.0, held_out_phrasings=count)

