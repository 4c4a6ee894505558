"""The demo's web channels read as capture units (batches dispatched by the coordinator,
run in this process) give exactly what the whole-channel crawl gives."""

from __future__ import annotations

from datetime import date

import pytest

from auditor.engine.coordinator import Batching
from auditor.engine.local import LocalEngine
from auditor.pipeline import capture_channels

pytestmark = pytest.mark.browser


def _canonical(results):
    """What must match: per channel the pages read and failed, and every observation."""
    return {name: (r.pages_ok, r.pages_failed, sorted(r.visited),
                   sorted((o.to_dict() for o in r.observations), key=lambda d: d["id"]))
            for name, r in results.items()}


def test_units_in_process_give_the_whole_channel_crawl(demo_config, chromium, tmp_path):
    today = date.today()
    whole = capture_channels(demo_config, tmp_path / "whole", browser=chromium, today=today)
    units = capture_channels(demo_config, tmp_path / "units", browser=chromium, today=today,
                             engine=LocalEngine(Batching(batch_size=5, in_flight=2)),
                             run_id="units-run")
    assert _canonical(units) == _canonical(whole)
    assert units["desktop"].pages_ok > 10 and units["mobile"].pages_ok > 5
    assert all(r.complete for r in units.values())
