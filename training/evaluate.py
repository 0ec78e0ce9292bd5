"""Scoring a model: loss and token accuracy (teacher forced), and, on its own answers to the
questions end to end (linking, facts, reading), accuracy per category and kind.

Fact accuracy counts answers that state every expected value and no forbidden one; unknown accuracy
counts admissions for made-up names and missing data; "no fact" counts off-topic, smalltalk and
odd input answered without asserting any game fact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import torch
from torch.utils.data import DataLoader

from assistant.inference import Assistant, Reader
from assistant.knowledge import Knowledge
from assistant.model import GenshinAssistant
from assistant.tokenizer import PAD, Vocab, normalize
from training.batching import Batch
from training.examples import Example
from training.grading import grade


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
    held_out_accuracy: float = 0.0
    """Fact accuracy on questions about entities that never appear in training."""
    no_fact_accuracy: float = 0.0
    """Share of off-topic and smalltalk input answered without asserting a game fact."""
    by_kind: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def summary(self) -> str:
        return f"{describe(self.to_dict())}, token accuracy {self.token_accuracy:.1%}, loss {self.loss:.3f}"

    @property
    def worst_kind(self) -> tuple[str, float] | None:
        return min(self.by_kind.items(), key=lambda item: item[1]) if self.by_kind else None


def teacher_forced(model: GenshinAssistant, loader: DataLoader[Batch], device: torch.device) -> tuple[float, float]:
    """Mean per-token loss and token accuracy with the reference answer fed in."""
    model.eval()
    total_loss, correct, tokens = 0.0, 0, 0
    with torch.inference_mode():
        for batch in loader:
            responses = batch.responses.to(device)
            log_probs = model(batch.queries.to(device), responses, batch.source_ids.to(device), batch.oov_count)
            targets = responses[:, 1:]
            total_loss += torch.nn.functional.nll_loss(
                log_probs.reshape(-1, log_probs.size(-1)), targets.reshape(-1), ignore_index=PAD, reduction="sum"
            ).item()
            real = targets != PAD
            correct += int(((log_probs.argmax(-1) == targets) & real).sum())
            tokens += int(real.sum())
    return total_loss / max(tokens, 1), correct / max(tokens, 1)


def score_answers(examples: Sequence[Example], answers: Sequence[str], knowledge: Knowledge) -> dict[str, object]:
    """Accuracy by category, for held-out entities and per kind, of generated answers."""
    graded = [(example, grade(example, answer, knowledge)) for example, answer in zip(examples, answers, strict=True)]
    facts = [right for example, right in graded if example.category == "fact"]
    held_out = [right for example, right in graded if example.category == "fact" and example.held_out]
    unknown = [right for example, right in graded if example.category == "unknown"]
    no_fact = [right for example, right in graded if example.category in ("smalltalk", "offtopic")]
    kinds: defaultdict[str, list[bool]] = defaultdict(list)
    for example, right in graded:
        kinds[example.kind].append(right)
    exact = sum(normalize(a) == normalize(e.answer) for e, a in zip(examples, answers, strict=True))
    return {
        "exact_match": exact / max(len(examples), 1),
        "fact_accuracy": _share(facts),
        "unknown_accuracy": _share(unknown),
        "held_out_accuracy": _share(held_out),
        "no_fact_accuracy": _share(no_fact),
        "pairs": len(examples),
        "fact_pairs": len(facts),
        "unknown_pairs": len(unknown),
        "by_kind": {kind: _share(rights) for kind, rights in sorted(kinds.items())},
    }


def describe(scores: Mapping[str, object]) -> str:
    """One line of `score_answers`' figures."""
    return (
        f"fact accuracy {scores['fact_accuracy']:.1%} (held-out entities {scores['held_out_accuracy']:.1%}), "
        f"unknown questions admitted {scores['unknown_accuracy']:.1%}, off-topic and small talk without a game "
        f"fact {scores['no_fact_accuracy']:.1%}, exact match {scores['exact_match']:.1%}"
    )


def _share(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def answer_all(assistant: Assistant, questions: Sequence[str], batch_size: int = 64) -> list[str]:
    answers: list[str] = []
    for start in range(0, len(questions), batch_size):
        answers.extend(assistant.answer_batch(list(questions[start : start + batch_size])))
    return answers


def generated_scores(
    model: GenshinAssistant,
    vocab: Vocab,
    reader: Reader,
    examples: Sequence[Example],
    *,
    batch_size: int = 64,
    max_length: int = 64,
) -> dict[str, object]:
    """score_answers of the model's own greedy answers, end to end (leaves the model in eval mode)."""
    assistant = Assistant(model, vocab, reader=reader, max_length=max_length)
    return score_answers(examples, answer_all(assistant, [e.question for e in examples], batch_size), reader.knowledge)


def evaluate(
    model: GenshinAssistant,
    vocab: Vocab,
    reader: Reader,
    examples: Sequence[Example],
    loader: DataLoader[Batch],
    device: torch.device,
    *,
    batch_size: int = 64,
) -> Metrics:
    loss, token_accuracy = teacher_forced(model, loader, device)
    scores = generated_scores(model, vocab, reader, examples, batch_size=batch_size)
    return Metrics(loss=loss, token_accuracy=token_accuracy, **scores)  # type: ignore[arg-type]
