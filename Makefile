# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint chromium axe

run: $(VENV)/.runtime
	$(BIN)/python app.py

test: $(VENV)/.testing chromium axe lint
	$(BIN)/python -m pytest -n 2 -q

lint: $(VENV)/.testing
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip  # pip 23 cannot resolve trafilatura with readability-lxml

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.testing: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.runtime

# Browser tests drive Debian's chromium; Playwright never downloads a browser here. The Noto
# fonts let it draw Chinese, Japanese, Korean, Arabic, Hebrew, Devanagari and Thai in screenshots.
BROWSER_PACKAGES := chromium fonts-noto-cjk fonts-noto-core fonts-noto-color-emoji
chromium:
	@dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(BROWSER_PACKAGES); }

# axe-core (npm, pinned in tests/axe/package-lock.json): tests/test_browser_pages.py injects it into
# every page to find accessibility faults.
AXE := tests/axe/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/axe/package.json tests/axe/package-lock.json
	npm ci --prefix tests/axe --no-audit --no-fund --silent
	touch $@
