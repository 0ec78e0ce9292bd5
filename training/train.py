"""The training loop: examples -> what the model reads -> vocabulary -> model -> best checkpoint,
loss curve and test metrics.

Every example goes through the same reader as a user's question (entity linking, then the linked
entities' facts), so the model trains on what it will read when serving, linker mistakes included.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import torch
from torch import nn
from torch.utils.data import DataLoader
from tqdm import tqdm

from assistant.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from assistant.device import resolve_device
from assistant.facts import NONE_MARKER, Source
from assistant.inference import Reader
from assistant.knowledge import load_knowledge
from assistant.model import GenshinAssistant
from assistant.progress import Done, EpochEnd, Evaluating, ModelScores, ProgressEvent, StepProgress
from assistant.tokenizer import PAD, Piece, Vocab, tokenize
from training.batching import Batch, BucketBatchSampler, ReadingDataset, collate
from training.evaluate import Metrics, evaluate, generated_scores, teacher_forced
from training.examples import Example, build_examples, read_examples, write_examples
from training.extra import load_extra_examples
from training.plot import plot_loss_curve
from training.vocabulary import build_vocab

log = logging.getLogger(__name__)

PROFILE_STEPS = 5
"""How many training steps `--profile` measures."""


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a training run; the defaults train the shipped model (see the README)."""

    data: Path = Path("training_data.json")
    output: Path = Path("models/assistant_best.pt")
    epochs: int = 8
    batch_size: int = 64
    lr: float = 0.002
    embedding_dim: int = 96
    hidden_dim: int = 192
    max_length: int = 64
    dropout: float = 0.1
    copy: bool = True
    """Build the pointer-generator gate, so answers copy names and values from the facts."""
    accumulation_steps: int = 1
    patience: int = 3
    max_minutes: float | None = None
    """Time budget: the learning rate decays over it and training stops, mid-epoch if need be, when it is spent."""
    min_lr_ratio: float = 0.05
    select: str = "facts"
    """Which epoch is kept and drives early stopping: "loss" (lowest validation loss) or "facts" (highest
    validation fact accuracy, ties to the lower loss; costs one generation pass over validation per epoch)."""
    device: str = "auto"
    num_workers: int = 0
    seed: int = 0
    extra_data: Path | None = None
    knowledge: Path | None = None
    """Game data snapshot to read facts from (None: the shipped one)."""
    warm_start: Path | None = None
    profile: bool = False
    progress_json: bool = False
    eval_batch_size: int = 128

    def __post_init__(self) -> None:
        if self.select not in ("loss", "facts"):
            raise ValueError(f"select must be 'loss' or 'facts', not {self.select!r}")

    def to_dict(self) -> dict[str, Any]:
        return {key: str(value) if isinstance(value, Path) else value for key, value in asdict(self).items()}


@dataclass
class TrainResult:
    checkpoint: Path
    test: Metrics
    baseline: Metrics | None
    history: list[dict[str, float]] = field(default_factory=list)


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass(frozen=True)
class Splits:
    """Examples by split, each with what the model reads for it."""

    train: list[Example]
    validation: list[Example]
    test: list[Example]
    sources: dict[str, list[tuple[Piece, ...]]]


def data_fingerprint(examples: list[Example]) -> str:
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.question}\t{example.answer}\n".encode())
    return digest.hexdigest()[:16]


def load_splits(config: TrainConfig, reader: Reader) -> Splits:
    """The generated examples (built on first use) with the extra pairs merged into train, each
    read by `reader` as a user's question would be."""
    if not config.data.exists():
        log.info("%s not found: generating it from the game data", config.data)
        write_examples(config.data, build_examples(reader.knowledge, seed=config.seed), {"seed": config.seed})
    examples, _ = read_examples(config.data)
    by_split: dict[str, list[Example]] = {"train": [], "validation": [], "test": []}
    for example in examples:
        by_split[example.split].append(example)
    if config.extra_data is not None:
        by_split["train"] += load_extra_examples(config.extra_data, reader)
    read = {
        split: [
            reader.source(e.question)
            for e in tqdm(
                items,
                desc=f"reading {split}",
                unit="question",
                file=sys.stderr,
                disable=None if not config.progress_json else True,
            )
        ]
        for split, items in by_split.items()
    }
    # A training question whose entity the linker misses, or whose facts lack a value its answer
    # gives, would teach answering beyond what was read (inventing); validation and test keep
    # theirs, since users type such questions too.
    kept = [(e, source) for e, source in zip(by_split["train"], read["train"], strict=True) if _grounded(e, source)]
    if dropped := len(by_split["train"]) - len(kept):
        log.info("left out %d training questions whose answer the facts read do not hold", dropped)
    by_split["train"], read["train"] = [e for e, _ in kept], [source for _, source in kept]
    sources = {split: [source.pieces for source in items] for split, items in read.items()}
    return Splits(by_split["train"], by_split["validation"], by_split["test"], sources)


