"""The facts the model reads: what the linked entities' records say, serialised as text.

The reading model sees `question <facts> ...facts...` and writes its answer from it, copying names
and values. Of a character's short facts (element, weapon, region, talent names, ...) those the
question's words point at are there, a summary when they point at none; long texts (what a skill
does, a constellation's effect) only when the question asks for them, so the input stays within the
length budget and the model is not asked to find a needle in every description. A yes/no claim
("is ganyu pyro") gets its verdict as a line of its own.
Lists of characters come from attribute words when no character is named ("pyro claymore users";
beside an unrelated item only when two attributes are named, "got the catch! anemo sumeru chars?").
No entity and no attribute -> `<facts> <none>`, which teaches the model to admit it; so does a
question the game data cannot answer ("best build for hu tao", "how tall is diluc"), or one about a
fact the entity's record lacks ("where is aloy from": the data gives her no nation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import OSA

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
from assistant.tokenizer import Piece, pieces, tokenize

FACTS_MARKER = "<facts>"
NONE_MARKER = "<none>"
BEYOND_MARKER = "<beyond>"
"""Read before `<none>` when the question names an entity but asks what the game data does not hold
("how tall is diluc"): the answer admits it, where `<none>` alone ("how tall is the eiffel tower")
gets the off-topic reply."""
MAX_SOURCE_TOKENS = 256
_MARKER = re.compile(r"<[a-z_]+>")
MAX_SENTENCE_WORDS = 28
MAX_LIST = 8

# Question words that point at a long text. Players' shorthand included ("e", "q", "ult", "c2").
_SKILL_WORDS = {"skill", "e", "elemental skill"}
_BURST_WORDS = {"burst", "q", "ult", "ultimate", "bursts"}
_NORMAL_WORDS = {"normal", "attack", "na", "auto", "autos", "charged", "attacks"}
_PASSIVE_WORDS = {"passive", "passives", "a1", "a4"}
# "skills" (plural) asks for more than the Elemental Skill: "what skills does keqing have".
_ABILITY_WORDS = {"abilities", "ability", "kit", "talents", "talent", "moves", "moveset", "skills"}
# Words that ask what the passives do, not what they are called ("what do xiangling's passives do").
_EFFECT_WORDS = {"effect", "effects", "do", "work", "works", "explain", "describe", "detail", "details"}
_CONSTELLATION_RE = re.compile(r"^c([1-6])$")
_CONSTELLATION_WORDS = {"constellation", "constellations", "cons", "con"}
_ALWAYS = {"name", "title"}
# Words that point at a field only together: "what can nahida do" and "how does amber fight" ask
# for abilities ("what does amber fight with" asks for her weapon).
_PHRASES = {
    frozenset({"can", "do"}): "abilities",
    frozenset({"how", "fight"}): "abilities",
    frozenset({"how", "fights"}): "abilities",
    frozenset({"known", "as"}): "title",  # not "known" alone: one slip from "know" ("what do you know about X")
}
# A character's fields when the question points at none: "who is X", "X?", "tell me about X".
# (Questions without a field word are almost all of that kind; the long lists of talent names and
# materials only made them harder to read.)
_SUMMARY = {"rarity", "element", "weapon", "region", "affiliation"}
_MATERIAL_WORDS = {"material", "materials", "mats", "mat", "ascension", "ascend", "farm", "need", "needs"}
_WEEKLY_WORDS = {"weekly", "trounce"}
"""Words for the weekly boss: "trounce" is the game's name for a weekly boss's domain."""
_BOOK_WORDS = {"book", "books", "talent", "talents", "domain", "days", "farm", "open", "when", "schedule"}
# The words that point at a short fact, for questions about several entities at once.
_FIELD_WORDS: dict[str, set[str]] = {
    "title": {
        "title",
        "titles",
        "epithet",
        "aka",
        "call",
        "called",
        "nickname",
        "alias",
        "honorific",
        "moniker",
    },
    "element": {"element", "elements", "vision", "visions", "elemental", "elem", "same", "type"}
    | {e.lower() for e in ELEMENTS},
    "weapon": {"weapon", "weapons", "wield", "wields", "use", "uses", "using", "same", "type", "fight", "fights"}
    | {w.lower() for w in WEAPON_TYPES}
    | {w.lower() + "s" for w in WEAPON_TYPES},
    "region": {
        "region",
        "from",
        "nation",
        "hometown",
        "country",
        "home",
        "same",
        "live",
        "lives",
        "come",
        "comes",
        "homeland",
    }
    | {word for r in REGIONS for word in tokenize(r) if word != "-"},
    "rarity": {"rarity", "star", "stars", "rare", "rated", "rating", "5", "4"},
    "birthday": {"birthday", "bday", "born", "birth", "birthdays", "b"},
    "constellation": _CONSTELLATION_WORDS,
    "affiliation": {
        "affiliation",
        "affiliated",
        "organization",
        "faction",
        "group",
        "work",
        "works",
        "serve",
        "serves",
        "member",
        "members",
    },
    "ascension stat": {"stat", "stats", "substat", "ascension", "ascend", "bonus"},
    "voice actor": {"voice", "voices", "va", "voiced", "actor", "actress", "dub", "cv", "english", "en"},
    "talent book": _BOOK_WORDS,
    "book days": _BOOK_WORDS,
    "book domain": _BOOK_WORDS,
    "boss drop": _MATERIAL_WORDS | {"boss", "drop", "drops"},
    "local specialty": _MATERIAL_WORDS | {"specialty", "speciality", "local", "plant", "flower", "collect", "gather"},
    "weekly boss drop": _WEEKLY_WORDS | {"boss", "drop", "drops"},
    "normal attack": _NORMAL_WORDS,
    "skill": _SKILL_WORDS | _ABILITY_WORDS,
    "burst": _BURST_WORDS | _ABILITY_WORDS,
    "passives": _PASSIVE_WORDS | _ABILITY_WORDS,
}


_WEAPON_MATERIAL_WORDS = {
    "material",
    "materials",
    "mats",
    "ascend",
    "ascends",
    "ascension",
    "farm",
    "need",
    "days",
    "domain",
    "needs",
}
_WEAPON_PASSIVE_WORDS = {
    "passive",
    "effect",
    "refinement",
    "ability",
    "does",
    "do",
    "work",
    "works",
    "r1",
    "skill",
    "special",
}
_WEAPON_FIELD_WORDS: dict[str, set[str]] = {
    "type": {"type", "kind", "class", "equip", "wield", "wields", "use", "uses", "weapon", "category"}
    | {w.lower() for w in WEAPON_TYPES},
    "rarity": {"rarity", "star", "stars", "rare", "rated", "rating", "5", "4", "3"},
    "substat": {"substat", "stat", "stats", "secondary", "main"},
    "passive": _WEAPON_PASSIVE_WORDS,
    "passive effect": _WEAPON_PASSIVE_WORDS,
    "ascension material": _WEAPON_MATERIAL_WORDS,
    "material days": _WEAPON_MATERIAL_WORDS,
    "material domain": _WEAPON_MATERIAL_WORDS,
}
# Words that point at a field only when no other word does: verbs and prepositions that go with
# many questions ("what does X need from bosses" asks for the boss drop, not the nation; "do X and
# Y use the same vision" asks about the element, not the weapon).
_WEAK_WORDS = frozenset(
    {"use", "uses", "using", "from", "need", "needs", "same", "live", "lives", "come", "comes", "home"}
    | {"work", "works", "serve", "serves", "ascend", "ascends", "ascension", "farm", "fight", "fights", "when"}
    | {"wield", "wields", "do", "does", "open", "kind", "class", "main", "b", "call", "called"}
)
_WEAPON_WEAK_WORDS = _WEAK_WORDS | {"weapon", "weapons"}
"""Of a weapon, "weapon" names the item itself ("iron point's weapon passive"): it asks for the type
only when no other word asks for anything ("what weapon is the catch")."""
_ARTIFACT_FIELD_WORDS: dict[str, set[str]] = {
    "rarity": {"rarity", "star", "stars", "rare"},
    "1-piece": {"1", "one"},
    "2-piece": {"2", "two"},
    "4-piece": {"4", "four"},
}
# Words of questions the game data cannot answer: builds, teams, ratings, heights, ages, pulls, tastes.
# ("how old" is not among them: "old" is also a word of talent names such as "Old World Secrets".)
_BEYOND_DATA_WORDS = frozenset(
    {"build", "builds", "tall", "height", "tier", "meta", "rotation", "rotations", "comp", "comps", "teammates"}
    | {"age", "older", "oldest", "younger", "youngest", "weight", "weigh"}
    | {"pull", "pulling", "reroll", "invest", "f2p"}
    | {"favorite", "favourite", "fav", "food", "dish", "hobby", "hobbies"}
)
_BEYOND_DATA_PHRASES = (frozenset({"how", "old"}),)
# Words that ask for an opinion whatever else the question says ("who's better, ganyu or ayaka")...
_OPINION_WORDS = frozenset({"strongest", "stronger", "worth", "better", "worse"})
# "best" asks for one only with advice ("best team for X"; "which book is best for X" asks a fact).
_ADVICE_WORDS = frozenset({"team", "teams", "weapon", "weapons", "artifact", "artifacts", "set", "sets", "dps", "than"})
_KEYWORDS = frozenset(
    word
    for group in (
        *_FIELD_WORDS.values(),
        *_WEAPON_FIELD_WORDS.values(),
        *_ARTIFACT_FIELD_WORDS.values(),
        _SKILL_WORDS,
        _BURST_WORDS,
        _NORMAL_WORDS,
        _PASSIVE_WORDS,
        _ABILITY_WORDS,
        _OPINION_WORDS,  # "bestt team for arlecchino" asks for an opinion all the same
        {"best"},
    )
    for word in group
    if len(word) >= 4
) | {word for word in _BEYOND_DATA_WORDS if len(word) >= 5}  # "rotaation"; not "tall", one slip from "tell"
_TYPO_TARGETS = _KEYWORDS - _WEAK_WORDS
"""The keywords a misspelt word may be read as: not the common verbs and prepositions, whose
neighbours one slip away are common words too ("like" is not "live", "some" not "same", "form" not
"from")."""


Record = Character | Weapon | ArtifactSet | MaterialSeries
"""What an entity key names."""


@dataclass(frozen=True)
class Source:
    """What the model reads for one question, and which entities it is about."""

    pieces: tuple[Piece, ...]
    entities: tuple[str, ...]
    facts_start: int = 0
    """Where the facts begin in `pieces` (after the question and the facts marker)."""
    knows_nothing: bool = False
    """The facts are `<none>`: nothing was linked, so no answer may name anything."""


def first_sentence(text: str, max_words: int = MAX_SENTENCE_WORDS) -> str:
    """The first sentence of a description, cut to `max_words` words (answers stay short)."""
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z\"(])", text)
    sentence = text[: match.start()] if match else text
    words = sentence.split()
    if len(words) > max_words:
        return " ".join(words[:max_words]).rstrip(",;:") + " ..."
    return sentence


def join_names(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C" """
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _field(label: str, value: object) -> str:
    return "" if value is None or value == "" or value == () else f"{label}: {value} ;"


