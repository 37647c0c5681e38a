# Two commands for a fresh machine (see README.md):
#   make demo   - build a workspace from the shipped sample and print its summary
#   make test   - lint (ruff), type-check (mypy --strict) and run the whole test suite
# Each creates or updates the virtual environment .venv from the pinned lock files; `make test`
# also installs the PostgreSQL server package when it is missing (see `postgres` below).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.stamp-runtime
DEVSTAMP := $(VENV)/.stamp-dev
PIP_FLAGS := --quiet --disable-pip-version-check

.PHONY: demo test explore fuzz lint typecheck pytest postgres system-libs chromium java bench clean-venv

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

pytest: $(DEVSTAMP) postgres system-libs chromium java
	$(PY) -m pytest -n 2 --dist loadgroup -q

# The case-store tests run on SQLite and on a real PostgreSQL server, a throwaway cluster that
# tests/support/postgres.py starts from initdb/pg_ctl (on PATH or in /usr/lib/postgresql/*/bin).
# When they are missing this installs Debian's postgresql package (as root, or through
# `sudo -n`), without the cluster the package would otherwise create and start; `apt-get
# update` runs only if the first install fails. As root the server runs as the `postgres`
# account, created here if absent. No stamp: looking for the binaries is one `ls`, and a
# stamp would lie once the package is removed.
PG_BINDIRS ?= /usr/lib/postgresql/*/bin
PG_APT := env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql

postgres:
	@if { command -v initdb && command -v pg_ctl; } >/dev/null 2>&1 \
	    || ls $(PG_BINDIRS)/initdb $(PG_BINDIRS)/pg_ctl >/dev/null 2>&1; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make postgres: PostgreSQL server binaries (initdb, pg_ctl) not found and no apt-get:" \
	    "install your system's PostgreSQL server package" >&2; exit 1; \
	else \
	  if [ "$$(id -u)" = 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	  else echo "make postgres: PostgreSQL server binaries (initdb, pg_ctl) not found;" \
	    "installing them needs root: run 'sudo make postgres'" >&2; exit 1; fi; \
	  echo "make postgres: installing the PostgreSQL server package (apt-get)"; \
	  $$sudo mkdir -p /etc/postgresql-common/createcluster.d; \
	  echo "create_main_cluster = false" \
	    | $$sudo tee /etc/postgresql-common/createcluster.d/moneytrail-no-main-cluster >/dev/null; \
	  $$sudo $(PG_APT) || { $$sudo apt-get update && $$sudo $(PG_APT); } || exit 1; \
	fi
	@if [ "$$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then \
	  useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres; fi

# The investigation report's PDF is drawn by WeasyPrint, which needs the Pango libraries and a
# font with Latin and Arabic glyphs (DejaVu); installed with apt-get when missing, like postgres.
SYS_APT := env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

system-libs:
	@if ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' \
	    && ls /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf >/dev/null 2>&1; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make system-libs: Pango or the DejaVu fonts are missing and there is no apt-get:" \
	    "install your system's pango and dejavu packages" >&2; exit 1; \
	else \
	  if [ "$$(id -u)" = 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	  else echo "make system-libs: installing Pango needs root: run 'sudo make system-libs'" >&2; \
	    exit 1; fi; \
	  echo "make system-libs: installing Pango and the DejaVu fonts (apt-get)"; \
	  $$sudo $(SYS_APT) || { $$sudo apt-get update && $$sudo $(SYS_APT); } || exit 1; \
	fi

# The workbench's browser stories (tests/web/browser/) drive Debian's headless Chromium through
# Playwright (`playwright install` cannot download browsers offline); installed with apt-get
# when /usr/bin/chromium is missing, like postgres. Without it those tests fail, saying so;
# MONEYTRAIL_SKIP_BROWSER=1 skips them instead (MONEYTRAIL_CHROMIUM names another binary).
CHROMIUM_APT := env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	chromium

chromium:
	@if [ -x /usr/bin/chromium ] || [ "$$MONEYTRAIL_SKIP_BROWSER" = 1 ] \
	    || { [ -n "$$MONEYTRAIL_CHROMIUM" ] && [ -x "$$MONEYTRAIL_CHROMIUM" ]; }; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make chromium: /usr/bin/chromium not found and no apt-get: install Chromium and" \
	    "set MONEYTRAIL_CHROMIUM to it, or MONEYTRAIL_SKIP_BROWSER=1 to skip the browser tests" >&2; \
	  exit 1; \
	else \
	  if [ "$$(id -u)" = 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	  else echo "make chromium: installing Chromium needs root: run 'sudo make chromium'" >&2; \
	    exit 1; fi; \
	  echo "make chromium: installing Debian's chromium (apt-get)"; \
	  $$sudo $(CHROMIUM_APT) || { $$sudo apt-get update && $$sudo $(CHROMIUM_APT); } || exit 1; \
	fi

# The Spark engine (tests/spark/, benchmarks/bench_spark.py; decision 0135) runs on a Java 17
# runtime: Debian's openjdk-17-jre-headless, installed with apt-get when `java` is missing or
# older than 17 (JAVA_HOME/bin/java counts), like postgres. MONEYTRAIL_SKIP_SPARK=1 skips it
# (and the Spark tests, which otherwise fail saying what is missing).
JAVA_APT := env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	openjdk-17-jre-headless

java:
	@java=$${JAVA_HOME:+$$JAVA_HOME/bin/}java; \
	major=$$($$java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1); \
	if [ "$$MONEYTRAIL_SKIP_SPARK" = 1 ] || [ "$${major:-0}" -ge 17 ] 2>/dev/null; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "make java: Java 17 not found (Spark needs it) and no apt-get: install a Java 17" \
	    "runtime and set JAVA_HOME, or MONEYTRAIL_SKIP_SPARK=1 to skip the Spark tests" >&2; \
	  exit 1; \
	else \
	  if [ "$$(id -u)" = 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	  else echo "make java: installing Java 17 needs root: run 'sudo make java'" >&2; exit 1; fi; \
	  echo "make java: installing Debian's openjdk-17-jre-headless (apt-get)"; \
	  $$sudo $(JAVA_APT) || { $$sudo apt-get update && $$sudo $(JAVA_APT); } || exit 1; \
	fi

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
