"""Answering questions with a trained checkpoint: the API the bot, the console and scripts use.

A question is answered in three steps: the entity linker finds what it is about, the facts of
those entities are serialised after the question, and the model reads both and writes the answer,
copying names and values from the facts. New game data therefore answers without retraining.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch.nn.utils.rnn import pad_sequence

from assistant.checkpoint import load_checkpoint
from assistant.device import resolve_device
from assistant.facts import FactSerializer, Source
from assistant.knowledge import Knowledge, load_knowledge
from assistant.linker import EntityLinker, Mention
from assistant.model import GenshinAssistant
from assistant.tokenizer import PAD, Vocab, tokenize

MAX_LENGTH = 64
MAX_ENTITIES = 2
UNKNOWN_ANSWER = "Sorry, I don't have information about that."
"""What Katheryne says when she has nothing to read (the training data's admission, word for word)."""
NO_REPEAT_NGRAM = 3
"""Greedy answers never repeat a 3-gram: a copying decoder that loses its place otherwise loops."""
DEFAULT_MODEL_PATH = Path("models/assistant_best.pt")


@dataclass(frozen=True)
class Reply:
    """An answer and the keys of the entities it was read from, in question order."""

    text: str
    entities: tuple[str, ...]


@dataclass(frozen=True)
class Taught:
    """What training taught the model to write without reading it, recorded in the checkpoint.

    `no_facts_replies` are the replies for questions that link nothing; `frame_words` are the words
    training answers add to what they read ("is", "uses", "Elemental", "Sorry"). An answer with any
    other word that its question and facts lack was not read but invented ("Keqing's called is
    January 10."). Empty sets, as in checkpoints older than these records, check nothing.
    """

    no_facts_replies: frozenset[str] = frozenset()
    frame_words: frozenset[str] = frozenset()

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> Taught:
        return cls(frozenset(meta.get("no_facts_replies", ())), frozenset(meta.get("frame_words", ())))


class Reader:
    """Question -> what the model reads: linked entities, then their facts."""

    def __init__(self, knowledge: Knowledge, linker: EntityLinker | None = None) -> None:
        self.knowledge = knowledge
        self.linker = linker or EntityLinker(knowledge)
        self.serializer = FactSerializer(knowledge)

    def entity_keys(self, question: str) -> tuple[str, ...]:
        """Distinct linked entities in question order, at most MAX_ENTITIES (the last ones: an
        item mentioned first in passing is less likely the subject than the one asked about)."""
        return _entity_keys(self.linker.link(question))

    def source(self, question: str) -> Source:
        mentions = self.linker.link(question)
        # The words that name an entity (a nickname, an alias, a typo'd name) ask for nothing.
        named = {word for mention in mentions for word in tokenize(mention.text)}
        return self.serializer.source(question, _entity_keys(mentions), named)


def _entity_keys(mentions: list[Mention]) -> tuple[str, ...]:
    keys: list[str] = []
    for mention in mentions:
        if mention.entity.key not in keys:
            keys.append(mention.entity.key)
    return tuple(keys[-MAX_ENTITIES:])


class Assistant:
    """A loaded model, its vocabulary and the reader; turns question strings into answers."""

    def __init__(
        self,
        model: GenshinAssistant,
        vocab: Vocab,
        meta: dict[str, Any] | None = None,
        *,
        reader: Reader | None = None,
        beam_size: int = 1,
        max_length: int = MAX_LENGTH,
        no_repeat_ngram: int = NO_REPEAT_NGRAM,
    ) -> None:
        self.model = model.eval()
        self.vocab = vocab
        self.meta = dict(meta or {})
        self.reader = reader or Reader(load_knowledge())
        self.beam_size = beam_size
        self.max_length = max_length
        self.no_repeat_ngram = no_repeat_ngram
        self.taught = Taught.from_meta(self.meta)

    @classmethod
    def load(
        cls,
        path: str | Path = DEFAULT_MODEL_PATH,
        device: str = "auto",
        beam_size: int = 1,
        reader: Reader | None = None,
    ) -> Assistant:
        checkpoint = load_checkpoint(path, resolve_device(device))
        return cls(checkpoint.model, checkpoint.vocab, checkpoint.meta, reader=reader, beam_size=beam_size)

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "untrained"))

    @property
    def linker(self) -> EntityLinker:
        return self.reader.linker

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def answer(self, question: str) -> str:
        return self.reply_batch([question])[0].text

    def answer_batch(self, questions: list[str]) -> list[str]:
        """Answers in the order of `questions`, generated in one batched pass."""
        return [reply.text for reply in self.reply_batch(questions)]

    def reply_batch(self, questions: list[str]) -> list[Reply]:
        """Answers with their entities, in the order of `questions`, generated in one batched pass."""
        if not questions:
            return []
        for question in questions:
            if not isinstance(question, str) or not question.strip():
                raise ValueError("the question is empty")
        sources = [self.reader.source(question) for question in questions]
        encoded = [self.vocab.encode_source(source.pieces) for source in sources]
        queries = pad_sequence([torch.tensor(ids) for ids, _, _ in encoded], batch_first=True, padding_value=PAD)
        extended = pad_sequence([torch.tensor(ext) for _, ext, _ in encoded], batch_first=True, padding_value=PAD)
        oov_count = max(len(oovs) for _, _, oovs in encoded)
        generated = self.model.generate(
            queries.to(self.device),
            max_length=self.max_length,
            beam_size=self.beam_size,
            source_ids=extended.to(self.device),
            oov_count=oov_count,
            no_repeat_ngram=self.no_repeat_ngram,
        )
        return [
            Reply(self._written(ids, source, oovs), source.entities)
            for ids, source, (_, _, oovs) in zip(generated, sources, encoded, strict=True)
        ]

    def _written(self, ids: list[int], source: Source, oovs: list[str]) -> str:
        return written(self.vocab, ids, source, oovs, self.taught)


def written(vocab: Vocab, ids: list[int], source: Source, oovs: list[str], taught: Taught) -> str:
    """The answer's text, or the admission where the answer says what was not read.

    With `<none>` facts there is nothing to read, so an answer that copies a word, or that is not one
    of the replies training taught for that case ("what is love" -> "Love's title is ..."), can only
    be invented. With facts, a word that is neither read nor one training's answers write on their
    own is invented too.
    """
    text = vocab.decode(ids, source.pieces, oovs, source.facts_start)
    if source.knows_nothing and (
        any(index >= len(vocab) for index in ids) or (taught.no_facts_replies and text not in taught.no_facts_replies)
    ):
        return UNKNOWN_ANSWER
    if taught.frame_words and not set(tokenize(text)) <= taught.frame_words | {p.key for p in source.pieces}:
        return UNKNOWN_ANSWER
    return text


def load_model(path: str | Path = DEFAULT_MODEL_PATH) -> Assistant:
    """Load a checkpoint for answering (seed API)."""
    return Assistant.load(path)


def generate_response(model: Assistant, query: str, max_length: int = MAX_LENGTH) -> str:
    """Answer one question (seed API)."""
    if max_length == model.max_length:
        return model.answer(query)
    return Assistant(
        model.model, model.vocab, model.meta, reader=model.reader, beam_size=model.beam_size, max_length=max_length
    ).answer(query)
