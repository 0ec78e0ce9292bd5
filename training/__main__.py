"""Command line: `python -m training COMMAND [options]`; `python -m training --help` lists the commands.

    python -m training                      # train with the defaults (the same as `python -m training train`)
    python -m training train --epochs 14    # train; `python -m training --epochs 14` works too
    python -m training build-data           # write training_data.json from the game data
    python -m training evaluate --model models/assistant_best.pt [--quantize]
    python -m training export-onnx --model models/assistant_best.pt --out models/onnx
    python -m training import-data genshin-db-5.2.12.tgz   # refresh the game data snapshot

Each subcommand has one function that adds its parser (``add_*_command``) and one that runs it; the
training options are added by ``add_train_arguments`` to both the top level and ``train``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import fields
from pathlib import Path

from assistant.checkpoint import CheckpointError

DEFAULT_MODEL = Path("models/assistant_best.pt")

Commands = argparse._SubParsersAction  # what add_subparsers returns: each command adds its parser to it
Runner = Callable[[argparse.Namespace], int]


def parser() -> argparse.ArgumentParser:
    """The whole command line: the training options at the top level, and every subcommand."""
    top = argparse.ArgumentParser(
        prog="python -m training",
        description="Build Katheryne's training data, train her answer model, evaluate and export it. "
        "With no command, trains (the options below are `train`'s).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add_train_arguments(top)
    top.set_defaults(run=train_command)
    commands = top.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    add_train_command(commands)
    add_build_data_command(commands)
    add_evaluate_command(commands)
    add_export_onnx_command(commands)
    add_import_data_command(commands)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    options = parser().parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    run: Runner = options.run
    try:
        return run(options)
    except (CheckpointError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the last saved checkpoint is intact", file=sys.stderr)
        return 130


def _add_command(commands: Commands, name: str, help: str, run: Runner) -> argparse.ArgumentParser:
    command: argparse.ArgumentParser = commands.add_parser(
        name, help=help, description=help, formatter_class=argparse.ArgumentDefaultsHelpFormatter
    )
    command.set_defaults(run=run)
    return command


# -- train -----------------------------------------------------------------------------------------


def add_train_command(commands: Commands) -> None:
    add_train_arguments(_add_command(commands, "train", "train the answer model (the default command)", train_command))


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """The training options, with ``TrainConfig``'s defaults."""
    from training.train import TrainConfig

    defaults = TrainConfig()
    parser.add_argument("--data", type=Path, default=defaults.data, help="training_data.json (built if missing)")
    parser.add_argument("--output", type=Path, default=defaults.output, help="where the best checkpoint goes")
    parser.add_argument("--epochs", type=int, default=defaults.epochs, help="passes over the training split")
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size, help="pairs per optimiser step")
    parser.add_argument("--lr", type=float, default=defaults.lr, help="peak learning rate (Adam, cosine decay)")
    parser.add_argument("--embedding-dim", type=int, default=defaults.embedding_dim, help="word embedding size")
    parser.add_argument(
        "--hidden-dim",
        type=int,
        default=defaults.hidden_dim,
        help="encoder LSTM size (the decoder has twice as many units)",
    )
    parser.add_argument(
        "--max-length", type=int, default=defaults.max_length, help="longest question and answer, in tokens"
    )
    parser.add_argument("--dropout", type=float, default=defaults.dropout, help="dropout probability")
    parser.add_argument(
        "--copy",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the copy gate; --no-copy builds the seed model without it (answers can then only use words it learned)",
    )
    parser.add_argument(
        "--accumulation-steps",
        type=int,
        default=defaults.accumulation_steps,
        help="batches whose gradients are summed before each optimiser step",
    )
    parser.add_argument("--patience", type=int, default=defaults.patience, help="early-stopping patience in epochs")
    parser.add_argument(
        "--select",
        default=defaults.select,
        choices=["loss", "facts"],
        help="keep the epoch with the lowest validation loss or the highest validation fact accuracy",
    )
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=defaults.max_minutes,
        help="time budget: the learning rate decays over it and training stops when it is spent (none: no limit)",
    )
    parser.add_argument(
        "--device", default=defaults.device, choices=["auto", "cpu", "cuda"], help="auto picks CUDA when present"
    )
    parser.add_argument(
        "--num-workers", type=int, default=defaults.num_workers, help="DataLoader worker processes (0: in process)"
    )
    parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed for weights and batch order")
    parser.add_argument(
        "--extra-data",
        type=Path,
        default=defaults.extra_data,
        help="JSONL of {question, answer} pairs to add (e.g. `python -m bot export-training`'s file)",
    )
    parser.add_argument(
        "--warm-start",
        type=Path,
        default=defaults.warm_start,
        help="continue from this checkpoint (its vocabulary is kept; other words are read as unknown and copied)",
    )
    parser.add_argument(
        "--knowledge", type=Path, default=defaults.knowledge, help="game data snapshot to read (none: the shipped one)"
    )
    parser.add_argument("--profile", action="store_true", help="print a torch.profiler table for a few steps")
    parser.add_argument("--progress-json", action="store_true", help="print progress as JSON lines on stdout")


