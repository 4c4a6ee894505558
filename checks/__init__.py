"""Omniaudit's rule checks and their registry.

Public API (kept small on purpose; the package name is generic):

* :func:`check` and :class:`Option` — register a check;
* :class:`CheckContext`, :class:`Issue` — what a check reads and returns;
* :data:`REGISTRY` — every registered check, built-in and plugin;
* :func:`active_checks`, :func:`run_checks` — the engine.

Importing the package registers the built-in checks, exactly as a plugin registers its own.
"""

from checks.context import BrandInfo, ChannelInfo, CheckContext, Issue
from checks.engine import ActiveCheck, active_checks, configured_checks, run_checks
from checks.registry import REGISTRY, CheckSpec, Option, RegistrationError, Registry, check

# Built-in checks register themselves on import, like any plugin.
from checks import prices, fees, offers, totals, vat, brand, capture  # noqa: E402,F401,I001  isort: skip

__all__ = [
    "REGISTRY",
    "ActiveCheck",
    "BrandInfo",
    "ChannelInfo",
    "CheckContext",
    "CheckSpec",
    "Issue",
    "Option",
    "RegistrationError",
    "Registry",
    "active_checks",
    "check",
    "configured_checks",
    "run_checks",
]
