"""`python -m assistant "What element is Hu Tao?"` prints the answer.

With no question argument it reads questions one per line from stdin and prints one answer per
line (blank lines get a blank answer), which is what evaluation scripts pipe through it. The model is
``--model``, else MODEL_PATH from the environment or ``.env`` (as the bot reads it), else the shipped one.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

from assistant.checkpoint import CheckpointError
from assistant.inference import DEFAULT_MODEL_PATH, Assistant


def default_model(environ: Mapping[str, str], env_file: Path = Path(".env")) -> Path:
    """MODEL_PATH as the bot reads it: the environment wins over ``env_file``; empty counts as unset."""
    from_file = dotenv_values(env_file).get("MODEL_PATH") if env_file.is_file() else None
    for value in (environ.get("MODEL_PATH"), from_file):
        if value and value.strip():
            return Path(value.strip())
    return DEFAULT_MODEL_PATH


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Ask Katheryne's model a question.")
    parser.add_argument("question", nargs="*", help="the question (omit to read one question per line from stdin)")
    parser.add_argument(
        "--model",
        type=Path,
        default=default_model(os.environ),
        help="checkpoint to load; default: MODEL_PATH from the environment or .env, else the shipped model "
        "(here: %(default)s)",
    )
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--beam-size", type=int, default=1)
    options = parser.parse_args(argv)
    try:
        assistant = Assistant.load(options.model, device=options.device, beam_size=options.beam_size)
    except (CheckpointError, ValueError) as error:
        print(f"error: {error} (train one with `python -m training`)", file=sys.stderr)
        return 2
    if options.question:
        try:
            print(assistant.answer(" ".join(options.question)))
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return 0
    for line in sys.stdin:
        question = line.strip()
        print(assistant.answer(question) if question else "", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
