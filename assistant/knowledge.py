"""Genshin Impact game knowledge, read from the `genshin-data` package's English JSON.

Only the JSON resource is read (not the package's pydantic models), so loading is fast and the
records here are our own frozen dataclasses. The raw data mixes real values with placeholders
("???", "None", "-", 0, [null, null]) and a few values that are not what the field promises
(Tartaglia's region is "Fatui", an organisation). Those become None: an answer we cannot back with
data is better left out than invented.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

ELEMENTS = ("Anemo", "Cryo", "Dendro", "Electro", "Geo", "Hydro", "Pyro")
WEAPON_TYPES = ("Bow", "Catalyst", "Claymore", "Polearm", "Sword")
# The nations a character can hail from in this data set; anything else in `region` is dropped.
REGIONS = ("Mondstadt", "Liyue", "Inazuma", "Sumeru", "Fontaine", "Natlan", "Snezhnaya")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

NORMAL_ATTACK = "Normal Attack"
ELEMENTAL_SKILL = "Elemental Skill"
ELEMENTAL_BURST = "Elemental Burst"
ALTERNATE_SPRINT = "Alternate Sprint"
PASSIVE = "Passive Talent"

_DATA_RESOURCE = "min/data_english.min.json"
_PLACEHOLDERS = {"", "???", "none", "null", "-", "n/a"}
_PLATFORM_NOTE = re.compile(r'^Effective only on the following platform:\s*"([^"]+)"\s*', re.IGNORECASE)


@dataclass(frozen=True)
class Talent:
    """One combat or passive talent.

    `kind` is one of NORMAL_ATTACK, ELEMENTAL_SKILL, ELEMENTAL_BURST, ALTERNATE_SPRINT or PASSIVE.
    `unlock_ascension` is the ascension phase (1 or 4) that unlocks a passive, None for passives
    every character has from the start and for combat talents.
    """

    id: str
    name: str
    kind: str
    description: str
    unlock_ascension: int | None = None


@dataclass(frozen=True)
class Character:
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
    talents: tuple[Talent, ...]

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
    substat: str | None
    passive_name: str | None
    passive_description: str | None  # refinement 1
    platform: str | None  # passive only works on this platform (two PlayStation weapons)
    description: str | None


@dataclass(frozen=True)
class ArtifactSet:
    id: str
    name: str
    min_rarity: int | None
    max_rarity: int | None
    one_piece: str | None  # the single-circlet "Prayers" sets have only this bonus
    two_piece: str | None
    four_piece: str | None


@dataclass(frozen=True)
class Knowledge:
    """Everything Katheryne knows about the game, with lookups by id or name."""

    characters: tuple[Character, ...]
    weapons: tuple[Weapon, ...]
    artifact_sets: tuple[ArtifactSet, ...]

    def character(self, key: str) -> Character | None:
        """Character by id ("hu_tao") or name, case-insensitively ("hu tao")."""
        return _find(self.characters, key)

    def weapon(self, key: str) -> Weapon | None:
        return _find(self.weapons, key)

    def artifact_set(self, key: str) -> ArtifactSet | None:
        return _find(self.artifact_sets, key)

    def characters_where(
        self,
        *,
        element: str | None = None,
        weapon_type: str | None = None,
        region: str | None = None,
        rarity: int | None = None,
    ) -> tuple[Character, ...]:
        """Characters matching every given attribute, in data order (alphabetical by id)."""
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


def _find(records: Iterable[Any], key: str) -> Any:
    wanted = " ".join(key.lower().replace("_", " ").split())
    for record in records:
        if wanted in (record.id.replace("_", " "), record.name.lower()):
            return record
    return None


def clean_text(raw: str | None) -> str | None:
    """Plain text from the data's HTML-ish descriptions, or None when nothing is left.

    A short line without final punctuation followed by a line break is a heading
    ("<span>Charged Attack</span><br/>Consumes ..."); it becomes "Charged Attack: Consumes ...".
    Bullets ("·") are dropped and lines joined with spaces.
    """
    if raw is None:
        return None
    text = re.sub(r"<br\s*/?>", "\n", raw)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    lines = [line.strip().lstrip("·").strip() for line in text.split("\n")]
    lines = [" ".join(line.split()) for line in lines if line.strip()]
    parts: list[str] = []
    for index, line in enumerate(lines):
        is_heading = (
            index + 1 < len(lines) and len(line.split()) <= 5 and not re.search(r"[.!?:;,)\"]$", line)
        )
        parts.append(line + (":" if is_heading else ""))
    cleaned = " ".join(parts).strip()
    return None if _is_placeholder(cleaned) else cleaned


def _is_placeholder(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() in _PLACEHOLDERS
    return False


def _text(value: Any) -> str | None:
    """A real string value, with stray wrapping quotes removed ('"The Red Strings"')."""
    if _is_placeholder(value) or not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if len(text) > 2 and text[0] == text[-1] == '"' and text.count('"') == 2:
        text = text[1:-1]
    return text


def _one_of(value: Any, allowed: tuple[str, ...]) -> str | None:
    text = _text(value)
    return text if text in allowed else None


def _rarity(value: Any) -> int | None:
    return value if isinstance(value, int) and 1 <= value <= 5 else None


def _birthday(value: Any) -> tuple[int, int] | None:
    """The data stores [day, month]; we keep (month, day) and reject impossible dates."""
    if not isinstance(value, list) or len(value) != 2:
        return None
    day, month = value
    if not (isinstance(day, int) and isinstance(month, int)):
        return None
    days_in_month = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    if not (1 <= month <= 12 and 1 <= day <= days_in_month[month - 1]):
        return None
    return (month, day)


def _combat_kind(skill: dict[str, Any]) -> str:
    """Tell a skill entry's kind from its content; list order alone is not reliable.

    Normal attacks are named "Normal Attack: ...", bursts are the only entries with an
    "Energy Cost" attribute, alternate sprints (Ayaka, Mona) open with that heading, and what is
    left is the Elemental Skill. (The Dendro Traveler lists the burst before the skill.)
    """
    labels = {attribute.get("label", "") for attribute in skill.get("attributes") or ()}
    if skill["name"].startswith(NORMAL_ATTACK + ":"):
        return NORMAL_ATTACK
    if "Energy Cost" in labels:
        return ELEMENTAL_BURST
    if (skill.get("description") or "").startswith(f"<span>{ALTERNATE_SPRINT}</span>"):
        return ALTERNATE_SPRINT
    return ELEMENTAL_SKILL


def _talents(raw: dict[str, Any]) -> tuple[Talent, ...]:
    talents: list[Talent] = []
    for skill in raw.get("skills") or ():
        kind = _combat_kind(skill)
        name = skill["name"].removeprefix(NORMAL_ATTACK + ":").strip()
        talents.append(Talent(skill["id"], name, kind, clean_text(skill.get("description")) or ""))
    # Keep a canonical order (normal, skill, sprint, burst) whatever order the data uses.
    order = (NORMAL_ATTACK, ELEMENTAL_SKILL, ALTERNATE_SPRINT, ELEMENTAL_BURST)
    talents.sort(key=lambda t: order.index(t.kind))
    for passive in raw.get("passives") or ():
        level = passive.get("level")
        talents.append(
            Talent(
                passive["id"],
                _text(passive["name"]) or passive["id"],
                PASSIVE,
                clean_text(passive.get("description")) or "",
                level if level in (1, 4) else None,
            )
        )
    return tuple(talents)


def _character(raw: dict[str, Any]) -> Character:
    return Character(
        id=raw["id"],
        name=raw["name"],
        title=_text(raw.get("title")),
        element=_one_of(raw.get("element"), ELEMENTS),
        weapon_type=_one_of(raw.get("weapon_type"), WEAPON_TYPES),
        region=_one_of(raw.get("region"), REGIONS),
        rarity=_rarity(raw.get("rarity")),
        birthday=_birthday(raw.get("birthday")),
        constellation=_text(raw.get("constellation")),
        affiliation=_text(raw.get("affiliation")),
        ascension_stat=_text(raw.get("substat")),
        gender=_text(raw.get("gender")),
        description=clean_text(raw.get("description")),
        talents=_talents(raw),
    )


def _weapon(raw: dict[str, Any]) -> Weapon:
    refinements = raw.get("refinements") or []
    passive = clean_text(refinements[0].get("desc")) if refinements else None
    platform = None
    if passive and (match := _PLATFORM_NOTE.match(passive)):
        platform = match.group(1)
        passive = passive[match.end():] or None
    return Weapon(
        id=raw["id"],
        name=raw["name"],
        type=_one_of(raw.get("type"), WEAPON_TYPES),
        rarity=_rarity(raw.get("rarity")),
        substat=_text((raw.get("stats") or {}).get("secondary")),
        passive_name=_text(raw.get("passive")),
        passive_description=passive,
        platform=platform,
        description=clean_text(raw.get("description")),
    )


def _artifact_set(raw: dict[str, Any]) -> ArtifactSet:
    return ArtifactSet(
        id=raw["id"],
        name=raw["name"],
        min_rarity=_rarity(raw.get("min_rarity")),
        max_rarity=_rarity(raw.get("max_rarity")),
        one_piece=clean_text(raw.get("one_pc")),
        two_piece=clean_text(raw.get("two_pc")),
        four_piece=clean_text(raw.get("four_pc")),
    )


def knowledge_from_json(data: dict[str, Any]) -> Knowledge:
    """Build Knowledge from the parsed English data file (split out so tests can feed variants)."""
    return Knowledge(
        characters=tuple(_character(raw) for raw in data["characters"]),
        weapons=tuple(_weapon(raw) for raw in data["weapons"]),
        artifact_sets=tuple(_artifact_set(raw) for raw in data["artifacts"]),
    )


@lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    """The game knowledge from the installed genshin-data package (parsed once per process)."""
    resource = resources.files("genshin_data").joinpath(_DATA_RESOURCE)
    return knowledge_from_json(json.loads(resource.read_text(encoding="utf-8")))
