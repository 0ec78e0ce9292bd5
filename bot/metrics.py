"""What an operator can watch: Prometheus metrics and a health check, served on localhost when METRICS_PORT is set.

Every metric lives in one ``BotMetrics`` with its own ``CollectorRegistry`` (not the process-wide
one), so two bots in one process (tests) never count into each other. The metrics are always
collected, which costs next to nothing; only the HTTP endpoint is optional. It listens on
127.0.0.1 only: put a reverse proxy or the Prometheus agent on the same host to reach it.

- ``/metrics``: Prometheus' text format.
- ``/healthz``: ``{"gateway_connected", "worker_serving", "model_version"}`` as JSON, with status 200
  when the gateway is connected and the worker serving, else 503.

Values read at scrape time (queue depth, the serving model and data versions) come from the
worker and the knowledge then, so a hot swap shows without anyone having to tell the metrics.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric
from prometheus_client.registry import Collector

from assistant.worker import InferenceWorker

__all__ = ["BotMetrics", "Health", "MetricsServer"]

log = logging.getLogger(__name__)

HOST = "127.0.0.1"

_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)
"""Seconds; Discord wants a first response within 3 s, so the buckets are fine around it."""

_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


@dataclass(frozen=True)
class Health:
    """Whether Katheryne can answer: connected to Discord and with a model serving."""

    gateway_connected: bool
    worker_serving: bool
    model_version: str

    @property
    def ok(self) -> bool:
        return self.gateway_connected and self.worker_serving


class _Live(Collector):
    """Values read from the worker at scrape time."""

    def __init__(self, worker: InferenceWorker, data_version: Callable[[], str]) -> None:
        self._worker = worker
        self._data_version = data_version

    def collect(self) -> Iterator[Metric]:
        queue = GaugeMetricFamily("katheryne_queue_depth", "Questions waiting for the inference worker")
        queue.add_metric([], self._worker.queued)
        yield queue
        serving = InfoMetricFamily("katheryne_serving", "The model answering questions and the game data it knows")
        serving.add_metric([], {"model_version": self._worker.model_version, "data_version": self._data_version()})
        yield serving


class BotMetrics:
    """The bot's metrics; observe with ``ask``, ``retrain_finished`` and (from the worker) ``batch``."""

    def __init__(self, worker: InferenceWorker, data_version: Callable[[], str]) -> None:
        """``data_version`` gives the game data version the bot answers from, read at each scrape."""
        self.registry = CollectorRegistry()
        self._asks = Counter(
            "katheryne_ask",
            "Questions asked, by outcome (answered, refused, cooldown, busy, stopped, error)",
            ["outcome"],
            registry=self.registry,
        )
        self._ask_seconds = Histogram(
            "katheryne_ask_latency_seconds",
            "Time from a question's arrival to its reply, answered questions only",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._batches = Histogram(
            "katheryne_batch_size",
            "Questions answered per batched generate call",
            buckets=_BATCH_BUCKETS,
            registry=self.registry,
        )
        self._retrains = Counter(
            "katheryne_retrain",
            "Finished retrains, by outcome (promoted, rejected, failed, cancelled)",
            ["outcome"],
            registry=self.registry,
        )
        self.registry.register(_Live(worker, data_version))

    def ask(self, outcome: str, seconds: float) -> None:
        """Count one question by its outcome; the latency histogram takes answered ones only."""
        self._asks.labels(outcome=outcome).inc()
        if outcome == "answered":
            self._ask_seconds.observe(seconds)

    def batch(self, size: int) -> None:
        """Record one batch's size; thread-safe, the worker thread calls it."""
        self._batches.observe(size)

    def retrain_finished(self, outcome: str) -> None:
        self._retrains.labels(outcome=outcome).inc()

    def exposition(self) -> bytes:
        """Every metric in Prometheus' text format."""
        return generate_latest(self.registry)


class MetricsServer:
    """The /metrics and /healthz endpoint on 127.0.0.1, run on the bot's event loop."""

    def __init__(self, metrics: BotMetrics, health: Callable[[], Health], port: int) -> None:
        """``port`` 0 picks a free one (tests); ``port`` says which after ``start``."""
        self._metrics = metrics
        self._health = health
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen; raises OSError when the port is taken."""
        app = web.Application()
        app.router.add_get("/metrics", self._serve_metrics)
        app.router.add_get("/healthz", self._serve_health)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, HOST, self.port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]
        log.info("metrics on http://%s:%d/metrics, health on /healthz", HOST, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _serve_metrics(self, request: web.Request) -> web.Response:
        response = web.Response(body=self._metrics.exposition())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def _serve_health(self, request: web.Request) -> web.Response:
        health = self._health()
        return web.json_response(asdict(health), status=200 if health.ok else 503)
