"""Every staff and public page at city size and at ten times city size: p50/p95 and query counts with one
client, the page cache off; and the PDF reports at both sizes.

    make bench                      # every bench module (bench/run.py)
    .venv/bin/python bench/scale.py # only this one
    .venv/bin/python -m bench.scale measure   # only the pages, on the database DATABASE_URL names as it is

Needs DATABASE_URL (PostgreSQL): two throw-away databases are created next to it, migrated and seeded:
`<name>_bench_city` with `seed_scale --factor 1` (500 upcoming workshops, 20,000 registrations, 1,000 held
workshops with reflections, 150 recommendations) and `<name>_bench_scale` with `seed_scale --factor 10`
(5,000 / 200,000 / 10,000 / 1,500); pages and reports are measured on both. Query counts must be the
same at both sizes (a list whose queries grow with its rows is an N+1), p95 ≤ 300 ms per page at 10×, and each
report at 10× within 2× its city-size time.

The pages are requested in one process with Django's test client (sequential, one client: what one person
clicking through the site costs the server, without network or gunicorn), with the bench settings (DEBUG off,
cached templates) and PAGE_CACHE_ENABLED=false; staff pages as a superuser with a second factor passed in the
session. BENCH_SCALE_REQUESTS requests per page (default 15, after 2 warm-up requests); BENCH_SCALE_FACTOR
(default 10); BENCH_SCALE_REPORTS=0 skips the reports; BENCH_KEEP_DB=1 keeps both databases and reuses them
in the next run (seeding then takes seconds). Bounded work, no
network beyond loopback PostgreSQL."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import BASE_DIR, machine, print_table, with_database

TARGETS = {"p95_ms": 300.0, "report_vs_city": 2.0}
# The throughput ratios (registration_rush measures them under gunicorn); here an in-process estimate.
CPU_TARGETS = {"detail (same workshop)": 0.12, "list": 0.10, "API list": 0.15}
REPORT_KINDS = ["workshop", "district", "recommendations", "annual"]
ADMIN_USER = "bench-scale-admin@scale.invalid"


def _env(database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(BASE_DIR),
        "PAGE_CACHE_ENABLED": "false",
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }


# --- subprocess entry point: measure every page ---------------------------------------------------------------


def pages() -> list[tuple[str, str, str]]:
    """(group, label, path) of every page measured; needs Django set up (finds slugs and ids in the data)."""
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    from districts.models import District
    from recommendations.models import Recommendation
    from reflections.models import Reflection
    from workshops.models import Workshop

    upcoming = Workshop.objects.filter(status=Workshop.Status.PUBLISHED).order_by("starts_at", "pk").first()
    documented = (
        Workshop.objects.filter(reflections__status=Reflection.Status.SUBMITTED).order_by("-starts_at", "pk").first()
    )
    district = District.objects.order_by("number").first()
    recommendation = Recommendation.objects.exclude(status="draft").order_by("pk").first()
    reflection = Reflection.objects.filter(status=Reflection.Status.SUBMITTED).order_by("pk").first()
    listed = [
        ("public", "home", "/"),
        ("public", "workshop list", "/werkstaetten/"),
        ("public", "workshop list, page 10", "/werkstaetten/?seite=10"),
        ("public", "workshop list, district + free seats", f"/werkstaetten/?bezirk={district.slug}&frei=on"),
        ("public", "workshop detail", f"/werkstaetten/{upcoming.slug}/"),
        ("public", "workshop documentation", f"/werkstaetten/{documented.slug}/dokumentation/"),
        ("public", "district list", "/bezirke/"),
        ("public", "district page", f"/bezirke/{district.slug}/"),
        ("public", "tracker", "/empfehlungen/"),
        ("public", "tracker, status + search", "/empfehlungen/?status=adopted&q=Lastprobe"),
        ("public", "recommendation detail", f"/empfehlungen/{recommendation.slug}/"),
        ("public", "methods", "/methoden/"),
        ("api", "API workshops", "/api/v1/workshops/"),
        ("api", "API workshop detail", f"/api/v1/workshops/{upcoming.slug}/"),
        ("api", "API recommendations", "/api/v1/recommendations/"),
        ("api", "API documentation", "/api/v1/documentation/"),
        ("api", "API districts", "/api/v1/districts/"),
        ("staff", "moderation", "/moderation/"),
        ("staff", "moderation: documentation due", "/moderation/dokumentation-offen/"),
        ("staff", "dashboard", "/moderation/auswertung/"),
        ("staff", "reflection (staff)", f"/moderation/reflexionen/{reflection.pk}/"),
        ("staff", "tracker (staff, drafts)", "/empfehlungen/?status=draft"),
        ("staff", "reports", "/berichte/"),
        ("staff", "planning", "/planung/"),
        ("admin", "workshops", "/admin/workshops/workshop/"),
        (
            "admin",
            "workshops: filters",
            f"/admin/workshops/workshop/?status=published&zeitraum=kommend&district__id__exact={district.pk}",
        ),
        ("admin", "workshops: search", "/admin/workshops/workshop/?q=Linden"),
        ("admin", "workshop change form", f"/admin/workshops/workshop/{upcoming.pk}/change/"),
        ("admin", "registrations", "/admin/workshops/registration/"),
        ("admin", "registrations: filter", "/admin/workshops/registration/?status__exact=confirmed"),
        ("admin", "registrations: search", "/admin/workshops/registration/?q=Person+17"),
        ("admin", "reflections", "/admin/reflections/reflection/"),
        ("admin", "reflections: search", "/admin/reflections/reflection/?q=Lastprobe+12"),
        ("admin", "commitments", "/admin/reflections/commitment/"),
        ("admin", "feedback responses", "/admin/reflections/feedbackresponse/"),
        ("admin", "recommendations", "/admin/recommendations/recommendation/"),
        (
            "admin",
            "recommendations: filter + search",
            "/admin/recommendations/recommendation/?status__exact=adopted&q=Werkstatt",
        ),
        ("admin", "recommendation change form", f"/admin/recommendations/recommendation/{recommendation.pk}/change/"),
        ("admin", "report jobs", "/admin/recommendations/reportjob/"),
        ("admin", "outbox", "/admin/core/outboxmail/"),
        ("admin", "audit log", "/admin/core/auditlog/"),
        ("admin", "users: search", "/admin/accounts/user/?q=scale"),
    ]
    del reverse, NoReverseMatch
    present = []
    for group, label, path in listed:
        try:
            resolve(path.split("?")[0])
        except Resolver404:
            present.append((group, label + " (no such URL yet)", ""))
            continue
        present.append((group, label, path))
    return present


def measure() -> None:
    """`python -m bench.scale measure`: every page, BENCH_SCALE_REQUESTS times; prints one JSON line."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.auth import login_with_mfa

    requests = int(os.environ.get("BENCH_SCALE_REQUESTS", "15"))
    User = get_user_model()
    admin = User.objects.filter(email=ADMIN_USER).first() or User.objects.create_superuser(
        ADMIN_USER, "bench-scale-password-not-secret", name="Bench Admin"
    )
    anonymous, staff = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    login_with_mfa(staff, admin)
    results = []
    for group, label, path in pages():
        if not path:
            results.append({"group": group, "page": label, "path": "", "skipped": True})
            continue
        client = staff if group in {"staff", "admin"} else anonymous
        for _ in range(2):  # warm-up: templates, connections, per-process caches
            client.get(path)
        times, cpu = [], []
        for _ in range(requests):
            with CaptureQueriesContext(connection) as queries:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        times.sort()
        results.append(
            {
                "group": group,
                "page": label,
                "path": path,
                "status": response.status_code,
                "p50_ms": statistics.median(times),
                "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                "queries": len(queries.captured_queries),
                # This process's CPU per request (PostgreSQL's work and waiting for a busy machine excluded):
                # on a shared machine it varies much less than wall-clock time.
                "cpu_ms": statistics.median(cpu),
                "sql_ms": sum(float(q["time"]) for q in queries.captured_queries) * 1000,
                "bytes": len(response.content),
            }
        )
    print("BENCHJSON " + json.dumps(results))


