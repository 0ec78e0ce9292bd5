"""Import genshin-db (the npm package's all-language data file) into Katheryne's knowledge snapshot.

    python -m training import-data genshin-db-5.2.12.tgz     # or the unpacked folder, or the JSON

The snapshot holds the records of assistant/knowledge.py already normalised, as JSON (gzip):
English only, the folders Katheryne uses, plain text with headings folded into their paragraph,
placeholders ("???", "——", "", 0) turned into null, and every material matched to its series.
Normalising here rather than at start-up keeps the meaning of genshin-db's fields in this one
module, makes the shipped file small (0.2 MB instead of 177 MB), and leaves the bot
only to turn JSON objects into dataclasses. The records are built as those very dataclasses, so
the snapshot's schema is defined once, by assistant/knowledge.py.

Reading the package is training/genshin_db_package.py's job; this module normalises. Rules taken
from the data, not guessed:
- Materials are told apart by their `typeText` ("Character Level-Up Material" is a boss drop in
  ascension costs and a weekly boss drop in talent costs; "Local Specialty (...)"; "Character
  Ascension Material" is the elemental gem) and grouped into series by their shared `sortRank`.
  A field whose costs name more than one candidate (the Traveler's talent books) stays None.
- A series' days are the items' `daysOfWeek`; its domain and region are the entrance and region
  of the domain the items drop from (`dropDomainId`).
- genshin-db keys talents and constellations of the Traveler by element ("travelerhydro"), and
  has Aether and Lumine as characters without element or talents. Both are kept as the data has
  them; each element with a skill and a burst in the data also becomes a character
  "Traveler (Hydro)" with those talents and constellations, and the fields Aether and Lumine
  share (weapon, rarity, ascension materials); fields where they differ (voice actor, gender)
  are None. A Traveler element with only a normal attack (an unreleased one) is left out.
- Passives: genshin-db lists the first-ascension passive first and the fourth-ascension one
  second; later ones are innate. The Ororon/Citlali "special jump" slot has no talent kind of ours
  and is left out.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.atomic import atomic_write
from assistant.knowledge import (
    ALTERNATE_SPRINT,
    ELEMENTAL_BURST,
    ELEMENTAL_SKILL,
    ELEMENTS,
    NORMAL_ATTACK,
    PASSIVE,
    REGIONS,
    SNAPSHOT_FORMAT,
    TALENT_BOOK,
    WEAPON_MATERIAL,
    WEAPON_TYPES,
    ArtifactSet,
    Character,
    Constellation,
    DataVersion,
    MaterialSeries,
    Talent,
    Weapon,
)
from training.genshin_db_package import Source, read_source

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "assistant" / "data" / "genshin_db.json.gz"

_COMBAT_SLOTS = (
    ("combat1", NORMAL_ATTACK),
    ("combat2", ELEMENTAL_SKILL),
    ("combatsp", ALTERNATE_SPRINT),
    ("combat3", ELEMENTAL_BURST),
)
_PASSIVE_UNLOCK = {"passive1": 1, "passive2": 4}
_PLACEHOLDER = re.compile(r"^[\s\-—–?.0]*$|^(none|null|n/a|tbd|tba)$", re.IGNORECASE)
_PLATFORM_NOTE = re.compile(r'^Effective only on the following platform:\s*"([^"]+)"\s*', re.IGNORECASE)
_SERIES_STOPWORDS = {"of", "the", "a", "an", "from", "to"}

BOSS_DROP = "Character Level-Up Material"
GEM = "Character Ascension Material"
COMMON = "Character and Weapon Enhancement Material"
LOCAL_SPECIALTY = "Local Specialty"
SERIES_TYPES = {"Character Talent Material": TALENT_BOOK, "Weapon Ascension Material": WEAPON_MATERIAL}


@dataclass(frozen=True)
class ImportReport:
    output: Path
    counts: dict[str, int]
    size_bytes: int
    version: DataVersion

    def summary(self) -> str:
        counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in self.counts.items())
        return (
            f"genshin-db {self.version.package_version} (game {self.version.game_version}): {counts}; "
            f"wrote {self.output} ({self.size_bytes / 1e6:.2f} MB)"
        )


# ---- values ----------------------------------------------------------------------------------


def text(value: Any) -> str | None:
    """A real one-line string value; None for placeholders ("???", "——", "", "0") and non-strings."""
    if not isinstance(value, str) or _PLACEHOLDER.match(value.strip()):
        return None
    return " ".join(value.split())


def clean_text(value: Any) -> str | None:
    """Plain description text: paragraphs on their own lines, whitespace collapsed within them.

    A short line without final punctuation that opens a paragraph is a heading
    ("Charged Attack\\nConsumes Stamina...") and becomes "Charged Attack: Consumes Stamina...".
    Bullets ("·") and emphasis marks ("**") are dropped. Placeholders give None.
    """
    if not isinstance(value, str):
        return None
    paragraphs = []
    for block in re.split(r"\n\s*\n", value.replace("\\n", "\n")):
        # "**" marks emphasis in some of genshin-db's plain text; it is markup, not text.
        lines = [" ".join(line.replace("**", "").strip().lstrip("·").split()) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if len(lines) > 1 and len(lines[0].split()) <= 6 and not re.search(r"[.!?:;,)\"]$", lines[0]):
            lines[:2] = [f"{lines[0]}: {lines[1]}"]
        if lines:
            paragraphs.append(" ".join(lines))
    joined = "\n".join(paragraphs)
    return None if _PLACEHOLDER.match(joined) else joined


def _one_of(value: Any, allowed: tuple[str, ...]) -> str | None:
    found = text(value)
    return found if found in allowed else None


def _rarity(value: Any) -> int | None:
    return value if isinstance(value, int) and 1 <= value <= 5 else None


def _birthday(value: Any) -> tuple[int, int] | None:
    """genshin-db's "birthdaymmdd" ("10/13") as (month, day); "0/0" and impossible dates give None."""
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})", value.strip()) if isinstance(value, str) else None
    if match is None:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    days_in_month = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    return (month, day) if 1 <= month <= 12 and 1 <= day <= days_in_month[month - 1] else None


