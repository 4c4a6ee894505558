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


@pytest.fixture
def failing_channels():
    """``failing_channels("mobile", {"mbb-100": ("http://x/m/offer",)})``: the default
    channels with that channel's ``failed_pages`` set (and, optionally, other fields)."""
    import dataclasses

    def build(channel: str, failed: Mapping[str, tuple[str, ...]],
              **changes: Any) -> dict[str, ChannelInfo]:
        return {**CHANNELS, channel: dataclasses.replace(CHANNELS[channel],
                                                         failed_pages=failed, **changes)}

    return build


@pytest.fixture
def channel_wide():
    """Turn an observation into a channel-wide (site chrome) one: no subject, role chrome."""
    import dataclasses

    def build(o: Observation, role: str = "chrome") -> Observation:
        return dataclasses.replace(o, subject=None, role=role)

    return build