def _rarity(value: int | None) -> str | None:
    return None if value is None else f"{value}-star"


def question_words(question: str, names: Collection[str] = ()) -> set[str]:
    """The question's words but those of the linked entities' `names`, plus the keyword each
    misspelt one is a slip of ("burrst" -> "burst").

    Players misspell the words that point at a fact as often as names; one edit (a transposition
    counts as one) is forgiven in words of four letters or more; the first letter must match. A
    name's words point at nothing and claim nothing: "Plane of Euthymia" does not ask for a plant,
    "Recurve Bow is so good. who is faruzan" does not ask whether she uses a bow, nor a misspelt name
    ("who is traveler (anemoo)") whether he is Anemo.
    """
    named = set(names)
    words = set(tokenize(question)) - named
    for word in list(words):
        if len(word) >= 4 and word not in _KEYWORDS:
            words.update(k for k in _TYPO_TARGETS if k[0] == word[0] and OSA.distance(word, k, score_cutoff=1) <= 1)
    words.update(stem for word in list(words) for stem in _singulars(word) if stem in _KEYWORDS)
    words.update(keyword for phrase, keyword in _PHRASES.items() if phrase <= words)
    return words - named


def _singulars(word: str) -> tuple[str, ...]:
    """ "bosses" -> "boss", "drops" -> "drop" (the keyword lists need not hold every plural)."""
    return (word[:-2], word[:-1]) if word.endswith("es") else (word[:-1],) if word.endswith("s") else ()


