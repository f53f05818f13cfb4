"""PDF reports on city-size data: time and peak memory per report kind, and the share of time spent outside
WeasyPrint (queries + charts) measured in the same run.

    make bench                        # every bench module (bench/run.py)
    .venv/bin/python bench/reports.py # only this one

Needs DATABASE_URL (PostgreSQL): a throw-away database `<name>_bench_reports` is created next to it, migrated
and filled with `seed_scale` of city size (13 districts, 500 upcoming workshops with 20,000 registrations,
1,000 held workshops with a reflection each, 150 recommendations). Every report kind is rendered
BENCH_REPORT_RUNS times (default 2), each run in a fresh subprocess, so its peak RSS (ru_maxrss) is that of
one report and nothing else; the median time is reported. No network, bounded work. Keep the database with
BENCH_KEEP_DB=1 (then a second run skips seeding)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import BASE_DIR, machine, print_table, with_database

CITY = {"workshops": 500, "registrations": 20000, "reflections": 1000, "recommendations": 150}
KINDS = ["workshop", "district", "recommendations", "annual"]
TARGETS = {"district_s": 10.0, "recommendations_s": 30.0, "outside_share": 0.25, "peak_rss_mb": 600.0}


def _env(database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(BASE_DIR),
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }


def _database(base_url: str, name: str, *, recreate: bool) -> tuple[str, bool]:
    """(url, fresh): recreate the bench database, or reuse it when BENCH_KEEP_DB=1 and it exists."""
    import psycopg

    with psycopg.connect(with_database(base_url, "postgres"), autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not recreate:
            return with_database(base_url, name), False
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return with_database(base_url, name), True


def _drop_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(with_database(base_url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- subprocess entry points ----------------------------------------------------------------------------------


def seed() -> None:
    """`python -m bench.reports seed`: city-size data through the seed_scale command of the recommendations app."""
    import django

    django.setup()
    from django.core.management import call_command

    from recommendations.management.commands.seed_scale import Command

    call_command(Command(), **CITY)


def parameters() -> None:
    """`python -m bench.reports parameters`: the parameters of each kind on the seeded data, as JSON."""
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from workshops.models import Workshop

    today = timezone.localdate()
    start = today.replace(year=today.year - 1)
    district = (
        Workshop.objects.filter(status__in=["held", "documented"], starts_at__date__gte=start)
        .values("district__slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "district__slug")
        .first()
    )
    workshop = (
        Workshop.objects.filter(status__in=["held", "documented"], reflections__isnull=False)
        .annotate(n=Count("recommendations"))
        .order_by("-n", "pk")
        .first()
    )
    print(
        json.dumps(
            {
                "workshop": {"workshop": workshop.slug},
                "district": {
                    "district": district["district__slug"],
                    "start": start.isoformat(),
                    "end": today.isoformat(),
                },
                "recommendations": {},
                "annual": {"year": today.year},
            }
        )
    )


def render(kind: str, raw_parameters: str) -> None:
    """`python -m bench.reports render KIND JSON`: render one report, print timings, queries and peak RSS."""
    import resource

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from recommendations import reports

    parameters = json.loads(raw_parameters)
    # Warm the imports and font configuration the worker would have loaded already (not part of a report).
    import matplotlib.pyplot  # noqa: F401
    import weasyprint  # noqa: F401

    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with CaptureQueriesContext(connection) as queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        template, context = reports.report_data(kind=kind, parameters=parameters)
        data_done = time.perf_counter()
        pdf = reports.report_pdf(template, context)  # with the CSV attachments of long lists
        done, cpu_done = time.perf_counter(), time.process_time()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    if os.environ.get("BENCH_REPORT_PDF"):  # keep the PDF to look at (pdftoppm -r 50 -png …)
        Path(os.environ["BENCH_REPORT_PDF"]).write_bytes(pdf)
    print(
        "BENCHJSON "
        + json.dumps(
            {
                "kind": kind,
                "data_s": data_done - started,
                "layout_s": done - data_done,
                "total_s": done - started,
                # This process's CPU time: comparable across runs on a busy machine (wall time is not).
                "cpu_s": cpu_done - cpu_started,
                "queries": len(queries.captured_queries),
                "pages": pages,
                "bytes": len(pdf),
                "baseline_mb": baseline_kb / 1024,
                "peak_mb": peak_kb / 1024,
            }
        )
    )


# --- orchestration ----------------------------------------------------------------------------------------------


def _run(args: list[str], env: dict, *, capture: bool = False) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.reports", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
        timeout=3600,
    )
    return completed.stdout if capture else ""


def _render_once(kind: str, params: dict, env: dict) -> dict:
    output = _run(["render", kind, json.dumps(params)], env, capture=True)
    line = next(ln for ln in output.splitlines() if ln.startswith("BENCHJSON "))
    return json.loads(line.removeprefix("BENCHJSON "))


def main() -> list[dict]:
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("reports: skipped — needs DATABASE_URL=postgres://… (a <name>_bench_reports database is created)")
        return []
    runs = int(os.environ.get("BENCH_REPORT_RUNS", "2"))
    keep = os.environ.get("BENCH_KEEP_DB") == "1"
    name = base_url.rsplit("/", 1)[-1].split("?")[0] + "_bench_reports"
    database_url, fresh = _database(base_url, name, recreate=not keep)
    env = _env(database_url)
    try:
        seed_seconds = None
        if fresh:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True
            )
            started = time.monotonic()
            _run(["seed"], env)
            seed_seconds = time.monotonic() - started
        params = json.loads(_run(["parameters"], env, capture=True).strip().splitlines()[-1])
        results = {kind: [_render_once(kind, params[kind], env) for _ in range(runs)] for kind in KINDS}
    finally:
        if not keep:
            _drop_database(base_url, name)
    return _report(results, params=params, runs=runs, seed_seconds=seed_seconds)


def _report(results: dict, *, params: dict, runs: int, seed_seconds: float | None) -> list[dict]:
    info = machine()
    rows, summary = [], []
    for kind, measured in results.items():
        total = statistics.median(m["total_s"] for m in measured)
        data = statistics.median(m["data_s"] for m in measured)
        layout = statistics.median(m["layout_s"] for m in measured)
        share = data / total if total else 0.0
        peak = max(m["peak_mb"] for m in measured)
        baseline = min(m["baseline_mb"] for m in measured)
        queries = sorted({m["queries"] for m in measured})
        pages = measured[0]["pages"]
        rows.append(
            [
                kind,
                str(pages),
                f"{total:.2f}",
                f"{data:.2f}",
                f"{layout:.2f}",
                f"{share * 100:.1f} %",
                f"{peak:.0f}",
                f"{peak - baseline:.0f}",
                "/".join(map(str, queries)),
            ]
        )
        summary += [
            {"benchmark": f"report {kind}", "metric": "seconds (median)", "value": f"{total:.2f}"},
            {"benchmark": f"report {kind}", "metric": "data+charts share", "value": f"{share * 100:.1f} %"},
            {"benchmark": f"report {kind}", "metric": "peak RSS MB", "value": f"{peak:.0f}"},
            {"benchmark": f"report {kind}", "metric": "pages / queries", "value": f"{pages} / {queries[-1]}"},
        ]
    print(f"machine: {info['nproc']} cores, {info['cpu']}, {info['ram_gb']} GB RAM; {runs} run(s) per kind")
    if seed_seconds is not None:
        print(f"seed_scale ({', '.join(f'{k}={v}' for k, v in CITY.items())}): {seed_seconds:.0f} s")
    print(f"parameters: {json.dumps(params)}")
    print_table(
        rows,
        [
            "report",
            "pages",
            "total s",
            "data+charts s",
            "WeasyPrint s",
            "outside share",
            "peak RSS MB",
            "Δ RSS MB",
            "queries",
        ],
    )
    by_kind = {kind: statistics.median(m["total_s"] for m in measured) for kind, measured in results.items()}
    shares = {
        kind: statistics.median(m["data_s"] for m in measured) / by_kind[kind] for kind, measured in results.items()
    }
    peak = max(m["peak_mb"] for measured in results.values() for m in measured)
    overall = sum(statistics.median(m["data_s"] for m in measured) for measured in results.values()) / sum(
        by_kind.values()
    )
    print(f"data + charts share over all four reports: {overall * 100:.1f} %")
    summary.append(
        {"benchmark": "reports (all kinds)", "metric": "data+charts share", "value": f"{overall * 100:.1f} %"}
    )
    checks = [
        ("district report ≤ 10 s", by_kind["district"] <= TARGETS["district_s"]),
        ("recommendations document ≤ 30 s", by_kind["recommendations"] <= TARGETS["recommendations_s"]),
        ("data + charts ≤ 25 % of total (each kind)", max(shares.values()) <= TARGETS["outside_share"]),
        ("peak RSS ≤ 600 MB", peak <= TARGETS["peak_rss_mb"]),
    ]
    for label, ok in checks:
        print(f"  {'OK  ' if ok else 'MISS'} {label}")
    targets = {
        "district": f"≤ {TARGETS['district_s']:.0f} s",
        "recommendations": f"≤ {TARGETS['recommendations_s']:.0f} s",
    }
    for row in summary:
        kind = row["benchmark"].removeprefix("report ")
        if row["metric"] == "seconds (median)" and kind in targets:
            row["target"], row["ok"] = targets[kind], by_kind[kind] <= float(targets[kind].split()[1])
        elif row["metric"] == "data+charts share":
            limit = TARGETS["outside_share"] * 100
            row["target"], row["ok"] = f"≤ {limit:.0f} %", float(row["value"].split()[0]) <= limit
        elif row["metric"] == "peak RSS MB":
            row["target"], row["ok"] = f"≤ {TARGETS['peak_rss_mb']:.0f}", float(row["value"]) <= TARGETS["peak_rss_mb"]
    return summary


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "main"
    if command == "seed":
        seed()
    elif command == "parameters":
        parameters()
    elif command == "render":
        render(sys.argv[2], sys.argv[3])
    else:
        main()
