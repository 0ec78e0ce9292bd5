"""A straightforward implementation of the same model, kept only as the benchmark baseline.

Same parameters and math as `GenshinAssistant` (copy gate included), written the obvious way: the
attention MLP runs over the full [decoder state; encoder output] concatenation at every step, the
encoder reads the padding too, the decoder LSTM, the output head and the copy mixture are called
once per step, and every batch is padded to the maximum lengths.
"""

from __future__ import annotations

import torch
from torch import Tensor

from assistant.model import GenshinAssistant
from assistant.tokenizer import PAD


class NaiveGenshinAssistant(GenshinAssistant):
    def forward(
        self, queries: Tensor, responses: Tensor, source_ids: Tensor | None = None, oov_count: int = 0
    ) -> Tensor:
        outputs, (hidden, cell) = self.encoder(self.dropout(self.embedding(queries)))
        state = (self._bridge(hidden), self._bridge(cell))
        mask = queries != PAD
        steps = []
        for step in range(responses.size(1) - 1):
            decoder_state = state[0][-1].unsqueeze(1).expand(-1, outputs.size(1), -1)
            scores = self.attention(torch.cat([decoder_state, outputs], dim=-1)).squeeze(-1)
            weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
            context = torch.bmm(weights.unsqueeze(1), outputs).squeeze(1)
            token = self.dropout(self.embedding(self.known(responses[:, step])))
            output, state = self.decoder(torch.cat([token, context], dim=-1).unsqueeze(1), state)
            logits = self.output(output.squeeze(1))
            if self.config.copy and source_ids is not None:
                steps.append(self._mix(logits, context, output.squeeze(1), token, weights, source_ids, oov_count))
            else:
                steps.append(torch.log_softmax(logits, dim=-1))
        return torch.stack(steps, dim=1)


def pad_to(batch: Tensor, length: int) -> Tensor:
    """Pad a [B, L] batch with <PAD> to exactly `length` columns."""
    return torch.nn.functional.pad(batch, (0, length - batch.size(1)), value=PAD)
