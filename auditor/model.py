"""The plain, frozen records that flow between Omniaudit's stages.

Capture produces :class:`Observation` records, matching fills in their ``subject``,
checks turn them into :class:`Finding` records, and a finished :class:`Run` holds all of
it for the reports and the store. Every record is a frozen dataclass that converts to and
from JSON-compatible dicts (``to_dict`` / ``from_dict``) so that a run can be stored,
re-checked offline and handed between processes unchanged.

Money is always :class:`decimal.Decimal`; in JSON it is a decimal string.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from typing import Any

#: The attribute vocabulary checks understand (DESIGN.md). Extractors may emit others;
#: checks simply ignore attributes they do not know.
ATTRIBUTES: tuple[str, ...] = (
    "price",
    "list_price",
    "monthly_price",
    "promo_price",
    "promo_months",
    "activation_fee",
    "delivery_fee",
    "cancellation_fee",
    "contract_months",
    "price_lock_months",
    "speed",
    "offer",
    "offer_ends",
    "vat_included",
    "brand_name",
    "logo",
    "color_primary",
    "font_family",
)

#: Attributes whose value is an amount of money.
MONEY_ATTRIBUTES: frozenset[str] = frozenset(
    {"price", "list_price", "monthly_price", "promo_price", "activation_fee", "delivery_fee",
     "cancellation_fee"}
)

#: Attributes whose value is a number of months.
MONTH_ATTRIBUTES: frozenset[str] = frozenset({"contract_months", "promo_months",
                                             "price_lock_months"})

#: Attributes that describe a fee, as opposed to a price.
FEE_ATTRIBUTES: frozenset[str] = frozenset({"activation_fee", "delivery_fee", "cancellation_fee"})

#: The subject id under which site-wide branding observations are recorded.
BRAND_SUBJECT = "brand"


class Severity(IntEnum):
    """Finding severities, ordered so that ``Severity.HIGH > Severity.LOW``."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        """Parse ``"high"`` (any case) into ``Severity.HIGH``; raise ``ValueError`` otherwise."""
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r}; expected one of: {names}") from None

    @property
    def label(self) -> str:
        """The lower-case name used in config, JSON and reports."""
        return self.name.lower()


@dataclass(frozen=True)
class Evidence:
    """Where an observation was seen: a page element or a transcript line."""

    url: str | None = None
    selector: str | None = None
    viewport: str | None = None
    #: Path of the element screenshot, relative to the run's output folder.
    screenshot: str | None = None
    html: str | None = None
    transcript: str | None = None
    line: int | None = None
    speaker: str | None = None
    timestamp: str | None = None


@dataclass(frozen=True)
class Shown:
    """How an observation was presented to a customer (web channels only)."""

    visible: bool | None = None
    font_px: float | None = None
    contrast: float | None = None
    collapsed: bool | None = None
    above_fold: bool | None = None
    #: The title of the closed section a collapsed element sits in ("Livraison", "See full
    #: terms"), when the page gives one.
    section: str | None = None
    #: Whether that title names what the observation states: a delivery fee in a closed
    #: "Delivery" section is filed under its own name; one in "Terms" is tucked away.
    section_names_it: bool | None = None


@dataclass(frozen=True)
class Observation:
    """One channel said one attribute value about one subject.

    ``value`` is a :class:`Decimal` for money and counts, a ``str`` otherwise (an ISO date
    for ``offer_ends``, ``"#rrggbb"`` for colours, a perceptual hash for logos), ``True`` /
    ``False`` for flags. ``subject`` is ``None`` until matching resolves it; observations
    that stay ``None`` are reported as unmatched.
    """

    id: str
    channel: str
    attribute: str
    value: Any
    text: str
    evidence: Evidence
    subject: str | None = None
    #: Candidate offer names as the channel wrote them, closest first (a card's title before
    #: the page's h1; ``"sku:..."`` for product codes). Matching resolves them to ``subject``.
    subject_hints: tuple[str, ...] = ()
    #: Where the value came from: ``"text"`` (visible page text), ``"structured"`` (schema.org
    #: data), ``"page"`` (logo, colours, meta) or ``"transcript"``.
    source: str = "text"
    currency: str | None = None
    period: str | None = None
    shown: Shown = field(default_factory=Shown)
    #: How matching decided the subject: ``"alias"``, ``"fuzzy:93"``, ``"structured"`` ...
    match: str | None = None
    #: Where on its page the observation sat (web channels): ``"main"`` the page's own offer,
    #: ``"chrome"`` the site's header, footer, banners and text repeated on most pages of the
    #: channel (it applies channel-wide, never to one offer), ``"other"`` another product's
    #: card or listing entry. Capture records the structure; matching decides the final role
    #: (roles.ROLES). ``None`` for transcripts and branding.
    role: str | None = None
    #: Characters ``[start, end)`` of ``text`` that state the value: reports highlight them,
    #: and matching looks for offer names written before them.
    span: tuple[int, int] | None = None
    #: A fee waived from an order value on ("Livraison CHF 7.90, offerte dès CHF 50.–"):
    #: that value, in the fee's currency; an offer priced at or above it pays nothing.
    free_from: Decimal | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "channel": self.channel,
            "subject": self.subject,
            "subject_hints": list(self.subject_hints),
            "source": self.source,
            "attribute": self.attribute,
            "value": encode_value(self.value),
            "currency": self.currency,
            "period": self.period,
            "text": self.text,
            "match": self.match,
            "role": self.role,
            "span": list(self.span) if self.span else None,
            "free_from": str(self.free_from) if self.free_from is not None else None,
            "evidence": dataclasses.asdict(self.evidence),
            "shown": dataclasses.asdict(self.shown),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Observation:
        return cls(
            id=data["id"],
            channel=data["channel"],
            subject=data.get("subject"),
            subject_hints=tuple(data.get("subject_hints") or ()),
            source=data.get("source", "text"),
            attribute=data["attribute"],
            value=decode_value(data["attribute"], data.get("value")),
            currency=data.get("currency"),
            period=data.get("period"),
            text=data.get("text", ""),
            match=data.get("match"),
            role=data.get("role"),
            span=tuple(data["span"]) if data.get("span") else None,
            free_from=Decimal(data["free_from"]) if data.get("free_from") is not None else None,
            evidence=Evidence(**(data.get("evidence") or {})),
            shown=Shown(**(data.get("shown") or {})),
        )


def observation_id(channel: str, attribute: str, value: Any, *where: object) -> str:
    """A deterministic observation id: the same fact at the same place gets the same id.

    Deterministic ids let a retried capture unit overwrite rather than duplicate, and keep
    finding fingerprints stable across runs.
    """
    raw = "\x1f".join([channel, attribute, str(encode_value(value)), *map(str, where)])
    return "o_" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def encode_value(value: Any) -> Any:
    """JSON form of an observation value: decimals become strings, the rest is unchanged."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def decode_value(attribute: str, value: Any) -> Any:
    """Inverse of :func:`encode_value` for a known attribute."""
    if value is None:
        return None
    if attribute in MONEY_ATTRIBUTES or attribute in MONTH_ATTRIBUTES:
        return Decimal(str(value))
    if attribute == "speed" and isinstance(value, str | int | float):
        # Speeds are Decimal when extracted: a run read back from JSON (a stored run, a
        # worker's result) must compare them exactly as the run that captured them did.
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return value
    return value


