"""Extraction accuracy on the labelled corpus in ``tests/corpus/``: precision and recall.

Three categories, each scored as sets of expected vs. extracted facts:

* **money** — ``money.tsv``: every fact :func:`auditor.extract.text.extract_facts` reads
  from a string, as ``(attribute, value, period, from_price)``; ``offer`` (its value is the
  unit's own text) and ``speed`` are not scored.
* **transcripts** — ``transcripts/cases.yaml``: the company's claims in a chat, as
  ``(subject, attribute, value)`` after format detection, roles, masking and attribution
  (``offer`` and ``speed`` are not scored).
* **pages** — ``pages/*.html``: every page rendered by the real Chromium over a loopback
  HTTP server, read by ``page_script.js`` and :mod:`auditor.extract.page`, matched to the
  corpus catalogue, as ``(subject, attribute, value)``. One browser session for all pages.

A case is a true positive only when every part of the tuple is right: a fee with the wrong
subject is one false positive and one miss. Run ``make bench-accuracy`` (or
``python bench/accuracy.py [money|transcripts|pages]``); it exits 1 when a category misses
its target, so CI can run it too. The corpus tests in ``tests/auditor/extract/`` assert the
same targets.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
#: The day the corpus is read on: dates without a year resolve against it.
TODAY = date(2026, 5, 1)
#: (precision, recall) targets per category, from issue 3.
TARGETS: dict[str, tuple[float, float]] = {
    "money": (0.99, 0.97), "transcripts": (0.95, 0.90), "pages": (0.98, 0.95),
}
_UNSCORED_MONEY = frozenset({"offer", "speed"})
#: A chat's campaign talk is free text; its numbers (months, prices, end dates) are scored.
_UNSCORED_TRANSCRIPT = frozenset({"offer", "speed", "brand_name"})
_DEFAULT_PERIOD = {"monthly_price": "month", "promo_price": "month", "price": "once",
                   "list_price": "once",
                   "activation_fee": "once", "delivery_fee": "once", "cancellation_fee": "once"}

Fact = tuple[Any, ...]


@dataclass
class Score:
    """True positives, false positives and misses of one category, with the cases."""

    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    cases: int = 0
    #: One line per wrong case: what was expected, what was extracted.
    errors: list[str] = field(default_factory=list)

    def add(self, case: str, expected: Iterable[Fact], got: Iterable[Fact]) -> None:
        exp, found = set(expected), set(got)
        self.cases += 1
        self.tp += len(exp & found)
        self.fp += len(found - exp)
        self.fn += len(exp - found)
        if exp != found:
            self.errors.append(f"{case}: missed {sorted(exp - found, key=str)} "
                               f"extra {sorted(found - exp, key=str)}")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def meets(self, target: tuple[float, float]) -> bool:
        return self.precision >= target[0] and self.recall >= target[1]

    def line(self) -> str:
        p, r = TARGETS.get(self.name, (0.0, 0.0))
        ok = "ok" if self.meets((p, r)) else "BELOW TARGET"
        return (f"{self.name:<12} cases {self.cases:>4}  facts {self.tp + self.fn:>4}  "
                f"precision {self.precision:7.2%} (≥{p:.0%})  recall {self.recall:7.2%} "
                f"(≥{r:.0%})  {ok}")


def _value(attribute: str, raw: str) -> Any:
    """A labelled value in the form extractors produce (Decimal, bool, ISO date, text)."""
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    if attribute in ("offer_ends", "offer"):
        return raw
    try:
        return Decimal(raw)
    except InvalidOperation:
        return raw


def _canonical(value: Any) -> Any:
    """Values compared by meaning: 19.9 == 19.90, "0" == "0.00"."""
    if isinstance(value, Decimal):
        return value.normalize() if value else Decimal(0)
    return value


# --- money ------------------------------------------------------------------------------


def parse_expected_money(spec: str) -> set[Fact]:
    """``"monthly_price=19.90+from; activation_fee=0"`` → fact tuples."""
    out: set[Fact] = set()
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        attribute, _, rest = part.partition("=")
        from_price = rest.endswith("+from")
        rest = rest.removesuffix("+from")
        raw, at, period = rest.partition("@")
        attribute = attribute.strip()
        if not at:
            period = _DEFAULT_PERIOD.get(attribute) or ""
        out.add((attribute, _canonical(_value(attribute, raw.strip())), period or None,
                 from_price))
    return out


def money_rows(path: Path = CORPUS / "money.tsv") -> list[tuple[str, str, str]]:
    """``(lang, text, expected)`` rows of the money corpus."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if n == 0 or not line.strip():
            continue
        lang, text, expected = (line.split("\t") + ["", ""])[:3]
        rows.append((lang, text, expected))
    return rows


def score_money(rows: Sequence[tuple[str, str, str]] | None = None) -> Score:
    from auditor.extract.text import extract_facts

    score = Score("money")
    for lang, text, expected in rows if rows is not None else money_rows():
        got = {(f.attribute, _canonical(f.value), f.period, f.from_price)
               for f in extract_facts(text, today=TODAY) if f.attribute not in _UNSCORED_MONEY}
        # Non-money facts carry no period and no from-price.
        got = {(a, v, p if a in _DEFAULT_PERIOD else None, fp if a in _DEFAULT_PERIOD else False)
               for a, v, p, fp in got}
        score.add(f"[{lang}] {text!r}", parse_expected_money(expected), got)
    return score


