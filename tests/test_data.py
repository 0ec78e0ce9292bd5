"""The generated training data teaches real facts, holds out phrasings honestly and stays small."""

from __future__ import annotations

import json
import logging
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.knowledge import load_knowledge
from assistant.tokenizer import tokenize
from training.data import (
    MAX_ANSWER_TOKENS,
    UNKNOWN_ANSWER,
    DataReport,
    Pair,
    SplitData,
    build_training_data,
    is_fact_correct,
    is_unknown_reply,
    load_extra_pairs,
    parse_extra_lines,
    read_training_data,
)
from training import data as data_module
from training import split as split_module
from training.questions import MORE_TRAIN_QUESTIONS, QUESTIONS
from training.split import Fact, family_templates, finalize, normalize_question, phrase_fact, template_splits
from training.templates import FAKE_SET_WORDS, FAKE_TALENT_WORDS, FAKE_WEAPON_NOUNS, fit_sentences, join_names


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DataReport, SplitData]:
    """The real data set, built once for this module and read back from disk."""
    path = tmp_path_factory.mktemp("data") / "training_data.json"
    report = build_training_data(path, seed=0)
    return path, report, read_training_data(path)


@pytest.fixture(scope="module")
def data(built: tuple[Path, DataReport, SplitData]) -> SplitData:
    return built[2]


def everything(data: SplitData) -> list[Pair]:
    return [*data.train, *data.validation, *data.test]


def test_build_writes_a_readable_file_with_parallel_lists(built: tuple[Path, DataReport, SplitData]) -> None:
    path, report, data = built
    payload = json.loads(path.read_text(encoding="utf-8"))
    assert len(payload["queries"]) == len(payload["responses"]) == len(payload["splits"]) == len(payload["checks"])
    assert set(payload["checks"][0]) == {"kind", "fact", "template", "expected", "forbidden"}
    assert {split: len(data.by_name(split)) for split in ("train", "validation", "test")} == report.counts
    assert "train" in report.summary()


def test_build_is_identical_across_processes(built: tuple[Path, DataReport, SplitData], tmp_path: Path) -> None:
    # A different hash seed changes set order; the file (and the checkpoint's data hash) must not change.
    again = tmp_path / "again.json"
    code = f"from training.data import build_training_data; build_training_data({str(again)!r}, seed=0)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=Path(__file__).parents[1])
    assert again.read_bytes() == built[0].read_bytes()


def test_train_split_is_sized_for_cpu_training(data: SplitData) -> None:
    assert 25_000 <= len(data.train) <= 40_000
    assert len(data.validation) > 1000 and len(data.test) > 1000


def test_hu_tao_element_questions_are_answered_pyro(data: SplitData) -> None:
    pairs = [p for p in everything(data) if p.fact == "hu_tao.element"]
    assert len(pairs) >= 8
    assert all(p.answer == "Hu Tao's element is Pyro." for p in pairs)
    assert all(p.expected == ("pyro",) and "hydro" in p.forbidden for p in pairs)


def test_nicknames_and_terse_fragments_are_asked(data: SplitData) -> None:
    questions = {normalize_question(p.question) for p in data.train}
    for nickname in ("hutao", "childe", "raiden", "zhong li", "kazuha", "kokomi", "itto", "ayaka", "yae"):
        assert any(f" {nickname} " in f" {q} " for q in questions), nickname
    assert "diluc weapon" in questions or "diluc weapon type" in questions


def test_nickname_answers_use_the_full_name(data: SplitData) -> None:
    childe = [p for p in data.train if "childe" in tokenize(p.question) and p.kind == "character"]
    assert childe and all("Tartaglia" in p.answer for p in childe)


def test_unknown_pairs_use_the_canonical_answer(data: SplitData) -> None:
    unknown = [p for p in everything(data) if p.kind == "unknown"]
    assert len(unknown) > 0.08 * len(everything(data))
    assert all(p.answer == UNKNOWN_ANSWER for p in unknown)
    assert all(p.answer != UNKNOWN_ANSWER for p in everything(data) if p.kind != "unknown")
    for split in ("train", "validation", "test"):
        assert any(p.fact == "unknown.made_up" for p in data.by_name(split))


def test_made_up_names_differ_between_train_and_held_out(data: SplitData) -> None:
    real_tokens = {t for p in everything(data) if p.fact != "unknown.made_up" for t in tokenize(p.question)}
    real_tokens |= {w for w in (*FAKE_SET_WORDS, *FAKE_TALENT_WORDS, *FAKE_WEAPON_NOUNS)}  # shared nouns

    def made_up_words(pairs: list[Pair]) -> set[str]:
        return {t for p in pairs if p.fact == "unknown.made_up" for t in tokenize(p.question)} - real_tokens

    train_words = made_up_words(data.train)
    assert train_words
    assert not train_words & made_up_words(data.validation)
    assert not train_words & made_up_words(data.test)
    assert not made_up_words(data.validation) & made_up_words(data.test)


