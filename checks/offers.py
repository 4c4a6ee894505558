"""Checks about which offers and campaigns each channel shows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from checks.context import CheckContext, Issue, not_checked_message, values_by_channel
from checks.prices import disagreements
from checks.registry import Option, check

_PRESENTING = ("monthly_price", "price", "promo_price")


def _ended(value: object, today: date) -> bool:
    try:
        return date.fromisoformat(str(value)) < today
    except ValueError:
        return False


@check("missing_offer", severity="medium", options={
    "where": Option(["web"], "Kinds of channel expected to show every offer and campaign."),
})
def missing_offer(ctx: CheckContext) -> Iterable[Issue]:
    """An offer or a running campaign is shown in one channel and missing from another.

    A customer who saw "3 kk 0 €/kk" on the desktop site and cannot find it on their phone
    either buys without the campaign or gives up; an offer that exists on one site only
    looks withdrawn on the other. The check compares the channels of the configured kinds:
    a subject presented in one but absent from another, and a campaign (``offer``) shown for
    a presented subject in one but not the other. A campaign is a price, a duration or an
    end date next to a campaign word, never the word alone (a "See the offer" button).
    Campaigns whose end date has passed are left to ``stale_offer``. Absence is claimed only
    where it was looked for: a channel whose pages for the offer failed to load, or that
    read pages but found no offer at all, gets "not checked" instead.
    """
    channels = ctx.channels_of_kind(ctx.options["where"])
    # A channel that read nothing says nothing about absence (capture_gap reports it).
    read = [c for c in channels if ctx.channels[c].pages_ok != 0]
    if len(channels) < 2:
        return
    subjects = sorted({o.subject for o in ctx.observations if o.subject and
                       o.attribute in _PRESENTING and o.channel in channels})
    for subject in subjects:
        presenting = ctx.presenting(subject, _PRESENTING) & set(channels)
        absent = sorted(c for c in read if c not in presenting)
        if absent:
            unchecked = {c: ctx.not_checked(c, subject) for c in absent}
            checked = [c for c in absent if not unchecked[c]]
            shown = checked or absent
            obs = tuple(o for o in ctx.of_subject(subject, *_PRESENTING)
                        if o.channel in presenting)
            yield Issue(
                subject=subject, attribute="offer",
                channels=tuple(sorted(presenting | set(shown))),
                observations=obs, key=("subject",),
                message=f"{ctx.name_of(subject)} is offered on {', '.join(sorted(presenting))} "
                        f"but not found on {', '.join(shown)}.",
                values={**{c: "offered" for c in presenting},
                        **{c: "not found" if c in checked else "not checked" for c in shown}},
                not_checked=None if checked else not_checked_message(
                    f"whether {', '.join(shown)} offers {ctx.name_of(subject)}", unchecked))
        campaigns = {ch: [o for o in obs if not _campaign_ended(ctx, subject, ch)]
                     for ch, obs in ctx.by_subject("offer").get(subject, {}).items()
                     if ch in channels}
        campaigns = {ch: obs for ch, obs in campaigns.items() if obs}
        if not campaigns:
            continue
        missing = sorted(c for c in presenting if c not in campaigns)
        if missing:
            unchecked = {c: ctx.not_checked(c, subject) for c in missing}
            checked = [c for c in missing if not unchecked[c]]
            shown = checked or missing
            values = values_by_channel(campaigns)
            values.update({c: "no campaign shown" if c in checked else "not checked"
                           for c in shown})
            yield Issue(
                subject=subject, attribute="offer",
                channels=tuple(sorted(set(campaigns) | set(shown))),
                observations=tuple(o for obs in campaigns.values() for o in obs),
                key=("campaign",),
                message=f"The campaign for {ctx.name_of(subject)} shown on "
                        f"{', '.join(sorted(campaigns))} is missing on {', '.join(shown)}.",
                values=values,
                not_checked=None if checked else not_checked_message(
                    f"whether {', '.join(shown)} shows the campaign for "
                    f"{ctx.name_of(subject)}", unchecked))


def _campaign_ended(ctx: CheckContext, subject: str, channel: str) -> bool:
    ends = ctx.by_subject("offer_ends").get(subject, {}).get(channel, [])
    return bool(ends) and all(_ended(o.value, ctx.today) for o in ends)


@check("stale_offer", severity="high", options={
    "grace_days": Option(0, "Days after the end date before a campaign still shown counts."),
})
def stale_offer(ctx: CheckContext) -> Iterable[Issue]:
    """A campaign whose end date has passed is still shown.

    "Syystarjous, voimassa 9.11. asti" on 23 November promises a price the shop no longer
    gives — or, worse, one it must honour. End dates come from the visible text ("voimassa
    … asti") and from schema.org ``priceValidUntil``. Every channel that still shows an
    ended campaign is named.
    """
    cutoff = ctx.today - timedelta(days=int(ctx.options["grace_days"]))
    for subject, per in sorted(ctx.by_subject("offer_ends").items()):
        stale = {ch: [o for o in obs if _ended(o.value, cutoff)] for ch, obs in per.items()}
        stale = {ch: obs for ch, obs in stale.items() if obs}
        if not stale:
            continue
        values = values_by_channel(stale)
        yield Issue(
            subject=subject, attribute="offer_ends", channels=tuple(sorted(stale)),
            observations=tuple(o for obs in stale.values() for o in obs),
            message=f"A campaign for {ctx.name_of(subject)} ended "
                    f"({'; '.join(f'{c}: {v}' for c, v in values.items())}) but is still shown "
                    f"on {', '.join(sorted(stale))}.",
            values={c: f"ended {v}" for c, v in values.items()})


_TERMS = {"promo_price": "campaign price", "promo_months": "campaign length",
          "offer_ends": "campaign end date"}


@check("offer_terms_mismatch", severity="high", options={
    "attributes": Option(sorted(_TERMS), "Campaign terms compared across channels."),
    "tolerance": Option("0.00", "Largest absolute difference of a campaign price that still "
                                "agrees."),
})
def offer_terms_mismatch(ctx: CheckContext) -> Iterable[Issue]:
    """Channels state the same campaign with different terms: price, length or end date.

    "3 kk 0 €/kk" on the website and "6 kk 0 €/kk" in the app are two different promises,
    and the customer holds the shop to the better one. So is a campaign that ends on the
    31st in one channel and on the 15th in another. The check compares the campaign price,
    the number of campaign months and the end date of every subject across the channels
    that state them; a channel that shows no campaign at all is ``missing_offer``'s
    business, and a campaign that has ended is ``stale_offer``'s.
    """
    tolerance = Decimal(str(ctx.options["tolerance"]))
    wanted = list(ctx.options["attributes"])
    numeric = [a for a in wanted if a != "offer_ends"]
    for subject, attribute, per in disagreements(ctx, numeric, absolute=tolerance):
        yield _terms_issue(ctx, subject, attribute, per)
    if "offer_ends" in wanted:
        for subject, per in sorted(ctx.by_subject("offer_ends").items()):
            if len({str(o.value) for obs in per.values() for o in obs}) > 1:
                yield _terms_issue(ctx, subject, "offer_ends", per)


def _terms_issue(ctx: CheckContext, subject: str, attribute: str, per) -> Issue:  # noqa: ANN001
    values = values_by_channel(per)
    said = "; ".join(f"{ch}: {v}" for ch, v in values.items())
    return Issue(
        subject=subject, attribute=attribute, channels=tuple(sorted(per)),
        observations=tuple(o for obs in per.values() for o in obs),
        message=f"The {_TERMS.get(attribute, attribute)} of the {ctx.name_of(subject)} "
                f"campaign differs between channels ({said}).",
        values=values)
