"""Entity linking: which characters, weapons, artifact sets and materials a question is about.

Players type names every way but the game's: lowercase, without apostrophes or spaces ("hutaos"),
by one part ("kazuha"), by title ("Eclipsing Star"), by nickname ("childe"), with typos
("ningguan"), two at a time, or after an unrelated item. The linker indexes, per entity, the forms
that identify it exactly, matches word spans of the question against them exactly and then with a
length-aware edit-distance cutoff, and keeps the best non-overlapping spans.

What links (each exact form is a key with its own base score):

- the full name (100), "anemo traveler" for "Traveler (Anemo)", a material series' item names
  ("Teachings of Freedom"); a series whose name is one ordinary word ("Order") links by that word
  only in a question about farming ("what day is order", "freedom books", "ballad domain"; 90),
  one of several ordinary words ("Ancient Chord") always does;
- a character's title and constellation name (96, 95) unless it is one ordinary word;
- a name part, one word or the first or last words of the name, when no other entity's name
  contains it and it is not made of ordinary words only ("ayato", "homa", "foliar incision";
  never "staff", "of", "jade", "wolf") (94);
- the hand-kept community nicknames of `assistant.nicknames` (97) and the moderators' aliases (97).

Ordinary means in the English word list (assistant/wordlists/english.txt.gz, from SCOWL) or in
the hand-kept question vocabulary (assistant/wordlists/common_words.txt).

Typos: a span of words (up to the longest form's; a stopword other than "the" never at its edges)
is compared, without spaces and apostrophes, with the keys by optimal-string-alignment distance (a
swap of two letters is one edit), also with a final "s" off ("kaveehs"). The edits allowed grow
with the key's length: none up to 3 letters; 1 up to 7, though in a four-letter name only a doubled
or swapped letter ("qiqii", "alyo"); 2 up to 12; 3 beyond. A key of up to 6 letters must keep its
first letter. A one-word span that is an ordinary word never fuzzy-matches ("list" is not "Lisa");
a span never has more words than the form it matches ("got wolfs gravestone"), nor is it
the form with two or more letters added at one end ("Dilucson"). A typo'd match scores below an
exact one; among overlapping matches the wider wins unless it scores far lower. A character's
name or name part of seven letters or more, cut short to five or more but at least half
("wrioth", "neuvil"), links when no other character's begins so and the word is not English.

Made-up names: a match whose neighbouring word (across "the", "of", "von"...) looks like the rest
of a name and links to nothing is dropped, so "Tomas the Gatekeeper", "Amber Windmere", "Xiao
Brindell" and "amber windmere" link nothing. A capitalised neighbour looks like a name unless it is
an ordinary word; a lowercase one only when it is not even one slip away from an ordinary word,
so "whta element is xiao" and "xiao elemnt" still link Xiao. The cost: a real name beside a
lowercase made-up word that is one slip from English ("sabor bennett") still links.
"""

from __future__ import annotations

import gzip
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from assistant.knowledge import Knowledge
from assistant.nicknames import NICKNAMES

log = logging.getLogger(__name__)

KINDS = ("character", "weapon", "artifact_set", "talent_book", "weapon_material")

NAME_SCORE = 100.0
NICKNAME_SCORE = 97.0
TITLE_SCORE = 96.0
CONSTELLATION_SCORE = 95.0
PART_SCORE = 94.0
SERIES_WORD_SCORE = 90.0
FUZZY_PENALTY = 4.0
"""A typo'd match scores below every exact one: base - FUZZY_PENALTY - 100 * edits / key length."""
MIN_CLIPPED_WORD = 5
MIN_CLIPPED_KEY = 7
"""A name cut short links from five letters, and only a name of seven or more: a shorter one cut
to five letters is one slip from it, which the typo match already covers."""


