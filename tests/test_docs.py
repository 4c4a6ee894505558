"""Documentation is part of the change: these fail when a check, option, CLI command or
config key is added without being documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from auditor import config as cfg
from auditor.cli import main
from checks import REGISTRY

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CHECKS_DOC = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", list(REGISTRY), ids=lambda s: s.id)
def test_every_check_has_a_documented_section_with_its_options(spec):
    m = re.search(rf"^## {re.escape(spec.id)}\n(.*?)(?=^## |\Z)", CHECKS_DOC, re.M | re.S)
    assert m, f"docs/checks.md has no '## {spec.id}' section"
    section = m.group(1)
    assert f"severity {spec.severity.label}" in section
    assert "Example" in section
    for option in spec.options:
        assert f"`{option}`" in section, f"{spec.id}: option {option} undocumented"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_cli_command_is_in_the_readme(command):
    assert f"`omniaudit {command}" in README


def _keys(model: type[BaseModel], prefix: str) -> list[str]:
    out = []
    for name in model.model_fields:
        if name in {"root", "source"}:
            continue  # filled in by the loader, not written by users
        out.append(prefix + name)
    return out


CONFIG_KEYS = (
    _keys(cfg.AuditConfig, "")
    + _keys(cfg.BrandConfig, "brand.")
    + _keys(cfg.WebChannel, "channels.NAME.")
    + _keys(cfg.TranscriptChannel, "channels.NAME.")
    + _keys(cfg.SubjectConfig, "subjects[].")
    + _keys(cfg.MatchingConfig, "matching.")
    + _keys(cfg.ReportConfig, "report.")
    + _keys(cfg.EvidenceConfig, "evidence.")
    + _keys(cfg.EngineConfig, "engine.")
)


@pytest.mark.parametrize("key", sorted(set(CONFIG_KEYS) - {"brand", "channels", "subjects",
                                                            "matching", "checks", "report",
                                                            "evidence", "engine"}))
def test_every_config_key_is_in_the_readme_reference(key):
    assert f"| `{key}` |" in README, f"README config reference lacks {key}"


def test_readme_opens_with_the_two_commands():
    first = README[: README.index("## ")]
    assert "make demo" in first and "make test" in first
