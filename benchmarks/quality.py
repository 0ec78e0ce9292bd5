"""Answer quality of a checkpoint on the held-out test split (unseen phrasings).

Prints fact accuracy overall and per kind of question, the share of questions about unknown things
answered "I don't know", and the same figures for the dynamic-int8 model with its speed beside
float32's (one question at a time, on the CPU, in one run). `--worst N` also lists the N phrasing
templates with the most wrong answers, each with one failed question: where more data helps most.
Usage: python -m benchmarks.quality [--model models/assistant_best.pt] [--no-int8] [--worst N]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path
from typing import NamedTuple

import torch

from assistant.checkpoint import load_checkpoint
from assistant.inference import Assistant
from training.data import Pair, is_fact_correct
from training.quantize import quantize_dynamic
from training.train import TrainConfig, load_splits


class Scored(NamedTuple):
    pair: Pair
    answer: str
    correct: bool


def score(assistant: Assistant, pairs: list[Pair], batch_size: int) -> tuple[list[Scored], float]:
    """Every checkable answer (facts and unknown things) with its verdict, and seconds per question."""
    answers: list[str] = []
    started = time.perf_counter()
    for start in range(0, len(pairs), batch_size):
        answers.extend(assistant.answer_batch([p.question for p in pairs[start : start + batch_size]]))
    seconds = (time.perf_counter() - started) / len(pairs)
    scored = [
        Scored(pair, answer, is_fact_correct(pair, answer))
        for pair, answer in zip(pairs, answers)
        if pair.expected or pair.kind == "unknown"
    ]
    return scored, seconds


def share(results: list[Scored]) -> str:
    return f"{sum(r.correct for r in results) / max(len(results), 1):.1%}"


def report(name: str, scored: list[Scored], seconds: float, worst: int) -> None:
    facts = [r for r in scored if r.pair.expected]
    unknown = [r for r in scored if r.pair.kind == "unknown"]
    by_kind: dict[str, list[Scored]] = defaultdict(list)
    for result in facts:
        by_kind[result.pair.kind].append(result)
    kinds = ", ".join(f"{kind} {share(results)} ({len(results)})" for kind, results in sorted(by_kind.items()))
    print(f"{name}: fact accuracy {share(facts)} of {len(facts)} | unknown admitted {share(unknown)} of "
          f"{len(unknown)} | {seconds * 1000:.1f} ms/question")
    print(f"  by kind: {kinds}")
    by_template: dict[str, list[Scored]] = defaultdict(list)
    for result in scored:
        by_template[result.pair.template].append(result)
    failures = {template: sum(not r.correct for r in results) for template, results in by_template.items()}
    ranked = sorted((t for t in by_template if failures[t]), key=lambda t: (-failures[t], len(by_template[t])))
    for template in ranked[:worst]:
        results = by_template[template]
        failed = next(r for r in results if not r.correct)
        print(f"  {template}: {share(results)} of {len(results)}, e.g. {failed.pair.question!r} -> {failed.answer!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=Path("models/assistant_best.pt"))
    parser.add_argument("--data", type=Path, default=Path("training_data.json"))
    parser.add_argument("--no-int8", action="store_true")
    parser.add_argument("--worst", type=int, default=0, metavar="N", help="list the N templates with the most wrong answers")
    options = parser.parse_args()
    test = load_splits(TrainConfig(data=options.data)).test
    loaded = load_checkpoint(options.model, "cpu")
    print(f"model {loaded.meta.get('version')}, {len(test)} test pairs, {torch.get_num_threads()} threads")
    report("float32", *score(Assistant(loaded.model, loaded.vocab), test, batch_size=1), options.worst)
    if not options.no_int8:
        report("int8-dynamic", *score(Assistant(quantize_dynamic(loaded.model), loaded.vocab), test, batch_size=1), 0)


if __name__ == "__main__":
    main()
