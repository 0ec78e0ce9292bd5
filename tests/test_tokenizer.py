"""Tokenizer and vocabulary: normalisation, round trips, unknown words, the extended vocabulary."""

from __future__ import annotations

from collections import Counter

from assistant.tokenizer import EOS, UNK, Piece, Vocab, detokenize, normalize, pieces, tokenize

ANSWERS = [
    "Hu Tao's element is Pyro.",
    "Raiden Shogun wields a polearm.",
    "Wolf's Gravestone increases ATK by 20%. Its main stat is ATK%.",
    "Yes, Diluc is Pyro!",
    "The 2-piece set gives Pyro DMG Bonus +15%.",
]


def facts_start(source: list[Piece]) -> int:
    return next(at for at, piece in enumerate(source) if piece.key == "<facts>") + 1


def vocab_of(texts: list[str]) -> Vocab:
    return Vocab.build(Counter(token for text in texts for token in tokenize(text)), display_texts=texts)


def test_normalize_folds_case_width_and_spaces():
    assert normalize("  ＨＵ  Tao\u2019s\tELEMENT ") == "hu tao's element"


def test_tokenize_splits_possessives_numbers_and_punctuation():
    assert tokenize("Hu Tao's ATK +20.5%?") == ["hu", "tao", "'s", "atk", "+", "20.5%", "?"]


def test_pieces_keep_the_written_form_and_spacing():
    written = pieces("members' ATK <facts>")
    assert [(p.text, p.key, p.space_before) for p in written] == [
        ("members", "members", False),
        ("'", "'", False),
        ("ATK", "atk", True),
        ("<facts>", "<facts>", True),
    ]


def test_answers_round_trip_with_their_game_casing():
    vocab = vocab_of(ANSWERS)
    for answer in ANSWERS:
        assert vocab.decode(vocab.encode(answer)) == answer


def test_a_name_ending_in_an_exclamation_mark_does_not_start_a_sentence():
    assert detokenize(["the", "hunt", "is", "on", "!", ",", "and", "more", ".", "yes"]) == (
        "The hunt is on!, and more. Yes"
    )


def test_special_tokens_come_first_and_decode_stops_at_eos():
    vocab = vocab_of(ANSWERS)
    assert vocab.itos[:4] == ["<PAD>", "<UNK>", "<SOS>", "<EOS>"]
    ids = vocab.encode("Yes, Diluc is Pyro!") + [EOS] + vocab.encode("Raiden")
    assert vocab.decode(ids) == "Yes, Diluc is Pyro!"


def test_unknown_words_emoji_and_other_scripts_become_unk():
    vocab = vocab_of(ANSWERS)
    ids = vocab.encode("what about 胡桃 🔥 zzyzx diluc")
    assert ids.count(UNK) == 5 and vocab.stoi["diluc"] in ids


def test_encode_truncates_long_input():
    vocab = vocab_of(ANSWERS)
    assert len(vocab.encode("pyro " * 500, max_length=64)) == 64
    assert vocab.encode("pyro " * 500, max_length=64, add_eos=True)[-1] == EOS


def test_source_words_outside_the_vocabulary_get_extended_ids():
    vocab = vocab_of(ANSWERS)
    ids, extended, oovs = vocab.encode_source(pieces("furina is hydro , furina"))
    assert oovs == ["furina", "hydro"]
    assert ids[0] == ids[2] == ids[4] == UNK
    assert extended[0] == extended[4] == len(vocab) and extended[2] == len(vocab) + 1
    assert extended[1] == vocab.stoi["is"]


def test_answer_words_the_source_holds_are_copied_others_are_unk():
    vocab = vocab_of(ANSWERS)
    _, _, oovs = vocab.encode_source(pieces("name : Furina"))
    furina = len(vocab) + oovs.index("furina")
    assert vocab.encode_target("Furina is Cryo", oovs) == [furina, vocab.stoi["is"], UNK, EOS]


def test_copied_words_are_written_as_the_facts_write_them():
    vocab = vocab_of(ANSWERS)
    source = pieces("what does crimson witch 4pc do <facts> name : Crimson Witch of Flames ; party members' ATK")
    _, extended, oovs = vocab.encode_source(source)
    answer = vocab.encode_target("crimson witch of flames gives members' atk", oovs)
    # Casing comes from the facts (the last occurrence), spacing inside a copied run from the source.
    assert vocab.decode(answer, source, oovs, facts_start(source)) == "Crimson Witch of Flames gives members' ATK"


def test_serialised_vocab_decodes_identically():
    vocab = vocab_of(ANSWERS)
    restored = Vocab.from_dict(vocab.to_dict())
    assert restored.itos == vocab.itos
    assert restored.decode(vocab.encode(ANSWERS[2])) == ANSWERS[2]


def test_a_word_found_out_of_order_in_the_source_is_spaced_by_the_rules():
    vocab = vocab_of(ANSWERS)
    source = pieces("is yaoyao dendro? <facts> name : Yaoyao ; element : Dendro")
    _, _, oovs = vocab.encode_source(source)
    # "is" also opens the question, unspaced; written after the name it still gets its space.
    answer = vocab.encode_target("yes, yaoyao is dendro", oovs)
    assert vocab.decode(answer, source, oovs, facts_start(source)) == "Yes, Yaoyao is Dendro"
