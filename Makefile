# Two entry points: `make run` (set up, then start Katheryne) and `make test` (set up, then test).
# `make run` installs only what the bot needs; `make test` and `make check` add the test, ONNX and
# lint/type-check tools (the `dev` extra). torch is installed first, pinned to the CPU build, so the
# project's `torch>=2.2` needs no download; on a GPU machine install a CUDA build of torch into .venv
# first and it is kept.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test check setup setup-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.torch: | $(BIN)/python
	@$(BIN)/python -c "import torch" 2>/dev/null || { \
		echo "Installing torch (about 200 MB, the longest step)…"; \
		$(BIN)/pip install --progress-bar on torch==2.13.0; }
	touch $@

$(VENV)/.installed: pyproject.toml $(VENV)/.torch
	@echo "Installing Katheryne's runtime dependencies…"
	$(BIN)/pip install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.torch
	@echo "Installing Katheryne with its test and check tools…"
	$(BIN)/pip install -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

run: setup
	$(BIN)/python -m bot

test: setup-dev
	$(BIN)/python -m pytest

# Lint, format and type checks; .ci/run runs them before the tests.
check: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
