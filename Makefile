# The two commands a new machine needs: `make demo` and `make test`. Both set up first.
# The demo's data: ../shared/data when present (or DATA=DIR), else the official files fetched into the cache;
# every directory edition in it is imported, oldest first, and the newest decides what is listed.
DATA ?= $(wildcard ../shared/data)
STAGED := var/staged/samhsa-directory.jsonl
BIN := .venv/bin

.PHONY: setup demo test test-offline lock upgrade bench resilience catalogs compose-test

setup:
	@bash scripts/setup.sh

demo: setup
	@data="$(DATA)"; \
	if [ -z "$$data" ]; then data=$$($(BIN)/iopfinder data fetch --edition all) || exit 1; fi; \
	echo "demo data: $$data"; \
	$(BIN)/iopfinder import samhsa-directory "$$data"/samhsa/*.xlsx \
		--coords "$$data/samhsa/locator_export_2021_geocoded.csv" --out $(STAGED) --fresh
	$(BIN)/iopfinder es start
	$(BIN)/iopfinder index $(STAGED)
	$(BIN)/iopfinder site build --out var/site --base-url http://127.0.0.1:8000
	$(BIN)/iopfinder serve --port 8000 --site var/site

test: setup
	$(BIN)/pytest

# Every test that needs neither Elasticsearch, Java nor ../shared/data (tests/conftest.py marks the
# others `integration`); sets up the Python and npm packages only.
test-offline:
	@bash scripts/setup.sh python
	$(BIN)/pytest -m "not integration"

# Rebuild, interrupted rebuild, Elasticsearch killed and overload, each under load (exits non-zero on failure).
resilience: setup
	cd benchmarks && ../$(BIN)/python resilience.py

# The production compose stack for real on this machine's Docker engine, installed and started where
# missing (as root): images built here, three secured nodes, the jobs on ../shared/data (or DATA=DIR),
# searches through nginx over HTTPS while a node is killed, then `down -v` (README, "Deployment").
# REBUILD=1 removes the images it built before and builds them all anew.
compose-test: setup
	cd benchmarks && ../$(BIN)/python compose_test.py $(if $(DATA),--data $(abspath $(DATA))) $(if $(REBUILD),--rebuild-images)

bench: setup
	$(BIN)/python benchmarks/index_throughput.py
	$(BIN)/python benchmarks/api_latency.py
	$(BIN)/python benchmarks/site_build.py
	$(BIN)/python benchmarks/crawl_throughput.py

# The domain's catalogs (gettext domain `facility`, facility/locale): extract the texts marked in
# facility/*.py and those of taxonomy.csv (babel.cfg) into the template, update each language's .po
# from it (changed texts come back fuzzy with the previous English, gone ones are dropped; the
# tests fail until every message is translated and none is fuzzy), then compile each to check it
# and print how much is translated. The repository keeps .po files only: the service compiles
# them in memory. The site's catalog (gettext domain `site`, site/locale: the templates and
# sitegen's texts, the scripts' included) is made the same way; the site build compiles it.
FACILITY_LOCALE := facility/locale
SITE_LOCALE := site/locale

catalogs:
	@bash scripts/setup.sh python
	$(BIN)/pybabel extract -F babel.cfg -o $(FACILITY_LOCALE)/facility.pot --add-location=file \
		--add-comments=Translators: --project="IOP Finder" --copyright-holder="IOP Finder contributors" \
		facility/taxonomy.csv $(sort $(wildcard facility/*.py))
	$(BIN)/pybabel update -i $(FACILITY_LOCALE)/facility.pot -d $(FACILITY_LOCALE) -D facility \
		--previous --ignore-obsolete
	$(BIN)/pybabel extract -F babel.cfg -o $(SITE_LOCALE)/site.pot --add-location=file \
		--add-comments=Translators: --project="IOP Finder" --copyright-holder="IOP Finder contributors" \
		$(sort $(wildcard site/templates/*.html sitegen/*.py))
	$(BIN)/pybabel update -i $(SITE_LOCALE)/site.pot -d $(SITE_LOCALE) -D site --previous --ignore-obsolete
	@for po in $(FACILITY_LOCALE)/*/LC_MESSAGES/facility.po $(SITE_LOCALE)/*/LC_MESSAGES/site.po; do \
		lang=$$(basename $$(dirname $$(dirname $$po))); \
		$(BIN)/pybabel compile --statistics -l $$lang -i $$po -o /dev/null || exit 1; \
	done

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
