"""Noise that makes generated questions look like what players type in Discord.

Typos in names and question words, missing capitals and apostrophes, chatty openers and closers,
an unrelated item named before the real question, and other names for the subject (a title, a
nickname, part of a name). Each function returns the labels of the noise it applied, so an example
can record what it got and tests can check that each kind of noise does what it says.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

OPENERS = (
    "hey katheryne, ",
    "quick q: ",
    "hi! ",
    "yo ",
    "ok so ",
    "question: ",
    "hey, ",
    "um ",
    "katheryne ",
    "hello, ",
    "sorry to bother but ",
    "random question but ",
)
CLOSERS = (" lol", " pls", " thanks!", " ty", " please", " asap", " :)", " thx", " ??", " lmao")
DISTRACTOR_FORMS = (
    "just got {item} lol. anyway {question}",
    "{item} is so good. {question}",
    "pulled {item} yesterday! {question}",
    "i have {item} btw, {question}",
    "not about {item} but {question}",
    "{item} aside, {question}",
)
# A typo keeps a word's first letter: players rarely get that one wrong, and the linker leans on it.
_MIN_TYPO_LENGTH = 4
_APOSTROPHES = re.compile(r"['’]")
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class NoiseRates:
    """How often each kind of noise is applied to a question."""

    alias: float = 0.25  # ask with a title, nickname or name part instead of the name (when there is one)
    name_typo: float = 0.2
    word_typo: float = 0.12
    lowercase: float = 0.4
    no_apostrophe: float = 0.3
    opener: float = 0.15
    closer: float = 0.12
    distractor: float = 0.07


def swap_letters(word: str, rng: random.Random) -> str:
    """Two neighbouring letters after the first swapped ("furina" -> "fuirna")."""
    candidates = [i for i in range(1, len(word) - 1) if word[i] != word[i + 1]]
    if not candidates:
        return double_letter(word, rng)
    i = rng.choice(candidates)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def drop_letter(word: str, rng: random.Random) -> str:
    """One letter after the first left out ("kazuha" -> "kazha")."""
    i = rng.randrange(1, len(word))
    return word[:i] + word[i + 1 :]


def double_letter(word: str, rng: random.Random) -> str:
    """One letter after the first typed twice ("ganyu" -> "gannyu")."""
    i = rng.randrange(1, len(word))
    return word[: i + 1] + word[i] + word[i + 1 :]


_TYPOS = {"swap": swap_letters, "drop": drop_letter, "double": double_letter}


def misspell(text: str, rng: random.Random, protected: Sequence[str] = ()) -> tuple[str, str | None]:
    """`text` with one word of at least four letters misspelled, and the typo's label.

    No word touching an occurrence of a `protected` phrase (case-insensitive) is changed, so
    "Thaws" in "Fragrance in Thaws vision" stays when "Fragrance in Thaw" is protected.
    (text, None) when no word qualifies.
    """
    spans = [m.span() for phrase in protected if phrase for m in re.finditer(re.escape(phrase), text, re.IGNORECASE)]
    words = [
        m
        for m in _WORD.finditer(text)
        if len(m.group()) >= _MIN_TYPO_LENGTH and not any(m.start() <= end and start <= m.end() for start, end in spans)
    ]
    if not words:
        return text, None
    match = rng.choice(words)
    label = rng.choice(sorted(_TYPOS))
    typo = _TYPOS[label](match.group(), rng)
    return text[: match.start()] + typo + text[match.end() :], f"typo_{label}"


def strip_apostrophes(text: str) -> str:
    """ "what's furina's element" -> "whats furinas element" """
    return _APOSTROPHES.sub("", text)


def name_item_first(question: str, item: str, rng: random.Random) -> str:
    """An unrelated item named before the real question ("just got Wolf's Gravestone lol. anyway ...")."""
    return rng.choice(DISTRACTOR_FORMS).format(item=item, question=question)


def choose_name(
    name: str, aliases: Sequence[tuple[str, str]], rng: random.Random, rates: NoiseRates
) -> tuple[str, tuple[str, ...]]:
    """How the question names its subject: the name, maybe another name for it, maybe misspelt.

    `aliases` are (text, label) pairs such as ("the Eclipsing Star", "title") or ("focalors",
    "nickname"). Returns the text and the noise labels applied.
    """
    noise: list[str] = []
    surface = name
    if aliases and rng.random() < rates.alias:
        surface, label = rng.choice(list(aliases))
        noise.append(label)
    if rng.random() < rates.name_typo:
        surface, typo = misspell(surface, rng)
        if typo:
            noise.append(f"name_{typo}")
    return surface, tuple(noise)


def roughen(
    question: str, rng: random.Random, rates: NoiseRates, protected: Sequence[str] = (), distractor: str | None = None
) -> tuple[str, tuple[str, ...]]:
    """Question-level noise: word typos, capitals, apostrophes, openers, closers, an item first.

    `protected` phrases (the subject's name as written) get no word typo; `distractor` is an item
    name that may be mentioned first. Returns the question and the noise labels applied.
    """
    noise: list[str] = []
    if rng.random() < rates.word_typo:
        question, typo = misspell(question, rng, protected)
        if typo:
            noise.append(f"word_{typo}")
    if distractor is not None and rng.random() < rates.distractor:
        question = name_item_first(question, distractor, rng)
        noise.append("distractor")
    if rng.random() < rates.opener:
        question = rng.choice(OPENERS) + question
        noise.append("opener")
    if rng.random() < rates.closer:
        question = question.rstrip("?") + rng.choice(CLOSERS)
        noise.append("closer")
    if rng.random() < rates.lowercase:
        question = question.lower()
        noise.append("lowercase")
    if _APOSTROPHES.search(question) and rng.random() < rates.no_apostrophe:
        question = strip_apostrophes(question)
        noise.append("no_apostrophe")
    return question, tuple(noise)
