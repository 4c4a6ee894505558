"""What a check sees (:class:`CheckContext`) and what it returns (:class:`Issue`).

Checks read matched observations only — never a browser, a page or the network — so that
they can re-run on a stored run offline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from auditor.display import display_value
from auditor.model import Observation


@dataclass(frozen=True)
class ChannelInfo:
    """A channel as checks see it."""

    name: str
    kind: str
    device: str | None
    complete: bool
    #: Pages (or transcripts) read; ``None`` when the caller does not know.
    pages_ok: int | None = None
    pages_failed: int = 0
    #: ``(target, reason)`` of every page, transcript or channel that could not be read.
    errors: tuple[tuple[str, str], ...] = ()
    #: Failed pages by the subject they are the page of (a subject's ``urls``, a
    #: ``url_map`` rule), ``"*"`` for failed pages of no known subject: absence there was
    #: not looked for (:meth:`CheckContext.not_checked`).
    failed_pages: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The channel's locale ("nb-NO"; its own, else the one the config's channels share):
    #: what its market is, e.g. for the VAT rate of ``vat_rate: auto``.
    locale: str | None = None


@dataclass(frozen=True)
class BrandInfo:
    """The brand settings of the config, with the reference logo already hashed."""

    name: str
    retired_names: tuple[str, ...] = ()
    colors: tuple[str, ...] = ()
    #: Perceptual hash (hex) of the reference logo, when the config names one.
    logo_hash: str | None = None


@dataclass(frozen=True)
class Issue:
    """A problem a check found; the engine turns it into a :class:`~auditor.model.Finding`."""

    subject: str
    attribute: str
    channels: tuple[str, ...]
    observations: tuple[Observation, ...]
    message: str
    #: Extra parts of the fingerprint that tell two problems of one subject and attribute
    #: apart (a channel name, a misspelling). Never URLs, selectors or ids: they change.
    key: tuple[str, ...] = ()
    #: Channel → the value as shown, for the report's side-by-side table.
    values: Mapping[str, str] = field(default_factory=dict)
    #: Why the problem could not be checked in this run ("not checked: <url> failed"): the
    #: finding is reported as not checked, never gates, and keeps its fingerprint so that
    #: its history carries over (checks that reason from absence set it).
    not_checked: str | None = None
    #: What the problem is measured against (the brand's logo where it is right), shown
    #: beside the evidence in the report.
    reference: tuple[Observation, ...] = ()


class ObservationIndex:
    """Observations indexed once, so that a check asking about every subject stays linear
    in the observations instead of scanning all of them per subject."""

    def __init__(self, observations: Iterable[Observation],
                 channel_wide: Iterable[Observation] = ()) -> None:
        by_attribute: dict[str, list[Observation]] = defaultdict(list)
        channels: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for o in observations:
            if o.subject:
                by_attribute[o.attribute].append(o)
                channels[o.subject][o.attribute].add(o.channel)
        self.by_attribute = dict(by_attribute)
        self.channels_by_subject = {s: dict(per) for s, per in channels.items()}
        wide: dict[str, dict[str, list[Observation]]] = defaultdict(lambda: defaultdict(list))
        for o in channel_wide:
            wide[o.attribute][o.channel].append(o)
        #: ``{attribute: {channel: [observations]}}`` of channel-wide facts (chrome).
        self.channel_wide = {a: dict(per) for a, per in wide.items()}
        #: ``{attribute: {subject: {channel: [observations]}}}``, filled on first use.
        self.by_subject: dict[str, dict[str, dict[str, list[Observation]]]] = {}


@dataclass(frozen=True)
class CheckContext:
    """Everything a check may read."""

    observations: tuple[Observation, ...]
    channels: Mapping[str, ChannelInfo]
    options: Mapping[str, Any]
    today: date
    brand: BrandInfo | None = None
    subject_names: Mapping[str, str] = field(default_factory=dict)

    def name_of(self, subject: str) -> str:
        """The subject's display name."""
        return self.subject_names.get(subject, subject)

    #: The lookup tables below, shared between contexts over the same observations (the
    #: engine builds them once per run and scope, not once per check). Internal.
    index: ObservationIndex | None = field(default=None, compare=False, repr=False)

    @cached_property
    def _index(self) -> ObservationIndex:
        return self.index if self.index is not None else ObservationIndex(self.observations)

    @property
    def _by_attribute(self) -> dict[str, list[Observation]]:
        return self._index.by_attribute

    @property
    def _by_subject_cache(self) -> dict[str, dict[str, dict[str, list[Observation]]]]:
        return self._index.by_subject

    @property
    def _channels_by_subject(self) -> dict[str, dict[str, set[str]]]:
        return self._index.channels_by_subject

    def of(self, *attributes: str) -> list[Observation]:
        """Matched observations of these attributes."""
        if len(attributes) == 1:
            return list(self._by_attribute.get(attributes[0], ()))
        wanted = set(attributes)
        return [o for o in self.observations if o.attribute in wanted and o.subject]

    def by_subject(self, attribute: str) -> Mapping[str, Mapping[str, list[Observation]]]:
        """``{subject: {channel: [observations]}}`` for one attribute (computed once)."""
        cached = self._by_subject_cache.get(attribute)
        if cached is None:
            out: dict[str, dict[str, list[Observation]]] = defaultdict(lambda: defaultdict(list))
            for o in self._by_attribute.get(attribute, ()):
                out[o.subject][o.channel].append(o)  # type: ignore[index]
            cached = {s: dict(per) for s, per in out.items()}
            self._by_subject_cache[attribute] = cached
        return cached

    def presenting(self, subject: str, attributes: Iterable[str] | None = None) -> set[str]:
        """Channels that said anything (or any of ``attributes``) about ``subject``."""
        per = self._channels_by_subject.get(subject, {})
        wanted = per.keys() if attributes is None else attributes
        out: set[str] = set()
        for a in wanted:
            out |= per.get(a, set())
        return out

    def of_subject(self, subject: str, *attributes: str) -> list[Observation]:
        """Matched observations of ``subject`` for these attributes."""
        return [o for a in attributes for ch in self.by_subject(a).get(subject, {}).values()
                for o in ch]

    def fee_due(self, o: Observation) -> Any:
        """What a fee costs the customer of its offer: nothing when the fee is waived from an
        order value on (``free_from``) and every price stated for the offer reaches it
        ("delivery CHF 7.90, free from CHF 50" on a CHF 599 phone); else its value."""
        if o.free_from is None or not isinstance(o.value, Decimal) or not o.subject:
            return o.value
        prices = [p.value for p in self.of_subject(o.subject, "price")
                  if isinstance(p.value, Decimal) and (p.currency in (None, o.currency))]
        if prices and min(prices) >= o.free_from:
            return Decimal("0")
        return o.value

    def channels_of_kind(self, kinds: Sequence[str]) -> list[str]:
        return [n for n, c in self.channels.items() if c.kind in kinds]

    def channel_wide(self, attribute: str) -> Mapping[str, list[Observation]]:
        """``{channel: [observations]}`` of what a channel states site-wide (its header,
        footer, banners, text on most of its pages): "all prices include VAT", "delivery
        4,90 €". Such facts belong to no one offer; a check that asks whether a channel
        said something about an offer at all counts them."""
        return self._index.channel_wide.get(attribute, {})

    def not_checked(self, channel: str, subject: str) -> tuple[str, ...]:
        """The failed pages of ``channel`` that may be ``subject``'s: its own, and those of
        no known subject. A check that reasons from absence ("the fee is not shown", "the
        offer is missing") must not claim it there: it reports "not checked" instead."""
        info = self.channels.get(channel)
        if info is None:
            return ()
        return tuple(info.failed_pages.get(subject, ())) + tuple(info.failed_pages.get("*", ()))


