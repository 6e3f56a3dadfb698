# Two commands do all the set-up on a fresh machine that has only python3 (3.11+):
#   make run   - starts the public questionnaire server and the staff server on an embedded
#                SQLite database with demo data, and prints both links and how to sign in
#   make test  - installs what the tests need (Python packages, Chromium, PostgreSQL),
#                lints (ruff) and runs the tests (pytest, with the doctests of analysis)
# Python packages come from uv.lock, installed by a pinned uv that bootstraps itself
# into .venv-tools. After changing dependencies in pyproject.toml run `make lock`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
TOOLS := .venv-tools
UV := $(TOOLS)/bin/uv
UV_STAMP := $(TOOLS)/.uv-$(UV_VERSION)
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
# deduce's lookup tables (names, places, streets): built once (about 2 minutes) into its package
# folder in $(VENV), then loaded in seconds by every process (analysis.scrub.deidentifier)
DEID_STAMP := $(VENV)/.deduce-built
# pycanon (the independent k-anonymity check of the microdata tests) pins pandas 2.3.3, while
# the app needs pandas >= 3.1: it lives in its own small venv, called by the tests as a program
PYCANON_VENV := build/pycanon-venv
PYCANON_STAMP := $(PYCANON_VENV)/.installed
PYCANON_VERSION := 1.3.6
FLOORS_VENV := build/floors-venv

# uv: install into $(VENV) with the interpreter $(PYTHON), never download a Python,
# no progress bars; pip (only used to fetch uv itself) quiet about root and its version.
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_ROOT_USER_ACTION := ignore

.PHONY: run test install lint lock check-floors system-deps benchmark clean test-a11y

$(UV_STAMP):
	@echo "Installing uv $(UV_VERSION) into $(TOOLS)"
	@rm -rf $(TOOLS)
	@$(PYTHON) -m venv $(TOOLS)
	@$(TOOLS)/bin/python -m pip install -qq uv==$(UV_VERSION)
	@touch $@

# --locked: install exactly uv.lock, and stop when uv.lock no longer matches
# pyproject.toml (run `make lock`). The app alone; --inexact keeps the test tools
# of an earlier `make test`.
$(RUN_STAMP): pyproject.toml uv.lock $(UV_STAMP)
	@echo "Installing the app from uv.lock into $(VENV)"
	@$(UV) sync --quiet --locked --inexact
	@touch $@

# The app with the test extra (pytest, Playwright, ruff), exactly as locked.
$(TEST_STAMP): pyproject.toml uv.lock $(UV_STAMP)
	@echo "Installing the app and its test tools from uv.lock into $(VENV)"
	@$(UV) sync --quiet --locked --extra test
	@touch $@ $(RUN_STAMP)

$(DEID_STAMP): $(RUN_STAMP)
	@echo "Building the lookup tables of the de-identifier (deduce; once, about 2 minutes)"
	@$(BIN)/python -c "from analysis import scrub; scrub.build_deidentifier()"
	@touch $@

$(PYCANON_STAMP): $(UV_STAMP)
	@echo "Installing pycanon $(PYCANON_VERSION) into $(PYCANON_VENV) (test oracle for k-anonymity)"
	@rm -rf $(PYCANON_VENV)
	@$(UV) venv --quiet $(PYCANON_VENV)
	@VIRTUAL_ENV=$(PYCANON_VENV) $(UV) pip install --quiet pycanon==$(PYCANON_VERSION)
	@touch $@

install: $(TEST_STAMP) $(DEID_STAMP) $(PYCANON_STAMP)

run: $(RUN_STAMP) $(DEID_STAMP)
	$(BIN)/survey-app demo

# Debian packages the browser and PostgreSQL tests need; installed only when missing.
system-deps:
	@bash scripts/system-deps.sh

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(TEST_STAMP) $(DEID_STAMP) $(PYCANON_STAMP) system-deps lint
	bash scripts/run-tests.sh -n 2 --dist loadfile -m "not a11y_languages"

# The axe-core walks of the other respondent types (about 15 minutes on 2 cores; make test walks
# every language and version once with axe and checks every staff page).
test-a11y: $(TEST_STAMP) system-deps
	bash scripts/run-tests.sh -m a11y_languages

# Re-resolve uv.lock after a change of the dependencies in pyproject.toml.
lock: $(UV_STAMP)
	$(UV) lock

# The lowest versions pyproject.toml allows (every floor at once) in a throw-away
# venv, then the fast tests (no browser, PostgreSQL or slow ones). Raise a floor when it fails.
check-floors: $(UV_STAMP)
	rm -rf $(FLOORS_VENV)
	$(UV) venv --quiet $(FLOORS_VENV)
	VIRTUAL_ENV=$(FLOORS_VENV) $(UV) pip install --quiet --resolution lowest-direct -e '.[test]'
	$(UV) pip list --python $(FLOORS_VENV) 2>/dev/null | grep -iE '^(pandas|numpy|scipy|pyarrow|statsmodels|altair|streamlit) '
	$(FLOORS_VENV)/bin/python -m pytest -q -p no:cacheprovider -m 'not browser and not postgres and not slow'
	rm -rf $(FLOORS_VENV)

# Speed and memory of issue 10 as one table (project vs a plain pandas/scipy reference); not part of
# `make test`. Takes long (1,000,000-row files, three runs each): `make benchmark BENCH_ARGS=--quick`
# checks every row with small sizes. Needs the test tools (Playwright) and system-deps for all rows.
BENCH_ARGS ?=
benchmark: $(TEST_STAMP) $(DEID_STAMP) system-deps
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache build *.egg-info
