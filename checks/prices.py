"""Checks that compare what channels say an offer costs and commits the customer to."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from auditor.display import display_value
from auditor.model import Observation
from checks.context import CheckContext, Issue, values_by_channel
from checks.registry import Option, check
from checks.vat import gross, vat_by_place, vat_of, vat_rates

_LABEL = {
    "monthly_price": "monthly price",
    "promo_price": "campaign price",
    "price": "price",
    "activation_fee": "activation fee",
    "delivery_fee": "delivery fee",
    "cancellation_fee": "cancellation fee",
    "contract_months": "contract length",
    "promo_months": "campaign length",
    "price_lock_months": "price guarantee",
}


def _agree(a: Decimal, b: Decimal, absolute: Decimal, relative: Decimal) -> bool:
    diff = abs(a - b)
    return diff <= absolute or (relative > 0 and diff <= relative * max(abs(a), abs(b)))


def _clusters(values: Iterable[Decimal], absolute: Decimal, relative: Decimal) -> list[Decimal]:
    """Distinct values, where values within tolerance of each other count as one."""
    out: list[Decimal] = []
    for v in sorted(set(values)):
        if not out or not _agree(out[-1], v, absolute, relative):
            out.append(v)
    return out


def _as_stated(o: Observation) -> Decimal:
    return o.value


def visible_first(ctx: CheckContext) -> Callable[[Observation], bool]:
    """Structured data (schema.org) counts only on a page that shows no price of the offer:
    where the page shows one, the shopper reads that, and a structured value that disagrees
    with it is ``structured_data_mismatch``'s finding, not a second price."""
    shown = {(o.channel, o.evidence.url, o.subject)
             for o in ctx.of(*_VISIBLE_PRICES) if o.source in ("text", "selector")}

    def keep(o: Observation) -> bool:
        return o.source != "structured" or (o.channel, o.evidence.url, o.subject) not in shown

    return keep


_VISIBLE_PRICES = ("price", "monthly_price", "promo_price", "list_price")


def disagreements(ctx: CheckContext, attributes: Sequence[str], *, absolute: Decimal,
                  relative: Decimal = Decimal("0"), exclude_sources: Sequence[str] = (),
                  value_of: Callable[[Observation], Decimal] = _as_stated,
                  keep: Callable[[Observation], bool] = lambda o: True,
                  ) -> Iterable[tuple[str, str, Mapping[str, list[Observation]]]]:
    """``(subject, attribute, per_channel)`` where the channels disagree: some channel
    states a value no other channel states.

    Channels that state the same values agree even when there are several — "$25/mo, or
    $20/mo with AutoPay" everywhere, or standard and express delivery — because the
    customer meets the same offer wherever they look. A value only one channel states is a
    disagreement, including a channel that contradicts itself (a listing says 29,90, the
    detail page and the other channels 32,90) — but not a value on a page that lists every
    value the other channels give and more (a tariff grid: options of the offer). A
    subject only one channel states disagrees
    when two of its pages (or chats) state different values; several values on one page are
    the prices of its parts or options. ``value_of`` puts values on one footing before
    comparing (VAT added to net prices); ``keep`` says which observations count.
    """
    for attribute in attributes:
        for subject, per_channel in sorted(ctx.by_subject(attribute).items()):
            per = {ch: [o for o in obs if o.source not in exclude_sources and keep(o)]
                   for ch, obs in per_channel.items()}
            per = {ch: obs for ch, obs in per.items() if obs}
            stated = {ch: [value_of(o) for o in obs if isinstance(o.value, Decimal)]
                      for ch, obs in per.items()}
            stated = {ch: vs for ch, vs in stated.items() if vs}
            if len(_clusters([v for vs in stated.values() for v in vs], absolute,
                             relative)) <= 1:
                continue
            if len(stated) == 1:
                if _pages_disagree([o for obs in per.values() for o in obs
                                    if isinstance(o.value, Decimal)], value_of, absolute,
                                   relative):
                    yield subject, attribute, per
            elif _channels_disagree(per, value_of, absolute, relative):
                yield subject, attribute, per


def _place(o: Observation) -> str:
    """Where an observation was said: its page, its chat, or itself."""
    return o.evidence.url or o.evidence.transcript or o.id


