"""Presets: the check settings a config starts from before its own ``checks:`` apply.

``recommended`` (the default) is what every check's registration says — level ``error`` at
its default severity — except the few checks that are advice rather than defects, which
run at ``warn``. ``strict`` is for teams that want every inconsistency to count: every
check at ``error``, every severity one step higher (capped at ``critical``; third-party
checks and custom rules included), and tighter tolerances where a check has them.
A config's own settings always win over its preset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from auditor.model import Severity

PRESET_NAMES: tuple[str, ...] = ("recommended", "strict")


@dataclass(frozen=True)
class PresetSetting:
    """What a preset says about one check (``None``: the check's own default)."""

    level: str = "error"
    severity: Severity | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


#: Advisory checks: reported, never gating, unless a config or ``strict`` says otherwise.
_RECOMMENDED_WARN = frozenset({"vat_statement_missing"})

#: Tighter options under ``strict``.
_STRICT_OPTIONS: Mapping[str, Mapping[str, Any]] = {
    "fine_print": {"min_font_px": 12, "min_contrast": 4.5},
    "logo_drift": {"max_distance": 6},
    "color_drift": {"max_delta_e": 5.0},
    "total_cost_mismatch": {"tolerance": "0.00"},
}


def preset_setting(preset: str, check_id: str, severity: Severity) -> PresetSetting:
    """The preset's level, severity and options for a check whose default is ``severity``."""
    if preset not in PRESET_NAMES:
        raise ValueError(f"unknown preset {preset!r}; presets: {', '.join(PRESET_NAMES)}")
    if preset == "recommended":
        return PresetSetting(level="warn" if check_id in _RECOMMENDED_WARN else "error")
    return PresetSetting(level="error", severity=Severity(min(severity + 1, Severity.CRITICAL)),
                         options=dict(_STRICT_OPTIONS.get(check_id, {})))
