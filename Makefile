# storytrace developer tasks. `make demo` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= demo.db

.PHONY: demo test test-slow lint docs screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo needs storytrace alone; the tests also need the dev, browser and spark extras.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,browser,spark]'
	touch $@ $(VENV)/.installed-run

## demo: install, run the whole pipeline on examples/, print the stories, write report/
demo: $(VENV)/.installed-run
	$(BIN)/storytrace run examples/ --db $(DB)
	$(BIN)/storytrace report --db $(DB) --out report
	@echo "open report/index.html in a browser"

## test: install with the dev, browser and spark extras and run the fast test suite (browser
## tests need Debian's chromium, Spark tests Java 17; each is skipped without it)
test: $(VENV)/.installed
	$(BIN)/python -m pytest -q

## test-slow: the quality floors on real pages (needs ../shared/data)
test-slow: $(VENV)/.installed
	$(BIN)/python -m pytest -q -m slow

## lint: ruff and mypy (strict) over the package
lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

## docs: regenerate the CLI reference from --help
docs: $(VENV)/.installed
	$(BIN)/python -m storytrace.cli_reference > docs/cli.md

## screenshots: the README's pictures of the web UI (needs Debian's chromium)
screenshots: $(VENV)/.installed
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) report $(DB) $(DB)-wal $(DB)-shm
