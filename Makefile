# The two commands of the README, and a few more for developers.
.PHONY: run dev test check lock test-fast bench relevance translations screenshots

PORT ?= 5000

run:  ## set up, load the Amsterdam demo region, serve with gunicorn on http://127.0.0.1:5000
	scripts/bootstrap.sh
	.venv/bin/flask --app socialmap demo setup
	SOCIALMAP_COOKIE_SECURE=$${SOCIALMAP_COOKIE_SECURE:-false} SOCIALMAP_BIND=127.0.0.1:$(PORT) \
	  exec .venv/bin/gunicorn -c python:socialmap.gunicorn_config

dev:  ## the same, with Flask's development server (reloads on code changes; not for production)
	scripts/bootstrap.sh
	.venv/bin/flask --app socialmap demo setup
	SOCIALMAP_COOKIE_SECURE=$${SOCIALMAP_COOKIE_SECURE:-false} \
	  .venv/bin/flask --app socialmap run --debug --host 127.0.0.1 --port $(PORT)

test:  ## set up (incl. PostgreSQL/PostGIS, Chromium), check lint, format and types, run every test
	scripts/bootstrap.sh --test
	$(MAKE) --no-print-directory check
	SOCIALMAP_TEST_POSTGRES_URL=$$(scripts/postgres.sh) SOCIALMAP_REQUIRE_POSTGIS=1 \
	  .venv/bin/python -m pytest $(PYTEST_ARGS)

check:  ## lint (ruff), format (ruff format --check) and type checks of the pure cores (mypy); configured in pyproject.toml
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

lock:  ## re-resolve requirements/*.lock from pyproject.toml (newest allowed versions); then run make test
	.venv/bin/python -m pip install -q pip-tools
	.venv/bin/pip-compile -q --upgrade --extra test --strip-extras --no-emit-index-url --no-emit-find-links \
	  -o requirements/test.lock pyproject.toml
	.venv/bin/pip-compile -q --upgrade --strip-extras --no-emit-index-url --no-emit-find-links \
	  -c requirements/test.lock -o requirements/run.lock pyproject.toml

test-fast:  ## SpatiaLite only, no browser
	.venv/bin/python -m pytest -m "not postgis and not browser" $(PYTEST_ARGS)

bench:  ## synthetic national catalogue (cached in .bench/), then search timings: socialmap vs plain Whoosh vs PostgreSQL
	scripts/bootstrap.sh --test
	url=$$(scripts/postgres.sh) && \
	  BENCH_POSTGRES_URL=$$url timeout 1200 .venv/bin/python -m bench.generate && \
	  BENCH_POSTGRES_URL=$$url timeout 1500 .venv/bin/python -m bench.run $(BENCH_ARGS)

relevance:  ## search relevance on a real catalogue (Gouda, judged queries): P@5, nDCG@10, success@5, empty
	scripts/bootstrap.sh
	.venv/bin/python -m bench.relevance.run -v

translations:  ## extract strings and update the catalogues (then translate, then compile)
	.venv/bin/pybabel extract -F babel.cfg -k _l --ignore-dirs ".*" -o socialmap/translations/messages.pot .
	.venv/bin/pybabel update -i socialmap/translations/messages.pot -d socialmap/translations
	.venv/bin/pybabel compile -d socialmap/translations