def _channels_disagree(per: Mapping[str, list[Observation]],
                       value_of: Callable[[Observation], Decimal], absolute: Decimal,
                       relative: Decimal) -> bool:
    """Whether some channel states a value no other channel states — unless that value sits
    on a web page that states every value the other channels give, and more: a tariff grid
    of every meter power ("3 kVA 11,73 € · 6 kVA 15,47 € · 9 kVA 19,39 €") beside the 6 kVA
    price the other channels quote lists options, it contradicts nothing. A page that
    leaves out what the others say ("$65/mo, or $60/mo with AutoPay" against "$60, or $55")
    and anything a chat says still count."""
    obs = {ch: [o for o in said if isinstance(o.value, Decimal)] for ch, said in per.items()}
    for ch, said in obs.items():
        others = [value_of(w) for other, ws in obs.items() if other != ch for w in ws]
        pages: dict[str, list[Decimal]] = {}
        for o in said:
            if o.evidence.url and o.source != "transcript":
                pages.setdefault(_place(o), []).append(value_of(o))
        listings = {p for p, vs in pages.items()
                    if all(any(_agree(w, v, absolute, relative) for v in vs) for w in others)}
        if any(not any(_agree(value_of(o), w, absolute, relative) for w in others)
               and _place(o) not in listings for o in said):
            return True
    return False


def _pages_disagree(obs: Sequence[Observation], value_of: Callable[[Observation], Decimal],
                    absolute: Decimal, relative: Decimal) -> bool:
    """Whether a channel that alone states a subject's value contradicts itself: two pages
    (or a page and a chat) have no value in common. Several values on one page, each in its
    own place ("Cracked screen repair $29", "Replacement $99"), are the prices of its parts
    or options, not a contradiction; so a page that gives one of them ("6 kVA: 15,47 €/mois"
    beside a tariff grid of four powers) agrees with the page that gives them all."""
    places: dict[str, list[Decimal]] = {}
    for o in obs:
        places.setdefault(_place(o), []).append(value_of(o))
    sets = list(places.values())
    return any(not any(_agree(v, w, absolute, relative) for v in a for w in b)
               for i, a in enumerate(sets) for b in sets[i + 1:])


def _mismatch_issue(ctx: CheckContext, subject: str, attribute: str,
                    per: Mapping[str, list[Observation]],
                    shown_as: Callable[[Observation], str] = display_value,
                    per_use: bool = False) -> Issue:
    values = values_by_channel(per, shown_as)
    said = "; ".join(f"{ch}: {v}" for ch, v in values.items())
    label = _LABEL.get(attribute, attribute.replace("_", " ")) + (" per use" if per_use else "")
    return Issue(
        subject=subject, attribute=attribute, channels=tuple(sorted(per)),
        observations=tuple(o for obs in per.values() for o in obs),
        message=f"The {label} of {ctx.name_of(subject)} differs between channels ({said}). "
                f"A customer who compares channels sees two different offers.",
        values=values, key=("per use",) if per_use else ())


def _disjoint_pair(per: Mapping[str, list[Observation]],
                   value_of: Callable[[Observation], Decimal]) -> bool:
    """Whether two channels state no value in common."""
    sets = [{value_of(o) for o in obs} for obs in per.values()]
    return any(not (a & b) for i, a in enumerate(sets) for b in sets[i + 1:])


