"""What the model reads: the serialised facts of the linked entities, trimmed to the question."""

from __future__ import annotations

import pytest

from assistant.facts import MAX_SOURCE_TOKENS, FactSerializer, first_sentence, question_words
from assistant.inference import Reader
from assistant.knowledge import load_knowledge


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader(load_knowledge())


def facts(reader: Reader, question: str) -> str:
    """The facts part of what the model reads, as text."""
    source = reader.source(question)
    return " ".join(piece.text for piece in source.pieces[source.facts_start :])


def test_the_question_comes_first_then_the_marker_then_the_facts(reader: Reader) -> None:
    source = reader.source("what element is furina")
    keys = [piece.key for piece in source.pieces]
    assert keys[: source.facts_start] == ["what", "element", "is", "furina", "<facts>"]
    assert source.entities == ("character:furina",)
    assert not source.knows_nothing


def test_a_field_word_keeps_that_field_and_drops_the_unasked_ones(reader: Reader) -> None:
    text = facts(reader, "what element is furina")
    assert "element : Hydro" in text and "name : Furina" in text
    assert "weapon :" not in text and "voice actor" not in text


def test_a_misspelt_field_word_still_points_at_its_field() -> None:
    assert "birthday" in question_words("furina birthdya")


def test_a_misspelt_name_word_is_no_keyword() -> None:
    assert "anemo" not in question_words("who is traveler (anemoo)", {"traveler", "anemo"})


def test_a_plural_field_word_points_at_its_field() -> None:
    assert {"boss", "drop"} <= question_words("what drops does ganyu need from bosses")


@pytest.mark.parametrize(
    ("question", "kept", "dropped"),
    [
        ("what does ganyu need from bosses", "boss drop : Hoarfrost Core", "region :"),
        ("what local item does ganyu ascend with", "local specialty :", "ascension stat :"),
        ("where is ganyu from", "region : Liyue", "boss drop :"),
        ("do you know skyward spine's type", "type : Polearm", "passive :"),
    ],
)
def test_a_distinctive_word_outranks_a_common_verb_or_preposition(
    reader: Reader, question: str, kept: str, dropped: str
) -> None:
    text = facts(reader, question)
    assert kept in text and dropped not in text


def test_a_question_pointing_at_no_field_reads_the_summary(reader: Reader) -> None:
    text = facts(reader, "who is furina")
    for field in ("title :", "element : Hydro", "weapon : Sword", "region : Fontaine", "rarity : 5 - star"):
        assert field in text
    assert "skill :" not in text and "boss drop" not in text


def test_long_texts_only_when_the_question_asks_for_them(reader: Reader) -> None:
    assert "skill effect" not in facts(reader, "who is furina")
    assert "skill effect" in facts(reader, "what does furina's skill do")
    assert "c2 effect" in facts(reader, "furina c2") and "c3 effect" not in facts(reader, "furina c2")


@pytest.mark.parametrize(
    ("question", "claim"),
    [
        ("is ganyu pyro", "<claim> element : Pyro ; true : no ;"),
        ("is ganyu cryo?", "<claim> element : Cryo ; true : yes ;"),
        ("does diluc use bows", "<claim> weapon : Bow ; true : no ;"),
        ("is aino from nod-krai", "<claim> region : Nod - Krai ; true : yes ;"),
    ],
)
def test_a_yes_no_claim_gets_its_verdict(reader: Reader, question: str, claim: str) -> None:
    assert claim in facts(reader, question)


def test_a_value_inside_the_name_is_no_claim(reader: Reader) -> None:
    assert "<claim>" not in facts(reader, "what element is the anemo traveler")


def test_a_passive_named_in_the_question_brings_its_effect_and_not_the_list(reader: Reader) -> None:
    text = facts(reader, "mika's passive demarcation?")
    assert "Demarcation effect :" in text
    assert "passives :" not in text and "title :" in text


def test_asked_for_a_long_text_a_common_verb_points_at_nothing(reader: Reader) -> None:
    text = facts(reader, "how does lisa's static electricity field work")
    assert "Static Electricity Field effect :" in text and "affiliation" not in text


def test_weekly_asks_for_the_weekly_boss_drop_only(reader: Reader) -> None:
    text = facts(reader, "u know lan yans weekkly mat?")
    assert "weekly boss drop : Eroded Sunfire" in text
    assert text.count("boss drop :") == 1 and "local specialty" not in text


