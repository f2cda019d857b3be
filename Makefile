# Every target sets up .venv by itself: a fresh machine needs only Python and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format typecheck pytest matrix matrix-envs bench clean

# pytest workers: twice the 2 cores of the machines we run on, since most tests wait
# on sockets, subprocesses and timers rather than the CPU (measured: -n 4 takes the
# suite from about 3 minutes to about 2).
WORKERS ?= 4

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

demo: $(STAMP)
	$(BIN)/python examples/demo.py

# The other interpreters' environments are made while lint and mypy run (pip waits on
# the network, not the CPU); then the suite runs on each interpreter in turn.
test: $(STAMP)
	$(MAKE) --no-print-directory -j 4 lint typecheck matrix-envs
	$(MAKE) --no-print-directory pytest matrix

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -n $(WORKERS) --dist loadgroup

# The whole suite on the other CPython 3.10+ interpreters of the machine (pytest
# above runs it on the main venv's), one version after the other. matrix-envs makes
# their environments side by side; matrix installs nothing into an environment that
# exists (nox's --no-install) and makes one that does not.
matrix-envs: $(STAMP)
	$(BIN)/nox -f noxfile.py --list --json \
	  | $(BIN)/python -c 'import json, sys; print(*(s["session"] for s in json.load(sys.stdin)), sep="\n")' \
	  | xargs -r -P 4 -I{} $(BIN)/nox -f noxfile.py --install-only -s {}

matrix: $(STAMP)
	$(BIN)/nox -f noxfile.py --no-install -- -n $(WORKERS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .venv-sdk .venv-sdk.lock .nox .mypy_cache .ruff_cache .hypothesis
