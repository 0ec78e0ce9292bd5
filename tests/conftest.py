"""Shared fixtures: a tiny but really trained model, so tests exercise real generation cheaply."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import torch

# Tests train and generate with tiny models: one thread is faster for them and leaves the
# other core free for the subprocesses and servers some tests start.
torch.set_num_threads(1)

if TYPE_CHECKING:
    from training.train import TrainConfig


# Three facts asked a few ways, an unknown entity, and a greeting: enough for a 32-unit model to
# learn in a few seconds, so tests can assert on real answers.
TINY_FACTS = [
    ("hu tao", "Hu Tao's element is Pyro.", "pyro", ["hydro", "cryo"]),
    ("diluc", "Diluc's element is Pyro.", "pyro", ["hydro", "cryo"]),
    ("xingqiu", "Xingqiu's element is Hydro.", "hydro", ["pyro", "cryo"]),
    ("ayaka", "Ayaka's element is Cryo.", "cryo", ["pyro", "hydro"]),
]
TRAIN_TEMPLATES = ["what element is {}", "{} element", "what is {}'s vision", "{} vision?"]
HELD_OUT_TEMPLATES = ["which element does {} have", "element of {}"]
UNKNOWN = "Sorry, I don't have information about that."


def tiny_rows() -> list[tuple[str, str, str, dict]]:
    rows = []
    for name, answer, expected, forbidden in TINY_FACTS:
        check = {"kind": "fact", "fact": f"{name}:element", "expected": [expected], "forbidden": forbidden}
        for index, template in enumerate(TRAIN_TEMPLATES):
            rows.append((template.format(name), answer, "train", {**check, "template": f"element-{index}"}))
        for split, template in zip(("validation", "test"), HELD_OUT_TEMPLATES):
            rows.append((template.format(name), answer, split, {**check, "template": f"held-{split}"}))
    for split, names in (("train", ["blorp", "zanthu", "quib"]), ("validation", ["mexa"]), ("test", ["trodd"])):
        for name in names:
            unknown = {"kind": "unknown", "fact": f"unknown:{name}", "template": "unknown", "expected": [], "forbidden": []}
            rows.append((f"what element is {name}", UNKNOWN, split, unknown))
    for question in ("hello", "hi katheryne"):
        rows.append((question, "Hello, traveler! Ask me about Genshin Impact.", "train",
                     {"kind": "smalltalk", "fact": "greeting", "template": "greeting", "expected": [], "forbidden": []}))
    return rows


def write_tiny_data(path: Path) -> Path:
    rows = tiny_rows()
    path.write_text(json.dumps({
        "queries": [r[0] for r in rows], "responses": [r[1] for r in rows],
        "splits": [r[2] for r in rows], "checks": [r[3] for r in rows],
    }), encoding="utf-8")
    return path


def tiny_config(directory: Path, **overrides: object) -> "TrainConfig":
    from training.train import TrainConfig

    options: dict = dict(
        data=write_tiny_data(directory / "training_data.json"), output=directory / "assistant_best.pt",
        epochs=30, batch_size=4, lr=0.02, embedding_dim=32, hidden_dim=32, dropout=0.0, patience=1000,
        device="cpu", eval_batch_size=32,
    )
    options.update(overrides)
    return TrainConfig(**options)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path to a checkpoint trained on the tiny data set (about ten seconds on two cores)."""
    from training.train import train

    torch.manual_seed(0)
    return train(tiny_config(tmp_path_factory.mktemp("tiny-model"))).checkpoint
