"""Answering questions with a trained checkpoint: the API the bot, the console and scripts use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch.nn.utils.rnn import pad_sequence

from assistant.checkpoint import load_checkpoint
from assistant.device import resolve_device
from assistant.model import GenshinAssistant
from assistant.tokenizer import PAD, Vocab

MAX_LENGTH = 64
DEFAULT_MODEL_PATH = Path("models/assistant_best.pt")


class Assistant:
    """A loaded model plus its vocabulary; turns question strings into answer strings."""

    def __init__(
        self,
        model: GenshinAssistant,
        vocab: Vocab,
        meta: dict[str, Any] | None = None,
        *,
        beam_size: int = 1,
        max_length: int = MAX_LENGTH,
    ) -> None:
        self.model = model.eval()
        self.vocab = vocab
        self.meta = dict(meta or {})
        self.beam_size = beam_size
        self.max_length = max_length

    @classmethod
    def load(cls, path: str | Path = DEFAULT_MODEL_PATH, device: str = "auto", beam_size: int = 1) -> Assistant:
        checkpoint = load_checkpoint(path, resolve_device(device))
        return cls(checkpoint.model, checkpoint.vocab, checkpoint.meta, beam_size=beam_size)

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "untrained"))

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def encode_question(self, question: str) -> list[int]:
        """Token ids of a question; words the model never saw become <UNK>, long input is truncated."""
        if not isinstance(question, str) or not question.strip():
            raise ValueError("the question is empty")
        ids = self.vocab.encode(question, max_length=self.max_length)
        if not ids:
            raise ValueError("the question has no words to read")
        return ids

    def answer(self, question: str) -> str:
        return self.answer_batch([question])[0]

    def answer_batch(self, questions: list[str]) -> list[str]:
        """Answers in the order of `questions`, generated in one batched pass."""
        if not questions:
            return []
        encoded = [torch.tensor(self.encode_question(q), dtype=torch.long) for q in questions]
        queries = pad_sequence(encoded, batch_first=True, padding_value=PAD).to(self.device)
        generated = self.model.generate(queries, max_length=self.max_length, beam_size=self.beam_size)
        return [self.vocab.decode(ids) for ids in generated]


def load_model(path: str | Path = DEFAULT_MODEL_PATH) -> Assistant:
    """Load a checkpoint for answering (seed API)."""
    return Assistant.load(path)


def generate_response(model: Assistant, query: str, max_length: int = MAX_LENGTH) -> str:
    """Answer one question (seed API)."""
    if max_length == model.max_length:
        return model.answer(query)
    return Assistant(model.model, model.vocab, model.meta, beam_size=model.beam_size, max_length=max_length).answer(query)
