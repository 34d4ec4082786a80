# The two commands a new machine needs: `make demo` and `make test`. Both set up first.
# The demo's data: ../shared/data when present (or DATA=DIR), else the official files fetched into the cache.
DATA ?= $(wildcard ../shared/data)
STAGED := var/staged/samhsa-directory-2022.jsonl
BIN := .venv/bin

.PHONY: setup demo test bench resilience

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

# Rebuild, interrupted rebuild, Elasticsearch killed and overload, each under load (exits non-zero on failure).
resilience: setup
	cd benchmarks && ../$(BIN)/python resilience.py

bench: setup
	$(BIN)/python benchmarks/index_throughput.py
	$(BIN)/python benchmarks/api_latency.py
	$(BIN)/python benchmarks/site_build.py
	$(BIN)/python benchmarks/crawl_throughput.py
