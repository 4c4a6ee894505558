"""Loading and validating ``audit.yaml``.

The config is parsed with PyYAML's node API so that every value keeps the line it came
from, then validated with pydantic. Any problem is raised as :class:`ConfigError`, whose
message names the file, the line and the dotted key and says what was expected::

    audit.yaml:14: channels.desktop.max_pages: expected an integer, got 'ten'

``${NAME}`` in a string is replaced by the environment variable ``NAME`` (so one config can
audit staging and production); an unset variable is a config error, never an empty string —
except when loading for ``omniaudit validate`` (``allow_unset_env=True``), which keeps the
placeholder and records where it was so that every problem can be reported at once
(:mod:`auditor.validate`).

A loaded config remembers the line of every key (:meth:`AuditConfig.key_lines`), and can be
written out fully resolved (:meth:`AuditConfig.resolved_document`: variables substituted,
paths absolute) and re-created from that without the environment or the original folder
(:meth:`AuditConfig.from_resolved`).
"""

from __future__ import annotations

import difflib
import os
import re
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin
from urllib.parse import urljoin, urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
)

from auditor.model import Severity
from auditor.rules import Rule, check_rule_scope

_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
_ID_RE = r"^[a-z0-9][a-z0-9_.-]*$"


class ConfigError(Exception):
    """A config file that cannot be used, with where and why."""

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None,
                 key: str | None = None) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.key = key
        self.reason = message
        where = self.file or "<config>"
        if line is not None:
            where += f":{line}"
        prefix = f"{where}: " + (f"{key}: " if key else "")
        super().__init__(prefix + message)


def did_you_mean(word: str, choices: Sequence[str] | set[str] | frozenset[str], *,
                 n: int = 1, cutoff: float = 0.6) -> str:
    """``"did you mean 'x'? "`` for the closest of ``choices`` (case-insensitive), else ``""``."""
    by_lower: dict[str, str] = {}
    for c in sorted(choices):
        by_lower.setdefault(c.lower(), c)
    if word.lower() in by_lower:  # only the case differs: that is the one
        return f"did you mean {by_lower[word.lower()]!r}? "
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=n, cutoff=cutoff)
    if not close:
        return ""
    names = [repr(by_lower[c]) for c in close]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"did you mean {listed}? "


class UnsetVariable(NamedTuple):
    """A ``${NAME}`` left in place because ``NAME`` was not set (``allow_unset_env``)."""

    name: str
    line: int | None
    key: str


class _Provenance:
    """Where a loaded config's keys were, kept beside the config but never part of it.

    Two configs with the same settings are equal wherever they came from, so every
    provenance compares equal to every other.
    """

    __slots__ = ("lines", "unset")

    def __init__(self, lines: Mapping[tuple, int] | None = None,
                 unset: Sequence[UnsetVariable] = ()) -> None:
        self.lines: dict[tuple, int] = dict(lines or {})
        self.unset: tuple[UnsetVariable, ...] = tuple(unset)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Provenance)

    def __hash__(self) -> int:
        return 0


class _Model(BaseModel):
    # Unknown keys are errors: a typo such as `max_page:` must not be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class BrandConfig(_Model):
    """The brand the channels should all present."""

    name: str
    #: Former or wrong names that must no longer appear anywhere.
    retired_names: list[str] = []
    #: The reference logo (PNG/JPEG), relative to the config file.
    logo: Path | None = None
    #: The brand palette as ``#rrggbb``; the primary colour of every channel should be one of them.
    colors: list[str] = []
    #: CSS selector of the logo element, when the default heuristics pick the wrong one.
    logo_selector: str | None = None

    @field_validator("colors")
    @classmethod
    def _hex_colors(cls, v: list[str]) -> list[str]:
        for c in v:
            if not _HEX_RE.match(c):
                raise ValueError(f"expected a colour like '#0050B4', got {c!r}")
        return [c.upper() for c in v]


