"""Which words the model learns as words, and which it must copy.

A word enters the vocabulary when examples about at least `MIN_OWNERS` different entities use it
(examples about no entity count one owner each). Question and answer wording ("element", "uses",
"birthday"), values shared across the game ("Hydro", "Sword", "CRIT", "DMG") and common English
pass; a word only one or two entities have (names, talent names, voice actors) does not. Such a word
is read as <UNK> and written by copying it from the facts, in training exactly as for an entity
released after the model was trained, so copying is learned on the words that need it. Misspelt
question words are rare and stay out too, as they are when a player types them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from assistant.tokenizer import Piece, Vocab, tokenize

MIN_OWNERS = 3


def build_vocab(sources: Sequence[Sequence[Piece]], answers: Sequence[str], owners: Sequence[tuple[str, ...]]) -> Vocab:
    """Vocabulary from training sources and answers; `owners` are each example's entity keys."""
    seen_by: defaultdict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for index, (source, answer, entities) in enumerate(zip(sources, answers, owners, strict=True)):
        who = entities or (f"example:{index}",)
        words = {piece.key for piece in source} | set(tokenize(answer))
        for word in words:
            if len(seen_by[word]) < MIN_OWNERS:
                seen_by[word].update(who)
            counts[word] += 1
    kept = Counter({word: counts[word] for word, entities in seen_by.items() if len(entities) >= MIN_OWNERS})
    return Vocab.build(kept, display_texts=answers)
