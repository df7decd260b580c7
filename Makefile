# Two commands on a fresh machine: `make demo` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser services demo lint test dev bench clean

install: $(STAMP)

# Headless Chromium prints the board report's PDF (chromium-headless-shell, made for that: a
# third faster) and runs the browser tests (the full browser). Debian's packages, installed once
# when missing (CI runs as root on a fresh machine).
browser:
	@{ command -v chromium && command -v chromium-headless-shell; } >/dev/null 2>&1 || { \
		echo "Installing Chromium (Debian packages) for the report PDF and browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-headless-shell >/dev/null; }

# PostgreSQL (the production instance profile) and Redis (the Celery broker) for their tests, which
# start their own servers on loopback and fail (never skip) when a binary is missing.
services:
	@{ command -v redis-server && { command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl; }; } >/dev/null 2>&1 || { \
		echo "Installing PostgreSQL and Redis (Debian packages) for the production-profile tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql redis-server >/dev/null; }

# Re-install only when the project definition changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The PDF is optional: without Chromium the demo writes the HTML report and says how to get the PDF.
demo: install
	$(BIN)/wijkwijzer demo

# Bugs a linter finds before a test does: Python (ruff, pyproject.toml) and the SQL models in the
# DuckDB grammar (sqlfluff, .sqlfluff). Rules that find bugs, not style; no reformatting. One
# process: sqlfluff's parallel pool (--processes) saved 10 s but leaked semaphores, and Python's
# resource tracker warned about them on stderr in two of four CI runs.
lint: install
	$(BIN)/ruff check --no-cache .
	$(BIN)/sqlfluff lint sql --disable-progress-bar

# A worker per core (pytest-xdist), each test file whole on one worker (its module fixtures are
# built once), the long files first (tests/conftest.py); a world several files read is built once
# for all workers.
test: install browser services lint
	$(BIN)/python -m pytest -q -n auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder

# Dagster UI on loopback only; the instance lives under the data home.
dev: install
	$(BIN)/wijkwijzer dev

bench: install
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.regions

clean:
	rm -rf $(VENV)
