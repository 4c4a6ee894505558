"""Score whole audits of shops the extractor was never tuned on (``make bench-accuracy``).

Each folder beside this script is one multi-channel shop written blind — from a short brief
(its ``BRIEF.md``), by someone who had not read the extractor — with:

* ``site/`` — the desktop and mobile sites, served as-is by a plain HTTP server on 127.0.0.1;
* ``transcripts/`` — chat exports in the formats the brief named;
* ``audit.yaml`` — an Omniaudit config written from the README and ``docs/`` alone
  (its ``base_url`` is replaced by the server's address);
* ``answer.yaml`` — the answer key: the audit date, the seeded problems (check, subject,
  attribute, channels) and the offers that are consistent in every channel.

The shop is audited exactly as ``omniaudit run`` would (capture, matching, checks, second
pass), on the answer key's date, and scored per shop:

* **recall** — seeded problems reported: a finding about the problem's subject, with its
  check *or* its attribute, naming at least one of its channels;
* **on consistent offers** — findings about an offer the key lists as consistent (target 0);
* **gating false alarms** — findings that explain no seeded problem and would fail the run at
  the config's ``fail_on`` (target 0); other unexplained findings are listed too.

Run ``python bench/generalisation/score.py [SHOP ...]`` (``--json FILE`` to keep the figures,
``--out DIR`` to keep each shop's reports). It exits 1 when a shop misses a target (recall
≥ 90 %, nothing on consistent offers, no gating false alarm).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
RECALL_TARGET = 0.90


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving ``folder``; yields its base URL."""

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class ShopScore:
    """What one audit of one shop found, against its answer key."""

    shop: str
    problems: int = 0
    found: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    on_consistent: list[str] = field(default_factory=list)
    gating_false: list[str] = field(default_factory=list)
    other_unexplained: list[str] = field(default_factory=list)
    complete: bool = True
    channels: dict[str, str] = field(default_factory=dict)
    findings: int = 0

    @property
    def recall(self) -> float:
        return len(self.found) / self.problems if self.problems else 1.0

    def meets(self) -> bool:
        return (self.recall >= RECALL_TARGET and not self.on_consistent
                and not self.gating_false)

    def line(self) -> str:
        ok = "ok" if self.meets() else "BELOW TARGET"
        return (f"{self.shop:<16} recall {len(self.found):>2}/{self.problems:<2} "
                f"({self.recall:6.1%})  on consistent offers {len(self.on_consistent):>2}  "
                f"gating false alarms {len(self.gating_false):>2}  other unexplained "
                f"{len(self.other_unexplained):>2}  findings {self.findings:>3}  "
                f"{'complete' if self.complete else 'INCOMPLETE'}  {ok}")


def _explains(problem: dict[str, Any], f: Any) -> bool:
    """Whether finding ``f`` reports the seeded problem, or a duplicate the key accepts.

    A key may list under ``also`` the other findings its author named as the same seeded
    problem ("p7 causes price_mismatch thermostat price"), each with check/attribute,
    subject and channels like a problem.
    """
    return _reports(problem, f) or any(
        _reports({"subject": problem["subject"], **alt}, f) for alt in problem.get("also") or ())


def _reports(problem: dict[str, Any], f: Any) -> bool:
    if f.subject != problem["subject"]:
        return False
    if f.check != problem.get("check") and f.attribute != problem.get("attribute"):
        return False
    wanted = set(problem.get("channels") or ())
    return not wanted or bool(wanted & set(f.channels))


def _describe(f: Any) -> str:
    values = "; ".join(f"{c}: {v}" for c, v in f.values.items())
    return (f"{f.check} {f.severity.label} {f.subject} {f.attribute} [{', '.join(f.channels)}]"
            f" {values}"[:300])


def score_shop(folder: Path, *, out: Path | None = None, browser: Any = None) -> ShopScore:
    """Serve one shop, audit it with its own config on its answer key's date, score it."""
    from auditor.config import load_config
    from auditor.model import is_gating
    from auditor.pipeline import execute

    key = yaml.safe_load((folder / "answer.yaml").read_text(encoding="utf-8"))
    today = key.get("today")
    today = today if isinstance(today, date) else date.fromisoformat(str(today))
    config = load_config(folder / "audit.yaml")
    score = ShopScore(folder.name, problems=len(key.get("problems") or ()))
    with serve(folder / "site") as base, tempfile.TemporaryDirectory() as tmp:
        out_dir = (out / folder.name) if out else Path(tmp)
        run, _ = execute(config.with_base_url(base), out_dir, store=None, today=today,
                         browser=browser)
        if out:
            from reports import write_reports

            write_reports(run, out_dir)
    fail_on = config.fail_on_severity()
    problems = key.get("problems") or []
    consistent = set(key.get("consistent") or ())
    score.findings = len(run.findings)
    score.complete = run.complete
    score.channels = {n: f"{c.pages_ok} ok, {c.pages_failed} failed, "
                         f"{len(c.observations)} observations" for n, c in run.channels.items()}
    for p in problems:
        hit = next((f for f in run.findings if _explains(p, f)), None)
        label = f"{p.get('id', '?')} {p.get('check')} {p['subject']} {p.get('attribute')}"
        (score.found if hit else score.missed).append(
            label + (f" ← {hit.check} [{', '.join(hit.channels)}]" if hit else ""))
    for f in run.findings:
        if any(_explains(p, f) for p in problems):
            continue
        if f.subject in consistent:
            score.on_consistent.append(_describe(f))
        elif is_gating(f, fail_on):
            score.gating_false.append(_describe(f))
        else:
            score.other_unexplained.append(_describe(f))
    return score


def shops(names: Sequence[str] = ()) -> list[Path]:
    """The shop folders (those with an answer key), all or the named ones."""
    found = sorted(p for p in HERE.iterdir() if (p / "answer.yaml").is_file())
    if names:
        found = [p for p in found if p.name in names]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shop", nargs="*", help="shop folders to score (default: all)")
    parser.add_argument("--json", type=Path, help="write the scores as JSON to this file")
    parser.add_argument("--out", type=Path, help="keep each shop's reports under this folder")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list the problems found and the findings nobody expected")
    args = parser.parse_args(argv)
    from auditor.browser import resolve_browser

    browser = resolve_browser()
    scores = []
    code = 0
    for folder in shops(args.shop):
        s = score_shop(folder, out=args.out, browser=browser)
        scores.append(s)
        print(s.line())
        for name, stats in s.channels.items():
            print(f"    channel {name}: {stats}")
        for label, items in (("missed", s.missed), ("on a consistent offer", s.on_consistent),
                             ("gating false alarm", s.gating_false)) + (
                (("found", s.found), ("unexplained", s.other_unexplained))
                if args.verbose else ()):
            for item in items:
                print(f"    {label}: {item}")
        code |= 0 if s.meets() else 1
    if args.json:
        args.json.write_text(json.dumps([{**asdict(s), "recall": s.recall} for s in scores],
                                        indent=1, ensure_ascii=False), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
