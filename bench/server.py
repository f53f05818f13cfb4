"""Shared helpers of the benchmarks and the concurrency test: a gunicorn on loopback against PostgreSQL,
a throw-away bench database, and a wrk driver that reports requests/s, p50/p95 and errors.

Everything binds to 127.0.0.1 and stops by itself (bounded durations, processes terminated on exit)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
WRK = "/usr/bin/wrk"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """A postgres:// URL for Django's settings dict of a connection (e.g. the test database)."""
    password = settings_dict.get("PASSWORD") or ""
    auth = settings_dict["USER"] + (f":{password}" if password else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


class Gunicorn:
    """`with Gunicorn(database_url=..., workers=4) as server:` → server.url; stopped on exit."""

    def __init__(
        self,
        *,
        database_url: str,
        workers: int = 4,
        port: int | None = None,
        env: dict | None = None,
        settings: str = "bench.settings",
        threads: int = 1,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings,
            "DATABASE_URL": database_url,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.threads = threads
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - lives as long as the server object

    def __enter__(self) -> Gunicorn:
        command = [
            str(VENV_BIN / "gunicorn"),
            "hannover_beteiligung.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync" if self.threads == 1 else "gthread",
            "--threads",
            str(self.threads),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            "--chdir",
            str(BASE_DIR),
            # import the app once in the master, fork warm workers (no connection is opened at import)
            "--preload",
        ]
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.output())
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        # every worker imports the app lazily on its first request: warm them all
                        for _ in range(self.workers * 2):
                            urllib.request.urlopen(self.url + "/healthz", timeout=5).read()
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz in time:\n" + self.output())

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()[-5000:]

    def pids(self) -> list[int]:
        """The master and its workers."""
        if not self.process:
            return []
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            workers = [int(pid) for pid in children.read_text().split()]
        except OSError:
            workers = []
        return [self.process.pid, *workers]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by master and workers."""
        return sum(process_cpu_seconds(pid) for pid in self.pids())

    def peak_memory_mb(self) -> float:
        """Sum of the peak resident sizes (VmHWM) of master and workers, in MiB."""
        total_kb = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        total_kb += int(line.split()[1])
            except OSError:
                continue
        return total_kb / 1024

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def __exit__(self, *exc) -> None:
        self.stop()  # the log stays readable (output()) until the object is gone


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(database_url: str, database: str) -> float:
    """CPU time of the PostgreSQL backends serving `database` (same machine; read from /proc)."""
    import psycopg

    with psycopg.connect(with_database(database_url, "postgres"), autocommit=True) as connection:
        pids = [row[0] for row in connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [database])]
    return sum(process_cpu_seconds(pid) for pid in pids)


# --- wrk ----------------------------------------------------------------------------------------------------

WRK_REPORT = r"""
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write("WRKJSON " .. string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
"""


@dataclass
class LoadResult:
    name: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    cpu_client_s: float = 0.0  # CPU time of the load generator itself

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(
    *, name: str, url: str, lua: str = "", connections: int = 32, threads: int = 2, seconds: int = 10
) -> LoadResult:
    """Run wrk for a bounded time and parse the JSON line our done() hook prints."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua + "\n" + WRK_REPORT)
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        completed = subprocess.run(
            [
                WRK,
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
    finally:
        os.unlink(script.name)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(line.removeprefix("WRKJSON "))
    errors = data["connect"] + data["read"] + data["write"] + data["status"] + data["timeout"]
    return LoadResult(
        name=name,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
        cpu_client_s=client_cpu,
    )


def machine() -> dict:
    """nproc, CPU model and RAM of this machine (for docs/benchmarks.md)."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {"nproc": os.cpu_count() or 0, "cpu": cpu, "ram_gb": round(ram_gb, 1)}


def cpu_pressure() -> float | None:
    """Share of the last 60 s in which runnable tasks waited for a CPU (Linux PSI), in percent."""
    try:
        first = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return None
    return float(dict(part.split("=") for part in first.split()[1:])["avg60"])


def print_table(rows: list[list[str]], header: list[str]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=False)))
