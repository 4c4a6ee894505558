"""findings.json: the documented, versioned machine format of a run (DESIGN.md).

The shape is fixed by DESIGN.md and may be extended, never renamed; the JSON Schema in
``reports/schema/findings-1.schema.json`` documents every field.
"""

from __future__ import annotations

import json
from collections.abc import Set as AbstractSet
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema.validators import validator_for

import auditor
from auditor.model import Run, Severity, run_to_dict

from ._common import is_gating, severity_counts, write_text_atomic

SCHEMA_VERSION = "1"
SCHEMA_PATH: Path = Path(__file__).resolve().parent / "schema" / "findings-1.schema.json"


class FindingsFileError(ValueError):
    """A findings.json file that cannot be read or does not match the schema."""


def findings_document(run: Run, *, fail_on: Severity | None = None,
                      baseline: AbstractSet[str] | None = None) -> dict[str, Any]:
    """The findings.json content of a finished run, as plain JSON-compatible data.

    The body is :func:`auditor.model.run_to_dict` (what the store keeps too); this adds the
    version, the generator and the summary counts.

    ``fail_on`` (the ``--fail-on`` threshold; ``None`` = no gate) decides ``summary.gating``
    and each finding's ``gating`` and is recorded as ``summary.fail_on``; so does
    ``baseline`` (the fingerprints of a ``--baseline`` file): each finding's ``baselined``,
    and counts in ``summary.baseline``.
    """
    known = baseline if baseline is not None else frozenset()
    body = run_to_dict(run)
    for finding, doc in zip(run.findings, body["findings"], strict=True):
        doc["gating"] = is_gating(finding, fail_on, known)
        doc["baselined"] = finding.fingerprint in known
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": {"name": "omniaudit", "version": auditor.__version__},
        **body,
        "summary": {
            "by_severity": severity_counts(run.findings),
            "by_level": {
                level: sum(1 for f in run.findings if f.level == level)
                for level in ("error", "warn")
            },
            "gating": sum(1 for f in run.findings if is_gating(f, fail_on, known)),
            "total": len(run.findings),
            "fail_on": fail_on.label if fail_on is not None else None,
            "baseline": None if baseline is None else {
                "fingerprints": len(baseline),
                "matched": sum(1 for f in run.findings if f.fingerprint in baseline),
            },
        },
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_findings(run: Run, path: Path, *, fail_on: Severity | None = None,
                   baseline: AbstractSet[str] | None = None) -> Path:
    """Write findings.json for ``run`` to ``path``."""
    return write_text_atomic(
        path, dumps(findings_document(run, fail_on=fail_on, baseline=baseline)))


def load_baseline(path: Path) -> frozenset[str]:
    """The finding fingerprints of a ``--baseline`` findings.json (validated like any other).

    Every finding of the file counts, whatever its status or level: the baseline says
    "these problems are known", and a known problem must not fail the next build.
    """
    return frozenset(f["fingerprint"] for f in load_findings(path)["findings"])


@cache
def _validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_document(document: Any, *, source: str = "findings document") -> None:
    """Raise :class:`FindingsFileError` naming ``source`` and the first offending field."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    first = errors[0]
    where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    raise FindingsFileError(
        f"{source}: not a valid findings.json (schema version {SCHEMA_VERSION}): "
        f"at {where}: {first.message}{more}"
    )


def load_findings(path: Path) -> dict[str, Any]:
    """Read a findings.json file and validate it against the schema.

    Raises :class:`FindingsFileError` (a ``ValueError``) whose message names the file.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FindingsFileError(f"{path}: cannot read findings file: {exc}") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FindingsFileError(
            f"{path}: not JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from exc
    version = document.get("schema_version") if isinstance(document, dict) else None
    if version is not None and version != SCHEMA_VERSION:
        raise FindingsFileError(
            f"{path}: schema_version {version!r} is not supported; "
            f"this Omniaudit reads version {SCHEMA_VERSION!r}"
        )
    validate_document(document, source=str(path))
    return document
