"""The loss-curve picture saved next to each checkpoint (and shown by the bot's /model)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: training runs headless and in subprocesses

import matplotlib.pyplot as plt  # noqa: E402

from assistant.atomic import atomic_write  # noqa: E402


def plot_loss_curve(history: list[dict[str, float]], path: Path) -> Path:
    """Train and validation loss per epoch as a PNG, written atomically."""
    epochs = [row["epoch"] for row in history]
    figure, axes = plt.subplots(figsize=(6, 3.5), dpi=100)
    axes.plot(epochs, [row["train_loss"] for row in history], marker="o", label="train")
    axes.plot(epochs, [row["val_loss"] for row in history], marker="o", label="validation")
    axes.set_xlabel("epoch")
    axes.set_ylabel("cross-entropy per token")
    axes.set_title("Katheryne training loss")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    with atomic_write(path) as handle:
        figure.savefig(handle, format="png")
    plt.close(figure)
    return path
