# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench bench-waits bench-overview fuzz venv migrate demo token clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

migrate: venv
	$(BIN)/python manage.py migrate_locked --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

## Fresh demo tokens, one per role, and the console's admin login (new ones every run)
token: migrate
	@echo "--- Demo access (new every run; paste the lines below into your shell):"
	@$(BIN)/python manage.py demo_access | sed 's/^/export /'
	@echo "--- API:     curl -H \"Authorization: Token \$$CLIENT_TOKEN\" http://localhost:$(PORT)/projects"
	@echo "--- Console: http://localhost:$(PORT)/admin/ (ADMIN_LOGIN / ADMIN_PASSWORD above)"

## Set up everything (virtualenv, database, demo data) and serve on http://localhost:8000
run: demo token
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Run the whole test suite (PostgreSQL when DATABASE_URL points at one, else SQLite)
test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Benchmark (PostgreSQL): claim/complete throughput vs a raw-SQL view and Procrastinate, one
## project vs projects of 50, claim latency at 1k and 1M ready tasks; BENCH_RUNS runs (3), the
## median of each run's ratios; then bench-waits once. BENCH_DATABASE_URL picks the (separate)
## database.
bench: venv
	$(BIN)/python -m bench.run

## Claims that wait for work (PostgreSQL, BENCH_DATABASE_URL), through gunicorn with the
## project's configuration: a task handed to one of 50 waiting workers (p50 latency), and the
## statements 50 waiting workers cost the database against 50 polling once a second (≈ 1 min).
bench-waits: venv
	$(BIN)/python -m bench.waiting_claims

## The console's overview (/admin/) with 1M tasks (PostgreSQL, BENCH_DATABASE_URL): median time.
bench-overview: venv
	$(BIN)/python -m bench.overview

## Fuzzing (PostgreSQL): Schemathesis over /api/schema/ through gunicorn, one pass per role.
## FUZZ_SECONDS (240) is the budget; FUZZ_DATABASE_URL the database, dropped and made anew.
fuzz: venv
	$(BIN)/python -m fuzz.run

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm test_db.sqlite3* staticfiles
