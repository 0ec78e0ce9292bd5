"""Word-level tokenizer, vocabulary and the extended vocabulary a copying decoder needs.

The model reads and writes lowercase word keys, so "HU TAO", "Hu Tao" and "hu tao" are the same
tokens. Every token also keeps how it was written and whether a space came before it (`Piece`), so
an answer can be written back exactly as the game data writes it: a word the decoder copied from
the facts takes the facts' casing, and a run of copied words takes the facts' spacing
("members' ATK", "Crimson Witch of Flames"). Words the decoder generates from its vocabulary take
the casing most often seen in training answers.

Copying follows See et al. (2017): source words outside the vocabulary get ids after the
vocabulary (`len(vocab) + i` for the i-th such word of that source), so the decoder can point at
them and write them although it never learned them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

PAD, UNK, SOS, EOS = 0, 1, 2, 3
SPECIAL_TOKENS = ("<PAD>", "<UNK>", "<SOS>", "<EOS>")

# Numbers keep their decimals and percent sign ("0.12%"); possessive "'s" is its own token so
# "Hu Tao's" shares the tokens of "Hu Tao"; markers like "<facts>" are one token; any other
# non-space character is one token.
_TOKEN_RE = re.compile(r"<[a-z_]+>|\d+(?:[.,]\d+)*%?|'s\b|\w+|[^\w\s]")
_NO_SPACE_BEFORE = {".", ",", "!", "?", ";", ":", ")", "]", "'s", "%", "…"}
_NO_SPACE_AFTER = {"(", "[", "#", "+"}
# Joined on both sides when generated: "don't", "0.12%/0.15%", "mid-air" (copied words keep the source's spacing).
_GLUE = {"'", "/", "-"}
_SENTENCE_END = {".", "!", "?"}
_CLAUSE_MARKS = {",", ";", ":"}
"""Marks that cannot follow a sentence's end: after one, the "!" before it closed a name, not a sentence."""


@dataclass(frozen=True)
class Piece:
    """One token as written: its text, its lowercase key and whether a space preceded it."""

    text: str
    key: str
    space_before: bool


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\u2019", "'").replace("\u2018", "'")


def normalize(text: str) -> str:
    """NFKC-normalise, lowercase and collapse whitespace."""
    return " ".join(_clean(text).lower().split())


def pieces(text: str) -> list[Piece]:
    """Tokens of `text` with their written form and spacing."""
    text = _clean(text)
    return [
        Piece(match.group(), match.group().lower(), match.start() > 0 and text[match.start() - 1].isspace())
        for match in _TOKEN_RE.finditer(text)
    ]


def tokenize(text: str) -> list[str]:
    """Lowercase word, number and punctuation tokens of `text`."""
    return [piece.key for piece in pieces(text)]


def _spaced(previous: str | None, token: str) -> bool:
    """Whether a generated token gets a space before it, by punctuation rules."""
    if previous is None:
        return False
    return not (token in _NO_SPACE_BEFORE or token in _GLUE or previous in _NO_SPACE_AFTER or previous in _GLUE)


def detokenize(tokens: Sequence[str]) -> str:
    """Join plain tokens into text: punctuation attached, each sentence capitalised."""
    return _render([(token, None, False) for token in tokens])


def _render(tokens: Sequence[tuple[str, Piece | None, bool]]) -> str:
    """Text from (key, the source piece it takes its writing from or None, whether it continues a
    copied run) triples: inside a run the source's own spacing, else the punctuation rules."""
    parts: list[str] = []
    capitalise = True
    previous: str | None = None
    for key, piece, continues in tokens:
        space = piece.space_before if piece is not None and continues else _spaced(previous, key)
        text = piece.text if piece is not None else key
        if capitalise:
            text = text[:1].upper() + text[1:]
        parts.append((" " if space and parts else "") + text)
        if key[:1].isalnum():
            capitalise = False
        elif key in _SENTENCE_END:
            capitalise = True
        elif key in _CLAUSE_MARKS:
            capitalise = False
        previous = key
    return "".join(parts)


