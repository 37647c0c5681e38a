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

.PHONY: demo test explore fuzz lint typecheck pytest bench clean-venv

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

# Coverage-guided fuzzing of every reader (tests/fuzz/atheris_readers.py), one process each,
# FUZZ_SECONDS per reader; not part of `make test`. Reproducers land in tests/fuzz/crashers/,
# corpora and logs in $(FUZZ_DIR); one JSON summary line per reader is printed.
FUZZ_SECONDS ?= 60
FUZZ_DIR ?= build/fuzz
FUZZ_READERS ?= $(shell $(PY) -c "import sys; sys.path.insert(0, '.'); \
	from tests.hostile.fuzz_support import TARGETS; print(*TARGETS)")

fuzz: $(DEVSTAMP)
	$(PY) -c "import atheris" 2>/dev/null || $(PY) -m pip install $(PIP_FLAGS) atheris==3.0.0
	@mkdir -p $(FUZZ_DIR)
	@for r in $(FUZZ_READERS); do \
	  timeout $$(( $(FUZZ_SECONDS) + 900 )) $(PY) tests/fuzz/atheris_readers.py $$r \
	    --seconds $(FUZZ_SECONDS) --corpus $(FUZZ_DIR)/corpus/$$r \
	    >$(FUZZ_DIR)/$$r.json 2>$(FUZZ_DIR)/$$r.log \
	  || echo "{\"reader\": \"$$r\", \"error\": \"exit $$?, see $(FUZZ_DIR)/$$r.log\"}" \
	    >$(FUZZ_DIR)/$$r.json; \
	  cat $(FUZZ_DIR)/$$r.json; \
	done

bench: $(DEVSTAMP)
	$(PY) -m benchmarks.run

clean-venv:
	rm -rf $(VENV)
