"""`make bench`: run every bench/*.py module that has a main() and print one summary table.

Each main() prints its own detailed table and returns rows {"benchmark", "metric", "value"} and, where the
figure has a target, "target" (its text) and "ok" (bool): the summary shows ok or MISSED next to it."""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from bench.server import machine, print_table  # noqa: E402

SKIP = {"__init__", "run", "server", "settings"}


def main() -> int:
    info = machine()
    print(f"machine: {info['nproc']} cores, {info['cpu']}, {info['ram_gb']} GB RAM")
    only = set(sys.argv[1:])
    rows, failed = [], []
    for path in sorted(BENCH_DIR.glob("*.py")):
        if path.stem in SKIP or (only and path.stem not in only):
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        if not hasattr(module, "main"):
            continue
        print(f"\n=== {path.stem} ===")
        started = time.monotonic()
        try:
            result = module.main() or []
        except Exception:
            traceback.print_exc()
            failed.append(path.stem)
            continue
        rows += [summary_row(r) for r in result]
        print(f"({path.stem} took {time.monotonic() - started:.0f} s)")
    print("\n=== summary ===")
    print_table(rows, ["benchmark", "metric", "value", "target", "result"])
    missed = sum(1 for row in rows if row[-1] == "MISSED")
    met = sum(1 for row in rows if row[-1] == "ok")
    print(f"targets: {met} ok, {missed} MISSED")
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


def summary_row(result: dict) -> list[str]:
    """benchmark, metric, value, target, ok/MISSED (or – when the figure has no target)."""
    verdict = "–" if result.get("ok") is None else ("ok" if result["ok"] else "MISSED")
    return [result["benchmark"], result["metric"], str(result["value"]), result.get("target", "–"), verdict]


if __name__ == "__main__":
    sys.exit(main())
