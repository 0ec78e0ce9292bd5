"""The checkpoint the repository ships: small, self-contained, and right on the questions users ask most."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.checkpoint import read_metadata
from assistant.inference import UNKNOWN_ANSWER, Assistant

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "assistant_best.pt"


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant.load(DEFAULT_MODEL, device="cpu")


def test_the_shipped_checkpoint_is_small_and_records_how_it_was_made():
    assert DEFAULT_MODEL.stat().st_size <= 25 * 1024 * 1024
    assert DEFAULT_MODEL.with_suffix(".png").is_file()
    meta = read_metadata(DEFAULT_MODEL)
    assert {"epoch", "loss", "config", "data_hash", "created_at", "version"} <= meta.keys()
    assert meta["model_args"]["copy"] is True
    assert 0.8 <= meta["metrics"]["test"]["fact_accuracy"] <= 1


@pytest.mark.parametrize(
    ("question", "must_say"),
    [
        ("What element is Hu Tao?", "Pyro"),
        ("diluc weapon", "Claymore"),
        ("where is zhongli from", "Liyue"),
        ("furinas talent books?", "Justice"),
        ("who is the Eclipsing Star", "Ningguang"),
        ("what weapon does kazuah use", "Sword"),
        ("is raiden shogun electro", "Yes"),
        ("does hu tao use a claymore", "No, Hu Tao uses a Polearm"),
        ("what day is justice", "Tuesday, Friday and Sunday"),
        ("Brisa Windmere element", "don't have information"),
        ("what does skirk's c1 do", "Far to Fall"),
        ("navia local specialty", "Spring of the First Dewdrop"),
    ],
)
def test_the_shipped_model_answers_common_questions(assistant, question, must_say):
    assert must_say in assistant.answer(question)


@pytest.mark.parametrize(
    "question", ["how tall is diluc", "best build for hu tao", "is nahida worth pulling", "how old is klee"]
)
def test_a_question_about_a_character_the_data_cannot_answer_is_admitted(assistant, question):
    assert assistant.answer(question) == UNKNOWN_ANSWER


@pytest.mark.parametrize(
    "question",
    ["what is the weather like today", "what is love", "how tall is the eiffel tower", "how old is the universe"],
)
def test_a_question_about_no_game_entity_gets_no_game_fact(assistant, question):
    # The admission or the off-topic reply: both are taught for facts that read <none>, neither asserts a fact.
    assert assistant.answer(question) in assistant.taught.no_facts_replies


def test_the_shipped_model_copies_the_game_datas_writing(assistant):
    assert assistant.answer("what does the crimson witch 4pc do").startswith("Crimson Witch of Flames's 4-piece")
    assert assistant.answer("are xiangling and xinyan the same element") == "Yes, Xiangling and Xinyan are both Pyro."
