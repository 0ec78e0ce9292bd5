"""Turning examples into padded tensor batches for the copying decoder.

Each example is what the model reads (question plus facts, as `Piece`s) and the answer it should
write. Source words outside the vocabulary get extended ids (`Vocab.encode_source`) and answer
words found among them get the same ids, which is what teaches copying. Batches are padded to their
own longest sequence, and examples of similar source length share a batch (length bucketing), so
little compute is spent on <PAD>. Batch order is still shuffled every epoch.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import torch
from torch import Tensor
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, Sampler

from assistant.tokenizer import PAD, SOS, Piece, Vocab


class Encoded(NamedTuple):
    source: Tensor  # ids, <UNK> for unknown words
    extended: Tensor  # extended ids
    target: Tensor  # <SOS> answer ids <EOS>, extended ids for copied unknown words
    oovs: int  # how many extended ids the source uses


class Batch(NamedTuple):
    queries: Tensor
    source_ids: Tensor
    responses: Tensor
    oov_count: int


class ReadingDataset(Dataset[Encoded]):
    """Encoded (source, answer) examples."""

    def __init__(
        self, sources: Sequence[Sequence[Piece]], answers: Sequence[str], vocab: Vocab, max_length: int = 64
    ) -> None:
        self.items: list[Encoded] = []
        for source, answer in zip(sources, answers, strict=True):
            ids, extended, oovs = vocab.encode_source(source)
            target = [SOS, *vocab.encode_target(answer, oovs, max_length)]
            self.items.append(
                Encoded(torch.tensor(ids or [PAD]), torch.tensor(extended or [PAD]), torch.tensor(target), len(oovs))
            )

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Encoded:
        return self.items[index]

    def source_lengths(self) -> list[int]:
        return [len(item.source) for item in self.items]

    def target_tokens(self) -> int:
        """Number of predicted tokens in one epoch (answer tokens plus <EOS>)."""
        return sum(len(item.target) - 1 for item in self.items)


def collate(batch: list[Encoded]) -> Batch:
    return Batch(
        pad_sequence([item.source for item in batch], batch_first=True, padding_value=PAD),
        pad_sequence([item.extended for item in batch], batch_first=True, padding_value=PAD),
        pad_sequence([item.target for item in batch], batch_first=True, padding_value=PAD),
        max(item.oovs for item in batch),
    )


class BucketBatchSampler(Sampler[list[int]]):
    """Batches of indices with similar lengths, in a new random order each epoch."""

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
        batches: list[list[int]] = []
        for start in range(0, len(indices), pool):
            chunk = sorted(indices[start : start + pool], key=self.lengths.__getitem__)
            batches.extend(chunk[i : i + self.batch_size] for i in range(0, len(chunk), self.batch_size))
        if self.shuffle:
            self.random.shuffle(batches)
        return iter(batches)

    def __len__(self) -> int:
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size
