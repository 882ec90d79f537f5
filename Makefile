# Common Ground: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
LANGS := es zh_Hans vi ar

.PHONY: run test install install-test system-packages compile-translations translations lint format migrate demo serve clean bench bench-http screenshots lighthouse

run: system-packages install compile-translations migrate demo serve

# The suite on every core (pytest-xdist), a test file per worker at a time, so a file's
# module-scoped fixtures (the browser tests' demo site) are built once. TEST_WORKERS=0 runs it
# in one process.
TEST_WORKERS ?= auto
test: system-packages install-test compile-translations lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Debian packages the portal and its tests need: Chromium (browser tests, screenshots), fonts
# for every script we print (Noto Sans for Latin and Vietnamese, Noto Sans Arabic from
# fonts-noto-core, Noto Sans CJK for Chinese, DejaVu and Noto Symbols2 for the paper-survey
# boxes), fontconfig to find them, Pango and HarfBuzz-Subset for WeasyPrint, poppler-utils to
# read PDFs back, nginx with Brotli to check deploy/nginx.conf (`nginx -t`). Installed when
# missing and we are root; otherwise the one apt-get line to run is printed and make stops. Then the fonts are checked: no Chinese or Arabic PDF without them.
# tests/test_two_commands.py runs this target with fake dpkg-query and apt-get.
SYSTEM_PACKAGES := chromium fonts-noto-core fonts-noto-cjk fonts-dejavu-core fontconfig \
	poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 python3-venv \
	nginx-core libnginx-mod-http-brotli-filter
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null \
		| grep -q "ok installed" || echo $$p; done); \
	missing=$$(echo $$missing); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing system packages: $$missing"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing \
				> /dev/null || exit 1; \
		else \
			echo "Missing system packages. Run:  sudo apt-get install -y $$missing"; exit 1; \
		fi; \
	fi; \
	for check in "zh:Noto Sans CJK SC" "ar:Noto Sans Arabic"; do \
		fc-list ":lang=$${check%%:*}" family | grep -q "$${check#*:}" || { \
		echo "No $${check#*:} font (fc-list :lang=$${check%%:*}). Run:  sudo apt-get install -y" \
			"fonts-noto-core fonts-noto-cjk && sudo fc-cache -f"; exit 1; }; done

# Lighthouse (mobile, Debian's Chromium) on home, a school, the open survey and a bulletin in
# English and Spanish: a benchmark printing the scores against issue 11's targets.
# Narrow or repeat: make lighthouse LIGHTHOUSE_ARGS="--pages survey --langs es,vi --runs 3"
lighthouse: system-packages install compile-translations
	@command -v npm > /dev/null || { [ "$$(id -u)" = 0 ] && \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm > /dev/null; } || \
		{ echo "Missing Node.js/npm. Run:  sudo apt-get install -y nodejs npm"; exit 1; }
	$(BIN)/python bench/lighthouse.py $(LIGHTHOUSE_ARGS)

# Every page at 360 px in every language into build/screenshots/ (ONLY=path-part LANGS=es,ar).
screenshots: system-packages install-test compile-translations
	$(BIN)/python tools/screenshots.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

.stamp-install: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

.stamp-install-test: .stamp-install pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: .stamp-install

install-test: .stamp-install-test

# Compiled catalogs (.mo) are build output: never committed, never edited by hand.
compile-translations: install
	$(BIN)/pybabel compile -d translations --statistics 2>&1 | grep -v "^compiling" || true
	@$(BIN)/pybabel compile -d translations > /dev/null

# After changing user-visible strings: extract them and merge into every catalog, then translate.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--ignore-dirs ".* __pycache__" \
		--project "Common Ground" --copyright-holder "Common Ground" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

# Start a catalog for a new language: make translations-init LANG=ko
translations-init: install
	$(BIN)/pybabel init -i translations/messages.pot -d translations -l $(LANG)

# Style, then the supply chain (tools/supply_chain.py): bandit over portal/, pip-audit over the
# installed packages (skipped with one line when its vulnerability service cannot be reached).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/supply_chain.py

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: install
	$(FLASK) db upgrade

demo: install
	$(FLASK) demo

serve: install
	$(FLASK) run --host 127.0.0.1 --port 5000

bench: install-test compile-translations
	$(BIN)/python bench/server_time.py

# Pages over HTTP (gunicorn, wrk) beside a bare Flask + Jinja reference app serving the same
# bytes, cold and warm, with page weight and survey submissions (issue 18). For example
# BENCH_ARGS="--scale small --database-url postgresql+psycopg://... --redis-url redis://..."
bench-http: install-test compile-translations
	@command -v wrk > /dev/null || { [ "$$(id -u)" = 0 ] && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk > /dev/null; } || \
		{ echo "Missing wrk. Run:  sudo apt-get install -y wrk"; exit 1; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .stamp-* instance
