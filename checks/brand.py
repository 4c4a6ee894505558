"""Checks that every channel presents the same brand: name, logo and colour."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from auditor.model import BRAND_SUBJECT, Observation
from checks.context import CheckContext, Issue
from checks.registry import Option, check


@check("brand_name", severity="low")
def brand_name(ctx: CheckContext) -> Iterable[Issue]:
    """The brand name is misspelt, written in the wrong case, or a retired name is used.

    "Kiitos kun valitsit Nortelin!" in a chat reads as a different company — or as a
    phishing attempt. The check reports every channel that writes a name close to the
    configured brand name but not it (a misspelling), the same letters in another case
    ("NorthWind" for "Northwind": brand names are compared as written), or any of the
    configured retired names. Chat speaker labels and signatures count. Finnish case
    endings ("Nordtelin", "Nordtelille"), all capitals ("NORDTEL") and a lower-case brand
    capitalised at the start of a sentence are correct forms, not misspellings.
    """
    if not ctx.brand:
        return
    wrong: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for o in ctx.of("brand_name"):
        # All capitals is typography, not a spelling (stored runs may hold raw values).
        if str(o.value) != ctx.brand.name and str(o.value) != ctx.brand.name.upper():
            wrong[(o.channel, str(o.value))].append(o)
    for (channel, value), obs in sorted(wrong.items()):
        retired = any(value.casefold().startswith(r.casefold()) for r in ctx.brand.retired_names)
        kind = ("a retired brand name" if retired else
                "the brand name in the wrong case" if value.casefold() == ctx.brand.name.casefold()
                else "a misspelling of the brand name")
        yield Issue(
            subject=BRAND_SUBJECT, attribute="brand_name", channels=(channel,),
            # Misspellings keep their case-blind key (stable fingerprints across runs); a
            # wrong case is told apart by the spelling itself.
            observations=tuple(obs),
            key=(channel, value if value.casefold() == ctx.brand.name.casefold()
                 else value.casefold()),
            message=f"{channel} writes {value!r}, {kind} {ctx.brand.name!r} "
                    f"({len(obs)} time{'s' if len(obs) != 1 else ''}).",
            values={channel: value})


def _hamming(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def _signature(value: object) -> tuple[str, str | None]:
    """``"<phash> #RRGGBB"`` (auditor.extract.logo) → hash and dominant colour."""
    phash, _, colour = str(value).partition(" ")
    return phash, colour or None


def _colour_distance(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    from coloraide import Color

    return Color(a).delta_e(Color(b), method="2000")


def _reference_logo(ctx: CheckContext, obs: list[Observation]) -> str:
    """Without a configured logo: the logo in the brand's colours (``brand.colors``), the
    brand's own declaration; else the one most pages show."""
    counts = Counter(o.value for o in obs)
    palette = list(ctx.brand.colors) if ctx.brand else []
    coloured = [v for v in counts if _signature(v)[1]]
    if palette and coloured:
        return min(coloured, key=lambda v: (min(_colour_distance(_signature(v)[1], c)
                                                for c in palette), -counts[v]))
    return counts.most_common(1)[0][0]


@check("logo_drift", severity="medium", options={
    "max_distance": Option(10, "Largest perceptual-hash (pHash, 64-bit) Hamming distance from "
                               "the reference logo that still counts as the same logo."),
    "max_delta_e": Option(15.0, "Largest CIEDE2000 distance between the logo's dominant colour "
                                "and the reference's that still counts as the same logo."),
})
def logo_drift(ctx: CheckContext) -> Iterable[Issue]:
    """A channel shows a logo that is not the brand's current logo.

    Old logos linger on mobile sites, campaign pages and chat widgets long after a rebrand,
    and make a channel look abandoned or fake. The logo each page shows is compared with
    the configured reference logo (or, without one, the logo in the brand's colours, else
    the logo most pages show) by its
    shape — a perceptual hash, so scaling and compression do not matter but a different
    design does — and by its dominant colour, because a rebrand often keeps the mark and
    changes its colour (a blue logo turned violet). Logos are hashed as the browser draws
    them, SVG included, the same way in both passes.
    """
    obs = ctx.of("logo")
    if not obs:
        return
    reference = ctx.brand.logo_hash if ctx.brand else None
    if reference is None:
        reference = _reference_logo(ctx, obs)
    ref_hash, ref_colour = _signature(reference)
    limit = int(ctx.options["max_distance"])
    max_de = float(ctx.options["max_delta_e"])
    by_channel: dict[str, list[tuple[Observation, int, float]]] = defaultdict(list)
    for o in obs:
        phash, colour = _signature(o.value)
        dist, de = _hamming(phash, ref_hash), _colour_distance(colour, ref_colour)
        if dist > limit or de > max_de:
            by_channel[o.channel].append((o, dist, de))
    # The reference as a channel showed it, to be shown beside the drifted logos (the
    # configured file is the run's reference_logo).
    shown_right = [o for o in obs if o.value == reference]
    for channel, drifted in sorted(by_channel.items()):
        reference_obs = sorted(shown_right, key=lambda o: (o.channel == channel, o.channel,
                                                           o.evidence.url or ""))[:1]
        dist = max(d for _, d, _ in drifted)
        de = max(e for _, _, e in drifted)
        pages = len({o.evidence.url for o, _, _ in drifted})
        colours = sorted({c for o, _, _ in drifted for c in [_signature(o.value)[1]] if c})
        how = []
        if dist > limit:
            how.append(f"its shape differs (perceptual distance {dist} > {limit})")
        if de > max_de:
            how.append(f"its colour {', '.join(colours)} is not the logo's {ref_colour} "
                       f"(ΔE {de:.0f})")
        yield Issue(
            subject=BRAND_SUBJECT, attribute="logo", channels=(channel,),
            observations=tuple(o for o, _, _ in drifted), key=(channel,),
            reference=tuple(reference_obs),
            message=f"{channel} shows a logo that differs from the brand's logo: "
                    f"{' and '.join(how)}, on {pages} page{'s' if pages != 1 else ''}.",
            values={channel: "different logo" + (f" (shape distance {dist})" if dist > limit
                                                 else f" (colour {', '.join(colours)})")})


