"""Cookie-wall dismissal: find the first visible "accept" button in one round trip, click it.

A consent selector is either plain CSS (``#onetrust-accept-btn-handler``), an element with a
label (``button:has-text('Accept all')``, matched as Playwright does: case-insensitive,
whitespace-normalised substring of the element's text), or any other Playwright selector
(``text=OK``, ``role=button[name="OK"]``). The first two kinds are probed together by one
script in the page; only the third needs Playwright's own selector engine, one call each.

Why a probe: asking Playwright about each of the 13 default selectors in turn cost 13
round trips and a text scan of the whole DOM per ``:has-text`` selector on every page, most
of which have no banner at all — 227 ms of a worker's time per page, more than half of a
visit on the benchmark's shop (bench/README.md). The probe costs one round trip.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULT_CONSENT_SELECTORS", "ConsentSpec", "parse_consent_selector",
           "dismiss_consent", "MAX_FRAMES"]

#: Accept buttons of the common consent managers (OneTrust, Cookiebot, Didomi, Usercentrics,
#: Quantcast, TrustArc, generic ids), tried after the channel's own ``consent_selectors``.
_CMP_SELECTORS: tuple[str, ...] = (
    "#onetrust-accept-btn-handler",
    "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll",
    "#CybotCookiebotDialogBodyButtonAccept",
    "#didomi-notice-agree-button",
    "[data-testid='uc-accept-all-button']",
    ".qc-cmp2-summary-buttons button[mode='primary']",
    "#truste-consent-button",
    "#accept-cookies",
    "[data-consent='accept']",
    "[data-cookie-accept]",
    "[data-action='accept-all']",
)


def _label_selectors() -> tuple[str, ...]:
    """Accept labels of every language file: "all" labels on any button or link, then the
    short ones on buttons only — so a bottom sheet in the site's own language is answered
    ("Godkänn alla", "Godta alle", "Alle akzeptieren")."""
    from auditor.extract.lexicon import load_lexicons

    lexicons = list(load_lexicons().values())

    def quote(label: str) -> str:
        return "'" + label.replace("\\", "").replace("'", "\\'") + "'"

    out: list[str] = []
    for lex in lexicons:
        for label in lex.consent_accept_all:
            out += [f"button:has-text({quote(label)})", f"[role=button]:has-text({quote(label)})",
                    f"a:has-text({quote(label)})"]
    for lex in lexicons:
        out += [f"button:has-text({quote(label)})" for label in lex.consent_accept]
    return tuple(dict.fromkeys(out))


#: The consent selectors tried after a channel's own: the consent managers' buttons, then
#: the accept labels of every language Omniaudit reads.
DEFAULT_CONSENT_SELECTORS: tuple[str, ...] = _CMP_SELECTORS + _label_selectors()

_HAS_TEXT = re.compile(
    r"""^\s*([A-Za-z][\w-]*|\*|\[[\w-]+(?:=[\w-]+)?\])?\s*:has-text\(\s*(['"])(.*?)(?<!\\)\2\s*\)\s*$""")
# Selector engines and pseudo-classes only Playwright understands.
_PLAYWRIGHT_ONLY = re.compile(r"^\s*\w+=|>>|:has-text|:text|:visible|:nth-match|:right-of|"
                              r":left-of|:above|:below|:near|internal:")


@dataclass(frozen=True)
class ConsentSpec:
    """How one consent selector is looked for: ``css`` (with an optional ``text`` the
    element must contain), or ``playwright`` (only Playwright's engine can answer)."""

    selector: str
    css: str | None
    text: str | None = None

    @property
    def playwright(self) -> bool:
        return self.css is None

    def as_js(self) -> dict[str, str | None]:
        return {"css": self.css, "text": self.text}


def parse_consent_selector(selector: str) -> ConsentSpec:
    """Classify a consent selector (see the module docstring)."""
    m = _HAS_TEXT.match(selector)
    if m:
        return ConsentSpec(selector, m.group(1) or "*",
                           " ".join(m.group(3).replace("\\'", "'").split()).lower())
    if _PLAYWRIGHT_ONLY.search(selector):
        return ConsentSpec(selector, None)
    return ConsentSpec(selector, selector)


# Returns [spec index, match index] of the first visible match, searching specs in order
# from ``start`` and stopping before the first Playwright-only spec (``css: null``), or null.
# Open shadow roots are searched too (Usercentrics renders its banner in one), as
# Playwright's CSS engine does.
_PROBE = r"""
([specs, start]) => {
  const norm = (s) => (s || "").replace(/\s+/g, " ").trim().toLowerCase();
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return false;
    return el.checkVisibility ? el.checkVisibility({ visibilityProperty: true }) : true;
  };
  let roots = null;
  const shadowRoots = () => {
    if (roots) return roots;
    roots = [];
    const walk = (root) => {
      for (const el of root.querySelectorAll("*")) {
        if (el.shadowRoot) { roots.push(el.shadowRoot); walk(el.shadowRoot); }
      }
    };
    walk(document);
    return roots;
  };
  // Many labels share one CSS part ("button"): each is queried once per root.
  const queried = new Map();
  const matches = (spec, root) => {
    let found;
    const key = root === document ? spec.css : null;
    if (key !== null && queried.has(key)) found = queried.get(key);
    else {
      try { found = Array.from(root.querySelectorAll(spec.css)); }
      catch (e) { return null; }
      if (key !== null) queried.set(key, found);
    }
    if (spec.text === null) return found;
    return found.filter((el) => norm(el.textContent).includes(spec.text));
  };
  for (let i = start; i < specs.length; i++) {
    const spec = specs[i];
    if (spec.css === null) return { stop: i };
    let found = matches(spec, document);
    if (found === null) return { stop: i };  // not CSS after all: ask Playwright
    const deep = found.length ? [] : shadowRoots().flatMap((r) => matches(spec, r) || []);
    found = found.concat(deep);
    for (let k = 0; k < found.length; k++) if (visible(found[k])) return { hit: i, nth: k };
  }
  return null;
}
"""


#: Child frames probed when the page itself shows no banner: consent managers such as
#: Sourcepoint and TrustArc render theirs in an iframe. Bounded, as a page may embed many.
MAX_FRAMES = 5
#: How long the frames have, together, to answer the probe.
FRAME_PROBE_SECONDS = 1.0


async def dismiss_consent(page: Any, selectors: Sequence[str]) -> str | None:
    """Click the first visible consent button, in the order given; return its selector.

    The page is probed first, then up to :data:`MAX_FRAMES` of its child frames (a page
    without iframes costs nothing more). Returns ``None`` when no button is visible (most
    pages) or clicking fails: a banner that cannot be dismissed is read as it is, not a
    failed page.
    """
    specs = [parse_consent_selector(s) for s in selectors]
    payload = [s.as_js() for s in specs]
    clicked = await _dismiss_in(page, specs, payload)
    if clicked is not None:
        return clicked
    try:
        frames = [f for f in page.frames if f is not page.main_frame][:MAX_FRAMES]
    except Exception:  # noqa: BLE001 - a closed page has no frames
        return None
    if not frames:
        return None
    # A frame whose document never arrives (a stalled ad) would hold a probe until the page
    # times out, so all frames are probed at once within FRAME_PROBE_SECONDS and only the
    # ones that answered in time count.
    probes = [asyncio.ensure_future(_probe(f, payload)) for f in frames]
    await asyncio.wait(probes, timeout=FRAME_PROBE_SECONDS)
    for frame, probe in zip(frames, probes, strict=True):
        if not probe.done():
            probe.cancel()
        elif not probe.cancelled() and probe.exception() is None and probe.result():
            clicked = await _dismiss_in(frame, specs, payload)
            if clicked is not None:
                break
    for probe in probes:
        probe.cancel()
    await asyncio.gather(*probes, return_exceptions=True)
    return clicked


async def _probe(target: Any, payload: list[dict[str, str | None]]) -> bool:
    """Whether ``target`` shows any consent button at all (or needs Playwright to tell)."""
    return bool(await target.evaluate(_PROBE, [payload, 0]))


async def _dismiss_in(target: Any, specs: Sequence[ConsentSpec],
                      payload: list[dict[str, str | None]]) -> str | None:
    """Probe and click within one page or frame (both have ``evaluate`` and ``locator``)."""
    start = 0
    while start < len(specs):
        try:
            found = await target.evaluate(_PROBE, [payload, start])
        except Exception:  # noqa: BLE001 - a page navigating away has no banner to click
            return None
        if not found:
            return None
        if "hit" in found:
            spec = specs[found["hit"]]
            if await _click(target.locator(spec.selector).nth(found["nth"])):
                return spec.selector
            start = found["hit"] + 1
            continue
        spec = specs[found["stop"]]  # a Playwright-only selector: its own engine decides
        try:
            loc = target.locator(spec.selector).first
            if await loc.count() and await loc.is_visible() and await _click(loc):
                return spec.selector
        except Exception:  # noqa: BLE001 - a selector that does not apply is simply skipped
            pass
        start = found["stop"] + 1
    return None


async def _click(locator: Any) -> bool:
    try:
        await locator.click(timeout=2000)
        return True
    except Exception:  # noqa: BLE001 - covered or detached: try the next selector
        return False
