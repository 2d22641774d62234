# The two commands in the README: `make demo` and `make test`. Each sets up everything it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test notebooks venv system-packages bench

demo: system-packages $(VENV)/.demo
	$(BIN)/python demo.py

# Lint and types first (seconds), then the suite, notebooks included.
test: system-packages $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

notebooks: system-packages $(VENV)/.notebooks
	$(BIN)/python -m jupyter lab notebooks

bench: $(VENV)/.bench
	$(BIN)/python -m bench

venv: $(BIN)/python

system-packages:
	@bash scripts/system-packages.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The benchmark's peers: PyTorch pinned to the CPU build first (an unpinned torch pulls GBs of CUDA).
$(VENV)/.bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[bench]'
	@touch $@

# One stamp per extra, redone when pyproject.toml changes.
$(VENV)/.%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[$*]'
	@touch $@