def _word_list(name: str) -> frozenset[str]:
    """Words of a list in assistant/wordlists, plain or gzipped ("#" starts a comment)."""
    data = resources.files("assistant").joinpath("wordlists", name).read_bytes()
    text = (gzip.decompress(data) if name.endswith(".gz") else data).decode("utf-8")
    return frozenset(word for line in text.splitlines() for word in line.split("#")[0].split())


WIDER_SPAN_BONUS = 12.0
"""Added per extra word when choosing between overlapping matches (the reported score is not)."""
MAX_ALIAS_WORDS = 6
MIN_PART_LENGTH = 4

STOPWORDS = _word_list("stopwords.txt")
COMMON_WORDS = STOPWORDS | _word_list("common_words.txt")
ENGLISH_WORDS = _word_list("english.txt.gz")


# Ordinary words by (length, first letter): a slip rarely hits the first letter, and comparing
# with one bucket instead of all words keeps a lookup well under a millisecond.
_ORDINARY_BY_START: dict[tuple[int, str], list[str]] = defaultdict(list)
for _word in sorted(COMMON_WORDS | ENGLISH_WORDS):
    _ORDINARY_BY_START[len(_word), _word[0]].append(_word)


def is_ordinary(word: str) -> bool:
    """True for a word of everyday English or of game questions ("staff", "jade", "build")."""
    return word in COMMON_WORDS or word in ENGLISH_WORDS


