"""`make bench`: run every bench/*.py module that has a main() and print one summary table.

Each main() prints its own detailed table and returns rows {"benchmark", "metric", "value"}."""

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
        rows += [[r["benchmark"], r["metric"], r["value"]] for r in result]
        print(f"({path.stem} took {time.monotonic() - started:.0f} s)")
    print("\n=== summary ===")
    print_table(rows, ["benchmark", "metric", "value"])
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