@check("price_mismatch", severity="high", options={
    "attributes": Option(["monthly_price", "price"],
                         "Price attributes compared across channels (campaign prices are "
                         "offer_terms_mismatch's)."),
    "tolerance": Option("0.00", "Largest absolute difference (in the currency) that still "
                                "counts as the same price, e.g. '0.01' for rounding."),
    "relative_tolerance": Option("0", "Largest relative difference that still agrees "
                                      "(0.01 = 1 %)."),
    "vat_rate": Option("auto", "VAT rate in percent added to prices on pages that say they "
                               "exclude VAT ('alv 0 %') before comparing; 'auto' takes the "
                               "standard rate of each channel's country (its locale: "
                               "'nb-NO' → 25), 25.5 where none is known; '0' turns it off."),
})
def price_mismatch(ctx: CheckContext) -> Iterable[Issue]:
    """The same offer has a different price in different channels.

    A monthly price that is 29,90 €/kk on the desktop site but 32,90 €/kk on mobile breaks
    the customer's trust the moment they notice, and in the EU a price shown to consumers
    must be the price they pay. The check compares every price attribute of every subject
    across all channels, including schema.org data that search engines show, and reports a
    finding when two channels state values further apart than the tolerance. It is
    VAT-aware: a price on a page that says it excludes VAT ("alv 0 %", "excl. VAT") is
    compared with VAT added at ``vat_rate`` (by default the standard rate of the channel's
    country), so in Finland 19,92 € + 25,5 % and 25,00 € agree. A
    monthly price equal to a campaign price the same channel states for the offer is that
    campaign restated without its terms (a banner), not a second regular price; a bare
    price equal to a monthly or campaign price the same channel states for the offer is
    that price written without its period ("danach € 54,90" on a card). Prices per use (per
    minute, per call-out, per kWh) are compared with each other, never with the offer's price.
    """
    rates = vat_rates(ctx, ctx.options["vat_rate"])
    vat = vat_by_place(ctx) if any(rates.values()) else {}

    def comparable(o: Observation) -> Decimal:
        rate = rates.get(o.channel, Decimal(0))
        return gross(o.value, rate) if rate and vat_of(vat, o) is False else o.value

    def shown_as(o: Observation) -> str:
        # A net price is compared with VAT added: the reader sees both, or "29,90 € vs
        # 29,90 €" would look like no difference at all.
        stated = display_value(o)
        if not isinstance(o.value, Decimal) or comparable(o) == o.value:
            return stated
        with_vat = display_value(dataclasses.replace(o, value=comparable(o)))
        return f"{stated} excl. VAT (= {with_vat})"

    visible = visible_first(ctx)
    # A monthly price a channel also states as a campaign price of the same offer ("Pack
    # Familia a 59,90 € al mes" on a banner, "59,90 €/mes durante los 6 primeros meses" on
    # its page) is that campaign without its terms: offer_terms_mismatch and stale_offer
    # judge campaigns, and it is no second regular price.
    campaigns = {(subject, ch, o.value)
                 for subject, per in ctx.by_subject("promo_price").items()
                 for ch, obs in per.items() for o in obs if isinstance(o.value, Decimal)}
    # A bare amount ("danach € 54,90" on a card, "€ 9,90" in a price box) equal to a monthly
    # or campaign price the same channel states for the offer is that price written without
    # its period, not a one-off price that contradicts it.
    monthly = campaigns | {(subject, ch, o.value)
                           for subject, per in ctx.by_subject("monthly_price").items()
                           for ch, obs in per.items() for o in obs
                           if isinstance(o.value, Decimal)}

    def keep(o: Observation) -> bool:
        # A price per use (per minute, per claim) is no rival of the offer's price.
        return visible(o) and o.period != "unit" and not (
            o.attribute == "monthly_price" and (o.subject, o.channel, o.value) in campaigns
        ) and not (o.attribute == "price" and o.period in (None, "once")
                   and (o.subject, o.channel, o.value) in monthly)

    def per_use(o: Observation) -> bool:
        # Prices per use are compared with prices per use: "1 195 kr per utryckning" on the
        # site and "995 kr per utryckning" in chat disagree.
        return visible(o) and o.period == "unit" and o.attribute == "price"

    for rule in (keep, per_use):
        for subject, attribute, per in disagreements(
                ctx, ctx.options["attributes"],
                absolute=Decimal(str(ctx.options["tolerance"])),
                relative=Decimal(str(ctx.options["relative_tolerance"])), value_of=comparable,
                keep=rule):
            # Prices per use of different units meet here (per visit, per order): channels
            # disagree only when one states none of another's.
            if rule is per_use and not _disjoint_pair(per, comparable):
                continue
            yield _mismatch_issue(ctx, subject, attribute, per, shown_as,
                                  per_use=rule is per_use)


@check("fee_mismatch", severity="high", options={
    "attributes": Option(["activation_fee", "delivery_fee", "cancellation_fee"],
                         "Fee attributes compared across channels."),
    "tolerance": Option("0.00", "Largest absolute difference that still agrees."),
})
def fee_mismatch(ctx: CheckContext) -> Iterable[Issue]:
    """A fee of an offer is stated differently in different channels.

    "Ei avausmaksua" on the website and "avausmaksu on 4,90 €" in the chat cannot both be
    true. Fees are where surprises at the end of a sale come from, so every fee attribute
    that two channels state is compared; a fee that one channel omits entirely is the
    ``hidden_fee`` check's business.
    """
    # A fee waived above an order value is compared as what the offer's buyer pays:
    # "CHF 7.90, free from CHF 50" and "free delivery" agree for a CHF 599 phone.
    for subject, attribute, per in disagreements(
            ctx, ctx.options["attributes"], absolute=Decimal(str(ctx.options["tolerance"])),
            value_of=ctx.fee_due):
        yield _mismatch_issue(ctx, subject, attribute, per)


