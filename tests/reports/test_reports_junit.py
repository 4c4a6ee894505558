"""junit.xml: suites per check, failures for gating findings, errors for failed capture."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

from auditor.model import Run, Severity
from reports.junit import render_junit


def _cases(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}


def _with(root: ET.Element, tag: str) -> set[tuple[str, str]]:
    return {key for key, case in _cases(root).items() if case.find(tag) is not None}


def test_junit_structure_and_failures(written: dict[str, Path]) -> None:
    root = ET.parse(written["junit"]).getroot()
    assert root.tag == "testsuites"
    assert {s.get("name") for s in root.iter("testsuite")} == {
        "omniaudit.capture", "omniaudit.fee-only-in-chat", "omniaudit.price-mismatch",
        "omniaudit.contract-mismatch", "omniaudit.campaign-missing",
        "omniaudit.fee-in-fine-print", "omniaudit.logo-mismatch", "omniaudit.brand-color",
        "omniaudit.brand-name-spelling",
    }
    assert _with(root, "failure") == {
        ("omniaudit.fee-only-in-chat", "mbb-100/activation_fee"),
        ("omniaudit.price-mismatch", "mbb-100/monthly_price"),
        ("omniaudit.contract-mismatch", "fiber-300/contract_months"),
        ("omniaudit.campaign-missing", "fiber-300/offer"),
        ("omniaudit.logo-mismatch", "brand/logo"),
    }
    assert _with(root, "skipped") == {("omniaudit.fee-in-fine-print", "fiber-300/activation_fee")}
    # warn-level findings are reported, never failures
    for key in [("omniaudit.brand-color", "brand/color_primary"),
                ("omniaudit.brand-name-spelling", "brand/brand_name")]:
        case = _cases(root)[key]
        assert case.find("failure") is None and "level: warn" in case.findtext("system-out")
    assert _with(root, "error") == {("omniaudit.capture", "capture/mobile")}
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "11", "5", "1", "1")
    for suite in root.iter("testsuite"):
        assert suite.get("tests") == str(len(suite.findall("testcase")))


def test_junit_failure_carries_message_and_values(written: dict[str, Path]) -> None:
    root = ET.parse(written["junit"]).getroot()
    failure = _cases(root)[("omniaudit.price-mismatch", "mbb-100/monthly_price")].find("failure")
    assert failure.get("type") == "high"
    assert "The monthly price differs" in failure.get("message")
    assert "mobile: 26,90 €/kk" in failure.get("message")
    assert "  desktop: 24,90 €/kk\n  mobile: 26,90 €/kk" in failure.text
    hostile = _cases(root)[("omniaudit.campaign-missing", "fiber-300/offer")].find("failure")
    assert "<script>alert(1)</script>" in hostile.text  # text, escaped by the serializer
    error = _cases(root)[("omniaudit.capture", "capture/mobile")].find("error")
    assert "https://m.nordtel.example/yritys: Timeout 30000 ms" in error.text


def test_junit_fail_on_threshold(run: Run) -> None:
    root = ET.fromstring(render_junit(run, fail_on=Severity.HIGH).encode("utf-8"))
    assert _with(root, "failure") == {
        ("omniaudit.fee-only-in-chat", "mbb-100/activation_fee"),
        ("omniaudit.price-mismatch", "mbb-100/monthly_price"),
    }
    below = _cases(root)[("omniaudit.contract-mismatch", "fiber-300/contract_months")]
    assert below.find("failure") is None and "24-month" in below.findtext("system-out")


def test_junit_survives_control_characters_and_duplicate_names(run: Run) -> None:
    first = run.findings[1]
    nasty = replace(first, fingerprint="f" * 20, message="bad \x00\x1b[31m byte \ud800 here")
    variant = replace(run, findings=(*run.findings, nasty))
    root = ET.fromstring(render_junit(variant).encode("utf-8"))
    names = [c.get("name") for c in root.iter("testcase")
             if c.get("classname") == "omniaudit.price-mismatch"]
    assert names == ["mbb-100/monthly_price", "mbb-100/monthly_price #ffffffff"]
    assert "bad \ufffd\ufffd[31m byte \ufffd here" in "".join(root.itertext())


def test_junit_without_threshold_fails_nothing_like_the_exit_code(run: Run) -> None:
    # One gating rule for every output (auditor.model.is_gating): no --fail-on, no failure.
    root = ET.fromstring(render_junit(run).encode("utf-8"))
    assert _with(root, "failure") == set()
    assert len(list(root.iter("testcase"))) > 5
    assert _with(root, "skipped") == {("omniaudit.fee-in-fine-print", "fiber-300/activation_fee")}


def test_tolerated_capture_errors_are_not_junit_errors(run: Run) -> None:
    tolerant = {**run.channels, "mobile": replace(run.channels["mobile"], max_failures=1)}
    variant = replace(run, channels=tolerant)
    assert variant.complete
    root = ET.fromstring(render_junit(variant).encode("utf-8"))
    case = _cases(root)[("omniaudit.capture", "capture/mobile")]
    assert case.find("error") is None
    assert "https://m.nordtel.example/yritys: Timeout" in case.findtext("system-out")