class Vocab:
    """Token <-> id mapping plus the preferred written form of generated tokens."""

    def __init__(self, tokens: Sequence[str], display: dict[str, str] | None = None) -> None:
        if tuple(tokens[:4]) != SPECIAL_TOKENS:
            raise ValueError("a vocabulary must start with <PAD> <UNK> <SOS> <EOS>")
        self.itos: list[str] = list(tokens)
        self.stoi: dict[str, int] = {token: index for index, token in enumerate(self.itos)}
        self.display: dict[str, str] = dict(display or {})

    @classmethod
    def build(cls, counts: Counter[str], display_texts: Iterable[str] = (), min_freq: int = 1) -> Vocab:
        """Vocabulary of the tokens counted at least `min_freq` times, most frequent first."""
        tokens = [t for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= min_freq]
        vocab = cls([*SPECIAL_TOKENS, *(t for t in tokens if t not in SPECIAL_TOKENS)])
        vocab.learn_display(display_texts)
        return vocab

    def learn_display(self, texts: Iterable[str]) -> None:
        """Remember how each token is usually written mid-sentence ("DMG", "Pyro").

        A capital at the start of a sentence says little, so such spellings only count for words
        never seen mid-sentence.
        """
        inner: dict[str, Counter[str]] = {}
        opening: dict[str, Counter[str]] = {}
        for text in texts:
            tokens = pieces(text)
            for position, piece in enumerate(tokens):
                sentence_start = position == 0 or tokens[position - 1].key in _SENTENCE_END
                forms = opening if sentence_start else inner
                forms.setdefault(piece.key, Counter())[piece.text] += 1
        for token in inner.keys() | opening.keys():
            best = (inner.get(token) or opening[token]).most_common(1)[0][0]
            if best != token:
                self.display[token] = best
            else:
                self.display.pop(token, None)

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str, max_length: int = 64, add_eos: bool = False) -> list[int]:
        """Token ids of `text`, unknown words as <UNK>, truncated to `max_length` ids."""
        ids = [self.stoi.get(token, UNK) for token in tokenize(text)]
        if add_eos:
            return [*ids[: max_length - 1], EOS]
        return ids[:max_length]

    def encode_source(self, source: Sequence[Piece]) -> tuple[list[int], list[int], list[str]]:
        """(ids with <UNK> for unknown words, extended ids, the source's out-of-vocabulary words).

        In the extended ids the i-th distinct unknown word is `len(self) + i`: that is where the
        copying decoder's distribution puts the attention it pays to that word.
        """
        ids: list[int] = []
        extended: list[int] = []
        oovs: list[str] = []
        for piece in source:
            index = self.stoi.get(piece.key, UNK)
            ids.append(index)
            if index == UNK:
                if piece.key not in oovs:
                    oovs.append(piece.key)
                extended.append(len(self) + oovs.index(piece.key))
            else:
                extended.append(index)
        return ids, extended, oovs

    def encode_target(self, text: str, oovs: Sequence[str], max_length: int = 64) -> list[int]:
        """Answer ids ending in <EOS>: unknown words the source holds get their extended id."""
        ids = []
        for token in tokenize(text):
            index = self.stoi.get(token)
            if index is None:
                index = len(self) + oovs.index(token) if token in oovs else UNK
            ids.append(index)
        return [*ids[: max_length - 1], EOS]

    def decode(
        self, ids: Iterable[int], source: Sequence[Piece] = (), oovs: Sequence[str] = (), facts_start: int = 0
    ) -> str:
        """Readable text for generated ids, written as the source writes the words it holds.

        Stops at <EOS> and skips other special tokens. A word the facts (the source from
        `facts_start` on) hold takes their written form: the next position when it continues a
        copied run, else the occurrence the next word continues, else (for a word outside the
        vocabulary) the first. The asker's typing only writes words the facts and the vocabulary
        both lack.
        """
        facts: dict[str, list[int]] = {}
        asked: dict[str, list[int]] = {}
        for at, piece in enumerate(source):
            (facts if at >= facts_start else asked).setdefault(piece.key, []).append(at)
        keys = [key for key in (self._key(index, oovs) for index in ids) if key is not None]
        rendered: list[tuple[str, Piece | None, bool]] = []
        last: int | None = None
        for step, key in enumerate(keys):
            if key == "<eos>":
                break
            found = facts.get(key) or ([] if key in self.stoi else asked.get(key, []))
            following = keys[step + 1] if step + 1 < len(keys) else None
            if last is not None and last + 1 in found:
                position: int | None = last + 1
            else:
                ahead = [p for p in found if p + 1 < len(source) and source[p + 1].key == following]
                # A word of the vocabulary takes the facts' writing only inside a copied run: "is"
                # after a name stays "is" even when a talent name writes "The Sea Is My Stage".
                candidates = ahead or (found if key not in self.stoi else [])
                position = candidates[0] if candidates else None
            if position is None:
                rendered.append((self.display.get(key, key), None, False))
                last = None
            else:
                rendered.append((key, source[position], last is not None and position == last + 1))
                last = position
        return _render(rendered)

    def _key(self, index: int, oovs: Sequence[str]) -> str | None:
        """The word an (extended) id stands for; "<eos>" for <EOS>, None for ids to skip."""
        if index == EOS:
            return "<eos>"
        if index in (PAD, SOS, UNK):
            return None
        if index < len(self):
            return self.itos[index]
        return oovs[index - len(self)] if index - len(self) < len(oovs) else None

    def to_dict(self) -> dict[str, object]:
        return {"tokens": list(self.itos), "display": dict(self.display)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Vocab:
        tokens = cast(list[str], data["tokens"])
        display = cast(dict[str, str], data.get("display", {}))
        return cls(list(tokens), dict(display))
