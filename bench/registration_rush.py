"""Registration rush: gunicorn (sync workers) on PostgreSQL, 32 concurrent wrk clients.

Phases, all in one run against the same server: GET /healthz, the workshop detail and list pages (and the
API list), then registrations with distinct e-mail addresses (a) all for one workshop ("rush") and (b)
spread over 100 workshops, and finally a contended small workshop that must end with exactly its cap of
unconfirmed holds held (ADR 0016). Every registration carries its own single-use stamp (the API's bot
protection): prepared with the server's key for the wrk phases, fetched from the API for the contended one. Prints
requests/s, p50/p95, errors, seats held vs capacity, ratios and the server's peak memory.

    make bench                                  # every bench module
    .venv/bin/python bench/registration_rush.py # only this one

Needs DATABASE_URL (PostgreSQL: a throw-away database `<name>_bench` is created next to it) and uses
REDIS_URL as the broker when set (mails then wait in Redis; the queue is purged afterwards). Only loopback,
bounded duration (BENCH_SECONDS per phase, default 10, split over BENCH_ROUNDS rounds, default 2; about
2 minutes in all). BENCH_WORKERS sets the gunicorn workers (default cores + 1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import (
    BASE_DIR,
    Gunicorn,
    LoadResult,
    cpu_pressure,
    machine,
    postgres_cpu_seconds,
    print_table,
    with_database,
    wrk,
)

RUSH_SLUG = "bench-rush"
CONTENDED_SLUG = "bench-contended"
SPREAD = 100
CONTENDED_CAPACITY = 100
# Share of the capacity unconfirmed registrations may hold (ADR 0016), as in production: the contended workshop
# must end with exactly that many seats held (the rest of its registrations wait without a hold).
PENDING_HOLD_SHARE = int(os.environ.get("WORKSHOPS_PENDING_HOLD_SHARE", "25"))
CONTENDED_HELD = CONTENDED_CAPACITY * PENDING_HOLD_SHARE // 100
WRK_THREADS = 2
CONNECTIONS = 32
TARGETS = {
    "rush_rate": 250.0,
    "rush_vs_spread": 0.85,
    "p95_ms": 250.0,
    # issue 9: measured with the page cache off (a crawl and logged-in people do not benefit from it)
    "detail_vs_healthz": 0.12,
    "list_vs_healthz": 0.10,
    "api_list_vs_healthz": 0.15,
}
# The pages are measured uncached unless BENCH_PAGE_CACHE=1 (the page cache serves anonymous repeat views only).
PAGE_CACHE = os.environ.get("BENCH_PAGE_CACHE") == "1"
PAGE_CACHE_NOTE = " (page cache on)" if PAGE_CACHE else " (page cache off)"


def _registration_lua(requests_prefix: str) -> str:
    """wrk script: POST the prepared JSON registrations, each thread its own file of lines `path<TAB>body`
    (unique e-mail address and a single-use stamp per request, see write_requests)."""
    return f"""
local threads = {{}}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
local lines = {{}}
function init(args)
  for line in io.lines("{requests_prefix}." .. tid) do
    local tab = string.find(line, "\t", 1, true)
    table.insert(lines, {{string.sub(line, 1, tab - 1), string.sub(line, tab + 1)}})
  end