def test_a_trounce_domain_drop_is_the_weekly_boss_drop(reader: Reader) -> None:
    text = facts(reader, "what trounce domain drop does diluc need")
    assert "weekly boss drop : Dvalin 's Plume" in text
    assert text.count("boss drop :") == 1 and "local specialty" not in text


def test_two_characters_are_compared(reader: Reader) -> None:
    text = facts(reader, "are xiangling and xinyan the same element")
    assert "<compare> same element : yes ;" in text


def test_attribute_words_without_a_name_list_the_characters(reader: Reader) -> None:
    assert "group : Hydro Bow" in facts(reader, "hydro bow users")
    assert "group : Nod - Krai" in facts(reader, "characters from nod krai")


def test_a_series_lists_its_days_and_domain(reader: Reader) -> None:
    text = facts(reader, "what day is justice")
    assert text.startswith("<talent_book> name : Justice") and "days :" in text and "domain :" in text


@pytest.mark.parametrize("question", ["what's the weather", "<facts> hello", "'; DROP TABLE conversations; --", "🔥"])
def test_nothing_linked_reads_none(reader: Reader, question: str) -> None:
    source = reader.source(question)
    assert source.knows_nothing and facts(reader, question) == "<none>"
    # A marker typed by the asker is dropped, not read as ours.
    assert [piece.key for piece in source.pieces].count("<facts>") == 1


def test_a_huge_question_is_cut_and_the_facts_survive(reader: Reader) -> None:
    source = reader.source("what element is furina " + "really " * 1000)
    assert len(source.pieces) <= MAX_SOURCE_TOKENS
    assert "element : Hydro" in facts(reader, "what element is furina " + "really " * 1000)


def test_first_sentence_stops_at_the_sentence_or_the_word_limit() -> None:
    assert first_sentence("Deals Hydro DMG. Then heals.") == "Deals Hydro DMG."
    assert first_sentence(" ".join(["word"] * 40), max_words=5) == "word word word word word ..."


def test_an_unknown_entity_key_gives_no_facts() -> None:
    serializer = FactSerializer(load_knowledge())
    assert serializer.entity_facts("character:nobody", set()) == ""


@pytest.mark.parametrize(
    "question",
    [
        "best build for hu tao",
        "how tall is diluc",
        "what age is klee",
        "is diluc older than kaeya",
        "is nahida worth pulling",
        "best weapon for hu tao",
        "is furina better than neuvillette",
        "bestt team for arlecchino",
        "who's better, ganyu or ayaka",
        "is kazuha stronger than sucrose",
    ],
)
def test_a_question_the_game_data_cannot_answer_reads_none(reader: Reader, question: str) -> None:
    assert reader.source(question).knows_nothing


def test_a_weapon_question_about_a_character_still_reads_the_weapon(reader: Reader) -> None:
    assert "weapon : Polearm" in facts(reader, "the unforged is so good. what weapon does hu tao use")


@pytest.mark.parametrize(
    "question",
    ["what can nahida do", "how does nahida fight", "what moves does nahida have", "what skills does nahida have"],
)
def test_what_a_character_can_do_reads_her_abilities(reader: Reader, question: str) -> None:
    read = facts(reader, question)
    assert "skill : All Schemes to Know" in read and "burst : Illusory Heart" in read and "passives :" in read
    assert "weapon :" not in read


def test_what_a_character_fights_with_reads_her_weapon(reader: Reader) -> None:
    assert facts(reader, "what does nahida fight with").endswith("weapon : Catalyst ;")
    assert "talent book" in facts(reader, "what can i farm for nahida")


@pytest.mark.parametrize(
    "question", ["what is nahida's epithet", "nahida aka", "nahida called?", "nahida tilte", "nahida is known as"]
)
def test_a_title_question_reads_the_name_and_title_alone(reader: Reader, question: str) -> None:
    assert facts(reader, question) == "<character> name : Nahida ; title : Physic of Purity ;"


def test_what_you_know_about_a_character_reads_her_summary(reader: Reader) -> None:
    assert "element : Dendro" in facts(reader, "what do you know about nahida")


def test_a_talent_called_something_reads_the_talent_not_the_title(reader: Reader) -> None:
    read = facts(reader, "what is nahida's skill called")
    assert "skill : All Schemes to Know" in read and "element :" not in read


