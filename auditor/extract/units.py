"""The page script's reading of a page, for HTML that no browser rendered.

:func:`page_data` returns a dict of the same shape as ``capture/page_script.js`` returns
(``url``, ``units``, ``links``, ``logo``, ``colours``, ``selected``, ...), so that the static
capture path feeds :func:`auditor.extract.page.observations_from_page` exactly as the browser
path does and both give the same observations for server-rendered pages.

It mirrors the script's rules: a text unit is an element with text and no descendant text
block; a bare amount takes its label from the previous sibling; subject hints are the
nearest preceding titles inside each ancestor, then ``data-sku``-style keys; chrome
(header, nav, footer) is marked. Without layout, "block" means the element's default CSS
display (or an inline ``display``), and shown-state comes only from what the markup says:
``hidden``, inline ``display:none`` / ``visibility:hidden`` / ``opacity:0``, a panel folded
by inline ``max-height:0`` / ``height:0`` with its overflow hidden, and closed
``<details>``. Screen-reader-only text (known class names, an inline clipped box) is left
out; ``aria-hidden`` hides nothing, since it hides from screen readers what the screen
shows. Font size, contrast, the fold and boxes are unknown
(``None``): stylesheets are not applied.

lxml is the parser (libxml2, ~0.2 ms a page against ~3.8 ms for BeautifulSoup, and it has
XPath for configured ``xpath:`` selectors); the tree is normalised where libxml2 differs
from the HTML5 parser a browser uses (implicit ``<tbody>``), so CSS paths match.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

SKIP = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "head", "meta",
                  "link", "button", "select", "option", "input", "textarea"})
_SKIP_ANCESTORS = frozenset({"script", "style", "noscript", "template", "svg"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CHROME = frozenset({"header", "nav", "footer"})
_CHROME_ROLES = frozenset({"banner", "navigation", "contentinfo"})
#: Elements whose default CSS display is ``inline`` (HTML Living Standard rendering section).
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn",
                    "em", "font", "i", "img", "ins", "kbd", "label", "mark", "q", "s", "samp",
                    "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
                    "big", "strike", "output", "picture", "slot", "meter", "progress", "audio",
                    "canvas", "video", "object", "embed", "map", "area", "math", "acronym"})
#: Longest unit text. A longer block (a legal note, terms in one paragraph) is read up to its
#: last full sentence within this; the same in the browser path (capture/page_script.js).
MAX_TEXT = 2000


def cut_long(text: str, struck: list[list[int]]) -> tuple[str, list[list[int]]]:
    """A text cut to :data:`MAX_TEXT` at its last full sentence, with its struck spans."""
    if len(text) <= MAX_TEXT:
        return text, struck
    dot = text.rfind(". ", 0, MAX_TEXT)
    at = dot + 1 if dot > MAX_TEXT // 2 else MAX_TEXT
    return text[:at], [[a, min(b, at)] for a, b in struck if a < at]
_KEYS = ("data-sku", "data-product-id", "data-offer-id", "data-offer")
_ID_RE = re.compile(r"^[A-Za-z][\w-]*$")
# page_script.js's startsWithAmount: a currency word or symbol of up to three letters first.
_AMOUNT_START = re.compile(r"^[\s(]*(alk\.?\s*|from\s*|ab\s*|fra\s*|från\s*|dès\s*)?[^\s\d]{0,3}"
                           r"\s*\d", re.IGNORECASE)
_WS = re.compile(r"\s+")
_HTTP = re.compile(r"^https?:", re.IGNORECASE)
_LOGO_CSS = ('header img[class*="logo" i]', 'header [class*="logo" i] img',
             'img[class*="logo" i]', '[class*="logo" i] img', 'img[alt*="logo" i]',
             "header img", "header svg")
_COLOUR_CSS = ('header,nav,[role="banner"],button,.btn,[class*="button"],[class*="btn"],'
               'a[class*="cta"],[class*="primary"]')
_BG_RE = re.compile(r"background(?:-color)?\s*:\s*(#[0-9a-fA-F]{3,8}|rgba?\([^)]*\))")


@lru_cache(maxsize=256)
def _css(selector: str) -> CSSSelector:
    """A compiled CSS selector: translating CSS to XPath costs more than running it."""
    return CSSSelector(selector, translator="html")


def norm(s: str | None) -> str:
    return _WS.sub(" ", s or "").strip()


def _style(el: Any) -> dict[str, str]:
    """The element's inline ``style`` declarations, lower-cased."""
    raw = el.get("style")
    if not raw:
        return {}
    out = {}
    for decl in raw.split(";"):
        if ":" in decl:
            k, v = decl.split(":", 1)
            out[k.strip().lower()] = v.strip().lower().replace("!important", "").strip()
    return out


def parse(html: str) -> Any:
    """Parse HTML the way a browser would build the tree, as far as lxml can."""
    try:
        root = lxml.html.document_fromstring(html or "<html></html>")
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring("<html></html>")
    # HTML5 puts table rows in an implicit <tbody>; libxml2 leaves them under <table>.
    for table in root.iter("table"):
        rows = [c for c in table if c.tag == "tr"]
        if rows:
            body = etree.Element("tbody")
            rows[0].addprevious(body)
            for r in rows:
                body.append(r)
    return root


