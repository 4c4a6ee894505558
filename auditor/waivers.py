"""Waivers: findings a team has looked at and accepted, for a while.

A waiver file is YAML under version control next to ``audit.yaml``::

    waivers:
      - fingerprint: 9c1e0b7d2a4f6e8b1c3d
        reason: Legal approved the collapsed fee table until the redesign ships.
        owner: anna.virtanen@nordtel.example
        expires: 2027-03-31
      - match: {check: fine_print, subject: "fiber-*", attribute: activation_fee,
                channel: desktop}
        reason: ...
        owner: ...
        expires: 2027-01-31

A waiver names one finding by its fingerprint (stable across runs) or many by a matcher
(globs over check, subject, attribute and channel). A matched finding gets status
``waived`` — reported in its own section, never gating — and carries the waiver. An
expired waiver no longer waives: its findings resurface with their normal status and a
note saying whose waiver lapsed, so nobody's acceptance lasts forever by accident. A waiver
that matches no finding is *stale* (the problem was fixed, or the fingerprint is wrong);
the CLI warns about it so the file does not rot.

Errors in the file are :class:`~auditor.config.ConfigError` naming file, line and key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from auditor.config import ConfigError, _construct, _describe, _dotted, _line_for, compose_yaml
from auditor.model import Finding


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WaiverMatch(_Model):
    """Which findings a matcher waiver covers; every given field must match (globs)."""

    check: str | None = None
    subject: str | None = None
    attribute: str | None = None
    #: A channel the finding involves.
    channel: str | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> WaiverMatch:
        if not any((self.check, self.subject, self.attribute, self.channel)):
            raise ValueError("a match needs at least one of check, subject, attribute, channel")
        return self

    def matches(self, f: Finding) -> bool:
        return ((self.check is None or fnmatchcase(f.check, self.check))
                and (self.subject is None or fnmatchcase(f.subject, self.subject))
                and (self.attribute is None or fnmatchcase(f.attribute, self.attribute))
                and (self.channel is None
                     or any(fnmatchcase(c, self.channel) for c in f.channels)))


class Waiver(_Model):
    """One accepted finding (or family of findings), with who accepted it, why and until when."""

    fingerprint: str | None = Field(None, pattern=r"^[0-9a-f]{6,40}$")
    match: WaiverMatch | None = None
    reason: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    #: The last day the waiver applies.
    expires: date
    #: ``file:line`` of the waiver, filled in by the loader, for messages.
    where: str = ""

    @model_validator(mode="after")
    def _one_target(self) -> Waiver:
        if (self.fingerprint is None) == (self.match is None):
            raise ValueError("a waiver needs either 'fingerprint' or 'match' (not both)")
        return self

    def matches(self, f: Finding) -> bool:
        if self.fingerprint is not None:
            return f.fingerprint.startswith(self.fingerprint)
        return self.match is not None and self.match.matches(f)

    def expired(self, today: date) -> bool:
        return self.expires < today

    def describe(self) -> str:
        if self.fingerprint:
            return f"fingerprint {self.fingerprint}"
        m = self.match
        assert m is not None
        parts = [f"{k}={v}" for k, v in m.model_dump().items() if v is not None]
        return "match " + ", ".join(parts)


class _WaiverFile(_Model):
    version: int = 1
    waivers: list[Waiver] = []


@dataclass(frozen=True)
class WaiverOutcome:
    """Findings with waivers applied, and what the waiver file itself needs attention for."""

    findings: tuple[Finding, ...]
    #: Waivers that matched no finding of the run.
    stale: tuple[Waiver, ...]
    #: Expired waivers that matched findings (those findings resurfaced).
    expired: tuple[Waiver, ...]


def parse_waivers(text: str, *, source: str = "<waivers>") -> list[Waiver]:
    """Validate waiver-file text; raise :class:`ConfigError` naming the line and key."""
    node = compose_yaml(text, source)
    if node is None:
        return []
    lines: dict[tuple, int] = {}
    data = _construct(node, (), lines, source)
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping with a 'waivers' list", file=source, line=1)
    try:
        parsed = _WaiverFile.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = tuple(err["loc"])
        raise ConfigError(_describe(err), file=source, line=_line_for(loc, lines),
                          key=_dotted(loc) or None) from None
    return [w.model_copy(update={"where": f"{source}:{lines.get(('waivers', i), '?')}"})
            for i, w in enumerate(parsed.waivers)]


def load_waivers(path: str | Path) -> list[Waiver]:
    """Read and validate a waiver file."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError("waiver file not found", file=p)
    return parse_waivers(p.read_text(encoding="utf-8"), source=str(p))


def _record(w: Waiver, expired: bool) -> dict[str, Any]:
    return {"reason": w.reason, "owner": w.owner, "expires": w.expires.isoformat(),
            "expired": expired, "where": w.where}


def apply_waivers(findings: Sequence[Finding], waivers: Sequence[Waiver],
                  today: date) -> WaiverOutcome:
    """Mark findings an unexpired waiver covers as ``waived``; resurface expired ones."""
    used: set[int] = set()
    expired_used: set[int] = set()
    out: list[Finding] = []
    for f in findings:
        active = expired = None
        for i, w in enumerate(waivers):
            if not w.matches(f):
                continue
            used.add(i)
            if w.expired(today):
                expired_used.add(i)
                expired = expired or w
            elif active is None:
                active = w
        if active is not None:
            out.append(dataclasses.replace(f, status="waived", waiver=_record(active, False)))
        elif expired is not None:
            note = (f" (A waiver by {expired.owner} expired on {expired.expires.isoformat()}: "
                    f"{expired.reason})")
            out.append(dataclasses.replace(f, message=f.message + note,
                                           waiver=_record(expired, True)))
        else:
            out.append(f)
    return WaiverOutcome(
        findings=tuple(out),
        stale=tuple(w for i, w in enumerate(waivers) if i not in used),
        expired=tuple(waivers[i] for i in sorted(expired_used)))


def stale_waivers(waivers: Sequence[Waiver], findings: Sequence[Finding]) -> list[Waiver]:
    """Waivers that match none of ``findings``: fixed problems or wrong fingerprints."""
    return [w for w in waivers if not any(w.matches(f) for f in findings)]


def stale_warning(w: Waiver) -> str:
    """One line for the CLI about a waiver that matched nothing."""
    return (f"waiver at {w.where} ({w.describe()}, owner {w.owner}) matches no finding: "
            f"remove it if the problem is fixed")
