"""The store and the reports stay linear in findings: 1,000 against 10,000.

    .venv/bin/python bench/store_scale.py [--sizes 1000,10000]

Builds report_scale.py's synthetic run (two observations per finding, no screenshots) at
each size and measures, in one process: writing the four reports, saving the run to a
fresh SQLite store, and the store's history queries a run start makes (``previous``,
``seen_before``, ``trend``) with 30 runs of that size already stored. The ratio to the first
size is printed for each (10 = linear for 1,000 → 10,000). Each step is timed twice: wall
clock and the process's CPU time. Linearity is judged on CPU time, which other processes on a
shared machine do not inflate (on a loaded 2-core machine wall time was 10× CPU time). Figures:
bench/README.md.
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


class _Timer:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> _Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def measure(n: int) -> dict[str, float]:
    run = make_run(n, [])
    out = Path(tempfile.mkdtemp(prefix="omniaudit-store-scale-"))
    with _Timer() as reports:
        write_reports(run, out)
    store = Store(out / "store.sqlite")
    with _Timer() as save:
        store.save(run)
    for i in range(29):  # a month of daily runs of the same config
        store.save(dataclasses.replace(run, id=f"{run.id}-{i}",
                                       started_at=f"2026-10-{i + 1:02d}T06:00:00+00:00"))
    with _Timer() as history:
        store.previous(run.config_name, "9999")
        store.seen_before(run.config_name, "9999")
        store.trend(run.config_name)
    return {"findings": n, "reports_s": reports.wall, "reports_cpu": reports.cpu,
            "save_s": save.wall, "save_cpu": save.cpu, "history_s": history.wall,
            "history_cpu": history.cpu}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    rows = [measure(int(s)) for s in args.sizes.split(",")]
    print("| findings | write reports (CPU / wall) | save run (CPU / wall) "
          "| history queries, 30 runs stored (CPU / wall) |")
    print("|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['findings']:,} | {r['reports_cpu']:.2f} s / {r['reports_s']:.2f} s "
              f"| {r['save_cpu']:.2f} s / {r['save_s']:.2f} s "
              f"| {r['history_cpu']:.2f} s / {r['history_s']:.2f} s |")
    first, last = rows[0], rows[-1]
    scale = last["findings"] / first["findings"]
    for key in ("reports", "save", "history"):
        print(f"{key}: CPU ×{last[key + '_cpu'] / first[key + '_cpu']:.1f}, "
              f"wall ×{last[key + '_s'] / first[key + '_s']:.1f} for ×{scale:.0f} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