#: The ``failed_pages`` entry of a channel whose pages all loaded but held no offer at all:
#: an empty capture is a gap in what could be checked, not a failed page.
NO_OFFER_FOUND = "every page read (no offer found on them)"


def not_checked_message(what: str, failed: Mapping[str, Sequence[str]]) -> str:
    """"Not checked: … — http://…/x failed": what a check could not tell, and why."""
    pages = [p for urls in failed.values() for p in urls if p != NO_OFFER_FOUND]
    empty = any(NO_OFFER_FOUND in urls for urls in failed.values())
    reasons = []
    if pages:
        shown = ", ".join(pages[:3]) + (f" and {len(pages) - 3} more" if len(pages) > 3 else "")
        reasons.append(f"{shown} failed to load")
    if empty:
        reasons.append("the channel's pages loaded but no offer was found on any of them")
    return f"Not checked: {what} — {'; '.join(reasons)}."


def values_by_channel(per_channel: Mapping[str, Sequence[Observation]],
                      shown_as: Callable[[Observation], str] = display_value) -> dict[str, str]:
    """``{channel: "24,90 €/kk"}`` with a channel's distinct values joined.

    ``shown_as`` formats one observation (a check that compares adjusted values says so).
    """
    out = {}
    for ch, obs in sorted(per_channel.items()):
        shown: list[str] = []
        for o in obs:
            v = shown_as(o)
            if v not in shown:
                shown.append(v)
        out[ch] = " / ".join(shown)
    return out


def distinct_values(obs: Iterable[Observation]) -> set[Any]:
    """Distinct values, with decimals normalised so that 24.9 == 24.90."""
    return {o.value.normalize() if isinstance(o.value, Decimal) else o.value for o in obs}
