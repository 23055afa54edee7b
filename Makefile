# Two commands on a fresh machine with Python 3.11+: `make run` opens the app, `make test`
# runs the whole suite. Each creates .venv and installs the project into it when missing.
# `make test-all` runs the suite on every supported Python found (what CI runs).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test test-all bench clean

run: $(INSTALLED)
	$(BIN)/taskviz $(ARGS)

# Three workers on two cores: a third of the suite waits on real time (sleeping programs,
# terminals), which a third worker overlaps; the timing checks hold at four workers a core.
# The package is compiled first: the suite starts a few hundred taskviz processes, and where
# PYTHONDONTWRITEBYTECODE is set each would compile it again (0.15 s of CPU a start).
test: $(INSTALLED)
	$(BIN)/python -m compileall -q src
	$(BIN)/python -m pytest -n 3 -q

test-all:
	bash .ci/each-python

bench: $(INSTALLED)
	-$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BIN)/python bench/bench_tracing.py
	$(BIN)/python bench/bench_instructions.py
	$(BIN)/python bench/bench_frame.py
	$(BIN)/python bench/bench_ui_wall.py
	$(BIN)/python bench/bench_programs.py
	$(BIN)/python bench/bench_post_run.py
	$(BIN)/python bench/bench_first_frame.py
	$(BIN)/python bench/bench_peers.py

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "taskviz needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(INSTALLED)

clean:
	rm -rf .venv .venv-3.* build dist src/*.egg-info