end
local counter = 0
request = function()
  counter = counter + 1
  -- wraps around only if the prepared requests run out: a reused stamp is refused (counted as an error)
  local item = lines[((counter - 1) % #lines) + 1]
  return wrk.format("POST", item[1], {{["Content-Type"] = "application/json"}}, item[2])
end
"""


def write_requests(spec_path: str) -> None:
    """Runs in a subprocess with the bench settings (the server's SECRET_KEY): writes the registration requests
    of every registering phase and round, one file per wrk thread, each request with its own e-mail address and
    its own single-use stamp — as a client gets it from `GET …/registration-stamp/` and sends it after the time
    trap (the stamps are dated back by REGISTRATION_MIN_FILL_SECONDS, so they are valid at once)."""
    import django

    django.setup()
    from django.conf import settings

    from workshops.models import Workshop
    from workshops.stamps import make_form_stamp

    spec = json.loads(Path(spec_path).read_text())
    ids = dict(Workshop.objects.values_list("slug", "pk"))
    issued = time.time() - settings.REGISTRATION_MIN_FILL_SECONDS - 1
    for job in spec:
        run_id, threads, per_thread = job["run_id"], job["threads"], job["per_thread"]
        for tid in range(1, threads + 1):
            with open(f"{job['prefix']}.{tid}", "w") as out:
                for counter in range(1, per_thread + 1):
                    slug = RUSH_SLUG if job["phase"] == "rush" else f"spread-{(counter * 7 + tid) % SPREAD}"
                    body = {
                        "name": f"Bench {tid}-{counter}",
                        "email": f"b{run_id}-{tid}-{counter}@example.org",
                        "privacy_consent": True,
                        "stamp": make_form_stamp(workshop_id=ids[slug], at=issued),
                    }
                    out.write(f"/api/v1/workshops/{slug}/registrations/\t{json.dumps(body)}\n")


def _env(database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "REGISTRATION_RATE_LIMIT": "off",
        "PYTHONPATH": str(BASE_DIR),
    }


def _recreate_database(base_url: str, name: str) -> str:
    import psycopg

    admin_url = with_database(base_url, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return with_database(base_url, name)


def _drop_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(with_database(base_url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed() -> None:
    """Runs in a subprocess with the bench settings: 1 rush workshop, 100 spread ones, 1 contended one."""
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from districts.models import District
    from workshops.models import Format, Workshop

    district = District.objects.order_by("number").first()
    fmt, _ = Format.objects.get_or_create(slug="werkstattgespraech", defaults={"name": "Werkstattgespräch"})
    start = (timezone.now() + timedelta(days=30)).replace(hour=17, minute=0, second=0, microsecond=0)
    common = {
        "district": district,
        "format": fmt,
        "description": "Benchmark-Werkstatt: Wir sprechen über Plätze, Wege und Treffpunkte im Stadtteil.",
        "venue_name": "Freizeitheim Linden",
        "venue_address": "Windheimstraße 4, 30451 Hannover",
        "status": Workshop.Status.PUBLISHED,
        "max_seats_per_registration": 4,
        "registration_opens_at": timezone.now() - timedelta(days=1),
    }
    workshops = [
        Workshop(
            title="Rush",
            slug=RUSH_SLUG,
            capacity=1_000_000,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            **common,
        ),
        Workshop(
            title="Contended",
            slug=CONTENDED_SLUG,
            capacity=CONTENDED_CAPACITY,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            **common,
        ),
    ]
    for n in range(SPREAD):
        begins = start + timedelta(days=n % 60, hours=n % 3)
        workshops.append(
            Workshop(
                title=f"Werkstatt {n}",
                slug=f"spread-{n}",
                capacity=100_000,
                starts_at=begins,
                ends_at=begins + timedelta(hours=2),
                **common,
            )
        )
    Workshop.objects.bulk_create(workshops)
    quarters = list(district.quarters.all())
    for workshop in Workshop.objects.all():
        workshop.quarters.set(quarters[:2])


def _check_seats(database_url: str) -> dict:
    """Counter vs recount vs capacity for every workshop of the bench database."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            """
            SELECT w.slug, w.capacity, w.seats_held,
                   COALESCE(SUM(r.seats) FILTER (WHERE r.holds_seats), 0) AS recount,
                   COUNT(r.id) FILTER (WHERE r.status = 'waitlisted') AS waitlisted,
                   COUNT(r.id) AS registrations
            FROM workshops_workshop w LEFT JOIN workshops_registration r ON r.workshop_id = w.id
            GROUP BY w.id ORDER BY w.slug
            """
        ).fetchall()
    by_slug = {
        slug: {"capacity": cap, "held": held, "recount": rec, "waitlisted": wl, "registrations": n}
        for slug, cap, held, rec, wl, n in rows
    }
    overbooked = [s for s, v in by_slug.items() if v["held"] > v["capacity"] or v["recount"] > v["capacity"]]
    drift = [s for s, v in by_slug.items() if v["held"] != v["recount"]]
    spread = [v for s, v in by_slug.items() if s.startswith("spread-")]
    return {
        "rush": by_slug.get(RUSH_SLUG),
        "contended": by_slug.get(CONTENDED_SLUG),
        "spread_held": sum(v["held"] for v in spread),
        "spread_capacity": sum(v["capacity"] for v in spread),
        "overbooked": overbooked,
        "drift": drift,
    }


def _purge_broker() -> None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        return
    try:
        import redis

        client = redis.Redis.from_url(redis_url)
        for queue in ("mail", "default", "reports"):
            client.delete(queue)
    except Exception as exc:  # the bench result does not depend on it
        print(f"(could not purge the broker queues: {exc})")


def main() -> list[dict]:
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        print("registration_rush: skipped — needs DATABASE_URL=postgres://… (a <name>_bench database is created)")
        return []
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    # cores + 1 sync workers measured best on 2 cores (3: 208 reg/s, 4: 203/s, 5: 198/s in quiet moments)
    workers = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 1) + 1)))
    name = base_url.rsplit("/", 1)[-1].split("?")[0] + "_bench"
    database_url = _recreate_database(base_url, name)
    env = _env(database_url)
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True
        )
        subprocess.run([sys.executable, "-m", "bench.registration_rush", "seed"], cwd=BASE_DIR, env=env, check=True)
        server_env = {key: env[key] for key in ("REGISTRATION_RATE_LIMIT", "PYTHONPATH")}
        server_env["WORKSHOPS_PENDING_HOLD_SHARE"] = str(PENDING_HOLD_SHARE)
        server_env["PAGE_CACHE_ENABLED"] = "true" if PAGE_CACHE else "false"
        if "CONN_HEALTH_CHECKS" in os.environ:
            server_env["CONN_HEALTH_CHECKS"] = os.environ["CONN_HEALTH_CHECKS"]
        load_before = os.getloadavg()[0]
        pressure_before = cpu_pressure()
        with Gunicorn(database_url=database_url, workers=workers, env=server_env) as server:
            results, cpu = _run_phases(server, database_url, name, seconds)
            peak_mb = server.peak_memory_mb()
            seats = _check_seats(database_url)
    finally:
        _purge_broker()
        if os.environ.get("BENCH_KEEP_DB") != "1":
            _drop_database(base_url, name)
    load = (load_before, os.getloadavg()[0], pressure_before, cpu_pressure())
    return _report(results, seats, cpu=cpu, peak_mb=peak_mb, workers=workers, seconds=seconds, load=load)


def _run_phases(server: Gunicorn, database_url: str, database: str, seconds: int) -> tuple[dict, dict]:
    """Run every phase; returns the pooled load results and the CPU seconds used per phase by the app
    (gunicorn), the database backends and the load generator — figures that background load on a shared
    machine distorts much less than rates."""
    url = server.url
    detail_path = f"/werkstaetten/{RUSH_SLUG}/"
    results: dict[str, LoadResult] = {}
    # warm-up: every worker has rendered every page once
    wrk(name="warmup", url=url + detail_path, seconds=2, connections=8)
    wrk(name="warmup", url=url + "/werkstaetten/", seconds=2, connections=8)
    phases = [
        # (name, url, path expression of registration POSTs or "" for GET)
        ("healthz", url + "/healthz", ""),
        ("detail", url + detail_path, ""),
        ("list", url + "/werkstaetten/", ""),
        ("api_list", url + "/api/v1/workshops/", ""),
        ("api_detail", url + f"/api/v1/workshops/{RUSH_SLUG}/", ""),
        ("rush", url, "rush"),
        ("spread", url, "spread"),
    ]
    registering = {"rush", "spread"}
    # Phases run in BENCH_ROUNDS rounds (default 2), so drifting background load on the machine biases the
    # ratios less; each phase's figures are pooled over its rounds.
    rounds = int(os.environ.get("BENCH_ROUNDS", "2"))
    per_round = max(seconds // rounds, 2)
    # Every request carries its own stamp and e-mail address (a repeated address would be a duplicate, a
    # repeated stamp is refused): prepared before the load starts, for up to 2,000 registrations/s.
    workdir = Path(tempfile.mkdtemp(prefix="bench-rush-"))
    prefixes = {}
    spec = []
    for round_no in range(rounds):
        for name in sorted(registering):
            prefix = str(workdir / f"{name}-{round_no}")
            prefixes[(name, round_no)] = prefix
            spec.append(
                {
                    "phase": name,
                    "prefix": prefix,
                    "run_id": uuid.uuid4().hex[:8],
                    "threads": WRK_THREADS,
                    "per_thread": per_round * 1000,
                }
            )
    (workdir / "spec.json").write_text(json.dumps(spec))
    subprocess.run(
        [sys.executable, "-m", "bench.registration_rush", "requests", str(workdir / "spec.json")],
        cwd=BASE_DIR,
        env=_env(database_url),
        check=True,
    )
    collected: dict[str, list[LoadResult]] = {name: [] for name, _t, _l in phases}
    cpu: dict[str, dict[str, float]] = {}
    for round_no in range(rounds):
        for name, target, _kind in phases:
            script = _registration_lua(prefixes[(name, round_no)]) if name in registering else ""
            app_before, db_before = server.cpu_seconds(), postgres_cpu_seconds(database_url, database)
            run = wrk(
                name=name, url=target, lua=script, seconds=per_round, connections=CONNECTIONS, threads=WRK_THREADS
            )
            app_after, db_after = server.cpu_seconds(), postgres_cpu_seconds(database_url, database)
            totals = cpu.setdefault(name, {"app": 0.0, "db": 0.0, "client": 0.0})
            totals["app"] += app_after - app_before
            totals["db"] += max(db_after - db_before, 0.0)
            totals["client"] += run.cpu_client_s
            collected[name].append(run)
            time.sleep(0.5)
    for name, runs in collected.items():
        results[name] = LoadResult(
            name=name,
            requests=sum(r.requests for r in runs),
            seconds=sum(r.seconds for r in runs),
            p50_ms=sum(r.p50_ms for r in runs) / len(runs),
            p95_ms=max(r.p95_ms for r in runs),
            p99_ms=max(r.p99_ms for r in runs),
            errors=sum(r.errors for r in runs),
        )
    shutil.rmtree(workdir, ignore_errors=True)
    results["contended"] = _contended(url)
    return results, cpu


def _contended(url: str) -> LoadResult:
    """150 registrations from 32 threads for a workshop with 100 seats: exactly its cap of unconfirmed holds
    (CONTENDED_HELD) must end up held; the others are pending without a hold."""
    import json
    import urllib.error
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    run_id = uuid.uuid4().hex[:8]
    target = f"{url}/api/v1/workshops/{CONTENDED_SLUG}/registrations/"
    count = CONTENDED_CAPACITY * 3 // 2
    # Each client gets its stamp from the API first and waits for the time trap, as a real client does.
    with urllib.request.urlopen(f"{url}/api/v1/workshops/{CONTENDED_SLUG}/registration-stamp/", timeout=30) as answer:
        first = json.loads(answer.read())
    stamps = [first["stamp"]]
    for _n in range(count - 1):
        with urllib.request.urlopen(
            f"{url}/api/v1/workshops/{CONTENDED_SLUG}/registration-stamp/", timeout=30
        ) as answer:
            stamps.append(json.loads(answer.read())["stamp"])
    not_before = datetime.fromisoformat(first["not_before"].replace("Z", "+00:00"))
    time.sleep(max((not_before - datetime.now(UTC)).total_seconds(), 0) + 1)

    def register(n: int) -> tuple[int, float]:
        body = json.dumps(
            {"name": f"C {n}", "email": f"c{run_id}-{n}@example.org", "privacy_consent": True, "stamp": stamps[n]}
        )
        request = urllib.request.Request(
            target, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
                return response.status, time.monotonic() - started
        except urllib.error.HTTPError as error:
            return error.code, time.monotonic() - started

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        answers = list(pool.map(register, range(count)))
    elapsed = time.monotonic() - started
    latencies = sorted(seconds * 1000 for _code, seconds in answers)
    return LoadResult(
        name="contended",
        requests=len(answers),
        seconds=elapsed,
        p50_ms=latencies[len(latencies) // 2],
        p95_ms=latencies[int(len(latencies) * 0.95) - 1],
        p99_ms=latencies[int(len(latencies) * 0.99) - 1],
        errors=sum(1 for code, _s in answers if code != 201),
    )


def _report(
    results: dict[str, LoadResult],
    seats: dict,
    *,
    cpu: dict,
    peak_mb: float,
    workers: int,
    seconds: int,
    load: tuple,
) -> list[dict]:
    healthz = results["healthz"].rate or 1
    rows = [
        [r.name, f"{r.rate:,.0f}", f"{r.p50_ms:.1f}", f"{r.p95_ms:.1f}", f"{r.p99_ms:.1f}", r.errors, r.requests]
        for r in results.values()
    ]
    print()
    print(
        f"registration_rush — {workers} gunicorn sync workers, {CONNECTIONS} clients, {seconds} s per phase"
        + PAGE_CACHE_NOTE
    )
    print("(p50: mean over rounds; p95/p99: worst round)")
    print_table(rows, ["phase", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "requests"])
    cores = os.cpu_count() or 1
    cpu_rows, cpu_ms = [], {}
    for name, used in cpu.items():
        requests = max(results[name].requests, 1)
        per = {part: used[part] * 1000 / requests for part in ("app", "db", "client")}
        cpu_ms[name] = {**{k: round(v, 2) for k, v in per.items()}, "cpu_bound_rate": cores * 1000 / sum(per.values())}
        cpu_rows.append(
            [
                name,
                f"{per['app']:.2f}",
                f"{per['db']:.2f}",
                f"{per['client']:.2f}",
                f"{cpu_ms[name]['cpu_bound_rate']:,.0f}",
            ]
        )
    print()
    print(
        f"CPU per request (ms) and the rate {cores} idle cores could sustain at that cost (app + db + load generator):"
    )
    print_table(cpu_rows, ["phase", "app", "db", "wrk", "cpu-bound req/s"])
    rush, spread = results["rush"], results["spread"]
    ratios = {
        "rush_vs_spread": rush.rate / (spread.rate or 1),
        "detail_vs_healthz": results["detail"].rate / healthz,
        "list_vs_healthz": results["list"].rate / healthz,
        "api_list_vs_healthz": results["api_list"].rate / healthz,
        "rush_vs_healthz": rush.rate / healthz,
    }
    errors = sum(r.errors for r in results.values())
    rush_seats, contended_seats = seats["rush"], seats["contended"]
    print()
    print(
        f"seats: rush held {rush_seats['held']:,} of {rush_seats['capacity']:,} (recount {rush_seats['recount']:,}); "
        f"spread held {seats['spread_held']:,} of {seats['spread_capacity']:,}; "
        f"contended held {contended_seats['held']} of {contended_seats['capacity']} (cap {CONTENDED_HELD}) "
        f"(recount {contended_seats['recount']}, waitlisted {contended_seats['waitlisted']})"
    )
    print(
        f"registrations stored vs 2xx answers: rush {rush_seats['registrations']:,} / {rush.requests:,}, "
        f"spread {seats['spread_held']:,} / {spread.requests:,} (in-flight requests at a phase's end are stored "
        "but not counted by wrk)"
    )
    print(f"overbooked workshops: {len(seats['overbooked'])}; counter drift: {len(seats['drift'])}")
    print("ratios: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
    print(f"gunicorn peak memory (master + workers, sum of VmHWM): {peak_mb:.0f} MiB")
    print(
        f"machine load average (1 min) before / after: {load[0]:.1f} / {load[1]:.1f}; "
        f"CPU pressure (PSI some avg60, % of time runnable tasks waited) before / after: {load[2]} / {load[3]}"
    )
    checks = {
        f"rush >= {TARGETS['rush_rate']:.0f}/s": rush.rate >= TARGETS["rush_rate"],
        f"rush >= {TARGETS['rush_vs_spread']}x spread": ratios["rush_vs_spread"] >= TARGETS["rush_vs_spread"],
        f"p95 < {TARGETS['p95_ms']:.0f} ms (rush, spread)": max(rush.p95_ms, spread.p95_ms) < TARGETS["p95_ms"],
        "0 errors": errors == 0,
        "0 overbooking, counter == recount": not seats["overbooked"] and not seats["drift"],
        f"contended workshop holds exactly its cap of unconfirmed seats ({CONTENDED_HELD})": contended_seats["held"]
        == CONTENDED_HELD,
        f"detail >= {TARGETS['detail_vs_healthz']}x healthz": ratios["detail_vs_healthz"]
        >= TARGETS["detail_vs_healthz"],
        f"list >= {TARGETS['list_vs_healthz']}x healthz": ratios["list_vs_healthz"] >= TARGETS["list_vs_healthz"],
        f"API list >= {TARGETS['api_list_vs_healthz']}x healthz": ratios["api_list_vs_healthz"]
        >= TARGETS["api_list_vs_healthz"],
    }
    print("targets: " + "; ".join(f"{name}: {'ok' if ok else 'MISSED'}" for name, ok in checks.items()))
    record = {
        "benchmark": "registration_rush",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "workers": workers,
        "connections": CONNECTIONS,
        "seconds": seconds,
        "phases": {
            name: {
                "rate": round(r.rate, 1),
                "p50_ms": r.p50_ms,
                "p95_ms": r.p95_ms,
                "p99_ms": r.p99_ms,
                "errors": r.errors,
                "requests": r.requests,
            }
            for name, r in results.items()
        },
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        "cpu_ms_per_request": cpu_ms,
        "seats": seats,
        "peak_memory_mb": round(peak_mb),
        "load_average_before_after": [round(v, 2) for v in load[:2]],
        "cpu_pressure_avg60_before_after": list(load[2:]),
        "targets": checks,
    }
    out = BASE_DIR / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "registration_rush.json").write_text(json.dumps(record, indent=2, default=str))
    return _summary(results, ratios, seats=seats, errors=errors)


def _summary(results: dict[str, LoadResult], ratios: dict[str, float], *, seats: dict, errors: int) -> list[dict]:
    """Rows of `make bench`'s table: every rate, and each target with ok/MISSED."""
    bench = "registration_rush"
    rows: list[dict] = [
        {"benchmark": bench, "metric": f"{name} req/s (p95 {r.p95_ms:.0f} ms)", "value": f"{r.rate:,.0f}"}
        for name, r in results.items()
    ]
    rush, spread = results["rush"], results["spread"]
    p95 = max(rush.p95_ms, spread.p95_ms)
    rows += [
        {
            "benchmark": bench,
            "metric": "rush registrations/s",
            "value": f"{rush.rate:,.0f}",
            "target": f"≥ {TARGETS['rush_rate']:.0f}",
            "ok": rush.rate >= TARGETS["rush_rate"],
        },
        {
            "benchmark": bench,
            "metric": "rush ÷ spread",
            "value": f"{ratios['rush_vs_spread']:.2f}",
            "target": f"≥ {TARGETS['rush_vs_spread']}",
            "ok": ratios["rush_vs_spread"] >= TARGETS["rush_vs_spread"],
        },
        {
            "benchmark": bench,
            "metric": "p95 of registrations (rush, spread)",
            "value": f"{p95:.0f} ms",
            "target": f"< {TARGETS['p95_ms']:.0f} ms",
            "ok": p95 < TARGETS["p95_ms"],
        },
        {
            "benchmark": bench,
            "metric": "errors; overbooked workshops; counter drift",
            "value": f"{errors}; {len(seats['overbooked'])}; {len(seats['drift'])}",
            "target": "0; 0; 0",
            "ok": errors == 0 and not seats["overbooked"] and not seats["drift"],
        },
    ]
    for key, label in (
        ("detail_vs_healthz", "detail page"),
        ("list_vs_healthz", "list page"),
        ("api_list_vs_healthz", "API list"),
    ):
        rows.append(
            {
                "benchmark": bench,
                "metric": f"{label} ÷ /healthz throughput{PAGE_CACHE_NOTE}",
                "value": f"{ratios[key]:.3f}",
                "target": f"≥ {TARGETS[key]}",
                "ok": ratios[key] >= TARGETS[key],
            }
        )
    return rows


if __name__ == "__main__":
    if sys.argv[1:] == ["seed"]:
        seed()
    elif sys.argv[1:2] == ["requests"]:
        write_requests(sys.argv[2])
    else:
        main()