def _the_one(values: Iterable[str | None]) -> str | None:
    """The single distinct value, or None when there is none or more than one."""
    distinct = {value for value in values if value}
    return distinct.pop() if len(distinct) == 1 else None


def common_words(names: Iterable[str]) -> str | None:
    """The longest run of words every name shares, trimmed of linking words and a final "'s".

    "Grain of Aerosiderite", "Chunk of Aerosiderite" -> "Aerosiderite";
    "Varunada Lazurite Sliver", "Varunada Lazurite Gemstone" -> "Varunada Lazurite".
    """
    names = list(dict.fromkeys(names))
    if not names:
        return None
    words = names[0].split()
    padded = [f" {name} " for name in names]
    for length in range(len(words), 0, -1):
        for start in range(len(words) - length + 1):
            run = words[start : start + length]
            if all(f" {' '.join(run)} " in name for name in padded):
                while run and run[0].lower() in _SERIES_STOPWORDS:
                    run = run[1:]
                while run and run[-1].lower() in _SERIES_STOPWORDS:
                    run = run[:-1]
                if run:
                    return re.sub(r"'s$", "", " ".join(run))
    return None


def _compact(name: str) -> str:
    """genshin-db's key for a name: lower case letters and digits only."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _icon(images: dict[str, Any], key: str, *fields: str) -> str | None:
    record = images.get(key) or {}
    return next((record[f] for f in fields if isinstance(record.get(f), str) and record[f].startswith("http")), None)


# ---- materials -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Materials:
    by_id: dict[Any, dict[str, Any]]  # keys are genshin-db's numeric ids, as JSON gives them
    series_of: dict[Any, MaterialSeries]  # item id -> its talent book or weapon material series
    series: tuple[MaterialSeries, ...]

    def type_of(self, item: dict[str, Any]) -> str:
        return (self.by_id.get(item.get("id")) or {}).get("typeText") or ""


def _materials(source: Source) -> _Materials:
    materials = source.folders.get("materials") or {}
    domains = {d.get("id"): d for d in (source.folders.get("domains") or {}).values()}
    named = {**(source.folders.get("talentmaterialtypes") or {}), **(source.folders.get("weaponmaterialtypes") or {})}
    by_id = {m["id"]: m for m in materials.values() if isinstance(m.get("id"), int)}
    groups: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for material in by_id.values():
        kind = SERIES_TYPES.get(material.get("typeText", ""))
        if kind and material.get("daysOfWeek") and isinstance(material.get("sortRank"), int):
            groups[(kind, material["sortRank"])].append(material)
    named_by_first_item = {v.get("2starname"): (k, v) for k, v in named.items() if isinstance(v, dict)}
    series_of: dict[Any, MaterialSeries] = {}
    all_series = []
    for (kind, _), items in sorted(groups.items()):
        items.sort(key=lambda m: (m.get("rarity") or 0, m["id"]))
        item_names = [m["name"] for m in items]
        # The data's own name for the series where it has one ("Mist Veiled Elixir"), else the
        # words its items share ("Teachings of Justice", "Guide to Justice" -> "Justice").
        key, entry = named_by_first_item.get(item_names[0], (None, {}))
        name = text(entry.get("name")) or common_words(item_names) or item_names[0]
        domain = domains.get(items[0].get("dropDomainId")) or {}
        series = MaterialSeries(
            id=key or _compact(name),
            name=name,
            kind=kind,
            days=tuple(items[0]["daysOfWeek"]),
            domain=text(domain.get("entranceName")),
            region=text(domain.get("regionName")),
            items=tuple(item_names),
        )
        all_series.append(series)
        series_of.update({m["id"]: series for m in items})
    return _Materials(by_id, series_of, tuple(all_series))


def _cost_items(costs: dict[str, Any] | None, levels: Iterable[str] | None = None) -> list[dict[str, Any]]:
    costs = costs or {}
    wanted = costs.keys() if levels is None else levels
    return [item for level in wanted for item in costs.get(level) or () if isinstance(item, dict)]


def _ascension_materials(costs: dict[str, Any] | None, materials: _Materials) -> dict[str, str | None]:
    items = _cost_items(costs)

    def of_type(prefix: str) -> list[dict[str, Any]]:
        return [item for item in items if materials.type_of(item).startswith(prefix)]

    gems = [item["name"] for item in of_type(GEM)]
    commons = sorted(of_type(COMMON), key=lambda item: materials.by_id[item["id"]].get("rarity") or 0)
    return {
        "boss_drop": _the_one(item["name"] for item in of_type(BOSS_DROP)),
        "local_specialty": _the_one(item["name"] for item in of_type(LOCAL_SPECIALTY)),
        "ascension_gem": common_words(gems) if len(set(gems)) > 1 else _the_one(gems),
        "common_material": commons[0]["name"] if commons else None,
    }


def _talent_materials(costs: dict[str, Any] | None, materials: _Materials) -> dict[str, str | None]:
    books = [materials.series_of.get(item.get("id")) for item in _cost_items(costs)]
    weekly = _cost_items(costs, ("lvl7", "lvl8", "lvl9", "lvl10"))
    return {
        "talent_book": _the_one(s.name for s in books if s and s.kind == TALENT_BOOK),
        "weekly_boss_drop": _the_one(i["name"] for i in weekly if materials.type_of(i) == BOSS_DROP),
    }


# ---- records ---------------------------------------------------------------------------------


def _talents(raw: dict[str, Any] | None) -> tuple[Talent, ...]:
    raw = raw or {}
    talents = []
    for slot, kind in _COMBAT_SLOTS:
        name = text((raw.get(slot) or {}).get("name"))
        if name:
            talents.append(Talent(name, kind, clean_text(raw[slot].get("description")) or "", slot))
    for slot in sorted(k for k in raw if re.fullmatch(r"passive\d+", k)):
        name = text((raw.get(slot) or {}).get("name"))
        if name:
            description = clean_text(raw[slot].get("description")) or ""
            talents.append(Talent(name, PASSIVE, description, slot, _PASSIVE_UNLOCK.get(slot)))
    return tuple(talents)


def _constellations(raw: dict[str, Any] | None) -> tuple[Constellation, ...]:
    raw = raw or {}
    found = []
    for level in range(1, 7):
        entry = raw.get(f"c{level}") or {}
        name, effect = text(entry.get("name")), clean_text(entry.get("description"))
        if name and effect:
            found.append(Constellation(level, name, effect))
    return tuple(found)


def _character(key: str, raw: dict[str, Any], source: Source, materials: _Materials) -> Character:
    talents = (source.folders.get("talents") or {}).get(key)
    return Character(
        id=key,
        name=text(raw.get("name")) or key,
        title=text(raw.get("title")),
        element=_one_of(raw.get("elementText"), ELEMENTS),
        weapon_type=_one_of(raw.get("weaponText"), WEAPON_TYPES),
        region=_one_of(raw.get("region"), REGIONS),
        rarity=_rarity(raw.get("rarity")),
        birthday=_birthday(raw.get("birthdaymmdd")),
        constellation=text(raw.get("constellation")),
        affiliation=text(raw.get("affiliation")),
        ascension_stat=text(raw.get("substatText")),
        gender=text(raw.get("gender")),
        description=clean_text(raw.get("description")),
        voice_actor=text((raw.get("cv") or {}).get("english")),
        talents=_talents(talents),
        constellations=_constellations((source.folders.get("constellations") or {}).get(key)),
        **_ascension_materials(raw.get("costs"), materials),
        **_talent_materials((talents or {}).get("costs"), materials),
        icon_url=_icon(source.images.get("characters") or {}, key, "mihoyo_icon"),
        release_version=text((source.versions.get("characters") or {}).get(key)),
    )


def _traveler_elements(characters: list[Character], source: Source, materials: _Materials) -> list[Character]:
    """One character per Traveler element with a skill and a burst in the data (see the module doc)."""
    forms = [c for c in characters if c.id in ("aether", "lumine")]
    if not forms:
        return []

    def shared(field: str) -> Any:
        values = {json.dumps(getattr(form, field)) for form in forms}
        return getattr(forms[0], field) if len(values) == 1 else None

    common = {f.name: shared(f.name) for f in dataclasses.fields(Character)}
    found = []
    for key, raw in sorted((source.folders.get("talents") or {}).items()):
        match = re.fullmatch(r"traveler(\w+)", key)
        element = next((e for e in ELEMENTS if match and e.lower() == match.group(1)), None)
        if element is None or not (raw.get("combat2") and raw.get("combat3")):
            continue
        found.append(
            Character(
                **{
                    **common,
                    "id": key,
                    "name": text(raw.get("name")) or f"Traveler ({element})",
                    "element": element,
                    "talents": _talents(raw),
                    "constellations": _constellations((source.folders.get("constellations") or {}).get(key)),
                    **_talent_materials(raw.get("costs"), materials),
                    "release_version": text((source.versions.get("talents") or {}).get(key)),
                }
            )
        )
    return found


def _weapon(key: str, raw: dict[str, Any], source: Source, materials: _Materials) -> Weapon:
    passive = (raw.get("r1") or {}).get("description")
    platform = None
    if isinstance(passive, str) and (match := _PLATFORM_NOTE.match(passive)):
        platform, passive = text(match.group(1)), passive[match.end() :]
    series = [materials.series_of.get(item.get("id")) for item in _cost_items(raw.get("costs"))]
    return Weapon(
        id=key,
        name=text(raw.get("name")) or key,
        type=_one_of(raw.get("weaponText"), WEAPON_TYPES),
        rarity=_rarity(raw.get("rarity")),
        substat=text(raw.get("mainStatText")),
        passive_name=text(raw.get("effectName")),
        passive_description=clean_text(passive),
        description=clean_text(raw.get("description")),
        ascension_material=_the_one(s.name for s in series if s and s.kind == WEAPON_MATERIAL),
        icon_url=_icon(source.images.get("weapons") or {}, key, "mihoyo_icon"),
        release_version=text((source.versions.get("weapons") or {}).get(key)),
        platform=platform,
    )


def _artifact_set(key: str, raw: dict[str, Any], source: Source) -> ArtifactSet:
    rarities = [r for r in raw.get("rarityList") or () if _rarity(r)]
    return ArtifactSet(
        id=key,
        name=text(raw.get("name")) or key,
        min_rarity=min(rarities, default=None),
        max_rarity=max(rarities, default=None),
        one_piece=clean_text(raw.get("effect1Pc")),
        two_piece=clean_text(raw.get("effect2Pc")),
        four_piece=clean_text(raw.get("effect4Pc")),
        icon_url=_icon(
            source.images.get("artifacts") or {},
            key,
            "mihoyo_flower",
            "mihoyo_plume",
            "mihoyo_sands",
            "mihoyo_goblet",
            "mihoyo_circlet",
        ),
        release_version=text((source.versions.get("artifacts") or {}).get(key)),
    )


def build_snapshot(source: Source) -> dict[str, Any]:
    """The snapshot document: format, provenance and every record as JSON-ready dicts, by name."""
    materials = _materials(source)
    folder = source.folders.get
    characters = [_character(k, raw, source, materials) for k, raw in (folder("characters") or {}).items()]
    characters += _traveler_elements(characters, source, materials)
    return {
        "format": SNAPSHOT_FORMAT,
        "version": dataclasses.asdict(source.version),
        "characters": _by_name(characters),
        "weapons": _by_name([_weapon(k, raw, source, materials) for k, raw in (folder("weapons") or {}).items()]),
        "artifact_sets": _by_name([_artifact_set(k, raw, source) for k, raw in (folder("artifacts") or {}).items()]),
        "talent_books": _by_name([s for s in materials.series if s.kind == TALENT_BOOK]),
        "weapon_materials": _by_name([s for s in materials.series if s.kind == WEAPON_MATERIAL]),
    }


def _by_name(records: Sequence[Character | Weapon | ArtifactSet | MaterialSeries]) -> list[dict[str, Any]]:
    """JSON-ready records in name order, so a snapshot diff shows what changed, not reordering.

    One record per name: the stages of a quest weapon ("Prized Isshin Blade" three times, passives
    differing in a clause) are one weapon to a player, and a name must name one record for linking
    and for the questions asked about it. The first id stands for them.
    """
    ordered = sorted(records, key=lambda r: (r.name.casefold(), r.id))
    first = {r.name.casefold(): r for r in reversed(ordered)}
    return [dataclasses.asdict(r) for r in ordered if first[r.name.casefold()] is r]


def write_snapshot(snapshot: dict[str, Any], output: Path) -> int:
    """Write gzip'd compact JSON atomically; returns its size. Reproducible but for imported_at."""
    payload = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    compressed = gzip.compress(payload, compresslevel=9, mtime=0)
    with atomic_write(output) as handle:
        handle.write(compressed)
    return len(compressed)


def import_data(
    path: Path, output: Path = DEFAULT_OUTPUT, package_version: str | None = None, game_version: str | None = None
) -> ImportReport:
    """Read a genshin-db package and write Katheryne's knowledge snapshot from it."""
    source = read_source(path, package_version, game_version)
    snapshot = build_snapshot(source)
    size = write_snapshot(snapshot, output)
    counts = {
        name: len(snapshot[name])
        for name in ("characters", "weapons", "artifact_sets", "talent_books", "weapon_materials")
    }
    return ImportReport(output, counts, size, source.version)
