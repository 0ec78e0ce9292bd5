"""The game knowledge matches the real game, and data gaps stay gaps instead of becoming facts."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from assistant.knowledge import (
    ALTERNATE_SPRINT,
    ELEMENTAL_BURST,
    ELEMENTAL_SKILL,
    NORMAL_ATTACK,
    PASSIVE,
    Knowledge,
    clean_text,
    knowledge_from_json,
    load_knowledge,
)


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="module")
def raw() -> dict:
    resource = resources.files("genshin_data").joinpath("min/data_english.min.json")
    return json.loads(resource.read_text(encoding="utf-8"))


def test_counts_match_the_game_data(knowledge: Knowledge) -> None:
    assert len(knowledge.characters) == 70
    assert len(knowledge.weapons) == 154
    assert len(knowledge.artifact_sets) == 45


def test_hu_tao_is_a_five_star_pyro_polearm_user_from_liyue_born_july_15(knowledge: Knowledge) -> None:
    hu_tao = knowledge.character("Hu Tao")
    assert hu_tao is not None
    assert (hu_tao.element, hu_tao.weapon_type, hu_tao.region, hu_tao.rarity) == ("Pyro", "Polearm", "Liyue", 5)
    assert hu_tao.birthday == (7, 15)
    assert hu_tao.birthday_text == "July 15"
    assert hu_tao.title == "Fragrance in Thaw"
    assert hu_tao.constellation == "Papilio Charontis"
    assert hu_tao.affiliation == "Wangsheng Funeral Parlor"
    assert hu_tao.ascension_stat == "CRIT DMG"
    assert hu_tao.talent(ELEMENTAL_SKILL).name == "Guide to Afterlife"
    assert hu_tao.talent(ELEMENTAL_BURST).name == "Spirit Soother"


def test_diluc_is_a_pyro_claymore_user_from_mondstadt(knowledge: Knowledge) -> None:
    diluc = knowledge.character("diluc")
    assert (diluc.element, diluc.weapon_type, diluc.region) == ("Pyro", "Claymore", "Mondstadt")


def test_birthday_is_stored_day_first_and_read_as_month_day(knowledge: Knowledge) -> None:
    albedo = knowledge.character("albedo")
    assert albedo.birthday == (9, 13)
    assert albedo.birthday_text == "September 13"


def test_placeholder_constellation_is_skipped(knowledge: Knowledge) -> None:
    # The data has "???" for Zhongli's constellation; we must not present that as a name.
    assert knowledge.character("zhongli").constellation is None


def test_region_that_is_not_a_nation_is_dropped(knowledge: Knowledge) -> None:
    # Tartaglia's region is "Fatui" in the data: an organisation, not a region.
    assert knowledge.character("tartaglia").region is None
    assert knowledge.character("tartaglia").title == "Childe"


def test_placeholders_become_none(raw: dict) -> None:
    data = copy.deepcopy(raw)
    character = next(c for c in data["characters"] if c["id"] == "hu_tao")
    character.update(title="???", affiliation="None", constellation="", region="-", rarity=0, birthday=[None, None])
    hu_tao = knowledge_from_json(data).character("hu_tao")
    assert (hu_tao.title, hu_tao.affiliation, hu_tao.constellation) == (None, None, None)
    assert (hu_tao.region, hu_tao.rarity, hu_tao.birthday) == (None, None, None)
    assert hu_tao.element == "Pyro"


def test_travelers_have_distinct_names_and_no_invented_fields(knowledge: Knowledge) -> None:
    travelers = [c for c in knowledge.characters if c.id.startswith("traveler_")]
    assert {c.name for c in travelers} == {
        "Traveler (Anemo)", "Traveler (Dendro)", "Traveler (Electro)", "Traveler (Geo)"
    }
    for traveler in travelers:
        assert traveler.name == f"Traveler ({traveler.element})"
        assert traveler.birthday is None and traveler.region is None and traveler.affiliation is None


def test_every_character_has_one_normal_attack_skill_and_burst(knowledge: Knowledge) -> None:
    for character in knowledge.characters:
        kinds = [t.kind for t in character.talents]
        for kind in (NORMAL_ATTACK, ELEMENTAL_SKILL, ELEMENTAL_BURST):
            assert kinds.count(kind) == 1, (character.name, kinds)
        assert kinds.count(PASSIVE) >= 2


def test_talent_kind_comes_from_content_not_order(knowledge: Knowledge) -> None:
    # The data lists the Dendro Traveler's burst before the skill.
    traveler = knowledge.character("traveler_dendro")
    assert traveler.talent(ELEMENTAL_SKILL).name == "Razorgrass Blade"
    assert traveler.talent(ELEMENTAL_BURST).name == "Surgent Manifestation"
    ayaka = knowledge.character("kamisato ayaka")
    assert ayaka.talent(ELEMENTAL_SKILL).name == "Kamisato Art: Hyouka"
    assert ayaka.talent(ALTERNATE_SPRINT).name == "Kamisato Art: Senho"
    assert ayaka.talent(NORMAL_ATTACK).name == "Kamisato Art - Kabuki"


def test_passives_know_their_ascension_phase(knowledge: Knowledge) -> None:
    by_name = {t.name: t for t in knowledge.character("hu_tao").passives}
    assert by_name["Flutter By"].unlock_ascension == 1
    assert by_name["Sanguine Rouge"].unlock_ascension == 4
    assert by_name["The More the Merrier"].unlock_ascension is None


def test_descriptions_carry_no_html(knowledge: Knowledge) -> None:
    texts = [t.description for c in knowledge.characters for t in c.talents]
    texts += [w.passive_description or "" for w in knowledge.weapons]
    texts += [a.two_piece or "" for a in knowledge.artifact_sets]
    texts += [a.four_piece or "" for a in knowledge.artifact_sets]
    assert not [text for text in texts if "<" in text or ">" in text]


def test_clean_text_turns_headings_into_labels() -> None:
    raw = "<span>Charged Attack</span><br/>Consumes Stamina.<br/><br/>·Deals <span>Pyro DMG</span>."
    assert clean_text(raw) == "Charged Attack: Consumes Stamina. Deals Pyro DMG."
    assert clean_text("???") is None


def test_weapon_has_type_rarity_substat_and_refinement_one_passive(knowledge: Knowledge) -> None:
    homa = knowledge.weapon("Staff of Homa")
    assert (homa.type, homa.rarity, homa.substat, homa.passive_name) == ("Polearm", 5, "CRIT DMG", "Reckless Cinnabar")
    assert homa.passive_description.startswith("HP increased by 20%.")
    assert "/" not in homa.passive_description.split(".")[0]  # refinement 1 only, not "20%/25%/..."


def test_platform_note_is_kept_apart_from_the_passive(knowledge: Knowledge) -> None:
    predator = knowledge.weapon("predator")
    assert predator.platform == "PlayStation Network"
    assert predator.passive_description.startswith("Dealing Cryo DMG")


def test_low_rarity_weapons_have_no_substat_or_passive(knowledge: Knowledge) -> None:
    dull_blade = knowledge.weapon("dull_blade")
    assert dull_blade.rarity == 1
    assert dull_blade.substat is None and dull_blade.passive_name is None


def test_artifact_set_bonuses(knowledge: Knowledge) -> None:
    witch = knowledge.artifact_set("Crimson Witch of Flames")
    assert witch.two_piece == "Pyro DMG Bonus +15%"
    assert witch.four_piece.startswith("Increases Overloaded, Burning, and Burgeon DMG by 40%.")
    assert witch.max_rarity == 5
    prayers = knowledge.artifact_set("prayers_for_wisdom")
    assert prayers.one_piece and prayers.two_piece is None and prayers.four_piece is None


def test_characters_where_filters_on_every_attribute(knowledge: Knowledge) -> None:
    names = {c.name for c in knowledge.characters_where(element="Pyro", weapon_type="Claymore")}
    assert names == {"Dehya", "Diluc", "Xinyan"}
    assert knowledge.regions == ("Mondstadt", "Liyue", "Inazuma", "Sumeru")


def test_load_knowledge_is_cached() -> None:
    assert load_knowledge() is load_knowledge()