@check("color_drift", severity="low", options={
    "max_delta_e": Option(10.0, "Largest CIEDE2000 distance from the nearest brand colour that "
                                "still counts as on-brand (about 2 is barely visible)."),
})
def color_drift(ctx: CheckContext) -> Iterable[Issue]:
    """A channel's primary colour is not one of the brand's colours.

    The colour of the header and the buttons is the first thing a customer recognises. The
    primary colour of each page (the most prominent saturated colour of its header, navigation
    and buttons) is compared with the configured palette by CIEDE2000 colour difference, which
    follows human perception; without a palette, with the colour most channels use.
    """
    from coloraide import Color

    obs = ctx.of("color_primary")
    if not obs:
        return
    palette = list(ctx.brand.colors) if ctx.brand and ctx.brand.colors else [
        Counter(o.value for o in obs).most_common(1)[0][0]]
    limit = float(ctx.options["max_delta_e"])
    by_channel: dict[str, list[tuple[Observation, float]]] = defaultdict(list)
    deltas: dict[str, float] = {}  # pages share a few colours; CIEDE2000 once per colour
    for o in obs:
        value = str(o.value)
        if value not in deltas:
            deltas[value] = min(Color(value).delta_e(p, method="2000") for p in palette)
        delta = deltas[value]
        if delta > limit:
            by_channel[o.channel].append((o, delta))
    for channel, drifted in sorted(by_channel.items()):
        colours = sorted({str(o.value) for o, _ in drifted})
        worst = max(d for _, d in drifted)
        yield Issue(
            subject=BRAND_SUBJECT, attribute="color_primary", channels=(channel,),
            observations=tuple(o for o, _ in drifted), key=(channel,),
            message=f"{channel} uses {', '.join(colours)} as its primary colour, off the brand "
                    f"palette {', '.join(palette)} (ΔE2000 {worst:.1f} > {limit:g}).",
            values={channel: ", ".join(colours)})


def font_name(family: str) -> str:
    """The first family of a CSS font stack, unquoted and case-folded."""
    first = family.split(",")[0].strip().strip("'\"")
    return " ".join(first.split()).casefold()


@check("font_drift", severity="low", options={
    "fonts": Option([], "The brand's font families (first family of the CSS stack, any "
                        "case); empty: the font most pages use."),
})
def font_drift(ctx: CheckContext) -> Iterable[Issue]:
    """A channel sets its text in a font that is not the brand's.

    Typography is part of what makes two channels feel like one company: a mobile site
    still in the old typeface, or a chat widget in the browser's default serif, reads as a
    different shop. The check takes the first family of each page's body font stack and
    compares it with the configured brand fonts (or, without any, with the font most pages
    of all channels use), reporting each channel whose pages use another.
    """
    obs = ctx.of("font_family")
    if not obs:
        return
    expected = {font_name(f) for f in ctx.options["fonts"]}
    if not expected:
        expected = {Counter(font_name(str(o.value)) for o in obs).most_common(1)[0][0]}
    by_channel: dict[str, list[Observation]] = defaultdict(list)
    for o in obs:
        if font_name(str(o.value)) not in expected:
            by_channel[o.channel].append(o)
    for channel, drifted in sorted(by_channel.items()):
        fonts = sorted({font_name(str(o.value)) for o in drifted})
        yield Issue(
            subject=BRAND_SUBJECT, attribute="font_family", channels=(channel,),
            observations=tuple(drifted), key=(channel,),
            message=f"{channel} sets text in {', '.join(fonts)} instead of the brand font "
                    f"{', '.join(sorted(expected))} on {len(drifted)} "
                    f"page{'s' if len(drifted) != 1 else ''}.",
            values={channel: ", ".join(fonts)})
