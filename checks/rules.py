"""Declarative rules from the config, run as checks with id ``rule:<name>``.

:class:`auditor.rules.Rule` validates a rule; :func:`rule_specs` turns each into a
:class:`~checks.registry.CheckSpec` that the engine runs like any registered check, so a
rule gets levels, severities, scoping, fingerprints and waivers for free. Rules are not
put in the global registry: they belong to one config, not to the installation.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from fnmatch import fnmatchcase
from typing import Any

from auditor.model import Observation
from auditor.rules import COMPARISONS, Rule
from checks.context import CheckContext, Issue, values_by_channel
from checks.registry import CheckSpec

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "less_than": operator.lt, "at_most": operator.le,
    "greater_than": operator.gt, "at_least": operator.ge,
}


def rule_specs(rules: Sequence[Rule], origin: str = "config") -> list[CheckSpec]:
    """One check per rule, in config order."""
    return [CheckSpec(rule.check_id, _rule_func(rule), rule.severity, {}, origin)
            for rule in rules]


def _rule_func(rule: Rule) -> Callable[[CheckContext], Iterable[Issue]]:
    def run(ctx: CheckContext) -> Iterable[Issue]:
        channels = _channels(rule, ctx)
        op = rule.operator
        if op == "equal":
            yield from _equal(rule, ctx, channels)
        elif op == "present_where":
            yield from _present_where(rule, ctx, channels)
        else:
            yield from _compare(rule, ctx, channels, op)

    run.__doc__ = (f"{rule.description.strip()}\n\nCustom rule from the config: "
                   f"{rule.describe()}.")
    run.__name__ = run.__qualname__ = f"rule_{rule.name}"
    return run


def _channels(rule: Rule, ctx: CheckContext) -> set[str]:
    if not rule.channels:
        return set(ctx.channels)
    return {n for n, c in ctx.channels.items() if n in rule.channels or c.kind in rule.channels}


def _matches(rule: Rule, subject: str) -> bool:
    return any(fnmatchcase(subject, g) for g in rule.subjects)


def _per_subject(rule: Rule, ctx: CheckContext, attribute: str, channels: set[str]
                 ) -> Iterable[tuple[str, dict[str, list[Observation]]]]:
    for subject, per in sorted(ctx.by_subject(attribute).items()):
        if _matches(rule, subject):
            per = {ch: obs for ch, obs in per.items() if ch in channels}
            if per:
                yield subject, per


def _norm(value: Any) -> Any:
    return value.normalize() if isinstance(value, Decimal) else value


def _equal(rule: Rule, ctx: CheckContext, channels: set[str]) -> Iterable[Issue]:
    for subject, per in _per_subject(rule, ctx, rule.attribute, channels):
        values = sorted({_norm(o.value) for obs in per.values() for o in obs}, key=str)
        amounts = [v for v in values if isinstance(v, Decimal)]
        if len(amounts) == len(values) and amounts:
            if max(amounts) - min(amounts) <= rule.tolerance:
                continue
        elif len(values) <= 1:
            continue
        shown = values_by_channel(per)
        yield Issue(
            subject=subject, attribute=rule.attribute, channels=tuple(sorted(per)),
            observations=tuple(o for obs in per.values() for o in obs),
            message=f"{rule.description.strip()} — but the {rule.attribute} of "
                    f"{ctx.name_of(subject)} differs: "
                    + "; ".join(f"{c}: {v}" for c, v in shown.items()) + ".",
            values=shown)


def _present_where(rule: Rule, ctx: CheckContext, channels: set[str]) -> Iterable[Issue]:
    where = rule.present_where or ""
    for subject, per in _per_subject(rule, ctx, where, channels):
        stated = set(ctx.by_subject(rule.attribute).get(subject, {}))
        silent = sorted(set(per) - stated)
        if not silent:
            continue
        yield Issue(
            subject=subject, attribute=rule.attribute, channels=tuple(silent),
            observations=tuple(o for ch in silent for o in per[ch]),
            message=f"{rule.description.strip()} — but {ctx.name_of(subject)} shows its "
                    f"{where} without its {rule.attribute} on {', '.join(silent)}.",
            values={ch: f"{where} shown, {rule.attribute} not shown" for ch in silent})


def _compare(rule: Rule, ctx: CheckContext, channels: set[str], op: str) -> Iterable[Issue]:
    bound = getattr(rule, op)
    test = _COMPARE[op]
    for subject, per in _per_subject(rule, ctx, rule.attribute, channels):
        other = {} if isinstance(bound, Decimal) else ctx.by_subject(bound).get(subject, {})
        bad: dict[str, list[Observation]] = {}
        shown: dict[str, str] = {}
        for ch, obs in sorted(per.items()):
            limits = [bound] if isinstance(bound, Decimal) else [
                o.value for o in other.get(ch, []) if isinstance(o.value, Decimal)]
            wrong = [o for o in obs if isinstance(o.value, Decimal)
                     and any(not test(o.value, lim) for lim in limits)]
            if wrong:
                bad[ch] = wrong
                limit = (str(bound) if isinstance(bound, Decimal)
                         else values_by_channel({ch: other[ch]})[ch])
                shown[ch] = f"{values_by_channel({ch: wrong})[ch]} vs {limit}"
        if not bad:
            continue
        target = bound if isinstance(bound, Decimal) else f"the {bound}"
        said = "; ".join(f"{c}: {v}" for c, v in shown.items())
        yield Issue(
            subject=subject, attribute=rule.attribute, channels=tuple(sorted(bad)),
            observations=tuple(o for obs in bad.values() for o in obs)
            + tuple(o for ch in bad for o in other.get(ch, [])),
            message=f"{rule.description.strip()} — but on {', '.join(sorted(bad))} the "
                    f"{rule.attribute} of {ctx.name_of(subject)} is not "
                    f"{COMPARISONS[op]} {target} ({said}).",
            values=shown)
