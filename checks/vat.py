"""VAT: whether a price includes it, and whether a channel says so at all.

Consumer prices in the EU are quoted with VAT; a business page may quote them without
("alv 0 %"). The extractor records each such statement as a ``vat_included`` observation
(``True`` for "sis. alv", ``False`` for "alv 0 %") on the page or transcript where it was
seen, so VAT status is known per page, not per price: one statement covers the prices
around it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from auditor.model import Observation
from checks.context import CheckContext, Issue, values_by_channel
from checks.registry import Option, check

_PRICES = ("monthly_price", "price", "promo_price")
_CENT = Decimal("0.01")


#: Standard VAT rates in percent by country (ISO 3166), for ``vat_rate: auto``. Rates
#: change: a run in a country not listed, or a rate that has changed, sets ``vat_rate``.
STANDARD_VAT = {
    "AT": "20", "BE": "21", "CH": "8.1", "CZ": "21", "DE": "19", "DK": "25", "EE": "24",
    "ES": "21", "FI": "25.5", "FR": "20", "GB": "20", "HU": "27", "IE": "23", "IS": "24",
    "IT": "22", "LT": "21", "LU": "17", "LV": "21", "NL": "21", "NO": "25", "PL": "23",
    "PT": "23", "SE": "25", "SK": "23",
}
#: Where a channel names no locale with a country (``vat_rate: auto``).
FALLBACK_VAT = "25.5"


def vat_rates(ctx: CheckContext, option: object) -> dict[str, Decimal]:
    """``{channel: rate}``: the option's rate for every channel, or with ``auto`` the
    standard rate of each channel's country (its locale's region: "nb-NO" → 25), else of
    the country every channel that names one shares, else :data:`FALLBACK_VAT`."""
    if str(option).strip().lower() != "auto":
        rate = Decimal(str(option))
        return {name: rate for name in ctx.channels}
    countries = {name: _country(info.locale) for name, info in ctx.channels.items()}
    known = {c for c in countries.values() if c}
    shared = known.pop() if len(known) == 1 else None
    return {name: Decimal(STANDARD_VAT.get(country or shared or "", FALLBACK_VAT))
            for name, country in countries.items()}


def _country(locale: str | None) -> str | None:
    parts = str(locale or "").replace("_", "-").split("-")
    return parts[1].upper() if len(parts) > 1 and len(parts[1]) == 2 else None


def place(o: Observation) -> tuple[str, str | None]:
    """Where an observation was said: its channel and page (or transcript)."""
    return o.channel, o.evidence.url or o.evidence.transcript


def vat_by_place(ctx: CheckContext) -> dict[tuple[str, str | None], bool | None]:
    """``{(channel, page): True/False}``; ``None`` when a page says both (a B2B/B2C table).

    A statement the channel makes site-wide (its footer's "all prices include VAT", text on
    most of its pages) is ``(channel, None)``: it covers every page of the channel that
    says nothing of its own (:func:`vat_of`).
    """
    out: dict[tuple[str, str | None], bool | None] = {}
    for o in ctx.of("vat_included"):
        key, said = place(o), bool(o.value)
        out[key] = said if out.get(key, said) == said else None
    for ch, obs in ctx.channel_wide("vat_included").items():
        for o in obs:
            key, said = (ch, None), bool(o.value)
            out[key] = said if out.get(key, said) == said else None
    return out


def vat_of(stated: dict[tuple[str, str | None], bool | None], o: Observation) -> bool | None:
    """Whether the price ``o`` includes VAT, as its page — or else its channel — says."""
    key = place(o)
    if key in stated:
        return stated[key]
    return stated.get((o.channel, None))


def vat_stated(stated: dict[tuple[str, str | None], bool | None], o: Observation) -> bool:
    return place(o) in stated or (o.channel, None) in stated


def gross(value: Decimal, rate_percent: Decimal) -> Decimal:
    """A net price with VAT added, to the cent (how shops round)."""
    return (value * (1 + rate_percent / 100)).quantize(_CENT, rounding=ROUND_HALF_UP)


@check("vat_statement_missing", severity="low", options={
    "where": Option(["web"], "Kinds of channel whose price pages must say whether prices "
                             "include VAT (chats quote prices conversationally)."),
})
def vat_statement_missing(ctx: CheckContext) -> Iterable[Issue]:
    """A channel shows an offer's price without ever saying whether it includes VAT.

    "24,90 €/kk" means one thing to a consumer and another to a business buyer who reads
    prices net of VAT; a page that lists prices and says neither "sis. alv" nor "alv 0 %"
    leaves both guessing, and when another channel quotes the same offer the other way the
    customer sees two prices. The check looks at every page of the configured kinds of
    channel where a price of the offer appears in the page text and reports the channel when
    none of those pages states the VAT treatment — a statement the channel makes site-wide
    (a footer's "all prices include VAT") covers all its pages. Only text that was read
    from a page counts; schema.org data carries no VAT statement by design, and chats are
    left out by default because an agent quoting a price is not a price list.
    """
    channels = set(ctx.channels_of_kind(ctx.options["where"]))
    stated = vat_by_place(ctx)
    unstated: dict[tuple[str, str], list[Observation]] = {}
    covered: set[tuple[str, str]] = set()
    for attribute in _PRICES:
        for subject, per in ctx.by_subject(attribute).items():
            for ch, obs in per.items():
                if ch not in channels:
                    continue
                for o in obs:
                    if o.source != "text":
                        continue
                    if vat_stated(stated, o):
                        covered.add((subject, ch))
                    else:
                        unstated.setdefault((subject, ch), []).append(o)
    for (subject, ch), obs in sorted(unstated.items()):
        if (subject, ch) in covered:
            continue
        values = values_by_channel({ch: obs})
        yield Issue(
            subject=subject, attribute="vat_included", channels=(ch,), observations=tuple(obs),
            key=(ch,),
            message=f"On {ch}, the price of {ctx.name_of(subject)} ({values[ch]}) is shown on "
                    f"pages that never say whether it includes VAT.",
            values={ch: f"{values[ch]} — VAT not stated"})
