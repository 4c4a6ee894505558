# The two commands: `make demo` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test setup browser redis postgres lint bench bench-capture bench-checks bench-accuracy bench-report bench-audit bench-store clean

demo: setup browser redis postgres
	$(VENV)/bin/omniaudit demo

test: setup browser redis postgres
	$(PY) -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=...)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Finds a Chromium (OMNIAUDIT_CHROMIUM, Playwright's own, the system's); installs
# Debian's chromium as root when there is none; otherwise says how to get one.
browser: setup
	$(PY) -m auditor.browser ensure

# Debian's redis-server, the Celery broker of the scale-out tests (docs/scale-out.md):
# installed as root when missing, otherwise says how to get it. Idempotent.
redis:
	@if command -v redis-server >/dev/null 2>&1; then \
	  echo "omniaudit: using $$(redis-server --version | cut -d' ' -f1-3)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "omniaudit: installing Debian's redis-server (apt-get install -y redis-server) ..."; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }; \
	else \
	  echo "omniaudit: no redis-server, which the scale-out tests need. Install it with"; \
	  echo "  apt-get install -y redis-server   (as root), or set OMNIAUDIT_REDIS_SERVER=/path"; \
	fi

# PostgreSQL's server binaries (initdb, postgres), for the store tests' throwaway cluster
# (docs/store.md): Debian's postgresql installed as root when missing, otherwise says how.
# Idempotent; starts no server (the tests start and stop their own).
postgres:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  echo "omniaudit: using PostgreSQL's $$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "omniaudit: installing Debian's postgresql (apt-get install -y postgresql) ..."; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }; \
	else \
	  echo "omniaudit: no PostgreSQL server binaries (initdb), which the PostgreSQL store tests need"; \
	  echo "  (they are skipped without them). Install them with: apt-get install -y postgresql (as root)"; \
	fi

# Capture speed and memory against raw Playwright, Crawlee, Scrapy, httpx (bench/README.md).
# PAGES=5000 for a bigger run; RUNS=1 for a quick one (medians of RUNS runs).
PAGES ?= 1000
RUNS ?= 3
bench: bench-capture

bench-capture: setup browser
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(PY) bench/capture_speed.py --pages $(PAGES) --runs $(RUNS)

# The whole check catalogue on synthetic runs of 10k, 100k and 1M observations (bench/README.md).
bench-checks: setup
	$(PY) bench/checks_scale.py

# Precision and recall of extraction on the labelled corpus in tests/corpus/, then the
# blind shops of bench/generalisation/ (recall of planted problems, false alarms), then the
# external sets when OMNIAUDIT_PRICE_STRINGS / OMNIAUDIT_REAL_PAGES name copies (bench/README.md).
bench-accuracy: setup browser
	$(PY) bench/accuracy.py
	$(PY) bench/generalisation/score.py
	@if [ -n "$$OMNIAUDIT_PRICE_STRINGS$$OMNIAUDIT_REAL_PAGES" ]; then \
	  $(PY) bench/external.py \
	    $${OMNIAUDIT_PRICE_STRINGS:+--price-strings "$$OMNIAUDIT_PRICE_STRINGS"} \
	    $${OMNIAUDIT_REAL_PAGES:+--real-pages "$$OMNIAUDIT_REAL_PAGES"}; fi

# report.html with 10,000 findings and 2,000 screenshots in the real Chromium (bench/README.md).
bench-report: setup browser
	$(PY) bench/report_scale.py

# The whole audit with default settings at 400 and 2,000 pages per channel beside the raw
# Playwright loop loading the same pages, split by stage (bench/README.md "Whole audit").
bench-audit: setup browser
	$(PY) bench/audit_scale.py

# Reports and the store at 1,000 and 10,000 findings: linear or not (bench/README.md).
bench-store: setup
	$(PY) bench/store_scale.py

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) omniaudit-out .pytest_cache
