"""The entity linker on the shipped game knowledge: how players type names, and what must not link."""

from __future__ import annotations

import dataclasses

import pytest

from assistant.knowledge import load_knowledge
from assistant.linker import Entity, EntityLinker


@pytest.fixture(scope="module")
def linker() -> EntityLinker:
    return EntityLinker(load_knowledge())


def named(linker: EntityLinker, name: str) -> Entity:
    return next(e for e in linker.entities if e.name == name)


def linked_names(linker: EntityLinker, question: str) -> list[str]:
    return [mention.entity.name for mention in linker.link(question)]


def test_full_name_links_with_its_span_and_full_confidence(linker: EntityLinker) -> None:
    question = "what element is Kaedehara Kazuha?"
    (mention,) = linker.link(question)
    assert mention.entity == named(linker, "Kaedehara Kazuha")
    assert question[mention.start : mention.end] == mention.text == "Kaedehara Kazuha"
    assert mention.score == 100


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("ningguan region?", "Ningguang"),
        ("what weapon does kazuah use", "Kaedehara Kazuha"),
        ("xiangligg element", "Xiangling"),
        ("kamisato ayka birthday", "Kamisato Ayaka"),
    ],
)
def test_misspelt_name_links_to_the_entity_meant(linker: EntityLinker, question: str, name: str) -> None:
    assert linked_names(linker, question) == [name]


@pytest.mark.parametrize(
    ("question", "name"),
    [("aiino weapon pls", "Aino"), ("what is qiqii's title", "Qiqi"), ("Alyo?", "Aloy"), ("syau's passive", "Sayu")],
)
def test_a_doubled_letter_or_a_swap_in_a_four_letter_name_is_forgiven(
    linker: EntityLinker, question: str, name: str
) -> None:
    assert linked_names(linker, question) == [name]


@pytest.mark.parametrize("question", ["aina weapon", "kiee element", "who is mina", "ain region"])
def test_other_slips_in_a_four_letter_name_link_nothing(linker: EntityLinker, question: str) -> None:
    assert linked_names(linker, question) == []


def test_typo_scores_below_an_exact_name(linker: EntityLinker) -> None:
    (typo,) = linker.link("ningguan region?")
    (exact,) = linker.link("ningguang region?")
    assert 0 < typo.score < exact.score <= 100


def test_typo_in_a_long_name_links_the_whole_name(linker: EntityLinker) -> None:
    (mention,) = linker.link("who uses thriling tales of dragon slayers")
    assert mention.entity.name == "Thrilling Tales of Dragon Slayers"
    assert mention.text == "thriling tales of dragon slayers"


@pytest.mark.parametrize(
    ("question", "name"),
    [("ayato burst", "Kamisato Ayato"), ("kazuha build", "Kaedehara Kazuha"), ("homa passive", "Staff of Homa")],
)
def test_a_name_part_no_other_entity_shares_links_alone(linker: EntityLinker, question: str, name: str) -> None:
    assert linked_names(linker, question) == [name]


@pytest.mark.parametrize("question", ["is the staff good", "best jade weapon", "who is the wolf", "kamisato"])
def test_a_shared_or_ordinary_name_part_links_nothing(linker: EntityLinker, question: str) -> None:
    assert linker.link(question) == []


def test_a_character_title_links_to_its_character(linker: EntityLinker) -> None:
    assert linked_names(linker, "who is the Eclipsing Star") == ["Ningguang"]


def test_a_constellation_name_links_to_its_character(linker: EntityLinker) -> None:
    assert linked_names(linker, "whose constellation is papilio charontis") == ["Hu Tao"]


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("is childe good", "Tartaglia"),
        ("ei burst", "Raiden Shogun"),
        ("who uses cw", "Crimson Witch of Flames"),
        ("emblem 4pc", "Emblem of Severed Fate"),
        ("who is the electro archon", "Raiden Shogun"),
        ("what weapon does the hydro archon use", "Furina"),
    ],
)
def test_a_community_nickname_links(linker: EntityLinker, question: str, name: str) -> None:
    assert linked_names(linker, question) == [name]


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("hu tao's birthday", "Hu Tao"),
        ("hutaos birthday", "Hu Tao"),
        ("kazuhas element", "Kaedehara Kazuha"),
        ("raidenshogun burst", "Raiden Shogun"),
        ("wolfs gravestone passive", "Wolf's Gravestone"),
        ("AMOS BOW", "Amos' Bow"),
    ],
)
def test_possessives_missing_spaces_and_case_do_not_matter(linker: EntityLinker, question: str, name: str) -> None:
    assert linked_names(linker, question) == [name]


