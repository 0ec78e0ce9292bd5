"""Scoring a model on held-out pairs: loss and token accuracy (teacher forced), and on its own
generated answers exact match, fact accuracy and how often it admits not knowing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.utils.data import DataLoader

from assistant.inference import Assistant
from assistant.model import GenshinAssistant
from assistant.tokenizer import PAD, Vocab, normalize
from training.batching import BucketBatchSampler, PairDataset, collate
from training.data import Pair, is_fact_correct, is_unknown_reply


@dataclass(frozen=True)
class Metrics:
    loss: float
    token_accuracy: float
    exact_match: float
    fact_accuracy: float
    unknown_accuracy: float
    pairs: int
    fact_pairs: int
    unknown_pairs: int

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"fact accuracy {self.fact_accuracy:.1%}, unknown questions admitted {self.unknown_accuracy:.1%}, "
            f"exact match {self.exact_match:.1%}, token accuracy {self.token_accuracy:.1%}, loss {self.loss:.3f}"
        )


def teacher_forced(
    model: GenshinAssistant, loader: DataLoader, device: torch.device, amp: bool = False
) -> tuple[float, float]:
    """Mean per-token loss and token accuracy with the reference answer fed in."""
    criterion = nn.CrossEntropyLoss(ignore_index=PAD, reduction="sum")
    model.eval()
    total_loss, correct, tokens = 0.0, 0, 0
    with torch.inference_mode(), torch.autocast(device.type, dtype=torch.float16, enabled=amp):
        for queries, responses in loader:
            queries, responses = queries.to(device), responses.to(device)
            logits = model(queries, responses)
            targets = responses[:, 1:]
            total_loss += criterion(logits.reshape(-1, logits.size(-1)).float(), targets.reshape(-1)).item()
            real = targets != PAD
            correct += ((logits.argmax(-1) == targets) & real).sum().item()
            tokens += real.sum().item()
    return total_loss / max(tokens, 1), correct / max(tokens, 1)


def score_answers(pairs: Sequence[Pair], answers: Sequence[str]) -> dict[str, float | int]:
    """Exact match, fact accuracy and unknown-admission rate of generated answers."""
    facts = [(p, a) for p, a in zip(pairs, answers) if p.expected]
    unknowns = [(p, a) for p, a in zip(pairs, answers) if p.kind == "unknown"]
    exact = sum(normalize(a) == normalize(p.answer) for p, a in zip(pairs, answers))
    return {
        "exact_match": exact / max(len(pairs), 1),
        "fact_accuracy": sum(is_fact_correct(p, a) for p, a in facts) / max(len(facts), 1),
        "unknown_accuracy": sum(is_unknown_reply(a) for _, a in unknowns) / max(len(unknowns), 1),
        "pairs": len(pairs),
        "fact_pairs": len(facts),
        "unknown_pairs": len(unknowns),
    }


def evaluate(
    model: GenshinAssistant,
    vocab: Vocab,
    pairs: Sequence[Pair],
    device: torch.device,
    *,
    batch_size: int = 64,
    max_length: int = 64,
) -> Metrics:
    dataset = PairDataset([p.question for p in pairs], [p.answer for p in pairs], vocab, max_length)
    sampler = BucketBatchSampler([len(a) for _, a in dataset.items], batch_size, shuffle=False)
    loss, token_accuracy = teacher_forced(model, DataLoader(dataset, batch_sampler=sampler, collate_fn=collate), device)
    scores = generated_scores(model, vocab, pairs, batch_size=batch_size, max_length=max_length)
    return Metrics(loss=loss, token_accuracy=token_accuracy, **scores)  # type: ignore[arg-type]


def generated_scores(
    model: GenshinAssistant, vocab: Vocab, pairs: Sequence[Pair], *, batch_size: int = 64, max_length: int = 64
) -> dict[str, float | int]:
    """score_answers of the model's own greedy answers (leaves the model in eval mode)."""
    assistant = Assistant(model, vocab, max_length=max_length)
    answers: list[str] = []
    for start in range(0, len(pairs), batch_size):
        answers.extend(assistant.answer_batch([p.question for p in pairs[start : start + batch_size]]))
    return score_answers(pairs, answers)
