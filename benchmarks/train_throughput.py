"""Training throughput: the efficient model vs the straightforward one, side by side.

Both variants (the default model's sizes, copy gate included) train on the same batches of the
real training data as the model reads it (question plus facts), alternating in rounds so machine
noise hits both alike. Prints target tokens/s per variant (median over rounds) and the
ratio. Usage: python -m benchmarks.train_throughput [--rounds 5] [--batches 6] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader

from assistant.device import resolve_device
from assistant.facts import MAX_SOURCE_TOKENS
from assistant.inference import Reader
from assistant.knowledge import load_knowledge
from assistant.model import GenshinAssistant
from assistant.tokenizer import PAD
from benchmarks.naive_model import NaiveGenshinAssistant, pad_to
from training.batching import Batch, BucketBatchSampler, ReadingDataset, collate
from training.examples import split_examples
from training.train import TrainConfig
from training.vocabulary import build_vocab


def measure(model: nn.Module, batches: list[Batch], device: torch.device) -> float:
    """Target tokens per second over `batches` (forward, backward, optimizer step; AMP on CUDA)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
    cuda = device.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=cuda)
    model.train()
    tokens = 0
    started = time.perf_counter()
    for batch in batches:
        queries, source_ids, responses = (t.to(device) for t in (batch.queries, batch.source_ids, batch.responses))
        with torch.autocast(device.type, dtype=torch.float16, enabled=cuda):
            log_probs = model(queries, responses, source_ids, batch.oov_count)
            loss = nn.functional.nll_loss(
                log_probs.reshape(-1, log_probs.size(-1)).float(), responses[:, 1:].reshape(-1), ignore_index=PAD
            )
        optimizer.zero_grad()
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
        tokens += int((responses[:, 1:] != PAD).sum())
    if cuda:
        torch.cuda.synchronize()
    return tokens / (time.perf_counter() - started)


def padded(batch: Batch) -> Batch:
    """The straightforward model's batch: every sequence padded to the longest there can be."""
    return Batch(
        pad_to(batch.queries, MAX_SOURCE_TOKENS),
        pad_to(batch.source_ids, MAX_SOURCE_TOKENS),
        pad_to(batch.responses, TrainConfig.max_length + 1),
        batch.oov_count,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("training_data.json"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="auto")
    options = parser.parse_args()
    device = resolve_device(options.device)
    torch.manual_seed(0)
    examples = split_examples(options.data, "train", load_knowledge())
    random.Random(1).shuffle(examples)
    examples = examples[: options.rounds * options.batches * options.batch_size]
    reader = Reader(load_knowledge())
    sources = [reader.source(e.question).pieces for e in examples]
    vocab = build_vocab(sources, [e.answer for e in examples], [e.entities for e in examples])
    dataset = ReadingDataset(sources, [e.answer for e in examples], vocab)
    sampler = BucketBatchSampler(dataset.source_lengths(), options.batch_size, seed=1)
    loader = DataLoader(dataset, batch_sampler=sampler, collate_fn=collate)
    iterator = iter(loader)
    rounds = [[next(iterator) for _ in range(options.batches)] for _ in range(options.rounds)]
    config = TrainConfig()
    efficient = GenshinAssistant(len(vocab), config.embedding_dim, config.hidden_dim, copy=True).to(device)
    naive = NaiveGenshinAssistant(len(vocab), config.embedding_dim, config.hidden_dim, copy=True).to(device)
    naive.load_state_dict(efficient.state_dict())
    fast, slow = [], []
    for batches in rounds:
        fast.append(measure(efficient, batches, device))
        slow.append(measure(naive, [padded(batch) for batch in batches], device))
        print(f"round: efficient {fast[-1]:,.0f} tok/s, straightforward {slow[-1]:,.0f} tok/s", flush=True)
    print(
        f"{device}, vocabulary {len(vocab)}, batch {options.batch_size}, model {config.embedding_dim}/"
        f"{config.hidden_dim} with the copy gate, {torch.get_num_threads()} CPU threads"
    )
    print(
        f"median target tokens/s: efficient {statistics.median(fast):,.0f}, "
        f"straightforward {statistics.median(slow):,.0f}, "
        f"ratio {statistics.median(fast) / statistics.median(slow):.1f}x"
    )


if __name__ == "__main__":
    main()
