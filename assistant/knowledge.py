"""Genshin Impact game knowledge, read from the snapshot that `python -m training import-data` writes.

The snapshot (`assistant/data/genshin_db.json.gz`, shipped with the package) holds records that the
importer has already normalised from genshin-db: plain English text, placeholders ("???", "——",
"") turned into null, materials matched to their series. Reading it is therefore only a matter of
turning JSON objects into the frozen dataclasses below, so start-up stays fast and the rules about
what the raw data means live in one place (training/import_data.py). A snapshot of another game
version can be used instead by passing its path (the bot's `KNOWLEDGE_PATH` setting).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

ELEMENTS = ("Anemo", "Cryo", "Dendro", "Electro", "Geo", "Hydro", "Pyro")
WEAPON_TYPES = ("Bow", "Catalyst", "Claymore", "Polearm", "Sword")
# The nations a character can hail from; anything else in the data's `region` is dropped.
REGIONS = ("Mondstadt", "Liyue", "Inazuma", "Sumeru", "Fontaine", "Natlan", "Nod-Krai", "Snezhnaya")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

NORMAL_ATTACK = "Normal Attack"
ELEMENTAL_SKILL = "Elemental Skill"
ELEMENTAL_BURST = "Elemental Burst"
ALTERNATE_SPRINT = "Alternate Sprint"
PASSIVE = "Passive Talent"

TALENT_BOOK = "talent_book"
WEAPON_MATERIAL = "weapon_material"

# Bumped whenever a record gains, loses or renames a field, so an old snapshot fails loudly.
SNAPSHOT_FORMAT = 1
SNAPSHOT_RESOURCE = "genshin_db.json.gz"


class SnapshotError(ValueError):
    """The knowledge snapshot is missing, unreadable or of another format."""


@dataclass(frozen=True)
class Talent:
    """One combat or passive talent.

    `kind` is one of NORMAL_ATTACK, ELEMENTAL_SKILL, ELEMENTAL_BURST, ALTERNATE_SPRINT or PASSIVE.
    `id` is genshin-db's slot for it within the character ("combat2", "passive1").
    `unlock_ascension` is the ascension phase (1 or 4) that unlocks a passive; None for passives a
    character has from the start and for combat talents.
    """

    name: str
    kind: str
    description: str
    id: str = ""
    unlock_ascension: int | None = None


@dataclass(frozen=True)
class Constellation:
    level: int  # 1..6
    name: str
    effect: str


@dataclass(frozen=True)
class Character:
    """A playable character. Fields the data leaves blank or fills with a placeholder are None.

    The Traveler appears as Aether and Lumine (element None: they can resonate with several) and
    once per element they have talents for ("Traveler (Hydro)", id "travelerhydro").
    Ascension materials are names as the game writes them; `ascension_gem` is the gem's series
    ("Varunada Lazurite") and `common_material` the lowest tier of the enemy drop.
    """

    id: str
    name: str
    title: str | None
    element: str | None
    weapon_type: str | None
    region: str | None
    rarity: int | None
    birthday: tuple[int, int] | None  # (month, day)
    constellation: str | None
    affiliation: str | None
    ascension_stat: str | None
    gender: str | None
    description: str | None
    voice_actor: str | None  # English
    talents: tuple[Talent, ...]
    constellations: tuple[Constellation, ...]
    talent_book: str | None
    boss_drop: str | None
    local_specialty: str | None
    ascension_gem: str | None
    common_material: str | None
    weekly_boss_drop: str | None
    icon_url: str | None
    release_version: str | None

    def talent(self, kind: str) -> Talent | None:
        """The first talent of `kind` (a character has one of each combat kind)."""
        return next((t for t in self.talents if t.kind == kind), None)

    @property
    def passives(self) -> tuple[Talent, ...]:
        return tuple(t for t in self.talents if t.kind == PASSIVE)

    @property
    def birthday_text(self) -> str | None:
        """Birthday as people write it, e.g. "July 15"."""
        if self.birthday is None:
            return None
        month, day = self.birthday
        return f"{MONTHS[month - 1]} {day}"


@dataclass(frozen=True)
class Weapon:
    id: str
    name: str
    type: str | None
    rarity: int | None
    substat: str | None  # None for 1- and 2-star weapons, which have none
    passive_name: str | None
    passive_description: str | None  # refinement 1
    description: str | None
    ascension_material: str | None  # weapon material series name, e.g. "Guyun"
    icon_url: str | None
    release_version: str | None
    platform: str | None = None  # the passive only works on this platform (two PlayStation weapons)


@dataclass(frozen=True)
class ArtifactSet:
    id: str
    name: str
    min_rarity: int | None
    max_rarity: int | None
    one_piece: str | None  # the single-circlet "Prayers" sets have only this bonus
    two_piece: str | None
    four_piece: str | None
    icon_url: str | None
    release_version: str | None


@dataclass(frozen=True)
class MaterialSeries:
    """Talent books ("Justice") or weapon ascension materials ("Guyun"), lowest tier first.

    `days` are the weekdays the series' domain offers it, as the data lists them (Sunday is in
    every series'); `domain` is the domain's name on the map and `region` the nation it lies in.
    """

    id: str
    name: str
    kind: str  # TALENT_BOOK or WEAPON_MATERIAL
    days: tuple[str, ...]
    domain: str | None
    region: str | None
    items: tuple[str, ...]


@dataclass(frozen=True)
class DataVersion:
    """Where the knowledge came from, for /help, answer footers and bug reports."""

    source: str  # "genshin-db"
    package_version: str  # "5.2.12"
    game_version: str  # "6.7"
    sha256: str  # of the source data file
    license: str
    imported_at: str  # ISO 8601, UTC


Record = TypeVar("Record", Character, Weapon, ArtifactSet, MaterialSeries)


@dataclass(frozen=True)
class _Index(Generic[Record]):
    """Records by id, by name, and by name without spaces or punctuation, all case-insensitive."""

    records: tuple[Record, ...]
    extra_names: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def by_key(self) -> dict[str, Record]:
        index: dict[str, Record] = {}
        record: Record
        for record in self.records:
            for name in (record.id, record.name, *self.extra_names.get(record.id, ())):
                for key in (_normal(name), _compact(name)):
                    index.setdefault(key, record)  # the first record keeps a shared name
        return index

    def find(self, key: str) -> Record | None:
        return self.by_key.get(_normal(key)) or self.by_key.get(_compact(key))


def _normal(text: str) -> str:
    return " ".join(text.casefold().replace("_", " ").split())


def _compact(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@dataclass(frozen=True)
class Knowledge:
    """Everything Katheryne knows about the game, with lookups by id or name."""

    characters: tuple[Character, ...]
    weapons: tuple[Weapon, ...]
    artifact_sets: tuple[ArtifactSet, ...]
    talent_books: tuple[MaterialSeries, ...]
    weapon_materials: tuple[MaterialSeries, ...]
    version: DataVersion

    @cached_property
    def _indexes(self) -> dict[str, _Index[Any]]:
        return {
            "character": _Index(self.characters),
            "weapon": _Index(self.weapons),
            "artifact_set": _Index(self.artifact_sets),
            # A series is also found by any of its items ("Guide to Justice" -> Justice).
            "talent_book": _Index(self.talent_books, {s.id: s.items for s in self.talent_books}),
            "weapon_material": _Index(self.weapon_materials, {s.id: s.items for s in self.weapon_materials}),
        }

    def character(self, key: str) -> Character | None:
        """Character by id ("hutao") or name, case-insensitively ("hu tao", "Hu Tao")."""
        return self._indexes["character"].find(key)

    def weapon(self, key: str) -> Weapon | None:
        return self._indexes["weapon"].find(key)

    def artifact_set(self, key: str) -> ArtifactSet | None:
        return self._indexes["artifact_set"].find(key)

    def talent_book(self, key: str) -> MaterialSeries | None:
        """Talent book series by id, name ("Justice") or one of its books ("Guide to Justice")."""
        return self._indexes["talent_book"].find(key)

    def weapon_material(self, key: str) -> MaterialSeries | None:
        return self._indexes["weapon_material"].find(key)

    def characters_where(
        self,
        *,
        element: str | None = None,
        weapon_type: str | None = None,
        region: str | None = None,
        rarity: int | None = None,
    ) -> tuple[Character, ...]:
        """Characters matching every given attribute, in snapshot order (by name)."""
        return tuple(
            c
            for c in self.characters
            if (element is None or c.element == element)
            and (weapon_type is None or c.weapon_type == weapon_type)
            and (region is None or c.region == region)
            and (rarity is None or c.rarity == rarity)
        )

    @property
    def regions(self) -> tuple[str, ...]:
        """Regions that at least one character comes from, in REGIONS order."""
        present = {c.region for c in self.characters}
        return tuple(r for r in REGIONS if r in present)


def _character(raw: dict[str, Any]) -> Character:
    birthday = raw["birthday"]
    return Character(
        **{
            **raw,
            "birthday": tuple(birthday) if birthday else None,
            "talents": tuple(Talent(**t) for t in raw["talents"]),
            "constellations": tuple(Constellation(**c) for c in raw["constellations"]),
        }
    )


def _series(raw: dict[str, Any]) -> MaterialSeries:
    return MaterialSeries(**{**raw, "days": tuple(raw["days"]), "items": tuple(raw["items"])})


def knowledge_from_snapshot(snapshot: dict[str, Any]) -> Knowledge:
    """Knowledge from a parsed snapshot; SnapshotError when it is of another format."""
    found = snapshot.get("format") if isinstance(snapshot, dict) else None
    if found != SNAPSHOT_FORMAT:
        raise SnapshotError(
            f"knowledge snapshot format {found!r} is not the supported {SNAPSHOT_FORMAT}; "
            "re-run `python -m training import-data` with this version of Katheryne"
        )
    try:
        return Knowledge(
            characters=tuple(_character(raw) for raw in snapshot["characters"]),
            weapons=tuple(Weapon(**raw) for raw in snapshot["weapons"]),
            artifact_sets=tuple(ArtifactSet(**raw) for raw in snapshot["artifact_sets"]),
            talent_books=tuple(_series(raw) for raw in snapshot["talent_books"]),
            weapon_materials=tuple(_series(raw) for raw in snapshot["weapon_materials"]),
            version=DataVersion(**snapshot["version"]),
        )
    except (KeyError, TypeError) as error:
        raise SnapshotError(f"knowledge snapshot is damaged: {error}") from error


def read_snapshot(path: str | Path | None = None) -> dict[str, Any]:
    """The parsed snapshot at `path` (gzip or plain JSON), or the one shipped with Katheryne."""
    if path is None:
        data = resources.files("assistant").joinpath("data", SNAPSHOT_RESOURCE).read_bytes()
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise SnapshotError(f"cannot read knowledge snapshot {path}: {error.strerror or error}") from error
    try:
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return json.loads(data)
    except (OSError, EOFError, ValueError) as error:
        raise SnapshotError(f"knowledge snapshot {path or SNAPSHOT_RESOURCE} is not readable JSON: {error}") from error


def load_knowledge(path: str | Path | None = None) -> Knowledge:
    """The game knowledge from the snapshot at `path`, or the shipped one; parsed once per path."""
    return _load(None if path is None else str(Path(path).resolve()))


@lru_cache(maxsize=4)
def _load(path: str | None) -> Knowledge:
    return knowledge_from_snapshot(read_snapshot(path))
