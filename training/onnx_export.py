"""ONNX export of what answering needs: an encoder graph and a one-step decoder graph.

Generation is a loop, so it is exported as two graphs and the loop stays in the host program
(`OnnxAssistant` shows it with onnxruntime). The encoder graph takes one source (question and
facts) at a time, without padding, which is how an interactive deployment asks.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from assistant.checkpoint import load_checkpoint
from assistant.inference import NO_REPEAT_NGRAM, Reader, Taught, written
from assistant.model import (
    COPY_CONTINUATION,
    Encoded,
    GenshinAssistant,
    continuation_bonus,
    ngrams,
    repeated_ngram_ends,
)
from assistant.tokenizer import EOS, SOS, Vocab

OPSET = 17


class EncoderGraph(nn.Module):
    def __init__(self, model: GenshinAssistant) -> None:
        super().__init__()
        self.model = model

    def forward(self, query: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        embedded = self.model.embedding(query)
        outputs, (hidden, cell) = self.model.encoder(embedded)
        projection = self.model.attention_projection
        keys = nn.functional.linear(outputs, projection.weight[:, self.model.config.hidden_dim * 2 :], projection.bias)
        return outputs, keys, self.model._bridge(hidden), self.model._bridge(cell)


class DecoderStepGraph(nn.Module):
    """One decoder step. Outputs the generation share of the next-token distribution over the
    vocabulary and the copy share over the source positions; the host adds the copy share onto
    the source's extended ids (for a model without the copy gate the copy share is all zeros)."""

    def __init__(self, model: GenshinAssistant) -> None:
        super().__init__()
        self.model = model

    def forward(
        self, token: Tensor, hidden: Tensor, cell: Tensor, outputs: Tensor, keys: Tensor
    ) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        mask = torch.ones(keys.shape[:2], dtype=torch.bool)
        encoded = Encoded(outputs, keys, mask, (hidden, cell))
        embedded = self.model.embedding(self.model.known(token))
        step = self.model.decode_step(embedded, (hidden, cell), encoded)
        probabilities = torch.softmax(self.model.output(step.output), dim=-1)
        if not self.model.config.copy:
            return probabilities, torch.zeros_like(step.attention), step.state[0], step.state[1]
        generate = torch.sigmoid(self.model.copy_gate(torch.cat([step.context, step.output, embedded], dim=-1)))
        return probabilities * generate, step.attention * (1 - generate), step.state[0], step.state[1]


def export(checkpoint: Path, out_dir: Path) -> list[Path]:
    """Write encoder.onnx, decoder_step.onnx, vocab.json and taught.json (what the model writes without
    reading it) into `out_dir`."""
    loaded = load_checkpoint(checkpoint, "cpu")
    model = loaded.model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    query = torch.tensor([loaded.vocab.encode("what element is hu tao")], dtype=torch.long)
    with torch.no_grad():
        outputs, keys, hidden, cell = EncoderGraph(model)(query)
    encoder_path, decoder_path, vocab_path = (
        out_dir / "encoder.onnx",
        out_dir / "decoder_step.onnx",
        out_dir / "vocab.json",
    )
    torch.onnx.export(
        EncoderGraph(model),
        (query,),
        encoder_path,
        dynamo=False,
        opset_version=OPSET,
        input_names=["query"],
        output_names=["outputs", "keys", "hidden", "cell"],
        dynamic_axes={
            "query": {0: "batch", 1: "source"},
            "outputs": {0: "batch", 1: "source"},
            "keys": {0: "batch", 1: "source"},
            "hidden": {1: "batch"},
            "cell": {1: "batch"},
        },
    )
    token = torch.tensor([SOS], dtype=torch.long)
    torch.onnx.export(
        DecoderStepGraph(model),
        (token, hidden, cell, outputs, keys),
        decoder_path,
        dynamo=False,
        opset_version=OPSET,
        input_names=["token", "hidden", "cell", "outputs", "keys"],
        output_names=["generate", "copy", "next_hidden", "next_cell"],
        dynamic_axes={
            "token": {0: "batch"},
            "hidden": {1: "batch"},
            "cell": {1: "batch"},
            "outputs": {0: "batch", 1: "source"},
            "keys": {0: "batch", 1: "source"},
            "generate": {0: "batch"},
            "copy": {0: "batch", 1: "source"},
            "next_hidden": {1: "batch"},
            "next_cell": {1: "batch"},
        },
    )
    vocab_path.write_text(json.dumps(loaded.vocab.to_dict(), ensure_ascii=False), encoding="utf-8")
    taught_path = out_dir / "taught.json"
    taught = {key: loaded.meta.get(key, []) for key in ("no_facts_replies", "frame_words")}
    taught_path.write_text(json.dumps(taught, ensure_ascii=False), encoding="utf-8")
    return [encoder_path, decoder_path, vocab_path, taught_path]


class OnnxAssistant:
    """Greedy answering with onnxruntime for the model (the reader still links and fetches facts), with
    the same no-repeat and copy-continuation rules as `Assistant`."""

    def __init__(self, directory: Path, reader: Reader) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self.encoder = onnxruntime.InferenceSession(str(directory / "encoder.onnx"), options)
        self.decoder = onnxruntime.InferenceSession(str(directory / "decoder_step.onnx"), options)
        self.vocab = Vocab.from_dict(json.loads((directory / "vocab.json").read_text(encoding="utf-8")))
        self.taught = Taught.from_meta(json.loads((directory / "taught.json").read_text(encoding="utf-8")))
        self.reader = reader

    def generate_ids(self, question: str, max_length: int = 64) -> list[int]:
        source = self.reader.source(question)
        ids, extended, oovs = self.vocab.encode_source(source.pieces)
        outputs, keys, hidden, cell = self.encoder.run(None, {"query": np.array([ids], dtype=np.int64)})
        token = np.array([SOS], dtype=np.int64)
        generated: list[int] = []
        copies = ngrams(extended, NO_REPEAT_NGRAM)
        source_ids = torch.tensor([extended])
        for _ in range(max_length):
            generate, copy, hidden, cell = self.decoder.run(
                None, {"token": token, "hidden": hidden, "cell": cell, "outputs": outputs, "keys": keys}
            )
            distribution = np.concatenate([generate[0], np.zeros(len(oovs), dtype=generate.dtype)])
            np.add.at(distribution, np.array(extended), copy[0])
            bonus = continuation_bonus(torch.tensor([token[0]]), source_ids, len(distribution), COPY_CONTINUATION)
            distribution *= np.exp(bonus[0].numpy())
            for banned in repeated_ngram_ends(generated, NO_REPEAT_NGRAM, copies):
                distribution[banned] = -1.0
            next_id = int(distribution.argmax())
            if next_id == EOS:
                break
            generated.append(next_id)
            token = np.array([next_id], dtype=np.int64)
        return generated

    def answer(self, question: str) -> str:
        source = self.reader.source(question)
        _, _, oovs = self.vocab.encode_source(source.pieces)
        return written(self.vocab, self.generate_ids(question), source, oovs, self.taught)
