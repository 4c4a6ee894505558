"""The second pass: confirm findings on the live pages and take their evidence.

Screenshots are the costliest part of a browser visit (a raw Playwright loop here falls from
about 10 pages/s to 5 with a viewport screenshot and 2 with a full-page one), and only the
pages behind findings need them. So the first pass captures without images or screenshots,
the checks run, and this pass re-visits only the URLs of the web observations behind
findings, with images on:

* it extracts each page again and looks for every observation behind the finding — same
  attribute, value and way of being shown. All found: the finding is **confirmed**. One
  missing: **unconfirmed** (a dynamic page, an A/B test, a price changed in between): it is
  reported as such and never gates (:func:`auditor.model.is_gating`). A page that cannot be
  re-visited leaves the finding unchecked (``confirmed`` ``None``), with the reason;
* for each reproduced element it takes a screenshot of the element with a margin and an
  outline drawn on the page, and keeps the current HTML snippet. Files are named by the hash
  of their content under ``evidence/``: the same crop is stored once, and a retried unit
  overwrites rather than duplicates.

:func:`confirm_channel` is a unit of work like the first pass: plain arguments (a channel's
URLs and the observations expected there), no global state.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from auditor.browser import BrowserHost
from auditor.capture.contexts import PagePool
from auditor.capture.web import (
    DEFAULT_CONSENT_SELECTORS,
    LogoCache,
    context_options,
    extract_page,
    load_page,
)
from auditor.config import AuditConfig, WebChannel
from auditor.extract.page import Box
from auditor.model import Finding, Observation, encode_value

EVIDENCE_DIR = "evidence"

#: Outline drawn around the element before its screenshot (the report's accent colour).
OUTLINE = "3px solid #e6005a"
MARGIN = 12

_MARK = """(sel) => { const el = document.querySelector(sel); if (!el) return null;
  el.scrollIntoView({block: 'center'});
  el.style.setProperty('outline', '%s', 'important');
  el.style.setProperty('outline-offset', '2px', 'important');
  const r = el.getBoundingClientRect();
  return {x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height}; }"""


@dataclass(frozen=True)
class Recheck:
    """What the second pass learnt about one observation."""

    #: ``True`` reproduced, ``False`` the page no longer shows it, ``None`` not re-checked.
    reproduced: bool | None
    reason: str
    screenshot: str | None = None
    html: str | None = None


def _key(o: Observation) -> tuple[Any, ...]:
    """What must be the same on the re-visit for an observation to count as reproduced:
    attribute, value, and how it was shown (visible, collapsed) — a fee that moved out of a
    collapsed box no longer supports a fine-print finding."""
    return (o.attribute, str(encode_value(o.value)), o.shown.visible, o.shown.collapsed)


def save_evidence(data: bytes, out_dir: Path, suffix: str = ".png") -> str:
    """Store bytes under ``evidence/`` named by their hash; return the relative path."""
    name = hashlib.sha256(data).hexdigest()[:24] + suffix
    path = out_dir / EVIDENCE_DIR / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return f"{EVIDENCE_DIR}/{name}"


async def element_screenshot(page: Any, selector: str | None, box: Box | None,
                             timeout: float) -> bytes | None:
    """A PNG of the element with an outline and a margin, or ``None`` when it has no box.

    The outline is drawn by the page itself (a CSS outline on the element) so the crop shows
    exactly what the customer sees around it. Clipped to the element plus a margin: a clip
    costs a fraction of a full-page screenshot and never hits Chromium's texture limit.
    """
    if selector:
        try:
            got = await page.evaluate(_MARK % OUTLINE, selector)
            if got and got["w"] > 0 and got["h"] > 0:
                box = Box(got["x"], got["y"], got["w"], got["h"])
        except Exception:  # noqa: BLE001 - fall back to the box the extraction saw
            pass
    if box is None or box.w < 1 or box.h < 1:
        return None
    clip = {"x": max(0.0, box.x - MARGIN), "y": max(0.0, box.y - MARGIN),
            "width": min(box.w + 2 * MARGIN, 4000), "height": min(box.h + 2 * MARGIN, 4000)}
    try:
        return await page.screenshot(clip=clip, full_page=True, type="png",
                                     timeout=timeout * 1000)
    except Exception:  # noqa: BLE001 - no crop is no evidence image, never a failed finding
        return None


async def confirm_channel(host: BrowserHost, playwright: Any, name: str, ch: WebChannel,
                          config: AuditConfig, expected: Mapping[str, Sequence[Observation]],
                          out_dir: Path, today: date | None = None) -> dict[str, Recheck]:
    """Re-visit each URL of ``expected`` (``url -> observations seen there``) and return a
    :class:`Recheck` per observation id."""
    opts = context_options(playwright, ch, config)
    consent = tuple(ch.consent_selectors) + DEFAULT_CONSENT_SELECTORS
    logos = LogoCache()
    results: dict[str, Recheck] = {}
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in expected:
        queue.put_nowait(url)

    async def visit(page: Any, url: str) -> None:
        wanted = expected[url]
        try:
            await asyncio.wait_for(load_page(page, url, ch, None, consent), ch.timeout * 2 + 5)
            found, _ = await asyncio.wait_for(
                extract_page(page, channel=name, ch=ch, config=config, today=today,
                             logos=logos), ch.timeout + 5)
        except Exception as e:  # noqa: BLE001 - cannot tell: leave the finding unchecked
            from auditor.capture.web import _reason

            for o in wanted:
                results[o.id] = Recheck(None, f"could not re-visit {url}: {_reason(e)}")
            return
        now: dict[tuple[Any, ...], list[Any]] = {}
        for po in found:
            now.setdefault(_key(po.observation), []).append(po)
        for o in wanted:
            matches = now.get(_key(o), [])
            if not matches:
                results[o.id] = Recheck(False, f"{url} no longer shows {o.attribute} "
                                        f"{encode_value(o.value)} as it did")
                continue
            # The same element if it is still there, else the first one that says the same.
            po = next((m for m in matches
                       if m.observation.evidence.selector == o.evidence.selector), matches[0])
            shot = None
            if ch.screenshots:
                png = await element_screenshot(page, po.observation.evidence.selector, po.box,
                                               ch.timeout)
                shot = save_evidence(png, out_dir) if png else None
            results[o.id] = Recheck(True, f"reproduced on {url}", shot,
                                    po.observation.evidence.html)

    async def worker() -> None:
        page = await pool.page()
        try:
            while not queue.empty():
                url = queue.get_nowait()
                await visit(page, url)
                if page.is_closed():
                    await pool.release(page)
                    page = await pool.page()
        finally:
            await pool.release(page)

    n = max(1, min(ch.concurrency, len(expected)))
    # One shared context, a page per worker, as in the first pass (auditor.capture.contexts).
    pool = PagePool(host, opts, timeout_ms=ch.timeout * 1000, pages_per_context=10**9)
    try:
        outcomes = await asyncio.gather(*(worker() for _ in range(n)), return_exceptions=True)
    finally:
        await logos.close()
        await pool.close()
    crash = next((o for o in outcomes if isinstance(o, BaseException)), None)
    for obs in expected.values():
        for o in obs:
            results.setdefault(o.id, Recheck(None, f"not re-checked: {crash or 'stopped'}"))
    return results


def observations_to_confirm(findings: Iterable[Finding], observations: Iterable[Observation],
                            web_channels: Mapping[str, WebChannel]
                            ) -> dict[str, dict[str, list[Observation]]]:
    """``channel -> url -> observations`` behind findings, for channels with screenshots on."""
    wanted_ids = {i for f in findings if f.status != "waived"
                  for i in (*f.observations, *f.reference)}
    out: dict[str, dict[str, list[Observation]]] = {}
    for o in observations:
        ch = web_channels.get(o.channel)
        if o.id in wanted_ids and ch is not None and ch.screenshots and o.evidence.url:
            out.setdefault(o.channel, {}).setdefault(o.evidence.url, []).append(o)
    return out


def apply_rechecks(findings: Sequence[Finding], observations: Sequence[Observation],
                   rechecks: Mapping[str, Recheck]
                   ) -> tuple[tuple[Finding, ...], tuple[Observation, ...]]:
    """Findings with their verdicts and observations with their evidence files.

    A finding is confirmed when every re-checked observation behind it was reproduced,
    unconfirmed when any was not, and left unchecked when none of them was re-checked.
    """
    obs = []
    for o in observations:
        r = rechecks.get(o.id)
        if r is not None and r.reproduced:
            o = dataclasses.replace(o, evidence=dataclasses.replace(
                o.evidence, screenshot=r.screenshot or o.evidence.screenshot,
                html=r.html or o.evidence.html))
        obs.append(o)
    out = []
    for f in findings:
        checks = [rechecks[i] for i in f.observations if i in rechecks]
        decided = [r for r in checks if r.reproduced is not None]
        if not checks:
            out.append(f)
            continue
        if any(r.reproduced is False for r in decided):
            verdict, why = False, next(r.reason for r in decided if r.reproduced is False)
        elif decided and len(decided) == len(checks):
            verdict, why = True, f"re-visited {len(decided)} observation(s): all reproduced"
        else:
            verdict, why = None, next(r.reason for r in checks if r.reproduced is None)
        out.append(dataclasses.replace(f, confirmed=verdict, confirmation=why))
    return tuple(out), tuple(obs)
