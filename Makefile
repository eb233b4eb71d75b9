# The README's commands. Each one installs what it needs into .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve test lint eval bench load clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and pinned: the local CPU wheel (an unpinned torch pulls GBs of CUDA).
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Build the index if missing or stale, then serve the API and web page on 127.0.0.1:8000.
serve: $(STAMP)
	$(BIN)/rag serve --build

## Run the whole test suite (builds the seed index once, in a temporary directory).
test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check rag tests eval

eval: $(STAMP)
	$(BIN)/rag eval --mode all

bench: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python eval/bench.py --peer langchain

## 16 clients asking for 60 s on 127.0.0.1 while reports are added (writes eval/bench_results/load.json).
load: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python eval/load.py

clean:
	rm -rf $(VENV) index/v-* index/CURRENT
