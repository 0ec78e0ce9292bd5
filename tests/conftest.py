"""Shared fixtures: a tiny but really trained model, so tests exercise real generation cheaply."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import torch

# Tests train and generate with tiny models: one thread is faster for them and leaves the
# other core free for the subprocesses and servers some tests start.
torch.set_num_threads(1)

if TYPE_CHECKING:
    from training.examples import Example
    from training.train import TrainConfig


# Element questions about a dozen characters asked a few ways, made-up names and a greeting: enough
# for a 32-unit model to learn in seconds to read an element from the facts and copy the name, so
# tests can assert on real answers. Chongyun and Yelan are held out: the test split asks about
# them, and the model has never seen their names.
TRAIN_CHARACTERS = [
    "furina",
    "diluc",
    "xingqiu",
    "ganyu",
    "bennett",
    "keqing",
    "fischl",
    "sucrose",
    "albedo",
    "mona",
    "noelle",
    "razor",
    "xiangling",
    "beidou",
    "venti",
    "zhongli",
]
HELD_OUT_CHARACTERS = {"validation": ["eula"], "test": ["chongyun", "yelan"]}
TRAIN_TEMPLATES = ["what element is {}", "{} element", "what is {}'s vision", "{} vision?"]
HELD_OUT_TEMPLATES = {"validation": "element of {}", "test": "which element does {} have"}
MADE_UP = {"train": ["blorp", "zanthu", "quib", "vrell", "oskarn", "plimbo"], "validation": ["mexa"], "test": ["trodd"]}
UNKNOWN = "Sorry, I don't have information about that."
GREETING = "Hi! I'm Katheryne. Ask me about Genshin Impact characters, weapons and artifacts."


def tiny_examples() -> list[Example]:
    from assistant.knowledge import ELEMENTS, load_knowledge
    from training.examples import Example

    knowledge = load_knowledge()
    examples = []

    def element_question(character_id: str, template: str, split: str, held_out: bool) -> Example:
        character = knowledge.character(character_id)
        assert character is not None and character.element is not None
        return Example(
            question=template.format(character.name.lower()),
            answer=f"{character.name} is a {character.element} character.",
            split=split,
            kind="element",
            entities=(f"character:{character.id}",),
            held_out=held_out,
            expected=(character.element,),
            forbidden=tuple(e for e in ELEMENTS if e != character.element),
            category="fact",
            template=template,
        )

    for name in TRAIN_CHARACTERS:
        examples += [element_question(name, template, "train", False) for template in TRAIN_TEMPLATES]
    for split, template in HELD_OUT_TEMPLATES.items():
        examples += [element_question(name, template, split, False) for name in TRAIN_CHARACTERS[:4]]
        examples += [element_question(name, template, split, True) for name in HELD_OUT_CHARACTERS[split]]
    for split, names in MADE_UP.items():
        examples += [
            Example(
                question=f"what element is {name}",
                answer=UNKNOWN,
                split=split,
                kind="made_up",
                entities=(),
                held_out=False,
                expected=(),
                forbidden=(),
                category="unknown",
                template="made_up",
            )
            for name in names
        ]
    examples += [
        Example(
            question=question,
            answer=GREETING,
            split="train",
            kind="greeting",
            entities=(),
            held_out=False,
            expected=(),
            forbidden=(),
            category="smalltalk",
            template="greeting",
        )
        for question in ("hello", "hi katheryne", "hey there", "hello katheryne", "hi")
    ]
    return examples


def write_tiny_data(path: Path) -> Path:
    from training.examples import write_examples

    write_examples(path, tiny_examples(), {"seed": 0})
    return path


def tiny_config(directory: Path, **overrides: object) -> TrainConfig:
    from training.train import TrainConfig

    options: dict = dict(
        data=write_tiny_data(directory / "training_data.json"),
        output=directory / "assistant_best.pt",
        epochs=30,
        batch_size=4,
        lr=0.02,
        embedding_dim=32,
        hidden_dim=32,
        dropout=0.0,
        patience=1000,
        device="cpu",
        eval_batch_size=32,
        select="loss",
    )
    options.update(overrides)
    return TrainConfig(**options)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path to a checkpoint trained on the tiny data set (about ten seconds on two cores)."""
    from training.train import train

    torch.manual_seed(0)
    return train(tiny_config(tmp_path_factory.mktemp("tiny-model"))).checkpoint
