"""Settings: defaults, the .env file, validation messages an operator can act on, and a secret token."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from bot.config import Config, ConfigError, load_config

REPO = Path(__file__).resolve().parents[1]
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.secret-part-of-the-token"


def test_defaults_when_nothing_is_set() -> None:
    config = load_config({}, env_file=None)

    assert config == Config()
    assert config.discord_token is None
    assert config.database_path == Path("data/katheryne.db")
    assert config.model_path == Path("models/assistant_best.pt")
    assert config.device == "auto"
    assert config.dev_guild_id is None
    assert config.max_question_length == 500
    assert config.retention_days == 180


def test_every_variable_is_read() -> None:
    config = load_config(
        {
            "DISCORD_TOKEN": TOKEN,
            "DATABASE_PATH": "/srv/k/log.db",
            "MODEL_PATH": "/srv/k/model.pt",
            "DEVICE": "CUDA:1",
            "DEV_GUILD_ID": "111111111111111111",
            "OWNER_IDS": "222222222222222222, 333333333333333333",
            "ADMIN_ROLE_IDS": "444444444444444444",
            "LOG_LEVEL": "debug",
            "MAX_QUESTION_LENGTH": "300",
            "ASK_COOLDOWN_SECONDS": "2.5",
            "BATCH_SIZE": "8",
            "BATCH_WAIT_MS": "10",
            "BEAM_SIZE": "3",
            "QUEUE_SIZE": "64",
            "RETENTION_DAYS": "30",
            "TRAINING_DATA": "/srv/k/training_data.json",
            "RETRAIN_EPOCHS": "5",
            "RETRAIN_MAX_EPOCHS": "20",
            "RETRAIN_TOLERANCE": "0.02",
            "RETRAIN_PROGRESS_SECONDS": "10",
        },
        env_file=None,
    )

    assert config == Config(
        discord_token=TOKEN,
        database_path=Path("/srv/k/log.db"),
        model_path=Path("/srv/k/model.pt"),
        device="cuda:1",
        dev_guild_id=111111111111111111,
        owner_ids=frozenset({222222222222222222, 333333333333333333}),
        admin_role_ids=frozenset({444444444444444444}),
        log_level="DEBUG",
        max_question_length=300,
        ask_cooldown_seconds=2.5,
        batch_size=8,
        batch_wait_ms=10.0,
        beam_size=3,
        queue_size=64,
        retention_days=30,
        training_data=Path("/srv/k/training_data.json"),
        retrain_epochs=5,
        retrain_max_epochs=20,
        retrain_tolerance=0.02,
        retrain_progress_seconds=10.0,
    )


def test_env_file_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN={TOKEN}\nBATCH_SIZE=4\n# a comment\nDEVICE=cpu\n", encoding="utf-8")

    config = load_config({}, env_file=env_file)

    assert (config.discord_token, config.batch_size, config.device) == (TOKEN, 4, "cpu")


def test_environment_wins_over_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("BATCH_SIZE=4\n", encoding="utf-8")

    assert load_config({"BATCH_SIZE": "32"}, env_file=env_file).batch_size == 32


def test_missing_env_file_is_not_an_error(tmp_path: Path) -> None:
    assert load_config({}, env_file=tmp_path / "absent.env") == Config()


def test_empty_values_mean_the_default() -> None:
    config = load_config({"DISCORD_TOKEN": "", "DEV_GUILD_ID": " ", "BATCH_SIZE": ""}, env_file=None)

    assert config == Config()


def test_env_example_documents_every_setting_with_its_default() -> None:
    example = REPO / ".env.example"
    text = example.read_text(encoding="utf-8")

    for setting in dataclasses.fields(Config):
        assert f"\n{setting.name.upper()}=" in text, f"{setting.name.upper()} is missing from .env.example"
    assert load_config({}, env_file=example) == Config()


def test_every_field_has_a_docstring() -> None:
    module = ast.parse((REPO / "bot" / "config.py").read_text(encoding="utf-8"))
    body = next(node for node in module.body if isinstance(node, ast.ClassDef) and node.name == "Config").body
    documented = {
        statement.target.id
        for statement, following in zip(body, body[1:], strict=False)
        if isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and isinstance(following, ast.Expr)
        and isinstance(following.value, ast.Constant)
        and isinstance(following.value.value, str)
    }

    assert {setting.name for setting in dataclasses.fields(Config)} <= documented


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DEVICE", "tpu", "DEVICE: must be auto, cpu, cuda or cuda:N, got 'tpu'"),
        ("BATCH_SIZE", "lots", "BATCH_SIZE: must be a whole number from 1 to 1024, got 'lots'"),
        ("BATCH_SIZE", "0", "BATCH_SIZE: must be a whole number from 1 to 1024, got '0'"),
        ("QUEUE_SIZE", "-5", "QUEUE_SIZE: must be a whole number"),
        ("MAX_QUESTION_LENGTH", "7000", "MAX_QUESTION_LENGTH: must be a whole number from 1 to 6000"),
        ("ASK_COOLDOWN_SECONDS", "-1", "ASK_COOLDOWN_SECONDS: must be a number, 0 or more, got '-1'"),
        ("BATCH_WAIT_MS", "nan", "BATCH_WAIT_MS: must be a number, 0 or more"),
        ("BEAM_SIZE", "0", "BEAM_SIZE: must be a whole number from 1 to 16, got '0'"),
        ("RETENTION_DAYS", "a week", "RETENTION_DAYS: must be a whole number from 0"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("DEV_GUILD_ID", "my-server", "DEV_GUILD_ID: must be a Discord id"),
        ("OWNER_IDS", "123,bob", "OWNER_IDS: must be Discord ids separated by commas"),
        ("ADMIN_ROLE_IDS", "0", "ADMIN_ROLE_IDS: must be Discord ids separated by commas"),
        ("RETRAIN_EPOCHS", "0", "RETRAIN_EPOCHS: must be a whole number from 1 to 1000"),
        ("RETRAIN_MAX_EPOCHS", "5000", "RETRAIN_MAX_EPOCHS: must be a whole number from 1 to 1000"),
        ("RETRAIN_TOLERANCE", "5", "RETRAIN_TOLERANCE: must be a number from 0 to 1, got '5'"),
        ("RETRAIN_TOLERANCE", "nan", "RETRAIN_TOLERANCE: must be a number from 0 to 1"),
        ("RETRAIN_PROGRESS_SECONDS", "0.1", "RETRAIN_PROGRESS_SECONDS: must be a number, 1 or more"),
    ],
)
def test_bad_value_names_the_variable_and_the_fix(variable: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({variable: value}, env_file=None)

    assert expected in str(caught.value)


def test_every_bad_value_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"BATCH_SIZE": "x", "DEVICE": "tpu", "RETENTION_DAYS": "-1"}, env_file=None)

    message = str(caught.value)
    assert "BATCH_SIZE" in message and "DEVICE" in message and "RETENTION_DAYS" in message


def test_default_retrain_epochs_must_be_allowed() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"RETRAIN_EPOCHS": "10", "RETRAIN_MAX_EPOCHS": "5"}, env_file=None)

    assert "RETRAIN_EPOCHS: must not exceed RETRAIN_MAX_EPOCHS (5), got 10" in str(caught.value)


def test_token_is_kept_out_of_repr() -> None:
    config = load_config({"DISCORD_TOKEN": TOKEN}, env_file=None)

    assert config.discord_token == TOKEN
    assert TOKEN not in repr(config)
    assert "secret-part" not in str(config)


def test_malformed_token_is_rejected_without_echoing_it() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config({"DISCORD_TOKEN": f"Bot {TOKEN}"}, env_file=None)

    assert "DISCORD_TOKEN" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_config_is_frozen() -> None:
    config = Config()

    with pytest.raises(dataclasses.FrozenInstanceError):
        config.batch_size = 1  # type: ignore[misc]


def test_command_sync_state_lives_next_to_the_database() -> None:
    config = Config(database_path=Path("/srv/k/log.db"))

    assert config.command_sync_path == Path("/srv/k/command_sync.json")


def test_knowledge_path_names_a_snapshot_that_must_exist(tmp_path: Path) -> None:
    snapshot = tmp_path / "genshin_db-7.0.json.gz"
    snapshot.write_bytes(b"")

    assert load_config({"KNOWLEDGE_PATH": str(snapshot)}, env_file=None).knowledge_path == snapshot
    with pytest.raises(ConfigError, match=r"KNOWLEDGE_PATH: no such file"):
        load_config({"KNOWLEDGE_PATH": str(tmp_path / "absent.json.gz")}, env_file=None)
