# The two commands of the quick start are `make run` and `make test`.
# Both create .venv and install what they need on a machine with only Python and make.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-postgres bench bench-full bench-votes bench-console bench-grouping lint format clean db-upgrade

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python wsgi.py

test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL (127.0.0.1:5432, database test); it skips, saying why, without one.
test-postgres: $(VENV)/.installed
	WORKSHOP_TEST_DATABASE=postgresql $(BIN)/python -m pytest $(PYTEST_ARGS)

# The load harness (not part of make test): figures go to docs/performance.md.
bench: $(VENV)/.installed
	$(BIN)/python bench/harness.py --n 200 --answer-seconds 3

bench-full: $(VENV)/.installed bench-votes
	$(BIN)/python bench/harness.py --n 500 1000 2000 --modes gevent --scale-out

# 2,000 phones dot-voting, SQLite and PostgreSQL, the stored dots checked (bench/votes.py):
# all at the same instant, then at a room's pace (each wave spread over 10 s: 200 votes/s).
bench-votes: $(VENV)/.installed
	$(BIN)/python bench/votes.py --n 2000 --runs 3 --postgres
	$(BIN)/python bench/votes.py --n 2000 --runs 3 --postgres --spread 10

# The console in Chromium with 50 and 2,000 answers on one question (bench/console_browser.py).
bench-console: $(VENV)/.installed
	$(BIN)/python bench/console_browser.py --answers 50 2000 --runs 3

# The grouping engines on bench/data/answers.jsonl, and 2,000 answers on one core (docs/grouping.md).
bench-grouping: $(VENV)/.installed
	$(BIN)/python bench/grouping.py --runs 3

db-upgrade: $(VENV)/.installed
	$(BIN)/flask --app workshop db-upgrade

# ESLint for static/js, from the npm registry (package-lock.json pins it); only `make lint` needs it.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: $(VENV)/.installed node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	node_modules/.bin/eslint static/js tests/js

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache node_modules
