# Shanzhi — every target installs what it needs first.
SHELL := /bin/bash
PY := .venv/bin/python
VENV_STAMP := .venv/.installed
NODE_STAMP := node_modules/.installed
export SHANZHI_VAR_DIR ?= $(CURDIR)/var

.PHONY: run serve install test lint format e2e bench bench-large messages lock clean

run: install
	@SHANZHI_DEMO=1 SHANZHI_PLAIN_HTTP=1 $(MAKE) --no-print-directory serve

serve:
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py seed_demo
	@echo
	@echo "Shanzhi is running at http://$${SHANZHI_HOST:-127.0.0.1}:$${SHANZHI_PORT:-8000}/  (Ctrl+C stops it)"
	@bin/serve

install: $(VENV_STAMP) $(NODE_STAMP)

$(VENV_STAMP): requirements.lock
	@command -v python3 >/dev/null || { echo "Python 3.11+ is needed (python3)."; exit 1; }
	@test -x $(PY) || python3 -m venv .venv || { echo "Could not create .venv: on Debian/Ubuntu install python3-venv."; exit 1; }
	@$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

$(NODE_STAMP): package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 18+ with npm is needed."; exit 1; }
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: $(VENV_STAMP)
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .

format: $(VENV_STAMP)
	@.venv/bin/ruff format .
	@.venv/bin/ruff check --fix .

# The suite runs on SQLite by default, on PostgreSQL with DATABASE_URL=postgres://…
test: install lint
	@$(PY) manage.py makemigrations --check --dry-run -v0 || { echo "Model changes without a migration."; exit 1; }
	@SHANZHI_STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
		$(PY) -m pytest

# Browser tests against a live server in Debian's Chromium (installed here if missing).
e2e: install
	@test -x /usr/bin/chromium || { echo "Installing Chromium (Debian package)…"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
		|| { echo "Chromium is needed at /usr/bin/chromium: apt-get install chromium"; exit 1; }; }
	@$(PY) -m pytest e2e -p no:django --override-ini="testpaths=e2e"

# Modest sizes; `make bench-large` measures the work queues and duplicate suggestions at
# a million cases, the spreadsheet import at 100,000 rows and the registry summaries at a
# million people (the synthetic data take minutes to generate). docs/performance.md has
# the figures.
bench: install
	@$(PY) bench/grid_lookup.py
	@$(PY) bench/wsgi_servers.py
	@$(PY) bench/intake.py
	@$(PY) bench/queues.py --cases 100000
	@$(PY) bench/sweep.py
	@$(PY) bench/open311.py
	@$(PY) bench/duplicates.py --cases 100000
	@$(PY) bench/import.py --rows 10000
	@$(PY) bench/registry_summary.py --people 100000

bench-large: install
	@$(PY) bench/queues.py --cases 1000000
	@$(PY) bench/duplicates.py --cases 1000000
	@$(PY) bench/import.py --rows 100000
	@$(PY) bench/registry_summary.py --people 1000000

messages: install
	@$(PY) manage.py makemessages -l zh_Hans --no-obsolete -i node_modules -i .venv -i var
	@$(PY) manage.py compilemessages -l zh_Hans -i .venv -i node_modules

lock:
	@test -x .venv/bin/uv || $(PY) -m pip install --quiet uv
	@.venv/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q -o requirements.lock

clean:
	rm -rf .venv node_modules var
