"""Command line: `python -m training [options]` trains; subcommands build data, evaluate and export.

    python -m training                      # train with the seed defaults (1 epoch, batch 32, lr 0.002)
    python -m training build-data           # write training_data.json from the game data
    python -m training evaluate --model models/assistant_best.pt [--quantize]
    python -m training export-onnx --model models/assistant_best.pt --out models/onnx
    python -m training import-data genshin-db-5.2.12.tgz   # refresh the game data snapshot
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import fields
from pathlib import Path

from assistant.checkpoint import CheckpointError

DEFAULT_MODEL = Path("models/assistant_best.pt")


def train_parser() -> argparse.ArgumentParser:
    from training.train import TrainConfig

    defaults = TrainConfig()
    parser = argparse.ArgumentParser(prog="python -m training", description="Train Katheryne's answer model.")
    parser.add_argument("--data", type=Path, default=defaults.data, help="training_data.json (built if missing)")
    parser.add_argument("--output", type=Path, default=defaults.output, help="where the best checkpoint goes")
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--lr", type=float, default=defaults.lr)
    parser.add_argument("--embedding-dim", type=int, default=defaults.embedding_dim)
    parser.add_argument("--hidden-dim", type=int, default=defaults.hidden_dim)
    parser.add_argument("--max-length", type=int, default=defaults.max_length)
    parser.add_argument("--dropout", type=float, default=defaults.dropout)
    parser.add_argument("--accumulation-steps", type=int, default=defaults.accumulation_steps)
    parser.add_argument("--patience", type=int, default=defaults.patience, help="early-stopping patience in epochs")
    parser.add_argument("--select", default=defaults.select, choices=["loss", "facts"],
                        help="keep the epoch with the lowest validation loss or the highest validation fact accuracy")
    parser.add_argument("--max-minutes", type=float, help="time budget: the learning rate decays over it and training stops when it is spent")
    parser.add_argument("--device", default=defaults.device, choices=["auto", "cpu", "cuda"])
    parser.add_argument("--num-workers", type=int, default=defaults.num_workers)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--extra-data", type=Path, help="JSONL of {question, answer} pairs to add (e.g. the bot's export)")
    parser.add_argument("--warm-start", type=Path, help="continue from this checkpoint (new words are added)")
    parser.add_argument("--profile", action="store_true", help="print a torch.profiler table for a few steps")
    parser.add_argument("--progress-json", action="store_true", help="print progress as JSON lines on stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    commands = {
        "build-data": build_data,
        "evaluate": evaluate_command,
        "export-onnx": export_onnx,
        "import-data": import_data_command,
    }
    try:
        if argv and argv[0] in commands:
            return commands[argv[0]](argv[1:])
        return train_command(argv)
    except (CheckpointError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the last saved checkpoint is intact", file=sys.stderr)
        return 130


def train_command(argv: list[str]) -> int:
    from training.train import TrainConfig, train

    options = vars(train_parser().parse_args(argv))
    config = TrainConfig(**{f.name: options[f.name] for f in fields(TrainConfig) if f.name in options})
    if config.extra_data is not None and not config.extra_data.is_file():
        raise FileNotFoundError(f"--extra-data {config.extra_data} does not exist")
    result = train(config)
    print(f"saved {result.checkpoint}\ntest {result.test.summary()}")
    return 0


def build_data(argv: list[str]) -> int:
    from dataclasses import asdict

    from assistant.knowledge import load_knowledge
    from training.examples import build_examples, report, write_examples

    parser = argparse.ArgumentParser(prog="python -m training build-data")
    parser.add_argument("--out", type=Path, default=Path("training_data.json"))
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args(argv)
    knowledge = load_knowledge()
    examples = build_examples(knowledge, seed=options.seed)
    write_examples(options.out, examples, {"seed": options.seed, "knowledge": asdict(knowledge.version)})
    print(report(examples))
    print(f"wrote {options.out}")
    return 0


def evaluate_command(argv: list[str]) -> int:
    from training.quantize import compare_quantized
    from training.train import TrainConfig, load_splits

    parser = argparse.ArgumentParser(prog="python -m training evaluate")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--data", type=Path, default=TrainConfig.data)
    parser.add_argument("--split", choices=["validation", "test"], default="test")
    parser.add_argument("--quantize", action="store_true", help="also score dynamic int8 and compare speed")
    options = parser.parse_args(argv)
    splits = load_splits(TrainConfig(data=options.data))
    pairs = getattr(splits, options.split)
    for name, metrics, seconds in compare_quantized(options.model, pairs, include_int8=options.quantize):
        print(f"{name}: {metrics.summary()}, {seconds * 1000:.1f} ms per question ({metrics.pairs} pairs)")
    return 0


def export_onnx(argv: list[str]) -> int:
    from training.onnx_export import export

    parser = argparse.ArgumentParser(prog="python -m training export-onnx")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--out", type=Path, default=Path("models/onnx"))
    options = parser.parse_args(argv)
    paths = export(options.model, options.out)
    print("wrote " + ", ".join(str(path) for path in paths))
    return 0


def import_data_command(argv: list[str]) -> int:
    from training.import_data import DEFAULT_OUTPUT, import_data

    parser = argparse.ArgumentParser(
        prog="python -m training import-data",
        description="Import a genshin-db npm package (`npm pack genshin-db`) into the knowledge snapshot.",
    )
    parser.add_argument("path", type=Path, help="the genshin-db .tgz, its unpacked folder, or src/min/data.min.json")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUTPUT,
                        help="where the snapshot goes (default: the one Katheryne ships)")
    parser.add_argument("--package-version", help="genshin-db version, when PATH has no package.json")
    parser.add_argument("--game-version", help="game version, when the package description does not say it")
    options = parser.parse_args(argv)
    report = import_data(options.path, options.out, options.package_version, options.game_version)
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
