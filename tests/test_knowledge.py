"""The shipped game knowledge (genshin-db 5.2.12, game 6.7) matches the real game, and gaps stay gaps."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from assistant.knowledge import (
    ALTERNATE_SPRINT,
    ELEMENTAL_BURST,
    ELEMENTAL_SKILL,
    NORMAL_ATTACK,
    PASSIVE,
    TALENT_BOOK,
    WEAPON_MATERIAL,
    Knowledge,
    SnapshotError,
    load_knowledge,
    read_snapshot,
)


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


def test_counts_and_provenance_of_the_shipped_data(knowledge: Knowledge) -> None:
    # 120 genshin-db characters plus the six Traveler elements with a skill and a burst.
    assert len(knowledge.characters) == 126
    assert (len(knowledge.weapons), len(knowledge.artifact_sets)) == (235, 61)
    assert (len(knowledge.talent_books), len(knowledge.weapon_materials)) == (21, 21)
    version = knowledge.version
    assert (version.source, version.package_version, version.game_version) == ("genshin-db", "5.2.12", "6.7")
    assert len(version.sha256) == 64 and version.license.startswith("MIT License")


def test_furina(knowledge: Knowledge) -> None:
    furina = knowledge.character("Furina")
    assert (furina.element, furina.weapon_type, furina.region, furina.rarity) == ("Hydro", "Sword", "Fontaine", 5)
    assert (furina.title, furina.constellation) == ("Endless Solo of Solitude", "Animula Choragi")
    assert furina.birthday_text == "October 13"
    assert furina.voice_actor == "Amber Lee Connors"
    assert (furina.boss_drop, furina.local_specialty) == ("Water That Failed To Transcend", "Lakelight Lily")
    assert (furina.ascension_gem, furina.common_material) == ("Varunada Lazurite", "Whopperflower Nectar")
    assert (furina.talent_book, furina.weekly_boss_drop) == ("Justice", "Lightless Mass")
    assert furina.talent(ELEMENTAL_SKILL).name == "Salon Solitaire"
    assert furina.talent(ELEMENTAL_BURST).name == "Let the People Rejoice"
    assert [c.level for c in furina.constellations] == [1, 2, 3, 4, 5, 6]
    assert furina.icon_url.startswith("https://") and furina.release_version == "4.2"


def test_furinas_talent_book_is_justice_on_tuesday_friday_sunday(knowledge: Knowledge) -> None:
    justice = knowledge.talent_book(knowledge.character("furina").talent_book)
    assert justice.kind == TALENT_BOOK
    assert justice.days == ("Tuesday", "Friday", "Sunday")
    assert justice.items == ("Teachings of Justice", "Guide to Justice", "Philosophies of Justice")
    assert justice.region == "Fontaine"
    assert knowledge.talent_book("Guide to Justice") is justice


def test_hu_tao(knowledge: Knowledge) -> None:
    hu_tao = knowledge.character("hu tao")
    assert hu_tao is knowledge.character("hutao")
    assert (hu_tao.element, hu_tao.weapon_type, hu_tao.region, hu_tao.rarity) == ("Pyro", "Polearm", "Liyue", 5)
    assert hu_tao.birthday == (7, 15) and hu_tao.constellation == "Papilio Charontis"
    assert hu_tao.talent_book == "Diligence"
    assert hu_tao.talent(ELEMENTAL_SKILL).name == "Guide to Afterlife"
    assert [(t.name, t.unlock_ascension) for t in hu_tao.passives] == [
        ("Flutter By", 1),
        ("Sanguine Rouge", 4),
        ("The More the Merrier", None),
    ]


def test_staff_of_homa(knowledge: Knowledge) -> None:
    homa = knowledge.weapon("Staff of Homa")
    assert (homa.type, homa.rarity, homa.substat, homa.passive_name) == ("Polearm", 5, "CRIT DMG", "Reckless Cinnabar")
    assert homa.passive_description.startswith("HP increased by 20%.")  # refinement 1, not 25%
    assert homa.ascension_material == "Aerosiderite"
    aerosiderite = knowledge.weapon_material("aerosiderite")
    assert aerosiderite.kind == WEAPON_MATERIAL
    assert (aerosiderite.days, aerosiderite.region) == (("Wednesday", "Saturday", "Sunday"), "Liyue")


def test_platform_note_is_kept_apart_from_the_passive(knowledge: Knowledge) -> None:
    predator = knowledge.weapon("Predator")
    assert predator.platform and "PlayStation" in predator.platform
    assert predator.passive_description.startswith("Dealing Cryo DMG")


def test_low_rarity_weapons_have_no_substat_or_passive(knowledge: Knowledge) -> None:
    dull_blade = knowledge.weapon("Dull Blade")
    assert dull_blade.rarity == 1 and dull_blade.substat is None and dull_blade.passive_name is None


def test_artifact_sets(knowledge: Knowledge) -> None:
    emblem = knowledge.artifact_set("Emblem of Severed Fate")
    assert emblem.two_piece == "Energy Recharge +20%"
    assert emblem.four_piece.startswith("Increases Elemental Burst DMG by 25% of Energy Recharge.")
    prayers = knowledge.artifact_set("prayersforwisdom")
    assert prayers.one_piece and prayers.two_piece is None and prayers.four_piece is None


def test_placeholders_stay_gaps(knowledge: Knowledge) -> None:
    # genshin-db has "???" for Neuvillette's constellation name and "—" for Aloy's English voice.
    assert knowledge.character("Neuvillette").constellation is None
    assert knowledge.character("Aloy").voice_actor is None


def test_travelers(knowledge: Knowledge) -> None:
    for name in ("Aether", "Lumine"):
        traveler = knowledge.character(name)
        assert (traveler.element, traveler.weapon_type, traveler.talents) == (None, "Sword", ())
    hydro = knowledge.character("Traveler (Hydro)")
    assert (hydro.element, hydro.weapon_type, hydro.region) == ("Hydro", "Sword", None)
    assert hydro.talent(ELEMENTAL_SKILL).name == "Aquacrest Saber"
    assert hydro.talent_book is None  # the Traveler's talents use three series
    assert {c.name for c in knowledge.characters if c.id.startswith("traveler")} == {
        f"Traveler ({e})" for e in ("Anemo", "Dendro", "Electro", "Geo", "Hydro", "Pyro")
    }


def test_every_character_with_a_burst_has_one_of_each_combat_kind(knowledge: Knowledge) -> None:
    for character in knowledge.characters:
        kinds = [t.kind for t in character.talents]
        if ELEMENTAL_BURST in kinds:
            assert [kinds.count(k) for k in (NORMAL_ATTACK, ELEMENTAL_SKILL, ELEMENTAL_BURST)] == [1, 1, 1], character
            assert kinds.count(PASSIVE) >= 2, character.name
    assert knowledge.character("Kamisato Ayaka").talent(ALTERNATE_SPRINT).name == "Kamisato Art: Senho"


def test_text_is_plain(knowledge: Knowledge) -> None:
    texts = [t.description for c in knowledge.characters for t in c.talents]
    texts += [c.effect for c in knowledge.characters for c in c.constellations]
    texts += [w.passive_description or "" for w in knowledge.weapons]
    texts += [a.four_piece or "" for a in knowledge.artifact_sets]
    assert not [text for text in texts if any(mark in text for mark in ("<", ">", "**", "\\n", "  "))]


def test_characters_where_and_regions(knowledge: Knowledge) -> None:
    names = {c.name for c in knowledge.characters_where(element="Pyro", weapon_type="Claymore", region="Mondstadt")}
    assert names == {"Diluc"}
    assert {"Furina", "Neuvillette"} <= {c.name for c in knowledge.characters_where(region="Fontaine", rarity=5)}
    assert knowledge.regions[:6] == ("Mondstadt", "Liyue", "Inazuma", "Sumeru", "Fontaine", "Natlan")


def test_load_knowledge_is_cached_per_path(tmp_path: Path) -> None:
    assert load_knowledge() is load_knowledge()
    snapshot = read_snapshot()
    snapshot["characters"] = [c for c in snapshot["characters"] if c["id"] == "furina"]
    snapshot["version"]["game_version"] = "9.9"
    path = tmp_path / "other.json.gz"
    path.write_bytes(gzip.compress(json.dumps(snapshot).encode()))
    other = load_knowledge(path)
    assert other is load_knowledge(str(path))
    assert [c.name for c in other.characters] == ["Furina"] and other.version.game_version == "9.9"
    assert len(load_knowledge().characters) == 126


def test_a_snapshot_of_another_format_is_refused(tmp_path: Path) -> None:
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"format": 0, "characters": []}))
    with pytest.raises(SnapshotError, match="format 0"):
        load_knowledge(old)
    with pytest.raises(SnapshotError, match="cannot read"):
        load_knowledge(tmp_path / "missing.json.gz")
