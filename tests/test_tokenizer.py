"""Tokenizer and vocabulary: normalisation, round trips, unknown words, growth."""

from __future__ import annotations

from assistant.tokenizer import EOS, UNK, Vocab, normalize, tokenize

ANSWERS = [
    "Hu Tao's element is Pyro.",
    "Raiden Shogun wields a polearm.",
    "Wolf's Gravestone increases ATK by 20%. Its main stat is ATK%.",
    "Yes, Diluc is Pyro!",
    "The 2-piece set gives Pyro DMG Bonus +15%.",
]


def test_normalize_folds_case_width_and_spaces():
    assert normalize("  ＨＵ  Tao\u2019s\tELEMENT ") == "hu tao's element"


def test_tokenize_splits_possessives_numbers_and_punctuation():
    assert tokenize("Hu Tao's ATK +20.5%?") == ["hu", "tao", "'s", "atk", "+", "20.5%", "?"]


def test_answers_round_trip_with_their_game_casing():
    vocab = Vocab.build(ANSWERS, display_texts=ANSWERS)
    for answer in ANSWERS:
        assert vocab.decode(vocab.encode(answer)) == answer


def test_special_tokens_come_first_and_decode_stops_at_eos():
    vocab = Vocab.build(ANSWERS, display_texts=ANSWERS)
    assert vocab.itos[:4] == ["<PAD>", "<UNK>", "<SOS>", "<EOS>"]
    ids = vocab.encode("Yes, Diluc is Pyro!") + [EOS] + vocab.encode("Raiden")
    assert vocab.decode(ids) == "Yes, Diluc is Pyro!"


def test_unknown_words_emoji_and_other_scripts_become_unk():
    vocab = Vocab.build(ANSWERS)
    ids = vocab.encode("what about 胡桃 🔥 zzyzx diluc")
    assert ids.count(UNK) == 5 and vocab.stoi["diluc"] in ids


def test_encode_truncates_long_input():
    vocab = Vocab.build(ANSWERS)
    assert len(vocab.encode("pyro " * 500, max_length=64)) == 64
    assert vocab.encode("pyro " * 500, max_length=64, add_eos=True)[-1] == EOS


def test_serialised_vocab_decodes_identically():
    vocab = Vocab.build(ANSWERS, display_texts=ANSWERS)
    restored = Vocab.from_dict(vocab.to_dict())
    assert restored.itos == vocab.itos
    assert restored.decode(vocab.encode(ANSWERS[2])) == ANSWERS[2]


def test_without_drops_words_and_says_which_ids_it_kept():
    vocab = Vocab.build(ANSWERS)
    smaller, kept = vocab.without({"hu", "tao", "<UNK>"})
    assert smaller.itos[:4] == vocab.itos[:4] and {"hu", "tao"}.isdisjoint(smaller.itos)
    assert [vocab.itos[i] for i in kept] == smaller.itos and len(smaller) == len(vocab) - 2
    assert smaller.encode("hu tao")[0] == UNK


def test_extend_appends_new_words_without_renumbering():
    vocab = Vocab.build(ANSWERS)
    before = dict(vocab.stoi)
    added = vocab.extend(["Nahida is Dendro."])
    assert added == 2 and len(vocab) == len(before) + 2
    assert all(vocab.stoi[token] == index for token, index in before.items())
    assert vocab.decode(vocab.encode("Nahida is Dendro.")) == "Nahida is Dendro."
