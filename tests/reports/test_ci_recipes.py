"""docs/ci.md's recipes parse and run the command the way the CLI expects.

No CI service runs here (GitHub and GitLab cannot run locally), so this checks what can be
checked offline: the YAML parses, the structure each service requires is there, and the
``omniaudit`` command lines use options that exist.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml
from click.testing import CliRunner

from auditor.cli import main

DOC = (Path(__file__).resolve().parents[2] / "docs" / "ci.md").read_text(encoding="utf-8")


def _yaml_block(heading: str) -> dict:
    section = DOC.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```yaml\n(.*?)```", section, re.S)
    return yaml.safe_load(block)


def _omniaudit_args(script: str) -> list[str]:
    line = " ".join(script.split())
    return shlex.split(line[line.index("omniaudit run"):])[1:]


def _check_command(args: list[str]) -> None:
    assert args[:1] == ["run"]
    assert "--fail-on" in args and args[args.index("--fail-on") + 1] == "high"
    assert "--out" in args and "--baseline" in args
    # every option exists on the real command (click rejects unknown ones with exit 2)
    known = {o for p in main.commands["run"].params for o in p.opts}
    assert {a for a in args if a.startswith("--")} <= known


def test_github_actions_recipe() -> None:
    wf = _yaml_block("GitHub Actions")
    assert "pull_request" in wf[True] or "pull_request" in wf.get("on", {})  # YAML 1.1: on
    steps = wf["jobs"]["audit"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert "actions/checkout@v4" in uses and "actions/setup-python@v5" in uses
    setup = steps[uses.index("actions/setup-python@v5")]
    assert setup["with"]["cache"] == "pip"
    caches = [s["with"]["path"] for s in steps if s.get("uses") == "actions/cache@v4"]
    assert "~/.cache/ms-playwright" in caches and "omniaudit-out/omniaudit.sqlite" in caches
    audit = next(s for s in steps if s.get("name") == "Audit")
    _check_command(_omniaudit_args(audit["run"]))
    upload = steps[uses.index("actions/upload-artifact@v4")]
    assert upload["if"] == "${{ always() }}" and upload["with"]["path"] == "omniaudit-out/ci/"


def test_gitlab_ci_recipe() -> None:
    ci = _yaml_block("GitLab CI")
    job = ci["omniaudit"]
    assert job["stage"] in ci["stages"]
    assert job["image"].startswith("mcr.microsoft.com/playwright/python:")
    _check_command(_omniaudit_args(next(s for s in job["script"] if "omniaudit run" in s)))
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "omniaudit-out/ci/junit.xml"
    assert "omniaudit-out/ci/" in job["artifacts"]["paths"]
    assert any("omniaudit-out/omniaudit.sqlite" in c["paths"] for c in job["cache"])


def test_recipe_options_really_parse() -> None:
    """The recipe's command line gets past option parsing (then fails on the missing config
    with exit 2, the config error, not click's usage error about an unknown option)."""
    args = _omniaudit_args(_yaml_block("GitLab CI")["omniaudit"]["script"][1])
    r = CliRunner().invoke(main, [*args[:1], "does-not-exist.yaml", *args[2:]])
    assert r.exit_code == 2 and "No such option" not in r.output


def test_gitlab_playwright_image_matches_the_pinned_playwright() -> None:
    import re
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    deps = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    [pin] = [d.split("==")[1] for d in deps if d.startswith("playwright==")]
    images = re.findall(r"playwright/python:v([\d.]+)", (root / "docs" / "ci.md").read_text("utf-8"))
    assert images and set(images) == {pin}
