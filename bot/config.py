"""The bot's settings: read once from the environment and a ``.env`` file, validated, then passed down.

Nothing else in ``bot`` reads ``os.environ``. Values in the real environment win over the ``.env``
file, so a deployment can override one setting without editing the file. An empty value (``KEY=``,
as ``.env.example`` ships them) counts as unset. Every problem is reported at once, in the words of
the variable the operator has to fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from dotenv import dotenv_values

__all__ = ["MAX_RETRAIN_EPOCHS", "Config", "ConfigError", "load_config"]

T = TypeVar("T")

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_MAX_SNOWFLAKE = 2**64 - 1
# Discord caps a slash command's string option at 6000 characters.
_MAX_QUESTION_LIMIT = 6000
# The most epochs /retrain's option accepts; RETRAIN_MAX_EPOCHS may only lower it.
MAX_RETRAIN_EPOCHS = 1000


class ConfigError(Exception):
    """One or more settings are missing or malformed; the message says which and how to fix them."""


@dataclass(frozen=True)
class Config:
    """Everything the bot and the console need to know about their deployment."""

    discord_token: str | None = field(default=None, repr=False)
    """Bot token from the Discord Developer Portal. None runs the terminal console instead.
    Kept out of ``repr`` so it never reaches a log line or a traceback."""

    database_path: Path = Path("data/katheryne.db")
    """SQLite file holding every exchange, vote and correction (created on first start)."""

    model_path: Path = Path("models/assistant_best.pt")
    """Checkpoint the inference worker answers with."""

    knowledge_path: Path | None = None
    """Game data snapshot to answer from (``python -m training import-data --out``); None is the shipped one."""

    device: str = "auto"
    """Where the model runs: ``auto`` (CUDA when present), ``cpu``, ``cuda`` or ``cuda:N``."""

    dev_guild_id: int | None = None
    """Sync slash commands to this one guild (instant) instead of globally (up to an hour)."""

    owner_ids: frozenset[int] = frozenset()
    """Discord users who own the bot; empty means the application's owner from the Developer Portal."""

    admin_role_ids: frozenset[int] = frozenset()
    """Roles whose members may moderate answers (corrections, retraining)."""

    log_level: str = "INFO"
    """Python logging level name for the whole process."""

    max_question_length: int = 500
    """Longest question accepted, in characters; longer ones get a friendly refusal."""

    ask_cooldown_seconds: float = 5.0
    """Each user may ask once per this many seconds; 0 turns the cooldown off."""

    batch_size: int = 16
    """Most questions the worker answers in one batched generate call."""

    batch_wait_ms: float = 5.0
    """How long the worker waits for more questions to fill a batch before generating."""

    beam_size: int = 1
    """Answers kept per step while generating: 1 is greedy; 3 was 0.8 points more accurate on
    validation at 1.7 times the latency on 2 CPU cores (README, Quality and speed)."""

    queue_size: int = 256
    """Questions waiting for the worker beyond this are refused with "I'm busy"."""

    retention_days: int = 180
    """Exchanges older than this are deleted (at start-up and daily); 0 keeps them forever."""

    training_data: Path = Path("training_data.json")
    """The generated training splits ``/retrain`` fine-tunes on (with the logged conversations added);
    its test split is where a retrained model must prove itself before it may serve."""

    retrain_epochs: int = 3
    """Epochs a ``/retrain`` runs when the moderator names none."""

    retrain_max_epochs: int = 50
    """Most epochs a moderator may ask ``/retrain`` for, so one command cannot tie up the machine for days."""

    retrain_tolerance: float = 0.01
    """How far a retrained model's test fact accuracy and unknown-question accuracy may fall below the
    serving model's and still replace it, as a fraction (0.01 = one percentage point)."""

    retrain_progress_seconds: float = 3.0
    """Least time between two edits of a retrain's progress message; Discord allows about five
    message edits per five seconds in a channel."""

    train_on_unconfirmed: bool = False
    """Whether ``/retrain`` and ``export-training`` also learn from answers nobody confirmed (as many
    thumbs up as down, usually none). Off, only corrections and answers with more 👍 than 👎 count, so
    the model does not learn its own unchecked guesses."""

    metrics_port: int | None = None
    """Serve Prometheus metrics (/metrics) and a health check (/healthz) on 127.0.0.1 at this port;
    None (the default) serves neither. 0 picks a free port (for tests)."""

    @property
    def command_sync_path(self) -> Path:
        """Where the hash of the last synced command tree lives: next to the database."""
        return self.database_path.parent / "command_sync.json"


def load_config(environ: Mapping[str, str], env_file: str | Path | None = ".env") -> Config:
    """Build a Config from ``environ`` layered over ``env_file`` (skipped if None or absent).

    Raises ConfigError listing every bad setting.
    """
    values: dict[str, str] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update({key: value for key, value in dotenv_values(env_file).items() if value is not None})
    values.update(environ)
    return _Parser(values).build()


