"""Training throughput: the efficient model vs the straightforward one, side by side.

Both variants train on the same batches of the real training data, alternating in rounds so
machine noise hits both alike. Prints target tokens/s per variant (median over rounds) and the
ratio. Usage: python -m benchmarks.train_throughput [--rounds 5] [--batches 6] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader

from assistant.device import resolve_device
from assistant.model import GenshinAssistant
from assistant.tokenizer import PAD, Vocab
from benchmarks.naive_model import NaiveGenshinAssistant, pad_to
from training.batching import BucketBatchSampler, PairDataset, collate
from training.train import TrainConfig, load_splits


def measure(model: nn.Module, batches: list[tuple[torch.Tensor, torch.Tensor]], device: torch.device) -> float:
    """Target tokens per second over `batches` (forward, backward, optimizer step; AMP on CUDA)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
    criterion = nn.CrossEntropyLoss(ignore_index=PAD)
    cuda = device.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=cuda)
    model.train()
    tokens = 0
    started = time.perf_counter()
    for queries, responses in batches:
        queries, responses = queries.to(device), responses.to(device)
        with torch.autocast(device.type, dtype=torch.float16, enabled=cuda):
            logits = model(queries, responses)
            loss = criterion(logits.reshape(-1, logits.size(-1)).float(), responses[:, 1:].reshape(-1))
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
    train = load_splits(TrainConfig(data=options.data)).train
    vocab = Vocab.build([t for p in train for t in (p.question, p.answer)], [p.answer for p in train])
    dataset = PairDataset([p.question for p in train], [p.answer for p in train], vocab)
    sampler = BucketBatchSampler([len(a) for _, a in dataset.items], options.batch_size, seed=1)
    loader = DataLoader(dataset, batch_sampler=sampler, collate_fn=collate)
    rounds = []
    iterator = iter(loader)
    for _ in range(options.rounds):
        rounds.append([next(iterator) for _ in range(options.batches)])
    efficient = GenshinAssistant(len(vocab)).to(device)
    naive = NaiveGenshinAssistant(len(vocab)).to(device)
    naive.load_state_dict(efficient.state_dict())
    fast, slow = [], []
    for batches in rounds:
        fast.append(measure(efficient, batches, device))
        slow.append(measure(naive, [(pad_to(q, 64), pad_to(r, 65)) for q, r in batches], device))
        print(f"round: efficient {fast[-1]:,.0f} tok/s, straightforward {slow[-1]:,.0f} tok/s", flush=True)
    print(f"{device}, vocabulary {len(vocab)}, batch {options.batch_size}, {torch.get_num_threads()} CPU threads")
    print(f"median target tokens/s: efficient {statistics.median(fast):,.0f}, "
          f"straightforward {statistics.median(slow):,.0f}, ratio {statistics.median(fast) / statistics.median(slow):.1f}x")


if __name__ == "__main__":
    main()