@dataclass(frozen=True)
class Finding:
    """A check's verdict about one subject and attribute."""

    fingerprint: str
    check: str
    severity: Severity
    subject: str
    attribute: str
    channels: tuple[str, ...]
    observations: tuple[str, ...]
    message: str
    #: ``"error"`` findings can gate a run; ``"warn"`` findings are reported and never gate.
    level: str = "error"
    status: str = "new"
    #: Values per channel as shown in the report (already formatted for humans).
    values: Mapping[str, str] = field(default_factory=dict)
    #: The waiver that covers the finding (``status == "waived"``) or that covered it and
    #: expired (``expired: true``): reason, owner, expires, expired, where (auditor.waivers).
    waiver: Mapping[str, Any] | None = None
    #: The second pass's verdict (docs/capture.md): ``True`` the pages were re-visited and
    #: still say it, ``False`` they no longer do (a dynamic page, an A/B test: reported, never
    #: gating), ``None`` not re-checked (transcripts only, ``screenshots: false``).
    confirmed: bool | None = None
    #: Why the finding is (un)confirmed, in a sentence.
    confirmation: str | None = None
    #: False when the run could not check it (the channel's pages for the offer failed):
    #: the message says "not checked: …", it never gates, and its history carries over.
    checked: bool = True
    #: Observations the finding compares against (the brand's logo as another channel or
    #: page shows it), shown beside the evidence; not evidence of the problem themselves.
    reference: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "check": self.check,
            "severity": self.severity.label,
            "level": self.level,
            "subject": self.subject,
            "attribute": self.attribute,
            "channels": list(self.channels),
            "observations": list(self.observations),
            "values": dict(self.values),
            "message": self.message,
            "status": self.status,
            "waiver": dict(self.waiver) if self.waiver is not None else None,
            "confirmed": self.confirmed,
            "confirmation": self.confirmation,
            "checked": self.checked,
            "reference": list(self.reference),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            fingerprint=data["fingerprint"],
            check=data["check"],
            severity=Severity.parse(data["severity"]),
            level=data.get("level", "error"),
            subject=data["subject"],
            attribute=data["attribute"],
            channels=tuple(data.get("channels", ())),
            observations=tuple(data.get("observations", ())),
            values=dict(data.get("values") or {}),
            message=data["message"],
            status=data.get("status", "new"),
            waiver=data.get("waiver"),
            confirmed=data.get("confirmed"),
            confirmation=data.get("confirmation"),
            checked=data.get("checked", True),
            reference=tuple(data.get("reference", ())),
        )


