"""A local fake Discord (REST + gateway) for driving the real discord.py client in tests."""

from __future__ import annotations

from .harness import FakeDiscord
from .interactions import InteractionHandle
from .models import FakeAttachment, FakeChannel, FakeGuild, FakeRole, FakeUser
from .state import Callback, Pings, RecordedFile, RecordedRequest, StoredMessage, resolve_pings

__all__ = [
    "Callback",
    "FakeAttachment",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeRole",
    "FakeUser",
    "InteractionHandle",
    "Pings",
    "RecordedFile",
    "RecordedRequest",
    "StoredMessage",
    "resolve_pings",
]
