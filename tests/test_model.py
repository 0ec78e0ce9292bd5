"""The attention model: shapes, masking, the cached-key attention, generation and the copy gate."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from assistant.model import GenshinAssistant, continuation_bonus, ngrams, repeated_ngram_ends, repeated_ngrams
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


def test_forward_returns_one_distribution_per_predicted_token(model):
    queries = batch([5, 3, 7])
    responses = torch.tensor([[SOS, 5, 6, EOS], [SOS, 7, EOS, PAD], [SOS, 8, 9, 10]])
    log_probs = model(queries, responses)
    assert log_probs.shape == (3, 3, 50)
    torch.testing.assert_close(log_probs.exp().sum(-1), torch.ones(3, 3))


def test_a_model_without_the_copy_gate_is_the_seed_model():
    torch.manual_seed(0)
    seed = GenshinAssistant(vocab_size=50, embedding_dim=16, hidden_dim=12)
    torch.manual_seed(0)
    copying = GenshinAssistant(vocab_size=50, embedding_dim=16, hidden_dim=12, copy=True)
    assert set(copying.state_dict()) - set(seed.state_dict()) == {"copy_gate.weight", "copy_gate.bias"}
    assert all(torch.equal(tensor, copying.state_dict()[name]) for name, tensor in seed.state_dict().items())
    assert not hasattr(seed, "copy_gate") and seed.config.copy is False
    # The seed's distribution: softmax of the output head over the decoder state.
    seed.eval()
    queries, responses = batch([4, 6]), torch.tensor([[SOS, 5, 6], [SOS, 7, 8]])
    encoded = seed.encode(queries)
    step = seed.decode_step(seed.embedding(responses[:, 0]), encoded.state, encoded)
    torch.testing.assert_close(seed(queries, responses)[:, 0], torch.log_softmax(seed.output(step.output), -1))


def copying_model() -> GenshinAssistant:
    torch.manual_seed(0)
    return GenshinAssistant(vocab_size=50, embedding_dim=16, hidden_dim=12, copy=True).eval()


def test_the_copy_distribution_covers_the_extended_vocabulary():
    model = copying_model()
    queries = batch([5, 3])
    source_ids = queries.clone()
    source_ids[0, 1], source_ids[1, 2] = 50, 51  # two source words outside the vocabulary
    responses = torch.tensor([[SOS, 50, EOS], [SOS, 51, EOS]])
    log_probs = model(queries, responses, source_ids, oov_count=2)
    assert log_probs.shape == (2, 2, 52)
    torch.testing.assert_close(log_probs.exp().sum(-1), torch.ones(2, 2))
    # Only a source word can be copied: the first question holds extended id 50, not 51.
    assert log_probs[0, :, 51].exp().max() < 1e-6 < log_probs[0, :, 50].exp().min()


def test_a_copied_word_is_read_back_as_unk():
    model = copying_model()
    assert model.known(torch.tensor([4, 49, 50, 77])).tolist() == [4, 49, 1, 1]


def test_copying_model_beam_width_one_equals_greedy_without_the_continuation_bonus():
    model = copying_model()
    queries = batch([5, 2, 7])
    source_ids = queries.clone()
    source_ids[:, 1] = 50
    greedy = model.generate(queries, max_length=10, source_ids=source_ids, oov_count=1, copy_continuation=1)
    assert greedy == model._beam_search(queries, 10, 1, source_ids, 1)
    assert len(model.generate(queries, max_length=10, beam_size=3, source_ids=source_ids, oov_count=1)) == 3


def test_the_continuation_bonus_favours_what_follows_the_last_word_in_the_source():
    source_ids = torch.tensor([[5, 8, 5, 9, 6, PAD], [5, 8, 7, 6, PAD, PAD]])
    bonus = continuation_bonus(torch.tensor([5, 6]), source_ids, 12, 10.0)
    assert bonus.shape == (2, 12)
    assert set(bonus[0].nonzero().flatten().tolist()) == {8, 9}  # both places "5" occurs
    assert bonus[1].nonzero().numel() == 0  # "6" is last in the source: nothing follows it
    assert bonus[0, 8].item() == pytest.approx(math.log(10.0))


def test_a_copying_model_needs_the_source_ids():
    with pytest.raises(ValueError, match="extended ids"):
        copying_model().generate(batch([3]), max_length=4)


def test_cached_attention_equals_the_seed_formula(model):
    queries = batch([6, 4])
    encoded = model.encode(queries)
    state = torch.randn(2, 24)
    context, _ = model.attend(state, encoded)
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
    torch.testing.assert_close(model.attend(state, poisoned)[0], model.attend(state, encoded)[0])


def test_beam_width_one_equals_greedy(model):
    queries = batch([5, 2, 7, 3])
    assert model.generate(queries, max_length=12, beam_size=1) == model._beam_search(queries, 12, 1, None, 0)


def test_beam_search_returns_one_answer_per_question(model):
    answers = model.generate(batch([5, 2, 7]), max_length=10, beam_size=4)
    assert len(answers) == 3 and all(len(a) <= 10 and EOS not in a for a in answers)


def test_generation_stops_at_max_length(model):
    assert all(len(answer) <= 5 for answer in model.generate(batch([3, 4]), max_length=5))


def test_unrolled_decoder_step_matches_the_decoder_lstm(model):
    encoded = model.encode(batch([5, 3]))
    embedded = torch.randn(2, 16)
    output, (hidden, cell), _, _ = model.decode_step(embedded, encoded.state, encoded)
    context, _ = model.attend(encoded.state[0][-1], encoded)
    reference, (ref_hidden, ref_cell) = model.decoder(torch.cat([embedded, context], -1).unsqueeze(1), encoded.state)
    torch.testing.assert_close(output, reference.squeeze(1))
    torch.testing.assert_close(hidden, ref_hidden)
    torch.testing.assert_close(cell, ref_cell)


def test_greedy_search_can_be_kept_from_repeating_a_trigram(model):
    looping = model.generate(batch([5, 2, 7]), max_length=30)
    assert any(len(set(zip(a, a[1:], a[2:], strict=False))) < len(a) - 2 for a in looping)  # untrained: it loops
    for answer in model.generate(batch([5, 2, 7]), max_length=30, no_repeat_ngram=3):
        trigrams = list(zip(answer, answer[1:], answer[2:], strict=False))
        assert len(trigrams) == len(set(trigrams))


def test_repeated_ngram_ends_are_the_tokens_that_would_repeat_one():
    assert repeated_ngram_ends([5, 6, 7, 5, 6], 3) == {7}
    assert repeated_ngram_ends([5, 6], 3) == set()


def test_an_ngram_the_source_holds_may_repeat():
    assert repeated_ngram_ends([5, 6, 7, 5, 6], 3, ngrams([9, 5, 6, 7, 8], 3)) == set()
    assert ngrams([1, 2, 3], 2) == {(1, 2), (2, 3)}


def test_a_pair_the_source_repeats_may_follow_any_word():
    # "Skill is Spirit Blade: ..., Burst is Spirit Blade: ...": the source writes "Spirit Blade" twice
    # (after "skill :" and "burst :"), so "is Spirit Blade" may be written twice as well.
    source = [1, 2, 5, 6, 3, 4, 2, 5, 6, 8]
    assert repeated_ngrams(source, 2) == {(2, 5), (5, 6)}
    assert repeated_ngram_ends([9, 5, 6, 7, 9, 5], 3, repeated_ngrams(source, 2)) == set()
    assert repeated_ngram_ends([9, 5, 7, 9, 5], 3, repeated_ngrams(source, 2)) == {7}
