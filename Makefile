# Two front-door commands: `make run` and `make test`. Each creates the virtualenv when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run sandbox test test-fast lint format locales migrate bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/hromada run

sandbox: $(STAMP)
	$(BIN)/hromada sandbox

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m bot.catalog check
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider -m "not slow and not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

locales: $(STAMP)
	$(BIN)/python -m bot.catalog sync
	$(BIN)/python -m bot.catalog compile

migrate: $(STAMP)
	$(BIN)/hromada migrate

bench: $(STAMP)
	$(BIN)/python bench/delivery.py

clean:
	rm -rf $(VENV) data/*.sqlite3* .pytest_cache
