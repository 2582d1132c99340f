# Two commands do all the setup: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=wsgi $(BIN)/flask
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: setup run test test-sqlite test-postgres lint translations extract-messages update-translations migrate clean bench bench-smoke lock upgrade-deps test-timeshift

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Exactly the versions (and hashes) in requirements.lock; pyproject.toml keeps the allowed ranges.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# After editing the ranges in pyproject.toml: re-resolve, keeping every pin that still fits.
LOCK_COMMAND = $(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 \
	--quiet --custom-compile-command "make lock" --output-file requirements.lock
lock: setup
	$(LOCK_COMMAND)

# Moves every package to the newest version its range allows; then run make test and commit the lock.
upgrade-deps: setup
	$(LOCK_COMMAND) --upgrade

tests/js/node_modules/.package-lock.json: tests/js/package.json tests/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/js --no-audit --no-fund --silent; \
	else echo "npm not found: the ical.js cross-check will be skipped"; fi

# Compiles scheduler/translations/*/LC_MESSAGES/messages.po to .mo (generated, not committed).
translations: $(VENV)/.installed
	@if ls scheduler/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel -q compile -d scheduler/translations; fi

setup: $(VENV)/.installed translations
	@if [ -f tests/js/package.json ]; then $(MAKE) --no-print-directory tests/js/node_modules/.package-lock.json; fi

migrate: setup
	$(FLASK) db upgrade

# Web server and worker side by side; Ctrl+C stops both. Links in emails point at the address it serves on
# (`make run PORT=5401` -> http://127.0.0.1:5401/...) unless SCHEDULER_PUBLIC_BASE_URL is set.
DEV_BASE_URL = $${SCHEDULER_PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}
run: migrate
	SCHEDULER_PUBLIC_BASE_URL="$(DEV_BASE_URL)" $(FLASK) demo load
	@echo "Serving on http://$(HOST):$(PORT)  (demo staff sign-in: admin@example.org / demo-password-123)"
	@export SCHEDULER_PUBLIC_BASE_URL="$(DEV_BASE_URL)"; \
	$(FLASK) worker run & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite on SQLite, then again on PostgreSQL (skipped off CI when no server answers).
test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest
	SCHEDULER_TEST_BACKEND=postgres $(BIN)/pytest -m "not browser" -p no:cacheprovider

# The SQLite pass with the wall clock moved (Debian's faketime): tests must not depend on the date they run on.
TIMESHIFT ?= +400d
test-timeshift: setup
	SCHEDULER_TEST_EXIT_WHEN_DONE=1 timeout 3600 faketime -f '$(TIMESHIFT)' $(BIN)/pytest -m "not browser" -p no:cacheprovider -q

# Rewrites scheduler/translations/messages.pot from the code and templates.
extract-messages: setup
	PYBABEL=$(BIN)/pybabel sh scheduler/translations/update.sh --extract-only

# Re-extracts and merges new strings (empty, never fuzzy) into every catalog; then translate them.
update-translations: setup
	PYBABEL=$(BIN)/pybabel sh scheduler/translations/update.sh

# The benchmark suite (bench/run.py): seeds 1,000 weekly meetings through the services, serves them with gunicorn on
# SQLite and PostgreSQL, drives them with wrk and writes bench/results/latest.json and the README table (~10 min).
# Numbers, not a test: ratios to a bare Flask endpoint measured in the same run. Calls bench/reminders_throughput.py.
bench: setup
	$(BIN)/python bench/run.py

# Seconds-long, SQLite only, no thresholds: that the suite still runs against the app as it is (CI).
bench-smoke: setup
	$(BIN)/python bench/run.py --smoke

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
