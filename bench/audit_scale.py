"""A whole audit against the cost of loading its pages (``make bench-audit``).

    .venv/bin/python bench/audit_scale.py [--sizes 400,2000] [--concurrency 4]
                                          [--only raw,audit,...] [--json FILE]

Serves bench/shop.py's shop (JS-rendered offer pages) on 127.0.0.1 and, for each size N,
runs in a fresh subprocess each of:

* ``raw`` — run before and after the audits, the mean of both: the raw Playwright loop
  loading the same 2 × N pages (the N pages as a desktop
  and as an "iPhone 13" context), ``wait_until="load"``, reading each page's price: what
  loading the pages costs on this machine;
* ``audit`` — the whole audit with the settings a user gets by default (``wait: stable``,
  screenshots and the second pass on, ``evidence.confirm: gating``): two web channels
  (desktop and "iPhone 13") over the N pages, an N-offer catalogue, capture, matching,
  checks, the second pass, the four reports and the SQLite store — timed by stage;
* ``audit-networkidle`` and ``audit-confirm-all`` (only with ``--only``): the same audit
  with ``wait: networkidle`` / ``evidence.confirm: all``, what the defaults were before.

Peak memory is the PSS of the subprocess's whole tree (Python, the driver, every Chromium
process), sampled every 50 ms. Every page carries a monthly price and no VAT statement, so
each audit has 2 × N ``vat_statement_missing`` warnings and nothing that gates: the
situation where re-visiting every page behind a finding cost most. Figures: bench/README.md
("Whole audit").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from capture_speed import ARGS, CHROMIUM, run_sampled  # noqa: E402
from shop import price_of, serve  # noqa: E402

CASES = ("raw", "audit")
EXTRA = ("audit-networkidle", "audit-confirm-all")


def _urls(base: str, pages: int) -> list[str]:
    return [f"{base}/js/{i}" for i in range(pages)]


async def _raw(urls: list[str], concurrency: int) -> dict[str, Any]:
    """Load every URL in a desktop and a phone context, reading the price: the baseline."""
    from playwright.async_api import async_playwright

    ok = 0
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        async def worker(context: Any, queue: list[str]) -> None:
            nonlocal ok
            page = await context.new_page()
            while queue:
                url = queue.pop()
                await page.goto(url, wait_until="load")
                text = await page.text_content("#price") or ""
                ok += price_of(int(url.rsplit("/", 1)[1])) in text

        for options in ({}, dict(p.devices["iPhone 13"])):
            context = await browser.new_context(**options)
            queue = list(reversed(urls))
            await asyncio.gather(*(worker(context, queue) for _ in range(concurrency)))
            await context.close()
        await browser.close()
    return {"pages": 2 * len(urls), "right": ok}


def _config(urls: list[str], concurrency: int, variant: str) -> Any:
    from auditor.config import AuditConfig

    channel = {"kind": "web", "start_urls": urls, "max_pages": len(urls), "max_depth": 0,
               "concurrency": concurrency, "max_failures": len(urls)}
    if variant == "audit-networkidle":
        channel["wait"] = "networkidle"
    doc: dict[str, Any] = {
        "name": "bench-audit",
        "channels": {"desktop": dict(channel), "mobile": dict(channel, device="iPhone 13")},
        "subjects": [{"id": f"offer-{i}", "name": f"Liittymä {i}",
                      "sku": [f"offer-{i}"]} for i in range(len(urls))],
        "fail_on": "high",
    }
    if variant == "audit-confirm-all":
        doc["evidence"] = {"confirm": "all"}
    return AuditConfig.model_validate(doc)


def _audit(urls: list[str], concurrency: int, variant: str) -> dict[str, Any]:
    """The whole audit, stage by stage, as ``pipeline.execute`` and ``omniaudit run`` do."""
    import dataclasses

    from auditor.browser import BrowserChoice
    from auditor.model import Run
    from auditor.pipeline import (
        capture_channels,
        check_run,
        confirm_findings,
        new_run_id,
    )
    from auditor.store import Store
    from reports import write_reports

    config = _config(urls, concurrency, variant)
    out = Path(tempfile.mkdtemp(prefix="omniaudit-bench-audit-"))
    choice = BrowserChoice(CHROMIUM, "bench")
    stages: dict[str, float] = {}
    t = time.perf_counter()
    results = capture_channels(config, out, browser=choice)
    stages["capture"] = time.perf_counter() - t
    observations = tuple(o for r in results.values() for o in r.observations)
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    run = Run(new_run_id(), config.name, None, started, started, results, observations, ())
    store = Store(out / "store.sqlite")
    t = time.perf_counter()
    run = check_run(run, config, previous=None, seen=None)
    stages["checks"] = time.perf_counter() - t
    t = time.perf_counter()
    run = confirm_findings(run, config, out, browser=choice, fail_on=config.fail_on_severity())
    stages["second pass"] = time.perf_counter() - t
    t = time.perf_counter()
    write_reports(run, out, fail_on=config.fail_on_severity())
    stages["reports"] = time.perf_counter() - t
    t = time.perf_counter()
    store.save(dataclasses.replace(run, finished_at=started))
    stages["store"] = time.perf_counter() - t
    pages = sum(r.pages_ok for r in results.values())
    revisited = sum(1 for f in run.findings if f.confirmed is not None)
    return {"pages": pages, "observations": len(run.observations),
            "findings": len(run.findings), "revisited_findings": revisited, "stages": stages}


def _worker(case: str, base: str, pages: int, concurrency: int) -> None:
    urls = _urls(base, pages)
    start = time.perf_counter()
    if case == "raw":
        result = asyncio.run(_raw(urls, concurrency))
    else:
        result = _audit(urls, concurrency, case)
    result["seconds"] = time.perf_counter() - start
    print(json.dumps(result))


def measure(case: str, base: str, pages: int, concurrency: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", case, "--url", base, "--pages", str(pages),
           "--concurrency", str(concurrency)]
    code, out, err, peak = run_sampled(cmd, timeout=600 + pages * 6,
                                       env={**os.environ, "OMNIAUDIT_CHROMIUM": CHROMIUM})
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    if code != 0 or not lines:
        return {"case": case, "size": pages, "error": (err.strip().splitlines()
                                                       or ["no output"])[-1][:300]}
    result = json.loads(lines[-1])
    result.update(case=case, size=pages, peak_pss_mb=round(peak / 1024))
    return result


def table(results: list[dict[str, Any]]) -> str:
    rows = ["| pages per channel | case | wall time | × raw | ms per page | peak PSS | "
            "capture | checks | second pass | reports | store | findings re-visited |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    raw = {r["size"]: r["seconds"] for r in results if r.get("case") == "raw" and "error" not in r}
    for r in results:
        if "error" in r:
            rows.append(f"| {r['size']} | {r['case']} | error: {r['error']} |")
            continue
        st = r.get("stages", {})
        ratio = f"{r['seconds'] / raw[r['size']]:.2f}" if r["size"] in raw else "-"
        rows.append(
            f"| {r['size']:,} | {r['case']} | {r['seconds']:.1f} s | {ratio} | "
            f"{1000 * r['seconds'] / max(1, r['pages']):.0f} | {r['peak_pss_mb']} MB | "
            + " | ".join(f"{st[k]:.1f} s" if k in st else "-" for k in
                         ("capture", "checks", "second pass", "reports", "store"))
            + f" | {r.get('revisited_findings', '-')} of {r.get('findings', '-')} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="400,2000")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--only", help="comma-separated cases: " + ", ".join(CASES + EXTRA))
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--single-raw", action="store_true",
                        help="run the raw loop once per size, not before and after the audits")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.url, args.pages, args.concurrency)
        return 0
    cases = args.only.split(",") if args.only else list(CASES)
    results: list[dict[str, Any]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        base, server = serve(size)
        try:
            for case in cases:
                r = measure(case, base, size, args.concurrency)
                results.append(r)
                print(json.dumps(r), file=sys.stderr, flush=True)
            if "raw" in cases and len(cases) > 1 and not args.single_raw:
                # The raw loop again after the audits, and the mean of both: on a shared
                # machine the load drifts during a long run, and bracketing the audits
                # keeps their ratio to the raw loop honest.
                again = measure("raw", base, size, args.concurrency)
                print(json.dumps(again), file=sys.stderr, flush=True)
                first = next(r for r in results if r["size"] == size and r["case"] == "raw")
                if "error" not in first and "error" not in again:
                    first["runs"] = [first["seconds"], again["seconds"]]
                    first["seconds"] = (first["seconds"] + again["seconds"]) / 2
        finally:
            server.terminate()
    print(table(results))
    audits = {r["size"]: r for r in results if r.get("case") == "audit" and "error" not in r}
    raws = {r["size"]: r for r in results if r.get("case") == "raw" and "error" not in r}
    for size, a in audits.items():
        if size in raws:
            print(f"audit/raw at {size}: {a['seconds'] / raws[size]['seconds']:.2f} "
                  "(target ≤ 1.5)")
    if len(audits) >= 2:
        sizes = sorted(audits)
        per = [audits[s]["seconds"] / audits[s]["pages"] for s in sizes]
        print(f"cost per page {sizes[-1]}/{sizes[0]}: {per[-1] / per[0]:.2f} (target ≤ 1.2)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
