"""An operator's view: the real bot against the fake Discord, scraped on its METRICS_PORT like Prometheus would."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from conftest import write_tiny_data
from fakediscord import FakeDiscord
from prometheus_client.parser import text_string_to_metric_families

from assistant.knowledge import load_knowledge
from assistant.worker import InferenceWorker
from bot.app import KatheryneBot, create_bot
from bot.config import Config, load_config
from bot.db import ConversationLog
from bot.retrain_records import RetrainSettings

pytest_plugins = ["fakediscord.fixtures", "bot_fixtures"]

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def config(config: Config) -> Config:
    """The shared test config with a cooldown to count and metrics on a free port."""
    return replace(config, ask_cooldown_seconds=60, metrics_port=0)


@pytest.fixture
async def katheryne(
    fake_discord: FakeDiscord, config: Config, worker: InferenceWorker, conversation_log: ConversationLog
) -> AsyncIterator[KatheryneBot]:
    bot = create_bot(config, worker, conversation_log)
    async with fake_discord.running(bot, until="ready"):
        yield bot


async def get(bot: KatheryneBot, path: str) -> tuple[int, str]:
    assert bot.metrics_server is not None
    url = f"http://127.0.0.1:{bot.metrics_server.port}{path}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def scrape(bot: KatheryneBot) -> Samples:
    status, text = await get(bot, "/metrics")
    assert status == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_asks_by_outcome_with_latency_batches_and_versions(
    fake_discord: FakeDiscord, katheryne: KatheryneBot, worker: InferenceWorker
) -> None:
    before = await scrape(katheryne)
    assert ("katheryne_ask_total", (("outcome", "answered"),)) not in before

    handle = await fake_discord.slash("ask", {"question": "what element is hu tao"})
    await handle.original(timeout=20)
    refused = await fake_discord.slash("ask", {"question": "what element is diluc"})  # same user, within the cooldown
    await refused.original(timeout=20)
    blank = await fake_discord.slash("ask", {"question": "   "}, user=fake_discord.create_user("lumine"))
    await blank.original(timeout=20)
    samples = await scrape(katheryne)

    assert samples[("katheryne_ask_total", (("outcome", "answered"),))] == 1
    assert samples[("katheryne_ask_total", (("outcome", "cooldown"),))] == 1
    assert samples[("katheryne_ask_total", (("outcome", "refused"),))] == 1
    assert samples[("katheryne_ask_latency_seconds_count", ())] == 1  # answered questions only
    assert 0 < samples[("katheryne_ask_latency_seconds_sum", ())] < 20
    assert samples[("katheryne_batch_size_count", ())] == worker.generate_calls == 1
    assert samples[("katheryne_batch_size_bucket", (("le", "1.0"),))] == 1
    assert samples[("katheryne_queue_depth", ())] == 0
    versions = (("data_version", load_knowledge().version.game_version), ("model_version", worker.model_version))
    assert samples[("katheryne_serving_info", versions)] == 1


async def test_health_is_200_while_connected_and_serving_and_503_once_the_worker_stops(
    katheryne: KatheryneBot, worker: InferenceWorker
) -> None:
    status, body = await get(katheryne, "/healthz")
    assert status == 200
    assert json.loads(body) == {
        "gateway_connected": True,
        "worker_serving": True,
        "model_version": worker.model_version,
    }
    worker.stop()
    status, body = await get(katheryne, "/healthz")
    assert status == 503
    assert '"worker_serving": false' in body and '"gateway_connected": true' in body


async def test_a_retrain_outcome_is_counted(
    tmp_path: Path, config: Config, worker: InferenceWorker, conversation_log: ConversationLog
) -> None:
    settings = RetrainSettings(training_data=write_tiny_data(tmp_path / "training_data.json"), work_dir=tmp_path)
    bot = create_bot(replace(config, metrics_port=None), worker, conversation_log, retrain_settings=settings)
    await bot.retrain.start(requested_by=1, guild_id=None, epochs=1)
    result = await bot.retrain.cancel("changed my mind")
    assert result is not None and result.outcome == "cancelled"
    assert b'katheryne_retrain_total{outcome="cancelled"} 1.0' in bot.metrics.exposition()


def test_metrics_are_off_unless_a_port_is_set() -> None:
    assert load_config({}, env_file=None).metrics_port is None
    assert load_config({"METRICS_PORT": "9108"}, env_file=None).metrics_port == 9108
    with pytest.raises(Exception, match="METRICS_PORT: must be a whole number from 1 to 65535"):
        load_config({"METRICS_PORT": "99999"}, env_file=None)


async def test_each_bot_counts_in_its_own_registry(
    fake_discord: FakeDiscord, config: Config, worker: InferenceWorker, conversation_log: ConversationLog
) -> None:
    first = create_bot(replace(config, metrics_port=None), worker, conversation_log)
    second = create_bot(replace(config, metrics_port=None), worker, conversation_log)
    first.metrics.ask("answered", 0.5)
    assert first.metrics.registry is not second.metrics.registry
    assert b'katheryne_ask_total{outcome="answered"} 1.0' in first.metrics.exposition()
    assert b"katheryne_ask_total{" not in second.metrics.exposition()
