"""Training examples: split by entity and by phrasing, answers copied from the data, noise as labelled."""

from __future__ import annotations

import bisect
import dataclasses
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.inference import UNKNOWN_ANSWER
from assistant.knowledge import ELEMENTS, Knowledge, load_knowledge
from training import answers as A
from training import noise as N
from training import wording as W
from training.examples import (
    Example,
    build_examples,
    held_out_entities,
    read_examples,
    write_examples,
)
from training.game_facts import MAX_LIST_NAMES
from training.names import entity_names, made_up_names, name_pattern, normalise, real_name_words


def _subset(knowledge: Knowledge, characters: int, weapons: int, sets: int) -> Knowledge:
    """A smaller knowledge that keeps every series, so builds stay fast and every kind is asked."""
    return dataclasses.replace(
        knowledge,
        characters=knowledge.characters[:characters],
        weapons=knowledge.weapons[:weapons],
        artifact_sets=knowledge.artifact_sets[:sets],
    )


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return _subset(load_knowledge(), 45, 70, 24)


@pytest.fixture(scope="module")
def examples(knowledge: Knowledge) -> list[Example]:
    return build_examples(knowledge, seed=0)


def _split(examples: list[Example], split: str) -> list[Example]:
    return [e for e in examples if e.split == split]


def _record_strings(value: object) -> Iterator[str]:
    """Every string anywhere in a knowledge record (names, values, descriptions, days)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _record_strings(getattr(value, f.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _record_strings(item)


def test_at_least_15_percent_of_each_entity_kind_is_held_out() -> None:
    knowledge = load_knowledge()
    held = held_out_entities(knowledge)
    for kind, records in (
        ("character", knowledge.characters),
        ("weapon", knowledge.weapons),
        ("artifact_set", knowledge.artifact_sets),
    ):
        chosen = [key for key in held if key.startswith(kind + ":")]
        assert len(chosen) >= 0.15 * len(records)
        assert {held[key] for key in chosen} == {"validation", "test"}


def test_held_out_entities_never_appear_in_training(knowledge: Knowledge, examples: list[Example]) -> None:
    held = held_out_entities(knowledge)
    names = [name for key, name in entity_names(knowledge).items() if key in held]
    titles = [c.title for c in knowledge.characters if c.title and f"character:{c.id}" in held]
    hidden = name_pattern(names + titles)
    for example in _split(examples, "train"):
        assert not set(example.entities) & set(held), example
        assert not example.held_out
        text = " ".join((example.question, example.answer, *example.expected, *example.forbidden))
        assert not hidden.search(normalise(text)), example  # not in lists, pairs or as a distractor


def test_validation_and_test_ask_about_their_own_held_out_entities(
    knowledge: Knowledge, examples: list[Example]
) -> None:
    held = held_out_entities(knowledge)
    for split in ("validation", "test"):
        asked = {key for e in _split(examples, split) for key in e.entities}
        own = {key for key, chosen in held.items() if chosen == split}
        assert own and own <= asked
        assert any(e.held_out for e in _split(examples, split))
        assert any(not e.held_out and e.category == "fact" for e in _split(examples, split))


def test_held_out_phrasing_families_never_appear_in_training(examples: list[Example]) -> None:
    split_of = {family.id: family.split for kind in W.families().values() for family in kind}
    assert {split_of[e.template] for e in _split(examples, "train")} == {"train"}
    for split in ("validation", "test"):
        seen_entities = [e for e in _split(examples, split) if not e.held_out and e.category == "fact"]
        assert seen_entities and {split_of[e.template] for e in seen_entities} == {split}


def test_every_kind_has_families_in_every_split() -> None:
    for kind, families in W.families().items():
        assert {f.split for f in families} == set(W.SPLITS), kind


def test_no_question_appears_in_two_splits(examples: list[Example]) -> None:
    owners: dict[str, set[str]] = {}
    for e in examples:
        owners.setdefault(normalise(e.question), set()).add(e.split)
    assert all(len(splits) == 1 for splits in owners.values())
    assert len(owners) == len(examples)  # and no question twice within a split


def test_every_value_in_an_answer_is_an_exact_knowledge_string(knowledge: Knowledge, examples: list[Example]) -> None:
    strings = sorted(
        set(_record_strings(knowledge)) | {c.birthday_text for c in knowledge.characters if c.birthday_text}
    )

    def starts_a_record_string(value: str) -> bool:  # whole values, and the opening words of a text
        found = bisect.bisect_left(strings, value)
        return found < len(strings) and strings[found].startswith(value)

    for e in (e for e in examples if e.category == "fact"):
        for value in e.expected:
            assert value in e.answer, e  # copied verbatim, with the data's casing
            known = (
                starts_a_record_string(value) or value in ("Yes", "No") or re.fullmatch(r"\d-(star|piece)|C\d", value)
            )
            assert known, (value, e)


def test_answers_use_one_sentence_per_kind() -> None:
    assert A.attribute_answer("element", "Furina", "Hydro") == "Furina is a Hydro character."
    assert A.attribute_answer("element", "Venti", "Anemo") == "Venti is an Anemo character."
    assert A.attribute_answer("weapon_type", "Furina", "Sword") == "Furina uses a Sword."
    assert A.claim_answer("claim_element", "Furina", False, "Hydro") == "No, Furina is Hydro."
    assert A.comparison_answer("same_element", "Xiangling", "Ganyu", "Pyro", "Cryo") == (
        "No: Xiangling is Pyro and Ganyu is Cryo."
    )
    assert A.list_answer("Pyro Claymore", ["Dehya", "Diluc", "Xinyan"]) == (
        "The Pyro Claymore characters are Dehya, Diluc and Xinyan."
    )


def test_the_same_fact_always_gets_the_same_answer(examples: list[Example]) -> None:
    answers: dict[tuple[str, tuple[str, ...], tuple[str, ...]], set[str]] = {}
    for e in (e for e in examples if e.category == "fact" and e.entities):
        answers.setdefault((e.kind, e.entities, e.expected), set()).add(e.answer)
    assert all(len(found) == 1 for found in answers.values())


def test_lists_name_at_most_six_characters(examples: list[Example]) -> None:
    lists = [e for e in examples if e.kind.startswith("list_")]
    assert lists
    assert all(1 <= len(e.expected) <= MAX_LIST_NAMES for e in lists)


def test_unknowns_smalltalk_and_offtopic_get_their_fixed_replies(examples: list[Example]) -> None:
    replies = {
        "unknown": {UNKNOWN_ANSWER},
        "offtopic": {A.OFFTOPIC_ANSWER},
        "smalltalk": set(A.SMALLTALK_ANSWERS.values()),
    }
    for category, allowed in replies.items():
        chosen = [e for e in examples if e.category == category]
        assert chosen and {e.answer for e in chosen} <= allowed
    made_up = [e for e in examples if e.kind == "made_up"]
    assert made_up and all(e.entities == () for e in made_up)
    assert any(e.category == "unknown" and e.entities for e in examples)  # a field the data leaves empty


def test_made_up_names_contain_no_full_real_name() -> None:
    knowledge = load_knowledge()
    real = name_pattern(entity_names(knowledge).values())
    names = made_up_names(400, knowledge, random.Random(3))
    assert len(set(names)) == 400
    assert not [n for n in names if real.search(normalise(n))]
    words = real_name_words(knowledge)
    # Real words appear only where intended: "Brisa Windmere", "Tomas the Gatekeeper", "Favonius Lorel".
    assert any(" the " in n for n in names) and any(n.split()[0].casefold() in words for n in names)
    syllable_only = [
        n
        for n in names
        if " the " not in n
        and not re.search(r"(mere|vale|keeper|ford|wood|crest|fall|guard)$", n)
        and n.split()[0].casefold() not in words
    ]
    assert syllable_only and not [n for n in syllable_only if any(w.casefold() in words for w in n.split())]


def test_build_is_deterministic_for_a_seed(knowledge: Knowledge, examples: list[Example]) -> None:
    small = _subset(knowledge, 12, 15, 6)
    assert build_examples(small, seed=4) == build_examples(small, seed=4)
    assert build_examples(small, seed=4) != build_examples(small, seed=5)


def test_a_new_training_family_leaves_held_out_splits_about_training_entities_alone(
    knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = _subset(knowledge, 12, 15, 6)

    def seen_questions(examples: list[Example]) -> list[str]:
        return [e.question for e in examples if e.split != "train" and e.category == "fact" and not e.held_out]

    before = build_examples(small, seed=0)
    extra = dict(W._SPECIFIC["element"], tint=("train", ("what colour is {name}'s element",)))
    monkeypatch.setitem(W._SPECIFIC, "element", extra)
    after = build_examples(small, seed=0)
    assert any("colour" in e.question for e in after if e.split == "train")
    assert seen_questions(after) == seen_questions(before) != []


def test_examples_round_trip_through_json(tmp_path: Path, examples: list[Example]) -> None:
    path = tmp_path / "data.json"
    write_examples(path, examples[:50], {"seed": 0})
    assert read_examples(path) == (examples[:50], {"seed": 0})


def test_reading_another_file_says_how_to_rebuild(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text('{"train": []}')
    with pytest.raises(ValueError, match="build-data"):
        read_examples(path)


def test_recorded_noise_is_visible_in_the_question(examples: list[Example]) -> None:
    noisy = [e for e in examples if e.noise]
    assert len(noisy) > len(examples) / 3
    for e in noisy:
        if "lowercase" in e.noise:
            assert e.question == e.question.lower()
        if "no_apostrophe" in e.noise:
            assert "'" not in e.question
        if "opener" in e.noise:
            assert e.question.lower().startswith(tuple(o.lower().strip() for o in N.OPENERS))
    labels = {label for e in noisy for label in e.noise}
    assert {"title", "nickname", "distractor", "opener", "closer", "lowercase", "no_apostrophe"} <= labels
    assert any(label.startswith("name_typo") for label in labels) and any(
        label.startswith("word_typo") for label in labels
    )


def test_a_title_stands_for_its_character(knowledge: Knowledge, examples: list[Example]) -> None:
    titled = [e for e in examples if "title" in e.noise and len(e.entities) == 1 and "name_typo" not in str(e.noise)]
    assert titled
    for e in titled:
        character = knowledge.character(e.entities[0].partition(":")[2])
        assert character is not None and character.title
        assert normalise(N.strip_apostrophes(character.title)) in normalise(N.strip_apostrophes(e.question))


def test_typos_swap_drop_and_double_letters_after_the_first() -> None:
    rng = random.Random(0)
    for _ in range(50):
        swapped, dropped, doubled = (f("furina", rng) for f in (N.swap_letters, N.drop_letter, N.double_letter))
        assert swapped != "furina" and sorted(swapped) == sorted("furina") and swapped[0] == "f"
        assert len(dropped) == 5 and dropped[0] == "f"
        assert len(doubled) == 7 and doubled[0] == "f" and re.search(r"(.)\1", doubled)


def test_misspell_leaves_protected_and_short_words_alone() -> None:
    rng = random.Random(1)
    for _ in range(30):
        text, label = N.misspell("what element is Ganyu", rng, protected=["Ganyu"])
        assert label and "Ganyu" in text and text != "what element is Ganyu"
    assert N.misspell("is it", rng) == ("is it", None)


def test_roughen_applies_and_labels_each_noise() -> None:
    always = N.NoiseRates(1, 1, 1, 1, 1, 1, 1, 1)
    question, labels = N.roughen("what's Ganyu's element", random.Random(2), always, ["Ganyu's"], "Wolf's Gravestone")
    assert {"distractor", "opener", "closer", "lowercase", "no_apostrophe"} <= set(labels)
    assert "wolfs gravestone" in question and "ganyus" in question and question == question.lower()
    never = N.NoiseRates(0, 0, 0, 0, 0, 0, 0, 0)
    assert N.roughen("what's Ganyu's element", random.Random(2), never, (), "Wolf's Gravestone") == (
        "what's Ganyu's element",
        (),
    )


def test_choose_name_uses_an_alias_or_a_typo_and_says_which() -> None:
    rates = N.NoiseRates(alias=1, name_typo=0)
    assert N.choose_name("Ningguang", [("Eclipsing Star", "title")], random.Random(0), rates) == (
        "Eclipsing Star",
        ("title",),
    )
    surface, labels = N.choose_name("Ningguang", [], random.Random(0), N.NoiseRates(alias=0, name_typo=1))
    assert surface != "Ningguang" and labels[0].startswith("name_typo_")


def test_other_elements_are_forbidden_in_element_answers(examples: list[Example]) -> None:
    element = [e for e in examples if e.kind == "element" and e.category == "fact"]
    assert element
    for e in element:
        assert set(e.expected) | set(e.forbidden) == set(ELEMENTS)