def asks_beyond_the_data(words: set[str]) -> bool:
    """Whether the question asks for advice or facts the game data does not hold ("best build for
    hu tao", "how tall is diluc", "is nahida worth pulling"): such a question reads `<none>`, so the
    answer admits it instead of stating a true but unasked fact."""
    return (
        bool(words & (_BEYOND_DATA_WORDS | _OPINION_WORDS))
        or ("best" in words and bool(words & _ADVICE_WORDS))
        or any(phrase <= words for phrase in _BEYOND_DATA_PHRASES)
    )


def _asks(words: set[str], vocabulary: Iterable[str]) -> bool:
    return any(word in words for word in vocabulary)


def _pointed(
    fields: Sequence[tuple[str, object]],
    words: set[str],
    field_words: dict[str, set[str]],
    always: Collection[str] = frozenset({"name"}),
    unpointed: Collection[str] | None = None,
    weak: frozenset[str] = _WEAK_WORDS,
) -> list[str]:
    """The fields the question's words point at (and the `always` ones). When it points at none:
    the `unpointed` fields (all when None), so "who is X" or an unusual wording finds its fact."""
    pointed = _pointed_labels([label for label, _ in fields], words, field_words, weak)
    if not pointed:
        pointed = {label for label, _ in fields} if unpointed is None else set(unpointed)
    return [_field(label, value) for label, value in fields if label in pointed or label in always]


