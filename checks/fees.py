"""Checks about fees customers meet late or cannot see."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from auditor.model import FEE_ATTRIBUTES, Observation
from checks.context import CheckContext, Issue, not_checked_message, values_by_channel
from checks.registry import Option, check

_LABEL = {"activation_fee": "activation fee", "delivery_fee": "delivery fee",
          "cancellation_fee": "cancellation fee"}
_PRESENTING = ("monthly_price", "price", "promo_price")


@check("hidden_fee", severity="high", options={
    "attributes": Option(sorted(FEE_ATTRIBUTES), "Fee attributes to look for."),
    "where": Option(["web"], "Kinds of channel expected to show every fee of an offer they "
                             "present (a chat need not list every fee unprompted)."),
})
def hidden_fee(ctx: CheckContext) -> Iterable[Issue]:
    """A fee is disclosed in one channel but absent where the offer is presented in another.

    The story Omniaudit exists for: a customer reads the mobile-broadband offer on the
    website, asks the chat about the modem, agrees to buy — and only at the very end learns
    of a 4,90 € activation fee that the pages never showed. A channel that presents an offer
    (states its price) must also state its fees; "Ei avausmaksua" counts as stating it, and
    so does a fee the channel states site-wide (a footer's "delivery 4,90 €"). The check
    reports each fee above zero that some channel discloses and a presenting web channel
    does not mention at all. Absence is claimed only where it was looked for: a channel
    whose pages for the offer failed to load gets "not checked" instead.
    """
    kinds = ctx.options["where"]
    expected = set(ctx.channels_of_kind(kinds))
    for attribute in ctx.options["attributes"]:
        wide = set(ctx.channel_wide(attribute))
        for subject, per in sorted(ctx.by_subject(attribute).items()):
            # A fee waived for this offer (free above an order value it reaches) is no fee.
            disclosed = {ch: [o for o in obs if isinstance(o.value, Decimal)
                              and ctx.fee_due(o) > 0]
                         for ch, obs in per.items()}
            disclosed = {ch: obs for ch, obs in disclosed.items() if obs}
            if not disclosed:
                continue
            presenting = ctx.presenting(subject, _PRESENTING) & expected
            silent = sorted(presenting - set(per) - wide)
            if not silent:
                continue
            unchecked = {ch: ctx.not_checked(ch, subject) for ch in silent}
            checked = [ch for ch in silent if not unchecked[ch]]
            shown = checked or silent
            values = values_by_channel(disclosed)
            values.update({ch: "not shown" if ch in checked else "not checked"
                           for ch in shown})
            where = ", ".join(f"{ch} ({values[ch]})" for ch in sorted(disclosed))
            label = _LABEL.get(attribute, attribute)
            yield Issue(
                subject=subject, attribute=attribute,
                channels=tuple(sorted(set(disclosed) | set(shown))),
                observations=tuple(o for obs in disclosed.values() for o in obs),
                message=f"The {label} of {ctx.name_of(subject)} is disclosed in {where} but "
                        f"not shown on {', '.join(shown)}, where the offer is presented. "
                        f"Customers learn of it only late in the sale.",
                values=values,
                not_checked=None if checked else not_checked_message(
                    f"whether {', '.join(shown)} shows the {label} of {ctx.name_of(subject)}",
                    unchecked))


def _prominent(o: Observation, min_font: float, min_contrast: float,
               below_fold: bool = False, titled: bool = True) -> bool:
    s = o.shown
    # A closed section titled with the fee's own name ("Livraison", "Shipping") is where a
    # buyer looks for that fee: filed, not tucked away (unlike "See full terms").
    filed = titled and s.collapsed and s.section_names_it
    if not filed and (not s.visible or s.collapsed):
        return False
    if below_fold and s.above_fold is False:
        return False
    if s.font_px is not None and s.font_px < min_font:
        return False
    if s.contrast is not None and s.contrast < min_contrast:
        return False
    return True


def _how(o: Observation, min_font: float, min_contrast: float) -> str:
    """Why an appearance is not plainly shown, in the order a reader would notice."""
    s = o.shown
    if s.collapsed:
        return (f"inside the collapsed section {s.section!r}" if s.section
                else "inside a collapsed element")
    if not s.visible:
        return "hidden"
    if s.font_px is not None and s.font_px < min_font:
        return f"{s.font_px:g} px text" + (f", contrast {s.contrast:g}:1" if s.contrast else "")
    if s.contrast is not None and s.contrast < min_contrast:
        return f"contrast {s.contrast:g}:1"
    if s.above_fold is False:
        return "below the fold"
    return "barely visible"


@check("fine_print", severity="medium", options={
    "attributes": Option(sorted(FEE_ATTRIBUTES), "Fee attributes that must be shown plainly."),
    "min_font_px": Option(11, "Smallest font size (CSS px) that counts as plainly shown."),
    "min_contrast": Option(3.0, "Lowest text contrast ratio that counts as plainly shown "
                                "(WCAG asks 4.5 for body text; 3 is the floor for large)."),
    "below_fold": Option(False, "Also count a fee shown only below the fold (outside the "
                                "first screen) as fine print; off by default, see rationale."),
    "option_fees": Option(["delivery_fee"], "Fee kinds sold in options (delivery speeds): a "
                                            "plainly shown one, free included, discloses "
                                            "the dearer options."),
    "titled_sections": Option(True, "A fee inside a closed section whose title names that "
                                    "fee (\"Delivery\", \"Livraison\") counts as plainly "
                                    "shown; false counts every closed section as fine print."),
})
def fine_print(ctx: CheckContext) -> Iterable[Issue]:
    """A fee is shown only in fine print: hidden, collapsed, tiny or low-contrast.

    A fee that exists on the page but only inside a closed "Lisätiedot" section or in
    9-pixel grey text is technically disclosed and practically hidden; consumer-protection
    authorities treat it as such. For every web channel the check looks at where each fee
    above zero appears and reports the channel when no appearance is plainly visible. A
    channel that plainly shows a fee of that kind for the offer (the standard delivery price,
    even one waived above an order value) has disclosed it: dearer options listed only in a
    closed section (express delivery) are choices, not a hidden fee. For fee kinds sold in
    options (``option_fees``: delivery by default) a plainly shown "Free shipping" discloses
    them too: the customer is told what delivery costs and may choose to pay for speed. And
    when the channel offers such a fee free for the offer anywhere (standard delivery free
    over an order value the offer reaches), the dearer options hide nothing a buyer must pay.

    A fee inside a closed section titled with the fee's own name ("Livraison", "Shipping",
    "Versandkosten") is filed where a buyer looks for it, and counts as plainly shown
    (``titled_sections``); inside "See full terms", "Details & Kosten" or "Condiciones" it is
    tucked away.

    Below the fold alone is not fine print by default: on a phone almost everything past
    the headline is below the fold, and a fee in the normal flow of the page is read by a
    customer who scrolls. Set ``below_fold: true`` for pages where the first screen is the
    whole pitch (landing pages, campaign banners).
    """
    min_font = float(ctx.options["min_font_px"])
    min_contrast = float(ctx.options["min_contrast"])
    below_fold = bool(ctx.options["below_fold"])
    option_fees = set(ctx.options["option_fees"])
    titled = bool(ctx.options["titled_sections"])
    web = set(ctx.channels_of_kind(["web"]))
    for attribute in ctx.options["attributes"]:
        for subject, per in sorted(ctx.by_subject(attribute).items()):
            for ch, obs in sorted(per.items()):
                if ch not in web:
                    continue
                shown = [o for o in obs if o.source == "text" and isinstance(o.value, Decimal)
                         and ctx.fee_due(o) > 0]
                # A fee of this kind shown plainly (even one waived above an order value:
                # "otherwise $5.99") discloses it; dearer options in a closed section
                # ("2-day shipping $14.99") are choices, not a hidden fee.
                floor = -1 if attribute in option_fees else 0
                if not shown or any(_prominent(o, min_font, min_contrast, below_fold, titled)
                                    for o in obs if o.source == "text"
                                    and isinstance(o.value, Decimal) and o.value > floor):
                    continue
                # Sold in options, what a buyer must pay is the cheapest: when the page
                # offers one free for this offer, the dearer ones hide nothing.
                if attribute in option_fees and any(
                        o.source == "text" and isinstance(o.value, Decimal)
                        and ctx.fee_due(o) == 0 for o in obs):
                    continue
                label = _LABEL.get(attribute, attribute)
                values = values_by_channel({ch: shown})
                how = _how(shown[0], min_font, min_contrast)
                yield Issue(
                    subject=subject, attribute=attribute, channels=(ch,),
                    observations=tuple(shown), key=(ch,),
                    message=f"On {ch}, the {label} of {ctx.name_of(subject)} ({values[ch]}) "
                            f"appears only in fine print ({how}).",
                    values={ch: f"{values[ch]} — {how}"})
