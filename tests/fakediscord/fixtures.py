"""Pytest fixtures for the fake Discord; load with ``pytest_plugins = ["fakediscord.fixtures"]``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .harness import FakeDiscord


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A running fake Discord with discord.py pointed at it for the test's duration."""
    async with FakeDiscord() as fake:
        fake.install()
        yield fake