def is_gating(finding: Finding, fail_on: Severity | None,
              baseline: AbstractSet[str] = frozenset()) -> bool:
    """Whether a finding fails the run (exit code 1): the one gating rule every output uses.

    Error-level, not waived, at or above ``fail_on``, and not already known: a fingerprint in
    ``baseline`` (the fingerprints of a ``--baseline findings.json``) never gates, so a team
    can adopt a gate on a site with known problems and fail only on new ones. With no
    ``fail_on`` nothing gates; ``warn``-level findings never gate; nor does a finding the
    second pass could not reproduce (``confirmed is False``): a release is not blocked by
    what the site no longer shows.
    """
    return (fail_on is not None and finding.level == "error" and finding.status != "waived"
            and finding.confirmed is not False and finding.checked
            and finding.severity >= fail_on and finding.fingerprint not in baseline)


def fingerprint(check: str, subject: str, attribute: str, *parts: str) -> str:
    """A finding fingerprint from what identifies the problem, never from volatile details.

    URLs, selectors, observation ids and timestamps are deliberately left out, so that the
    same problem keeps its id across runs and edits to unrelated pages.
    """
    raw = "\x1f".join([check, subject, attribute, *parts])
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class CaptureError:
    """A page, transcript or channel that could not be read, and why."""

    channel: str
    target: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ChannelResult:
    """What one channel's capture produced."""

    name: str
    kind: str
    device: str | None
    pages_ok: int
    pages_failed: int
    errors: tuple[CaptureError, ...]
    observations: tuple[Observation, ...]
    #: URLs (or transcript files) read successfully, in visiting order.
    visited: tuple[str, ...] = ()
    #: Responses that were not pages (images, XML, PDF): skipped and counted, not failed.
    pages_skipped: int = 0
    #: Failed pages tolerated before the channel counts as incomplete (``max_failures``).
    max_failures: int = 0
    #: Things worth knowing that are not failures: off-scope redirects not followed, pages
    #: robots.txt disallows, an unreadable robots.txt or sitemap, browser restarts.
    notes: tuple[str, ...] = ()
    #: Page loads that were tried again (network error, 5xx, 429) — failed or not in the end.
    retries: int = 0
    #: A web channel that read pages but found no price, fee or term of any catalogue
    #: offer on them: a capture gap (content behind a consent sheet, a login, a slow
    #: script), not a channel where every offer is missing. Set after matching.
    empty: bool = False

    @property
    def complete(self) -> bool:
        """Complete: something was read, failures stayed within the tolerance, and (web)
        the pages read said something about the offers."""
        return self.pages_ok > 0 and self.pages_failed <= self.max_failures and not self.empty

    def stats_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "device": self.device,
            "pages_ok": self.pages_ok,
            "pages_failed": self.pages_failed,
            "pages_skipped": self.pages_skipped,
            "max_failures": self.max_failures,
            "complete": self.complete,
            "empty": self.empty,
            "retries": self.retries,
            "errors": [e.to_dict() for e in self.errors],
            "notes": list(self.notes),
            "visited": list(self.visited),
        }


@dataclass(frozen=True)
class CheckInfo:
    """What a report needs to know about a check that ran."""

    id: str
    severity: Severity
    level: str
    #: The first paragraph of the check's docstring: what it found, in one sentence.
    title: str
    #: The whole docstring: why it matters.
    rationale: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "severity": self.severity.label, "level": self.level,
                "title": self.title, "rationale": self.rationale}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckInfo:
        return cls(data["id"], Severity.parse(data["severity"]), data.get("level", "error"),
                   data.get("title", ""), data.get("rationale", ""))


