"""Load test of /ask through the real bot: N users ask at once, with batching on and off, in one run.

Each run starts a fresh local fake Discord (tests/fakediscord), the real ``KatheryneBot`` and an
inference worker, then dispatches N concurrent /ask interactions from N different users. It checks
that every one was deferred within Discord's 3-second deadline and answered, and prints the latency
from the user's command to the answer appearing (p50/p90/p99), once with the configured batch size
and once with ``max_batch_size=1``, and the ratio between them. Exit status 1 if any ask failed.

Usage: python -m benchmarks.load_ask [--model models/assistant_best.pt] [--users 200] [--device auto]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

# The fake Discord is test code, not a package of the project: import it from tests/.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fakediscord import FakeDiscord, InteractionHandle  # noqa: E402

from assistant.worker import InferenceWorker  # noqa: E402
from bot.app import create_bot  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.db import ConversationLog  # noqa: E402

DEFER_DEADLINE_S = 3.0
QUESTIONS = [
    "what element is hu tao",
    "what weapon does diluc use",
    "who is the archon of mondstadt",
    "what is xingqiu's vision",
    "where is liyue harbor",
    "what element is ayaka",
    "which region is raiden shogun from",
    "what is the best team for hu tao",
]


@dataclass(frozen=True)
class LoadResult:
    label: str
    max_batch_size: int
    users: int
    answered: int
    generate_calls: int
    latencies_ms: list[float]  # command dispatched -> answer edited into the message
    defers_ms: list[float]  # command dispatched -> defer callback arrived
    wall_s: float

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def _answer_latency_ms(handle: InteractionHandle) -> float | None:
    edits = [r for r in handle.requests() if r.method == "PATCH" and r.status == 200]
    return None if not edits else (edits[0].at - handle.record.dispatched_at) * 1000


async def run_load(config: Config, users: int, label: str) -> LoadResult:
    """One load run against a fresh fake Discord, bot, worker and database."""
    worker = InferenceWorker(
        config.model_path,
        device=config.device,
        max_batch_size=config.batch_size,
        max_wait_ms=config.batch_wait_ms,
        beam_size=config.beam_size,
        max_queue=config.queue_size,
    )
    await asyncio.to_thread(worker.start)
    try:
        with tempfile.TemporaryDirectory() as directory:
            async with FakeDiscord() as fake, await ConversationLog.open(Path(directory) / "load.db") as log:
                fake.install()
                config = replace(config, database_path=Path(directory) / "load.db", dev_guild_id=fake.guild.id)
                bot = create_bot(config, worker, log)
                askers = [fake.create_user(f"traveler{i}") for i in range(users)]
                async with fake.running(bot, until="connected"):
                    await worker.ask(QUESTIONS[0])  # warm-up, not measured
                    calls_before = worker.generate_calls
                    started = time.perf_counter()
                    handles = [
                        await fake.slash("ask", {"question": QUESTIONS[i % len(QUESTIONS)]}, user=user)
                        for i, user in enumerate(askers)
                    ]
                    outcomes = await asyncio.gather(*(h.original(timeout=300) for h in handles), return_exceptions=True)
                    wall = time.perf_counter() - started
    finally:
        await asyncio.to_thread(worker.stop)
    answered = sum(1 for o in outcomes if not isinstance(o, BaseException) and not o.ephemeral and o.embeds)
    latencies = [ms for ms in map(_answer_latency_ms, handles) if ms is not None]
    defers = [h.callback.delay * 1000 for h in handles if h.callback is not None and h.callback.accepted]
    return LoadResult(
        label, config.batch_size, users, answered, worker.generate_calls - calls_before, latencies, defers, wall
    )


def report(results: list[LoadResult]) -> None:
    print(
        f"{'batching':<9} {'batch':>5} {'answered':>9} {'generates':>9} {'p50 ms':>8} {'p90 ms':>8} "
        f"{'p99 ms':>8} {'max defer ms':>12} {'wall s':>7}"
    )
    for r in results:
        print(
            f"{r.label:<9} {r.max_batch_size:>5} {r.answered:>4}/{r.users:<4} {r.generate_calls:>9} "
            f"{r.percentile(0.5):>8.0f} {r.percentile(0.9):>8.0f} {r.percentile(0.99):>8.0f} "
            f"{max(r.defers_ms, default=float('nan')):>12.0f} {r.wall_s:>7.1f}"
        )
    on, off = results
    print(
        "latency ratio, batching off / on: "
        + ", ".join(f"p{int(q * 100)} {off.percentile(q) / on.percentile(q):.1f}x" for q in (0.5, 0.9, 0.99))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=Path("models/assistant_best.pt"))
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--batch-size", type=int, default=Config().batch_size)
    options = parser.parse_args()
    if not options.model.is_file():
        print(f"no checkpoint at {options.model}; train one (python -m training) or pass --model", file=sys.stderr)
        return 2
    # The bot logs every /ask at INFO, which would bury the table; warnings and errors still show.
    logging.basicConfig(level=logging.WARNING)
    base = Config(
        model_path=options.model,
        device=options.device,
        batch_size=options.batch_size,
        queue_size=max(Config().queue_size, options.users),
        ask_cooldown_seconds=0,
        retention_days=0,
    )
    results = [
        asyncio.run(run_load(base, options.users, "on")),
        asyncio.run(run_load(replace(base, batch_size=1), options.users, "off")),
    ]
    report(results)
    failed = [
        r
        for r in results
        if r.answered < r.users or max(r.defers_ms, default=0) >= DEFER_DEADLINE_S * 1000 or len(r.defers_ms) < r.users
    ]
    for r in failed:
        print(
            f"FAILED ({r.label}): {r.answered}/{r.users} answered, {len(r.defers_ms)} deferred in time, "
            f"slowest defer {max(r.defers_ms, default=float('nan')):.0f} ms",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
