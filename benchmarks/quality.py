"""Answer quality of a checkpoint on the held-out test split (unseen phrasings).

Prints fact accuracy overall and per kind of question, the share of questions about unknown things
answered "I don't know", and the same figures for the dynamic-int8 model with its speed beside
float32's (one question at a time, on the CPU, in one run).
Usage: python -m benchmarks.quality [--model models/assistant_best.pt] [--no-int8]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

import torch

from assistant.checkpoint import load_checkpoint
from assistant.inference import Assistant
from training.data import is_fact_correct, is_unknown_reply
from training.quantize import quantize_dynamic
from training.train import TrainConfig, load_splits


def score(assistant: Assistant, pairs: list, batch_size: int) -> tuple[dict[str, list[bool]], list[bool], float]:
    """Per-kind fact correctness, unknown admissions, and seconds per question."""
    answers: list[str] = []
    started = time.perf_counter()
    for start in range(0, len(pairs), batch_size):
        answers.extend(assistant.answer_batch([p.question for p in pairs[start : start + batch_size]]))
    seconds = (time.perf_counter() - started) / len(pairs)
    facts: dict[str, list[bool]] = defaultdict(list)
    unknown: list[bool] = []
    for pair, answer in zip(pairs, answers):
        if pair.expected:
            facts[pair.kind].append(is_fact_correct(pair, answer))
        elif pair.kind == "unknown":
            unknown.append(is_unknown_reply(answer))
    return facts, unknown, seconds


def report(name: str, facts: dict[str, list[bool]], unknown: list[bool], seconds: float) -> None:
    every = [ok for oks in facts.values() for ok in oks]
    kinds = ", ".join(f"{kind} {sum(oks) / len(oks):.1%} ({len(oks)})" for kind, oks in sorted(facts.items()))
    print(f"{name}: fact accuracy {sum(every) / len(every):.1%} of {len(every)} | unknown admitted "
          f"{sum(unknown) / max(len(unknown), 1):.1%} of {len(unknown)} | {seconds * 1000:.1f} ms/question")
    print(f"  by kind: {kinds}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=Path("models/assistant_best.pt"))
    parser.add_argument("--data", type=Path, default=Path("training_data.json"))
    parser.add_argument("--no-int8", action="store_true")
    options = parser.parse_args()
    test = load_splits(TrainConfig(data=options.data)).test
    loaded = load_checkpoint(options.model, "cpu")
    print(f"model {loaded.meta.get('version')}, {len(test)} test pairs, {torch.get_num_threads()} threads")
    report("float32", *score(Assistant(loaded.model, loaded.vocab), test, batch_size=1))
    if not options.no_int8:
        report("int8-dynamic", *score(Assistant(quantize_dynamic(loaded.model), loaded.vocab), test, batch_size=1))


if __name__ == "__main__":
    main()
