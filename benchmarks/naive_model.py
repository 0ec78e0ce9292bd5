"""A straightforward implementation of the same model, kept only as the benchmark baseline.

Same parameters and math as `GenshinAssistant`, written the obvious way: the attention MLP runs
over the full [decoder state; encoder output] concatenation at every step, the decoder LSTM and the
output head are called once per step, and every batch is padded to the maximum length.
"""

from __future__ import annotations

import torch
from torch import Tensor

from assistant.model import GenshinAssistant
from assistant.tokenizer import PAD


class NaiveGenshinAssistant(GenshinAssistant):
    def forward(self, queries: Tensor, responses: Tensor) -> Tensor:
        embedded = self.dropout(self.embedding(queries))
        outputs, (hidden, cell) = self.encoder(embedded)
        state = (self._bridge(hidden), self._bridge(cell))
        mask = queries != PAD
        logits = []
        for step in range(responses.size(1) - 1):
            decoder_state = state[0][-1].unsqueeze(1).expand(-1, outputs.size(1), -1)
            scores = self.attention(torch.cat([decoder_state, outputs], dim=-1)).squeeze(-1)
            weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
            context = torch.bmm(weights.unsqueeze(1), outputs).squeeze(1)
            token = self.dropout(self.embedding(responses[:, step]))
            output, state = self.decoder(torch.cat([token, context], dim=-1).unsqueeze(1), state)
            logits.append(self.output(output.squeeze(1)))
        return torch.stack(logits, dim=1)


def pad_to(batch: Tensor, length: int) -> Tensor:
    """Pad a [B, L] batch with <PAD> to exactly `length` columns."""
    return torch.nn.functional.pad(batch, (0, length - batch.size(1)), value=PAD)
