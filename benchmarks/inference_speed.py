"""Inference speed of a checkpoint on this machine, end to end (linking, facts, reading).

Prints the latency of one question (median and p90 over test-split questions), the share of it
spent linking and fetching facts, and the throughput of `answer_batch` at batch 32 against answering
the same questions one by one, in one run. `--beam-size N` adds the latency of one question with
beam search of width N, measured alternately with greedy so both see the same host load.
Usage: python -m benchmarks.inference_speed [--model models/assistant_best.pt] [--questions 96] [--beam-size 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch

from assistant.inference import Assistant
from training.examples import split_examples


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=Path("models/assistant_best.pt"))
    parser.add_argument("--data", type=Path, default=Path("training_data.json"))
    parser.add_argument("--device", default="auto")
    parser.add_argument("--questions", type=int, default=96)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--beam-size", type=int, default=1, help="also time beam search of this width")
    options = parser.parse_args()
    assistant = Assistant.load(options.model, device=options.device)
    test = [e.question for e in split_examples(options.data, "test", assistant.reader.knowledge)]
    questions = test[:: max(1, len(test) // options.questions)][: options.questions]
    assistant.answer_batch(questions[:4])  # warm-up

    reading = []
    for question in questions:
        begin = time.perf_counter()
        assistant.reader.source(question)
        reading.append((time.perf_counter() - begin) * 1000)

    latencies = []
    started = time.perf_counter()
    for question in questions:
        begin = time.perf_counter()
        assistant.answer(question)
        latencies.append((time.perf_counter() - begin) * 1000)
    one_by_one = len(questions) / (time.perf_counter() - started)

    started = time.perf_counter()
    for start in range(0, len(questions), options.batch_size):
        assistant.answer_batch(questions[start : start + options.batch_size])
    batched = len(questions) / (time.perf_counter() - started)

    print(
        f"device {assistant.device}, {torch.get_num_threads()} threads, model {assistant.version}, "
        f"{len(questions)} test-split questions"
    )
    print(
        f"one question end to end: median {statistics.median(latencies):.1f} ms, "
        f"p90 {percentile(latencies, 0.9):.1f} ms (linking and facts: median {statistics.median(reading):.2f} ms)"
    )
    print(
        f"throughput: one by one {one_by_one:.1f} q/s, batch {options.batch_size} {batched:.1f} q/s, "
        f"ratio {batched / one_by_one:.1f}x"
    )
    if options.beam_size > 1:
        beam = Assistant(
            assistant.model, assistant.vocab, assistant.meta, reader=assistant.reader, beam_size=options.beam_size
        )
        timed: dict[int, list[float]] = {1: [], options.beam_size: []}
        for question in questions:
            for answerer in (assistant, beam):
                begin = time.perf_counter()
                answerer.answer(question)
                timed[answerer.beam_size].append((time.perf_counter() - begin) * 1000)
        greedy_ms, beam_ms = (statistics.median(timed[size]) for size in (1, options.beam_size))
        print(
            f"beam {options.beam_size}: median {beam_ms:.1f} ms against greedy's {greedy_ms:.1f} ms "
            f"side by side, {beam_ms / greedy_ms:.1f}x"
        )


if __name__ == "__main__":
    main()
