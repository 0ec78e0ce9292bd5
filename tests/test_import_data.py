"""`python -m training import-data` turns a genshin-db package into the snapshot Katheryne reads."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tarfile
from datetime import datetime
from pathlib import Path

import pytest

from assistant.knowledge import ELEMENTAL_BURST, ELEMENTAL_SKILL, NORMAL_ATTACK, Knowledge, load_knowledge
from training.import_data import clean_text, common_words

REPOSITORY = Path(__file__).resolve().parent.parent


def _cost(*items: tuple[int, str]) -> list[dict]:
    return [{"id": 202, "name": "Mora", "count": 1000}] + [{"id": i, "name": n, "count": 3} for i, n in items]


def _talent(name: str, description: str) -> dict:
    return {"name": name, "description": description, "descriptionRaw": f"<color=#FFD780FF>{description}</color>"}


MATERIALS = {
    "mora": {"id": 202, "name": "Mora", "typeText": "Common Currency"},
    "teachingsofjustice": {
        "id": 104341,
        "name": "Teachings of Justice",
        "rarity": 2,
        "sortRank": 13114,
        "typeText": "Character Talent Material",
        "dropDomainId": 4490,
        "daysOfWeek": ["Tuesday", "Friday", "Sunday"],
    },
    "guidetojustice": {
        "id": 104342,
        "name": "Guide to Justice",
        "rarity": 3,
        "sortRank": 13114,
        "typeText": "Character Talent Material",
        "dropDomainId": 4491,
        "daysOfWeek": ["Tuesday", "Friday", "Sunday"],
    },
    "waterthatfailedtotranscend": {
        "id": 113057,
        "name": "Water That Failed To Transcend",
        "rarity": 4,
        "typeText": "Character Level-Up Material",
    },
    "lightlessmass": {"id": 113056, "name": "Lightless Mass", "rarity": 5, "typeText": "Character Level-Up Material"},
    "lakelightlily": {"id": 101238, "name": "Lakelight Lily", "typeText": "Local Specialty (Fontaine)"},
    "varunadalazuritesliver": {
        "id": 104121,
        "name": "Varunada Lazurite Sliver",
        "rarity": 2,
        "typeText": "Character Ascension Material",
    },
    "varunadalazuritefragment": {
        "id": 104122,
        "name": "Varunada Lazurite Fragment",
        "rarity": 3,
        "typeText": "Character Ascension Material",
    },
    "shimmeringnectar": {
        "id": 112039,
        "name": "Shimmering Nectar",
        "rarity": 2,
        "typeText": "Character and Weapon Enhancement Material",
    },
    "whopperflowernectar": {
        "id": 112038,
        "name": "Whopperflower Nectar",
        "rarity": 1,
        "typeText": "Character and Weapon Enhancement Material",
    },
    "grainofaerosiderite": {
        "id": 114021,
        "name": "Grain of Aerosiderite",
        "rarity": 2,
        "sortRank": 15106,
        "typeText": "Weapon Ascension Material",
        "dropDomainId": 5222,
        "daysOfWeek": ["Wednesday", "Saturday", "Sunday"],
    },
    "chunkofaerosiderite": {
        "id": 114024,
        "name": "Chunk of Aerosiderite",
        "rarity": 5,
        "sortRank": 15106,
        "typeText": "Weapon Ascension Material",
        "dropDomainId": 5222,
        "daysOfWeek": ["Wednesday", "Saturday", "Sunday"],
    },
}

FURINA = {
    "id": 10000089,
    "name": "Furina",
    "title": "Endless Solo of Solitude",
    "description": "The absolute focus of the stage of judgment,\nuntil the final applause sounds.",
    "weaponText": "Sword",
    "gender": "Female",
    "rarity": 5,
    "birthdaymmdd": "10/13",
    "birthday": "October 13",
    "elementText": "Hydro",
    "affiliation": "Court of Fontaine",
    "region": "Fontaine",
    "substatText": "CRIT Rate",
    "constellation": "Animula Choragi",
    "cv": {"english": "Amber Lee Connors", "japanese": "Minase Inori"},
    "costs": {
        # Listed gem, boss drop, specialty, common: the importer must go by material type, not position.
        "ascend1": _cost(
            (112039, "Shimmering Nectar"), (101238, "Lakelight Lily"), (104121, "Varunada Lazurite Sliver")
        ),
        "ascend2": _cost(
            (104122, "Varunada Lazurite Fragment"),
            (113057, "Water That Failed To Transcend"),
            (101238, "Lakelight Lily"),
            (112038, "Whopperflower Nectar"),
        ),
    },
}

# A character with a field missing (no "region") and placeholders in others.
PLACEHOLDERS = {
    "id": 10000999,
    "name": "Neuvillette",
    "title": "???",
    "description": "",
    "weaponText": "Catalyst",
    "gender": "Male",
    "rarity": 0,
    "birthdaymmdd": "0/0",
    "birthday": "November 30",
    "elementText": "Hydro",
    "affiliation": "——",
    "substatText": "CRIT Rate",
    "constellation": "???",
    "cv": {"english": "—"},
    "costs": {},
}

AETHER = {
    "id": 10000005,
    "name": "Aether",
    "title": "",
    "description": "A traveler from another world.",
    "weaponText": "Sword",
    "gender": "Male",
    "rarity": 5,
    "birthdaymmdd": "",
    "elementText": "None",
    "region": "",
    "constellation": "Viator",
    "cv": {"english": "Zach Aguilar"},
    "costs": {},
}

TALENTS = {
    "furina": {
        "name": "Furina",
        "combat1": _talent(
            "Soloist's Solicitation",
            "Normal Attack\nPerforms up to 4 consecutive strikes.\n\nCharged Attack\nConsumes Stamina.",
        ),
        "combat2": _talent("Salon Solitaire", "Invites the guests of the **Salon Solitaire**."),
        "combat3": _talent("Let the People Rejoice", "Rouses the impulse to revel."),
        "passive1": _talent("Endless Waltz", "Heals nearby party members."),
        "passive2": _talent("Unheard Confession", "Buffs the Salon Solitaire."),
        "passive3": _talent("The Sea Is My Stage", "Aberrant ability CD decreased by 30%."),
        "costs": {
            "lvl2": _cost((104341, "Teachings of Justice")),
            "lvl7": _cost((104342, "Guide to Justice"), (113056, "Lightless Mass")),
        },
    },
    "travelerhydro": {
        "name": "Traveler (Hydro)",
        "combat1": _talent("Foreign Stream", "Normal Attack\nPerforms up to 5 rapid strikes."),
        "combat2": _talent("Aquacrest Saber", "Unleashes a torrent."),
        "combat3": _talent("Rising Waters", "Calls forth rising waters."),
        "passive1": _talent("Tides of Justice", "Heals."),
        "costs": {},
    },
    # An element the data only has a normal attack for: not a Traveler form yet.
    "travelercryo": {"name": "Traveler (Cryo)", "combat1": _talent("Foreign Frost", "Strikes."), "costs": {}},
}

DATA = {
    "data": {
        "English": {
            "characters": {"furina": FURINA, "neuvillette": PLACEHOLDERS, "aether": AETHER},
            "talents": TALENTS,
            "constellations": {
                "furina": {
                    f"c{n}": {"name": f'"Constellation {n}"', "description": f"Effect {n}."} for n in range(1, 7)
                },
            },
            "weapons": {
                "staffofhoma": {
                    "name": "Staff of Homa",
                    "weaponText": "Polearm",
                    "rarity": 5,
                    "mainStatText": "CRIT DMG",
                    "description": 'A "firewood staff".',
                    "effectName": "Reckless Cinnabar",
                    "r1": {"description": "HP increased by 20%."},
                    "r2": {"description": "HP increased by 25%."},
                    "costs": {
                        "ascend1": _cost((114021, "Grain of Aerosiderite")),
                        "ascend6": _cost((114024, "Chunk of Aerosiderite")),
                    },
                },
                # A later stage of the same quest weapon: one record per name is kept, the first id.
                "staffofhoma-01": {"name": "Staff of Homa", "weaponText": "Polearm", "rarity": 5},
                "predator": {
                    "name": "Predator",
                    "weaponText": "Bow",
                    "rarity": 4,
                    "mainStatText": "ATK",
                    "effectName": "Strong Strike",
                    "r1": {
                        "description": 'Effective only on the following platform: \n"PlayStation Network"\n'
                        "Dealing Cryo DMG increases DMG."
                    },
                },
            },
            "artifacts": {
                "emblemofseveredfate": {
                    "name": "Emblem of Severed Fate",
                    "rarityList": [4, 5],
                    "effect2Pc": "Energy Recharge +20%",
                    "effect4Pc": "Increases Elemental Burst DMG by 25% of Energy Recharge.",
                },
            },
            "materials": MATERIALS,
            "domains": {
                "engravingi": {"id": 4490, "entranceName": "Pale Forgotten Glory", "regionName": "Fontaine"},
                "engravingii": {"id": 4491, "entranceName": "Pale Forgotten Glory", "regionName": "Fontaine"},
                "thunder": {"id": 5222, "entranceName": "Hidden Palace of Lianshan Formula", "regionName": "Liyue"},
            },
        },
        "German": {"characters": {"furina": {**FURINA, "title": "Endloses Solo der Einsamkeit"}}},
    },
    "image": {"characters": {"furina": {"mihoyo_icon": "https://example.org/furina.png"}}},
    "version": {"characters": {"furina": "4.2"}, "talents": {"travelerhydro": "4.0"}},
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A genshin-db package folder: package.json, LICENSE and src/min/data.min.json."""
    root = tmp_path_factory.mktemp("genshin-db") / "package"
    (root / "src" / "min").mkdir(parents=True)
    (root / "src" / "min" / "data.min.json").write_text(json.dumps(DATA), encoding="utf-8")
    (root / "package.json").write_text(
        json.dumps({"name": "genshin-db", "version": "9.1.0", "description": "Genshin Impact v7.1 JSON data."})
    )
    (root / "LICENSE").write_text("MIT License\n\nCopyright (c) 2020 theBowja\n\nPermission is hereby granted...\n")
    return root