def test_gaps_in_the_game_data_are_answered_as_unknown(data: SplitData) -> None:
    zhongli = [p for p in everything(data) if p.fact == "zhongli.constellation"]
    assert zhongli and all(p.answer == UNKNOWN_ANSWER and p.kind == "unknown" for p in zhongli)


def test_plain_traveler_questions_name_every_element(data: SplitData) -> None:
    pairs = [p for p in data.train if p.fact == "traveler.element"]
    assert pairs
    assert all(word in pairs[0].answer for word in ("Anemo", "Dendro", "Electro", "Geo"))


def test_no_question_appears_in_two_splits(data: SplitData) -> None:
    keys = {
        split: {normalize_question(p.question) for p in data.by_name(split)} for split in ("train", "validation", "test")
    }
    assert not keys["train"] & keys["validation"]
    assert not keys["train"] & keys["test"]
    assert not keys["validation"] & keys["test"]


def test_held_out_phrasings_never_appear_in_train(data: SplitData) -> None:
    train_templates = {p.template for p in data.train}
    held_out = {p.template for p in (*data.validation, *data.test)}
    assert held_out and not held_out & train_templates
    assert not {p.template for p in data.validation} & {p.template for p in data.test}


def test_added_phrasings_only_train_and_leave_the_held_out_sets_unchanged(
    data: SplitData, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = [p for p in data.train if "+" in p.template]
    assert len(added) > 3000 and {p.kind for p in added} >= {"character", "weapon", "yesno", "smalltalk"}
    for module in (data_module, split_module):
        monkeypatch.setattr(module, "MORE_TRAIN_QUESTIONS", {})
    without, _ = data_module.build_pairs(seed=0)
    assert without.validation == data.validation and without.test == data.test
    assert len(without.train) == len(data.train) - len(added)


def test_added_phrasings_are_none_of_the_held_out_patterns() -> None:
    held_out = {
        normalize_question(pattern)
        for family in QUESTIONS
        for split in ("validation", "test")
        for _, pattern in family_templates(family, 0)[split]
    }
    added = {normalize_question(pattern) for patterns in MORE_TRAIN_QUESTIONS.values() for pattern in patterns}
    assert added and not added & held_out


def test_every_held_out_fact_is_taught_in_train(data: SplitData) -> None:
    train_facts = {p.fact for p in data.train}
    assert all(p.fact in train_facts for p in (*data.validation, *data.test))


def test_every_answer_fits_the_model(data: SplitData) -> None:
    lengths = [len(tokenize(p.answer)) for p in everything(data)]
    assert max(lengths) <= MAX_ANSWER_TOKENS <= 64


def test_most_fact_answers_are_short(data: SplitData) -> None:
    short_families = ("character.element", "character.weapon", "character.region", "weapon.type", "yesno.element")
    lengths = sorted(len(tokenize(p.answer)) for p in data.train if p.template.startswith(short_families))
    assert lengths[len(lengths) // 2] <= 15
    talents = [len(tokenize(p.answer)) for p in data.train if p.template.startswith("character.elemental_skill")]
    assert sum(talents) / len(talents) <= 45


def test_every_answer_passes_its_own_checks(data: SplitData) -> None:
    assert all(is_fact_correct(p, p.answer) for p in everything(data))


def test_yes_no_questions_answer_with_the_true_value(data: SplitData) -> None:
    diluc = [p for p in data.train if p.fact.startswith("diluc.element=")]
    yes = [p for p in diluc if p.fact == "diluc.element=Pyro"]
    no = [p for p in diluc if p.fact != "diluc.element=Pyro"]
    assert yes and all(p.answer == "Yes, Diluc is Pyro." for p in yes)
    asked = no[0].fact.split("=")[1]
    assert no and no[0].answer == f"No, Diluc is not {asked}; Diluc's element is Pyro."


def test_lists_are_complete_or_say_how_many_are_left_out(data: SplitData) -> None:
    knowledge = load_knowledge()
    liyue = sorted(c.name for c in knowledge.characters_where(region="Liyue"))
    answer = next(p.answer for p in data.train if p.fact == "list.region.Liyue")
    shown = [name for name in liyue if name in answer]
    if len(shown) < len(liyue):
        assert answer.endswith(f"and {len(liyue) - len(shown)} more.")
    else:
        assert answer == "Characters from Liyue: " + ", ".join(liyue[:-1]) + f" and {liyue[-1]}."
    pyro = next(p for p in data.train if p.fact == "list.element.Pyro")
    assert "diluc" in pyro.expected and "ganyu" in pyro.forbidden


def test_smalltalk_has_fixed_friendly_answers(data: SplitData) -> None:
    greetings = {p.answer for p in everything(data) if p.fact == "smalltalk.greeting"}
    assert len(greetings) == 1 and "Hello" in greetings.pop()
    assert any(p.fact == "smalltalk.help" for p in data.test)


def test_is_fact_correct_rejects_a_wrong_alternative() -> None:
    pair = Pair("hu tao element", "Hu Tao's element is Pyro.", "character", "hu_tao.element", "t#0",
                ("pyro",), ("hydro", "cryo", "geo"))
    assert is_fact_correct(pair, "hu tao's element is PYRO.")
    assert not is_fact_correct(pair, "Hu Tao's element is Hydro.")
    assert not is_fact_correct(pair, "Hu Tao is Pyro, or maybe Geo.")
    assert not is_fact_correct(pair, "Hu Tao is a pyromaniac.")  # whole words only
    assert not is_fact_correct(pair, UNKNOWN_ANSWER)


def test_unknown_pairs_need_an_admission() -> None:
    pair = Pair("zorvel element", UNKNOWN_ANSWER, "unknown", "unknown.made_up", "t#0")
    assert is_fact_correct(pair, "Sorry, I don't know that one.")
    assert not is_fact_correct(pair, "Zorvel's element is Pyro.")


def test_is_unknown_reply_recognises_dont_know_replies() -> None:
    assert is_unknown_reply(UNKNOWN_ANSWER)
    assert is_unknown_reply("I do not know.")
    assert not is_unknown_reply("No, Diluc is not Geo; Diluc's element is Pyro.")


def test_load_extra_pairs_skips_bad_lines(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "extra.jsonl"
    lines = [
        json.dumps({"question": "who is the best waifu", "answer": "All of them."}),
        "",
        "{not json",
        json.dumps({"question": "missing answer"}),
        json.dumps(["not", "a", "dict"]),
        json.dumps({"question": "  ", "answer": "blank question"}),
        json.dumps({"question": "what is c6", "answer": "A character's sixth constellation."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        pairs = load_extra_pairs(path)
    assert [p.question for p in pairs] == ["who is the best waifu", "what is c6"]
    assert all(p.kind == "extra" for p in pairs)
    assert "skipped 5" in caplog.text
    assert parse_extra_lines(lines)[1] == 5


def test_finalize_drops_conflicts_duplicates_long_answers_and_untaught_facts() -> None:
    def pair(question: str, answer: str, fact: str) -> Pair:
        return Pair(question, answer, "character", fact, "t#0")

    candidates = [
        ("train", pair("diluc element", "Diluc's element is Pyro.", "diluc.element")),
        ("test", pair("Diluc element?", "Diluc's element is Pyro.", "diluc.element")),  # duplicate of train
        ("train", pair("klee", "Klee is a 5-star character.", "klee.rarity")),
        ("train", pair("klee", "Klee's element is Pyro.", "klee.element")),  # same question, other answer
        ("train", pair("long", "word " * 80, "long")),
        ("test", pair("what element is venti", "Venti's element is Anemo.", "venti.element")),  # never in train
        ("validation", pair("diluc vision", "Diluc's element is Pyro.", "diluc.element")),  # "vision" unseen
    ]
    data, report = finalize(candidates, max_length=64)
    assert [p.question for p in data.train] == ["diluc element"]
    assert data.test == [] and [p.question for p in data.validation] == ["diluc vision"]
    assert report.unseen_question_words == ("vision",)
    assert (report.duplicates_removed, report.conflicts_removed) == (1, 2)
    assert (report.too_long_dropped, report.unseen_facts_dropped) == (1, 1)


def test_template_split_is_stable_and_holds_out_both_sides() -> None:
    splits = template_splits("character.element", 20, seed=0)
    assert splits == template_splits("character.element", 20, seed=0)
    assert splits.count("validation") == splits.count("test") == 3
    assert template_splits("tiny.family", 4, seed=0) == ["train"] * 4


def test_phrase_fact_is_deterministic_for_a_seed() -> None:
    fact = Fact("character", "character.element", "hu_tao.element", "Hu Tao's element is Pyro.",
                {"n": ("Hu Tao", "hutao")}, ("pyro",), phrasings=6)
    first = phrase_fact(fact, random.Random(1), seed=0)
    assert first == phrase_fact(fact, random.Random(1), seed=0)
    assert sum(split == "train" for split, _ in first) == 6


def test_fit_sentences_cuts_at_sentence_boundaries() -> None:
    text = "Deals Pyro DMG. " + " ".join(f"Sentence number {i} adds more words here." for i in range(12))
    answer = fit_sentences("Klee's skill is Jumpy Dumpty: ", text, target=20)
    assert answer.endswith(".") and len(tokenize(answer)) <= 20
    assert answer.startswith("Klee's skill is Jumpy Dumpty: Deals Pyro DMG.")


def test_join_names_says_how_many_more_when_cut() -> None:
    names = [f"Name{i}" for i in range(40)]
    text, shown = join_names(names, prefix="People: ", limit=30)
    assert text.endswith(f"and {40 - len(shown)} more")
    assert join_names(["A", "B", "C"], prefix="")[0] == "A, B and C"
