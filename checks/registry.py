"""The check registry: one way to add a check, for built-ins and plugins alike.

A check is a function decorated with :func:`check`::

    @check("price_mismatch", severity="high",
           options={"tolerance": Option(Decimal("0"), "Largest difference that still agrees.")})
    def price_mismatch(ctx: CheckContext) -> Iterable[Issue]:
        \"\"\"Why it matters, in a sentence or two a marketer understands. ...\"\"\"

Registration rejects, at import time: an id that is not lower_snake_case, a duplicate id, an
unknown severity, a missing docstring (it feeds ``omniaudit checks``, the report and the
docs), options that are not :class:`Option`, and a function that does not take exactly one
positional parameter (the context). Third-party packages register the same way: expose a
module under the ``omniaudit.checks`` entry-point group whose import runs the decorator.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from auditor.model import Severity

if TYPE_CHECKING:
    from checks.context import CheckContext, Issue

ENTRY_POINT_GROUP = "omniaudit.checks"
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

CheckFunc = Callable[["CheckContext"], Iterable["Issue"]]


class RegistrationError(TypeError):
    """A check that cannot be registered, and why."""


@dataclass(frozen=True)
class Option:
    """A documented setting of a check, with its default."""

    default: Any
    help: str


@dataclass(frozen=True)
class CheckSpec:
    """A registered check."""

    id: str
    func: CheckFunc
    severity: Severity
    options: Mapping[str, Option] = field(default_factory=dict)
    #: Where the check comes from: ``"built-in"`` or the plugin's distribution/module.
    origin: str = "built-in"

    @property
    def rationale(self) -> str:
        """The docstring, dedented: why the check matters and what it compares."""
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def title(self) -> str:
        """The first sentence of the rationale."""
        return self.rationale.split("\n\n", 1)[0].replace("\n", " ")


class Registry:
    """Checks by id, in registration order."""

    def __init__(self) -> None:
        self._checks: dict[str, CheckSpec] = {}
        self._plugins_loaded = False

    def register(self, spec: CheckSpec) -> CheckSpec:
        if not _ID_RE.match(spec.id):
            raise RegistrationError(f"check id {spec.id!r} must be lower_snake_case")
        if spec.id in self._checks:
            other = self._checks[spec.id]
            raise RegistrationError(
                f"duplicate check id {spec.id!r}: already registered by "
                f"{other.func.__module__}.{other.func.__qualname__}")
        if not inspect.getdoc(spec.func):
            raise RegistrationError(f"check {spec.id!r} needs a docstring: its rationale")
        sig = inspect.signature(spec.func)
        params = [p for p in sig.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        extra = [p for p in sig.parameters.values() if p not in params or p.default is not p.empty]
        if len(params) != 1 or extra:
            raise RegistrationError(
                f"check {spec.id!r} must take exactly one parameter (the CheckContext), "
                f"got ({', '.join(sig.parameters)})")
        for name, opt in spec.options.items():
            if not isinstance(opt, Option):
                raise RegistrationError(f"check {spec.id!r}: option {name!r} must be an Option")
            if not opt.help:
                raise RegistrationError(f"check {spec.id!r}: option {name!r} needs help text")
        self._checks[spec.id] = spec
        return spec

    def unregister(self, check_id: str) -> None:
        """Remove a check (tests and plugins replacing a built-in deliberately)."""
        self._checks.pop(check_id, None)

    def get(self, check_id: str) -> CheckSpec:
        self.load_plugins()
        return self._checks[check_id]

    def __contains__(self, check_id: object) -> bool:
        self.load_plugins()
        return check_id in self._checks

    def __iter__(self) -> Iterator[CheckSpec]:
        self.load_plugins()
        return iter(list(self._checks.values()))

    def load_plugins(self) -> None:
        """Import the modules of the ``omniaudit.checks`` entry point group, once."""
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            ep.load()


REGISTRY = Registry()


def check(check_id: str, *, severity: str | Severity,
          options: Mapping[str, Option] | None = None,
          registry: Registry | None = None) -> Callable[[CheckFunc], CheckFunc]:
    """Register the decorated function as a check with this id and default severity."""
    try:
        sev = Severity.parse(severity)
    except ValueError as e:
        raise RegistrationError(f"check {check_id!r}: {e}") from None

    def decorate(func: CheckFunc) -> CheckFunc:
        module = getattr(func, "__module__", None) or "<unknown>"
        origin = "built-in" if module.startswith("checks.") else module
        (registry or REGISTRY).register(
            CheckSpec(check_id, func, sev, dict(options or {}), origin))
        return func

    return decorate