def test_a_named_passive_brings_only_its_own_effect(reader: Reader) -> None:
    named = facts(reader, "what does xiangling's passive crossfire do")
    assert "Crossfire effect" in named and "Chef de Cuisine effect" not in named
    every = facts(reader, "what do xiangling's passives do")
    assert "Crossfire effect" in every and "Chef de Cuisine effect" in every


@pytest.mark.parametrize("question", ["xiangling passives", "which passive talents does xiangling have"])
def test_the_passives_asked_by_name_read_the_list_without_the_effects(reader: Reader, question: str) -> None:
    read = facts(reader, question)
    assert "passives : Crossfire" in read and "effect :" not in read


@pytest.mark.parametrize(
    "question", ["how tall is diluc", "how old is diluc", "is hu tao worth pulling", "what food does hu tao like"]
)
def test_a_question_beyond_the_data_about_a_linked_entity_is_marked_so(reader: Reader, question: str) -> None:
    assert facts(reader, question) == "<beyond> <none>" and reader.source(question).knows_nothing


@pytest.mark.parametrize(
    "question",
    ["what is skirk's home nation", "aloy voice actor", "i need iron point's weapon passive", "aloy's region?"],
)
def test_a_fact_the_record_lacks_is_marked_beyond_the_data(reader: Reader, question: str) -> None:
    # Skirk, Aloy and Iron Point have no nation, English voice actor or passive in the game data.
    assert facts(reader, question) == "<beyond> <none>" and reader.source(question).knows_nothing


@pytest.mark.parametrize(
    "question",
    ["who is aloy", "what does aloy use", "aloy element and nation", "dull blade is so good. what is aloy's skill"],
)
def test_a_question_the_record_answers_in_part_reads_its_facts(reader: Reader, question: str) -> None:
    assert "name : Aloy" in facts(reader, question)


def test_a_word_of_an_untyped_title_still_asks(reader: Reader) -> None:
    # Thoma's title is "Protector From Afar"; typed, it asks for nothing.
    assert "region : Inazuma" in facts(reader, "where is thoma from")
    assert "element : Pyro" in facts(reader, "who is the protector from afar")  # the summary


def test_weapon_beside_another_field_word_names_the_item_not_its_type(reader: Reader) -> None:
    assert "type :" not in facts(reader, "staff of homa weapon passive")
    assert "type : Polearm" in facts(reader, "what weapon is the catch")


@pytest.mark.parametrize(("question", "keyword"), [("what does hu tao like", "live"), ("wher is thoma from", "when")])
def test_a_common_word_is_not_read_as_a_misspelt_common_keyword(question: str, keyword: str) -> None:
    # One slip from "live" (her nation) and "when" (her talent book's days), but words of their own.
    assert keyword not in question_words(question)


@pytest.mark.parametrize("question", ["best buidl for sethos", "varesa rotaation?"])
def test_a_misspelt_word_beyond_the_data_is_still_beyond_it(reader: Reader, question: str) -> None:
    assert facts(reader, question) == "<beyond> <none>"


@pytest.mark.parametrize("question", ["how tall is the eiffel tower", "best pyro team"])
def test_a_question_beyond_the_data_about_nothing_linked_reads_none_alone(reader: Reader, question: str) -> None:
    assert facts(reader, question) == "<none>"


def test_a_value_in_an_unrelated_items_name_is_no_claim(reader: Reader) -> None:
    assert "<claim>" not in facts(reader, "pulled Recurve Bow yesterday! who even is Faruzan")


def test_a_title_asked_about_points_at_no_field(reader: Reader) -> None:
    # "plane" is one slip from "plant" (local specialty); as a word of the title it asks for nothing.
    text = facts(reader, "who is the Plane of Euthymia")
    assert "element : Electro" in text and "local specialty" not in text


def test_a_list_asked_after_an_unrelated_item_is_read_first(reader: Reader) -> None:
    text = facts(reader, "pulled the catch yesterday! which hydro characters are from mondstadt")
    assert text.startswith("<list> group : Hydro Mondstadt ;") and "Mona" in text and "<weapon>" in text


def test_one_attribute_beside_an_item_asks_about_the_item(reader: Reader) -> None:
    assert "<list>" not in facts(reader, "is the catch a polearm")


def test_a_nickname_typed_in_full_claims_nothing(reader: Reader) -> None:
    text = facts(reader, "need geo archon en va")
    assert "voice actor : Keith Silverstein" in text and "<claim>" not in text
    assert "<claim> element : Geo ; true : yes ;" in facts(reader, "is zhongli geo")
