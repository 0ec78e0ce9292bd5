"""Self-contained checkpoints: weights, vocabulary, model arguments and training record in one file.

Files are written to a temporary name in the same folder and moved into place with `os.replace`, so
a crash or a full disk mid-save leaves the previous checkpoint untouched. Weights are stored in
float16 (half the size on disk) and restored to float32 on load.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import torch

from assistant.atomic import atomic_write
from assistant.model import GenshinAssistant, ModelConfig
from assistant.tokenizer import Vocab


class CheckpointError(Exception):
    """A checkpoint file is missing, unreadable or not a Katheryne checkpoint."""


@dataclass
class Checkpoint:
    model: GenshinAssistant
    vocab: Vocab
    meta: dict[str, Any]


def save_checkpoint(
    path: str | Path,
    model: GenshinAssistant,
    vocab: Vocab,
    *,
    epoch: int,
    loss: float,
    config: dict[str, Any],
    metrics: dict[str, Any],
    data_hash: str,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Atomically write a checkpoint; returns its metadata (everything but the weights)."""
    created = datetime.now(UTC)
    state = {
        name: tensor.detach().to("cpu", torch.float16) if tensor.is_floating_point() else tensor.detach().cpu()
        for name, tensor in model.state_dict().items()
    }
    payload: dict[str, Any] = {
        "epoch": epoch,
        "model_state_dict": state,
        "loss": float(loss),
        "model_args": model.config.to_dict(),
        "vocab": vocab.to_dict(),
        "config": config,
        "metrics": metrics,
        "data_hash": data_hash,
        "created_at": created.isoformat(timespec="seconds"),
        "version": f"{created:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:4]}",
        **(extra or {}),
    }
    with atomic_write(path) as handle:
        torch.save(payload, handle)
    return {key: value for key, value in payload.items() if key != "model_state_dict"}


def read_metadata(path: str | Path) -> dict[str, Any]:
    """Everything in a checkpoint except the weights."""
    payload = _read(path)
    payload.pop("model_state_dict")
    return payload


def load_checkpoint(path: str | Path, device: str | torch.device = "cpu") -> Checkpoint:
    """Rebuild the model (in eval mode, on `device`) and vocabulary from a checkpoint file."""
    payload = _read(path)
    model = GenshinAssistant.from_config(ModelConfig(**payload["model_args"]))
    model.load_state_dict(
        {
            name: tensor.float() if tensor.is_floating_point() else tensor
            for name, tensor in payload.pop("model_state_dict").items()
        }
    )
    model.to(device).eval()
    return Checkpoint(model=model, vocab=Vocab.from_dict(payload["vocab"]), meta=payload)


def _read(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no model checkpoint at {path}")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises many types for truncated or foreign files
        raise CheckpointError(f"{path} is not a readable checkpoint: {error}") from error
    missing = {"model_state_dict", "model_args", "vocab"} - set(payload)
    if missing:
        raise CheckpointError(f"{path} is missing {', '.join(sorted(missing))}")
    return payload
