"""Running the registered checks over a run's matched observations.

Each check runs at the level the config gives it (``off``, ``warn`` — reported, never
gates — or ``error``), with its severity and options merged over its preset's and its
defaults, and scoped to the configured channels and subjects (globs). Checks the config
does not mention run as the preset says (``recommended``: ``error`` at their default
severity, a few advisory ones at ``warn``). Custom rules from the config run here too, as
checks ``rule:<name>``. Unknown check ids and options are config errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from auditor.config import CheckSetting, ConfigError
from auditor.display import writing_in
from auditor.model import Finding, Observation, Severity, fingerprint
from checks.context import BrandInfo, ChannelInfo, CheckContext, ObservationIndex
from checks.presets import preset_setting
from checks.registry import REGISTRY, CheckSpec, Registry

if TYPE_CHECKING:
    from auditor.config import AuditConfig


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
                  source: str | None = None, *, preset: str = "recommended",
                  extra: Sequence[CheckSpec] = ()) -> list[ActiveCheck]:
    """Checks to run, in registration order (then ``extra``, the config's rules), with the
    preset and the config applied; validates the config."""
    known = {spec.id: spec for spec in registry}
    known.update({spec.id: spec for spec in extra})
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
        base = preset_setting(preset, spec.id, spec.severity)
        level = setting.level if setting else base.level
        if level == "off":
            continue
        options = {k: o.default for k, o in spec.options.items()}
        options.update({k: v for k, v in base.options.items() if k in spec.options})
        if setting:
            options.update(setting.options)
        out.append(ActiveCheck(
            spec=spec, level=level,
            severity=(setting.severity if setting and setting.severity
                      else base.severity or spec.severity),
            options=options,
            channels=tuple(setting.channels) if setting and setting.channels else None,
            subjects=tuple(setting.subjects) if setting and setting.subjects else None))
    return out


def configured_checks(config: AuditConfig, registry: Registry = REGISTRY) -> list[ActiveCheck]:
    """The checks a config runs: registered checks and its rules, under its preset."""
    from checks.rules import rule_specs

    return active_checks(config.checks, registry, source=config.source, preset=config.preset,
                         extra=rule_specs(config.rules, origin=config.source or "config"))


def run_checks(observations: Sequence[Observation], channels: Mapping[str, ChannelInfo], *,
               checks: Sequence[ActiveCheck], today: date, brand: BrandInfo | None = None,
               subject_names: Mapping[str, str] | None = None,
               failures: list[str] | None = None,
               locale: str | None = None) -> list[Finding]:
    """Findings of every active check, ordered by severity (highest first), then check.

    Checks see matched observations, plus the channel-wide ones (chrome, no subject)
    through :meth:`CheckContext.channel_wide`. A check that raises stops the run
    (``RuntimeError`` naming it) — or, given ``failures``, is recorded there as
    ``"<check id>: <error>"`` and the other checks go on (the pipeline marks such a run
    incomplete). ``locale`` (the run's ``report.locale``) is the locale values are
    written in in the checks' messages; without one, Finnish.
    """
    with writing_in(locale or "fi_FI"):
        return _run_checks(observations, channels, checks, today, brand, subject_names,
                           failures)


def _run_checks(observations: Sequence[Observation], channels: Mapping[str, ChannelInfo],
                checks: Sequence[ActiveCheck], today: date, brand: BrandInfo | None,
                subject_names: Mapping[str, str] | None,
                failures: list[str] | None) -> list[Finding]:
    matched = tuple(o for o in observations if o.subject)
    wide = tuple(o for o in observations if not o.subject and o.role == "chrome")
    findings: dict[str, Finding] = {}
    # One index per scope (usually just the unscoped one), shared by every check in it.
    indexes: dict[tuple[Any, Any], ObservationIndex] = {}
    for active in checks:
        obs = matched
        chans = dict(channels)
        if active.channels:
            obs = tuple(o for o in obs if o.channel in active.channels)
            chans = {k: v for k, v in chans.items() if k in active.channels}
        if active.subjects:
            subjects = active.subjects
            obs = tuple(o for o in obs if any(fnmatchcase(o.subject or "", g) for g in subjects))
        scope = (active.channels, active.subjects)
        if scope not in indexes:
            indexes[scope] = ObservationIndex(
                obs, wide if not active.channels else
                tuple(o for o in wide if o.channel in active.channels))
        ctx = CheckContext(observations=obs, channels=chans, options=active.options,
                           today=today, brand=brand, subject_names=dict(subject_names or {}),
                           index=indexes[scope])
        try:
            issues = list(active.spec.func(ctx))
        except Exception as e:  # noqa: BLE001 - a check's bug is reported, not a crash
            if failures is None:
                raise RuntimeError(f"check {active.spec.id!r} failed: {e}") from e
            failures.append(f"{active.spec.id}: {type(e).__name__}: {e}")
            continue
        for issue in issues:
            fp = fingerprint(active.spec.id, issue.subject, issue.attribute, *issue.key)
            checked = issue.not_checked is None
            findings.setdefault(fp, Finding(
                fingerprint=fp, check=active.spec.id, severity=active.severity,
                level=active.level if checked else "warn", subject=issue.subject,
                attribute=issue.attribute, channels=tuple(issue.channels),
                observations=tuple(dict.fromkeys(o.id for o in issue.observations)),
                message=issue.message if checked else issue.not_checked,
                values=dict(issue.values), checked=checked,
                reference=tuple(dict.fromkeys(o.id for o in issue.reference))))
    return sorted(findings.values(), key=lambda f: (-f.severity, f.check, f.subject, f.attribute))
