"""Extraction on real material kept outside the repository: price strings and product pages.

The corpus in ``tests/corpus/`` was written by the team; these two sets were not, and are
not committed (their licences and sizes are their owners'). Point the script at copies:

* ``--price-strings FILE`` — a TSV with a header and the columns ``price_raw``, ``amount``
  (the expected amount, empty when the string states no price) and ``source`` (a source
  ending in ``:xfail`` marks a case its own project does not expect to pass). Each string was
  the text of an element a shop marked as its price, and is put alone on a page as such an
  element (``<span class="price">STRING</span>``) and read by the text path exactly as a page is
  read (``auditor.extract.units.page_data`` → ``observations_from_page``); the amount of the
  first price observation must equal the expected one, and a string with no expected amount
  must give none. price-parser on its own reads the same strings in the same run, as the
  baseline the text path is compared with.
* ``--real-pages DIR`` — saved product pages (``DIR/pages/*.html``) and ``DIR/labels.tsv``
  (columns ``file``, ``price``: the page's own current price). Every page is served from
  127.0.0.1 and rendered in the real Chromium (the network stays closed: resources from
  other hosts fail fast), read by ``page_script.js`` and ``observations_from_page``; the
  first ``price`` observation the page gives is its prediction. Scored as F1 with at most
  one prediction per page (precision over pages with a prediction, recall over labelled
  pages). A plain schema.org reader (extruct, the first Offer ``price``) is scored in the
  same run as the baseline.

``make bench-accuracy`` runs both when ``OMNIAUDIT_PRICE_STRINGS`` / ``OMNIAUDIT_REAL_PAGES``
name the copies; figures are in ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import html as html_lib
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TODAY = date(2026, 5, 1)
_PRICE_LIKE = ("price", "monthly_price", "promo_price")


def _decimal(raw: str) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw).normalize()
    except InvalidOperation:
        return None


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.normalize() == b.normalize()


@dataclass
class StringScore:
    cases: int = 0
    right: int = 0
    baseline_right: int = 0
    wrong: list[str] = field(default_factory=list)

    def line(self, label: str) -> str:
        return (f"price strings ({label}): {self.cases} strings; text path "
                f"{self.right / self.cases:.1%} right; price-parser alone "
                f"{self.baseline_right / self.cases:.1%}")


def score_price_strings(path: Path, *, include_xfail: bool = False) -> StringScore:
    """The text path and price-parser on every string of a price-strings TSV."""
    from price_parser import Price

    from auditor.extract.page import observations_from_page
    from auditor.extract.units import page_data

    score = StringScore()
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["source"].endswith(":xfail") and not include_xfail:
                continue
            raw = row["price_raw"]
            expected = _decimal(row["amount"])
            # Each string is the text of the element a shop marked as its price (price-parser's
            # examples were collected so): the page reproduces that element.
            page = (f"<!DOCTYPE html><html><body><span class=\"price\">{html_lib.escape(raw)}"
                    f"</span></body></html>")
            data = page_data(page, "http://127.0.0.1/p")
            obs = [po.observation for po in observations_from_page(
                data, page, channel="web", viewport="-", today=TODAY)]
            first = next((o for o in obs if o.attribute in _PRICE_LIKE), None)
            got = first.value.normalize() if first is not None else None
            score.cases += 1
            if _same(got, expected):
                score.right += 1
            else:
                score.wrong.append(f"{raw!r}: expected {expected}, got {got}")
            try:
                base = Price.fromstring(raw).amount
            except (ValueError, InvalidOperation, ArithmeticError, IndexError):
                base = None
            score.baseline_right += _same(base.normalize() if base is not None else None,
                                          expected)
    return score


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    class Handler(SimpleHTTPRequestHandler):
        # The copies are saved as UTF-8, some without the <meta charset> their <head> had:
        # the server says so, as the shop's server did.
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                          ".html": "text/html; charset=utf-8"}

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class PageScore:
    labelled: int = 0
    predicted: int = 0
    right: int = 0
    base_predicted: int = 0
    base_right: int = 0
    wrong: list[str] = field(default_factory=list)

    @staticmethod
    def f1(right: int, predicted: int, labelled: int) -> float:
        p = right / predicted if predicted else 0.0
        r = right / labelled if labelled else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (f"real product pages: {self.labelled} pages; first price observation F1 "
                f"{self.f1(self.right, self.predicted, self.labelled):.2f} "
                f"({self.right} right of {self.predicted} predicted); schema.org reader F1 "
                f"{self.f1(self.base_right, self.base_predicted, self.labelled):.2f}")


def _schema_price(html: str, url: str) -> Decimal | None:
    """A plain schema.org reader: the first Offer price extruct finds (the baseline)."""
    import extruct

    try:
        data = extruct.extract(html, base_url=url, syntaxes=["json-ld", "microdata", "rdfa"],
                               uniform=True, errors="ignore")
    except Exception:  # noqa: BLE001 - a broken page has no structured data
        return None

    def walk(item: Any) -> Iterator[Any]:
        if isinstance(item, list):
            for i in item:
                yield from walk(i)
        elif isinstance(item, dict):
            offers = item.get("offers")
            for offer in offers if isinstance(offers, list) else [offers]:
                if isinstance(offer, dict):
                    for key in ("price", "lowPrice"):
                        v = offer.get(key)
                        if v not in (None, ""):
                            yield v
            for v in item.values():
                if isinstance(v, list | dict):
                    yield from walk(v)

    for syntax in ("json-ld", "microdata", "rdfa"):
        for v in walk(data.get(syntax, [])):
            v = v[0] if isinstance(v, list) and v else v
            try:
                return Decimal(str(v).replace(",", ".").strip()).normalize()
            except InvalidOperation:
                continue
    return None


async def _render(browser_path: str | None, base: str, files: Sequence[str]
                  ) -> dict[str, tuple[dict[str, Any], str]]:
    from playwright.async_api import async_playwright

    from auditor.browser import launch_args
    from auditor.capture.web import PAGE_SCRIPT

    out: dict[str, tuple[dict[str, Any], str]] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=browser_path, args=launch_args([base]))
        context = await browser.new_context(viewport={"width": 1366, "height": 900},
                                            java_script_enabled=False)
        gate = asyncio.Semaphore(4)

        async def one(name: str) -> None:
            async with gate:
                page = await context.new_page()
                try:
                    await page.goto(f"{base}/pages/{name}", wait_until="load", timeout=30000)
                    data = await page.evaluate(PAGE_SCRIPT, {})
                    html = (Path(args_dir) / "pages" / name).read_text(encoding="utf-8",
                                                                       errors="replace")
                    out[name] = (data, html)
                except Exception as e:  # noqa: BLE001 - a page that fails is scored as no prediction
                    print(f"    {name}: not rendered ({str(e).splitlines()[0][:120]})")
                finally:
                    await page.close()

        args_dir = base_dir
        await asyncio.gather(*(one(f) for f in files))
        await browser.close()
    return out


base_dir = "."


def score_real_pages(folder: Path) -> PageScore:
    """Render every labelled page and score the first price observation against the label."""
    global base_dir
    from auditor.browser import resolve_browser
    from auditor.extract.page import observations_from_page

    with (folder / "labels.tsv").open(encoding="utf-8", newline="") as f:
        labels = {r["file"]: _decimal(r["price"]) for r in csv.DictReader(f, delimiter="\t")}
    score = PageScore()
    base_dir = str(folder)
    with serve(folder) as base:
        rendered = asyncio.run(_render(resolve_browser().path, base, sorted(labels)))
    for name, expected in sorted(labels.items()):
        if expected is None:
            continue
        score.labelled += 1
        url = f"http://127.0.0.1/pages/{name}"
        html = (folder / "pages" / name).read_text(encoding="utf-8", errors="replace")
        base_price = _schema_price(html, url)
        if base_price is not None:
            score.base_predicted += 1
            score.base_right += _same(base_price, expected)
        if name not in rendered:
            continue
        data, _ = rendered[name]
        obs = [po.observation for po in observations_from_page(
            data, html, channel="web", viewport="1366x900", today=TODAY)]
        first = next((o for o in obs if o.attribute == "price"), None)
        if first is None:
            score.wrong.append(f"{name}: expected {expected}, no price")
            continue
        score.predicted += 1
        if _same(first.value, expected):
            score.right += 1
        else:
            score.wrong.append(f"{name}: expected {expected}, got {first.value} "
                               f"({first.text[:80]!r})")
    return score


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--price-strings", type=Path)
    parser.add_argument("--real-pages", type=Path)
    parser.add_argument("--xfail", action="store_true",
                        help="also score strings their own project marks as expected failures")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every wrong case")
    args = parser.parse_args(argv)
    if args.price_strings:
        s = score_price_strings(args.price_strings, include_xfail=args.xfail)
        print(s.line("xfail included" if args.xfail else "xfail left out"))
        if args.verbose:
            for w in s.wrong:
                print("    " + w)
    if args.real_pages:
        ps = score_real_pages(args.real_pages)
        print(ps.line())
        if args.verbose:
            for w in ps.wrong:
                print("    " + w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
