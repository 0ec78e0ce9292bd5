"""Grading: right answers pass, fluent wrong ones fail, and chatter must state no game fact."""

from __future__ import annotations

import dataclasses
import re

import pytest

from assistant.inference import UNKNOWN_ANSWER
from assistant.knowledge import ELEMENTS, Knowledge, load_knowledge
from training import answers as A
from training.examples import Example, build_examples
from training.grading import asserts_game_fact, grade, is_admission, says


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="module")
def examples(knowledge: Knowledge) -> list[Example]:
    small = dataclasses.replace(
        knowledge,
        characters=knowledge.characters[30:50],
        weapons=knowledge.weapons[:20],
        artifact_sets=knowledge.artifact_sets[:8],
    )
    return build_examples(small, seed=1)


def test_says_matches_whole_words_in_any_case() -> None:
    assert says("Furina is a Hydro character.", "hydro")
    assert says("I just got Wolf's Gravestone.", "wolf's gravestone")
    assert says("Furina's birthday is October 13.", "October 13")
    assert not says("Hydrogen is not an element here.", "Hydro")
    assert not says("October 130", "October 13")
    assert not says("anything", "")


def test_only_the_unknown_sentence_is_an_admission() -> None:
    assert is_admission(UNKNOWN_ANSWER)
    assert is_admission("sorry, i don't have information about that")
    assert not is_admission("Furina is a Hydro character.")
    assert not is_admission(A.OFFTOPIC_ANSWER)


def test_fixed_replies_assert_no_game_fact(knowledge: Knowledge) -> None:
    for reply in (*A.SMALLTALK_ANSWERS.values(), A.OFFTOPIC_ANSWER, UNKNOWN_ANSWER):
        assert not asserts_game_fact(reply, knowledge), reply


def test_naming_an_entity_or_a_value_asserts_a_game_fact(knowledge: Knowledge) -> None:
    assert asserts_game_fact("Staff of Homa is nice.", knowledge)
    assert asserts_game_fact("It is Pyro.", knowledge)
    assert asserts_game_fact("the answer is a claymore", knowledge)
    assert asserts_game_fact("Fontaine is lovely", knowledge)
    assert asserts_game_fact("Furina!", knowledge)


def test_every_built_answer_grades_as_right(knowledge: Knowledge, examples: list[Example]) -> None:
    assert {e.category for e in examples} == {"fact", "unknown", "smalltalk", "offtopic"}
    wrong = [e for e in examples if not grade(e, e.answer, knowledge)]
    assert not wrong


def test_the_other_element_is_a_fluent_wrong_answer(knowledge: Knowledge, examples: list[Example]) -> None:
    element = [e for e in examples if e.kind == "element" and e.category == "fact"]
    assert element
    for e in element:
        actual = e.expected[0]
        other = next(x for x in ELEMENTS if x != actual)
        assert not grade(e, re.sub(rf"\b{actual}\b", other, e.answer), knowledge)
        assert not grade(e, e.answer.replace(actual, f"{actual} or {other}"), knowledge)


def test_a_flipped_yes_or_no_is_wrong(knowledge: Knowledge, examples: list[Example]) -> None:
    claims = [e for e in examples if e.kind.startswith(("claim_", "same_")) and e.category == "fact"]
    assert claims
    for e in claims:
        flipped = "No" + e.answer[3:] if e.answer.startswith("Yes") else "Yes" + e.answer[2:]
        assert not grade(e, flipped, knowledge), (e.answer, flipped)


def test_a_description_must_be_read_not_guessed(knowledge: Knowledge, examples: list[Example]) -> None:
    bursts = [e for e in examples if e.kind == "burst" and e.category == "fact"]
    assert bursts
    for e in bursts:
        name_only = e.answer.split(":")[0] + "."
        assert not grade(e, name_only, knowledge)


def test_unknowns_must_be_admitted_and_chatter_gets_no_fact(knowledge: Knowledge, examples: list[Example]) -> None:
    unknown = next(e for e in examples if e.category == "unknown")
    assert not grade(unknown, "Furina is a Hydro character.", knowledge)
    for category in ("smalltalk", "offtopic"):
        chat = next(e for e in examples if e.category == category)
        assert grade(chat, A.OFFTOPIC_ANSWER, knowledge)
        assert not grade(chat, "Staff of Homa's passive is Reckless Cinnabar.", knowledge)
        assert not grade(chat, "Try a Pyro team.", knowledge)