def test_several_entities_link_in_question_order(linker: EntityLinker) -> None:
    assert linked_names(linker, "are xiangling and xinyan the same element") == ["Xiangling", "Xinyan"]


def test_an_unrelated_item_first_is_its_own_mention_before_the_question(linker: EntityLinker) -> None:
    question = "just got Wolf's Gravestone lol. anyway what element is ganyu"
    first, second = linker.link(question)
    assert (first.entity.name, first.text) == ("Wolf's Gravestone", "Wolf's Gravestone")
    assert (second.entity.name, second.text) == ("Ganyu", "ganyu")
    assert first.end <= second.start


def test_the_longest_name_wins_over_a_name_inside_it(linker: EntityLinker) -> None:
    assert linked_names(linker, "prototype amber stats") == ["Prototype Amber"]


@pytest.mark.parametrize(
    "question",
    [
        "who is Brisa Windmere",
        "what element is Tomas the Gatekeeper",
        "Lord Nobody's weapon",
        "is Dilucson a pyro user",
        "who is Amber Windmere",
        "what weapon does Xiao Brindell use",
    ],
)
def test_a_made_up_name_links_nothing(linker: EntityLinker, question: str) -> None:
    assert linker.link(question) == []


@pytest.mark.parametrize("question", ["give me a list of bows", "what does the ember do", "tell me what you mean"])
def test_an_ordinary_word_near_a_name_is_not_a_typo_of_it(linker: EntityLinker, question: str) -> None:
    assert linker.link(question) == []


def test_a_name_next_to_ordinary_capitalised_words_still_links(linker: EntityLinker) -> None:
    assert linked_names(linker, "Best Xiao Build Guide?") == ["Xiao"]


def test_an_alias_links_once_set(linker: EntityLinker) -> None:
    fresh = EntityLinker(load_knowledge(), aliases={"grandpa": named(linker, "Zhongli").key})
    assert linked_names(fresh, "is grandpa a geo user") == ["Zhongli"]


def test_set_aliases_replaces_the_whole_table(linker: EntityLinker) -> None:
    fresh = EntityLinker(load_knowledge(), aliases={"grandpa": named(linker, "Zhongli").key})
    fresh.set_aliases({"sparky": named(linker, "Klee").key})
    assert linked_names(fresh, "grandpa and sparky") == ["Klee"]


def test_an_alias_to_an_unknown_entity_is_ignored(linker: EntityLinker) -> None:
    fresh = EntityLinker(load_knowledge(), aliases={"grandpa": "character:nobody"})
    assert fresh.link("is grandpa a geo user") == []


@pytest.mark.parametrize(
    ("nickname", "name"),
    [("Hu Tao", "Hu Tao"), ("ayato", "Kamisato Ayato"), ("eclipsing star", "Ningguang"), ("childe", "Tartaglia")],
)
def test_shadowed_by_names_the_entity_a_nickname_would_take_over(
    linker: EntityLinker, nickname: str, name: str
) -> None:
    assert linker.shadowed_by(nickname) == named(linker, name)


def test_shadowed_by_is_none_for_new_slang(linker: EntityLinker) -> None:
    assert linker.shadowed_by("the archon of water") is None


def test_entity_is_found_by_its_key(linker: EntityLinker) -> None:
    ganyu = named(linker, "Ganyu")
    assert linker.entity(ganyu.key) == ganyu
    record = load_knowledge().character("Ganyu")
    assert record is not None and ganyu.key == f"character:{record.id}"
    assert linker.entity("character:nobody") is None


def test_complete_puts_names_starting_with_the_text_first(linker: EntityLinker) -> None:
    starts = [e.name.lower().startswith("xi") for e in linker.complete("xi", limit=50)]
    assert starts.count(True) >= 4
    assert starts == sorted(starts, reverse=True)


def test_complete_matches_a_later_word_of_a_name(linker: EntityLinker) -> None:
    assert named(linker, "Staff of Homa") in linker.complete("homa")


def test_complete_forgives_a_typo(linker: EntityLinker) -> None:
    assert linker.complete("xinagling")[0].name == "Xiangling"


def test_complete_returns_at_most_limit(linker: EntityLinker) -> None:
    assert len(linker.complete("s", limit=5)) == 5


def test_complete_offers_aliases(linker: EntityLinker) -> None:
    fresh = EntityLinker(load_knowledge(), aliases={"grandpa": named(linker, "Zhongli").key})
    assert fresh.complete("grand")[0].name == "Zhongli"


def test_a_nickname_for_a_character_added_since_3_6_links(linker: EntityLinker) -> None:
    assert linked_names(linker, "is focalors hydro") == ["Furina"]


