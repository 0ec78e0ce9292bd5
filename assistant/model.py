"""The attention model behind Katheryne's answers.

`GenshinAssistant` keeps the seed architecture and parameter names: a bidirectional 2-layer LSTM
encoder, a 2-layer LSTM decoder fed with the token embedding plus the attention context, additive
(MLP) attention over [decoder state; encoder output] and an MLP output head.

The attention math is the seed's, computed more cheaply: the first attention layer is linear, so
`W [d; e] + b == W_d d + (W_e e + b)`. The encoder half (`W_e e + b`) is projected once per batch,
and each decoder step only projects its own state. Padded encoder positions are masked out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from assistant.tokenizer import EOS, PAD, SOS

LSTMState = tuple[Tensor, Tensor]


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to rebuild the model; stored in every checkpoint."""

    vocab_size: int
    embedding_dim: int = 128
    hidden_dim: int = 256
    dropout: float = 0.1

    def to_dict(self) -> dict[str, float | int]:
        return asdict(self)


class Encoded(NamedTuple):
    """Encoder results that every decoder step reuses."""

    outputs: Tensor  # [B, S, 2H]
    keys: Tensor  # [B, S, H]: encoder half of the first attention layer, bias included
    mask: Tensor  # [B, S], True on real tokens
    state: LSTMState  # each [layers, B, 2H]: initial decoder state


