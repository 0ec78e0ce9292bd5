"""Answer quality on the test split, the model next to the no-model reference, in one run.

The test split holds out what users bring that training never had: characters, weapons and
artifact sets the model never trained on (held-out entities), phrasing families it never saw, and
noise (typos, nicknames, titles, chatty openers, an unrelated item named first). Both answerers get
the same questions end to end and the same grading (training/grading.py). Prints, per answerer:
fact accuracy overall, on held-out entities and per kind; unknowns admitted; off-topic and small
talk answered without a game fact; milliseconds per question. `--worst N` lists the model's N
weakest kinds with a failed example each; `--int8` adds the dynamic-int8 model. `--model` may be
given more than once to score a candidate next to the shipped model in the same run.
Usage: python -m benchmarks.quality [--model models/assistant_best.pt ...] [--worst N] [--int8]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import torch

from assistant.checkpoint import load_checkpoint
from assistant.inference import Assistant, Reader
from assistant.knowledge import load_knowledge
from benchmarks.reference import Reference
from training.evaluate import AnswerScores, answer_all, score_answers
from training.examples import Example, split_examples
from training.grading import grade
from training.quantize import quantize_dynamic


def run(name: str, answer: Callable[[Sequence[str]], list[str]], test: list[Example], worst: int) -> AnswerScores:
    knowledge = load_knowledge()
    started = time.perf_counter()
    answers = answer([e.question for e in test])
    seconds = (time.perf_counter() - started) / len(test)
    scores = score_answers(test, answers, knowledge)
    print(f"{name}: {scores.describe()} | {seconds * 1000:.1f} ms/question")
    print("  by kind: " + ", ".join(f"{kind} {share:.0%}" for kind, share in scores.by_kind.items()))
    for kind, share in sorted(scores.by_kind.items(), key=lambda item: item[1])[:worst]:
        failed = (
            next((e, a) for e, a in zip(test, answers, strict=True) if e.kind == kind and not grade(e, a, knowledge))
            if share < 1
            else None
        )
        example = f", e.g. {failed[0].question!r} -> {failed[1]!r}" if failed else ""
        print(f"  worst: {kind} {share:.1%}{example}")
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--model",
        type=Path,
        action="append",
        help="a checkpoint to score; repeat to compare (default: models/assistant_best.pt)",
    )
    parser.add_argument("--data", type=Path, default=Path("training_data.json"))
    parser.add_argument("--worst", type=int, default=0, metavar="N", help="list the model's N weakest kinds")
    parser.add_argument("--int8", action="store_true", help="also score the dynamic-int8 model")
    parser.add_argument("--batch-size", type=int, default=64)
    options = parser.parse_args()
    paths = options.model or [Path("models/assistant_best.pt")]
    test = split_examples(options.data, "test", load_knowledge())
    reader = Reader(load_knowledge())
    held_out = sum(e.held_out for e in test)
    print(
        f"test split: {len(test)} questions ({held_out} about held-out entities, held-out phrasings, noisy); "
        f"{torch.get_num_threads()} threads"
    )
    about = [e for e in test if e.entities]
    linked = sum(set(e.entities) <= set(reader.entity_keys(e.question)) for e in about)
    print(
        f"linker on the test split: {linked / len(about):.1%} of {len(about)} questions about named entities "
        "link every entity they ask about"
    )
    reference = Reference(load_knowledge())
    run("no-model reference", lambda questions: [reference.answer(q) for q in questions], test, 0)
    for path in paths:
        loaded = load_checkpoint(path, "cpu")
        model = Assistant(loaded.model, loaded.vocab, loaded.meta, reader=reader)
        run(f"model {path}", partial(answer_all, model, batch_size=options.batch_size), test, options.worst)
        if options.int8:
            quantized = Assistant(quantize_dynamic(loaded.model), loaded.vocab, loaded.meta, reader=reader)
            run(f"model {path} int8", partial(answer_all, quantized, batch_size=options.batch_size), test, 0)


if __name__ == "__main__":
    main()