def _pointed_labels(
    labels: Sequence[str], words: set[str], field_words: dict[str, set[str]], weak: frozenset[str] = _WEAK_WORDS
) -> set[str]:
    """The labels the question's words point at: those a distinctive word points at ("boss",
    "vision", "nation"), or failing any, those a common verb or preposition (`weak`) points at
    ("need", "use", "from")."""
    strong = words - weak
    pointed = {label for label in labels if _asks(strong, field_words.get(label, ()))}
    return pointed or {label for label in labels if _asks(words, field_words.get(label, ()))}


def _named(words: set[str], value: str) -> bool:
    """Whether the question names `value` ("Nod-Krai" as "nod krai", "Bow" as "bows")."""
    value_words = set(tokenize(value)) - {"-"}
    return value_words <= words or {word + "s" for word in value_words} <= words


def _claims(c: Character, words: set[str]) -> list[str]:
    """`claim element: Cryo ; true: no ;` for each element, weapon type or nation the question's
    words name ("is ganyu pyro"): a yes/no question then reads its answer instead of comparing two
    values in its head."""
    claims = []
    for label, actual, values in (
        ("element", c.element, ELEMENTS),
        ("weapon", c.weapon_type, WEAPON_TYPES),
        ("region", c.region, REGIONS),
    ):
        for value in values:
            if actual and _named(words, value):
                claims.append(f"<claim> {label}: {value} ; true: {'yes' if value == actual else 'no'} ;")
    return claims


def _names(words: set[str], name: str) -> bool:
    """Whether the question names `name`: most of its longer words appear in it."""
    significant = [word for word in tokenize(name) if len(word) > 3]
    return bool(significant) and sum(word in words for word in significant) * 3 >= len(significant) * 2


