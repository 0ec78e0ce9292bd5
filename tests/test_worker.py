"""The inference worker thread: answers, batching, back-pressure, hot swap and shutdown."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from assistant.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from assistant.inference import Assistant, Reply
from assistant.worker import InferenceWorker, WorkerBusy, WorkerStopped


class GatedAssistant(Assistant):
    """The real tiny model, but each batch waits for the test to open the gate."""

    gate: threading.Event

    def reply_batch(self, questions: list[str]) -> list[Reply]:
        self.gate.wait(5)
        return super().reply_batch(questions)


def gated_loader(gate: threading.Event):
    def load(path: Path, device: str) -> Assistant:
        real = Assistant.load(path, device=device)
        gated = GatedAssistant(real.model, real.vocab, real.meta, reader=real.reader)
        gated.gate = gate
        return gated

    return load


@pytest.fixture
def worker(tiny_checkpoint):
    worker = InferenceWorker(tiny_checkpoint, device="cpu", max_batch_size=8, max_wait_ms=20)
    worker.start()
    yield worker
    worker.stop()


async def test_ask_returns_the_models_answer_with_entities_version_and_latency(worker, tiny_checkpoint):
    answer = await worker.ask("what element is diluc")
    assert answer.text == Assistant.load(tiny_checkpoint, device="cpu").answer("what element is diluc")
    assert answer.text == "Diluc is a Pyro character." and answer.entities == ("character:diluc",)
    assert answer.model_version == worker.model_version != "not loaded"
    assert answer.latency_ms > 0


async def test_a_beam_size_answers_with_beam_search(tiny_checkpoint):
    worker = InferenceWorker(tiny_checkpoint, device="cpu", beam_size=3)
    worker.start()
    try:
        answer = await worker.ask("what element is diluc")
        assert worker._assistant is not None and worker._assistant.beam_size == 3
        assert answer.text == "Diluc is a Pyro character."
    finally:
        worker.stop()


async def test_concurrent_questions_share_batched_generate_calls(worker):
    questions = ["what element is furina", "diluc element", "xingqiu vision?", "ganyu element"] * 4
    answers = await asyncio.gather(*(worker.ask(q) for q in questions))
    assert worker.generate_calls < len(questions)
    assert [a.text for a in answers[:4]] == [a.text for a in answers[4:8]]
    assert "Hydro" in answers[2].text and "Cryo" in answers[3].text


async def test_a_full_queue_is_refused_with_worker_busy(tiny_checkpoint):
    gate = threading.Event()
    worker = InferenceWorker(tiny_checkpoint, device="cpu", max_batch_size=1, max_queue=2, loader=gated_loader(gate))
    worker.start()
    try:
        first = asyncio.create_task(worker.ask("hello"))
        while worker.generate_calls == 0:  # wait until the worker holds the first question behind the gate
            await asyncio.sleep(0.005)
        queued = [asyncio.create_task(worker.ask("hello")) for _ in range(2)]
        await asyncio.sleep(0)
        with pytest.raises(WorkerBusy):
            await worker.ask("hello")
        gate.set()
        answers = await asyncio.gather(first, *queued)
        assert all(a.text for a in answers)
    finally:
        gate.set()
        worker.stop()


async def test_empty_questions_are_rejected_before_queueing(worker):
    for question in ["", "   ", "\n\t"]:
        with pytest.raises(ValueError):
            await worker.ask(question)
    assert worker.generate_calls == 0


async def test_emoji_and_other_scripts_get_an_answer(worker):
    for question in ["🔥🔥🔥", "胡桃は何元素？", "@everyone '); DROP TABLE conversations;--"]:
        assert (await worker.ask(question)).text


async def test_hot_swap_under_traffic_fails_no_request(worker, tiny_checkpoint, tmp_path):
    loaded = load_checkpoint(tiny_checkpoint)
    replacement = tmp_path / "replacement.pt"
    new_version = save_checkpoint(
        replacement, loaded.model, loaded.vocab, epoch=1, loss=0.1, config={}, metrics={}, data_hash="swap"
    )["version"]
    old_version = worker.model_version

    async def traffic() -> list:
        return await asyncio.gather(*(worker.ask("diluc element") for _ in range(40)))

    pending = asyncio.create_task(traffic())
    assert await worker.swap(replacement) == new_version
    answers = await pending
    answers += await traffic()
    assert all("Pyro" in a.text for a in answers)
    assert {a.model_version for a in answers} <= {old_version, new_version}
    assert answers[-1].model_version == new_version == worker.model_version


async def test_a_broken_checkpoint_does_not_replace_the_serving_model(worker, tmp_path):
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a checkpoint")
    version = worker.model_version
    with pytest.raises(CheckpointError):
        await worker.swap(broken)
    assert worker.model_version == version
    assert (await worker.ask("diluc element")).model_version == version


async def test_stop_answers_queued_questions_then_refuses_new_ones(tiny_checkpoint):
    worker = InferenceWorker(tiny_checkpoint, device="cpu", max_batch_size=2, max_wait_ms=1)
    worker.start()
    pending = [asyncio.create_task(worker.ask("hu tao element")) for _ in range(6)]
    await asyncio.sleep(0)
    await asyncio.to_thread(worker.stop)
    results = await asyncio.gather(*pending, return_exceptions=True)
    assert all(not isinstance(r, Exception) or isinstance(r, WorkerStopped) for r in results)
    assert any(not isinstance(r, Exception) for r in results)
    with pytest.raises(WorkerStopped):
        await worker.ask("hu tao element")


def test_start_fails_clearly_without_a_model(tmp_path):
    with pytest.raises(CheckpointError, match="no model checkpoint"):
        InferenceWorker(tmp_path / "missing.pt").start()


async def test_the_worker_thread_owns_generation(tiny_checkpoint):
    threads: list[str] = []

    class Recording(Assistant):
        def reply_batch(self, questions):
            threads.append(threading.current_thread().name)
            return super().reply_batch(questions)

    def load(path, device):
        real = Assistant.load(path, device=device)
        return Recording(real.model, real.vocab, real.meta, reader=real.reader)

    worker = InferenceWorker(tiny_checkpoint, device="cpu", loader=load)
    worker.start()
    try:
        await worker.ask("hello")
    finally:
        worker.stop()
    assert threads == ["inference-worker"]