class WebChannel(_Model):
    """A site crawled with a real browser."""

    kind: Literal["web"]
    #: ``desktop`` or a Playwright device name such as ``"iPhone 13"`` or ``"Pixel 7"``.
    device: str = "desktop"
    start_urls: list[str] = Field(min_length=1)
    #: URL prefixes (absolute, or paths on the start URLs' host) that are in scope.
    #: Default: everything on the start URLs' hosts.
    include: list[str] = []
    #: URL prefixes that are never visited, even when included.
    exclude: list[str] = []
    max_pages: int = Field(50, ge=1)
    max_depth: int = Field(5, ge=0)
    #: Per-page navigation timeout in seconds.
    timeout: float = Field(20.0, gt=0)
    #: What "loaded" means before extraction starts: ``stable`` (no content request in
    #: flight and the DOM quiet, capped), ``load``, ``domcontentloaded``, ``networkidle``,
    #: ``selector:CSS`` (that element is attached) or ``js:EXPRESSION`` (the expression is
    #: truthy). See docs/capture.md.
    wait: str = "stable"
    #: Extra CSS selectors of cookie-consent "accept" buttons (tried before the defaults).
    consent_selectors: list[str] = []
    #: Confirm findings in a second pass and keep element screenshots of them as evidence.
    #: ``false`` skips the second pass (findings stay unconfirmed) and is the fastest capture.
    screenshots: bool = True
    #: Failed pages tolerated before the channel (and so the run) counts as incomplete.
    #: A channel that read no page at all is incomplete whatever this says.
    max_failures: int = Field(0, ge=0)
    #: Browser locale and timezone for the pages.
    locale: str = "fi-FI"
    timezone: str = "Europe/Helsinki"
    #: Pages visited at once in this channel.
    concurrency: int = Field(4, ge=1, le=32)
    #: How pages are read: ``browser`` (rendered in Chromium), ``static`` (plain HTTP and
    #: HTML, for server-rendered sites; no layout, no screenshots) or ``auto`` (render
    #: ``auto_sample`` pages both ways; static only if they give the same facts).
    mode: Literal["browser", "static", "auto"] = "browser"
    #: Pages ``mode: auto`` reads both ways before choosing.
    auto_sample: int = Field(5, ge=1, le=100)
    #: Where an attribute is on this channel's pages, overriding the extraction heuristics
    #: for that attribute: ``{activation_fee: "css:.fees .activation"}`` or
    #: ``{activation_fee: "xpath://dt[.='Avausmaksu']/following-sibling::dd"}`` (a bare
    #: selector is CSS). See docs/extraction.md.
    selectors: dict[str, str] = {}
    #: ``obey`` robots.txt (default), or ``ignore`` it — for a team's own staging site only.
    robots: Literal["obey", "ignore"] = "obey"
    #: Also queue the pages the site's sitemaps list (robots.txt ``Sitemap:`` lines, else
    #: ``/sitemap.xml``; indexes and gzip followed), within scope and ``max_pages``.
    sitemaps: bool = True
    #: Retries of a page after a network error, a 5xx or a 429, with exponential backoff
    #: from ``retry_backoff`` seconds (a longer ``Retry-After`` is honoured up to 30 s).
    retries: int = Field(2, ge=0, le=10)
    retry_backoff: float = Field(0.5, ge=0)
    #: Requests per second per host (0: no limit); robots.txt ``Crawl-delay`` can slow it.
    rate_limit: float = Field(0.0, ge=0)
    #: Pages loaded at once per host (default: ``concurrency``).
    host_concurrency: int | None = Field(None, ge=1, le=32)
    #: A Playwright storage-state file (cookies, localStorage) of a logged-in session,
    #: relative to the config file: how a channel gets behind a login.
    storage_state: Path | None = None
    #: Scroll steps to reach lazily loaded content (0: no scrolling). Bounded, so an
    #: endless feed costs at most this many steps.
    scroll: int = Field(8, ge=0, le=100)
    #: Visits a worker's page serves before it is replaced (and the channel's shared context
    #: once every worker has had a page from it): renderer memory grows with use, and
    #: recycling keeps a long crawl's memory flat.
    recycle_after: int = Field(100, ge=1)
    #: Custom emulation on top of ``device``: ``{width: 1280, height: 800}``.
    viewport: dict[str, int] | None = None
    user_agent: str | None = None

    @field_validator("wait")
    @classmethod
    def _wait_syntax(cls, v: str) -> str:
        if v in ("stable", "load", "domcontentloaded", "networkidle"):
            return v
        kind, _, body = v.partition(":")
        if kind in ("selector", "js") and body.strip():
            return v
        raise ValueError(f"wait {v!r} must be stable, load, domcontentloaded, networkidle, "
                         "'selector:CSS' or 'js:EXPRESSION'")

    @field_validator("viewport")
    @classmethod
    def _viewport_keys(cls, v: dict[str, int] | None) -> dict[str, int] | None:
        if v is not None and (set(v) != {"width", "height"} or min(v.values()) < 1):
            raise ValueError("viewport must be {width: N, height: N} with positive numbers")
        return v

    @field_validator("selectors")
    @classmethod
    def _selector_syntax(cls, v: dict[str, str]) -> dict[str, str]:
        for attribute, rule in v.items():
            if not re.match(r"^[a-z_]+$", attribute):
                raise ValueError(f"selector key {attribute!r} must be an attribute name "
                                 "such as monthly_price or activation_fee")
            body = rule.split(":", 1)[1] if re.match(r"^(css|xpath):", rule) else rule
            if not body.strip():
                raise ValueError(f"empty selector for {attribute!r}; expected 'css:...' or "
                                 "'xpath:...'")
        return v