@lru_cache(maxsize=8192)
def near_ordinary(word: str) -> bool:
    """True when `word` is an ordinary word or one slip away from one ("elemnt", "whta")."""
    if is_ordinary(word) or is_ordinary(word[1::-1] + word[2:]):
        return True
    return any(
        process.extractOne(word, _ORDINARY_BY_START[length, word[0]], scorer=OSA.distance, score_cutoff=1) is not None
        for length in (len(word) - 1, len(word), len(word) + 1)
        if (length, word[0]) in _ORDINARY_BY_START
    )


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*['’]?")
_POSSESSIVE = re.compile(r"['’]s$")
# Words that make a series' bare, ordinary name ("what day is justice") the series.
_FARMING_WORDS = frozenset(
    {"farm", "farming", "farmable", "day", "days", "weekday", "weekdays", "domain", "domains", "available"}
    | {"open", "today", "book", "books", "schedule"}
)
# Words that join the parts of a name ("Tomas the Gatekeeper", "Ludwig von Brandt").
_NAME_JOINERS = frozenset({"the", "of", "von", "van", "de", "der", "da", "la", "le", "del"})
_NO_MATCH = np.iinfo(np.int32).max


@dataclass(frozen=True)
class Entity:
    """Something the game data has facts about; `key` is "kind:id" ("character:furina")."""

    key: str
    kind: str
    name: str


@dataclass(frozen=True)
class Mention:
    """Where a question names an entity: `question[start:end] == text`; `score` is 0..100."""

    entity: Entity
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class _Word:
    norm: str
    start: int
    end: int
    capitalised: bool


@dataclass(frozen=True)
class _Target:
    entity: Entity
    score: float
    fuzzy: bool
    words: int  # how many words the form has ("Staff of Homa": 3)


@dataclass(frozen=True)
class _Candidate:
    entity: Entity
    first: int  # index of the span's first word
    stop: int  # index after its last word
    score: float


def fold(text: str) -> str:
    """Lowercase, accents off ("Kätzlein" -> "katzlein"), possessive "'s" and apostrophes off."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _POSSESSIVE.sub("", plain).replace("'", "").replace("’", "")


def _words(text: str) -> list[_Word]:
    words = []
    for match in _WORD.finditer(text):
        raw = match.group()
        norm = fold(raw)
        if norm:
            words.append(
                _Word(
                    norm=norm,
                    start=match.start(),
                    end=match.end(),
                    capitalised=raw[0].isupper() and not raw.isupper(),
                )
            )
    return words


def _key(words: Iterable[str]) -> str:
    return "".join(words)


def _name_words(name: str) -> tuple[str, ...]:
    return tuple(word.norm for word in _words(name))


def _allowed_edits(length: int) -> int:
    if length <= 3:
        return 0
    if length == 4:
        return 1  # only a doubled letter or a swap ("aiino", "alyo"): see `_fuzzy_candidates`
    if length <= 7:
        return 1
    if length <= 12:
        return 2
    return 3


def _records(knowledge: Knowledge) -> Iterator[tuple[str, Any]]:
    yield from (("character", record) for record in knowledge.characters)
    yield from (("weapon", record) for record in knowledge.weapons)
    yield from (("artifact_set", record) for record in knowledge.artifact_sets)
    yield from (("talent_book", record) for record in knowledge.talent_books)
    yield from (("weapon_material", record) for record in knowledge.weapon_materials)


class _KeyTable:
    """Collects exact forms; a form claimed by two entities at the same level links neither."""

    def __init__(self) -> None:
        self.claims: dict[str, dict[float, set[Entity]]] = defaultdict(lambda: defaultdict(set))
        self.fuzzy: dict[str, bool] = {}
        self.words: dict[str, int] = {}
        self.vocabulary: set[str] = set()

    def add(self, words: tuple[str, ...], entity: Entity, score: float) -> None:
        """Claim the form `words` for `entity`."""
        key = _key(words)
        if not key:
            return
        self.claims[key][score].add(entity)
        self.fuzzy[key] = len(key) > 3
        self.words[key] = max(self.words.get(key, 0), len(words))
        self.vocabulary.update(words)

    def targets(self, kind_rank: Mapping[str, int]) -> dict[str, _Target]:
        table = {}
        for key, levels in self.claims.items():
            best = max(levels)
            entities = levels[best]
            if len(entities) > 1 and best == NAME_SCORE:
                # Two kinds sharing a name: the more specific record (a character) wins; records of
                # one kind sharing a name (a weapon's variants) go to the first key, whatever the
                # set's order (it changes with the hash seed).
                entities = {min(entities, key=lambda e: (kind_rank[e.kind], e.key))}
            if len(entities) == 1:
                table[key] = _Target(next(iter(entities)), best, self.fuzzy[key], self.words[key])
        return table


class EntityLinker:
    """Links the entities a question names; see the module docstring for what links and why."""

    def __init__(self, knowledge: Knowledge, aliases: Mapping[str, str] | None = None) -> None:
        self._entities: dict[str, Entity] = {}
        self._bare_series: dict[str, Entity] = {}  # "freedom": links only where farming is asked about
        table = _KeyTable()
        names: dict[Entity, tuple[str, ...]] = {}
        for kind, record in _records(knowledge):
            entity = Entity(f"{kind}:{record.id}", kind, record.name)
            self._entities[entity.key] = entity
            names[entity] = _name_words(record.name)
            if kind in ("talent_book", "weapon_material") and len(names[entity]) == 1 and is_ordinary(names[entity][0]):
                self._bare_series[names[entity][0]] = entity
            else:
                table.add(names[entity], entity, NAME_SCORE)
            for phrase, score in (
                (getattr(record, "title", None), TITLE_SCORE),
                (getattr(record, "constellation", None), CONSTELLATION_SCORE),
            ):
                words = _name_words(phrase or "")
                if words and not (len(words) == 1 and is_ordinary(words[0])):
                    table.add(words, entity, score)
            for words in _other_forms(kind, record):
                table.add(words, entity, NAME_SCORE)
        for part, entity in _unique_parts(names):
            table.add(part, entity, PART_SCORE)
        by_name: dict[str, Entity] = {}
        for entity in reversed(list(self._entities.values())):  # the first of a shared name wins
            by_name[fold(entity.name)] = entity
        nicknames = [
            (_name_words(nickname), by_name[fold(name)])
            for nickname, name in NICKNAMES.items()
            if fold(name) in by_name
        ]
        for words, entity in nicknames:
            table.add(words, entity, NICKNAME_SCORE)
        self._exact = table.targets({kind: rank for rank, kind in enumerate(KINDS)})
        self._vocabulary = frozenset(table.vocabulary | set(self._exact))
        self._named_things_words = _named_things_words(knowledge)
        fuzzy_keys = [key for key, target in self._exact.items() if target.fuzzy]
        self._fuzzy_keys = fuzzy_keys
        self._fuzzy_allowed = np.array([_allowed_edits(len(key)) for key in fuzzy_keys], dtype=np.int32)
        self._fuzzy_words = np.array([self._exact[key].words for key in fuzzy_keys], dtype=np.int32)
        # A character's one-word name or part cut short ("wrioth", "neuvil"): see `_clipped_candidates`.
        self._clippable = [
            key
            for key, target in self._exact.items()
            if target.words == 1 and target.entity.kind == "character" and len(key) >= MIN_CLIPPED_KEY
        ]
        self._max_span = max(max(target.words for target in self._exact.values()), MAX_ALIAS_WORDS)
        self._completions = [(_key(words), words, entity) for entity, words in names.items()]
        self._completions += [(_key(words), words, entity) for words, entity in nicknames]
        self._aliases: dict[str, Entity] = {}
        self.set_aliases(aliases or {})

    # Lookups

    def entity(self, key: str) -> Entity | None:
        """The entity with this key ("character:furina"), or None."""
        return self._entities.get(key)

    @property
    def entities(self) -> tuple[Entity, ...]:
        """Every entity the linker knows, in knowledge order."""
        return tuple(self._entities.values())

    # Aliases

    def set_aliases(self, aliases: Mapping[str, str]) -> None:
        """Replace the moderators' aliases (nickname -> entity key) in one assignment.

        The table is built aside and swapped in whole, so a linking thread sees the old table or
        the new one, never half of each. Aliases naming an unknown entity are skipped with a log
        line (the data may have dropped it), and so are aliases of more than MAX_ALIAS_WORDS words.
        """
        table: dict[str, Entity] = {}
        for nickname, key in aliases.items():
            entity = self._entities.get(key)
            alias_words = _name_words(nickname)
            if entity is None:
                log.warning("alias %r names unknown entity %r; ignored", nickname, key)
            elif len(alias_words) > MAX_ALIAS_WORDS:
                log.warning("alias %r is longer than %d words; ignored", nickname, MAX_ALIAS_WORDS)
            elif alias_words:
                table[_key(alias_words)] = entity
        self._aliases = table

    def shadowed_by(self, nickname: str) -> Entity | None:
        """The entity that `nickname` already links to exactly, by name, part, title or nickname.

        A moderator alias with such text would take a real name away from its entity.
        """
        target = self._exact.get(_key(_name_words(nickname)))
        return target.entity if target is not None else None

    # Linking

    def link(self, question: str) -> list[Mention]:
        """The entities `question` names, in question order, as best non-overlapping spans."""
        words = self._canonical(_words(question))
        if not words:
            return []
        aliases = self._aliases  # one read: a concurrent swap cannot change it mid-question
        candidates = self._exact_candidates(words, aliases)
        candidates += self._fuzzy_candidates(words, candidates)
        candidates += self._clipped_candidates(words, candidates)
        if any(word.norm in _FARMING_WORDS for word in words):
            candidates += self._bare_series_candidates(words)
        linked_words = {i for c in candidates for i in range(c.first, c.stop)}
        candidates = [c for c in candidates if not self._inside_made_up_name(c, words, linked_words)]
        chosen: list[_Candidate] = []
        taken: set[int] = set()
        for candidate in sorted(_widest_first(candidates), key=_priority):
            span = set(range(candidate.first, candidate.stop))
            if not span & taken:
                chosen.append(candidate)
                taken |= span
        chosen.sort(key=lambda c: c.first)
        mentions = []
        for c in chosen:
            start, end = words[c.first].start, words[c.stop - 1].end
            mentions.append(Mention(c.entity, start, end, question[start:end], round(float(c.score), 1)))
        return mentions

    def _bare_series_candidates(self, words: list[_Word]) -> list[_Candidate]:
        """A series' ordinary one-word name in a question about farming ("what day is justice"),
        also with one slip in a word that is not itself an ordinary word ("freedomm", not "good")."""
        found = []
        for index, word in enumerate(words):
            entity = self._bare_series.get(word.norm)
            if entity is None and len(word.norm) >= 5 and not is_ordinary(word.norm):
                entity = next(
                    (
                        series
                        for name, series in self._bare_series.items()
                        if name[0] == word.norm[0] and OSA.distance(name, word.norm, score_cutoff=1) <= 1
                    ),
                    None,
                )
            if entity is not None:
                found.append(_Candidate(entity, index, index + 1, SERIES_WORD_SCORE))
        return found

    def _canonical(self, words: list[_Word]) -> list[_Word]:
        """Words with a plural or possessive "s" dropped where that makes a known name word
        ("kazuhas" -> "kazuha", "wolfs" -> "wolf")."""
        out = []
        for word in words:
            norm = word.norm
            if norm not in self._vocabulary and norm.endswith("s") and norm[:-1] in self._vocabulary:
                word = _Word(norm[:-1], word.start, word.end, word.capitalised)
            out.append(word)
        return out

    def _spans(self, count: int) -> Iterator[tuple[int, int]]:
        for first in range(count):
            for stop in range(first + 1, min(count, first + self._max_span) + 1):
                yield first, stop

    def _exact_candidates(self, words: list[_Word], aliases: Mapping[str, Entity]) -> list[_Candidate]:
        found = []
        for first, stop in self._spans(len(words)):
            key = _key(w.norm for w in words[first:stop])
            target = self._exact.get(key)
            if target is not None:
                found.append(_Candidate(target.entity, first, stop, target.score))
            elif (entity := aliases.get(key)) is not None:
                found.append(_Candidate(entity, first, stop, NICKNAME_SCORE))
        return found

    def _fuzzy_candidates(self, words: list[_Word], exact: list[_Candidate]) -> list[_Candidate]:
        covered = {i for c in exact for i in range(c.first, c.stop)}
        spans, queries = [], []
        for first, stop in self._spans(len(words)):
            span = words[first:stop]
            if (span[0].norm in STOPWORDS and span[0].norm != "the") or span[-1].norm in STOPWORDS:
                continue
            if all(i in covered for i in range(first, stop)):
                continue
            if stop - first == 1 and (is_ordinary(span[0].norm) or any(ch.isdigit() for ch in span[0].norm)):
                continue
            query = _key(w.norm for w in span)
            spans.append((first, stop))
            queries.append(query)
            if query.endswith("s") and len(query) > 5:  # a possessive on a typo'd name ("kaveehs")
                spans.append((first, stop))
                queries.append(query[:-1])
        if not queries or not self._fuzzy_keys:
            return []
        distances = process.cdist(
            queries, self._fuzzy_keys, scorer=OSA.distance, score_cutoff=3, dtype=np.int32, workers=1
        )
        # A typo'd span may run words together but never adds one ("got wolfs gravestone").
        span_words = np.array([stop - first for first, stop in spans], dtype=np.int32)
        fits = (distances <= self._fuzzy_allowed[None, :]) & (span_words[:, None] <= self._fuzzy_words[None, :])
        distances = np.where(fits, distances, _NO_MATCH)
        found = []
        for row in np.nonzero(distances.min(axis=1) != _NO_MATCH)[0]:
            first, stop = spans[row]
            best = None
            for column in np.nonzero(distances[row] != _NO_MATCH)[0]:
                key = self._fuzzy_keys[column]
                if _extends(queries[row], key) or (len(key) <= 6 and queries[row][0] != key[0]):
                    continue  # a short name typo'd at its first letter is more often another word
                if len(key) == 4 and not (
                    _doubles_a_letter(queries[row], key) or _swaps_two_letters(queries[row], key)
                ):
                    continue  # any other slip in a four-letter name makes another name or word
                target = self._exact[key]
                score = target.score - FUZZY_PENALTY - 100.0 * distances[row, column] / len(key)
                if best is None or score > best.score:
                    best = _Candidate(target.entity, first, stop, score)
            if best is not None:
                found.append(best)
        return found

    def _clipped_candidates(self, words: list[_Word], found: list[_Candidate]) -> list[_Candidate]:
        """A word nothing else links that begins one character's long name or name part and keeps
        at least half of it ("wrioth", "neuvil"), when it is no ordinary word ("wander" is not the
        Wanderer)."""
        covered = {i for c in found for i in range(c.first, c.stop)}
        clipped = []
        for index, word in enumerate(words):
            typed = word.norm[:-1] if word.norm.endswith("s") else word.norm  # "wrioths": a possessive
            if index in covered or len(typed) < MIN_CLIPPED_WORD or not typed.isalpha() or is_ordinary(word.norm):
                continue
            keys = [key for key in self._clippable if key.startswith(typed) and 2 * len(typed) >= len(key)]
            owners = {self._exact[key].entity for key in keys}
            if len(owners) == 1:
                key = max(keys, key=len)
                score = self._exact[key].score - FUZZY_PENALTY - 100.0 * (len(key) - len(typed)) / len(key)
                clipped.append(_Candidate(owners.pop(), index, index + 1, score))
        return clipped

    def _inside_made_up_name(self, candidate: _Candidate, words: list[_Word], linked: set[int]) -> bool:
        """True when a neighbouring word continues the match into a longer name that links to
        nothing ("Amber Windmere", "Tomas the Gatekeeper")."""
        for index, step in ((candidate.first - 1, -1), (candidate.stop, 1)):
            if 0 <= index < len(words) and words[index].norm in _NAME_JOINERS:
                index += step
            if 0 <= index < len(words) and self._looks_like_name(words[index]) and index not in linked:
                return True
        return False

    def _looks_like_name(self, word: _Word) -> bool:
        """A word that may be part of a person's name: capitalised and not an ordinary word, or
        lowercase and not even a misspelt ordinary word ("windmere", not "elemnt")."""
        norm = word.norm
        known = norm in self._vocabulary or norm in self._named_things_words or is_ordinary(norm)
        if len(norm) < 3 or not norm.isalpha() or known:
            return False
        return word.capitalised or not near_ordinary(norm)

    # Autocomplete

    def complete(self, text: str, limit: int = 25) -> list[Entity]:
        """Entities whose name (or nickname, or alias) fits what was typed so far, best first.

        Names that start with the text come first, then names with a word that starts with it,
        then fuzzy matches; an empty text lists entities in knowledge order.
        """
        typed_words = _name_words(text)
        typed = _key(typed_words)
        if not typed:
            return list(self._entities.values())[:limit]
        rows = self._completions + [(key, (key,), entity) for key, entity in self._aliases.items()]
        ranked: dict[Entity, float] = {}

        def offer(entity: Entity, rank: float) -> None:
            if rank > ranked.get(entity, -1.0):
                ranked[entity] = rank

        for key, words, entity in rows:
            if key.startswith(typed):
                offer(entity, 300 - len(key) / 100)
            elif any(_key(words[i:]).startswith(typed) for i in range(1, len(words))):
                offer(entity, 200 - len(key) / 100)
        if len(ranked) < limit and len(typed) >= 3:
            keys = [key for key, _, _ in rows]
            for _, score, index in process.extract(
                typed, keys, scorer=fuzz.partial_ratio, score_cutoff=85, limit=limit * 2
            ):
                offer(rows[index][2], score)
        return sorted(ranked, key=lambda e: -ranked[e])[:limit]


def _priority(candidate: _Candidate) -> tuple[float, int]:
    """Best first: a higher score, and a wider span, whose extra words a shorter match inside it
    cannot explain ("trulla cemenntarii" is Keqing's constellation, not Xiangling's "Trulla")."""
    return (-(candidate.score + WIDER_SPAN_BONUS * (candidate.stop - candidate.first - 1)), candidate.first)


def _doubles_a_letter(typed: str, key: str) -> bool:
    """ "aiino" is "aino" with a letter typed twice."""
    return len(typed) == len(key) + 1 and any(
        typed[i] == typed[i - 1] and typed[:i] + typed[i + 1 :] == key for i in range(1, len(typed))
    )


def _swaps_two_letters(typed: str, key: str) -> bool:
    """ "alyo" is "aloy" with two neighbouring letters typed the wrong way round."""
    return len(typed) == len(key) and any(
        typed[:i] + typed[i + 1] + typed[i] + typed[i + 2 :] == key for i in range(len(typed) - 1)
    )


def _extends(typed: str, key: str) -> bool:
    """True when `typed` is `key` with two or more letters added at one end: another word built on
    the name ("Dilucson", "Xianglingly"), not a typo of it."""
    return len(typed) - len(key) >= 2 and (typed.startswith(key) or typed.endswith(key))


def _widest_first(candidates: list[_Candidate]) -> list[_Candidate]:
    """Each candidate scored at least as high as any candidate of the same entity inside its span,
    so "thriling tales of dragon slayers" (a typo'd full name) beats its exact part "tales of
    dragon slayers"."""
    lifted = []
    for outer in candidates:
        score = max(
            inner.score
            for inner in candidates
            if inner.entity == outer.entity and outer.first <= inner.first and inner.stop <= outer.stop
        )
        lifted.append(_Candidate(outer.entity, outer.first, outer.stop, score))
    return lifted


def _unique_parts(names: Mapping[Entity, tuple[str, ...]]) -> Iterator[tuple[tuple[str, ...], Entity]]:
    """Parts of a name that no other entity's name contains and that are not ordinary words: one
    word ("ayato", "homa") or the first or last words of a longer name ("foliar incision")."""
    runs: dict[Entity, set[tuple[str, ...]]] = {}
    for entity, words in names.items():
        singles = {(word,) for word in words}
        ends = {words[:stop] for stop in range(2, len(words))} | {words[first:] for first in range(1, len(words) - 1)}
        runs[entity] = (singles | ends) - {words}
    owners = Counter(run for entity_runs in runs.values() for run in entity_runs)
    for entity, entity_runs in runs.items():
        for run in entity_runs:
            if owners[run] != 1 or run[0] in STOPWORDS or run[-1] in STOPWORDS:
                continue
            if all(is_ordinary(word) for word in run):
                continue
            if len(run) == 1 and len(run[0]) < MIN_PART_LENGTH:
                continue
            yield run, entity


def _named_things_words(knowledge: Knowledge) -> set[str]:
    """The words of talent, passive, constellation and weapon-passive names: beside a character's
    name they are the thing asked about ("kirara pupillary variance"), not the rest of a made-up name."""
    names = [t.name for c in knowledge.characters for t in c.talents]
    names += [constellation.name for c in knowledge.characters for constellation in c.constellations]
    names += [w.passive_name for w in knowledge.weapons if w.passive_name]
    return {word for name in names for word in _name_words(name)}


def _other_forms(kind: str, record: Any) -> Iterator[tuple[str, ...]]:
    """Further full-name forms: "anemo traveler" for "Traveler (Anemo)"; for material series the
    item names ("Teachings of Freedom"), since a series' bare name is often an ordinary word
    ("Freedom", "Order") that must not link alone."""
    if match := re.fullmatch(r"(.+?)\s*\((.+)\)", record.name):
        yield _name_words(f"{match.group(2)} {match.group(1)}")
    if kind in ("talent_book", "weapon_material"):
        for item in record.items:
            yield _name_words(item)
