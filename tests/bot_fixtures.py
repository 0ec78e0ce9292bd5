"""Fixtures shared by the Discord-level tests: a worker and a conversation log for the module's `config`.

Each test module defines its own `config` fixture (which model, which database); these build the
pieces the bot runs on from it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from assistant.worker import InferenceWorker
from bot.config import Config
from bot.db import ConversationLog


@pytest.fixture
def worker(config: Config) -> Iterator[InferenceWorker]:
    worker = InferenceWorker(config.model_path, device="cpu")
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
async def conversation_log(config: Config) -> AsyncIterator[ConversationLog]:
    async with await ConversationLog.open(config.database_path) as log:
        yield log