def profile(path: str, *, staff: bool = False, requests: int = 50) -> None:
    """`python -m bench.scale profile PATH [staff]`: cProfile of PATH requested `requests` times (after a
    warm-up), top functions by cumulative and by own time; and the CPU ms per request."""
    import cProfile
    import pstats

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.auth import login_with_mfa

    client = Client(HTTP_HOST="localhost")
    if staff:
        User = get_user_model()
        admin = User.objects.filter(email=ADMIN_USER).first() or User.objects.create_superuser(
            ADMIN_USER, "bench-scale-password-not-secret", name="Bench Admin"
        )
        login_with_mfa(client, admin)
    for _ in range(3):
        assert client.get(path).status_code == 200
    started = time.process_time()
    for _ in range(requests):
        client.get(path)
    print(f"{path}: {(time.process_time() - started) * 1000 / requests:.2f} ms CPU per request (unprofiled)")
    profiler = cProfile.Profile(time.process_time)  # CPU time: waits for PostgreSQL and for a busy machine do not count
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def cpu() -> None:
    """`python -m bench.scale cpu`: CPU time per request of /healthz and the uncached public pages, measured in
    one process with the test client (sequential; the page cache off), and each page's ratio to /healthz.

    On a machine so busy that a gunicorn run gives no usable rates, CPU time per request still compares:
    on idle cores throughput is about inversely proportional to it. The test client's own overhead is in
    every figure (so the ratios are an optimistic estimate for the pages, as /healthz is inflated most), and
    PostgreSQL's CPU is not (≈ 5–15 % more for the pages, see registration_rush's db column)."""
    import django

    django.setup()
    from django.test import Client

    from workshops.models import Workshop

    requests = int(os.environ.get("BENCH_CPU_REQUESTS", "200"))
    upcoming = Workshop.objects.filter(status=Workshop.Status.PUBLISHED).order_by("starts_at", "pk")
    slugs = list(upcoming.values_list("slug", flat=True)[:requests])
    client = Client(HTTP_HOST="localhost")
    targets = [
        ("healthz", lambda n: "/healthz"),
        ("detail (same workshop)", lambda n: f"/werkstaetten/{slugs[0]}/"),
        ("detail (crawl: a different workshop each time)", lambda n: f"/werkstaetten/{slugs[n % len(slugs)]}/"),
        ("list", lambda n: "/werkstaetten/"),
        ("API list", lambda n: "/api/v1/workshops/"),
    ]
    results = {}
    for label, path in targets:
        for n in range(5):
            client.get(path(n))
        started = time.process_time()
        for n in range(requests):
            client.get(path(n))
        results[label] = (time.process_time() - started) * 1000 / requests
    print("BENCHJSON " + json.dumps(results))