def _grounded(example: Example, source: Source) -> bool:
    """Whether the question links its entities and, for a fact, whether every word the answer must
    hold is among the words read."""
    if not set(example.entities) <= set(source.entities):
        return False
    read = {piece.key for piece in source.pieces}
    needed = {word for value in example.expected for word in tokenize(value) if any(c.isalnum() for c in word)}
    return example.category != "fact" or needed <= read


def prepare_model(config: TrainConfig, splits: Splits, device: torch.device) -> tuple[GenshinAssistant, Vocab]:
    """A fresh model with a vocabulary from the training data, or the warm-start checkpoint as it is
    (words it lacks are read as <UNK> and copied, as for any new entity)."""
    if config.warm_start is None:
        vocab = build_vocab(
            splits.sources["train"], [e.answer for e in splits.train], [e.entities for e in splits.train]
        )
        model = GenshinAssistant(len(vocab), config.embedding_dim, config.hidden_dim, config.dropout, config.copy)
    else:
        checkpoint = load_checkpoint(config.warm_start)
        model, vocab = checkpoint.model, checkpoint.vocab
        log.info("warm start from %s (%d words)", config.warm_start, len(vocab))
    return model.to(device), vocab


def _loader(
    dataset: ReadingDataset, batch_size: int, shuffle: bool, config: TrainConfig, pin: bool
) -> DataLoader[Batch]:
    sampler = BucketBatchSampler(dataset.source_lengths(), batch_size, shuffle=shuffle, seed=config.seed)
    loader = DataLoader(
        dataset, batch_sampler=sampler, collate_fn=collate, num_workers=config.num_workers, pin_memory=pin
    )
    return cast("DataLoader[Batch]", loader)  # collate turns the dataset's items into batches


