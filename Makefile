# The two commands a new machine needs: `make demo` and `make test`. Both set up first.
# The demo's data: ../shared/data when present (or DATA=DIR), else the official files fetched into the cache.
DATA ?= $(wildcard ../shared/data)
STAGED := var/staged/samhsa-directory-2022.jsonl
BIN := .venv/bin

.PHONY: setup demo test test-offline lock upgrade bench resilience

setup:
	@bash scripts/setup.sh

demo: setup
	@data="$(DATA)"; \
	if [ -z "$$data" ]; then data=$$($(BIN)/iopfinder data fetch) || exit 1; fi; \
	echo "demo data: $$data"; \
	$(BIN)/iopfinder import samhsa-directory "$$data/samhsa/National_Directory_SA_Facilities_2022.xlsx" \
		--coords "$$data/samhsa/locator_export_2021_geocoded.csv" --out $(STAGED)
	$(BIN)/iopfinder es start
	$(BIN)/iopfinder index $(STAGED)
	$(BIN)/iopfinder site build --out var/site --base-url http://127.0.0.1:8000
	$(BIN)/iopfinder serve --port 8000 --site var/site

test: setup
	$(BIN)/pytest

# Every test that needs neither Elasticsearch, Java nor ../shared/data (tests/conftest.py marks the
# others `integration`); sets up the Python packages only.
test-offline:
	@bash scripts/setup.sh python
	$(BIN)/pytest -m "not integration"

# Rebuild, interrupted rebuild, Elasticsearch killed and overload, each under load (exits non-zero on failure).
resilience: setup
	cd benchmarks && ../$(BIN)/python resilience.py

bench: setup
	$(BIN)/python benchmarks/index_throughput.py
	$(BIN)/python benchmarks/api_latency.py
	$(BIN)/python benchmarks/site_build.py
	$(BIN)/python benchmarks/crawl_throughput.py

# The locks, with hashes, for Python 3.11 on Linux x86_64: requirements.lock (runtime and test
# packages, installed by scripts/setup.sh) and requirements-runtime.lock (the Docker image).
# `make lock` after changing dependencies in pyproject.toml keeps every other pin;
# `make upgrade` moves everything to the newest versions pyproject.toml allows.
UV_VERSION := 0.13.9
COMPILE = UV_CUSTOM_COMPILE_COMMAND="make $@" $(BIN)/uv pip compile pyproject.toml --quiet \
	--generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu

lock upgrade:
	@[ -x $(BIN)/uv ] || { [ -x $(BIN)/python ] || python3 -m venv .venv; $(BIN)/python -m pip install -q uv==$(UV_VERSION); }
	$(COMPILE) --extra test $(if $(filter upgrade,$@),--upgrade) -o requirements.lock
	$(COMPILE) --constraint requirements.lock -o requirements-runtime.lock
