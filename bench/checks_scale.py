"""How the whole check catalogue scales with the number of observations.

Generates synthetic runs of 10k, 100k and 1M observations over three channels (desktop,
mobile, chat) and up to 50k subjects, with about 1 % of subjects carrying a seeded problem,
and runs every registered check on each, in-process, through the real engine
(``checks.run_checks``). Each size runs in its own subprocess so that its peak memory
(``ru_maxrss``) is its own. Reported per size: seconds for the catalogue, µs per
observation, peak RSS, and the findings count (a sanity check that the checks did work).
The baseline is the 100k run of the same invocation: the 1M/100k time ratio should stay
below 12 (10 is linear).

    .venv/bin/python bench/checks_scale.py            # 10k, 100k, 1M
    .venv/bin/python bench/checks_scale.py 10000 100000
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (10_000, 100_000, 1_000_000)
TODAY = date(2026, 11, 23)


def generate(n: int):  # -> (observations, channels)
    """About ``n`` observations: per subject and channel a price, fees, terms, a campaign on
    every fifth subject, a VAT statement per page; branding per page; ~1 % problems."""
    from auditor.model import BRAND_SUBJECT, Evidence, Observation, Shown
    from checks import ChannelInfo

    channels = {"desktop": ChannelInfo("desktop", "web", "desktop", True, 1, 0),
                "mobile": ChannelInfo("mobile", "web", "iPhone 13", True, 1, 0),
                "chat": ChannelInfo("chat", "transcripts", None, True, 1, 0)}
    per_subject = 22  # observations one subject yields over the three channels (below)
    subjects = max(1, min(50_000, n // per_subject))
    plain = Shown(visible=True, font_px=16, contrast=12.0, collapsed=False, above_fold=True)
    hidden = Shown(visible=False, font_px=14, contrast=12.0, collapsed=True, above_fold=False)
    out: list[Observation] = []
    i = 0
    while len(out) < n:
        s = i % subjects
        rnd = i // subjects  # later rounds: the same subjects seen on more pages
        subject = f"offer-{s}"
        bad = s % 97 == 0  # ~1 % of subjects carry a problem
        for ch in ("desktop", "mobile", "chat"):
            web = ch != "chat"
            ev = (Evidence(url=f"https://shop.example/{ch}/{subject}/{rnd}") if web else
                  Evidence(transcript=f"chat-{s}-{rnd}.json", line=3))
            src = "text" if web else "transcript"
            price = Decimal("29.90") + (Decimal(s % 50))
            if bad and ch == "mobile":
                price += 3

            def add(attribute, value, shown=plain, source=src, ev=ev, ch=ch, subject=subject):
                out.append(Observation(id=f"o{len(out)}", channel=ch, subject=subject,
                                       attribute=attribute, value=value, text=str(value),
                                       evidence=ev, source=source, shown=shown))
            add("monthly_price", price)
            add("contract_months", Decimal(12 if not (bad and ch == "chat") else 24))
            if web or bad:
                add("activation_fee", Decimal("4.90"),
                    shown=hidden if bad and ch == "desktop" else plain)
            if web:
                add("vat_included", True)
            if s % 5 == 0 and web:
                add("promo_price", Decimal("0"))
                add("promo_months", Decimal(3))
                add("offer_ends", "2026-10-01" if bad else "2026-12-31")
                add("offer", "Kampanja")
            if web:
                add("logo", "ffd8a0c0e0f0f8fc" if not (bad and ch == "mobile")
                    else "0000ffffffff0000", source="page")
                add("color_primary", "#0050B4", source="page")
                add("font_family", "Inter", source="page")
                add("brand_name", "Nordtel")
        i += 1
    del out[n:]
    # Brand observations belong to the site-wide subject.
    brand_attrs = {"logo", "color_primary", "font_family", "brand_name"}
    import dataclasses
    out = [dataclasses.replace(o, subject=BRAND_SUBJECT) if o.attribute in brand_attrs else o
           for o in out]
    return out, channels, subjects


def measure(n: int) -> dict:
    """Generate and check one size in this process; returns the figures."""
    from checks import BrandInfo, active_checks, run_checks

    observations, channels, subjects = generate(n)
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    checks = active_checks({})
    start = time.perf_counter()
    findings = run_checks(observations, channels, checks=checks, today=TODAY,
                          brand=BrandInfo("Nordtel", colors=("#0050B4",)))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"observations": len(observations), "subjects": subjects, "checks": len(checks),
            "seconds": seconds, "us_per_obs": seconds / len(observations) * 1e6,
            "rss_after_generation_mb": rss_data / 1024, "peak_rss_mb": peak / 1024,
            "findings": len(findings)}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or list(SIZES)
    rows = []
    for n in sizes:
        proc = subprocess.run([sys.executable, __file__, "--one", str(n)], check=True,
                              capture_output=True, text=True)
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"{row['observations']:>9,} obs {row['subjects']:>6,} subjects "
              f"{row['checks']} checks: {row['seconds']:8.2f} s  {row['us_per_obs']:6.2f} µs/obs"
              f"  peak RSS {row['peak_rss_mb']:7.0f} MB"
              f" (data alone {row['rss_after_generation_mb']:.0f})"
              f"  {row['findings']} findings", flush=True)
    by_n = {r["observations"]: r for r in rows}
    if 100_000 in by_n and 1_000_000 in by_n:
        ratio = by_n[1_000_000]["seconds"] / by_n[100_000]["seconds"]
        print(f"time ratio 1M/100k: {ratio:.2f} (linear = 10, target < 12)")


if __name__ == "__main__":
    main(sys.argv[1:])
