# Two entry points: `make run` (set up, then start Katheryne) and `make test` (set up, then test).
# torch is installed first, pinned to the CPU build, so the project's `torch>=2.2` needs no download;
# on a GPU machine install a CUDA build of torch into .venv first and it is kept.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test setup

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/python -m bot

test: setup
	$(BIN)/python -m pytest
