"""Run one registered check on hand-built observations, through the real engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pytest

from auditor.config import CheckSetting
from auditor.model import Finding, Observation
from checks import BrandInfo, ChannelInfo, active_checks, run_checks

CHANNELS = {
    "desktop": ChannelInfo("desktop", "web", "desktop", True),
    "mobile": ChannelInfo("mobile", "web", "iPhone 13", True),
    "chat": ChannelInfo("chat", "transcripts", None, True),
}


@pytest.fixture
def run_check():
    def run(check_id: str, observations: Sequence[Observation], *,
            options: Mapping[str, Any] | None = None, brand: BrandInfo | None = None,
            today: date = date(2026, 11, 23),
            channels: Mapping[str, ChannelInfo] = CHANNELS) -> list[Finding]:
        # Only this check is on; every other registered check is off.
        from checks import REGISTRY

        settings = {s.id: CheckSetting(level="off") for s in REGISTRY if s.id != check_id}
        settings[check_id] = CheckSetting(level="error", options=dict(options or {}))
        return run_checks(observations, channels, checks=active_checks(settings), today=today,
                          brand=brand, subject_names={"mbb-100": "Mobiililaajakaista 100M"})

    return run