_NONSPACE = re.compile(r"\S")

# Inherited flags, computed top-down in one pass so that no rule walks up the tree per
# element (the walks made page_data a third of the static path's time).
_IN_SKIP = 1  # inside (or is) script, style, noscript, template, svg
_IN_CHROME = 2  # inside (or is) header, nav, footer or a banner/navigation/contentinfo role
_HIDDEN = 4  # hidden or inline display:none, on itself or an ancestor
_IN_CLOSED_DETAILS = 8
_IN_SUMMARY = 16
_INVISIBLE = 32  # inline visibility:hidden/collapse or opacity:0, on itself or an ancestor
_SR_ONLY = 64  # text for screen readers only, on itself or an ancestor

# Without stylesheets, screen-reader-only text is known by the class names the common
# frameworks give it (Bootstrap/Tailwind "sr-only", WordPress "screen-reader-text", HTML5
# Boilerplate "visually-hidden"); the browser path measures the 1 px clipped box instead.
SR_ONLY_CLASSES = frozenset({"sr-only", "screen-reader-text", "visually-hidden",
                             "visuallyhidden", "screenreader-only", "sr-text",
                             "u-visually-hidden", "a11y-hidden", "assistive-text"})


_FLAG_TAGS = frozenset({*_SKIP_ANCESTORS, *_CHROME, "details", "summary"})
_FLAG_ATTRIBUTES = frozenset({"role", "hidden", "style", "class"})
_KEY_SET = frozenset(_KEYS)


def _own_flags(el: Any, attributes: Any = None) -> int:
    """The flags ``el`` itself sets; ``attributes`` are its attribute names if known."""
    tag = el.tag
    names = el.keys() if attributes is None else attributes
    # Most elements are plain: no flag tag, no flag attribute. Say so in two set lookups.
    if tag not in _FLAG_TAGS and (not names or _FLAG_ATTRIBUTES.isdisjoint(names)):
        return 0
    flags = 0
    if tag in _SKIP_ANCESTORS:
        flags |= _IN_SKIP
    if tag in _CHROME or el.get("role") in _CHROME_ROLES:
        flags |= _IN_CHROME
    # aria-hidden hides from screen readers what the screen shows: it hides nothing here.
    if el.get("hidden") is not None:
        flags |= _HIDDEN
    if _sr_only(el):
        flags |= _SR_ONLY
    if tag == "details" and el.get("open") is None:
        flags |= _IN_CLOSED_DETAILS
    elif tag == "summary":
        flags |= _IN_SUMMARY
    if el.get("style"):
        st = _style(el)
        if st.get("display") == "none":
            flags |= _HIDDEN
        # A folded accordion panel: no height and its overflow clipped (page_script.js).
        folded = st.get("max-height") in ("0", "0px") or st.get("height") in ("0", "0px")
        if folded and (st.get("overflow-y") or st.get("overflow")) in ("hidden", "clip"):
            flags |= _HIDDEN
        if st.get("visibility") in ("hidden", "collapse") or st.get("opacity") == "0":
            flags |= _INVISIBLE
    return flags


class _Doc:
    """One parsed page with the indexes the unit rules need: document order, subtree ends,
    inherited flags, the nearest ``data-sku``-style ancestor and which elements hold text."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.body = root.find("body")
        self.all: list[Any] = []
        self.order: dict[Any, int] = {}
        self.end: dict[Any, int] = {}
        self.flags: dict[Any, int] = {}
        self.keyed: dict[Any, Any] = {}
        self.has_text: dict[Any, bool] = {}
        if self.body is not None:
            self._index(self.body)
        self.texts: dict[Any, str] = {}

    def _index(self, body: Any) -> None:
        # Top-down in document order (lxml's own walk): a parent's flags and key are known
        # before its children's. ``body`` carries what it and <html> set.
        flags, keyed, order, every = self.flags, self.keyed, self.order, self.all
        flags[body] = 0
        for e in reversed([body, *body.iterancestors()]):  # html, then body
            flags[body] |= _own_flags(e)
            if not _KEY_SET.isdisjoint(e.keys()):
                keyed[body] = e
        for el in body.iterdescendants():
            if not isinstance(el.tag, str):
                continue  # comments and processing instructions
            parent = el.getparent()
            names = el.keys()
            flags[el] = flags[parent] | _own_flags(el, names)
            if names and not _KEY_SET.isdisjoint(names):
                keyed[el] = el
            elif parent in keyed:
                keyed[el] = keyed[parent]
            order[el] = len(every)
            every.append(el)
        del flags[body]
        keyed.pop(body, None)
        # Bottom-up: subtree sizes (so subtree ends) and which elements have text, children
        # before parents; text_content() of every element would cost text times depth.
        size: dict[Any, int] = {}
        has_text = self.has_text
        for el in reversed(every):
            n = 1
            found = bool(el.text) and _NONSPACE.search(el.text) is not None
            for c in el:
                if isinstance(c.tag, str):
                    n += size[c]
                    found = found or has_text[c]
                if not found and c.tail and _NONSPACE.search(c.tail):
                    found = True
            size[el] = n
            has_text[el] = found
            self.end[el] = order[el] + n - 1

    def text(self, el: Any) -> str:
        t = self.texts.get(el)
        if t is None:
            t = self.texts[el] = norm(el.text_content())
        return t


def _closest(el: Any, pred: Any) -> Any | None:
    while el is not None:
        if isinstance(el.tag, str) and pred(el):
            return el
        el = el.getparent()
    return None


def _is_title(el: Any) -> bool:
    if el.tag in _HEADINGS or el.get("role") == "heading" or el.get("itemprop") == "name":
        return True
    cls = el.get("class") or ""
    return "title" in cls or "name" in cls or "heading" in cls


def css_path(el: Any) -> str:
    """The page script's ``cssPath``: ``#id`` anchor or ``tag:nth-of-type(i)`` steps."""
    parts: list[str] = []
    while el is not None and el.tag not in ("body", "html"):
        ident = el.get("id")
        if ident and _ID_RE.match(ident):
            parts.insert(0, "#" + ident)
            break
        i = 1
        sib = el.getprevious()
        while sib is not None:
            if sib.tag == el.tag:
                i += 1
            sib = sib.getprevious()
        parts.insert(0, f"{el.tag}:nth-of-type({i})")
        el = el.getparent()
    if not parts or not parts[0].startswith("#"):
        parts.insert(0, "body")
    return " > ".join(parts)


