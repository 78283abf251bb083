# worldsmith: make demo | make test | make test-fast | make lint | make bench | make preview
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# make bench also times this baseline commit in the same run (breadth-first SMB search, whole-map
# erosion, 2 service threads); docs/benchmarks.md reports each figure as a ratio to it
BASELINE ?= 31e40b4
# ...and benchmarks/startup.py times each command against this one (before the start-up work)
STARTUP_BASELINE ?= dc06463
# ...and benchmarks/levels.py and pngs.py time the level generators and PNGs against this one (before this pass)
LEVELS_BASELINE ?= 7511210
export SDL_VIDEODRIVER ?= dummy
export SDL_AUDIODRIVER ?= dummy

.PHONY: setup node demo lint test test-fast bench preview clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml setup.py $(wildcard sdk/worldsmith/*/*.c sdk/worldsmith/*/*/*.c)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev,onnx,bench,ray]"
	touch $@

node: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: setup
	$(PY) -m worldsmith.cli bake demo/manifest.toml --out build/demo

lint: setup
	$(VENV)/bin/ruff check sdk tests tools benchmarks samples

test: setup node
	$(PY) -m pytest --durations=15

test-fast: setup node
	$(PY) -m pytest -m "not slow"

bench: setup
	$(PY) benchmarks/cpu.py --baseline $(BASELINE) --out benchmarks/results
	$(PY) benchmarks/latency.py --out benchmarks/results
	$(PY) benchmarks/startup.py --baseline $(STARTUP_BASELINE) --out benchmarks/results/startup.json
	$(PY) benchmarks/writes.py --out benchmarks/results/writes.json
	$(PY) benchmarks/threads.py --out benchmarks/results/threads.json
	$(PY) benchmarks/levels.py --baseline $(LEVELS_BASELINE) --out benchmarks/results/levels.json
	$(PY) benchmarks/pngs.py --baseline $(LEVELS_BASELINE) --out benchmarks/results/pngs.json
	$(PY) benchmarks/batches.py --out benchmarks/results/batches.json

preview: setup
	env -u SDL_VIDEODRIVER $(PY) samples/viewer.py

clean:
	rm -rf build .pytest_cache
