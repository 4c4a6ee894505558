"""Rules the renderers share with the rest of Omniaudit."""

from __future__ import annotations

import pytest

from auditor.model import Run, Severity
from reports._common import format_duration, gating_findings


@pytest.mark.parametrize("fail_on", [None, *Severity])
def test_gating_is_the_pipelines_rule(run: Run, fail_on: Severity | None) -> None:
    """The reports' gating count is what decides the exit code."""
    from auditor.pipeline import gating_findings as pipeline_gating

    ours = [f.fingerprint for f in gating_findings(run, fail_on)]
    theirs = {f.fingerprint for f in pipeline_gating(run, fail_on)}
    assert set(ours) == theirs and len(ours) == len(theirs)


def test_format_duration() -> None:
    assert format_duration(None) == "unknown"
    assert format_duration(3.25) == "3.2 s"
    assert format_duration(42) == "42 s"
    assert format_duration(125) == "2 min 5 s"
    assert format_duration(7260) == "2 h 1 min"
