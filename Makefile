# Two commands for a fresh machine (see README.md):
#   make demo   - build a workspace from the shipped sample and print its summary
#   make test   - lint (ruff), type-check (mypy --strict) and run the whole test suite
# Each creates or updates the virtual environment .venv from the pinned lock files.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.stamp-runtime
DEVSTAMP := $(VENV)/.stamp-dev
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: demo test explore lint typecheck pytest bench clean-venv

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -r requirements.lock
	$(PY) -m pip install $(PIP_FLAGS) --no-deps -e .
	touch $(STAMP)

$(DEVSTAMP): $(STAMP) requirements-dev.lock
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-dev.lock
	touch $(DEVSTAMP)

demo: $(STAMP)
	$(PY) -m moneytrail demo --out demo-workspace

lint: $(DEVSTAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

typecheck: $(DEVSTAMP)
	$(VENV)/bin/mypy

pytest: $(DEVSTAMP)
	$(PY) -m pytest -n 2 -q

test: lint typecheck pytest

explore: $(DEVSTAMP)
	MONEYTRAIL_HYPOTHESIS=explore $(PY) -m pytest -n 2 -q -m "not slow" $$(grep -rl "from hypothesis" tests)

bench: $(DEVSTAMP)
	$(PY) -m benchmarks.run

clean-venv:
	rm -rf $(VENV)
