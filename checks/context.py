"""What a check sees (:class:`CheckContext`) and what it returns (:class:`Issue`).

Checks read matched observations only — never a browser, a page or the network — so that
they can re-run on a stored run offline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
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

    def of(self, *attributes: str) -> list[Observation]:
        """Matched observations of these attributes."""
        wanted = set(attributes)
        return [o for o in self.observations if o.attribute in wanted and o.subject]

    def by_subject(self, attribute: str) -> dict[str, dict[str, list[Observation]]]:
        """``{subject: {channel: [observations]}}`` for one attribute."""
        out: dict[str, dict[str, list[Observation]]] = defaultdict(lambda: defaultdict(list))
        for o in self.of(attribute):
            out[o.subject][o.channel].append(o)  # type: ignore[index]
        return out

    def presenting(self, subject: str, attributes: Iterable[str] | None = None) -> set[str]:
        """Channels that said anything (or any of ``attributes``) about ``subject``."""
        wanted = set(attributes) if attributes is not None else None
        return {o.channel for o in self.observations
                if o.subject == subject and (wanted is None or o.attribute in wanted)}

    def channels_of_kind(self, kinds: Sequence[str]) -> list[str]:
        return [n for n, c in self.channels.items() if c.kind in kinds]


def values_by_channel(per_channel: Mapping[str, Sequence[Observation]]) -> dict[str, str]:
    """``{channel: "24,90 €/kk"}`` with a channel's distinct values joined."""
    out = {}
    for ch, obs in sorted(per_channel.items()):
        shown: list[str] = []
        for o in obs:
            v = display_value(o)
            if v not in shown:
                shown.append(v)
        out[ch] = " / ".join(shown)
    return out


def distinct_values(obs: Iterable[Observation]) -> set[Any]:
    """Distinct values, with decimals normalised so that 24.9 == 24.90."""
    return {o.value.normalize() if isinstance(o.value, Decimal) else o.value for o in obs}
