"""ONNX export of what answering needs: an encoder graph and a one-step decoder graph.

Generation is a loop, so it is exported as two graphs and the loop stays in the host program
(`OnnxAssistant` shows it with onnxruntime). The encoder graph takes one question at a time
(no padding), which is how an interactive deployment asks.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from torch import Tensor, nn

from assistant.checkpoint import load_checkpoint
from assistant.model import Encoded, GenshinAssistant
from assistant.tokenizer import EOS, SOS, Vocab

OPSET = 17


class EncoderGraph(nn.Module):
    def __init__(self, model: GenshinAssistant) -> None:
        super().__init__()
        self.model = model

    def forward(self, query: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        embedded = self.model.embedding(query)
        outputs, (hidden, cell) = self.model.encoder(embedded)
        first = self.model.attention[0]
        keys = nn.functional.linear(outputs, first.weight[:, self.model.config.hidden_dim * 2 :], first.bias)
        return outputs, keys, self.model._bridge(hidden), self.model._bridge(cell)


class DecoderStepGraph(nn.Module):
    def __init__(self, model: GenshinAssistant) -> None:
        super().__init__()
        self.model = model

    def forward(
        self, token: Tensor, hidden: Tensor, cell: Tensor, outputs: Tensor, keys: Tensor
    ) -> tuple[Tensor, Tensor, Tensor]:
        mask = torch.ones(keys.shape[:2], dtype=torch.bool)
        encoded = Encoded(outputs, keys, mask, (hidden, cell))
        output, (hidden, cell) = self.model.decode_step(self.model.embedding(token), (hidden, cell), encoded)
        return self.model.output(output), hidden, cell


def export(checkpoint: Path, out_dir: Path) -> list[Path]:
    """Write encoder.onnx, decoder_step.onnx and vocab.json into `out_dir`."""
    loaded = load_checkpoint(checkpoint, "cpu")
    model = loaded.model.eval()
    out_dir.mkdir(parents=True, exist_ok=True)
    query = torch.tensor([loaded.vocab.encode("what element is hu tao")], dtype=torch.long)
    with torch.no_grad():
        outputs, keys, hidden, cell = EncoderGraph(model)(query)
    encoder_path, decoder_path, vocab_path = out_dir / "encoder.onnx", out_dir / "decoder_step.onnx", out_dir / "vocab.json"
    torch.onnx.export(
        EncoderGraph(model), (query,), encoder_path, dynamo=False, opset_version=OPSET,
        input_names=["query"], output_names=["outputs", "keys", "hidden", "cell"],
        dynamic_axes={"query": {0: "batch", 1: "source"}, "outputs": {0: "batch", 1: "source"},
                      "keys": {0: "batch", 1: "source"}, "hidden": {1: "batch"}, "cell": {1: "batch"}},
    )
    token = torch.tensor([SOS], dtype=torch.long)
    torch.onnx.export(
        DecoderStepGraph(model), (token, hidden, cell, outputs, keys), decoder_path, dynamo=False, opset_version=OPSET,
        input_names=["token", "hidden", "cell", "outputs", "keys"], output_names=["logits", "next_hidden", "next_cell"],
        dynamic_axes={"token": {0: "batch"}, "hidden": {1: "batch"}, "cell": {1: "batch"},
                      "outputs": {0: "batch", 1: "source"}, "keys": {0: "batch", 1: "source"},
                      "logits": {0: "batch"}, "next_hidden": {1: "batch"}, "next_cell": {1: "batch"}},
    )
    vocab_path.write_text(json.dumps(loaded.vocab.to_dict(), ensure_ascii=False), encoding="utf-8")
    return [encoder_path, decoder_path, vocab_path]


class OnnxAssistant:
    """Greedy answering with onnxruntime only (no PyTorch needed at run time)."""

    def __init__(self, directory: Path) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self.encoder = onnxruntime.InferenceSession(str(directory / "encoder.onnx"), options)
        self.decoder = onnxruntime.InferenceSession(str(directory / "decoder_step.onnx"), options)
        self.vocab = Vocab.from_dict(json.loads((directory / "vocab.json").read_text(encoding="utf-8")))

    def generate_ids(self, question: str, max_length: int = 64) -> list[int]:
        query = np.array([self.vocab.encode(question, max_length)], dtype=np.int64)
        outputs, keys, hidden, cell = self.encoder.run(None, {"query": query})
        token = np.array([SOS], dtype=np.int64)
        generated: list[int] = []
        for _ in range(max_length):
            logits, hidden, cell = self.decoder.run(
                None, {"token": token, "hidden": hidden, "cell": cell, "outputs": outputs, "keys": keys}
            )
            next_id = int(logits[0].argmax())
            if next_id == EOS:
                break
            generated.append(next_id)
            token = np.array([next_id], dtype=np.int64)
        return generated

    def answer(self, question: str) -> str:
        return self.vocab.decode(self.generate_ids(question))