def test_a_traveler_links_by_element_before_the_name(linker: EntityLinker) -> None:
    assert linked_names(linker, "best anemo traveler build") == ["Traveler (Anemo)"]


def test_a_talent_book_links_by_its_books_but_not_by_an_ordinary_word(linker: EntityLinker) -> None:
    assert linked_names(linker, "which days are freedom books") == ["Freedom"]
    assert linked_names(linker, "where do i farm Teachings of Order") == ["Order"]
    assert linker.link("in what order should i level talents") == []


@pytest.mark.parametrize(
    ("question", "name"),
    [("what day is justice", "Justice"), ("ballad domain days?", "Ballad"), ("is freedom farmable today", "Freedom")],
)
def test_a_series_ordinary_name_links_when_farming_is_asked(linker: EntityLinker, question: str, name: str) -> None:
    assert linked_names(linker, question) == [name]
    assert linker.link(question.replace("day", "colour").replace("domain", "song").replace("farmable", "fun")) == []


@pytest.mark.parametrize("question", ["good day to you", "any good books?", "what a nice day"])
def test_an_ordinary_word_one_slip_from_a_series_name_is_not_the_series(linker: EntityLinker, question: str) -> None:
    assert linker.link(question) == []


def test_a_misspelt_series_name_links_when_farming_is_asked(linker: EntityLinker) -> None:
    assert linked_names(linker, "when can i farm Freedomm") == ["Freedom"]


def test_a_series_named_by_several_ordinary_words_links_even_misspelt(linker: EntityLinker) -> None:
    assert linked_names(linker, "where and when do i get ancient cohrd") == ["Ancient Chord"]


@pytest.mark.parametrize(
    ("question", "name"),
    [("Kirara Pupillary Variance", "Kirara"), ("what is mikas suppressive barrage", "Mika"), ("Hu Tao aka", "Hu Tao")],
)
def test_a_talent_name_or_chat_word_beside_a_name_is_no_made_up_surname(
    linker: EntityLinker, question: str, name: str
) -> None:
    assert linked_names(linker, question) == [name]


@pytest.mark.parametrize("question", ["who is amber windmere", "is Dilucson a pyro user", "Xianglingly build"])
def test_a_real_name_inside_a_made_up_one_links_nothing(linker: EntityLinker, question: str) -> None:
    assert linker.link(question) == []


def test_a_misspelt_question_word_beside_a_name_does_not_hide_it(linker: EntityLinker) -> None:
    assert linked_names(linker, "whta elemnt is xiao") == ["Xiao"]
    assert linked_names(linker, "xiao elemnt") == ["Xiao"]


def test_a_typo_in_a_longer_name_beats_an_exact_shorter_name_inside_it(linker: EntityLinker) -> None:
    assert linked_names(linker, "compare Trulla Cemenntarii vs Missive Windspear") == ["Keqing", "Missive Windspear"]


def test_a_possessive_on_a_misspelt_name_still_links(linker: EntityLinker) -> None:
    assert linked_names(linker, "who uses kaveehs") == ["Kaveh"]


def test_a_name_of_seven_words_links_whole(linker: EntityLinker) -> None:
    (mention,) = linker.link("who uses scroll of the hero of cinder city")
    assert mention.entity.name == "Scroll of the Hero of Cinder City"
    assert mention.text == "scroll of the hero of cinder city"


def test_two_records_of_one_kind_sharing_a_name_link_the_first_key_whatever_their_order() -> None:
    knowledge = load_knowledge()
    homa = knowledge.weapon("staffofhoma")
    stage = dataclasses.replace(homa, id="staffofhoma-01")
    for weapons in ((*knowledge.weapons, stage), (stage, *knowledge.weapons)):
        linker = EntityLinker(dataclasses.replace(knowledge, weapons=weapons))
        assert [m.entity.key for m in linker.link("staff of homa passive")] == ["weapon:staffofhoma"]


@pytest.mark.parametrize(
    ("question", "name"),
    [("wrioth weapon", "Wriothesley"), ("neuvil element", "Neuvillette"), ("is chevrs kit good", "Chevreuse")],
)
def test_a_long_name_cut_short_links(linker: EntityLinker, question: str, name: str) -> None:
    assert linked_names(linker, question) == [name]


@pytest.mark.parametrize("question", ["manek element", "i wander about", "who is Wrioth Blackwood", "neu element"])
def test_a_cut_name_that_is_ambiguous_ordinary_short_or_made_up_links_nothing(
    linker: EntityLinker, question: str
) -> None:
    assert linked_names(linker, question) == []
