"""findings.json: DESIGN.md shape, schema validity, and load_findings' errors."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from auditor.model import Run, Severity
from reports import SCHEMA_PATH, FindingsFileError, findings_document, load_findings
from reports.json import validate_document


def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_document_validates_against_the_schema(run: Run) -> None:
    schema = _schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    document = json.loads(json.dumps(findings_document(run), ensure_ascii=False))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_design_md_minimum_keys_are_present(run: Run) -> None:
    doc = findings_document(run)
    assert doc["schema_version"] == "1"
    assert {"schema_version", "run", "observations", "findings", "unmatched"} <= doc.keys()
    assert {"id", "started_at", "finished_at", "complete", "channels"} <= doc["run"].keys()
    for channel in doc["run"]["channels"].values():
        assert {"kind", "device", "pages_ok", "pages_failed", "errors"} <= channel.keys()
    for obs in doc["observations"]:
        assert {"id", "channel", "subject", "attribute", "value", "currency", "period", "text",
                "evidence", "shown"} <= obs.keys()
        assert {"url", "selector", "screenshot", "transcript", "line"} <= obs["evidence"].keys()
        assert {"visible", "font_px", "contrast", "collapsed", "above_fold"} <= obs["shown"].keys()
    for finding in doc["findings"]:
        assert {"fingerprint", "check", "severity", "subject", "attribute", "channels",
                "observations", "message", "status"} <= finding.keys()
        assert finding["status"] in {"new", "persisting", "waived"}


def test_document_values(run: Run) -> None:
    doc = findings_document(run)
    assert doc["run"]["id"] == "r_20250602T060000_ab12"
    assert doc["run"]["name"] == "Nordtel production"
    assert doc["run"]["config_path"] == "audit.yaml"
    assert doc["run"]["complete"] is False
    mobile = doc["run"]["channels"]["mobile"]
    assert (mobile["kind"], mobile["device"], mobile["pages_ok"], mobile["pages_failed"]) == (
        "web", "iPhone 13", 4, 1)
    assert mobile["errors"] == [{"channel": "mobile", "target": "https://m.nordtel.example/yritys",
                                 "reason": "Timeout 30000 ms exceeded while loading"}]
    assert mobile["visited"][0] == "https://m.nordtel.example/"
    prices = {(o["channel"], o["value"]) for o in doc["observations"]
              if o["subject"] == "mbb-100" and o["attribute"] == "monthly_price"}
    assert prices == {("desktop", "24.90"), ("mobile", "26.90"), ("chat", "24.90")}
    unmatched = [o for o in doc["observations"] if o["subject"] is None]
    assert doc["unmatched"] == [o["id"] for o in unmatched] and len(unmatched) == 1
    assert doc["subjects"] == [
        {"id": "mbb-100", "name": "Mobiililaajakaista 100M"},
        {"id": "fiber-300", "name": "Kuitu 300M"},
        {"id": "mbb-1000", "name": "Mobiililaajakaista 1000M"},
    ]
    assert doc["summary"] == {
        "by_severity": {"info": 1, "low": 2, "medium": 2, "high": 2, "critical": 1},
        "by_level": {"error": 6, "warn": 2},
        "gating": 0,  # no --fail-on: no gate
        "total": 8,
        "fail_on": None,
        "baseline": None,
    }
    # error level, not waived, at or above the threshold: the waived fine-print fee and the
    # two warnings never gate
    low = findings_document(run, fail_on=Severity.LOW)["summary"]
    assert (low["gating"], low["fail_on"]) == (5, "low")
    high = findings_document(run, fail_on=Severity.HIGH)["summary"]
    assert (high["gating"], high["fail_on"]) == (2, "high")
    # a baseline holding the critical chat fee: only the (new) price mismatch still gates
    fee = next(f for f in run.findings if f.check == "fee-only-in-chat")
    known = findings_document(run, fail_on=Severity.HIGH,
                              baseline=frozenset({fee.fingerprint, "not-in-this-run"}))
    assert known["summary"]["gating"] == 1
    assert known["summary"]["baseline"] == {"fingerprints": 2, "matched": 1}
    validate_document(known)


def test_written_file_is_the_document(written: dict[str, Path], run: Run) -> None:
    text = written["json"].read_text(encoding="utf-8")
    assert "Kesäkampanja" in text  # ensure_ascii=False
    assert text.startswith('{\n  "schema_version": "1",')  # indent=2
    expected = findings_document(run, fail_on=Severity.LOW)
    assert json.loads(text) == json.loads(json.dumps(expected))
    assert load_findings(written["json"])["findings"][1]["check"] == "price-mismatch"


def _refs(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _undocumented(schema: dict, node: dict, value, path: str) -> list[str]:
    """Keys of ``value`` the schema does not name (additionalProperties allows them)."""
    node = _refs(schema, node)
    missing = []
    # A value documented by one of several shapes (anyOf: null or an object) is documented
    # when some shape documents all of its keys.
    alternatives = node.get("anyOf") or node.get("oneOf")
    if alternatives and isinstance(value, dict):
        tries = [_undocumented(schema, alt, value, path) for alt in alternatives
                 if _refs(schema, alt).get("type") in ("object", None)]
        return min(tries, key=len) if tries else [path]
    if isinstance(value, dict):
        props = node.get("properties")
        extra = node.get("additionalProperties")
        for key, sub in value.items():
            if props is not None and key in props:
                missing += _undocumented(schema, props[key], sub, f"{path}/{key}")
            elif isinstance(extra, dict):
                missing += _undocumented(schema, extra, sub, f"{path}/{key}")
            else:
                missing.append(f"{path}/{key}")
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for i, item in enumerate(value):
            missing += _undocumented(schema, node["items"], item, f"{path}/{i}")
    return missing


def test_schema_documents_every_field_the_document_has(run: Run) -> None:
    schema = _schema()
    assert _undocumented(schema, schema, findings_document(run), "") == []

    def walk(node, path):
        if isinstance(node, dict):
            for key, sub in (node.get("properties") or {}).items():
                assert "$ref" in sub or sub.get("description"), f"{path}/{key} has no description"
            for key, sub in node.items():
                walk(sub, f"{path}/{key}")

    walk(schema, "")


def test_load_findings_rejects_broken_json(tmp_path: Path) -> None:
    path = tmp_path / "findings.json"
    path.write_text('{"schema_version": "1",\n  "run": }', encoding="utf-8")
    with pytest.raises(FindingsFileError) as err:
        load_findings(path)
    assert str(path) in str(err.value) and "line 2" in str(err.value)


def test_load_findings_names_file_and_field(tmp_path: Path, run: Run) -> None:
    doc = json.loads(json.dumps(findings_document(run)))
    doc["findings"][0]["severity"] = "urgent"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(FindingsFileError) as err:
        load_findings(path)
    assert str(path) in str(err.value)
    assert "findings/0/severity" in str(err.value) and "urgent" in str(err.value)

    del doc["run"]
    doc["schema_version"] = "2"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(FindingsFileError, match="schema_version '2' is not supported"):
        load_findings(path)

    with pytest.raises(FindingsFileError, match="cannot read"):
        load_findings(tmp_path / "absent.json")


def test_empty_run_is_valid(run: Run) -> None:
    empty = replace(run, observations=(), findings=(), channels={}, subjects=())
    doc = findings_document(empty)
    jsonschema.Draft202012Validator(_schema()).validate(doc)
    assert doc["summary"]["total"] == 0 and doc["unmatched"] == []


def test_schema_documents_a_waived_finding_s_waiver(run: Run) -> None:
    from tests.reports.conftest import with_waiver

    waived = with_waiver(run)
    assert any(f.waiver for f in waived.findings)
    schema = _schema()
    document = json.loads(json.dumps(findings_document(waived), ensure_ascii=False))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert _undocumented(schema, schema, document, "") == []