# --- orchestration ----------------------------------------------------------------------------------------------


def _python(args: list[str], env: dict, *, capture: bool = False, timeout: int = 3600) -> str:
    completed = subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, check=True, capture_output=capture, text=True, timeout=timeout
    )
    return completed.stdout if capture else ""


def _json_line(output: str):
    line = next(ln for ln in output.splitlines() if ln.startswith("BENCHJSON "))
    return json.loads(line.removeprefix("BENCHJSON "))


def _seed(factor: int, env: dict) -> float:
    started = time.monotonic()
    _python(["manage.py", "seed_scale", "--factor", str(factor)], env)
    return time.monotonic() - started


def _reports(env: dict) -> dict:
    from bench.reports import _render_once

    params = json.loads(_python(["-m", "bench.reports", "parameters"], env, capture=True).strip().splitlines()[-1])
    return {kind: _render_once(kind, params[kind], env) for kind in REPORT_KINDS}


def _stage(factor: int, env: dict, with_reports: bool) -> dict:
    _python(["manage.py", "migrate", "--noinput", "-v", "0"], env)
    seed_s = _seed(factor, env)
    load = os.getloadavg()[0]
    measured = _json_line(_python(["-m", "bench.scale", "measure"], env, capture=True))
    reports = _reports(env) if with_reports else {}
    cpu_ms = _json_line(_python(["-m", "bench.scale", "cpu"], env, capture=True))
    return {"factor": factor, "seed_s": seed_s, "load": load, "pages": measured, "reports": reports, "cpu": cpu_ms}