@check("contract_mismatch", severity="high", options={
    "attributes": Option(["contract_months", "price_lock_months"],
                         "Term attributes compared across channels."),
})
def contract_mismatch(ctx: CheckContext) -> Iterable[Issue]:
    """The contract length (or the price guarantee) of an offer differs between channels.

    A customer who read "12 kk määräaikainen" on the website and is told "24 kk" in the chat
    (or who signs a 24-month contract believing it is 12) has been misinformed about the
    commitment they make — a classic source of complaints and cancellations. Open-ended
    contracts ("toistaiseksi voimassa") count as 0 months, so fixed versus open-ended is a
    mismatch too. A price guarantee ("prix bloqué 2 ans", "12-month price lock",
    ``price_lock_months``) is a term too: told "3 years" in chat and "2 years" on the site,
    the customer expects a price the company will not keep.
    """
    for subject, attribute, per in disagreements(ctx, ctx.options["attributes"],
                                                 absolute=Decimal("0")):
        yield _mismatch_issue(ctx, subject, attribute, per)


@check("structured_data_mismatch", severity="medium", options={
    "tolerance": Option("0.00", "Largest absolute difference that still agrees."),
})
def structured_data_mismatch(ctx: CheckContext) -> Iterable[Issue]:
    """A page's structured data (schema.org) states a price the page itself does not show.

    Search engines, price comparison sites and shopping ads read the JSON-LD or microdata
    of a product page, not its visible text; when the two disagree, customers arrive
    expecting a price the shop no longer (or not yet) charges — the usual sign of a stale
    CMS or product feed. For every page, each structured price of an offer is compared with
    the prices the same page shows for it; a structured price that matches none of them is
    a finding naming both values. Like is compared with like: a structured current price
    ("price" of a schema.org Offer) is compared with the current prices the page shows, not
    with its struck-through former price — a feed still carrying the old price after a
    price cut is exactly the stale data this check is for. Only a page that shows no current
    price of the offer at all is compared with its list prices.
    """
    tolerance = Decimal(str(ctx.options["tolerance"]))
    shown: dict[tuple[str, str | None, str], list[Observation]] = {}
    for o in ctx.of(*_VISIBLE_PRICES):
        if o.source in ("text", "selector") and isinstance(o.value, Decimal):
            shown.setdefault((o.channel, o.evidence.url, o.subject or ""), []).append(o)
    stale: dict[tuple[str, str], list[tuple[Observation, list[Observation]]]] = {}
    for o in ctx.of(*_VISIBLE_PRICES):
        if o.source != "structured" or not isinstance(o.value, Decimal):
            continue
        page = shown.get((o.channel, o.evidence.url, o.subject or ""))
        if not page:
            continue
        listed = o.attribute == "list_price"
        same_role = [v for v in page if (v.attribute == "list_price") == listed]
        if any(abs(v.value - o.value) <= tolerance for v in same_role or page):
            continue
        stale.setdefault((o.subject or "", o.channel), []).append((o, page))
    for (subject, channel), pairs in sorted(stale.items()):
        structured = values_by_channel({channel: [o for o, _ in pairs]})[channel]
        visible = values_by_channel({channel: [v for _, page in pairs for v in page]})[channel]
        urls = sorted({o.evidence.url or "" for o, _ in pairs})
        # The finding is about the price the shopper reads (a monthly price, a one-off one).
        shown_as = {v.attribute for _, page in pairs for v in page if v.attribute != "list_price"}
        yield Issue(
            subject=subject, attribute=shown_as.pop() if len(shown_as) == 1 else "price",
            channels=(channel,),
            observations=tuple(o for o, page in pairs) + tuple(v for _, p in pairs for v in p),
            key=(channel,),
            message=f"On {channel}, the structured data of {ctx.name_of(subject)} says "
                    f"{structured} but the page shows {visible} ({', '.join(urls[:2])}). "
                    f"Search results and price comparisons show the stale value.",
            values={channel: f"structured data {structured}; page {visible}"})