class _Parser:
    """Reads one variable at a time, collecting problems instead of stopping at the first."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = values
        self.problems: list[str] = []

    def build(self) -> Config:
        defaults = Config()
        config = Config(
            discord_token=self._get("DISCORD_TOKEN", _token, None),
            database_path=self._get("DATABASE_PATH", Path, defaults.database_path),
            model_path=self._get("MODEL_PATH", Path, defaults.model_path),
            knowledge_path=self._get("KNOWLEDGE_PATH", _existing_file, None),
            device=self._get("DEVICE", _device, defaults.device),
            dev_guild_id=self._get("DEV_GUILD_ID", _snowflake, None),
            owner_ids=self._get("OWNER_IDS", _snowflakes, defaults.owner_ids),
            admin_role_ids=self._get("ADMIN_ROLE_IDS", _snowflakes, defaults.admin_role_ids),
            log_level=self._get("LOG_LEVEL", _log_level, defaults.log_level),
            max_question_length=self._get(
                "MAX_QUESTION_LENGTH", _int_between(1, _MAX_QUESTION_LIMIT), defaults.max_question_length
            ),
            ask_cooldown_seconds=self._get("ASK_COOLDOWN_SECONDS", _float_at_least(0), defaults.ask_cooldown_seconds),
            batch_size=self._get("BATCH_SIZE", _int_between(1, 1024), defaults.batch_size),
            batch_wait_ms=self._get("BATCH_WAIT_MS", _float_at_least(0), defaults.batch_wait_ms),
            beam_size=self._get("BEAM_SIZE", _int_between(1, 16), defaults.beam_size),
            queue_size=self._get("QUEUE_SIZE", _int_between(1, 1_000_000), defaults.queue_size),
            retention_days=self._get("RETENTION_DAYS", _int_between(0, 100_000), defaults.retention_days),
            training_data=self._get("TRAINING_DATA", Path, defaults.training_data),
            retrain_epochs=self._get("RETRAIN_EPOCHS", _int_between(1, MAX_RETRAIN_EPOCHS), defaults.retrain_epochs),
            retrain_max_epochs=self._get(
                "RETRAIN_MAX_EPOCHS", _int_between(1, MAX_RETRAIN_EPOCHS), defaults.retrain_max_epochs
            ),
            retrain_tolerance=self._get("RETRAIN_TOLERANCE", _float_between(0, 1), defaults.retrain_tolerance),
            retrain_progress_seconds=self._get(
                "RETRAIN_PROGRESS_SECONDS", _float_at_least(1), defaults.retrain_progress_seconds
            ),
            train_on_unconfirmed=self._get("TRAIN_ON_UNCONFIRMED", _flag, defaults.train_on_unconfirmed),
            metrics_port=self._get("METRICS_PORT", _int_between(1, 65535), None),
        )
        if config.retrain_epochs > config.retrain_max_epochs:
            self.problems.append(
                f"RETRAIN_EPOCHS: must not exceed RETRAIN_MAX_EPOCHS ({config.retrain_max_epochs}), "
                f"got {config.retrain_epochs}"
            )
        if self.problems:
            raise ConfigError(
                "invalid configuration (check your environment or .env file):\n"
                + "\n".join(f"  {problem}" for problem in self.problems)
            )
        return config

    def _get(self, name: str, parse: Callable[[str], T], default: T) -> T:
        raw = self._values.get(name, "").strip()
        if not raw:
            return default
        try:
            return parse(raw)
        except ValueError as error:
            # The token's value is never echoed; every other value helps the operator spot the typo.
            shown = "" if name == "DISCORD_TOKEN" else f", got {raw!r}"
            self.problems.append(f"{name}: {error}{shown}")
            return default


def _existing_file(raw: str) -> Path:
    path = Path(raw)
    if not path.is_file():
        raise ValueError("no such file")
    return path


def _token(raw: str) -> str:
    if any(character.isspace() for character in raw):
        raise ValueError("must be the bare token from the Developer Portal (no spaces, no 'Bot ' prefix)")
    return raw


def _device(raw: str) -> str:
    device = raw.lower()
    if device in ("auto", "cpu", "cuda"):
        return device
    prefix, _, index = device.partition(":")
    if prefix == "cuda" and index.isdigit():
        return device
    raise ValueError("must be auto, cpu, cuda or cuda:N")


def _snowflake(raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) <= _MAX_SNOWFLAKE:
        raise ValueError("must be a Discord id (a positive whole number; Developer Mode → Copy ID)")
    return int(raw)


def _snowflakes(raw: str) -> frozenset[int]:
    try:
        return frozenset(_snowflake(part.strip()) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ValueError(
            "must be Discord ids separated by commas, e.g. 123456789012345678,234567890123456789"
        ) from None


def _flag(raw: str) -> bool:
    value = raw.lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in _LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(_LOG_LEVELS)}")
    return level


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"must be a whole number from {low} to {high}") from None
        if not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value

    return parse


def _float_between(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"must be a number from {low:g} to {high:g}") from None
        if not low <= value <= high:  # also refuses NaN
            raise ValueError(f"must be a number from {low:g} to {high:g}")
        return value

    return parse


def _float_at_least(low: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(f"must be a number, {low:g} or more") from None
        # NaN and infinity parse as floats but are never a sensible wait.
        if not low <= value < float("inf"):
            raise ValueError(f"must be a number, {low:g} or more")
        return value

    return parse
