"""Third-party checks register through the ``omniaudit.checks`` entry point, exactly like
built-ins. The plugin here is a real installed distribution (a ``dist-info`` folder with
``entry_points.txt`` on ``sys.path``), discovered by importlib.metadata in a real
``omniaudit`` process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PLUGIN = '''
from checks import Issue, Option, check


@check("promo_below_monthly", severity="medium",
       options={"margin": Option("0.00", "How far below the monthly price a promo must be.")})
def promo_below_monthly(ctx):
    """A campaign price that is not below the regular monthly price is no campaign.

    Customers read a campaign as a saving; one that costs as much as the regular price
    misleads them.
    """
    for subject, per in ctx.by_subject("promo_price").items():
        for channel, promos in per.items():
            regular = [o for o in ctx.by_subject("monthly_price").get(subject, {}).get(channel, [])]
            if any(p.value >= r.value for p in promos for r in regular):
                yield Issue(subject=subject, attribute="promo_price", channels=(channel,),
                            observations=tuple(promos), key=(channel,),
                            message=f"{channel}: the campaign price is not below the monthly price")
'''


def _install_plugin(root: Path, name: str, body: str, check_module: str | None = None) -> None:
    (root / name).mkdir()
    (root / name / "__init__.py").write_text(body, encoding="utf-8")
    info = root / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n",
                                   encoding="utf-8")
    (info / "entry_points.txt").write_text(
        f"[omniaudit.checks]\n{name} = {check_module or name}\n", encoding="utf-8")


def _omniaudit(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    return subprocess.run([sys.executable, "-m", "auditor", *args], capture_output=True,
                          text=True, cwd=tmp_path, env=env, timeout=120)


def test_a_plugin_check_is_listed_configured_and_validated_like_a_built_in(tmp_path):
    _install_plugin(tmp_path, "omniaudit_promo_plugin", PLUGIN)
    listed = {c["id"]: c for c in json.loads(_omniaudit(tmp_path, "checks", "--json").stdout)}
    plugin = listed["promo_below_monthly"]
    assert plugin["origin"] == "omniaudit_promo_plugin"
    assert plugin["severity"] == "medium" and "misleads" in plugin["rationale"]
    assert plugin["options"]["margin"]["default"] == "0.00"
    assert listed["price_mismatch"]["origin"] == "built-in"

    cfg = tmp_path / "audit.yaml"
    (tmp_path / "chats").mkdir(exist_ok=True)  # validate checks the folder exists
    cfg.write_text("name: p\nchannels:\n  chat:\n    kind: transcripts\n    path: chats\n"
                   "checks:\n  promo_below_monthly: [error, {severity: high, margin: '1.00'}]\n",
                   encoding="utf-8")
    ok = _omniaudit(tmp_path, "validate", str(cfg))
    assert ok.returncode == 0, ok.stderr
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("margin", "marign"), encoding="utf-8")
    bad = _omniaudit(tmp_path, "validate", str(cfg))
    assert bad.returncode == 2
    assert "checks.promo_below_monthly.marign: unknown option" in bad.stderr


def test_a_plugin_reusing_a_built_in_id_is_rejected_at_registration(tmp_path):
    _install_plugin(tmp_path, "omniaudit_clash_plugin", PLUGIN.replace(
        '"promo_below_monthly"', '"price_mismatch"'))
    r = _omniaudit(tmp_path, "checks")
    assert r.returncode == 2
    assert "check registration error: duplicate check id 'price_mismatch'" in r.stderr
    assert "Traceback" not in r.stderr