@pytest.fixture(scope="module")
def tgz(package: Path) -> Path:
    archive = package.parent / "genshin-db-9.1.0.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(package, arcname="package")
    return archive


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "training", "import-data", *map(str, args)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def imported(tgz: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tgz.parent / "snapshot.json.gz"
    return run_cli(tgz, "--out", out), out


@pytest.fixture(scope="module")
def knowledge(imported: tuple[subprocess.CompletedProcess[str], Path]) -> Knowledge:
    result, out = imported
    assert result.returncode == 0, result.stderr
    return load_knowledge(out)


def test_cli_reports_what_it_wrote(imported: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, out = imported
    assert result.returncode == 0, result.stderr
    assert "genshin-db 9.1.0 (game 7.1): 4 characters, 2 weapons, 1 artifact sets" in result.stdout
    assert str(out) in result.stdout


def test_provenance_is_read_back(knowledge: Knowledge, package: Path) -> None:
    version = knowledge.version
    data = (package / "src" / "min" / "data.min.json").read_bytes()
    assert (version.source, version.package_version, version.game_version) == ("genshin-db", "9.1.0", "7.1")
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.license == "MIT License, Copyright (c) 2020 theBowja"
    assert datetime.fromisoformat(version.imported_at).tzinfo is not None


def test_character_fields_come_from_the_english_data(knowledge: Knowledge) -> None:
    furina = knowledge.character("furina")
    assert (furina.name, furina.title) == ("Furina", "Endless Solo of Solitude")  # not the German title
    assert (furina.element, furina.weapon_type, furina.region, furina.rarity) == ("Hydro", "Sword", "Fontaine", 5)
    assert furina.birthday == (10, 13) and furina.voice_actor == "Amber Lee Connors"
    assert furina.description == "The absolute focus of the stage of judgment, until the final applause sounds."
    assert (furina.icon_url, furina.release_version) == ("https://example.org/furina.png", "4.2")
    assert [c.name for c in furina.constellations][0] == '"Constellation 1"'
    assert [c.level for c in furina.constellations] == [1, 2, 3, 4, 5, 6]


def test_materials_are_matched_by_type_not_position(knowledge: Knowledge) -> None:
    furina = knowledge.character("Furina")
    assert furina.boss_drop == "Water That Failed To Transcend"
    assert furina.local_specialty == "Lakelight Lily"
    assert furina.ascension_gem == "Varunada Lazurite"
    assert furina.common_material == "Whopperflower Nectar"  # the lowest tier, though listed second
    assert furina.talent_book == "Justice"
    assert furina.weekly_boss_drop == "Lightless Mass"


def test_talents_have_kinds_and_clean_text(knowledge: Knowledge) -> None:
    furina = knowledge.character("furina")
    assert furina.talent(NORMAL_ATTACK).description == (
        "Normal Attack: Performs up to 4 consecutive strikes.\nCharged Attack: Consumes Stamina."
    )
    assert furina.talent(ELEMENTAL_SKILL).description == "Invites the guests of the Salon Solitaire."
    assert furina.talent(ELEMENTAL_BURST).name == "Let the People Rejoice"
    assert [(t.name, t.unlock_ascension) for t in furina.passives] == [
        ("Endless Waltz", 1),
        ("Unheard Confession", 4),
        ("The Sea Is My Stage", None),
    ]


def test_placeholders_and_missing_fields_become_none(knowledge: Knowledge) -> None:
    neuvillette = knowledge.character("neuvillette")
    assert neuvillette.element == "Hydro"
    assert (neuvillette.title, neuvillette.constellation, neuvillette.affiliation) == (None, None, None)
    assert (neuvillette.voice_actor, neuvillette.description, neuvillette.rarity) == (None, None, None)
    assert neuvillette.birthday is None  # "0/0", though the text field claims November 30
    assert neuvillette.region is None  # the field is missing altogether
    assert (neuvillette.talents, neuvillette.talent_book, neuvillette.boss_drop) == ((), None, None)


def test_travelers_keep_their_data_and_get_one_record_per_element(knowledge: Knowledge) -> None:
    aether = knowledge.character("aether")
    assert (aether.element, aether.title, aether.region, aether.talents) == (None, None, None, ())
    hydro = knowledge.character("Traveler (Hydro)")
    assert (hydro.id, hydro.element, hydro.weapon_type, hydro.rarity) == ("travelerhydro", "Hydro", "Sword", 5)
    assert hydro.talent(ELEMENTAL_SKILL).name == "Aquacrest Saber"
    assert hydro.release_version == "4.0"
    assert knowledge.character("travelercryo") is None  # only a normal attack in the data


def test_weapon_series_and_platform_note(knowledge: Knowledge) -> None:
    homa = knowledge.weapon("Staff of Homa")
    assert (homa.type, homa.rarity, homa.substat, homa.passive_name) == ("Polearm", 5, "CRIT DMG", "Reckless Cinnabar")
    assert homa.passive_description == "HP increased by 20%."
    assert homa.ascension_material == "Aerosiderite"
    assert [w.id for w in knowledge.weapons if w.name == "Staff of Homa"] == ["staffofhoma"]
    predator = knowledge.weapon("predator")
    assert predator.platform == "PlayStation Network"
    assert predator.passive_description == "Dealing Cryo DMG increases DMG."
    assert predator.ascension_material is None


def test_material_series_know_their_days_domain_and_region(knowledge: Knowledge) -> None:
    justice = knowledge.talent_book("justice")
    assert justice.items == ("Teachings of Justice", "Guide to Justice")
    assert (justice.days, justice.domain, justice.region) == (
        ("Tuesday", "Friday", "Sunday"),
        "Pale Forgotten Glory",
        "Fontaine",
    )
    aerosiderite = knowledge.weapon_material("Chunk of Aerosiderite")
    assert (aerosiderite.name, aerosiderite.region) == ("Aerosiderite", "Liyue")


def test_artifact_set_bonuses(knowledge: Knowledge) -> None:
    emblem = knowledge.artifact_set("emblem of severed fate")
    assert (emblem.two_piece, emblem.one_piece, emblem.min_rarity, emblem.max_rarity) == (
        "Energy Recharge +20%",
        None,
        4,
        5,
    )


def test_tgz_folder_and_json_give_the_same_records(package: Path, tgz: Path, tmp_path: Path) -> None:
    folder_out, json_out = tmp_path / "folder.json.gz", tmp_path / "json.json.gz"
    assert run_cli(package, "--out", folder_out).returncode == 0
    assert run_cli(package / "src" / "min" / "data.min.json", "--out", json_out).returncode == 0
    from_folder, from_json = load_knowledge(folder_out), load_knowledge(json_out)
    assert from_folder.characters == from_json.characters
    assert from_folder.version.sha256 == from_json.version.sha256


def test_bare_json_needs_the_package_version(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    data.write_text(json.dumps(DATA))
    result = run_cli(data, "--out", tmp_path / "out.json.gz")
    assert result.returncode == 2
    assert "--package-version" in result.stderr and "Traceback" not in result.stderr
    result = run_cli(data, "--out", tmp_path / "out.json.gz", "--package-version", "9.1.0", "--game-version", "7.1")
    assert result.returncode == 0, result.stderr
    assert load_knowledge(tmp_path / "out.json.gz").version.game_version == "7.1"


def test_a_file_that_is_not_genshin_db_is_refused_in_one_line(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"characters": []}')
    result = run_cli(other, "--package-version", "1.0", "--out", tmp_path / "out.json.gz")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("is not genshin-db data: it has no data.English")


def test_clean_text_folds_headings_and_keeps_paragraphs() -> None:
    raw = "Press\nSends a Torrent Surge forward.\n·Deals **Hydro DMG**.\n\nHold\nEnter Aiming Mode."
    assert clean_text(raw) == "Press: Sends a Torrent Surge forward. Deals Hydro DMG.\nHold: Enter Aiming Mode."
    assert clean_text("A sentence that ends.\nAnother line.") == "A sentence that ends. Another line."
    for placeholder in ("???", "", "  ", "——", "0", None, 0):
        assert clean_text(placeholder) is None


def test_common_words_name_a_series() -> None:
    assert common_words(["Tile of Decarabian's Tower", "Debris of Decarabian's City"]) == "Decarabian"
    assert common_words(["Teachings of Justice", "Guide to Justice", "Philosophies of Justice"]) == "Justice"
    assert common_words(["Varunada Lazurite Sliver", "Varunada Lazurite Gemstone"]) == "Varunada Lazurite"
    assert common_words(["Mora", "Lakelight Lily"]) is None
