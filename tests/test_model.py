"""The attention model: shapes, masking, the cached-key attention, generation and vocabulary growth."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from assistant.model import GenshinAssistant
from assistant.tokenizer import EOS, PAD, SOS


@pytest.fixture
def model() -> GenshinAssistant:
    torch.manual_seed(0)
    return GenshinAssistant(vocab_size=50, embedding_dim=16, hidden_dim=12, dropout=0.1).eval()


def batch(lengths: list[int], vocab: int = 50) -> torch.Tensor:
    queries = torch.full((len(lengths), max(lengths)), PAD)
    for row, length in enumerate(lengths):
        queries[row, :length] = torch.randint(4, vocab, (length,))
    return queries


def test_seed_architecture_sizes():
    model = GenshinAssistant(vocab_size=100)
    assert model.embedding.weight.shape == (100, 128)
    assert (model.encoder.hidden_size, model.encoder.num_layers, model.encoder.bidirectional) == (256, 2, True)
    assert (model.decoder.input_size, model.decoder.hidden_size, model.decoder.num_layers) == (128 + 512, 512, 2)
    assert [type(m) for m in model.attention] == [nn.Linear, nn.Tanh, nn.Dropout, nn.Linear]
    assert model.attention[0].in_features == 1024 and model.attention[0].out_features == 256
    assert [type(m) for m in model.output] == [nn.Linear, nn.ReLU, nn.Dropout, nn.Linear]
    assert model.output[0].in_features == 512 and model.output[3].out_features == 100


def test_forward_returns_one_logit_row_per_predicted_token(model):
    queries = batch([5, 3, 7])
    responses = torch.tensor([[SOS, 5, 6, EOS], [SOS, 7, EOS, PAD], [SOS, 8, 9, 10]])
    assert model(queries, responses).shape == (3, 3, 50)


def test_cached_attention_equals_the_seed_formula(model):
    queries = batch([6, 4])
    encoded = model.encode(queries)
    state = torch.randn(2, 24)
    context = model.attend(state, encoded)
    # Seed formula: the attention MLP over the full [decoder state; encoder output] concatenation.
    expanded = state.unsqueeze(1).expand(-1, queries.size(1), -1)
    scores = model.attention(torch.cat([expanded, encoded.outputs], dim=-1)).squeeze(-1)
    scores = scores.masked_fill(queries == PAD, float("-inf"))
    naive = torch.bmm(torch.softmax(scores, -1).unsqueeze(1), encoded.outputs).squeeze(1)
    torch.testing.assert_close(context, naive)


def test_padding_does_not_change_a_questions_encoding_or_answer(model):
    alone = batch([4])
    padded = torch.cat([alone, torch.full((1, 5), PAD)], dim=1)
    torch.testing.assert_close(model.encode(alone).outputs, model.encode(padded).outputs[:, :4])
    assert torch.all(model.encode(padded).outputs[:, 4:] == 0)
    assert model.generate(alone, max_length=8) == model.generate(padded, max_length=8)


def test_padded_positions_get_no_attention(model):
    queries = batch([3, 6])
    encoded = model.encode(queries)
    pad = (queries == PAD).unsqueeze(-1)
    poisoned = encoded._replace(outputs=encoded.outputs.masked_fill(pad, 1e6), keys=encoded.keys.masked_fill(pad, 1e6))
    state = torch.randn(2, 24)
    torch.testing.assert_close(model.attend(state, poisoned), model.attend(state, encoded))


def test_beam_width_one_equals_greedy(model):
    queries = batch([5, 2, 7, 3])
    assert model.generate(queries, max_length=12, beam_size=1) == model._beam_search(queries, 12, 1)


def test_beam_search_returns_one_answer_per_question(model):
    answers = model.generate(batch([5, 2, 7]), max_length=10, beam_size=4)
    assert len(answers) == 3 and all(len(a) <= 10 and EOS not in a for a in answers)


def test_generation_stops_at_max_length(model):
    assert all(len(answer) <= 5 for answer in model.generate(batch([3, 4]), max_length=5))


def test_growing_the_vocabulary_keeps_learned_rows(model):
    embedding = model.embedding.weight.detach().clone()
    projection = model.output[3].weight.detach().clone()
    model.grow_vocab(60)
    assert model.embedding.weight.shape == (60, 16) and model.output[3].out_features == 60
    torch.testing.assert_close(model.embedding.weight[:50], embedding)
    torch.testing.assert_close(model.output[3].weight[:50], projection)
    torch.testing.assert_close(model.output[3].weight[50:], projection.mean(dim=0).expand(10, -1))
    assert model.config.vocab_size == 60
    with pytest.raises(ValueError):
        model.grow_vocab(10)


def test_keeping_vocabulary_rows_keeps_their_weights_in_order(model):
    embedding = model.embedding.weight.detach().clone()
    bias = model.output[3].bias.detach().clone()
    model.keep_vocab_rows([0, 1, 2, 3, 7, 5])
    assert model.embedding.weight.shape == (6, 16) and model.config.vocab_size == 6
    torch.testing.assert_close(model.embedding.weight[4], embedding[7])
    torch.testing.assert_close(model.output[3].bias, bias[[0, 1, 2, 3, 7, 5]])


def test_unrolled_decoder_step_matches_the_decoder_lstm(model):
    encoded = model.encode(batch([5, 3]))
    embedded = torch.randn(2, 16)
    output, (hidden, cell) = model.decode_step(embedded, encoded.state, encoded)
    context = model.attend(encoded.state[0][-1], encoded)
    reference, (ref_hidden, ref_cell) = model.decoder(torch.cat([embedded, context], -1).unsqueeze(1), encoded.state)
    torch.testing.assert_close(output, reference.squeeze(1))
    torch.testing.assert_close(hidden, ref_hidden)
    torch.testing.assert_close(cell, ref_cell)
