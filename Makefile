# Two commands matter: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?= -n 2 --dist loadgroup
export DJANGO_SETTINGS_MODULE ?= hannover_beteiligung.settings.dev
# Links in mails and PDFs point at the port `make run` serves on (SITE_URL's default follows PORT).
export PORT

.PHONY: install run test bench lint format migrate seed worker beat messages clean

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-virtualenv -r requirements.lock
	touch $@

install: $(VENV)/.installed

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	mkdir -p var
	DJANGO_SETTINGS_MODULE=hannover_beteiligung.settings.test $(PY) -m pytest $(PYTEST_ARGS)

bench: install
	DJANGO_SETTINGS_MODULE=hannover_beteiligung.settings.test $(PY) bench/run.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

worker: install
	$(VENV)/bin/celery -A hannover_beteiligung worker -Q mail,reports,default --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A hannover_beteiligung beat --loglevel=INFO --schedule var/celerybeat-schedule

messages: install
	cd $(CURDIR) && $(PY) manage.py makemessages -l en --ignore=.venv --ignore=var
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