def _display(el: Any) -> str:
    return _style(el).get("display") or ("inline" if el.tag in INLINE else "block")


def _walk_flags(el: Any) -> int:
    """The inherited flags of one element, walking up (for elements outside an index)."""
    flags = 0
    while el is not None and isinstance(el.tag, str):
        flags |= _own_flags(el)
        el = el.getparent()
    return flags


def _sr_only(el: Any) -> bool:
    """Screen-reader-only: a known class, or an inline 1 px box clipped away."""
    cls = el.get("class")
    # Namespaced forms count too ("m-visually-hidden"); Tailwind's "not-sr-only" undoes it.
    if cls and any(token.endswith(name) and not token.startswith("not-")
                   for token in cls.split() for name in SR_ONLY_CLASSES):
        return True
    if el.get("style"):
        st = _style(el)
        clipped = st.get("clip", "auto") != "auto" or st.get("clip-path", "none") != "none"
        return clipped and st.get("position") in ("absolute", "fixed")
    return False


def _is_collapsed(flags: int) -> bool:
    return bool(flags & _HIDDEN) or (bool(flags & _IN_CLOSED_DETAILS) and not flags & _IN_SUMMARY)


def collapsed(el: Any) -> bool:
    """The page script's ``collapsedOf``: ``hidden`` or inline
    ``display:none`` on the element or an ancestor, or inside a closed ``<details>`` and not
    inside a ``<summary>``."""
    return _is_collapsed(_walk_flags(el))


_SKIP_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "select",
                        "option", "textarea", "button", "object", "canvas"})
_STRUCK = frozenset({"del", "s", "strike"})
_ATOMIC = frozenset({"inline-block", "inline-flex", "inline-grid", "inline-table"})
_INLINE_DISPLAYS = frozenset({"inline", "inline-block", "inline-flex", "inline-grid",
                              "inline-table", "contents", "ruby", "ruby-text"})
_CENTS_AFTER_RE = re.compile(r"[0-9][.,]?$")
_NUMBER_TAIL_RE = re.compile(r"[0-9][0-9 .,'’]*$")
_SPLIT_CENTS_RE = re.compile(r"([0-9]) ([.,][0-9]{2}(?![0-9]))")
_FOOTNOTE_RE = re.compile(r"^[*†‡¹²³⁴0-9]{1,2}$")
_DIGIT = re.compile(r"[0-9]")
_ASIDE_RE = re.compile(r"\([^()]{0,80}\)")
_TILE_MAX = 400
_LABEL_MONTHS_RE = re.compile(r"[0-9]+\s*(kk|mån|mnd|months?|Monate?)", re.IGNORECASE)
_KEYED_XPATH = "ancestor-or-self::*[@data-sku or @data-product-id or @data-offer-id or @data-offer]"


