"""Report at scale: 10,000 findings and 2,000 screenshots.

Measures, in one run and side by side with a 100-finding baseline built the same way:
the time to write all four reports, report.html's size, and in the real Chromium the time
to first contentful paint (Performance API), to the load event, and for a filter change to
apply and paint. Target (issue 5): the first screen under 2 s at 10,000 findings.

    make bench-report            # or: .venv/bin/python bench/report_scale.py [--findings N]

Figures are measured, never asserted; bench/README.md records them with the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.model import (  # noqa: E402
    ChannelResult,
    Evidence,
    Finding,
    Observation,
    Run,
    Severity,
    Shown,
    fingerprint,
    observation_id,
)

CHANNELS = ("desktop", "mobile", "chat")
CHECKS = ("price_mismatch", "hidden_fee", "campaign_missing", "contract_mismatch", "logo_drift")


def make_screenshots(out_dir: Path, count: int, seed: int = 5) -> list[str]:
    """``count`` distinct element crops (PNG, 360×90, an outlined price box) via Pillow."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    ev = out_dir / "evidence"
    ev.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        img = Image.new("RGB", (360, 90), (250, 250, 250))
        d = ImageDraw.Draw(img)
        d.rectangle((4, 4, 355, 85), outline=(220, 38, 38), width=3)
        d.text((16, 20), f"Offer {i}", fill=(31, 41, 51))
        d.text((16, 48), f"{rng.randint(10, 99)},{rng.randint(0, 99):02d} EUR/kk", fill=(0, 0, 0))
        for _ in range(20):  # some texture so the PNGs are not trivially small
            x, y = rng.randint(200, 350), rng.randint(10, 80)
            d.point((x, y), fill=(rng.randint(0, 255),) * 3)
        data_name = f"evidence/{i:05d}.png"
        img.save(out_dir / data_name, optimize=False)
        paths.append(data_name)
    return paths


