"""Dynamic int8 quantization for CPU inference, and its accuracy/speed next to float32.

The encoder LSTM and the output head are quantized. The decoder LSTM, the first attention layer and
the copy gate stay in float32: the decoder's weights are split and unrolled at run time (see
`GenshinAssistant`), which packed int8 layers can't do.
"""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import torch

from assistant.checkpoint import load_checkpoint
from assistant.inference import Reader
from assistant.model import GenshinAssistant
from training.evaluate import AnswerScores, generated_scores
from training.examples import Example

QUANTIZED_MODULES = {"encoder", "output.0", "output.3"}


def quantize_dynamic(model: GenshinAssistant) -> GenshinAssistant:
    """An int8 copy of `model` for CPU inference (the original is left untouched)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao marks eager quantization as deprecated in favour of torchao
        quantized: GenshinAssistant = torch.ao.quantization.quantize_dynamic(
            copy.deepcopy(model).cpu().eval(), QUANTIZED_MODULES, dtype=torch.qint8
        )
    return quantized


def compare_quantized(
    checkpoint: Path, examples: Sequence[Example], reader: Reader, include_int8: bool = True
) -> Iterator[tuple[str, AnswerScores, float]]:
    """(name, scores, seconds per question) for float32 and, optionally, int8 on the CPU."""
    loaded = load_checkpoint(checkpoint, "cpu")
    variants = [("float32", loaded.model)]
    if include_int8:
        variants.append(("int8-dynamic", quantize_dynamic(loaded.model)))
    for name, model in variants:
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = generated_scores(model, loaded.vocab, reader, examples, batch_size=1)
        yield name, scores, (time.perf_counter() - started) / max(len(examples), 1)
