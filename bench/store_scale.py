"""The store and the reports stay linear in findings: 1,000 against 10,000.

    .venv/bin/python bench/store_scale.py [--sizes 1000,10000]

Builds report_scale.py's synthetic run (two observations per finding, no screenshots) at
each size and measures, in one process: writing the four reports, saving the run to a
fresh SQLite store, and the store's history queries a run start makes (``previous``,
``seen_before``, ``trend``) with 30 runs of that size already stored. The ratio to the first
size is printed for each (10 = linear for 1,000 → 10,000). Figures: bench/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from report_scale import make_run  # noqa: E402

from auditor.store import Store  # noqa: E402
from reports import write_reports  # noqa: E402


def measure(n: int) -> dict[str, float]:
    run = make_run(n, [])
    out = Path(tempfile.mkdtemp(prefix="omniaudit-store-scale-"))
    t = time.perf_counter()
    write_reports(run, out)
    reports = time.perf_counter() - t
    store = Store(out / "store.sqlite")
    t = time.perf_counter()
    store.save(run)
    save = time.perf_counter() - t
    for i in range(29):  # a month of daily runs of the same config
        store.save(dataclasses.replace(run, id=f"{run.id}-{i}",
                                       started_at=f"2026-10-{i + 1:02d}T06:00:00+00:00"))
    t = time.perf_counter()
    store.previous(run.config_name, "9999")
    store.seen_before(run.config_name, "9999")
    store.trend(run.config_name)
    history = time.perf_counter() - t
    return {"findings": n, "reports_s": reports, "save_s": save, "history_s": history}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    rows = [measure(int(s)) for s in args.sizes.split(",")]
    print("| findings | write reports | save run | history queries (30 runs stored) |")
    print("|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['findings']:,} | {r['reports_s']:.2f} s | {r['save_s']:.2f} s | "
              f"{r['history_s']:.2f} s |")
    first, last = rows[0], rows[-1]
    scale = last["findings"] / first["findings"]
    for key in ("reports_s", "save_s", "history_s"):
        print(f"{key}: ×{last[key] / first[key]:.1f} for ×{scale:.0f} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