def make_run(n_findings: int, shots: list[str], seed: int = 7) -> Run:
    """A run with ``n_findings`` findings over ``n_findings // 5`` offers, 2 observations each."""
    rng = random.Random(seed)
    subjects = [f"offer-{i:04d}" for i in range(max(1, n_findings // 5))]
    observations: list[Observation] = []
    findings: list[Finding] = []
    for i in range(n_findings):
        subject = subjects[i % len(subjects)]
        check = CHECKS[i % len(CHECKS)]
        attribute = f"monthly_price_{i % 7}" if check == "price_mismatch" else check
        pair = []
        for j, channel in enumerate(rng.sample(CHANNELS, 2)):
            value = Decimal(f"{rng.randint(10, 60)}.{rng.randint(0, 99):02d}")
            shot = shots[(2 * i + j) % len(shots)] if shots and channel != "chat" else None
            evidence = (Evidence(transcript=f"transcripts/c-{i}.json", line=3, speaker="agent")
                        if channel == "chat" else
                        Evidence(url=f"https://shop.example/{channel}/{subject}",
                                 selector=".price", viewport="1366x900", screenshot=shot))
            obs = Observation(
                id=observation_id(channel, "monthly_price", value, i, j), channel=channel,
                attribute="monthly_price", value=value,
                text=f"Kuukausihinta {value} €/kk, sopimus 24 kk. " * 3, evidence=evidence,
                subject=subject, currency="EUR", period="month",
                shown=Shown(visible=True, font_px=16.0, contrast=7.0, collapsed=False,
                            above_fold=bool(j)))
            observations.append(obs)
            pair.append(obs)
        findings.append(Finding(
            fingerprint=fingerprint(check, subject, attribute, str(i)), check=check,
            severity=Severity(i % 5), subject=subject, attribute=attribute,
            channels=tuple(o.channel for o in pair), observations=tuple(o.id for o in pair),
            message=f"The monthly price of {subject} differs: {pair[0].channel} says "
                    f"{pair[0].value} €, {pair[1].channel} says {pair[1].value} €.",
            values={o.channel: f"{o.value} €/kk" for o in pair},
            status=rng.choice(("new", "persisting", "persisting", "waived"))))
    by = {c: tuple(o for o in observations if o.channel == c) for c in CHANNELS}
    return Run(
        id="bench", config_name="bench", config_path=None,
        started_at="2026-11-23T06:00:00+00:00", finished_at="2026-11-23T06:20:00+00:00",
        channels={c: ChannelResult(c, "transcripts" if c == "chat" else "web", None, 100, 0, (),
                                   by[c]) for c in CHANNELS},
        observations=tuple(observations), findings=tuple(findings), subjects=tuple(subjects),
        subject_names={s: s.replace("-", " ").title() for s in subjects})


def history_rows(run: Run, n: int = 30) -> list[dict]:
    rng = random.Random(1)
    return [{"id": f"r{i}", "started_at": f"2026-10-{i % 28 + 1:02d}T06:00:00+00:00",
             "complete": True, "waived": 0,
             "by_severity": {s.label: rng.randint(0, len(run.findings) // 5) for s in Severity}}
            for i in range(n)]


def measure_browser(html: Path, chromium: str) -> dict[str, float]:
    """First contentful paint, load, and one filter change (until the next frame), in ms."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            t0 = time.perf_counter()
            page.goto(html.resolve().as_uri(), wait_until="load", timeout=300_000)
            load_wall = (time.perf_counter() - t0) * 1000
            fcp = page.evaluate(
                "(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
            page.wait_for_function("document.getElementById('filter-status')"
                                   ".textContent.length > 0", timeout=300_000)
            ready = page.evaluate("performance.now()")
            filt = page.evaluate("""() => new Promise(resolve => {
                const sel = document.getElementById('f-severity');
                const t = performance.now();
                sel.value = '4';
                sel.dispatchEvent(new Event('change', {bubbles: true}));
                requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t)));
            })""")
            search = page.evaluate("""() => new Promise(resolve => {
                const q = document.getElementById('f-search');
                const t = performance.now();
                q.value = 'offer-0044';
                q.dispatchEvent(new Event('input', {bubbles: true}));
                requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t)));
            })""")
            shown = page.locator("#filter-status").inner_text()
        finally:
            browser.close()
    return {"fcp_ms": fcp or float("nan"), "load_ms": load_wall, "filters_ready_ms": ready,
            "filter_ms": filt, "search_ms": search, "status": shown}


def bench(n_findings: int, n_shots: int, chromium: str | None,
          eager: bool = False) -> dict[str, object]:
    """One size; ``eager`` disables the large-report mode (everything embedded, as a small
    report is) to measure what the lazy mode saves."""
    import reports.html
    from reports import write_reports

    reports.html.LAZY_FINDINGS = 10**9 if eager else 500

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        shots = make_screenshots(out, n_shots)
        run = make_run(n_findings, shots)
        t0 = time.perf_counter()
        paths = write_reports(run, out, history=history_rows(run))
        write_s = time.perf_counter() - t0
        html = paths["html"]
        row: dict[str, object] = {
            "mode": "eager" if eager or n_findings <= 500 else "lazy",
            "findings": n_findings, "screenshots": n_shots, "write_s": round(write_s, 2),
            "html_mb": round(html.stat().st_size / 1e6, 1),
            "evidence_mb": round(sum(p.stat().st_size for p in (out / "evidence").iterdir())
                                 / 1e6, 1),
            "json_mb": round(paths["json"].stat().st_size / 1e6, 1),
            "sha": hashlib.sha256(html.read_bytes()).hexdigest()[:8],
        }
        if chromium:
            row.update({k: (round(v) if isinstance(v, float) else v)
                        for k, v in measure_browser(html, chromium).items()})
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--findings", type=int, default=10_000)
    ap.add_argument("--screenshots", type=int, default=2_000)
    ap.add_argument("--baseline-findings", type=int, default=100)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--eager", action="store_true",
                    help="also measure the big run without the large-report mode (slow)")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = ap.parse_args()
    chromium = None
    if not args.no_browser:
        from auditor.browser import resolve_browser

        chromium = resolve_browser().path
    rows = [bench(args.baseline_findings, args.baseline_findings // 5, chromium),
            bench(args.findings, args.screenshots, chromium)]
    if args.eager:
        rows.append(bench(args.findings, args.screenshots, chromium, eager=True))
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"# {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    keys = [k for k in rows[1] if k != "sha"]
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |")
    base, big = rows[:2]
    if "fcp_ms" in big and base.get("fcp_ms"):
        print(f"\nratio at {big['findings']} vs {base['findings']} findings: write "
              f"{big['write_s'] / max(base['write_s'], 0.01):.0f}x, first paint "
              f"{big['fcp_ms'] / max(base['fcp_ms'], 1):.1f}x, filter "
              f"{big['filter_ms'] / max(base['filter_ms'], 1):.1f}x")


if __name__ == "__main__":
    main()
