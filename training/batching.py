"""Turning question/answer pairs into padded tensor batches.

Batches are padded to their own longest sequence, and pairs of similar answer length share a batch
(length bucketing), so little compute is spent on <PAD>. Batch order is still shuffled every epoch.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

import torch
from torch import Tensor
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, Sampler

from assistant.tokenizer import PAD, SOS, Vocab


class PairDataset(Dataset[tuple[Tensor, Tensor]]):
    """Encoded (question ids, <SOS> answer ids <EOS>) pairs."""

    def __init__(self, questions: Sequence[str], answers: Sequence[str], vocab: Vocab, max_length: int = 64) -> None:
        self.items = [
            (
                torch.tensor(vocab.encode(question, max_length) or [PAD], dtype=torch.long),
                torch.tensor([SOS, *vocab.encode(answer, max_length, add_eos=True)], dtype=torch.long),
            )
            for question, answer in zip(questions, answers, strict=True)
        ]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> tuple[Tensor, Tensor]:
        return self.items[index]

    def target_tokens(self) -> int:
        """Number of predicted tokens in one epoch (answer tokens plus <EOS>)."""
        return sum(len(answer) - 1 for _, answer in self.items)


def collate(batch: list[tuple[Tensor, Tensor]]) -> tuple[Tensor, Tensor]:
    questions, answers = zip(*batch)
    return (
        pad_sequence(list(questions), batch_first=True, padding_value=PAD),
        pad_sequence(list(answers), batch_first=True, padding_value=PAD),
    )


class BucketBatchSampler(Sampler[list[int]]):
    """Batches of indices with similar answer lengths, in a new random order each epoch."""

    def __init__(self, lengths: Sequence[int], batch_size: int, *, shuffle: bool = True, seed: int = 0) -> None:
        self.lengths = list(lengths)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random = random.Random(seed)

    def __iter__(self) -> Iterator[list[int]]:
        indices = list(range(len(self.lengths)))
        if self.shuffle:
            self.random.shuffle(indices)
        # Sort within pools of 50 batches: lengths stay close while batch contents still vary.
        pool = self.batch_size * 50
        batches = []
        for start in range(0, len(indices), pool):
            chunk = sorted(indices[start : start + pool], key=self.lengths.__getitem__)
            batches.extend(chunk[i : i + self.batch_size] for i in range(0, len(chunk), self.batch_size))
        if self.shuffle:
            self.random.shuffle(batches)
        return iter(batches)

    def __len__(self) -> int:
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size
