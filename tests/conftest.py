"""Test harness: service markers, a real Celery worker, and Playwright on Debian's chromium.

Tests that need PostgreSQL (`@pytest.mark.postgres`), Redis (`@pytest.mark.redis`) or the browser
(`@pytest.mark.browser`) are skipped with a visible reason when the service is missing, and fail instead
when REQUIRE_SERVICES=1 (CI sets it)."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the main thread; the ORM calls of the test itself are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BASE_DIR = Path(__file__).resolve().parent.parent


def uses_postgres() -> bool:
    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


def missing_service(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1, but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    # Real Celery workers run one at a time, in one test process (with `--dist loadgroup`).
    for item in items:
        if "celery_worker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("celery-worker"))


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not uses_postgres():
        missing_service("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        missing_service("needs Redis: set REDIS_URL=redis://…")
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        missing_service(f"needs Debian's chromium at {CHROMIUM}")


# --- reference data ------------------------------------------------------------------------------------
# Data migrations load reference data (districts, roles, quality criteria, legal pages, …). A transactional
# test (live server, concurrency, real worker) ends with a flush that removes it, and with xdist the order
# of tests is not the one pytest-django sorts for. So the state after migrations is serialised once and
# restored after every transactional test.

_REFERENCE: dict[str, str] = {}


def _serialize_reference_data() -> str:
    """Every row the migrations created, except content types and permissions (the flush re-creates those
    with new ids); foreign keys to them by natural key."""
    from django.apps import apps
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers

    models = [
        model
        for model in apps.get_models()
        if model not in (ContentType, Permission)
        and model._meta.managed
        and not model._meta.proxy
        and model._default_manager.exists()
    ]
    ordered = serializers.sort_dependencies([(None, models)], allow_cycles=True)
    rows = [obj for model in ordered for obj in model._default_manager.order_by("pk")]
    return serializers.serialize("json", rows, use_natural_foreign_keys=True)


def _is_test_database(connection) -> bool:
    """PostgreSQL test databases are named test_…; SQLite's test database lives in memory (the flush of a
    transactional test empties it just the same, so it needs the restore too)."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        return True
    return Path(str(connection.settings_dict["NAME"])).name.startswith("test_")


def _restore_reference_data(data: str) -> None:
    from django.core import serializers
    from django.db import connection, transaction

    if not _is_test_database(connection):
        return  # never write into a real database
    with transaction.atomic(), connection.constraint_checks_disabled():
        for obj in serializers.deserialize("json", data, handle_forward_references=True):
            obj.save()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _REFERENCE["data"] = _serialize_reference_data()


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server", "celery_worker"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    # After the last test the session fixtures (the test database itself) are gone already.
    if nextitem is not None and "data" in _REFERENCE and _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_reference_data(_REFERENCE["data"])


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


# --- browser -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context on the live server, German, desktop size. Records every requested host."""
    context = browser.new_context(base_url=live_server.url, locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requested_urls = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A phone-sized browser context (iPhone-like viewport, touch)."""
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return results.response["violations"]


def assert_accessible(page) -> None:
    """Zero axe-core violations (WCAG 2.0/2.1 A+AA, 2.2 AA) on the page as it is now."""
    violations = axe_violations(page)
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in violations
    ]
    assert violations == [], f"{page.url}:\n" + "\n".join(summary)


# --- Celery ----------------------------------------------------------------------------------------------


def worker_redis_url() -> str:
    """REDIS_URL with its database number shifted per xdist worker, so parallel test processes never
    consume each other's tasks (each worker process talks to its own test database)."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return ""
    index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
    base, _, db = url.rstrip("/").rpartition("/")
    if not db.isdigit():
        base, db = url.rstrip("/"), "0"
    return f"{base}/{int(db) + index}"


def _reset_celery_connections(app) -> None:
    """Forget pooled broker connections, so the next publish uses the broker URL set now."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real Celery worker process on Redis, against the test database. Yields the mail folder it writes to.

    Tasks the test enqueues go through Redis to this worker (not eagerly)."""
    redis_url = worker_redis_url()
    if not redis_url:
        missing_service("needs Redis: set REDIS_URL=redis://…")
    if not uses_postgres():
        missing_service("a worker process needs a shared database: set DATABASE_URL=postgres://…")
    from django.db import connection

    from hannover_beteiligung.celery import app

    db = connection.settings_dict
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hannover_beteiligung.settings.test",
        "DATABASE_URL": "postgres://{}:{}@{}:{}/{}".format(
            db["USER"], db["PASSWORD"] or "", db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
        ),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.broker_url = redis_url
    _reset_celery_connections(app)
    app.control.purge()
    log_path = tmp_path / "celery-worker.log"
    log_file = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "hannover_beteiligung",
            "worker",
            "-P",
            "solo",
            "-Q",
            "mail,reports,default",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            "--hostname",
            f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("celery worker exited:\n" + log_path.read_text())
            if app.control.ping(timeout=0.5):
                break
        else:
            pytest.fail("celery worker did not answer a ping within 30 s")
        yield mail_dir
    finally:
        app.conf.task_always_eager, app.conf.broker_url = previous
        _reset_celery_connections(app)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log_file.close()
        # Shown by pytest only when the test failed.
        print("--- celery worker log ---\n" + log_path.read_text()[-6000:])