class FactSerializer:
    """Turns linked entities into the text the model reads, trimmed to what the question needs."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self._series = {s.name: s for s in (*knowledge.talent_books, *knowledge.weapon_materials)}
        self._lookups: dict[str, Callable[[str], Record | None]] = {
            "character": knowledge.character,
            "weapon": knowledge.weapon,
            "artifact_set": knowledge.artifact_set,
            "talent_book": knowledge.talent_book,
            "weapon_material": knowledge.weapon_material,
        }

    def source(self, question: str, entity_keys: Sequence[str], mentioned: Collection[str] = ()) -> Source:
        """The question, the facts marker, then the facts of each entity (or a list, or <none>).
        `mentioned`: the words of the question that name the entities as the linker found them (a
        nickname: "need geo archon en va" claims nothing about Geo)."""
        records = [self.record(key) for key in entity_keys]
        # A title's words name her only where typed, which `mentioned` covers: "where is thoma from"
        # asks for a nation though her title is "Protector From Afar".
        named = {word for record in records if record for word in tokenize(record.name)} | set(mentioned)
        words = question_words(question, named)
        if asks_beyond_the_data(words) or self._lacks_what_is_asked(records, words):
            # Facts about the entity would only tempt an answer to another question.
            blocks = [BEYOND_MARKER, NONE_MARKER] if any(records) else [NONE_MARKER]
        else:
            blocks = self._blocks(entity_keys, records, words) or [NONE_MARKER]
        # A marker typed by the asker ("<facts>") must not pass for one of ours.
        question_pieces = [piece for piece in pieces(question) if not _MARKER.fullmatch(piece.key)]
        facts = pieces(f"{FACTS_MARKER} " + " ".join(blocks))
        asked = question_pieces[: max(MAX_SOURCE_TOKENS - len(facts), 16)]
        return Source(
            tuple([*asked, *facts][:MAX_SOURCE_TOKENS]),
            tuple(entity_keys),
            facts_start=len(asked) + 1,
            knows_nothing=blocks[-1] == NONE_MARKER,
        )

    def _blocks(self, entity_keys: Sequence[str], records: Sequence[Record | None], words: set[str]) -> list[str]:
        """The facts of each entity, a comparison of two characters, or a list asked for."""
        blocks = [block for block in (self._facts(record, words) for record in records) if block]
        if len(entity_keys) == 2 and all(key.startswith("character:") for key in entity_keys):
            blocks.append(self._comparison(entity_keys))
        if not any(isinstance(record, Character) for record in records):
            # A list asked for after an unrelated item ("pulled the Catch! who is anemo in sumeru")
            # names two attributes; one alone beside an item ("is the catch a polearm") asks about it.
            listing = self._listing(words, min_attributes=2 if blocks else 1)
            blocks = [listing, *blocks] if listing else blocks  # first: what is asked survives the cut
        return blocks

    def record(self, key: str) -> Record | None:
        """The record an entity key ("character:furina") names, if the knowledge has it."""
        kind, _, record_id = key.partition(":")
        lookup = self._lookups.get(kind)
        return lookup(record_id) if lookup else None

    def entity_facts(self, key: str, words: set[str]) -> str:
        """One entity's facts for a question whose words (`question_words`) are `words`."""
        return self._facts(self.record(key), words)

    def _lacks_what_is_asked(self, records: Sequence[Record | None], words: set[str]) -> bool:
        """Whether the entities asked about hold none of the short facts the question's words point
        at ("aloy voice actor", "iron point passive"): their other facts would only tempt an answer
        to another question. An item named first that lacks them ("dull blade is so good. what is
        columbina's skill") does not count against the character who has them."""
        holds = {self._holds_what_is_asked(record, words) for record in records}
        return False in holds and True not in holds

    def _holds_what_is_asked(self, record: Record | None, words: set[str]) -> bool | None:
        """Whether a character or weapon holds any of the short facts the question's words point at
        (None when they point at none, or it is neither)."""
        if isinstance(record, Character):
            if _asks(words, _CONSTELLATION_WORDS) or any(_CONSTELLATION_RE.match(word) for word in words):
                return True  # the constellations are read beside the constellation's name
            if any(_names(words, p.name) for p in record.passives):
                return True  # a passive asked for by its name ("how does X's <passive> work")
            fields, field_words, weak = self._character_fields(record), _FIELD_WORDS, _WEAK_WORDS
        elif isinstance(record, Weapon):
            fields, field_words, weak = self._weapon_fields(record), _WEAPON_FIELD_WORDS, _WEAPON_WEAK_WORDS
        else:
            return None
        pointed = _pointed_labels([label for label, _ in fields], words, field_words, weak)
        values = dict(fields)
        return any(_field(label, values[label]) for label in pointed) if pointed else None

    def _facts(self, record: Record | None, words: set[str]) -> str:
        if isinstance(record, Character):
            return self._character(record, words)
        if isinstance(record, Weapon):
            return self._weapon(record, words)
        if isinstance(record, ArtifactSet):
            return self._artifact(record, words)
        if isinstance(record, MaterialSeries):
            return self._series_facts(record)
        return ""

    def _character_fields(self, c: Character) -> list[tuple[str, object]]:
        """A character's short facts, labelled as the model reads them."""
        book = self._series.get(c.talent_book or "")
        normal, skill, burst = (c.talent(kind) for kind in (NORMAL_ATTACK, ELEMENTAL_SKILL, ELEMENTAL_BURST))
        return [
            ("name", c.name),
            ("title", c.title),
            ("element", c.element),
            ("weapon", c.weapon_type),
            ("region", c.region),
            ("rarity", _rarity(c.rarity)),
            ("birthday", c.birthday_text),
            ("constellation", c.constellation),
            ("affiliation", c.affiliation),
            ("ascension stat", c.ascension_stat),
            ("voice actor", c.voice_actor),
            ("talent book", c.talent_book),
            ("book days", join_names(book.days) if book else None),
            ("book domain", book.domain if book else None),
            ("boss drop", c.boss_drop),
            ("local specialty", c.local_specialty),
            ("weekly boss drop", c.weekly_boss_drop),
            ("normal attack", normal.name if normal else None),
            ("skill", skill.name if skill else None),
            ("burst", burst.name if burst else None),
            ("passives", join_names([p.name for p in c.passives])),
        ]

    def _character(self, c: Character, words: set[str]) -> str:
        """The name and title, then the short facts the question points at (the summary when it
        points at none), the long texts it asks for, and what it claims."""
        normal, skill, burst = (c.talent(kind) for kind in (NORMAL_ATTACK, ELEMENTAL_SKILL, ELEMENTAL_BURST))
        fields = self._character_fields(c)
        levels = {int(m.group(1)) for word in words if (m := _CONSTELLATION_RE.match(word))}
        named_passives = [p for p in c.passives if _names(words, p.name)]
        # "c1", or a passive by its name, asks for a long text: no summary beside it, and a named
        # passive no list of all the passives either ("mika's passive demarcation?").
        unpointed = () if levels or named_passives else _SUMMARY
        if named_passives:
            fields = [(label, value) for label, value in fields if label != "passives"]
        if words & _WEEKLY_WORDS:  # "weekly mat" asks for the weekly boss drop, not every material
            fields = [(label, value) for label, value in fields if label not in ("boss drop", "local specialty")]
        # Asked for a long text, a common verb points at nothing ("how does lisa's static electricity
        # field work" does not ask where she works).
        field_words = words - _WEAK_WORDS if levels or named_passives else words
        parts = ["<character>", *_pointed(fields, field_words, _FIELD_WORDS, always=_ALWAYS, unpointed=unpointed)]
        abilities = _asks(words, _ABILITY_WORDS)
        if normal and _asks(words, _NORMAL_WORDS) and not abilities:
            parts.append(_field("normal attack effect", first_sentence(normal.description)))
        if skill and _asks(words, _SKILL_WORDS) and not abilities:
            parts.append(_field("skill effect", first_sentence(skill.description)))
        if burst and _asks(words, _BURST_WORDS) and not abilities:
            parts.append(_field("burst effect", first_sentence(burst.description)))
        for passive in c.passives:
            asks_effects = _asks(words, _PASSIVE_WORDS) and _asks(words, _EFFECT_WORDS) and not abilities
            if passive in named_passives or (asks_effects and not named_passives):
                parts.append(_field(f"{passive.name} effect", first_sentence(passive.description)))
        parts += _claims(c, words)
        if levels or _asks(words, _CONSTELLATION_WORDS):
            for constellation in c.constellations:
                if not levels or constellation.level in levels:
                    parts.append(_field(f"c{constellation.level}", constellation.name))
                    if levels:
                        parts.append(_field(f"c{constellation.level} effect", first_sentence(constellation.effect)))
        return " ".join(part for part in parts if part)

    def _weapon(self, w: Weapon, words: set[str]) -> str:
        return " ".join(
            ["<weapon>", *_pointed(self._weapon_fields(w), words, _WEAPON_FIELD_WORDS, weak=_WEAPON_WEAK_WORDS)]
        )

    def _weapon_fields(self, w: Weapon) -> list[tuple[str, object]]:
        """A weapon's facts, labelled as the model reads them."""
        material = self._series.get(w.ascension_material or "")
        return [
            ("name", w.name),
            ("type", w.type),
            ("rarity", _rarity(w.rarity)),
            ("substat", w.substat),
            ("passive", w.passive_name),
            ("passive effect", first_sentence(w.passive_description) if w.passive_description else None),
            ("ascension material", w.ascension_material),
            ("material days", join_names(material.days) if material else None),
            ("material domain", material.domain if material else None),
        ]

    def _artifact(self, a: ArtifactSet, words: set[str]) -> str:
        fields = [
            ("name", a.name),
            ("rarity", f"{a.min_rarity}-{a.max_rarity} star" if a.min_rarity and a.max_rarity else None),
            ("1-piece", first_sentence(a.one_piece) if a.one_piece else None),
            ("2-piece", first_sentence(a.two_piece) if a.two_piece else None),
            ("4-piece", first_sentence(a.four_piece) if a.four_piece else None),
        ]
        return " ".join(["<artifact_set>", *_pointed(fields, words, _ARTIFACT_FIELD_WORDS)])

    def _series_facts(self, s: MaterialSeries) -> str:
        users = (
            [c.name for c in self.knowledge.characters if c.talent_book == s.name] if s.kind == "talent_book" else []
        )
        parts = [
            f"<{s.kind}>",
            _field("name", s.name),
            _field("days", join_names(s.days)),
            _field("domain", s.domain),
            _field("region", s.region),
            _field("items", join_names(list(s.items))),
            _field("used by", join_names(users[:MAX_LIST]) if 0 < len(users) <= MAX_LIST else None),
        ]
        return " ".join(part for part in parts if part)

    def _comparison(self, keys: Sequence[str]) -> str:
        first, second = (self.knowledge.character(key.partition(":")[2]) for key in keys)
        if first is None or second is None:
            return ""
        same = []
        for label, attribute in (("element", "element"), ("weapon", "weapon_type"), ("region", "region")):
            a, b = getattr(first, attribute), getattr(second, attribute)
            if a is not None and b is not None:
                same.append(f"same {label}: {'yes' if a == b else 'no'} ;")
        return " ".join(["<compare>", *same])

    def _listing(self, words: set[str], min_attributes: int = 1) -> str:
        """Characters with the attributes the question names, when it names no character."""
        element = next((e for e in ELEMENTS if _named(words, e)), None)
        weapon = next((t for t in WEAPON_TYPES if _named(words, t)), None)
        region = next((r for r in REGIONS if _named(words, r)), None)
        if sum(value is not None for value in (element, weapon, region)) < min_attributes:
            return ""
        matches = self.knowledge.characters_where(element=element, weapon_type=weapon, region=region)
        label = " ".join(value for value in (element, weapon, region) if value)
        names = [c.name for c in matches]
        listed = join_names(names) if len(names) <= MAX_LIST else None
        return " ".join(
            part
            for part in ("<list>", _field("group", label), _field("count", len(names)), _field("members", listed))
            if part
        )
