"""``omniaudit diff OLD NEW``: two findings.json files compared by fingerprint.

Works on the documents, not on the store, so it compares any two runs a CI system kept as
artifacts (yesterday's nightly against today's, main against a branch). Three renderings:
plain text for terminals, JSON for machines and one self-contained HTML page (inline CSS,
no script, a CSP that loads nothing) for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from auditor.model import Severity

from ._common import format_time
from .html import _environment

#: The order of the sections, in every rendering.
SECTIONS: tuple[str, ...] = ("new", "resolved", "persisting")


def _rank(finding: Mapping[str, Any]) -> int:
    try:
        return int(Severity.parse(finding.get("severity", "info")))
    except ValueError:
        return -1


def diff_documents(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """``{"old": run, "new": run, "new": [...], "resolved": [...], "persisting": [...]}``.

    Findings are the documents' own dicts, most severe first. ``persisting`` carries the
    new document's version of each finding; ``changed`` lists the persisting fingerprints
    whose severity or status moved, since a problem that got worse deserves a look.
    """
    a = {f["fingerprint"]: f for f in old.get("findings", ())}
    b = {f["fingerprint"]: f for f in new.get("findings", ())}

    def ordered(items: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        return sorted(items, key=lambda f: (-_rank(f), f.get("check", ""), f.get("subject", "")))

    persisting = ordered([b[k] for k in b if k in a])
    return {
        "old_run": _run_facts(old),
        "new_run": _run_facts(new),
        "new": ordered([b[k] for k in b if k not in a]),
        "resolved": ordered([a[k] for k in a if k not in b]),
        "persisting": persisting,
        "changed": [
            {"fingerprint": f["fingerprint"],
             "severity": [a[f["fingerprint"]].get("severity"), f.get("severity")],
             "status": [a[f["fingerprint"]].get("status"), f.get("status")]}
            for f in persisting
            if (a[f["fingerprint"]].get("severity"), a[f["fingerprint"]].get("status"))
            != (f.get("severity"), f.get("status"))
        ],
    }


def _run_facts(doc: Mapping[str, Any]) -> dict[str, Any]:
    run = doc.get("run") or {}
    return {"id": run.get("id"), "name": run.get("name"), "started_at": run.get("started_at"),
            "complete": run.get("complete")}


def render_diff_text(result: Mapping[str, Any]) -> str:
    """One line per section count, then one line per finding."""
    lines = []
    for label in SECTIONS:
        items = result[label]
        lines.append(f"{label}: {len(items)}")
        for f in items:
            lines.append(f"  {f['severity']:>8} {f['check']:<18} {f['subject']:<16} "
                         f"{' '.join(str(f['message']).split())}")
    return "\n".join(lines)


def render_diff_html(result: Mapping[str, Any]) -> str:
    """The diff as one self-contained HTML page (everything autoescaped, no script)."""
    changed = {c["fingerprint"]: c for c in result["changed"]}
    return _environment().get_template("diff.html.j2").render(
        result=result, sections=SECTIONS, changed=changed,
        old_started=format_time(result["old_run"]["started_at"]),
        new_started=format_time(result["new_run"]["started_at"]))
