"""Checks that compare what channels say an offer costs and commits the customer to."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from auditor.model import Observation
from checks.context import CheckContext, Issue, values_by_channel
from checks.registry import Option, check
from checks.vat import gross, place, vat_by_place

_LABEL = {
    "monthly_price": "monthly price",
    "promo_price": "campaign price",
    "price": "price",
    "activation_fee": "activation fee",
    "delivery_fee": "delivery fee",
    "cancellation_fee": "cancellation fee",
    "contract_months": "contract length",
    "promo_months": "campaign length",
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


def disagreements(ctx: CheckContext, attributes: Sequence[str], *, absolute: Decimal,
                  relative: Decimal = Decimal("0"), exclude_sources: Sequence[str] = (),
                  value_of: Callable[[Observation], Decimal] = _as_stated,
                  ) -> Iterable[tuple[str, str, Mapping[str, list[Observation]]]]:
    """``(subject, attribute, per_channel)`` where two channels state different values.

    A channel that states several values itself (a listing and a detail page that disagree)
    is a disagreement too: the customer meets both. ``value_of`` puts values on one footing
    before comparing (VAT added to net prices).
    """
    for attribute in attributes:
        for subject, per_channel in sorted(ctx.by_subject(attribute).items()):
            per = {ch: [o for o in obs if o.source not in exclude_sources]
                   for ch, obs in per_channel.items()}
            per = {ch: obs for ch, obs in per.items() if obs}
            values = [value_of(o) for obs in per.values() for o in obs
                      if isinstance(o.value, Decimal)]
            if len(_clusters(values, absolute, relative)) > 1:
                yield subject, attribute, per


def _mismatch_issue(ctx: CheckContext, subject: str, attribute: str,
                    per: Mapping[str, list[Observation]]) -> Issue:
    values = values_by_channel(per)
    said = "; ".join(f"{ch}: {v}" for ch, v in values.items())
    label = _LABEL.get(attribute, attribute.replace("_", " "))
    return Issue(
        subject=subject, attribute=attribute, channels=tuple(sorted(per)),
        observations=tuple(o for obs in per.values() for o in obs),
        message=f"The {label} of {ctx.name_of(subject)} differs between channels ({said}). "
                f"A customer who compares channels sees two different offers.",
        values=values)


@check("price_mismatch", severity="high", options={
    "attributes": Option(["monthly_price", "price"],
                         "Price attributes compared across channels (campaign prices are "
                         "offer_terms_mismatch's)."),
    "tolerance": Option("0.00", "Largest absolute difference (in the currency) that still "
                                "counts as the same price, e.g. '0.01' for rounding."),
    "relative_tolerance": Option("0", "Largest relative difference that still agrees "
                                      "(0.01 = 1 %)."),
    "vat_rate": Option("25.5", "VAT rate in percent added to prices on pages that say they "
                               "exclude VAT ('alv 0 %') before comparing; '0' turns it off."),
})
def price_mismatch(ctx: CheckContext) -> Iterable[Issue]:
    """The same offer has a different price in different channels.

    A monthly price that is 29,90 €/kk on the desktop site but 32,90 €/kk on mobile breaks
    the customer's trust the moment they notice, and in the EU a price shown to consumers
    must be the price they pay. The check compares every price attribute of every subject
    across all channels, including schema.org data that search engines show, and reports a
    finding when two channels state values further apart than the tolerance. It is
    VAT-aware: a price on a page that says it excludes VAT ("alv 0 %", "excl. VAT") is
    compared with VAT added at ``vat_rate``, so 19,92 € + 25,5 % and 25,00 € agree.
    """
    rate = Decimal(str(ctx.options["vat_rate"]))
    vat = vat_by_place(ctx) if rate else {}

    def comparable(o: Observation) -> Decimal:
        return gross(o.value, rate) if vat.get(place(o)) is False else o.value

    for subject, attribute, per in disagreements(
            ctx, ctx.options["attributes"], absolute=Decimal(str(ctx.options["tolerance"])),
            relative=Decimal(str(ctx.options["relative_tolerance"])), value_of=comparable):
        yield _mismatch_issue(ctx, subject, attribute, per)


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
    for subject, attribute, per in disagreements(
            ctx, ctx.options["attributes"], absolute=Decimal(str(ctx.options["tolerance"]))):
        yield _mismatch_issue(ctx, subject, attribute, per)


@check("contract_mismatch", severity="high", options={
    "attributes": Option(["contract_months"], "Term attributes compared across channels."),
})
def contract_mismatch(ctx: CheckContext) -> Iterable[Issue]:
    """The contract length of an offer differs between channels.

    A customer who read "12 kk määräaikainen" on the website and is told "24 kk" in the chat
    (or who signs a 24-month contract believing it is 12) has been misinformed about the
    commitment they make — a classic source of complaints and cancellations. Open-ended
    contracts ("toistaiseksi voimassa") count as 0 months, so fixed versus open-ended is a
    mismatch too.
    """
    for subject, attribute, per in disagreements(ctx, ctx.options["attributes"],
                                                 absolute=Decimal("0")):
        yield _mismatch_issue(ctx, subject, attribute, per)
