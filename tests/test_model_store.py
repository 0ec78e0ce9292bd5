"""The model store: promotion keeps the replaced checkpoint, rollback restores it, and a failing disk
never leaves the serving path missing or half-written."""

from __future__ import annotations

import errno
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest

from assistant.checkpoint import CheckpointError, read_metadata, save_checkpoint
from assistant.model import GenshinAssistant
from assistant.tokenizer import Vocab, tokenize
from bot.model_store import ModelStore, NoPreviousModel


def make_checkpoint(path: Path, *, plot: bool = True) -> str:
    """A small real (untrained) checkpoint, optionally with a loss-curve PNG; returns its version."""
    vocab = Vocab.build(Counter(tokenize("what element is hu tao Hu Tao's element is Pyro.")))
    model = GenshinAssistant(len(vocab), embedding_dim=8, hidden_dim=8)
    meta = save_checkpoint(
        path, model, vocab, epoch=1, loss=1.0, config={}, metrics={"test": {"fact_accuracy": 0.5}}, data_hash=path.stem
    )
    if plot:
        path.with_suffix(".png").write_bytes(b"png of " + meta["version"].encode())
    return meta["version"]


def version_at(path: Path) -> str:
    return read_metadata(path)["version"]


def stray_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


@pytest.fixture
def store(tmp_path: Path) -> ModelStore:
    models = tmp_path / "models"
    models.mkdir()
    make_checkpoint(models / "assistant_best.pt")
    return ModelStore(models / "assistant_best.pt")


def test_promote_serves_the_candidate_and_keeps_the_replaced_checkpoint(store, tmp_path):
    old = version_at(store.model_path)
    new = make_checkpoint(tmp_path / "candidate.pt")

    assert store.promote(tmp_path / "candidate.pt") == store.model_path

    assert version_at(store.model_path) == new
    assert not (tmp_path / "candidate.pt").exists()
    previous = store.previous()
    assert previous is not None and previous.version == old
    assert previous.path.parent == store.archive_dir
    assert previous.metrics == {"test": {"fact_accuracy": 0.5}}


def test_the_loss_curve_travels_with_its_checkpoint(store, tmp_path):
    old_plot = store.model_path.with_suffix(".png").read_bytes()
    new = make_checkpoint(tmp_path / "candidate.pt")

    store.promote(tmp_path / "candidate.pt")

    assert store.model_path.with_suffix(".png").read_bytes() == b"png of " + new.encode()
    assert store.previous().path.with_suffix(".png").read_bytes() == old_plot


def test_a_candidate_without_a_loss_curve_leaves_no_stale_one(store, tmp_path):
    make_checkpoint(tmp_path / "candidate.pt", plot=False)
    store.promote(tmp_path / "candidate.pt")
    assert not store.model_path.with_suffix(".png").exists()


def test_only_the_last_few_replaced_checkpoints_are_kept(tmp_path):
    store = ModelStore(tmp_path / "assistant_best.pt", keep=2)
    versions = [make_checkpoint(tmp_path / "assistant_best.pt")]
    for index in range(3):
        versions.append(make_checkpoint(tmp_path / f"candidate{index}.pt"))
        store.promote(tmp_path / f"candidate{index}.pt")

    assert [kept.version for kept in store.history()] == [versions[2], versions[1]]
    assert len(list(store.archive_dir.glob("*.png"))) == 2


def test_rollback_restores_the_previous_checkpoint_and_its_plot(store, tmp_path):
    old = version_at(store.model_path)
    old_plot = store.model_path.with_suffix(".png").read_bytes()
    make_checkpoint(tmp_path / "candidate.pt")
    store.promote(tmp_path / "candidate.pt")

    assert store.rollback() == store.model_path

    assert version_at(store.model_path) == old
    assert store.model_path.with_suffix(".png").read_bytes() == old_plot
    assert store.previous() is None


def test_rolling_back_twice_goes_two_promotions_back(store, tmp_path):
    first = version_at(store.model_path)
    for name in ("a.pt", "b.pt"):
        make_checkpoint(tmp_path / name)
        store.promote(tmp_path / name)
    store.rollback()
    store.rollback()
    assert version_at(store.model_path) == first


def test_rollback_without_a_previous_model_says_so(store):
    with pytest.raises(NoPreviousModel, match="no previous model"):
        store.rollback()


def test_rollback_refuses_a_damaged_kept_checkpoint(store, tmp_path):
    make_checkpoint(tmp_path / "candidate.pt")
    store.promote(tmp_path / "candidate.pt")
    serving = store.model_path.read_bytes()
    store.previous().path.write_bytes(b"truncated")

    with pytest.raises(CheckpointError):
        store.rollback()
    assert store.model_path.read_bytes() == serving


def test_promote_refuses_a_broken_candidate(store, tmp_path):
    serving = store.model_path.read_bytes()
    (tmp_path / "candidate.pt").write_bytes(b"half a checkpoint")

    with pytest.raises(CheckpointError):
        store.promote(tmp_path / "candidate.pt")
    assert store.model_path.read_bytes() == serving
    assert store.previous() is None


def test_the_first_promotion_needs_no_serving_checkpoint(tmp_path):
    store = ModelStore(tmp_path / "models" / "assistant_best.pt")
    (tmp_path / "models").mkdir()
    new = make_checkpoint(tmp_path / "candidate.pt")
    store.promote(tmp_path / "candidate.pt")
    assert version_at(store.model_path) == new
    assert store.previous() is None


def test_a_disk_filling_up_midway_through_a_copy_leaves_the_serving_checkpoint_intact(store, tmp_path, monkeypatch):
    serving = store.model_path.read_bytes()
    make_checkpoint(tmp_path / "candidate.pt")

    real_copy = shutil.copyfileobj

    def copy_half_of_a_checkpoint_then_fail(source, target, *args):
        if not source.name.endswith(".pt"):
            return real_copy(source, target, *args)
        target.write(source.read(100))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(shutil, "copyfileobj", copy_half_of_a_checkpoint_then_fail)
    with pytest.raises(OSError, match="No space left"):
        store.promote(tmp_path / "candidate.pt")

    assert store.model_path.read_bytes() == serving
    assert list(store.archive_dir.iterdir()) == []
    assert stray_files(store.model_path.parent) == []
    assert (tmp_path / "candidate.pt").exists()


def test_a_failed_final_rename_keeps_the_serving_checkpoint_and_no_stray_copy(store, tmp_path, monkeypatch):
    serving = store.model_path.read_bytes()
    make_checkpoint(tmp_path / "candidate.pt")
    real_replace = os.replace

    def replace(source, target):
        if Path(target) == store.model_path:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="No space left"):
        store.promote(tmp_path / "candidate.pt")

    assert store.model_path.read_bytes() == serving
    assert store.previous() is None
    assert list(store.archive_dir.iterdir()) == []


def test_a_candidate_on_another_disk_is_copied_into_place(store, tmp_path, monkeypatch):
    new = make_checkpoint(tmp_path / "candidate.pt")
    real_replace = os.replace

    def replace(source, target):
        if Path(source).parent != Path(target).parent:  # what a rename across filesystems does
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    store.promote(tmp_path / "candidate.pt")

    assert version_at(store.model_path) == new
    assert not (tmp_path / "candidate.pt").exists()
    assert stray_files(store.model_path.parent) == []