def _ensure_database(base_url: str, name: str, *, keep: bool) -> str:
    """The URL of database `name`: reused when BENCH_KEEP_DB=1 and it exists, else created afresh."""
    import psycopg

    with psycopg.connect(with_database(base_url, "postgres"), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not (exists and keep):
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    return with_database(base_url, name)


def main() -> list[dict]:
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("scale: skipped — needs DATABASE_URL=postgres://… (<name>_bench_city and _bench_scale are created)")
        return []
    import psycopg

    factor = int(os.environ.get("BENCH_SCALE_FACTOR", "10"))
    with_reports = os.environ.get("BENCH_SCALE_REPORTS", "1") != "0"
    keep = os.environ.get("BENCH_KEEP_DB") == "1"
    base = base_url.rsplit("/", 1)[-1].split("?")[0]
    # Two databases, so that with BENCH_KEEP_DB=1 a second run measures both sizes without seeding again
    # (seed_scale is idempotent: on complete data it only checks the counts).
    names = {1: base + "_bench_city", factor: base + "_bench_scale"}
    try:
        stages = [
            _stage(size, _env(_ensure_database(base_url, name, keep=keep)), with_reports)
            for size, name in names.items()
        ]
    finally:
        if not keep:
            with psycopg.connect(with_database(base_url, "postgres"), autocommit=True) as connection:
                for name in names.values():
                    connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return report(stages[0], stages[1])


def report(city: dict, large: dict) -> list[dict]:
    factor = large["factor"]
    info = machine()
    print(
        f"machine: {info['nproc']} cores, {info['cpu']}, {info['ram_gb']} GB RAM; load average (1 min) "
        f"{city['load']:.1f} at city size, {large['load']:.1f} at {factor}×"
    )
    print(f"seed_scale --factor 1: {city['seed_s']:.0f} s; then --factor {factor}: {large['seed_s']:.0f} s")
    by_page = {p["page"]: p for p in city["pages"]}
    rows, summary, problems = [], [], []
    p95_ok = queries_ok = True
    for page in large["pages"]:
        small = by_page.get(page["page"], {})
        if page.get("skipped"):
            rows.append([page["group"], page["page"], "–", "–", "–", "–", "–", "skipped"])
            continue
        constant = small.get("queries") == page["queries"]
        fast = page["p95_ms"] <= TARGETS["p95_ms"] and page["status"] == 200
        p95_ok &= fast
        queries_ok &= constant
        verdict = "ok" if fast and constant else "MISSED"
        if not fast or not constant:
            problems.append(page["page"])
        rows.append(
            [
                page["group"],
                page["page"],
                str(page["status"]),
                f"{small.get('p95_ms', 0):.0f}",
                f"{page['p50_ms']:.0f}",
                f"{page['p95_ms']:.0f}",
                f"{small.get('queries', '?')} → {page['queries']}",
                verdict,
            ]
        )
    print_table(
        rows,
        [
            "group",
            "page",
            "status",
            "p95 ms 1×",
            f"p50 ms {factor}×",
            f"p95 ms {factor}×",
            "queries 1× → 10×",
            "target",
        ],
    )
    worst = max((p for p in large["pages"] if not p.get("skipped")), key=lambda p: p["p95_ms"])
    summary.append(
        {
            "benchmark": f"scale {factor}×",
            "metric": f"worst page p95 ({worst['page']})",
            "value": f"{worst['p95_ms']:.0f} ms",
            "target": f"≤ {TARGETS['p95_ms']:.0f} ms",
            "ok": p95_ok,
        }
    )
    slow = [p["page"] for p in large["pages"] if not p.get("skipped") and p["p95_ms"] > TARGETS["p95_ms"]]
    summary.append(
        {
            "benchmark": f"scale {factor}×",
            "metric": f"pages with p95 > {TARGETS['p95_ms']:.0f} ms (of {len(large['pages'])})",
            "value": ", ".join(slow) or "none",
            "target": "none",
            "ok": not slow,
        }
    )
    grown = [
        p["page"] for p in large["pages"] if not p.get("skipped") and by_page[p["page"]]["queries"] != p["queries"]
    ]
    summary.append(
        {
            "benchmark": f"scale {factor}×",
            "metric": "pages whose query count grows with the data",
            "value": ", ".join(grown) or "none",
            "target": "none",
            "ok": queries_ok,
        }
    )
    if large["reports"]:
        report_rows = []
        for kind in REPORT_KINDS:
            before, after = city["reports"][kind], large["reports"][kind]
            ratio = after["total_s"] / before["total_s"]
            per_page = (after["total_s"] / after["pages"]) / (before["total_s"] / before["pages"])
            ok = ratio <= TARGETS["report_vs_city"]
            report_rows.append(
                [
                    kind,
                    f"{before['pages']} → {after['pages']}",
                    f"{before['total_s']:.1f} → {after['total_s']:.1f}",
                    f"{ratio:.2f}",
                    f"{per_page:.2f}",
                    f"{before['queries']} → {after['queries']}",
                    f"{before['peak_mb']:.0f} → {after['peak_mb']:.0f}",
                    "ok" if ok else "MISSED",
                ]
            )
            summary.append(
                {
                    "benchmark": f"scale {factor}×",
                    "metric": f"report {kind}: time vs city size (per page {per_page:.2f})",
                    "value": f"{ratio:.2f}× ({after['total_s']:.1f} s, {after['pages']} pages)",
                    "target": f"≤ {TARGETS['report_vs_city']:.0f}×",
                    "ok": ok,
                }
            )
        print()
        print_table(
            report_rows,
            ["report", "pages", "seconds", "× city", "× city per page", "queries", "peak RSS MB", "target ≤ 2×"],
        )
    cpu_ms = large.get("cpu") or {}
    for label, target in CPU_TARGETS.items():
        if label in cpu_ms and cpu_ms.get("healthz"):
            summary.append(
                {
                    "benchmark": f"scale {factor}×",
                    "metric": f"{label}: CPU of /healthz ÷ CPU of the page, in-process, page cache off (estimate)",
                    "value": f"{cpu_ms['healthz'] / cpu_ms[label]:.3f} ({cpu_ms[label]:.1f} ms)",
                    "target": f"(≥ {target} in the gunicorn run)",
                    "ok": None,
                }
            )
    record = {
        "benchmark": "scale",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "city": city,
        "large": large,
    }
    out = BASE_DIR / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(json.dumps(record, indent=2, default=str))
    if problems:
        print("MISSED: " + ", ".join(problems))
    return summary


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "main"
    if command == "measure":
        measure()
    elif command == "cpu":
        cpu()
    elif command == "profile":
        profile(sys.argv[2], staff="staff" in sys.argv[3:])
    elif command == "report":  # re-print the last run: python -m bench.scale report
        saved = json.loads((BASE_DIR / "var" / "bench" / "scale.json").read_text())
        report(saved["city"], saved["large"])
    else:
        main()
