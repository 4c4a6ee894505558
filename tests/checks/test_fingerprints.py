"""Fingerprints: the same problem keeps its id across runs; a different problem gets another.

Two "runs" of the whole catalogue over the same facts, where everything a site redesign or
a re-crawl changes (URLs, selectors, observation ids, unrelated pages, the order of pages)
differs, must give the same fingerprints.
"""

import dataclasses
from datetime import date

from auditor.model import BRAND_SUBJECT, Evidence, Observation, Shown, observation_id
from checks import BrandInfo, active_checks, run_checks
from tests.checks.conftest import CHANNELS

COLLAPSED = Shown(visible=False, font_px=14, contrast=10, collapsed=True, above_fold=None)

# (channel, subject, attribute, value, shown) — the facts of a small shop with five problems.
FACTS = [
    ("desktop", "mbb-300", "monthly_price", "29.90", None),
    ("mobile", "mbb-300", "monthly_price", "32.90", None),
    ("chat", "mbb-100", "activation_fee", "4.90", None),
    ("desktop", "mbb-100", "monthly_price", "24.90", None),
    ("mobile", "mbb-100", "monthly_price", "24.90", None),
    ("desktop", "fiber-100", "monthly_price", "34.90", None),
    ("mobile", "fiber-100", "monthly_price", "34.90", None),
    ("desktop", "fiber-100", "activation_fee", "29.00", COLLAPSED),
    ("mobile", "fiber-100", "activation_fee", "29.00", None),
    ("desktop", "puhe", "contract_months", "12", None),
    ("chat", "puhe", "contract_months", "24", None),
    ("chat", BRAND_SUBJECT, "brand_name", "Nortel", None),
]


def _observations(host: str, layout: str, extra_pages: int = 0) -> list[Observation]:
    from decimal import Decimal

    out = []
    for i, (ch, subject, attribute, value, shown) in enumerate(FACTS):
        v = value if attribute == "brand_name" else Decimal(value)
        url = f"{host}/{layout}/{subject}" if ch != "chat" else None
        out.append(Observation(
            id=observation_id(ch, attribute, v, host, layout, i), channel=ch, subject=subject,
            attribute=attribute, value=v, text=f"{attribute} {value}",
            evidence=Evidence(url=url, selector=f"#{layout} > div:nth-child({i})",
                              transcript="chat-0001.json" if ch == "chat" else None),
            source="transcript" if ch == "chat" else "text",
            shown=shown or Shown(visible=True, font_px=16, contrast=12, collapsed=False,
                                 above_fold=True)))
        if url:  # every page says "hinnat sis. alv"
            out.append(Observation(id=f"o_vat{i}{host}", channel=ch, subject=subject,
                                   attribute="vat_included", value=True, text="sis. alv",
                                   evidence=Evidence(url=url)))
    for n in range(extra_pages):  # unrelated, consistent pages added by a redesign
        for ch in ("desktop", "mobile"):
            out.append(Observation(
                id=f"o_extra{n}{ch}", channel=ch, subject=f"new-{n}", attribute="monthly_price",
                value=Decimal("9.90"), text="9,90 €/kk",
                evidence=Evidence(url=f"{host}/{layout}/new-{n}")))
            out.append(Observation(
                id=f"o_extravat{n}{ch}", channel=ch, subject=f"new-{n}",
                attribute="vat_included", value=True, text="sis. alv",
                evidence=Evidence(url=f"{host}/{layout}/new-{n}")))
    return out


def _fingerprints(observations):
    findings = run_checks(observations, CHANNELS, checks=active_checks({}),
                          today=date(2026, 11, 23), brand=BrandInfo("Nordtel"))
    return {(f.check, f.subject, f.attribute): f.fingerprint for f in findings}


def test_the_same_problems_keep_their_fingerprints_across_runs():
    before = _fingerprints(_observations("http://127.0.0.1:8000", "v1"))
    after_obs = _observations("https://www.nordtel.example", "v2-redesign", extra_pages=3)
    after = _fingerprints(list(reversed(after_obs)))
    assert set(before) == {
        ("price_mismatch", "mbb-300", "monthly_price"),
        ("hidden_fee", "mbb-100", "activation_fee"),
        ("fine_print", "fiber-100", "activation_fee"),
        ("contract_mismatch", "puhe", "contract_months"),
        ("brand_name", BRAND_SUBJECT, "brand_name")}
    assert after == before


def test_fixing_one_problem_leaves_the_others_ids_alone():
    obs = _observations("http://127.0.0.1:8000", "v1")
    fixed = [dataclasses.replace(o, value=o.value - 3) if (o.channel, o.subject) ==
             ("mobile", "mbb-300") else o for o in obs]
    before, after = _fingerprints(obs), _fingerprints(fixed)
    assert ("price_mismatch", "mbb-300", "monthly_price") not in after
    assert after == {k: v for k, v in before.items() if k[0] != "price_mismatch"}


def test_different_problems_get_different_fingerprints():
    fps = _fingerprints(_observations("http://h", "v1"))
    assert len(set(fps.values())) == len(fps)
    # The same check on another subject, or another channel's fine print, is another problem.
    obs = _observations("http://h", "v1")
    moved = [dataclasses.replace(o, subject="mbb-301") if o.subject == "mbb-300" else o
             for o in obs]
    other = _fingerprints(moved)
    assert other[("price_mismatch", "mbb-301", "monthly_price")] != \
        fps[("price_mismatch", "mbb-300", "monthly_price")]
    swapped = [dataclasses.replace(o, shown=COLLAPSED if o.channel == "mobile" else Shown(
        visible=True, font_px=16, contrast=12, collapsed=False, above_fold=True))
        if (o.subject, o.attribute) == ("fiber-100", "activation_fee") else o for o in obs]
    assert _fingerprints(swapped)[("fine_print", "fiber-100", "activation_fee")] != \
        fps[("fine_print", "fiber-100", "activation_fee")]
