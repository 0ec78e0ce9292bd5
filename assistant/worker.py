"""The inference worker: one thread owns the model, the event loop never runs model code.

Callers on an asyncio loop `await worker.ask(question)`. Requests wait in a bounded queue; the
thread takes up to `max_batch_size` of them (waiting at most `max_wait_ms` for a batch to fill),
answers them with one batched generate and resolves each caller's future on its own loop with
`call_soon_threadsafe`. A new checkpoint is loaded beside the serving one and switched in between
batches, so a hot swap fails no request and makes none wait for the load.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.inference import Assistant, Reader
from assistant.knowledge import load_knowledge
from assistant.linker import EntityLinker
from assistant.tokenizer import tokenize

log = logging.getLogger(__name__)


class WorkerBusy(Exception):
    """The request queue is full; the caller should try again shortly."""


class WorkerStopped(Exception):
    """The worker is shutting down or stopped and takes no more questions."""


@dataclass(frozen=True)
class Answer:
    text: str
    model_version: str
    latency_ms: float
    entities: tuple[str, ...] = ()
    """Keys of the entities the answer is about ("character:furina"), in question order."""


@dataclass
class _Request:
    question: str
    future: asyncio.Future[Answer]
    loop: asyncio.AbstractEventLoop
    enqueued: float = field(default_factory=time.perf_counter)


def _settle(future: asyncio.Future[Any], value: Any = None, error: BaseException | None = None) -> None:
    if future.done():  # the caller gave up (cancelled) meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


class InferenceWorker:
    """A dedicated inference thread with dynamic batching and hot swap."""

    def __init__(
        self,
        model_path: str | Path,
        *,
        device: str = "auto",
        max_batch_size: int = 16,
        max_wait_ms: float = 5.0,
        max_queue: int = 256,
        loader: Callable[[Path, str], Assistant] | None = None,
        knowledge_path: Path | None = None,
        beam_size: int = 1,
    ) -> None:
        if max_batch_size < 1 or max_queue < 1 or max_wait_ms < 0:
            raise ValueError("max_batch_size and max_queue must be >= 1 and max_wait_ms >= 0")
        self.model_path = Path(model_path)
        self.device = device
        self.max_batch_size = max_batch_size
        self.max_wait = max_wait_ms / 1000
        self.max_queue = max_queue
        self._load = loader or (
            lambda path, device: Assistant.load(
                path, device=device, beam_size=beam_size, reader=Reader(load_knowledge(knowledge_path))
            )
        )
        self._assistant: Assistant | None = None
        self._incoming: tuple[Assistant, threading.Event] | None = None
        self._requests: deque[_Request] = deque()
        self._condition = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.generate_calls = 0
        self.batch_observer: Callable[[int], None] | None = None
        """Called from the worker thread with the size of each batch before it is answered (for metrics)."""
        self._aliases: dict[str, str] = {}

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Load the model in the worker thread and start serving; raises if the model can't load."""
        if self._thread is not None:
            raise RuntimeError("the worker is already started")
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            try:
                assistant = self._load(self.model_path, self.device)
                with self._condition:
                    self._assistant = assistant
                    self._apply_aliases(assistant)
            except BaseException as error:  # handed to start()'s caller below
                failure.append(error)
                return
            finally:
                ready.set()
            self._serve()

        self._thread = threading.Thread(target=run, name="inference-worker", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]
        assert self._assistant is not None  # set by the thread before `ready`
        log.info("inference worker serving model %s on %s", self.model_version, self._assistant.device)

    def stop(self, timeout: float = 10.0) -> None:
        """Take no new questions, answer the queued ones, then join; whatever is left after
        `timeout` seconds fails with WorkerStopped."""
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
        with self._condition:
            leftovers = list(self._requests)
            self._requests.clear()
        for request in leftovers:
            self._deliver(request, error=WorkerStopped("the assistant is shutting down"))

    # -- public API ---------------------------------------------------------------------------

    @property
    def model_version(self) -> str:
        return self._assistant.version if self._assistant else "not loaded"

    @property
    def meta(self) -> dict[str, Any]:
        return self._assistant.meta if self._assistant else {}

    @property
    def queued(self) -> int:
        return len(self._requests)

    @property
    def serving(self) -> bool:
        """Whether the thread is up with a model loaded and still takes questions."""
        thread = self._thread
        return thread is not None and thread.is_alive() and self._assistant is not None and not self._stopping

    @property
    def linker(self) -> EntityLinker:
        """The serving model's entity linker; raises WorkerStopped before the model is loaded."""
        assistant = self._assistant
        if assistant is None:
            raise WorkerStopped("the assistant is not running")
        return assistant.linker

    def set_aliases(self, aliases: Mapping[str, str]) -> None:
        """Replace the moderators' aliases (nickname -> entity key) in the serving model's linker, and in
        every model swapped in later; questions asked from now on link them."""
        with self._condition:
            self._aliases = dict(aliases)
            if self._assistant is not None:
                self._assistant.linker.set_aliases(self._aliases)

    async def ask(self, question: str) -> Answer:
        """Answer one question; batched with whatever else is waiting."""
        if not isinstance(question, str) or not tokenize(question):
            raise ValueError("the question is empty")
        loop = asyncio.get_running_loop()
        request = _Request(question, loop.create_future(), loop)
        with self._condition:
            if self._stopping or self._thread is None:
                raise WorkerStopped("the assistant is not running")
            if len(self._requests) >= self.max_queue:
                raise WorkerBusy("the question queue is full")
            self._requests.append(request)
            self._condition.notify_all()
        return await request.future

    async def swap(self, checkpoint_path: str | Path) -> str:
        """Load `checkpoint_path` beside the serving model and switch to it between batches.

        Returns the new model's version once it is serving. Loading errors propagate and leave
        the current model serving.
        """
        path = Path(checkpoint_path)
        assistant = await asyncio.to_thread(self._load, path, self.device)
        switched = threading.Event()
        with self._condition:
            if self._stopping or self._thread is None:
                raise WorkerStopped("the assistant is not running")
            self._incoming = (assistant, switched)
            self._condition.notify_all()
        await asyncio.to_thread(switched.wait)
        self.model_path = path
        log.info("inference worker now serving model %s", assistant.version)
        return assistant.version

    # -- the thread ---------------------------------------------------------------------------

    def _serve(self) -> None:
        while True:
            with self._condition:
                while not self._requests and self._incoming is None and not self._stopping:
                    self._condition.wait()
                self._switch_if_ready()
                if not self._requests:
                    if self._stopping:
                        return
                    continue
                deadline = time.perf_counter() + self.max_wait
                while len(self._requests) < self.max_batch_size and not self._stopping:
                    remaining = deadline - time.perf_counter()
                    if remaining <= 0:
                        break
                    self._condition.wait(remaining)
                batch = [self._requests.popleft() for _ in range(min(self.max_batch_size, len(self._requests)))]
                assistant = self._assistant
            self._answer(assistant, batch)

    def _switch_if_ready(self) -> None:
        if self._incoming is not None:
            incoming, switched = self._incoming
            self._assistant, self._incoming = incoming, None
            self._apply_aliases(incoming)
            switched.set()

    def _apply_aliases(self, assistant: Assistant) -> None:
        # Under self._condition, so an alias change and a model switch cannot miss each other. A
        # freshly loaded linker has no moderator aliases, so an empty set needs no call.
        if self._aliases:
            assistant.linker.set_aliases(self._aliases)

    def _answer(self, assistant: Assistant | None, batch: list[_Request]) -> None:
        assert assistant is not None
        observe = self.batch_observer
        try:
            if observe is not None:
                observe(len(batch))
            self.generate_calls += 1
            replies = assistant.reply_batch([request.question for request in batch])
        except Exception as error:  # every caller in the batch gets the error; the thread lives on
            log.exception("batched generate failed for %d questions", len(batch))
            for request in batch:
                self._deliver(request, error=error)
            return
        done = time.perf_counter()
        for request, reply in zip(batch, replies, strict=True):
            latency = (done - request.enqueued) * 1000
            self._deliver(request, Answer(reply.text, assistant.version, latency, reply.entities))

    @staticmethod
    def _deliver(request: _Request, value: Answer | None = None, error: BaseException | None = None) -> None:
        # A RuntimeError means the caller's loop is closed: nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            request.loop.call_soon_threadsafe(_settle, request.future, value, error)