class TranscriptChannel(_Model):
    """A folder (or file) of exported chat transcripts."""

    kind: Literal["transcripts"]
    #: A transcript file or a folder of them, relative to the config file.
    path: Path
    #: File name pattern inside a folder.
    pattern: str = "*.json"
    #: Transcript format; ``auto`` detects it from the content (docs/transcripts.md).
    format: Literal["auto", "omniaudit", "csv", "text", "whatsapp", "zendesk", "livechat",
                    "intercom", "telegram", "instagram", "email", "zendesk-tickets"] = "auto"
    #: Speaker names that speak for the company in formats without roles (WhatsApp, plain
    #: logs); a speaker whose name contains the brand name counts too.
    agents: list[str] = []
    #: The chats' locale ("nb-NO"): which currency "kr" or "$" means in them. By default the
    #: locale the config's web channels share, if they share one.
    locale: str | None = None
    #: Largest transcript file read, in MB: a bigger one is a capture error of its channel
    #: (named, with its size), never a run that eats the machine's memory.
    max_file_mb: float = Field(default=100.0, gt=0)


class EvidenceConfig(_Model):
    """What the second pass re-visits (docs/capture.md, "The second pass")."""

    #: ``gating``: confirm every finding that can fail the run (error level, at or above
    #: ``fail_on``, not waived), and take evidence crops for a sample of the others;
    #: ``all``: re-visit the pages of every finding.
    confirm: Literal["gating", "all"] = "gating"
    #: Findings per check below the gate whose pages are still re-visited for evidence
    #: crops (the report says how many of how many).
    sample_per_check: int = Field(20, ge=0)


class ReportConfig(_Model):
    """How reports present a run."""

    #: Locale values are written in ("sv-SE": "299,00 kr", "12 mån"). By default the locale
    #: the config's channels share, else "en-GB"'s neutral forms.
    locale: str | None = None


class EngineConfig(_Model):
    """Where web capture runs (docs/scale-out.md): in this process, or on Celery workers."""

    #: ``inprocess`` (one browser in this process) or ``celery`` (``omniaudit worker``s
    #: reached through ``broker``); ``--engine`` overrides it.
    kind: Literal["inprocess", "celery"] = "inprocess"
    #: The Celery broker, ``redis://host:6379/0`` (``--broker`` overrides it).
    broker: str | None = None
    #: A folder the coordinator and every worker see at the same path (batch results);
    #: default: the run's output folder's parent.
    shared_dir: Path | None = None
    #: URLs per batch, and batches per channel in flight at once.
    batch_size: int = Field(8, ge=1, le=500)
    in_flight: int = Field(2, ge=1, le=256)
    #: Seconds a batch may run; pages it has not reached by then are queued again.
    batch_seconds: float = Field(120.0, gt=0, le=3600)
    #: Where transcript files are read with ``kind: celery``: by the ``workers`` (one task
    #: per file; the files must be at the same path there) or on the ``coordinator``.
    transcripts: Literal["workers", "coordinator"] = "workers"


Channel = Annotated[WebChannel | TranscriptChannel, Field(discriminator="kind")]


class SubjectConfig(_Model):
    """One offer, plan or product of the catalogue, and the names channels use for it."""

    id: str = Field(pattern=_ID_RE)
    name: str
    aliases: list[str] = []
    #: Product codes (schema.org ``sku`` / ``gtin``) that identify the subject.
    sku: list[str] = []
    #: URLs of the subject's own pages, as paths or absolute URLs, ``*`` matching anything
    #: (``/tuotteet/kuitu-100``, ``/m/tuote/123*``): observations there whose names match
    #: nothing resolve to the subject (match method ``url``).
    urls: list[str] = []


class MatchingConfig(_Model):
    """How observations are matched to catalogue subjects."""

    #: Minimum rapidfuzz score (0-100) for a fuzzy name match.
    fuzzy_threshold: float = Field(86.0, ge=0, le=100)
    #: URL rules pairing the channels' pages of one offer, a pattern per channel name with
    #: ``{placeholders}``: ``[{desktop: "/tuotteet/{slug}", mobile: "/m/tuote/{slug}"}]``.
    #: The placeholder's value resolves like a name or sku, or takes the subject the other
    #: channel's page with the same value was matched to (match method ``url``).
    url_map: list[dict[str, str]] = []