class _Composer:
    """The page script's ``compose``: a unit's text as a reader sees it, with struck spans.

    Hidden parts, script/style/template text and buttons are left out (a unit hidden as a
    whole is still read); a line break or a block boundary is a space; cents in ``<sup>``
    join their amount; footnote marks are dropped; "19 ,90" split over elements is one
    number.
    """

    def __init__(self) -> None:
        self.out = ""
        self.struck: list[list[int]] = []
        self.edge = False  # an element started or ended since the last text

    def put(self, s: str | None, struck: bool) -> None:
        if not s:
            return
        s = _WS.sub(" ", s)
        if s.startswith(" ") and (not self.out or self.out.endswith(" ")):
            s = s[1:]
        if not s:
            return
        # A word and a number in two elements with nothing between are two pieces of text.
        if self.edge and self.out and (self.out[-1].isalpha() and s[0].isdigit()
                                       or self.out[-1].isdigit() and s[0].isalnum()):
            self.out += " "
        self.edge = False
        start = len(self.out)
        self.out += s
        if struck:
            a = start + (len(s) - len(s.lstrip()))
            b = len(self.out.rstrip())
            if b > a:
                self.struck.append([a, b])

    def space(self) -> None:
        if self.out and not self.out.endswith(" "):
            self.out += " "

    def element(self, el: Any, struck: bool, root: bool) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP_TEXT:
            return
        if tag == "br":
            self.space()
            return
        st = _style(el) if el.get("style") else {}
        if _sr_only(el):  # not on screen, even as an anonymous run's root
            return
        if not root and (st.get("display") == "none" or st.get("visibility") == "hidden"
                         or el.get("hidden") is not None):
            return
        strike = struck or tag in _STRUCK or "line-through" in st.get("text-decoration", "") \
            or "line-through" in st.get("text-decoration-line", "")
        if tag == "sup":
            t = norm(el.text_content())
            if re.fullmatch(r"[0-9]{1,2}", t) and _CENTS_AFTER_RE.search(self.out):
                if self.out[-1].isdigit():
                    num = _NUMBER_TAIL_RE.search(self.out).group(0)
                    self.out += "," if ("." in num and "," not in num
                                        and re.search(r"\.[0-9]{3}$", num)) else "."
                self.put(t + "0" if len(t) == 1 else t, strike)
                return
            if _FOOTNOTE_RE.match(t):
                return
        display = _display(el)
        # A block, and an atomic inline box (inline-block, inline-flex), stands apart.
        apart = display not in _INLINE_DISPLAYS or (not root and display in _ATOMIC)
        # A struck-through price is another value: it never runs into the text beside it.
        apart = apart or (strike and not struck)
        if apart:
            self.space()
        self.edge = True
        self.put(el.text, strike)
        for child in el:
            self.element(child, strike, False)
            self.put(child.tail, strike)
        self.edge = True
        if apart:
            self.space()

    def result(self) -> tuple[str, list[list[int]]]:
        lead = len(self.out) - len(self.out.lstrip())
        out = self.out.strip()
        fixed = _SPLIT_CENTS_RE.sub(r"\1\2", out)
        shift = len(out) - len(fixed)
        return fixed, [[max(0, a - lead), max(0, b - lead - shift)] for a, b in self.struck]


def compose(el: Any) -> tuple[str, list[list[int]]]:
    """One element's text as a reader sees it and its struck-through spans."""
    c = _Composer()
    c.element(el, False, True)
    return c.result()


def _compose_run(run: list[tuple[str, Any]]) -> tuple[str, list[list[int]]]:
    """A run of loose inline content: ``("text", str)`` and ``("el", element)`` items."""
    c = _Composer()
    for kind, item in run:
        if kind == "text":
            c.put(item, False)
        else:
            c.element(item, False, False)
    return c.result()


_PRICE_WORDS = re.compile(r"price|preis|prix|precio|prezzo|pris|hinta|cena|fiyat|prijs|pre[cç]o"
                          r"|amount|cost", re.IGNORECASE)
_LIST_WORDS = re.compile(
    r"(?:^|[-_\s])(?:old|was|before|regular|list|rrp|uvp|msrp|strike|striked|crossed|compare"
    r"|original|previous|former|ord|normal)(?:$|[-_\s])|(?:old|was|list|regular|compare"
    r"|original|strike)[-_]?price|price[-_]?(?:old|was|before|regular|list|compare|original"
    r"|strike)", re.IGNORECASE)


def price_class(el: Any) -> str | None:
    """The page script's ``priceClass``: ``"list"`` when the element's (or one of three
    ancestors') class, id or itemprop names a former price ("old-price", "was-price"),
    ``"price"`` when it names a price, else None."""
    # A unit that is one element's text ("<span class=price>590</span>") is that element.
    while True:
        kids = [c for c in el if isinstance(c.tag, str)]
        if len(kids) != 1 or norm(kids[0].text_content()) != norm(el.text_content()):
            break
        el = kids[0]
    e, n = el, 0
    while e is not None and isinstance(e.tag, str) and e.tag != "body" and n < 4:
        name = f"{e.get('class') or ''} {e.get('id') or ''} {e.get('itemprop') or ''}"
        if _LIST_WORDS.search(name) and _PRICE_WORDS.search(name):
            return "list"
        if _PRICE_WORDS.search(name):
            return "price"
        e, n = e.getparent(), n + 1
    return None