# --- subjects ---------------------------------------------------------------------------


def corpus_subjects() -> list[Any]:
    from auditor.config import SubjectConfig

    data = yaml.safe_load((CORPUS / "subjects.yaml").read_text(encoding="utf-8"))
    return [SubjectConfig(**s) for s in data["subjects"]]


def _fact_key(subject: str | None, attribute: str, value: Any) -> Fact:
    return (subject, attribute, "yes" if attribute == "offer" else _canonical(value))


def _expected_triples(items: Iterable[Sequence[Any]]) -> set[Fact]:
    return {_fact_key(s, a, _value(a, str(v))) for s, a, v in items}


# --- transcripts ------------------------------------------------------------------------


def transcript_cases() -> list[dict[str, Any]]:
    return yaml.safe_load((CORPUS / "transcripts" / "cases.yaml").read_text(encoding="utf-8"))


def score_transcripts(cases: Sequence[dict[str, Any]] | None = None) -> Score:
    """Each case: its ``content`` written to a file with the case's extension, then read
    like a transcripts channel reads it (auto-detected format, masking, attribution)."""
    from auditor.capture.transcripts import load_transcript, observations_from_transcript
    from auditor.matching import Matcher

    matcher = Matcher(corpus_subjects())
    score = Score("transcripts")
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases if cases is not None else transcript_cases():
            path = Path(tmp) / f"{case['id']}.{case.get('ext', 'json')}"
            path.write_text(case["content"], encoding="utf-8")
            t = load_transcript(path, case.get("format", "auto"),
                                [case.get("company", "Valo"), *case.get("agents", [])])
            obs = matcher.match_observations(observations_from_transcript(
                t, channel="chat", source=path.name, today=TODAY))
            got = {_fact_key(o.subject, o.attribute, o.value) for o in obs
                   if o.attribute not in _UNSCORED_TRANSCRIPT}
            score.add(case["id"], _expected_triples(case.get("expected") or []), got)
    return score


# --- pages ------------------------------------------------------------------------------


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
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


def page_expectations() -> dict[str, dict[str, Any]]:
    return yaml.safe_load((CORPUS / "pages" / "expected.yaml").read_text(encoding="utf-8"))


async def _render_all(browser_path: str | None, base: str,
                      pages: dict[str, dict[str, Any]]) -> dict[str, tuple[dict, str]]:
    from playwright.async_api import async_playwright

    from auditor.browser import launch_args
    from auditor.capture.web import PAGE_SCRIPT

    out: dict[str, tuple[dict, str]] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=browser_path, args=launch_args([base]))
        gate = asyncio.Semaphore(8)  # pages are independent: render several at once

        async def render(name: str, spec: dict[str, Any]) -> None:
            device = spec.get("device", "desktop")
            opts: dict[str, Any] = ({"viewport": {"width": 1366, "height": 900}}
                                    if device == "desktop" else dict(p.devices[device]))
            opts.pop("default_browser_type", None)
            async with gate:
                context = await browser.new_context(**opts)
                try:
                    page = await context.new_page()
                    await page.goto(f"{base}/{name}", wait_until="load")
                    try:
                        await page.wait_for_load_state("networkidle", timeout=5000)
                    except Exception:  # noqa: BLE001 - a page that never idles is read as is
                        pass
                    data = await page.evaluate(PAGE_SCRIPT,
                                               {"selectors": spec.get("selectors") or {}})
                    out[name] = (data, await page.content())
                finally:
                    await context.close()

        try:
            await asyncio.gather(*(render(n, s) for n, s in pages.items()))
        finally:
            await browser.close()
    return out


def score_pages(browser_path: str | None = None) -> Score:
    """Render every corpus page in one Chromium and score the matched observations."""
    from auditor.browser import resolve_browser
    from auditor.extract.page import observations_from_page
    from auditor.matching import Matcher, UrlRule

    if browser_path is None:
        browser_path = resolve_browser().path
    expectations = page_expectations()
    subjects = corpus_subjects()
    score = Score("pages")
    with serve_folder(CORPUS / "pages") as base:
        rendered = asyncio.run(_render_all(browser_path, base, expectations))
        for name, spec in expectations.items():
            data, html = rendered[name]
            rules = [UrlRule.parse(r) for r in spec.get("url_map") or []]
            matcher = Matcher(subjects, url_rules=rules)
            pos = observations_from_page(data, html, channel=spec.get("channel", "desktop"),
                                         viewport="test", today=TODAY,
                                         selectors=spec.get("selectors") or {})
            matched = matcher.match_observations([po.observation for po in pos])
            # Chrome facts are channel-wide by decision: no offer's, and not unmatched.
            got = {_fact_key(o.subject, o.attribute, o.value) for o in matched
                   if o.attribute not in ("brand_name", "speed") and o.role != "chrome"}
            score.add(name, _expected_triples(spec.get("expected") or []), got)
    return score


# --- command ----------------------------------------------------------------------------


def main(argv: Sequence[str] = ()) -> int:
    """Print precision and recall per category; exit 1 when one misses its target."""
    wanted = list(argv) or ["money", "transcripts", "pages"]
    runners = {"money": score_money, "transcripts": score_transcripts, "pages": score_pages}
    code = 0
    for name in wanted:
        score = runners[name]()
        print(score.line())
        for e in score.errors:
            print(f"    {e}")
        if not score.meets(TARGETS[name]):
            code = 1
    return code


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
