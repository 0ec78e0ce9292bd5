"""Word-level tokenizer and vocabulary.

Questions are normalised (NFKC, lowercase) so "HU TAO", "Hu Tao" and full-width text map to the same
tokens. Answers are generated in lowercase too, so the vocabulary also remembers how each word is
written in the game data ("Hu Tao", "Pyro", "DMG") and `decode` restores that casing and attaches
punctuation, which makes generated answers read naturally.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

PAD, UNK, SOS, EOS = 0, 1, 2, 3
SPECIAL_TOKENS = ("<PAD>", "<UNK>", "<SOS>", "<EOS>")

# Numbers keep their decimals and percent sign ("0.12%"); possessive "'s" is its own token so
# "Hu Tao's" shares the tokens of "Hu Tao"; any other non-space character is one token.
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*%?|'s\b|\w+|[^\w\s]")
_NO_SPACE_BEFORE = {".", ",", "!", "?", ";", ":", ")", "]", "'s", "%", "…"}
_NO_SPACE_AFTER = {"(", "[", "#", "+"}
# Joined on both sides: "don't", "0.12%/0.15%", "mid-air".
_GLUE = {"'", "/", "-"}
_SENTENCE_END = {".", "!", "?"}


def normalize(text: str) -> str:
    """NFKC-normalise, lowercase and collapse whitespace."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split())


def tokenize(text: str) -> list[str]:
    """Split normalised text into word, number and punctuation tokens."""
    return _TOKEN_RE.findall(normalize(text))


def _cased_tokens(text: str) -> list[str]:
    """Tokens of `text` with their original casing (same boundaries as `tokenize`)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return _TOKEN_RE.findall(text)


def detokenize(tokens: Sequence[str]) -> str:
    """Join tokens into text: punctuation attached, each sentence capitalised."""
    parts: list[str] = []
    capitalise = True
    previous: str | None = None
    for token in tokens:
        glued = token in _NO_SPACE_BEFORE or token in _GLUE or previous in _NO_SPACE_AFTER or previous in _GLUE
        if previous is not None and not glued:
            parts.append(" ")
        parts.append(token[:1].upper() + token[1:] if capitalise else token)
        if token[:1].isalnum():
            capitalise = False
        elif token in _SENTENCE_END:
            capitalise = True
        previous = token
    return "".join(parts)


class Vocab:
    """Token <-> id mapping plus the preferred written form of each token."""

    def __init__(self, tokens: Sequence[str], display: dict[str, str] | None = None) -> None:
        if tuple(tokens[:4]) != SPECIAL_TOKENS:
            raise ValueError("a vocabulary must start with <PAD> <UNK> <SOS> <EOS>")
        self.itos: list[str] = list(tokens)
        self.stoi: dict[str, int] = {token: index for index, token in enumerate(self.itos)}
        self.display: dict[str, str] = dict(display or {})

    @classmethod
    def build(cls, texts: Iterable[str], display_texts: Iterable[str] = (), min_freq: int = 1) -> Vocab:
        """Vocabulary of every token seen at least `min_freq` times, most frequent first."""
        counts = Counter(token for text in texts for token in tokenize(text))
        tokens = [token for token, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if count >= min_freq]
        vocab = cls([*SPECIAL_TOKENS, *tokens])
        vocab.learn_display(display_texts)
        return vocab

    def learn_display(self, texts: Iterable[str]) -> None:
        """Remember how each token is usually written ("Hu", "Tao", "DMG").

        A capital at the start of a sentence says little, so such spellings only count for words
        never seen mid-sentence (a name that always opens its answer, like "Hu Tao's ...").
        """
        inner: dict[str, Counter[str]] = {}
        opening: dict[str, Counter[str]] = {}
        for text in texts:
            tokens = _cased_tokens(text)
            for position, token in enumerate(tokens):
                sentence_start = position == 0 or tokens[position - 1] in _SENTENCE_END
                forms = opening if sentence_start else inner
                forms.setdefault(token.lower(), Counter())[token] += 1
        for token in inner.keys() | opening.keys():
            best = (inner.get(token) or opening[token]).most_common(1)[0][0]
            if best != token:
                self.display[token] = best
            else:
                self.display.pop(token, None)

    def extend(self, texts: Iterable[str]) -> int:
        """Add unseen tokens from `texts` at the end (ids of known tokens never change)."""
        texts = list(texts)
        added = 0
        for text in texts:
            for token in tokenize(text):
                if token not in self.stoi:
                    self.stoi[token] = len(self.itos)
                    self.itos.append(token)
                    added += 1
        self.learn_display(texts)
        return added

    def without(self, words: Collection[str]) -> tuple[Vocab, list[int]]:
        """A copy without `words` (special tokens always stay), and the old ids of the tokens kept, in order."""
        kept = [i for i, token in enumerate(self.itos) if i < len(SPECIAL_TOKENS) or token not in words]
        display = {token: form for token, form in self.display.items() if token not in words}
        return Vocab([self.itos[i] for i in kept], display), kept

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str, max_length: int = 64, add_eos: bool = False) -> list[int]:
        """Token ids of `text`, unknown words as <UNK>, truncated to `max_length` ids."""
        ids = [self.stoi.get(token, UNK) for token in tokenize(text)]
        if add_eos:
            return [*ids[: max_length - 1], EOS]
        return ids[:max_length]

    def decode(self, ids: Iterable[int]) -> str:
        """Readable text for generated ids; stops at <EOS>, skips other special tokens."""
        tokens: list[str] = []
        for index in ids:
            if index == EOS:
                break
            if index in (PAD, SOS) or not 0 <= index < len(self.itos):
                continue
            token = self.itos[index]
            tokens.append(self.display.get(token, token))
        return detokenize(tokens)

    def to_dict(self) -> dict[str, object]:
        return {"tokens": list(self.itos), "display": dict(self.display)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Vocab:
        return cls(list(data["tokens"]), dict(data.get("display", {})))  # type: ignore[arg-type]
