# Two commands do all the set-up on a fresh machine:
#   make run   - starts the public questionnaire server and the staff server on an embedded
#                SQLite database with demo data, and prints both links and how to sign in
#   make test  - installs what the tests need (Python packages, Chromium, PostgreSQL) and runs them
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install system-deps benchmark clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/survey-app demo

# Debian packages the browser and PostgreSQL tests need; installed only when missing.
system-deps:
	@bash scripts/system-deps.sh

test: $(STAMP) system-deps
	bash scripts/run-tests.sh

benchmark: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
