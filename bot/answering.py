"""One question in, one logged answer out: the steps /ask and the terminal console share.

The log write comes after the answer and may fail on its own: the user still gets the answer (the
exchange is just not kept), and the operator gets the traceback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from assistant.worker import Answer, InferenceWorker
from bot.db import ConversationLog
from bot.errors import FriendlyError

__all__ = ["Exchange", "answer_and_log", "clean_question"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Exchange:
    """An answered question and where it was logged."""

    question: str
    answer: Answer
    conversation_id: int | None
    """Row id in the conversation log; None when logging failed (the answer then gets no buttons)."""


def clean_question(text: str, max_length: int) -> str:
    """The question trimmed of surrounding whitespace; FriendlyError if it is empty or too long."""
    question = text.strip()
    if not question:
        raise FriendlyError("Ask me something, e.g. `/ask question: What element is Hu Tao?`")
    if len(question) > max_length:
        raise FriendlyError(
            f"That question is {len(question)} characters long; the limit is {max_length}. Please shorten it."
        )
    return question


async def answer_and_log(
    worker: InferenceWorker,
    conversations: ConversationLog,
    question: str,
    *,
    guild_id: int | None,
    channel_id: int | None,
    user_id: int,
) -> Exchange:
    """Answer an already cleaned ``question`` and log the exchange.

    Raises WorkerBusy or WorkerStopped from the worker, and FriendlyError when the model finds no
    words it can read in the question.
    """
    try:
        answer = await worker.ask(question)
    except ValueError as error:
        raise FriendlyError("I couldn't find any words to read in that question. Try rephrasing it.") from error
    try:
        conversation_id: int | None = await conversations.log_conversation(
            guild_id=guild_id,
            channel_id=channel_id,
            user_id=user_id,
            question=question,
            answer=answer.text,
            model_version=answer.model_version,
            latency_ms=answer.latency_ms,
        )
    except Exception:
        log.exception("could not log the answer to user %s; they get it without feedback buttons", user_id)
        conversation_id = None
    return Exchange(question=question, answer=answer, conversation_id=conversation_id)
