# The README's two commands are `make run` and `make test`; .ci/run calls `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint bench eval audit lock browser-deps postgres-deps clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev]'
	touch $(STAMP)

# Start the Streamlit app on the embedded default (local Chroma, offline embeddings, no LLM).
run: $(STAMP)
	$(VENV)/bin/streamlit run streamlit_app.py --server.address 127.0.0.1 --browser.gatherUsageStats false

# Whole suite: unit, integration, AppTest and headless-Chromium tests (not the slow load tests).
test: $(STAMP) browser-deps postgres-deps
	$(VENV)/bin/ruff check assistant tests benchmarks streamlit_app.py
	$(VENV)/bin/pytest -m "not slow"

test-fast: $(STAMP)
	$(VENV)/bin/pytest -m "not slow and not browser and not model"

# Debian's Chromium + ChromeDriver for the browser tests (needs root; CI runs as root).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium chromium-driver' for the browser tests"; fi; \
	fi

# Debian's PostgreSQL server binaries for the review-store tests (tests/pg.py starts a throwaway server
# from them, as `nobody` under root); needs root. Without them those tests skip and say why.
postgres-deps:
	@if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "postgresql missing: run 'sudo apt-get install postgresql' for the PostgreSQL review-store tests"; fi; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check assistant tests benchmarks streamlit_app.py
	$(VENV)/bin/ruff format --check assistant tests benchmarks streamlit_app.py

bench: $(STAMP)
	$(PY) -m benchmarks.run

eval: $(STAMP)
	$(VENV)/bin/assistant eval --out evals/report

# Known-vulnerability audit of the locked dependencies (needs PyPI's advisory API or OSV on the network).
audit: $(STAMP)
	$(VENV)/bin/pip-audit -r requirements.lock --no-deps --progress-spinner off

# Refresh requirements.lock from the working environment (the exact versions CI last passed with).
lock: $(STAMP)
	$(PIP) freeze --exclude-editable | grep -v la-policy-assistant > requirements.lock

clean:
	rm -rf $(VENV) .assistant