class CheckSetting(_Model):
    """A check's level and options, normalised from the forms the config accepts."""

    level: Literal["off", "warn", "error"]
    severity: Severity | None = None
    channels: list[str] | None = None
    subjects: list[str] | None = None
    options: dict[str, Any] = {}

    @field_validator("severity", mode="before")
    @classmethod
    def _severity(cls, v: Any) -> Any:
        return None if v is None else Severity.parse(v)


#: What a notification can be about (docs/scheduling.md#notifications).
NOTIFY_EVENTS = ("new", "resolved", "capture_failed")
#: What a masked secret looks like in a stored config (pydantic's ``SecretStr`` dump).
_MASKED = "**********"


def _apprise_url(url: SecretStr) -> SecretStr:
    """An apprise URL apprise can use; a masked (stored) value or an unset variable that
    ``validate`` reports passes."""
    raw = url.get_secret_value()
    if raw == _MASKED or "${" in raw:
        return url
    # Imported here: apprise loads its plugins on import, which only a config that notifies
    # should pay for.
    import apprise

    if not apprise.Apprise().add(raw):
        scheme = raw.split("://", 1)[0] if "://" in raw else raw[:20]
        raise ValueError(f"not an apprise URL that can be used (scheme {scheme!r}); see "
                         "https://appriseit.com/services/")
    return url


#: An apprise URL, kept secret (masked when the config is dumped).
AppriseUrl = Annotated[SecretStr, AfterValidator(_apprise_url)]


class NotifyTemplates(_Model):
    """Team-written jinja2 templates replacing the default message of an event.

    A template's first line is the title (the e-mail subject), the rest the body.
    """

    new: Path | None = None
    resolved: Path | None = None
    capture_failed: Path | None = None


class NotifyConfig(_Model):
    """Where notifications about a run go, and about what (docs/scheduling.md).

    ``urls`` are apprise URLs (Slack, Microsoft Teams, e-mail, webhooks ...), usually with
    ``${NAME}`` secrets. They are kept as secrets: a stored run's config and its
    ``findings.json`` show them masked, never the webhook token or the SMTP password.
    """

    urls: list[AppriseUrl] = Field(min_length=1)
    #: Which events are sent: ``new`` confirmed gating findings, ``resolved`` findings (of
    #: those that were notified), ``capture_failed`` channels.
    events: list[Literal["new", "resolved", "capture_failed"]] = list(NOTIFY_EVENTS)
    #: Link to the report in messages; ``{run_id}`` and ``{audit}`` are filled in.
    #: Default: the report's ``file://`` path.
    report_url: str | None = None
    templates: NotifyTemplates = NotifyTemplates()
    #: Delivery attempts after a failed one, waiting ``retry_backoff`` seconds, doubling.
    retries: int = Field(3, ge=0, le=10)
    retry_backoff: float = Field(2.0, ge=0)
    #: The file that remembers what was sent (default: beside the SQLite store).
    ledger: Path | None = None


FAIL_ON_NONE = "none"


