"""Talking to Katheryne in a terminal: the /ask pipeline (worker thread, conversation log) without Discord.

Each line read is one question; answers are printed and logged like Discord exchanges, with user id
0 and no guild or channel, so the console also produces training data. End-of-input or "quit"
ends the session.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TextIO

from assistant.worker import InferenceWorker
from bot.answering import answer_and_log, clean_question
from bot.db import ConversationLog
from bot.errors import describe_error

__all__ = ["CONSOLE_USER_ID", "Console"]

log = logging.getLogger(__name__)

CONSOLE_USER_ID = 0
"""The user id console exchanges are logged under (no Discord user has id 0)."""

QUIT_WORDS = frozenset({"quit", "exit"})


class Console:
    """A question/answer loop over text streams; ``run`` it once, ``stop`` it from a signal handler."""

    def __init__(
        self,
        worker: InferenceWorker,
        conversations: ConversationLog,
        *,
        max_question_length: int,
        stdin: TextIO,
        stdout: TextIO,
    ) -> None:
        self._worker = worker
        self._conversations = conversations
        self._max_question_length = max_question_length
        self._stdin = stdin
        self._stdout = stdout
        # Prompts and the footer are for people at a terminal, not for piped input.
        self._interactive = stdin.isatty()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._stopping = False

    def stop(self) -> None:
        """Take no new question; the one being answered (if any) still finishes. Call on the loop."""
        self._stopping = True
        self._lines.put_nowait(None)

    async def run(self) -> int:
        """Answer lines until end of input, "quit" or ``stop``; return how many questions were answered."""
        self._start_reader(asyncio.get_running_loop())
        if self._interactive:
            self._print(
                f"Katheryne console, model {self._worker.model_version}. "
                "Ask a Genshin Impact question; 'quit' or Ctrl-D leaves."
            )
        answered = 0
        while True:
            if self._interactive:
                self._stdout.write("you> ")
                self._stdout.flush()
            line = await self._lines.get()
            if line is None or self._stopping:
                break
            text = line.strip()
            if not text:
                continue
            if text.lower() in QUIT_WORDS:
                break
            answered += await self._answer(text)
        return answered

    async def _answer(self, text: str) -> int:
        try:
            question = clean_question(text, self._max_question_length)
            exchange = await answer_and_log(
                self._worker,
                self._conversations,
                question,
                guild_id=None,
                channel_id=None,
                user_id=CONSOLE_USER_ID,
            )
        except Exception as error:
            message, error_id = describe_error(error)
            if error_id is not None:
                log.error("error %s in the console", error_id, exc_info=error)
            self._print(f"! {message}")
            return 0
        self._print(exchange.answer.text)
        if self._interactive:
            answer = exchange.answer
            self._print(f"   (model {answer.model_version} · {answer.latency_ms:.0f} ms)")
        return 1

    def _print(self, text: str) -> None:
        self._stdout.write(text + "\n")
        self._stdout.flush()

    def _start_reader(self, loop: asyncio.AbstractEventLoop) -> None:
        # A blocking readline in a daemon thread: unlike a reader in the default executor it cannot
        # hold up interpreter exit when a signal ends the session while the terminal waits for input.
        def read() -> None:
            try:
                for line in iter(self._stdin.readline, ""):
                    loop.call_soon_threadsafe(self._lines.put_nowait, line)
                loop.call_soon_threadsafe(self._lines.put_nowait, None)
            except RuntimeError:  # the loop closed: the session is over and nobody reads any more
                return

        threading.Thread(target=read, name="console-stdin", daemon=True).start()