class GenshinAssistant(nn.Module):
    def __init__(
        self, vocab_size: int, embedding_dim: int = 128, hidden_dim: int = 256, dropout: float = 0.1
    ) -> None:
        super().__init__()
        self.config = ModelConfig(vocab_size, embedding_dim, hidden_dim, dropout)
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.dropout = nn.Dropout(dropout)
        self.encoder = nn.LSTM(
            embedding_dim, hidden_dim, num_layers=2, bidirectional=True, batch_first=True, dropout=dropout
        )
        self.decoder = nn.LSTM(
            embedding_dim + hidden_dim * 2, hidden_dim * 2, num_layers=2, batch_first=True, dropout=dropout
        )
        self.attention = nn.Sequential(
            nn.Linear(hidden_dim * 4, hidden_dim), nn.Tanh(), nn.Dropout(dropout), nn.Linear(hidden_dim, 1)
        )
        self.output = nn.Sequential(
            nn.Linear(hidden_dim * 2, hidden_dim), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden_dim, vocab_size)
        )

    @classmethod
    def from_config(cls, config: ModelConfig) -> GenshinAssistant:
        return cls(config.vocab_size, config.embedding_dim, config.hidden_dim, config.dropout)

    # -- encoder and attention ------------------------------------------------------------------

    def encode(self, queries: Tensor) -> Encoded:
        """Run the encoder once; padded positions never reach the backward direction or attention."""
        mask = queries != PAD
        lengths = mask.sum(dim=1).clamp(min=1)
        embedded = self.dropout(self.embedding(queries))
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        outputs, (hidden, cell) = self.encoder(packed)
        outputs, _ = pad_packed_sequence(outputs, batch_first=True, total_length=queries.size(1))
        first = self.attention[0]
        keys = nn.functional.linear(outputs, first.weight[:, self.config.hidden_dim * 2 :], first.bias)
        return Encoded(outputs, keys, mask, (self._bridge(hidden), self._bridge(cell)))

    def _bridge(self, state: Tensor) -> Tensor:
        """[layers*2, B, H] (forward/backward per layer) -> [layers, B, 2H] for the decoder."""
        layers2, batch, hidden = state.shape
        return state.view(layers2 // 2, 2, batch, hidden).transpose(1, 2).reshape(layers2 // 2, batch, 2 * hidden)

    def attend(self, decoder_state: Tensor, encoded: Encoded) -> Tensor:
        """Context vector [B, 2H] for the top decoder layer's state [B, 2H]."""
        first = self.attention[0]
        query = nn.functional.linear(decoder_state, first.weight[:, : self.config.hidden_dim * 2])
        hidden = self.attention[2](self.attention[1](encoded.keys + query.unsqueeze(1)))
        scores = self.attention[3](hidden).squeeze(-1)
        scores = scores.masked_fill(~encoded.mask, float("-inf"))
        weights = torch.softmax(scores.float(), dim=-1).to(encoded.outputs.dtype)
        return torch.bmm(weights.unsqueeze(1), encoded.outputs).squeeze(1)

    def decode_step(self, embedded: Tensor, state: LSTMState, encoded: Encoded) -> tuple[Tensor, LSTMState]:
        """One decoder step from an embedded token [B, E]; returns the top-layer output [B, 2H]."""
        return self._decoder_cells(self._embedding_gates(embedded), state, encoded)

    def _embedding_gates(self, embedded: Tensor) -> Tensor:
        """The token-embedding share of the first decoder layer's gates (both biases included).

        It does not depend on the previous step, so training computes it for all steps at once.
        """
        lstm = self.decoder
        weight = lstm.weight_ih_l0[:, : self.config.embedding_dim]
        return nn.functional.linear(embedded, weight, lstm.bias_ih_l0 + lstm.bias_hh_l0)

    def _decoder_cells(self, embedding_gates: Tensor, state: LSTMState, encoded: Encoded) -> tuple[Tensor, LSTMState]:
        """The decoder LSTM (same weights and math as `self.decoder`) unrolled by one step.

        Written out cell by cell so the embedding share of the gates can be precomputed; the
        dropout between layers matches nn.LSTM's.
        """
        lstm = self.decoder
        hidden, cell = state
        context = self.attend(hidden[-1], encoded)
        gates = (
            embedding_gates
            + nn.functional.linear(context, lstm.weight_ih_l0[:, self.config.embedding_dim :])
            + nn.functional.linear(hidden[0], lstm.weight_hh_l0)
        )
        hidden0, cell0 = _lstm_cell(gates, cell[0])
        layer_input = nn.functional.dropout(hidden0, lstm.dropout, self.training)
        gates = nn.functional.linear(layer_input, lstm.weight_ih_l1, lstm.bias_ih_l1 + lstm.bias_hh_l1)
        gates = gates + nn.functional.linear(hidden[1], lstm.weight_hh_l1)
        hidden1, cell1 = _lstm_cell(gates, cell[1])
        return hidden1, (torch.stack([hidden0, hidden1]), torch.stack([cell0, cell1]))

    # -- training ---------------------------------------------------------------------------------

    def forward(self, queries: Tensor, responses: Tensor) -> Tensor:
        """Teacher-forced logits [B, T-1, V]; `responses` start with <SOS>, logits[:, t] predicts responses[:, t+1]."""
        encoded = self.encode(queries)
        gates = self._embedding_gates(self.dropout(self.embedding(responses[:, :-1])))
        state = encoded.state
        outputs = []
        for step in range(gates.size(1)):
            output, state = self._decoder_cells(gates[:, step], state, encoded)
            outputs.append(output)
        # The output head runs once over all steps: one large matmul instead of T small ones.
        return self.output(torch.stack(outputs, dim=1))

    # -- generation -------------------------------------------------------------------------------

    @torch.inference_mode()
    def generate(self, queries: Tensor, max_length: int = 64, beam_size: int = 1) -> list[list[int]]:
        """Answer token ids (without <SOS>/<EOS>) for a padded batch of queries."""
        if beam_size > 1:
            return self._beam_search(queries, max_length, beam_size)
        encoded = self.encode(queries)
        batch = queries.size(0)
        tokens = torch.full((batch,), SOS, dtype=torch.long, device=queries.device)
        finished = torch.zeros(batch, dtype=torch.bool, device=queries.device)
        state = encoded.state
        steps = []
        for _ in range(max_length):
            output, state = self.decode_step(self.embedding(tokens), state, encoded)
            tokens = self.output(output).argmax(dim=-1)
            tokens = tokens.masked_fill(finished, PAD)
            steps.append(tokens)
            finished |= tokens == EOS
            if bool(finished.all()):
                break
        return [_until_eos(row) for row in torch.stack(steps, dim=1).tolist()]

    def _beam_search(self, queries: Tensor, max_length: int, beam_size: int) -> list[list[int]]:
        """Batched beam search; finished hypotheses keep their score and are ranked by length-normalised log-probability."""
        encoded = self.encode(queries)
        batch, device = queries.size(0), queries.device
        expand = lambda t, dim: t.repeat_interleave(beam_size, dim=dim)  # noqa: E731
        encoded = Encoded(
            expand(encoded.outputs, 0),
            expand(encoded.keys, 0),
            expand(encoded.mask, 0),
            (expand(encoded.state[0], 1), expand(encoded.state[1], 1)),
        )
        state = encoded.state
        scores = torch.full((batch, beam_size), float("-inf"), device=device)
        scores[:, 0] = 0.0  # all beams start identical: keep one so the first step does not pick duplicates
        tokens = torch.full((batch * beam_size,), SOS, dtype=torch.long, device=device)
        finished = torch.zeros(batch * beam_size, dtype=torch.bool, device=device)
        lengths = torch.zeros(batch * beam_size, device=device)
        history = torch.empty(batch * beam_size, 0, dtype=torch.long, device=device)
        vocab = self.config.vocab_size
        for _ in range(max_length):
            output, state = self.decode_step(self.embedding(tokens), state, encoded)
            log_probs = torch.log_softmax(self.output(output).float(), dim=-1)
            # A finished beam may only extend itself with <PAD> at no cost.
            frozen = torch.full_like(log_probs, float("-inf"))
            frozen[:, PAD] = 0.0
            log_probs = torch.where(finished.unsqueeze(1), frozen, log_probs)
            candidates = (scores.view(-1, 1) + log_probs).view(batch, beam_size * vocab)
            scores, flat = candidates.topk(beam_size, dim=-1)
            origin = (flat // vocab) + torch.arange(batch, device=device).unsqueeze(1) * beam_size
            origin = origin.view(-1)
            tokens = (flat % vocab).view(-1)
            state = (state[0][:, origin], state[1][:, origin])
            history = torch.cat([history[origin], tokens.unsqueeze(1)], dim=1)
            finished = finished[origin]
            lengths = lengths[origin] + (~finished).float()
            finished = finished | (tokens == EOS)
            if bool(finished.all()):
                break
        normalised = (scores.view(-1) / lengths.clamp(min=1)).view(batch, beam_size)
        best = normalised.argmax(dim=-1) + torch.arange(batch, device=device) * beam_size
        return [_until_eos(row) for row in history[best].tolist()]

    # -- vocabulary growth ------------------------------------------------------------------------

    def grow_vocab(self, vocab_size: int) -> None:
        """Add rows for new tokens to the embedding and output layer, keeping every learned weight.

        A new word's output row starts as the mean of the old rows, so its score at every step is
        the mean of the old scores: never above the chosen word's, so growing changes no answer to
        a question of known words, yet middling, so the word is quick to learn. (Randomly
        initialised output rows outscore the trained ones and turn every answer into new words.)
        Its embedding starts random, distinct from <UNK>'s, so it can be told apart from the start.
        """
        old = self.config.vocab_size
        if vocab_size < old:
            raise ValueError(f"cannot shrink the vocabulary from {old} to {vocab_size}")
        if vocab_size > old:
            self._reindex_vocab(list(range(old)), vocab_size)
            with torch.no_grad():
                projection = self.output[3]
                projection.weight[old:] = projection.weight[:old].mean(dim=0)
                projection.bias[old:] = projection.bias[:old].mean()

    def keep_vocab_rows(self, rows: Sequence[int]) -> None:
        """Keep only the embedding and output rows `rows`, in that order (for words leaving the vocabulary)."""
        self._reindex_vocab(rows, len(rows))

    def _reindex_vocab(self, rows: Sequence[int], vocab_size: int) -> None:
        """New embedding and output layers of `vocab_size` rows: first the old rows `rows`, then fresh ones."""
        index = torch.as_tensor(list(rows), dtype=torch.long, device=self.embedding.weight.device)
        embedding = nn.Embedding(vocab_size, self.config.embedding_dim).to(self.embedding.weight)
        projection = nn.Linear(self.config.hidden_dim, vocab_size).to(self.output[3].weight)
        with torch.no_grad():
            embedding.weight[: len(index)] = self.embedding.weight[index]
            projection.weight[: len(index)] = self.output[3].weight[index]
            projection.bias[: len(index)] = self.output[3].bias[index]
        self.embedding = embedding
        self.output[3] = projection
        self.config = ModelConfig(vocab_size, self.config.embedding_dim, self.config.hidden_dim, self.config.dropout)


def _lstm_cell(gates: Tensor, cell: Tensor) -> tuple[Tensor, Tensor]:
    """nn.LSTM's cell update from precomputed gates (input, forget, cell, output order)."""
    in_gate, forget_gate, cell_gate, out_gate = gates.chunk(4, dim=-1)
    cell = torch.sigmoid(forget_gate) * cell + torch.sigmoid(in_gate) * torch.tanh(cell_gate)
    return torch.sigmoid(out_gate) * torch.tanh(cell), cell


def _until_eos(ids: list[int]) -> list[int]:
    return ids[: ids.index(EOS)] if EOS in ids else [i for i in ids if i != PAD]
