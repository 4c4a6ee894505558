"""A run records where its evidence is, so a report written from the stored run in another
folder still shows its screenshots."""

from __future__ import annotations

import json

import pytest

from auditor.model import run_from_dict, run_to_dict
from reports import write_reports

pytestmark = pytest.mark.browser


def test_a_report_written_elsewhere_from_the_stored_run_keeps_its_screenshots(demo_run,
                                                                               tmp_path):
    run = demo_run.run
    assert run.evidence_root == str((demo_run.out_dir / "evidence").resolve())
    shots = {o.evidence.screenshot for o in run.observations if o.evidence.screenshot}
    assert shots and all((demo_run.out_dir / s).is_file() for s in shots)
    stored = run_from_dict(json.loads(json.dumps(run_to_dict(run))))
    assert stored.evidence_root == run.evidence_root
    original = demo_run.paths["html"].read_text(encoding="utf-8")
    elsewhere = write_reports(stored, tmp_path / "elsewhere")["html"].read_text(encoding="utf-8")
    assert not (tmp_path / "elsewhere" / "evidence").exists()
    assert "screenshot file missing" not in elsewhere
    assert elsewhere.count("data:image/png;base64,") == original.count("data:image/png;base64,")
    assert original.count("data:image/png;base64,") > 0