def train(config: TrainConfig, on_progress: ProgressCallback | None = None) -> TrainResult:
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    device = resolve_device(config.device)
    use_cuda = device.type == "cuda"
    if use_cuda:
        torch.backends.cudnn.benchmark = True
    report = _reporter(config, on_progress)

    reader = Reader(load_knowledge(config.knowledge))
    splits = load_splits(config, reader)
    model, vocab = prepare_model(config, splits, device)
    datasets = {
        split: ReadingDataset(splits.sources[split], [e.answer for e in examples], vocab, config.max_length)
        for split, examples in (("train", splits.train), ("validation", splits.validation), ("test", splits.test))
    }
    train_loader = _loader(datasets["train"], config.batch_size, True, config, use_cuda)
    val_loader = _loader(datasets["validation"], config.eval_batch_size, False, config, use_cuda)
    test_loader = _loader(datasets["test"], config.eval_batch_size, False, config, use_cuda)
    baseline = None
    if config.warm_start is not None:
        baseline = evaluate(model, vocab, reader, splits.test, test_loader, device, batch_size=config.eval_batch_size)

    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    updates = max(1, config.epochs * len(train_loader) // config.accumulation_steps)
    started = time.perf_counter()
    deadline = started + config.max_minutes * 60 if config.max_minutes is not None else None
    scheduler = cosine_schedule(optimizer, updates, config.min_lr_ratio, started, deadline)
    scaler = torch.amp.GradScaler("cuda", enabled=use_cuda)

    best_key: tuple[float, ...]
    best_key, best_loss, best_state, best_epoch, stale = (float("inf"),), float("inf"), None, 0, 0
    history: list[dict[str, float]] = []
    data_hash = data_fingerprint(splits.train)
    for epoch in range(1, config.epochs + 1):
        train_loss = _train_epoch(
            model,
            train_loader,
            optimizer,
            scheduler,
            scaler,
            device,
            config,
            epoch,
            report,
            started,
            deadline,
        )
        val_loss, val_accuracy = teacher_forced(model, val_loader, device)
        scores = {"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss, "val_token_accuracy": val_accuracy}
        if config.select == "facts":
            scores["val_fact_accuracy"] = generated_scores(
                model, vocab, reader, splits.validation, batch_size=config.eval_batch_size, max_length=config.max_length
            ).fact_accuracy
        history.append(scores)
        report(EpochEnd(epoch, config.epochs, train_loss, val_loss))
        log.info(
            "epoch %d: %s", epoch, ", ".join(f"{key} {value:.4f}" for key, value in scores.items() if key != "epoch")
        )
        if _selection_key(scores, config.select) < best_key:
            best_key, best_loss, best_epoch, stale = _selection_key(scores, config.select), val_loss, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
            _save(
                config,
                model,
                vocab,
                best_epoch,
                best_loss,
                history,
                data_hash,
                splits,
                metrics={"validation_loss": val_loss},
            )
        else:
            stale += 1
            if stale >= config.patience:
                log.info("early stop: validation %s has not improved for %d epochs", config.select, stale)
                break
        if deadline is not None and time.perf_counter() >= deadline:
            log.info("time budget of %g minutes spent in epoch %d", config.max_minutes, epoch)
            break

    assert best_state is not None
    model.load_state_dict(best_state)
    report(Evaluating())
    test = evaluate(model, vocab, reader, splits.test, test_loader, device, batch_size=config.eval_batch_size)
    metrics: dict[str, Any] = {"validation_loss": best_loss, "test": test.to_dict()}
    bar = None
    if baseline is not None:
        metrics["baseline_test"] = baseline.to_dict()
        bar = lineage_best(config.warm_start, baseline.to_dict(), data_fingerprint(splits.test))
    metrics["best_test"] = {
        "test_hash": data_fingerprint(splits.test),
        "scores": best_of(test.to_dict(), bar) if bar is not None else _gated(test.to_dict()),
    }
    _save(config, model, vocab, best_epoch, best_loss, history, data_hash, splits, metrics=metrics)
    plot_loss_curve(history, config.output.with_suffix(".png"))
    report(
        Done(
            ModelScores.from_dict(test.to_dict()),
            ModelScores.from_dict(bar) if bar is not None else None,
            str(config.output),
        )
    )
    return TrainResult(config.output, test, baseline, history)


GATED = ("fact_accuracy", "unknown_accuracy", "held_out_accuracy", "no_fact_accuracy")
"""The scores a retrain must not lose against the best model of its line."""


def _gated(scores: dict[str, Any]) -> dict[str, float]:
    return {key: float(scores[key]) for key in GATED if key in scores}


def best_of(scores: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """`scores` with each gated score raised to `other`'s where that is higher."""
    return {
        **scores,
        **{key: max(float(scores[key]), float(other[key])) for key in GATED if key in scores and key in other},
    }


def lineage_best(warm_start: Path | None, baseline: dict[str, Any], test_hash: str) -> dict[str, Any]:
    """The bar a warm-started model is gated against: the warm-start model's scores now, each raised
    to the best any model before it scored on this same test split. Gating against the serving model
    alone would let repeated retrains each lose a little within the tolerance and drift down."""
    if warm_start is None:
        return baseline
    best = read_metadata(warm_start).get("metrics", {}).get("best_test") or {}
    if best.get("test_hash") != test_hash:
        return baseline
    return best_of(baseline, best.get("scores", {}))


def cosine_schedule(
    optimizer: torch.optim.Optimizer, updates: int, floor: float, started: float, deadline: float | None
) -> torch.optim.lr_scheduler.LambdaLR:
    """Cosine decay from the full rate to `floor` times it over the planned updates or, with a time
    budget, over whichever runs out first: a run the clock cuts short still ends on a low rate,
    which is where most of the final accuracy comes from."""

    def factor(update: int) -> float:
        progress = update / updates
        if deadline is not None:
            progress = max(progress, (time.perf_counter() - started) / (deadline - started))
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


def _selection_key(scores: dict[str, float], select: str) -> tuple[float, ...]:
    """Smaller is better: validation loss, or (-fact accuracy, loss)."""
    if select == "facts":
        return (-scores["val_fact_accuracy"], scores["val_loss"])
    return (scores["val_loss"],)


def _train_epoch(
    model: GenshinAssistant,
    loader: DataLoader[Batch],
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    scaler: torch.amp.GradScaler,
    device: torch.device,
    config: TrainConfig,
    epoch: int,
    report: ProgressCallback,
    started: float,
    deadline: float | None = None,
) -> float:
    model.train()
    total_loss, total_tokens, batches = 0.0, 0, len(loader)
    epoch_start = time.perf_counter()
    profiler = _start_profiler() if config.profile and epoch == 1 else None
    bar = tqdm(
        loader,
        desc=f"epoch {epoch}/{config.epochs}",
        unit="batch",
        file=sys.stderr,
        dynamic_ncols=True,
        disable=None if not config.progress_json else True,
    )
    optimizer.zero_grad(set_to_none=True)
    for step, batch in enumerate(bar, start=1):
        queries = batch.queries.to(device, non_blocking=True)
        source_ids = batch.source_ids.to(device, non_blocking=True)
        responses = batch.responses.to(device, non_blocking=True)
        with torch.autocast(device.type, dtype=torch.float16, enabled=device.type == "cuda"):
            log_probs = model(queries, responses, source_ids, batch.oov_count)
            loss = nn.functional.nll_loss(
                log_probs.reshape(-1, log_probs.size(-1)).float(), responses[:, 1:].reshape(-1), ignore_index=PAD
            )
        scaler.scale(loss / config.accumulation_steps).backward()
        if step % config.accumulation_steps == 0 or step == batches:
            scaler.unscale_(optimizer)
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            scaler.step(optimizer)
            scaler.update()
            optimizer.zero_grad(set_to_none=True)
            scheduler.step()
        tokens = int((responses[:, 1:] != PAD).sum())
        total_loss += loss.item() * tokens
        total_tokens += tokens
        elapsed = time.perf_counter() - epoch_start
        rate = total_tokens / max(elapsed, 1e-9)
        bar.set_postfix(loss=f"{loss.item():.3f}", tok_s=f"{rate:,.0f}")
        if step % 20 == 0 or step == batches:
            done = (epoch - 1) * batches + step
            now = time.perf_counter()
            eta = (now - started) / done * (config.epochs * batches - done)
            if deadline is not None:
                eta = min(eta, deadline - now)
            report(StepProgress(epoch, config.epochs, step, batches, loss.item(), rate, eta))
        if profiler is not None and step == PROFILE_STEPS:
            _report_profile(profiler)
            profiler = None
        if deadline is not None and time.perf_counter() >= deadline:
            break
    bar.close()
    if profiler is not None:  # an epoch shorter than PROFILE_STEPS
        _report_profile(profiler)
    return total_loss / max(total_tokens, 1)


def _start_profiler() -> torch.profiler.profile:
    activities = [torch.profiler.ProfilerActivity.CPU]
    if torch.cuda.is_available():
        activities.append(torch.profiler.ProfilerActivity.CUDA)
    profiler = torch.profiler.profile(activities=activities, profile_memory=True)
    profiler.start()
    return profiler


def _report_profile(profiler: torch.profiler.profile) -> None:
    """Stop profiling and print where the time and memory of the profiled steps went."""
    profiler.stop()
    sort_by = "self_cuda_time_total" if torch.cuda.is_available() else "self_cpu_time_total"
    print(profiler.key_averages().table(sort_by=sort_by, row_limit=20), file=sys.stderr)
    return None


def no_facts_replies(splits: Splits) -> list[str]:
    """What the model was taught to say when it reads `<none>`: with nothing linked it says only these."""
    return sorted(
        {
            example.answer
            for example, source in zip(splits.train, splits.sources["train"], strict=True)
            if source[-1].key == NONE_MARKER
        }
    )


def frame_words(splits: Splits) -> list[str]:
    """The words training answers write without reading them ("is", "uses", "Elemental"): with
    facts read, an answer may add only these (see `assistant.inference.Taught`)."""
    words: set[str] = set()
    for example, source in zip(splits.train, splits.sources["train"], strict=True):
        read = {piece.key for piece in source}
        words.update(word for word in tokenize(example.answer) if word not in read)
    return sorted(words)


def _save(
    config: TrainConfig,
    model: GenshinAssistant,
    vocab: Vocab,
    epoch: int,
    loss: float,
    history: list[dict[str, float]],
    data_hash: str,
    splits: Splits,
    metrics: dict[str, Any],
) -> None:
    save_checkpoint(
        config.output,
        model,
        vocab,
        epoch=epoch,
        loss=loss,
        config=config.to_dict(),
        metrics=metrics,
        data_hash=data_hash,
        extra={
            "history": history,
            "train_pairs": len(splits.train),
            "vocab_size": len(vocab),
            "warm_start": str(config.warm_start) if config.warm_start else None,
            "no_facts_replies": no_facts_replies(splits),
            "frame_words": frame_words(splits),
        },
    )


def _reporter(config: TrainConfig, on_progress: ProgressCallback | None) -> ProgressCallback:
    """Progress goes to the callback and, with --progress-json, as JSON lines on stdout."""

    def report(event: ProgressEvent) -> None:
        if on_progress is not None:
            on_progress(event)
        if config.progress_json:
            print(event.to_json(), flush=True)

    return report
