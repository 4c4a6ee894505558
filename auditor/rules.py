"""Declarative rules: custom checks written in the config, without Python.

A rule names one attribute, the subjects it applies to (globs), the channels (names or
kinds) and exactly one operator::

    rules:
      - name: fiber-price-web-mobile
        description: Fibre prices are the same on the desktop and the mobile site.
        subjects: "fiber-*"
        attribute: monthly_price
        channels: [desktop, mobile]
        equal: true

This module only *validates* rules (pydantic, as part of ``audit.yaml``, so errors name
the file, line and key like every other config error); ``checks.rules`` turns each one
into a check with id ``rule:<name>``. The split keeps the config free of imports from
``checks``, which depends on the config, not the other way round.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from auditor.model import ATTRIBUTES, Severity

#: Attributes a rule may name: the shared vocabulary plus ``total_cost``.
RULE_ATTRIBUTES: tuple[str, ...] = (*ATTRIBUTES, "total_cost")
#: Operators comparing a value with a number or with another attribute of the same channel.
COMPARISONS: dict[str, str] = {"less_than": "<", "at_most": "≤", "greater_than": ">",
                               "at_least": "≥"}
OPERATORS: tuple[str, ...] = ("equal", "present_where", *COMPARISONS)
CHANNEL_KINDS: tuple[str, ...] = ("web", "transcripts")


def _attribute(value: str) -> str:
    if value not in RULE_ATTRIBUTES:
        close = difflib.get_close_matches(value, RULE_ATTRIBUTES, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"unknown attribute {value!r}; {hint}attributes are: "
                         f"{', '.join(RULE_ATTRIBUTES)}")
    return value


class Rule(BaseModel):
    """One declarative rule (see docs/rules.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    #: Why the rule exists: shown as the rationale in reports, like a check's docstring.
    description: str = Field(min_length=1)
    attribute: str
    #: Subject ids the rule applies to, as globs (``fiber-*``); default every subject.
    subjects: list[str] = ["*"]
    #: Channel names or kinds (``web``, ``transcripts``); default every channel.
    channels: list[str] | None = None
    severity: Severity = Severity.MEDIUM
    #: For ``equal``: the largest difference of two amounts that still agrees.
    tolerance: Decimal = Decimal("0")
    equal: bool | None = None
    present_where: str | None = None
    less_than: Decimal | str | None = None
    at_most: Decimal | str | None = None
    greater_than: Decimal | str | None = None
    at_least: Decimal | str | None = None

    @field_validator("subjects", mode="before")
    @classmethod
    def _one_glob(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, v: Any) -> Any:
        return Severity.parse(v)

    @field_validator("attribute", "present_where")
    @classmethod
    def _known_attribute(cls, v: str | None) -> str | None:
        return None if v is None else _attribute(v)

    @field_validator("less_than", "at_most", "greater_than", "at_least", mode="before")
    @classmethod
    def _number_or_attribute(cls, v: Any) -> Any:
        if v is None or isinstance(v, bool):
            return v
        if isinstance(v, int | float | Decimal):
            return Decimal(str(v))
        try:
            return Decimal(str(v))
        except ArithmeticError:
            return _attribute(str(v))

    @model_validator(mode="after")
    def _one_operator(self) -> Rule:
        given = [op for op in OPERATORS if getattr(self, op) is not None]
        if len(given) != 1:
            raise ValueError(f"rule {self.name!r} needs exactly one operator of "
                             f"{', '.join(OPERATORS)}; got "
                             f"{', '.join(given) if given else 'none'}")
        if self.equal is False:
            raise ValueError(f"rule {self.name!r}: 'equal' can only be true")
        return self

    @property
    def check_id(self) -> str:
        return f"rule:{self.name}"

    @property
    def operator(self) -> str:
        return next(op for op in OPERATORS if getattr(self, op) is not None)

    def describe(self) -> str:
        """The rule as one line of plain language, for listings and messages."""
        where = f" in {', '.join(self.channels)}" if self.channels else ""
        subjects = ", ".join(self.subjects)
        op = self.operator
        if op == "equal":
            return f"{self.attribute} of {subjects} is equal{where}"
        if op == "present_where":
            return (f"{self.attribute} of {subjects} is shown wherever {self.present_where} "
                    f"is{where}")
        return f"{self.attribute} of {subjects} {COMPARISONS[op]} {getattr(self, op)}{where}"


def check_rule_scope(rules: list[Rule], channels: Mapping[str, Any], lines: Mapping[tuple, int],
                     source: str | Path | None) -> None:
    """Rule names are unique and channel entries name a channel or a kind."""
    from auditor.config import ConfigError

    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.name in seen:
            raise ConfigError(f"duplicate rule name {rule.name!r}", file=source,
                              line=lines.get(("rules", i, "name")), key=f"rules[{i}].name")
        seen.add(rule.name)
        for j, ch in enumerate(rule.channels or []):
            if ch not in channels and ch not in CHANNEL_KINDS:
                raise ConfigError(
                    f"unknown channel {ch!r}; expected a channel name ({', '.join(channels)}) "
                    f"or a kind ({', '.join(CHANNEL_KINDS)})", file=source,
                    line=lines.get(("rules", i, "channels", j)), key=f"rules[{i}].channels")