@dataclass(frozen=True)
class Run:
    """One audit: its config, capture results, matched observations and findings."""

    id: str
    config_name: str
    config_path: str | None
    started_at: str
    finished_at: str
    channels: Mapping[str, ChannelResult]
    observations: tuple[Observation, ...]
    findings: tuple[Finding, ...]
    #: Subject ids of the catalogue, in config order (the report's matrix rows).
    subjects: tuple[str, ...] = ()
    #: Display names of the subjects.
    subject_names: Mapping[str, str] = field(default_factory=dict)
    #: The checks that ran: ``{id: CheckInfo}``, so reports can say why a finding matters
    #: without importing the checks.
    checks: Mapping[str, CheckInfo] = field(default_factory=dict)
    #: The configured reference logo as a PNG under the output folder (``brand.logo``),
    #: shown beside the logos a channel showed; None without one.
    reference_logo: str | None = None
    #: The locale reports write values in (config ``report.locale``; docs/reports.md).
    locale: str | None = None
    #: The run was stopped by SIGINT/SIGTERM: what was captured is kept and reported, but
    #: it is never the "previous run" new / persisting / resolved are computed against.
    interrupted: bool = False
    #: Checks that raised instead of reporting: ``"<check id>: <error>"``. The run is
    #: incomplete (exit 3) — what those checks would have found is unknown.
    failed_checks: tuple[str, ...] = ()
    #: The config as the run used it (``${VAR}`` substituted, paths absolute), so that
    #: ``check``, ``explain`` and ``diff`` work from any folder without the environment.
    config: Mapping[str, Any] | None = None
    #: What a reader of the run should know that is not a finding: waivers that matched
    #: nothing, the checks that failed, the interruption.
    warnings: tuple[str, ...] = ()
    #: Where the run's evidence (element screenshots) was written, as an absolute path:
    #: a report written from the stored run in another folder still finds its screenshots.
    evidence_root: str | None = None

    @property
    def complete(self) -> bool:
        return (not self.interrupted and not self.failed_checks
                and all(c.complete for c in self.channels.values()))

    @property
    def unmatched(self) -> tuple[Observation, ...]:
        """Observations no offer could be found for (chrome ones are channel-wide, not
        unmatched)."""
        return tuple(o for o in self.observations if o.subject is None and o.role != "chrome")

    @property
    def channel_wide(self) -> tuple[Observation, ...]:
        """What channels state site-wide (role ``chrome``): VAT statements, delivery terms."""
        return tuple(o for o in self.observations if o.subject is None and o.role == "chrome")

    def observation(self, obs_id: str) -> Observation | None:
        for o in self.observations:
            if o.id == obs_id:
                return o
        return None


def run_to_dict(run: Run) -> dict[str, Any]:
    """A run as JSON-compatible data (the body of ``findings.json`` and of the store)."""
    return {
        "run": {
            "id": run.id,
            "name": run.config_name,
            "config_path": run.config_path,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "complete": run.complete,
            "channels": {name: c.stats_dict() for name, c in run.channels.items()},
            "reference_logo": run.reference_logo,
            "locale": run.locale,
            "interrupted": run.interrupted,
            "failed_checks": list(run.failed_checks),
            "config": run.config,
            "warnings": list(run.warnings),
            "evidence_root": run.evidence_root,
        },
        "subjects": [{"id": s, "name": run.subject_names.get(s, s)} for s in run.subjects],
        "observations": [o.to_dict() for o in run.observations],
        "findings": [f.to_dict() for f in run.findings],
        "unmatched": [o.id for o in run.unmatched],
        "checks": [c.to_dict() for c in run.checks.values()],
    }


def run_from_dict(doc: Mapping[str, Any]) -> Run:
    """Inverse of :func:`run_to_dict` (accepts a whole ``findings.json`` document)."""
    meta = doc["run"]
    observations = tuple(Observation.from_dict(o) for o in doc.get("observations", ()))
    by_channel: dict[str, list[Observation]] = {}
    for o in observations:
        by_channel.setdefault(o.channel, []).append(o)
    channels = {
        name: ChannelResult(
            name=name, kind=c["kind"], device=c.get("device"), pages_ok=c.get("pages_ok", 0),
            pages_failed=c.get("pages_failed", 0),
            errors=tuple(CaptureError(**e) for e in c.get("errors", ())),
            observations=tuple(by_channel.get(name, ())), visited=tuple(c.get("visited", ())),
            pages_skipped=c.get("pages_skipped", 0), max_failures=c.get("max_failures", 0),
            notes=tuple(c.get("notes", ())), retries=c.get("retries", 0),
            empty=c.get("empty", False))
        for name, c in meta.get("channels", {}).items()
    }
    subjects = doc.get("subjects", ())
    return Run(
        id=meta["id"], config_name=meta.get("name", ""), config_path=meta.get("config_path"),
        started_at=meta["started_at"], finished_at=meta["finished_at"], channels=channels,
        observations=observations,
        findings=tuple(Finding.from_dict(f) for f in doc.get("findings", ())),
        subjects=tuple(s["id"] for s in subjects),
        subject_names={s["id"]: s.get("name", s["id"]) for s in subjects},
        checks={c["id"]: CheckInfo.from_dict(c) for c in doc.get("checks", ())},
        reference_logo=meta.get("reference_logo"), locale=meta.get("locale"),
        interrupted=bool(meta.get("interrupted", False)),
        failed_checks=tuple(meta.get("failed_checks") or ()), config=meta.get("config"),
        warnings=tuple(meta.get("warnings") or ()), evidence_root=meta.get("evidence_root"))
