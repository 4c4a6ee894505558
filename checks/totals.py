"""A stated total cost that does not add up from the offer's own price and fees."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from auditor.model import Observation
from checks.context import CheckContext, Issue, values_by_channel
from checks.registry import Option, check

#: One-off fees that a total for the contract period includes.
_ONE_OFF = ("activation_fee", "delivery_fee")


def _amount(value: object) -> Decimal | None:
    """A Decimal from an observation value (``total_cost`` may come back from JSON as text)."""
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def _one(ctx: CheckContext, subject: str, attribute: str, channel: str) -> Decimal | None:
    """The value this channel states; else the one value every other channel agrees on.

    A total is checked against what the same channel says first. A component the channel
    does not state (the chat quoting a total without the activation fee) is taken from the
    other channels only when they agree, so the check never guesses between two values.
    """
    per = ctx.by_subject(attribute).get(subject, {})
    for source in (per.get(channel, []), [o for obs in per.values() for o in obs]):
        values = {v for o in source if (v := _amount(o.value)) is not None}
        if len(values) == 1:
            return values.pop()
        if len(values) > 1:
            return None
    return None


def expected_total(monthly: Decimal, months: Decimal, fees: Sequence[Decimal] = (),
                   promo_price: Decimal | None = None,
                   promo_months: Decimal | None = None) -> Decimal:
    """Monthly price × months, campaign months at the campaign price, plus one-off fees."""
    promo = min(promo_months or Decimal(0), months) if promo_price is not None else Decimal(0)
    total = (promo_price or Decimal(0)) * promo + monthly * (months - promo)
    return total + sum(fees, Decimal(0))


@check("total_cost_mismatch", severity="high", options={
    "tolerance": Option("0.05", "Largest difference between the stated and the computed "
                                "total that still counts as rounding."),
    "include_fees": Option(list(_ONE_OFF), "One-off fees a stated total includes."),
})
def total_cost_mismatch(ctx: CheckContext) -> Iterable[Issue]:
    """A stated total cost does not add up from the monthly price, the months and the fees.

    "Yhteensä 24 kk: 598,80 €" is what a careful customer compares offers by, and consumer
    law requires it to be right. The check recomputes every stated ``total_cost`` of an
    offer as campaign price × campaign months + monthly price × the remaining contract
    months + one-off fees (activation, delivery), using what the same channel says and,
    for a component it does not state, the value every other channel agrees on. A total
    further off than the tolerance is reported; without a monthly price or a fixed contract
    length (open-ended contracts have no total) nothing is computed and nothing reported.
    """
    tolerance = Decimal(str(ctx.options["tolerance"]))
    for subject, per in sorted(ctx.by_subject("total_cost").items()):
        for ch, obs in sorted(per.items()):
            monthly = _one(ctx, subject, "monthly_price", ch)
            months = _one(ctx, subject, "contract_months", ch)
            if monthly is None or not months:
                continue
            fees = [f for a in ctx.options["include_fees"]
                    if (f := _one(ctx, subject, a, ch)) is not None]
            promo_price = _one(ctx, subject, "promo_price", ch)
            promo_months = _one(ctx, subject, "promo_months", ch)
            computed = expected_total(monthly, months, fees, promo_price, promo_months)
            wrong: list[Observation] = [o for o in obs if (v := _amount(o.value)) is not None
                                        and abs(v - computed) > tolerance]
            if not wrong:
                continue
            stated = values_by_channel({ch: wrong})[ch]
            how = f"{_fmt(monthly)} × {_fmt(months)} kk"
            if promo_price is not None and promo_months:
                how = (f"{_fmt(promo_price)} × {_fmt(min(promo_months, months))} kk + "
                       f"{_fmt(monthly)} × {_fmt(months - min(promo_months, months))} kk")
            how += "".join(f" + {_fmt(f)}" for f in fees)
            yield Issue(
                subject=subject, attribute="total_cost", channels=(ch,),
                observations=tuple(wrong), key=(ch,),
                message=f"On {ch}, the total cost of {ctx.name_of(subject)} is stated as "
                        f"{stated}, but {how} = {_fmt(computed)} €.",
                values={ch: f"{stated} (adds up to {_fmt(computed)} €)"})


def _fmt(d: Decimal) -> str:
    return format(d.normalize(), "f").replace(".", ",")
