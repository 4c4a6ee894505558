"""Would a boilerplate remover tell a product page's own price from the rest? (A decision.)

Omniaudit decides what belongs to a page's own offer from the DOM (header/nav/footer,
product cards, the main title) and from repetition across pages (auditor.matching). The
field's boilerplate removers, trafilatura and jusText, were considered instead: this script
measures how often each keeps the page's own labelled price in its main text, on the saved
real product pages that ``bench/external.py --real-pages`` scores (``DIR/pages/*.html`` and
``DIR/labels.tsv``). Neither is a dependency; run it in a scratch virtualenv::

    python -m venv /tmp/bp && /tmp/bp/bin/pip install trafilatura justext lxml_html_clean
    /tmp/bp/bin/python bench/boilerplate.py DIR

Figures and the decision are in bench/README.md ("Boilerplate removal").
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path


def _forms(price: str) -> set[str]:
    """How "1599.00" may be written on a page: 1599,00, 1.599,00, 1 599,00, 1599 …"""
    whole, _, cents = price.partition(".")
    cents = cents or "00"
    out = {f"{whole}.{cents}", f"{whole},{cents}"}
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        for sep in (".", " ", ","):
            grouped = f"{head}{sep}{tail}"
            out |= {grouped, f"{grouped},{cents}", f"{grouped}.{cents}"}
    if cents == "00":
        out.add(whole)
    return out


def _has(text: str, price: str) -> bool:
    t = re.sub(r"[\u00a0\u202f\u2009]", " ", text or "")
    return any(re.search(rf"(?<![\d.,]){re.escape(f)}(?!\d)", t) for f in _forms(price))


def main(folder: Path) -> int:
    import justext
    import trafilatura

    rows = list(csv.DictReader((folder / "labels.tsv").open(encoding="utf-8"), delimiter="\t"))
    kept = {"trafilatura": 0, "jusText": 0, "all text": 0}
    for r in rows:
        html = (folder / "pages" / r["file"]).read_text(encoding="utf-8", errors="replace")
        main_text = trafilatura.extract(html, include_tables=True, favor_recall=True) or ""
        paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
        good = "\n".join(p.text for p in paragraphs if not p.is_boilerplate)
        found = {"trafilatura": _has(main_text, r["price"]), "jusText": _has(good, r["price"]),
                 "all text": _has(re.sub(r"<[^>]+>", " ", html), r["price"])}
        for k, v in found.items():
            kept[k] += v
        print(r["file"], r["price"], " ".join(f"{k}={'kept' if v else 'lost'}"
                                              for k, v in found.items()))
    print(" ".join(f"{k}: {v}/{len(rows)}" for k, v in kept.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
