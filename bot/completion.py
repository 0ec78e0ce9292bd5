"""Autocomplete for ``/ask``'s question: the name being typed is completed, the words before it kept.

"what element is furi" offers "what element is Furina". The last one to ``MAX_NAME_WORDS`` words are
tried as the start of a name, longest first ("kamisato aya" -> "Kamisato Ayaka", not "kamisato
Kamisato Ayaka"); the entity linker proposes names for each (characters, weapons, artifact sets,
materials, and the server's nicknames), and a name is offered only when the words typed really read as
its beginning, typos allowed, so "is furi" is not "completed" into "Furina" as well. The choices are
suggestions: the member can still send whatever they typed.
"""

from __future__ import annotations

import re

from discord import app_commands
from rapidfuzz.distance import OSA

from assistant.linker import COMMON_WORDS, STOPWORDS, EntityLinker, fold

__all__ = ["CHOICE_LIMIT", "MAX_CHOICES", "MAX_NAME_WORDS", "question_choices"]

MAX_CHOICES = 25
"""Discord shows at most 25 autocomplete choices."""

CHOICE_LIMIT = 100
"""Discord's limit on a choice's name and value, in characters."""

MAX_NAME_WORDS = 4
"""Longest name, in words, a completion replaces ("Echoes of an Offering")."""

_WORD = re.compile(r"\S+")


def question_choices(linker: EntityLinker, typed: str, limit: int = MAX_CHOICES) -> list[app_commands.Choice[str]]:
    """Up to ``limit`` completions of ``typed``, each the whole question with its last words replaced by
    a name spelled as the game spells it; none when nothing typed reads as the start of a name."""
    starts = [match.start() for match in _WORD.finditer(typed)]
    for start in starts[-MAX_NAME_WORDS:]:  # the longest tail first
        partial = typed[start:].rstrip()
        choices: list[app_commands.Choice[str]] = []
        seen: set[str] = set()
        for entity in linker.complete(partial, limit=limit):
            question = typed[:start] + entity.name
            if question in seen or len(question) > CHOICE_LIMIT or not _starts_name(partial, entity.name):
                continue
            seen.add(question)
            choices.append(app_commands.Choice(name=question, value=question))
        if choices:
            return choices[:limit]
    return []


def _starts_name(partial: str, name: str) -> bool:
    """Whether ``partial`` reads as the beginning of ``name``, or of the name from one of its later
    words on ("aya" of "Kamisato Ayaka"; never from a small word like "of" or "the").

    Typed and name are compared without case, spaces or punctuation; the first letter must match and
    a few slips are allowed: none up to 3 letters or in a whole common word, 1 up to 7, 2 beyond.
    """
    typed = _compact(partial)
    if not typed:
        return False
    # A whole common word ("there", "element") is what the member meant, not a misspelt name.
    common = fold(partial) in COMMON_WORDS
    allowed = 0 if common or len(typed) <= 3 else 1 if len(typed) <= 7 else 2
    words = name.split()
    for index, word in enumerate(words):
        if index and fold(word) in STOPWORDS:
            continue
        tail = _compact(" ".join(words[index:]))
        if not tail.startswith(typed[0]):
            continue
        # The typed start may be a letter shorter or longer than the matching start of the name.
        lengths = {max(1, len(typed) + delta) for delta in (-1, 0, 1)}
        if min(OSA.distance(typed, tail[:length]) for length in lengths) <= allowed:
            return True
    return False


def _compact(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())
