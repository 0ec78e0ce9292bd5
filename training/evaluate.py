"""Scoring a model: loss and token accuracy (teacher forced), and, on its own answers to the
questions end to end (linking, facts, reading), accuracy per category and kind.

Fact accuracy counts answers that state every expected value and no forbidden one; unknown accuracy
counts admissions for made-up names and missing data; "no fact" counts off-topic, smalltalk and
odd input answered without asserting any game fact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

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
class AnswerScores:
    """How a model's own answers grade, end to end (fractions from 0 to 1, and counts)."""

    exact_match: float
    fact_accuracy: float
    unknown_accuracy: float
    held_out_accuracy: float
    """Fact accuracy on questions about entities that never appear in training."""
    no_fact_accuracy: float
    """Share of off-topic and smalltalk input answered without asserting a game fact."""
    pairs: int
    fact_pairs: int
    unknown_pairs: int
    by_kind: dict[str, float]

    def describe(self) -> str:
        """The figures in one line."""
        return (
            f"fact accuracy {self.fact_accuracy:.1%} (held-out entities {self.held_out_accuracy:.1%}), "
            f"unknown questions admitted {self.unknown_accuracy:.1%}, off-topic and small talk without a game "
            f"fact {self.no_fact_accuracy:.1%}, exact match {self.exact_match:.1%}"
        )


@dataclass(frozen=True)
class Metrics(AnswerScores):
    """The answers' scores plus the teacher-forced loss and token accuracy."""

    loss: float
    token_accuracy: float

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def summary(self) -> str:
        return f"{self.describe()}, token accuracy {self.token_accuracy:.1%}, loss {self.loss:.3f}"

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


def score_answers(examples: Sequence[Example], answers: Sequence[str], knowledge: Knowledge) -> AnswerScores:
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
    return AnswerScores(
        exact_match=exact / max(len(examples), 1),
        fact_accuracy=_share(facts),
        unknown_accuracy=_share(unknown),
        held_out_accuracy=_share(held_out),
        no_fact_accuracy=_share(no_fact),
        pairs=len(examples),
        fact_pairs=len(facts),
        unknown_pairs=len(unknown),
        by_kind={kind: _share(rights) for kind, rights in sorted(kinds.items())},
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
) -> AnswerScores:
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
    return Metrics(loss=loss, token_accuracy=token_accuracy, **asdict(scores))