class AuditConfig(_Model):
    """A validated ``audit.yaml``."""

    version: Literal[1] = 1
    name: str
    #: Base URL that relative ``start_urls`` and ``include``/``exclude`` paths resolve against.
    base_url: str | None = None
    brand: BrandConfig | None = None
    channels: dict[str, Channel] = Field(min_length=1)
    subjects: list[SubjectConfig] = []
    matching: MatchingConfig = MatchingConfig()
    checks: dict[str, CheckSetting] = {}
    #: Check defaults the ``checks`` settings apply over: ``recommended`` or ``strict``.
    preset: Literal["recommended", "strict"] = "recommended"
    #: Declarative custom rules (docs/rules.md); each runs as the check ``rule:<name>``.
    rules: list[Rule] = []
    #: A waiver file (docs/rules.md#waivers), relative to the config file.
    waivers: Path | None = None
    #: Lowest severity that makes ``omniaudit run`` exit 1, or ``none``.
    fail_on: str = "high"
    #: How reports present the run (docs/reports.md).
    report: ReportConfig = ReportConfig()
    #: What the second pass confirms and evidences (docs/capture.md).
    evidence: EvidenceConfig = EvidenceConfig()
    #: Where web capture runs: in this process or on Celery workers (docs/scale-out.md).
    engine: EngineConfig = EngineConfig()
    #: Notifications about new, resolved and capture-failed findings (docs/scheduling.md).
    notify: NotifyConfig | None = None
    #: Folder the config came from; relative paths resolve against it.
    root: Path = Path(".")
    #: The config file, for messages.
    source: str | None = None

    #: Lines of the YAML keys and unset variables, filled in by :func:`parse_config`.
    _provenance: _Provenance = PrivateAttr(default_factory=_Provenance)

    @field_validator("checks", mode="before")
    @classmethod
    def _normalise_checks(cls, v: Any) -> Any:
        if not isinstance(v, Mapping):
            return v
        return {k: _normalise_check_setting(s) for k, s in v.items()}

    @field_validator("fail_on")
    @classmethod
    def _fail_on(cls, v: str) -> str:
        if v == FAIL_ON_NONE:
            return v
        return Severity.parse(v).label

    @field_validator("channels")
    @classmethod
    def _channel_names(cls, v: dict[str, Any]) -> dict[str, Any]:
        for name in v:
            if not re.match(_ID_RE, name):
                raise ValueError(f"channel name {name!r} must be lower-case letters, digits, - _ .")
        return v

    def report_locale(self) -> str:
        """``report.locale``, else the locale every channel that names one shares, else
        ``en-GB``."""
        if self.report.locale:
            return self.report.locale
        named = {c.locale for c in self.channels.values() if getattr(c, "locale", None)}
        return named.pop() if len(named) == 1 else "en-GB"

    def channel_locale(self, name: str) -> str | None:
        """The channel's ``locale``, else the one every channel that names one shares."""
        own = getattr(self.channels.get(name), "locale", None)
        if own:
            return own
        named = {c.locale for c in self.channels.values() if getattr(c, "locale", None)}
        return named.pop() if len(named) == 1 else None

    def resolve(self, relative: str | Path) -> Path:
        """A path from the config, resolved against the config file's folder."""
        p = Path(relative)
        return p if p.is_absolute() else (self.root / p)

    def absolute_url(self, url: str) -> str:
        """A start URL or scope prefix, made absolute against ``base_url``."""
        if urlsplit(url).scheme:
            return url
        if not self.base_url:
            raise ConfigError(f"relative URL {url!r} needs 'base_url'", file=self.source,
                              key="base_url")
        return urljoin(self.base_url.rstrip("/") + "/", url.lstrip("/"))

    def with_base_url(self, base_url: str) -> AuditConfig:
        """A copy pointing at another base URL (used by ``omniaudit demo`` and ``--base-url``)."""
        return self.model_copy(update={"base_url": base_url})

    def fail_on_severity(self) -> Severity | None:
        return None if self.fail_on == FAIL_ON_NONE else Severity.parse(self.fail_on)

    def key_lines(self) -> Mapping[tuple, int]:
        """The 1-based line of every key path of the YAML (``("channels", "chat", "path")``,
        list items by index), for messages; ``{}`` when unknown.

        Recorded when the config was parsed; for a config built otherwise (such as
        :meth:`from_resolved`) the ``source`` file is read again if it still exists.
        """
        if self._provenance.lines:
            return self._provenance.lines
        if self.source:
            path = Path(self.source)
            if not path.is_absolute() and not path.exists():
                path = self.root / path.name
            try:
                return config_lines(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                return {}
        return {}

    def line_of(self, *path: str | int) -> int | None:
        """The line of the key path (or of its nearest parent that the YAML had)."""
        lines = self.key_lines()
        return _line_for(path, lines) if path and lines else None

    def unset_variables(self) -> tuple[UnsetVariable, ...]:
        """``${NAME}`` placeholders kept because ``NAME`` was unset (only when loaded with
        ``allow_unset_env=True``; otherwise loading fails on the first one)."""
        return self._provenance.unset

    def resolved_document(self) -> dict[str, Any]:
        """The config as plain JSON-compatible data, ready to be stored with a run.

        ``${NAME}`` is already substituted (the values are the config's own), every path
        (``root``, ``brand.logo``, a transcript channel's ``path``, ``storage_state``,
        ``waivers`` and ``source``) is absolute, and every key is written out, defaults
        included. :meth:`from_resolved` turns it back into an equal config from any folder,
        without the environment.
        """
        doc = self.model_dump(mode="json")
        root = _absolute(self.root)
        doc["root"] = str(root)
        if self.source and not self.source.startswith("<"):
            src = Path(self.source)
            doc["source"] = str(_absolute(src if src.is_absolute() or src.exists()
                                          else root / src.name))

        def path(value: str | Path | None) -> str | None:
            return None if value is None else str(_absolute(self.resolve(value)))

        if self.brand:
            doc["brand"]["logo"] = path(self.brand.logo)
        for name, ch in self.channels.items():
            if isinstance(ch, TranscriptChannel):
                doc["channels"][name]["path"] = path(ch.path)
            else:
                doc["channels"][name]["storage_state"] = path(ch.storage_state)
        doc["waivers"] = path(self.waivers)
        doc["engine"]["shared_dir"] = path(self.engine.shared_dir)
        if self.engine.broker and urlsplit(self.engine.broker).password:
            parts = urlsplit(self.engine.broker)  # a stored run never shows the password
            doc["engine"]["broker"] = parts._replace(
                netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()
        # Severities are written by name: an IntEnum would dump as a bare number.
        for check_id, setting in self.checks.items():
            doc["checks"][check_id]["severity"] = (setting.severity.label
                                                   if setting.severity is not None else None)
        for i, rule in enumerate(self.rules):
            doc["rules"][i]["severity"] = rule.severity.label
        return doc

    @classmethod
    def from_resolved(cls, doc: Mapping[str, Any]) -> AuditConfig:
        """Re-create a config from :meth:`resolved_document` (a stored run's config).

        No ``${NAME}`` is expanded again and nothing is read from the environment or the
        current folder: the document already holds the values the run used.
        """
        try:
            config = cls.model_validate(_plain(doc))
        except ValidationError as e:
            err = e.errors()[0]
            loc = _strip_union_tag(tuple(err["loc"]))
            raise ConfigError(f"stored config is not valid: {_describe(err)}",
                              file=doc.get("source") if isinstance(doc, Mapping) else None,
                              key=_dotted(loc) or None) from None
        _cross_check(config, {}, config.source or "<config>")
        return config


def _absolute(path: Path) -> Path:
    """``path`` made absolute against the current folder and normalised (no ``..``)."""
    return Path(os.path.abspath(path))


def _plain(value: Any) -> Any:
    """A deep copy of JSON-like data, so validation never changes the caller's document."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _normalise_check_setting(raw: Any) -> Any:
    """Accept ``"error"``, ``"high"``, ``["error", {options}]`` or ``{"level": ..., ...}``."""
    if raw is False:  # YAML 1.1 reads a bare `off` as false
        return {"level": "off"}
    if isinstance(raw, str):
        # A bare severity ("high") is shorthand for an error-level check at that severity.
        if raw.strip().upper() in Severity.__members__:
            return {"level": "error", "severity": raw}
        return {"level": raw}
    if isinstance(raw, list | tuple) and len(raw) == 2 and isinstance(raw[1], Mapping):
        level, opts = raw
        return _split_options({"level": level, **opts})
    if isinstance(raw, Mapping):
        return _split_options(dict(raw))
    return raw  # let pydantic report the type error


def _split_options(d: dict[str, Any]) -> dict[str, Any]:
    known = {"level", "severity", "channels", "subjects", "options"}
    options = dict(d.pop("options", {}) or {})
    for k in list(d):
        if k not in known:
            options[k] = d.pop(k)
    d["options"] = options
    return d


# --- YAML with line numbers -------------------------------------------------------------

def _construct(node: yaml.Node, path: tuple[str | int, ...], lines: dict[tuple, int],
               source: str, unset: list[UnsetVariable] | None = None) -> Any:
    """Build plain Python data from a YAML node, recording each path's line (1-based).

    An unset ``${NAME}`` is a :class:`ConfigError`, unless ``unset`` is a list: then the
    placeholder stays in the value and is appended there with its line and key.
    """
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for k_node, v_node in node.value:
            key = k_node.value if isinstance(k_node, yaml.ScalarNode) else str(k_node.value)
            if key in out:
                raise ConfigError(f"duplicate key {key!r}", file=source,
                                  line=k_node.start_mark.line + 1, key=_dotted(path + (key,)))
            out[key] = _construct(v_node, path + (key,), lines, source, unset)
            lines[path + (key,)] = k_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(n, path + (i,), lines, source, unset)
                for i, n in enumerate(node.value)]
    value = _scalar(node)
    if isinstance(value, str):
        value = _expand_env(value, source, node.start_mark.line + 1, path, unset)
    return value


def _scalar(node: yaml.ScalarNode) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _expand_env(value: str, source: str, line: int, path: tuple,
                unset: list[UnsetVariable] | None = None) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in os.environ:
            if unset is not None:
                unset.append(UnsetVariable(name, line, _dotted(path)))
                return m.group(0)
            raise ConfigError(f"environment variable {name} is not set", file=source, line=line,
                              key=_dotted(path))
        return os.environ[name]

    return _ENV_RE.sub(sub, value)


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _line_for(loc: tuple, lines: Mapping[tuple, int]) -> int | None:
    """The line of the deepest key of ``loc`` that the YAML had (a missing key: its parent)."""
    parts = tuple(loc)
    while parts:
        if parts in lines:
            return lines[parts]
        parts = parts[:-1]
    return lines.get(())


def _nested(key: str, parent: str) -> bool:
    """``key`` is ``parent`` or below it (``a.b[0]`` is below ``a.b``)."""
    return key == parent or key.startswith((parent + ".", parent + "["))


def _describe(err: Mapping[str, Any], known_keys: Sequence[str] = ()) -> str:
    """A pydantic error in words; ``known_keys`` (the keys allowed where an unknown key
    was found) turn a near miss into a "did you mean" suggestion."""
    msg = str(err.get("msg", "invalid value"))
    kind = err.get("type", "")
    given = err.get("input")
    if kind == "extra_forbidden":
        loc = err.get("loc") or ()
        hint = did_you_mean(str(loc[-1]), known_keys) if loc and known_keys else ""
        if hint:
            return f"unknown key; {hint}(see the config reference in the README)"
        return "unknown key (check the spelling; see the config reference in the README)"
    if kind == "missing":
        return "required key is missing"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx") or {}
        return f"expected one of {ctx.get('expected_tags')}, got {ctx.get('tag')!r}"
    if isinstance(given, (str, int, float, bool)) and kind not in {"value_error"}:
        return f"{msg[0].lower() + msg[1:]}, got {given!r}"
    return msg.removeprefix("Value error, ")


def _strip_union_tag(loc: tuple) -> tuple:
    # pydantic puts the union tag after the channel name: channels.NAME.web.max_pages.
    if len(loc) >= 3 and loc[0] == "channels" and loc[2] in ("web", "transcripts"):
        return loc[:2] + loc[3:]
    return loc


def _models_in(annotation: Any) -> list[Any]:
    """The alternatives of a (possibly Annotated / Optional / union) type."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _models_in(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [t for a in get_args(annotation) for t in _models_in(a)]
    return [annotation]


def _keys_at(loc: tuple, data: Any) -> list[str]:
    """The keys the config format allows in the mapping at ``loc`` (for suggestions)."""
    kinds: list[Any] = [AuditConfig]
    node = data
    for part in loc:
        step: list[Any] = []
        for t in kinds:
            for alt in _models_in(t):
                origin = get_origin(alt)
                if isinstance(alt, type) and issubclass(alt, BaseModel) and isinstance(part, str):
                    field = alt.model_fields.get(part)
                    if field is not None:
                        step.append(field.annotation)
                elif origin is dict and isinstance(part, str):
                    step.append(get_args(alt)[1])
                elif origin is list and isinstance(part, int):
                    step.append(get_args(alt)[0])
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
        kinds = step
    models = [m for t in kinds for m in _models_in(t)
              if isinstance(m, type) and issubclass(m, BaseModel)]
    kind = node.get("kind") if isinstance(node, Mapping) else None
    if kind is not None:  # a channel: the keys of its kind only
        tagged = [m for m in models if "kind" in m.model_fields
                  and kind in get_args(m.model_fields["kind"].annotation)]
        models = tagged or models
    hidden = {"root", "source"}
    return sorted({k for m in models for k in m.model_fields if k not in hidden})


def _typo_first(errors: Sequence[Any]) -> Any:
    """The error to report: the first, unless it is a missing key that an unknown key
    beside it misspells (``chanels:``), which is then the one to name."""
    first = errors[0]
    if first.get("type") != "missing":
        return first
    loc = tuple(first["loc"])
    for err in errors:
        other = tuple(err["loc"])
        if (err.get("type") == "extra_forbidden" and other[:-1] == loc[:-1]
                and difflib.get_close_matches(str(other[-1]).lower(), [str(loc[-1]).lower()])):
            return err
    return first


def parse_config(text: str, *, source: str = "<config>", root: Path | None = None,
                 allow_unset_env: bool = False) -> AuditConfig:
    """Validate config text; raise :class:`ConfigError` naming the line and key on problems.

    With ``allow_unset_env`` an unset ``${NAME}`` is not an error here: the placeholder is
    kept and listed by :meth:`AuditConfig.unset_variables` (for ``omniaudit validate``,
    which reports them with everything else). A key whose value then fails validation
    because of the placeholder is reported as the unset variable.
    """
    node = compose_yaml(text, source)
    if node is None:
        raise ConfigError("the file is empty; expected a mapping with 'name' and 'channels'",
                          file=source, line=1)
    lines: dict[tuple, int] = {}
    unset: list[UnsetVariable] | None = [] if allow_unset_env else None
    data = _construct(node, (), lines, source, unset)
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping at the top level", file=source, line=1)
    data.setdefault("root", str(root or Path(".")))
    data.setdefault("source", source)
    try:
        config = AuditConfig.model_validate(data)
    except ValidationError as e:
        err = _typo_first(e.errors())
        loc = _strip_union_tag(tuple(err["loc"]))
        if err.get("type") in ("union_tag_invalid", "union_tag_not_found"):
            loc += ("kind",)  # pydantic reports a bad tag at the parent; point at the key
        for var in unset or ():
            # `max_pages: ${PAGES}` with PAGES unset: the variable is the problem.
            if _nested(var.key, _dotted(loc)) or _nested(_dotted(loc), var.key):
                raise ConfigError(f"environment variable {var.name} is not set", file=source,
                                  line=var.line, key=var.key) from None
        known = _keys_at(loc[:-1], data) if err.get("type") == "extra_forbidden" else ()
        raise ConfigError(_describe(err, known), file=source, line=_line_for(loc, lines),
                          key=_dotted(loc) or None) from None
    _cross_check(config, lines, source, {v.name for v in unset or ()})
    config._provenance = _Provenance(lines, unset or ())
    return config


def _cross_check(config: AuditConfig, lines: Mapping[tuple, int], source: str,
                 unset: set[str] | frozenset[str] = frozenset()) -> None:
    """Rules that span keys: unique subject ids, check scopes naming real channels.

    ``unset`` names variables left as ``${NAME}`` (``allow_unset_env``): a URL holding one
    is not judged here; the variable is reported instead."""
    seen: dict[str, int] = {}
    for i, s in enumerate(config.subjects):
        if s.id in seen:
            raise ConfigError(f"duplicate subject id {s.id!r} (first at item {seen[s.id]})",
                              file=source, line=lines.get(("subjects", i, "id")),
                              key=f"subjects[{i}].id")
        seen[s.id] = i
    for check_id, setting in config.checks.items():
        for ch in setting.channels or []:
            if ch not in config.channels:
                raise ConfigError(
                    f"unknown channel {ch!r}; channels are: {', '.join(config.channels)}",
                    file=source, line=lines.get(("checks", check_id)), key=f"checks.{check_id}")
    check_rule_scope(config.rules, config.channels, lines, source)
    for name, ch in config.channels.items():
        if isinstance(ch, WebChannel):
            for url in ch.start_urls + ch.include + ch.exclude:
                if unset and any(m.group(1) in unset for m in _ENV_RE.finditer(url)):
                    continue
                if not urlsplit(url).scheme and not config.base_url:
                    raise ConfigError(f"relative URL {url!r} needs a top-level 'base_url'",
                                      file=source, line=lines.get(("channels", name)),
                                      key=f"channels.{name}")


def load_config(path: str | Path, *, allow_unset_env: bool = False) -> AuditConfig:
    """Read and validate a config file; raise :class:`ConfigError` when it cannot be used.

    ``allow_unset_env``: see :func:`parse_config` (``omniaudit validate`` uses it)."""
    p = Path(path)
    if not p.exists():
        raise ConfigError("config file not found", file=p)
    if p.is_dir():
        raise ConfigError("expected a YAML file, got a folder", file=p)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"not UTF-8 text ({e.reason} at byte {e.start})", file=p) from None
    return parse_config(text, source=str(p), root=p.resolve().parent,
                        allow_unset_env=allow_unset_env)


def compose_yaml(text: str, source: str) -> yaml.Node | None:
    """The YAML node tree of ``text`` (None when empty), for the readers that report
    file:line — audit configs, waiver files, schedules; invalid YAML is a
    :class:`ConfigError` naming the line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(f"not valid YAML: {e.problem or e}", file=source, line=line) from None


def config_lines(text: str) -> dict[tuple, int]:
    """Line numbers of every key path in YAML text (used by check-option errors and
    :mod:`auditor.validate`); unset ``${NAME}`` is no error here."""
    lines: dict[tuple, int] = {}
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is not None:
        _construct(node, (), lines, "<config>", [])
    return lines
