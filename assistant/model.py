"""The attention model behind Katheryne's answers.

`GenshinAssistant` keeps the seed architecture and parameter names: a bidirectional 2-layer LSTM
encoder, a 2-layer LSTM decoder fed with the token embedding plus the attention context, additive
(MLP) attention over [decoder state; encoder output] and an MLP output head.

Built with `copy=True` it adds one layer, the pointer-generator gate of See et al. (2017): at each
step `p_gen = sigmoid(W [context; decoder state; input embedding] + b)` mixes the output head's
distribution (weight `p_gen`) with the attention distribution over the source tokens (weight
`1 - p_gen`), added onto each source token's id. Source words outside the vocabulary have ids
after it (the extended vocabulary, see `Vocab.encode_source`), so the decoder can write names it
never learned. Without the gate the model is the seed model, parameter for parameter.

The attention math is the seed's, computed more cheaply: the first attention layer is linear, so
`W [d; e] + b == W_d d + (W_e e + b)`. The encoder half (`W_e e + b`) is projected once per batch,
and each decoder step only projects its own state. Padded encoder positions are masked out.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple, cast

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from assistant.tokenizer import EOS, PAD, SOS, UNK

LSTMState = tuple[Tensor, Tensor]

COPY_CONTINUATION = 10.0
"""How much likelier generation makes the source token that follows the one just written, where
that one is in the source: a copying decoder loses its place in long names and effects ("Moonsign
Benediction: Force: Analysis Limit Analysis"); this keeps a copy going unless the model clearly
wants to leave it. Chosen on the validation split (fact accuracy 93.3% -> 93.6%, exact match
86.6% -> 88.5%)."""


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to rebuild the model; stored in every checkpoint."""

    vocab_size: int
    embedding_dim: int = 128
    hidden_dim: int = 256
    dropout: float = 0.1
    copy: bool = False

    def to_dict(self) -> dict[str, float | int | bool]:
        return asdict(self)


class Encoded(NamedTuple):
    """Encoder results that every decoder step reuses."""

    outputs: Tensor  # [B, S, 2H]
    keys: Tensor  # [B, S, H]: encoder half of the first attention layer, bias included
    mask: Tensor  # [B, S], True on real tokens
    state: LSTMState  # each [layers, B, 2H]: initial decoder state


class Step(NamedTuple):
    """One decoder step's results."""

    output: Tensor  # [B, 2H]: top decoder layer's new state
    state: LSTMState
    context: Tensor  # [B, 2H]: the attention context this step read
    attention: Tensor  # [B, S]: the attention weights behind it


class GenshinAssistant(nn.Module):
    def __init__(
        self,
        vocab_size: int,
        embedding_dim: int = 128,
        hidden_dim: int = 256,
        dropout: float = 0.1,
        copy: bool = False,
    ) -> None:
        super().__init__()
        self.config = ModelConfig(vocab_size, embedding_dim, hidden_dim, dropout, copy)
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
        if copy:
            self.copy_gate = nn.Linear(hidden_dim * 4 + embedding_dim, 1)

    @classmethod
    def from_config(cls, config: ModelConfig) -> GenshinAssistant:
        return cls(config.vocab_size, config.embedding_dim, config.hidden_dim, config.dropout, config.copy)

    # -- encoder and attention ------------------------------------------------------------------

    def encode(self, queries: Tensor) -> Encoded:
        """Run the encoder once; padded positions never reach the backward direction or attention."""
        mask = queries != PAD
        lengths = mask.sum(dim=1).clamp(min=1)
        embedded = self.dropout(self.embedding(queries))
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        outputs, (hidden, cell) = self.encoder(packed)
        outputs, _ = pad_packed_sequence(outputs, batch_first=True, total_length=queries.size(1))
        projection = self.attention_projection
        keys = nn.functional.linear(outputs, projection.weight[:, self.config.hidden_dim * 2 :], projection.bias)
        return Encoded(outputs, keys, mask, (self._bridge(hidden), self._bridge(cell)))

    @property
    def attention_projection(self) -> nn.Linear:
        """The attention MLP's first layer over [decoder state; encoder output]: its left columns
        project the query (the decoder state), its right columns and bias the keys (encoder outputs)."""
        return cast(nn.Linear, self.attention[0])

    def _decoder_weight(self, name: str) -> Tensor:
        """One of the decoder LSTM's weights or biases by its nn.LSTM name ("weight_ih_l0", ...)."""
        return cast(Tensor, getattr(self.decoder, name))

    def _bridge(self, state: Tensor) -> Tensor:
        """[layers*2, B, H] (forward/backward per layer) -> [layers, B, 2H] for the decoder."""
        layers2, batch, hidden = state.shape
        return state.view(layers2 // 2, 2, batch, hidden).transpose(1, 2).reshape(layers2 // 2, batch, 2 * hidden)

    def attend(self, decoder_state: Tensor, encoded: Encoded) -> tuple[Tensor, Tensor]:
        """Context vector [B, 2H] and attention weights [B, S] for the top decoder layer's state [B, 2H]."""
        query = nn.functional.linear(decoder_state, self.attention_projection.weight[:, : self.config.hidden_dim * 2])
        hidden = self.attention[2](self.attention[1](encoded.keys + query.unsqueeze(1)))
        scores = self.attention[3](hidden).squeeze(-1)
        scores = scores.masked_fill(~encoded.mask, float("-inf"))
        weights = torch.softmax(scores.float(), dim=-1).to(encoded.outputs.dtype)
        return torch.bmm(weights.unsqueeze(1), encoded.outputs).squeeze(1), weights

    def decode_step(self, embedded: Tensor, state: LSTMState, encoded: Encoded) -> Step:
        """One decoder step from an embedded token [B, E]."""
        return self._decoder_cells(self._embedding_gates(embedded), state, encoded)

    def _embedding_gates(self, embedded: Tensor) -> Tensor:
        """The token-embedding share of the first decoder layer's gates (both biases included).

        It does not depend on the previous step, so training computes it for all steps at once.
        """
        weight = self._decoder_weight("weight_ih_l0")[:, : self.config.embedding_dim]
        bias = self._decoder_weight("bias_ih_l0") + self._decoder_weight("bias_hh_l0")
        return nn.functional.linear(embedded, weight, bias)

    def _decoder_cells(self, embedding_gates: Tensor, state: LSTMState, encoded: Encoded) -> Step:
        """The decoder LSTM (same weights and math as `self.decoder`) unrolled by one step.

        Written out cell by cell so the embedding share of the gates can be precomputed; the
        dropout between layers matches nn.LSTM's.
        """
        weight = self._decoder_weight
        hidden, cell = state
        context, attention = self.attend(hidden[-1], encoded)
        gates = (
            embedding_gates
            + nn.functional.linear(context, weight("weight_ih_l0")[:, self.config.embedding_dim :])
            + nn.functional.linear(hidden[0], weight("weight_hh_l0"))
        )
        hidden0, cell0 = _lstm_cell(gates, cell[0])
        layer_input = nn.functional.dropout(hidden0, self.decoder.dropout, self.training)
        gates = nn.functional.linear(layer_input, weight("weight_ih_l1"), weight("bias_ih_l1") + weight("bias_hh_l1"))
        gates = gates + nn.functional.linear(hidden[1], weight("weight_hh_l1"))
        hidden1, cell1 = _lstm_cell(gates, cell[1])
        return Step(hidden1, (torch.stack([hidden0, hidden1]), torch.stack([cell0, cell1])), context, attention)

    # -- training ---------------------------------------------------------------------------------

    def forward(
        self, queries: Tensor, responses: Tensor, source_ids: Tensor | None = None, oov_count: int = 0
    ) -> Tensor:
        """Teacher-forced log-probabilities [B, T-1, V + oov_count].

        `responses` start with <SOS>; position t predicts responses[:, t+1]. A copying model also
        needs `source_ids`, the queries in extended ids, and how many extended ids the batch uses.
        """
        encoded = self.encode(queries)
        embedded = self.dropout(self.embedding(self.known(responses[:, :-1])))
        gates = self._embedding_gates(embedded)
        state = encoded.state
        steps = []
        for position in range(gates.size(1)):
            step = self._decoder_cells(gates[:, position], state, encoded)
            state = step.state
            steps.append(step)
        outputs = torch.stack([step.output for step in steps], dim=1)
        # The output head runs once over all steps: one large matmul instead of T small ones.
        logits = self.output(outputs)
        if not self.config.copy:
            return torch.log_softmax(logits.float(), dim=-1)
        contexts = torch.stack([step.context for step in steps], dim=1)
        attention = torch.stack([step.attention for step in steps], dim=1)
        return self._mix(logits, contexts, outputs, embedded, attention, _required(source_ids), oov_count)

    def known(self, ids: Tensor) -> Tensor:
        """Extended ids with every id past the vocabulary read as <UNK> (a copied word's input)."""
        return ids.masked_fill(ids >= self.config.vocab_size, UNK)

    def _mix(
        self,
        logits: Tensor,
        context: Tensor,
        output: Tensor,
        embedded: Tensor,
        attention: Tensor,
        source_ids: Tensor,
        oov_count: int,
    ) -> Tensor:
        """Log of p_gen * P_vocab + (1 - p_gen) * attention scattered onto the source ids.

        Works on [B, V] / [B, S] (one step) and [B, T, V] / [B, T, S] (all steps) alike.
        """
        generate = torch.sigmoid(self.copy_gate(torch.cat([context, output, embedded], dim=-1)).float())
        probabilities = torch.softmax(logits.float(), dim=-1) * generate
        if oov_count:
            probabilities = torch.cat(
                [probabilities, probabilities.new_zeros(*probabilities.shape[:-1], oov_count)], -1
            )
        index = source_ids if attention.dim() == 2 else source_ids.unsqueeze(1).expand_as(attention)
        probabilities = probabilities.scatter_add(-1, index, attention.float() * (1 - generate))
        return torch.log(probabilities.clamp_min(1e-12))

    def step_log_probs(
        self, tokens: Tensor, state: LSTMState, encoded: Encoded, source_ids: Tensor | None, oov_count: int
    ) -> tuple[Tensor, LSTMState]:
        """Log-probabilities [B, V + oov_count] of the next token after `tokens` [B], and the new state."""
        embedded = self.embedding(self.known(tokens))
        step = self.decode_step(embedded, state, encoded)
        logits = self.output(step.output)
        if not self.config.copy:
            return torch.log_softmax(logits.float(), dim=-1), step.state
        return self._mix(
            logits, step.context, step.output, embedded, step.attention, _required(source_ids), oov_count
        ), step.state

    # -- generation -------------------------------------------------------------------------------

    @torch.inference_mode()
    def generate(
        self,
        queries: Tensor,
        max_length: int = 64,
        beam_size: int = 1,
        source_ids: Tensor | None = None,
        oov_count: int = 0,
        no_repeat_ngram: int = 0,
        copy_continuation: float = COPY_CONTINUATION,
    ) -> list[list[int]]:
        """Answer token ids (extended ids for copied words; no <SOS>/<EOS>) for a padded batch.

        With `no_repeat_ngram` n > 1, greedy search never writes an n-gram a second time unless the
        source holds it (a copying decoder that loses its place otherwise loops: "party members
        party members ..."). Greedy search with a copying model favours continuing a copy by
        `copy_continuation` (see `COPY_CONTINUATION`; 1: not). Beam search needs no such help: its
        hypotheses keep the continuation in reach (on validation beam 3 scores 95.0% without it,
        94.2% with it).
        """
        if beam_size > 1:
            return self._beam_search(queries, max_length, beam_size, source_ids, oov_count)
        encoded = self.encode(queries)
        batch = queries.size(0)
        tokens = torch.full((batch,), SOS, dtype=torch.long, device=queries.device)
        state = encoded.state
        history: list[list[int]] = [[] for _ in range(batch)]
        rows = list(range(batch))  # the answers still being written, by their row in `history`
        # The source's n-grams, which an answer may repeat: a copy, not a loop; so may it repeat
        # what the source itself repeats ("Spirit Blade: ..." as both skill and burst name).
        copies = (
            [ngrams(ids, no_repeat_ngram) | repeated_ngrams(ids, no_repeat_ngram - 1) for ids in source_ids.tolist()]
            if source_ids is not None and no_repeat_ngram > 1
            else None
        )
        for _ in range(max_length):
            log_probs, state = self.step_log_probs(tokens, state, encoded, source_ids, oov_count)
            if source_ids is not None and copy_continuation != 1:
                log_probs = log_probs + continuation_bonus(tokens, source_ids, log_probs.size(-1), copy_continuation)
            if no_repeat_ngram > 1:
                for position, row in enumerate(rows):
                    allowed = copies[row] if copies is not None else ()
                    for token in repeated_ngram_ends(history[row], no_repeat_ngram, allowed):
                        log_probs[position, token] = float("-inf")
            tokens = log_probs.argmax(dim=-1)
            for row, token in zip(rows, tokens.tolist(), strict=True):
                history[row].append(token)
            writing = tokens != EOS
            if not bool(writing.all()):
                # A finished answer leaves the batch: a batch then costs its answers' total length,
                # not its longest answer's length times the batch size.
                if not bool(writing.any()):
                    break
                rows = [row for row, keep in zip(rows, writing.tolist(), strict=True) if keep]
                tokens, encoded = tokens[writing], _select(encoded, writing)
                state = (state[0][:, writing], state[1][:, writing])
                source_ids = None if source_ids is None else source_ids[writing]
        return [_until_eos(row) for row in history]

    def _beam_search(
        self, queries: Tensor, max_length: int, beam_size: int, source_ids: Tensor | None, oov_count: int
    ) -> list[list[int]]:
        """Batched beam search; finished hypotheses keep their score and are ranked by length-normalised
        log-probability."""
        encoded = self.encode(queries)
        batch, device = queries.size(0), queries.device
        expand = lambda t, dim: t.repeat_interleave(beam_size, dim=dim)  # noqa: E731
        encoded = Encoded(
            expand(encoded.outputs, 0),
            expand(encoded.keys, 0),
            expand(encoded.mask, 0),
            (expand(encoded.state[0], 1), expand(encoded.state[1], 1)),
        )
        beam_sources = expand(source_ids, 0) if source_ids is not None else None
        state = encoded.state
        scores = torch.full((batch, beam_size), float("-inf"), device=device)
        scores[:, 0] = 0.0  # all beams start identical: keep one so the first step does not pick duplicates
        tokens = torch.full((batch * beam_size,), SOS, dtype=torch.long, device=device)
        finished = torch.zeros(batch * beam_size, dtype=torch.bool, device=device)
        lengths = torch.zeros(batch * beam_size, device=device)
        history = torch.empty(batch * beam_size, 0, dtype=torch.long, device=device)
        for _ in range(max_length):
            log_probs, state = self.step_log_probs(tokens, state, encoded, beam_sources, oov_count)
            vocab = log_probs.size(-1)
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


def _lstm_cell(gates: Tensor, cell: Tensor) -> tuple[Tensor, Tensor]:
    """nn.LSTM's cell update from precomputed gates (input, forget, cell, output order)."""
    in_gate, forget_gate, cell_gate, out_gate = gates.chunk(4, dim=-1)
    cell = torch.sigmoid(forget_gate) * cell + torch.sigmoid(in_gate) * torch.tanh(cell_gate)
    return torch.sigmoid(out_gate) * torch.tanh(cell), cell


def continuation_bonus(previous: Tensor, source_ids: Tensor, size: int, strength: float) -> Tensor:
    """Log-space bonus [B, size]: log(`strength`) on each source token that follows an occurrence
    of the `previous` token [B] in `source_ids` [B, S] (extended ids), 0 elsewhere."""
    follows = (source_ids[:, :-1] == previous.unsqueeze(1)) & (source_ids[:, 1:] != PAD)
    bonus = follows.float() * math.log(strength)
    return bonus.new_zeros(previous.size(0), size).scatter_reduce(1, source_ids[:, 1:], bonus, reduce="amax")


def repeated_ngram_ends(tokens: Sequence[int], n: int, allowed: Collection[tuple[int, ...]] = ()) -> set[int]:
    """The tokens that would complete, after `tokens`, an n-gram `tokens` already holds, unless that
    n-gram or its last n-1 tokens are `allowed` (the source holds them: "Kamisato Art: Hyouka ...
    Kamisato Art: Soumetsu" is a copy, not a loop)."""
    if len(tokens) < n - 1:
        return set()
    prefix = tuple(tokens[len(tokens) - n + 1 :])
    return {
        tokens[start + n - 1]
        for start in range(len(tokens) - n + 1)
        if tuple(tokens[start : start + n - 1]) == prefix
        and (*prefix, tokens[start + n - 1]) not in allowed
        and (*prefix[1:], tokens[start + n - 1]) not in allowed
    }


def repeated_ngrams(ids: Sequence[int], n: int) -> set[tuple[int, ...]]:
    """The n-grams that occur more than once in `ids`."""
    counts = Counter(tuple(ids[start : start + n]) for start in range(len(ids) - n + 1))
    return {gram for gram, count in counts.items() if count > 1}


def ngrams(ids: Sequence[int], n: int) -> set[tuple[int, ...]]:
    """The n-grams of `ids`."""
    return {tuple(ids[start : start + n]) for start in range(len(ids) - n + 1)}


def _select(encoded: Encoded, rows: Tensor) -> Encoded:
    """The encoder results of the batch rows where `rows` (a boolean mask) is True."""
    hidden, cell = encoded.state
    return Encoded(encoded.outputs[rows], encoded.keys[rows], encoded.mask[rows], (hidden[:, rows], cell[:, rows]))


def _required(source_ids: Tensor | None) -> Tensor:
    if source_ids is None:
        raise ValueError("a copying model needs the source's extended ids")
    return source_ids


def _until_eos(ids: list[int]) -> list[int]:
    return ids[: ids.index(EOS)] if EOS in ids else [i for i in ids if i != PAD]