def train_command(options: argparse.Namespace) -> int:
    from training.train import TrainConfig, train

    values = vars(options)
    config = TrainConfig(**{f.name: values[f.name] for f in fields(TrainConfig) if f.name in values})
    if config.extra_data is not None and not config.extra_data.is_file():
        raise FileNotFoundError(f"--extra-data {config.extra_data} does not exist")
    result = train(config)
    print(f"saved {result.checkpoint}\ntest {result.test.summary()}")
    return 0


# -- build-data ------------------------------------------------------------------------------------


def add_build_data_command(commands: Commands) -> None:
    command = _add_command(commands, "build-data", "write the training data from the game data", build_data)
    command.add_argument("--out", type=Path, default=Path("training_data.json"), help="where the data goes")
    command.add_argument("--seed", type=int, default=0, help="random seed for phrasings and the split")


def build_data(options: argparse.Namespace) -> int:
    from dataclasses import asdict

    from assistant.knowledge import load_knowledge
    from training.examples import build_examples, report, write_examples

    knowledge = load_knowledge()
    examples = build_examples(knowledge, seed=options.seed)
    write_examples(options.out, examples, {"seed": options.seed, "knowledge": asdict(knowledge.version)})
    print(report(examples))
    print(f"wrote {options.out}")
    return 0


# -- evaluate --------------------------------------------------------------------------------------


def add_evaluate_command(commands: Commands) -> None:
    from training.train import TrainConfig

    command = _add_command(commands, "evaluate", "score a checkpoint on a held-out split", evaluate_command)
    command.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="checkpoint to score")
    command.add_argument("--data", type=Path, default=TrainConfig.data, help="training_data.json with the splits")
    command.add_argument("--split", choices=["validation", "test"], default="test", help="which split to score")
    command.add_argument("--quantize", action="store_true", help="also score dynamic int8 and compare speed")


def evaluate_command(options: argparse.Namespace) -> int:
    from assistant.inference import Reader
    from assistant.knowledge import load_knowledge
    from training.examples import read_examples
    from training.quantize import compare_quantized

    examples = [example for example in read_examples(options.data)[0] if example.split == options.split]
    reader = Reader(load_knowledge())
    for name, scores, seconds in compare_quantized(options.model, examples, reader, include_int8=options.quantize):
        print(f"{name}: {scores.describe()}, {seconds * 1000:.1f} ms per question ({len(examples)} questions)")
    return 0


# -- export-onnx -----------------------------------------------------------------------------------


def add_export_onnx_command(commands: Commands) -> None:
    command = _add_command(commands, "export-onnx", "export a checkpoint to ONNX (needs the onnx extra)", export_onnx)
    command.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="checkpoint to export")
    command.add_argument("--out", type=Path, default=Path("models/onnx"), help="folder for the ONNX files")


def export_onnx(options: argparse.Namespace) -> int:
    from training.onnx_export import export

    paths = export(options.model, options.out)
    print("wrote " + ", ".join(str(path) for path in paths))
    return 0


# -- import-data -----------------------------------------------------------------------------------


def add_import_data_command(commands: Commands) -> None:
    from training.import_data import DEFAULT_OUTPUT

    command = _add_command(
        commands,
        "import-data",
        "import a genshin-db npm package (`npm pack genshin-db`) into the knowledge snapshot",
        import_data_command,
    )
    command.add_argument("path", type=Path, help="the genshin-db .tgz, its unpacked folder, or src/min/data.min.json")
    command.add_argument(
        "--out", type=Path, default=DEFAULT_OUTPUT, help="where the snapshot goes (the one Katheryne ships)"
    )
    command.add_argument("--package-version", help="genshin-db version, when PATH has no package.json")
    command.add_argument("--game-version", help="game version, when the package description does not say it")


def import_data_command(options: argparse.Namespace) -> int:
    from training.import_data import import_data

    report = import_data(options.path, options.out, options.package_version, options.game_version)
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
