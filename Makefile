# Two commands on a fresh machine: `make demo` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test dev bench clean

install: $(STAMP)

# Re-install only when the project definition changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: install
	$(BIN)/wijkwijzer demo

test: install
	$(BIN)/python -m pytest -q

# Dagster UI on loopback only; the instance lives under the data home.
dev: install
	$(BIN)/wijkwijzer dev

bench: install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV)
