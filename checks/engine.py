"""Running the registered checks over a run's matched observations.

Each check runs at the level the config gives it (``off``, ``warn`` — reported, never
gates — or ``error``), with its severity and options merged over its defaults, and scoped
to the configured channels and subjects. Checks the config does not mention run at
``error`` with their default severity. Unknown check ids and options are config errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from auditor.config import CheckSetting, ConfigError
from auditor.model import Finding, Observation, Severity, fingerprint
from checks.context import BrandInfo, ChannelInfo, CheckContext
from checks.registry import REGISTRY, CheckSpec, Registry


@dataclass(frozen=True)
class ActiveCheck:
    """A check with its effective level, severity, options and scope."""

    spec: CheckSpec
    level: str
    severity: Severity
    options: Mapping[str, Any]
    channels: tuple[str, ...] | None = None
    subjects: tuple[str, ...] | None = None


def active_checks(settings: Mapping[str, CheckSetting], registry: Registry = REGISTRY,
                  source: str | None = None) -> list[ActiveCheck]:
    """Checks to run, in registration order, with config applied; validates the config."""
    known = {spec.id: spec for spec in registry}
    for check_id, setting in settings.items():
        if check_id not in known:
            raise ConfigError(f"unknown check; known checks: {', '.join(sorted(known))}",
                              file=source, key=f"checks.{check_id}")
        unknown = set(setting.options) - set(known[check_id].options)
        if unknown:
            opts = ", ".join(sorted(known[check_id].options)) or "none"
            raise ConfigError(f"unknown option {sorted(unknown)[0]!r}; options of this check: "
                              f"{opts}", file=source,
                              key=f"checks.{check_id}.{sorted(unknown)[0]}")
    out = []
    for spec in known.values():
        setting = settings.get(spec.id)
        level = setting.level if setting else "error"
        if level == "off":
            continue
        options = {k: o.default for k, o in spec.options.items()}
        if setting:
            options.update(setting.options)
        out.append(ActiveCheck(
            spec=spec, level=level,
            severity=setting.severity if setting and setting.severity else spec.severity,
            options=options,
            channels=tuple(setting.channels) if setting and setting.channels else None,
            subjects=tuple(setting.subjects) if setting and setting.subjects else None))
    return out


def run_checks(observations: Sequence[Observation], channels: Mapping[str, ChannelInfo], *,
               checks: Sequence[ActiveCheck], today: date, brand: BrandInfo | None = None,
               subject_names: Mapping[str, str] | None = None) -> list[Finding]:
    """Findings of every active check, ordered by severity (highest first), then check."""
    matched = tuple(o for o in observations if o.subject)
    findings: dict[str, Finding] = {}
    for active in checks:
        obs = matched
        chans = dict(channels)
        if active.channels:
            obs = tuple(o for o in obs if o.channel in active.channels)
            chans = {k: v for k, v in chans.items() if k in active.channels}
        if active.subjects:
            obs = tuple(o for o in obs if o.subject in active.subjects)
        ctx = CheckContext(observations=obs, channels=chans, options=active.options,
                           today=today, brand=brand, subject_names=dict(subject_names or {}))
        try:
            issues = list(active.spec.func(ctx))
        except Exception as e:
            raise RuntimeError(f"check {active.spec.id!r} failed: {e}") from e
        for issue in issues:
            fp = fingerprint(active.spec.id, issue.subject, issue.attribute, *issue.key)
            findings.setdefault(fp, Finding(
                fingerprint=fp, check=active.spec.id, severity=active.severity,
                level=active.level, subject=issue.subject, attribute=issue.attribute,
                channels=tuple(issue.channels),
                observations=tuple(dict.fromkeys(o.id for o in issue.observations)),
                message=issue.message, values=dict(issue.values)))
    return sorted(findings.values(), key=lambda f: (-f.severity, f.check, f.subject, f.attribute))