def _cells(row: Any) -> list[Any]:
    return [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _table_context(el: Any) -> tuple[str | None, str | None, bool] | None:
    """The page script's ``tableContext``: in a comparison table (a header row of ``th``),
    a cell's column header, its row's header and whether it is the row's first data cell."""
    cell = _closest(el, lambda e: e.tag in ("td", "th"))
    if cell is None or cell.tag != "td":
        return None
    row = cell.getparent()
    table = _closest(row, lambda e: e.tag == "table")
    if table is None:
        return None
    header = next((r for r in table.iter("tr")), None)
    head = table.find("thead")
    if head is not None:
        header = next(head.iter("tr"), header)
    if header is None or header is row:
        return None
    heads = _cells(header)
    if len([c for c in heads if norm(c.text_content())]) < 2 or any(
            c.tag != "th" and norm(c.text_content()) for c in heads):
        return None
    cells = _cells(row)
    col = 0
    for c in cells:
        if c is cell:
            break
        col += int(c.get("colspan", "1") or 1) if (c.get("colspan") or "1").isdigit() else 1
    at, column = 0, None
    for c in heads:
        if at == col:
            column = norm(c.text_content())
            break
        at += int(c.get("colspan", "1")) if (c.get("colspan") or "1").isdigit() else 1
    first = cells[0] if cells else None
    label = norm(first.text_content()) if first is not None and first is not cell else None
    return column or None, label, len(cells) > 1 and cells[1] is cell


def _inline_runs(el: Any, doc: _Doc, is_block: Any) -> list[tuple[list[tuple[str, Any]], int]]:
    """The runs of loose inline content of a block that holds blocks, each with the index of
    its last element (titles up to it may name it): ``el.text``, inline children and tails
    between block children."""
    runs: list[tuple[list[tuple[str, Any]], int]] = []
    run: list[tuple[str, Any]] = []
    last = doc.order.get(el, -1)
    if el.text and el.text.strip():
        run.append(("text", el.text))
    for child in el:
        if isinstance(child.tag, str) and (is_block(child) or child.tag in SKIP):
            if run:
                runs.append((run, last))
            run = []
            last = doc.end.get(child, last)
        elif isinstance(child.tag, str):
            run.append(("el", child))
            last = doc.end.get(child, last)
        if child.tail and child.tail.strip():
            run.append(("text", child.tail))
    if run:
        runs.append((run, last))
    return runs


def page_data(html: str, url: str, *, selectors: Mapping[str, str] | None = None,
              logo_selector: str | None = None, brand: str | None = None) -> dict[str, Any]:
    """What ``page_script.js`` would return for ``html`` served at ``url``, without layout."""
    root = parse(html)
    doc = _Doc(root)
    here = url.split("#", 1)[0]
    base = root.find(".//base[@href]")
    base_url = urljoin(url, base.get("href")) if base is not None else url
    every_title = [t for t in doc.all if _is_title(t) and not doc.flags[t] & _IN_CHROME
                   and doc.has_text[t] and 1 < len(doc.text(t)) < 120]
    titles: list[Any] = []
    for t in every_title:  # outermost only: a card's <h3> and the <a class="name"> in it
        if titles and doc.order[t] <= doc.end[titles[-1]]:
            continue
        titles.append(t)
    title_idx = [doc.order[t] for t in titles]

    def inside(outer: Any, inner: Any) -> bool:
        a, b = doc.order.get(outer), doc.order.get(inner)
        return a is not None and b is not None and a <= b <= doc.end[outer]

    def titles_in(el: Any) -> int:
        a = doc.order[el]
        return bisect_right(title_idx, doc.end[el]) - bisect_left(title_idx, a)

    def links_away(el: Any) -> bool:
        links = [el] if el.tag == "a" and el.get("href") is not None else []
        up = _closest(el.getparent(), lambda e: e.tag == "a" and e.get("href") is not None) \
            if el.getparent() is not None else None
        if up is not None:
            links.append(up)
        links += [a for a in el.iter("a") if a is not el and a.get("href") is not None]
        for a in links:
            target = _resolve(base_url, a.get("href", "").strip())
            if target and target.split("#", 1)[0] != here:
                return True
        return False

    item_of: dict[Any, Any] = {}
    for t in titles:
        item = t
        a = t.getparent()
        while a is not None and a is not doc.body and a in doc.order and titles_in(a) == 1:
            item, a = a, a.getparent()
        item_of[t] = item
    main_title = _first(t for t in titles if t.tag == "h1" and not doc.flags[t] & _HIDDEN
                        and not links_away(t))
    if main_title is None:
        main_title = _first(t for t in titles if t.tag == "h1")
    if main_title is None:
        main_title = _first(t for t in titles if t.tag in _HEADINGS and not links_away(t))
    main_text = doc.text(main_title) if main_title is not None else None
    cards: set[Any] = set()
    for t in titles:
        if t is main_title:
            continue
        item = item_of[t]
        if item is not t and main_title is not None and inside(item, main_title):
            continue
        if links_away(t) or not _KEY_SET.isdisjoint(item.keys()):
            cards.add(item)

    # Cards without a title element (page_script.js): a link away wrapping a name and a
    # price, or one of several sibling boxes each with a link away and a number.
    card_titles: dict[Any, list[str]] = {}

    def first_lines(el: Any) -> list[str] | None:
        """A tile's first two lines of words (a badge often comes before the name)."""
        for t in titles:
            if inside(el, t):
                return [doc.text(t)]
        out: list[str] = []
        for d in el.iterdescendants():
            if not isinstance(d.tag, str) or d.tag in _SKIP_TEXT or any(
                    isinstance(c.tag, str) and c.tag not in ("br", "img") for c in d):
                continue
            tx = norm(d.text_content())
            if tx and len(tx) <= 80 and re.search(r"[^\W\d_]{2}", tx) and tx[0].isalnum() \
                    and not _AMOUNT_START.match(tx):
                out.append(tx)
            if len(out) == 2:
                break
        if out:
            return out
        label = el.get("aria-label") or el.get("title")
        return [norm(label)[:120]] if label else None

    def is_away(a: Any) -> bool:
        target = _resolve(base_url, (a.get("href") or "").strip())
        return bool(target) and target.split("#", 1)[0] != here

    def contains_main(e: Any) -> bool:
        return main_title is not None and inside(e, main_title)

    for a in root.iter("a"):
        if a.get("href") is None or a not in doc.order or doc.flags[a] & _IN_CHROME \
                or not is_away(a) or contains_main(a):
            continue
        txt = doc.text(a)
        found = None
        if len([c for c in a if isinstance(c.tag, str)]) and _DIGIT.search(txt) and len(txt) <= 300:
            found = a
        else:
            e, depth = a.getparent(), 0
            while e is not None and e is not doc.body and e in doc.order and depth < 5:
                if contains_main(e) or len(doc.text(e)) > 1200:
                    break
                p = e.getparent()
                if p is None:
                    break
                twins = [c for c in p if c.tag == e.tag and c.get("class") == e.get("class")]
                # Tiles: every twin links away and shows a number, and is a tile's size
                # (sections that each hold a grid are not tiles; page_script.js TILE_MAX).
                if len(twins) >= 2 and len(doc.text(e)) <= _TILE_MAX and all(
                        _DIGIT.search(doc.text(c)) if c in doc.order else False
                        for c in twins) and all(
                        any(is_away(x) for x in c.iter("a") if x.get("href") is not None)
                        for c in twins):
                    found = e
                    break
                e, depth = p, depth + 1
        if found is not None and found not in cards and found not in card_titles:
            lines = first_lines(found)
            if lines:
                card_titles[found] = lines

    def card_of(el: Any) -> Any | None:
        e = el
        while e is not None and e is not doc.body:
            if e in cards or e in card_titles:
                return e
            e = e.getparent()
        keyed = doc.keyed.get(el) if el in doc.order else None
        if keyed is not None and keyed is not doc.body and not (
                main_title is not None and inside(keyed, main_title)):
            return keyed
        return None

    def key_of(el: Any) -> str | None:
        keyed = doc.keyed.get(el) if el in doc.order else _closest(
            el, lambda e: any(e.get(k) is not None for k in _KEYS))
        if keyed is None:
            return None
        return next((keyed.get(k) for k in _KEYS if keyed.get(k)), None)

    def hints_for(el: Any, last: int, card: Any | None, role: str) -> list[str]:
        out: list[str] = []
        anc = el
        while anc is not None and anc is not root:
            if anc is not doc.body and anc not in doc.order:  # <head>: no titles there
                anc = anc.getparent()
                continue
            # Titles inside ``anc`` (itself included) up to the unit's last element.
            lo = 0 if anc is doc.body else bisect_left(title_idx, doc.order[anc])
            hi = bisect_right(title_idx, last if anc is doc.body else min(last, doc.end[anc]))
            for i in range(hi - 1, lo - 1, -1):
                t = titles[i]
                if card is None and t is not main_title:
                    tcard = card_of(t)
                    if tcard is not None and not inside(tcard, el):
                        continue
                txt = doc.text(t)
                if txt in out:
                    continue
                out.append(txt)
                break
            if len(out) >= 4 or anc is (card if card is not None else doc.body):
                break
            anc = anc.getparent()
        if card is not None and card in card_titles:
            out += [line for line in card_titles[card] if line not in out]
        if role == "main" and main_text and main_text not in out:
            out.append(main_text)
        k = key_of(card if card is not None else el)
        if k:
            out.insert(0, "sku:" + k)
        return out

    # A card is a box of its own, whatever its display says (a link wrapping a tile).
    boxes = cards | set(card_titles)
    blocks = [el for el in doc.all if el.tag not in SKIP and not doc.flags[el] & _IN_SKIP
              and doc.has_text[el] and (_display(el) not in _INLINE_DISPLAYS or el in boxes)]
    block_idx = sorted(doc.order[b] for b in blocks)
    block_set = set(blocks)

    def is_leaf(el: Any) -> bool:
        i = doc.order[el]
        j = bisect_right(block_idx, i)
        return j >= len(block_idx) or block_idx[j] > doc.end[el]

    def holds_block(el: Any) -> bool:
        return el in doc.order and not is_leaf(el)

    units: list[dict[str, Any]] = []

    def add_unit(el: Any, text: str, struck: list[list[int]], last: int,
                 label_from: Any | None) -> None:
        if not text:
            return
        text, struck = cut_long(text, struck)
        # A cell of a table with a header row: its headers go along (page.py decides).
        tc = _table_context(label_from) if label_from is not None else None
        if tc is None and label_from is not None:
            prev = label_from.getprevious()
            while prev is not None and not isinstance(prev.tag, str):
                prev = prev.getprevious()
            described = label_from.tag == "dd" and prev is not None and prev.tag == "dt"
            if (prev is not None and prev in block_set
                    and (described or _AMOUNT_START.match(text))
                    and not (prev.tag in _HEADINGS or prev.get("role") == "heading")
                    # a section with a heading of its own is no label
                    and not any(d.tag in _HEADINGS or d.get("role") == "heading"
                                for d in prev.iterdescendants() if isinstance(d.tag, str))):
                label = compose(prev)[0]
                if label and len(label) <= 60 and not re.search(
                        r"[0-9]", _LABEL_MONTHS_RE.sub("", _ASIDE_RE.sub("", label))):
                    text = label + " " + text
                    struck = [[a + len(label) + 1, b + len(label) + 1] for a, b in struck]
        flags = doc.flags[el] if el in doc.flags else _walk_flags(el)
        if flags & _SR_ONLY:  # repeats what the screen shows ("Original price was: …")
            return
        chrome = bool(flags & _IN_CHROME)
        card = None if chrome or el is doc.body else card_of(el)
        role = "chrome" if chrome else "other" if card is not None else "main"
        unit = _unit(el, text, hints_for(el, last, card, role), flags)
        unit.update(struck=struck, chrome=chrome, role=role,
                    section=fold_title(el) if unit["collapsed"] else None,
                    table={"column": tc[0], "row": tc[1]} if tc else None,
                    price_class=price_class(el),
                    linked=_closest(el, lambda e: e.tag == "a" and e.get("href") is not None)
                    is not None)
        units.append(unit)

    def describe(el: Any) -> dict[str, Any]:
        """Hints, role and chrome of an element a configured selector picked."""
        flags = doc.flags.get(el)
        chrome = bool((flags if flags is not None else _walk_flags(el)) & _IN_CHROME)
        card = None if chrome or el not in doc.order else card_of(el)
        role = "chrome" if chrome else "other" if card is not None else "main"
        last = doc.end.get(el, doc.order.get(el, -1))
        return {"hints": hints_for(el, last, card, role) if el in doc.order else [],
                "chrome": chrome, "role": role}

    for el in blocks:
        if is_leaf(el):
            text, struck = compose(el)
            add_unit(el, text, struck, doc.end[el], el)
            continue
        # Text beside blocks: each run of inline content between block children is a unit.
        for run, last in _inline_runs(el, doc, lambda c: c in block_set or holds_block(c)):
            text, struck = _compose_run(run)
            add_unit(el, text, struck, last, None)
    # The body is a block too: text written straight into it is read like any other.
    if doc.body is not None and (doc.body.text or "").strip() or doc.body is not None and any(
            isinstance(c.tag, str) and c not in block_set and not holds_block(c)
            and c.tag not in SKIP and doc.has_text.get(c) for c in doc.body):
        if not blocks:
            text, struck = compose(doc.body)
            add_unit(doc.body, text, struck, len(doc.all) - 1, None)
        else:
            for run, last in _inline_runs(doc.body, doc,
                                          lambda c: c in block_set or holds_block(c)):
                text, struck = _compose_run(run)
                add_unit(doc.body, text, struck, last, None)

    # A root-relative link ("/tarjous") resolves the same on every page of the origin, so
    # it is memoised by origin rather than by page.
    slash = base_url.find("/", base_url.find("//") + 2)
    origin = base_url if slash < 0 else base_url[:slash]
    links = []
    for a in root.iter("a"):
        href = a.get("href")
        if href is None:
            continue
        href = href.strip()
        rooted = href.startswith("/") and not href.startswith("//")
        absolute = _resolve(origin if rooted else base_url, href)
        if absolute is not None:
            links.append(absolute)

    theme = root.find(".//meta[@name='theme-color']")
    lang = root.get("lang")
    title = root.find(".//title")
    return {
        "url": url,
        "title": norm(title.text_content()) if title is not None else "",
        "main_title": main_text,
        "lang": lang or None,
        "viewport": {"w": 0, "h": 0},
        "units": units,
        "links": links,
        "logo": _logo(root, base_url, logo_selector),
        "colours": _colours(root),
        "selected": _selected(root, selectors or {}, describe),
        "theme_color": theme.get("content") if theme is not None else None,
        "fonts": {},
    }


def _first(items: Any) -> Any | None:
    """The first item, or None (lxml elements are falsy when empty: never test them)."""
    return next(iter(items), None)


@lru_cache(maxsize=65_536)
def _resolve(base: str, href: str) -> str | None:
    """``href`` made absolute on ``base`` if it is an http(s) link (memoised: every page
    repeats the site's navigation and footer links)."""
    absolute = urljoin(base, href)
    return absolute if _HTTP.match(absolute) else None


def _unit(el: Any, text: str, hints: list[str], flags: int | None = None) -> dict[str, Any]:
    """One unit dict; ``flags`` are the element's inherited flags when an index has them."""
    flags = _walk_flags(el) if flags is None else flags
    is_collapsed = _is_collapsed(flags)
    return {
        "text": text,
        "selector": css_path(el),
        "tag": el.tag,
        "visible": not is_collapsed and not flags & _INVISIBLE,
        "collapsed": is_collapsed,
        "font_px": None,
        "contrast": None,
        "above_fold": None,
        "box": None,
        "hints": hints,
        "html": lxml.html.tostring(el, encoding=str, with_tail=False)[:600],
    }


def fold_title(el: Any) -> str | None:
    """The page script's ``foldTitle``: the title of the closed section ``el`` sits in (a
    closed ``<details>``' summary, the control naming the panel, or the button or heading
    right before it)."""
    details = _closest(el, lambda e: e.tag == "details" and e.get("open") is None)
    if details is not None:
        summary = next((c for c in details if c.tag == "summary"), None)
        return (norm(summary.text_content()) or None) if summary is not None else None
    e = el
    while e is not None and e.tag != "body":
        st = _style(e) if e.get("style") else {}
        if e.get("hidden") is None and st.get("display") != "none":
            e = e.getparent()
            continue
        root = e.getroottree()
        by = (e.get("aria-labelledby") or "").split()
        found = root.xpath("//*[@id=$i]", i=by[0]) if by else []
        if not found and e.get("id"):
            found = root.xpath("//*[@aria-controls=$i]", i=e.get("id"))
        if found:
            return norm(found[0].text_content()) or None
        prev = e.getprevious()
        while prev is not None and not isinstance(prev.tag, str):
            prev = prev.getprevious()
        if prev is not None and (prev.tag == "button" or prev.tag in _HEADINGS
                                 or prev.get("role") == "heading"):
            return norm(prev.text_content()) or None
        return None
    return None


def _select(root: Any, rule: str) -> list[Any]:
    if re.match(r"^xpath:", rule, re.IGNORECASE):
        found = root.xpath(rule[6:])
        return list(found)[:50] if isinstance(found, list) else []
    return _css(re.sub(r"^css:", "", rule, flags=re.IGNORECASE))(root)[:50]


def _selected(root: Any, selectors: Mapping[str, str], describe: Any) -> list[dict[str, Any]]:
    """Elements named by the channel's configured selectors, as the page script reports them."""
    out: list[dict[str, Any]] = []
    for attribute, rule in selectors.items():
        try:
            found = _select(root, rule)
        except Exception as e:  # noqa: BLE001 - a bad selector is reported, as in the browser
            out.append({"attribute": attribute, "rule": rule, "error": str(e)[:200]})
            continue
        for el in found:
            if not hasattr(el, "tag"):  # an XPath text() or attribute result
                el = getattr(el, "getparent", lambda: None)()
            if el is None or not isinstance(el.tag, str):
                continue
            text, struck = compose(el)
            where = describe(el)
            unit = _unit(el, text[:MAX_TEXT], where["hints"])
            unit.update(attribute=attribute, rule=rule, struck=struck, chrome=where["chrome"],
                        role=where["role"])
            out.append(unit)
    return out


def _logo(root: Any, base_url: str, logo_selector: str | None) -> dict[str, Any] | None:
    """The first logo candidate not declared smaller than 4 px (no layout: no box)."""
    for sel in ([logo_selector] if logo_selector else _LOGO_CSS):
        try:
            found = _css(sel)(root)
        except Exception:  # noqa: BLE001 - an unusable selector finds nothing
            continue
        if not found:
            continue
        el = found[0]
        if any(_small(el.get(dim)) for dim in ("width", "height")) or collapsed(el):
            continue
        src = el.get("src") or ""
        return {"selector": css_path(el), "alt": el.get("alt") or "",
                "src": urljoin(base_url, src) if src else "", "box": None}
    return None


def _small(dim: str | None) -> bool:
    try:
        return dim is not None and float(dim.rstrip("px")) < 4
    except ValueError:
        return False


def _colours(root: Any) -> list[dict[str, Any]]:
    """Inline background colours of the page chrome and calls to action (area unknown: 1)."""
    out = []
    for el in _css(_COLOUR_CSS)(root):
        m = _BG_RE.search(el.get("style") or "")
        if not m or collapsed(el):
            continue
        rgb = _rgb(m.group(1))
        if rgb:
            out.append({"rgb": rgb, "area": 1.0, "selector": css_path(el)})
    return out


def _rgb(value: str) -> list[float] | None:
    if value.startswith("#"):
        h = value[1:]
        if len(h) in (3, 4):
            h = "".join(c * 2 for c in h[:3])
        if len(h) not in (6, 8):
            return None
        if len(h) == 8 and int(h[6:], 16) < 128:
            return None
        return [float(int(h[i:i + 2], 16)) for i in (0, 2, 4)]
    nums = re.findall(r"[\d.]+", value)
    if len(nums) < 3 or (len(nums) > 3 and float(nums[3]) < 0.5):
        return None
    return [float(n) for n in nums[:3]]


__all__ = ["page_data", "parse", "css_path", "collapsed", "INLINE"]
