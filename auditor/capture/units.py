"""Capture units as plain data: what a worker is given, and what it gives back.

A distributed run (``omniaudit run --engine celery``, docs/scale-out.md) hands capture to
worker processes as units of work that are nothing but JSON: a worker needs no
``AuditConfig``, no Playwright object and no clock of its own, and a unit can be queued,
retried and re-run anywhere with the same result.

* :class:`WebBatch` — a bounded batch of one web channel's URLs: the run id, the channel's
  resolved settings (every key written out, paths absolute), its scope, the brand as data,
  the run's ``today`` and the shared evidence root. :class:`BatchResult` comes back: each
  page's outcome (read, failed, skipped, off scope, or still pending when the batch ran out
  of time) with the links it found, the observations and notes. The coordinator keeps the
  frontier: it de-duplicates the links and dispatches the next batches.
* :class:`TranscriptFile` — one transcript file of a channel; :class:`TranscriptFileResult`
  holds its observations or the reason it could not be read.

No unit carries the subject catalogue: capture does not decide subjects. Web observations
carry hints and roles and chat claims their ``msg:`` context; matching attributes both
(:meth:`auditor.matching.Matcher.match_observations`).

Every record is frozen and converts with ``to_dict`` / ``from_dict``; ``from_dict(to_dict(x))
== x`` (tested).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from auditor.model import Observation

__all__ = ["BATCH_STATUSES", "BatchResult", "BrandData", "PageOutcome", "ScopeData",
           "TranscriptFile", "TranscriptFileResult", "WebBatch", "batch_id"]

#: What became of one URL of a batch. ``pending``: not reached before the batch's time
#: bound (or an interruption); the coordinator queues it again.
BATCH_STATUSES = ("ok", "failed", "skipped", "off-scope", "pending")


def batch_id(channel: str, urls: tuple[str, ...] | list[str]) -> str:
    """A deterministic batch id: the channel and a hash of its URLs.

    The same batch dispatched twice (a coordinator that restarted) gets the same id, so its
    task id, and so its result file, are the same: first result wins.
    """
    digest = hashlib.sha256("\n".join([channel, *urls]).encode("utf-8")).hexdigest()[:16]
    return f"{channel}-{digest}"


@dataclass(frozen=True)
class BrandData:
    """What capture needs of the brand: its name, retired names and logo selector."""

    name: str
    retired_names: tuple[str, ...] = ()
    logo_selector: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "retired_names": list(self.retired_names),
                "logo_selector": self.logo_selector}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BrandData:
        return cls(data["name"], tuple(data.get("retired_names") or ()),
                   data.get("logo_selector"))


@dataclass(frozen=True)
class ScopeData:
    """A web channel's scope (:class:`~auditor.capture.crawl.Scope`) as data."""

    hosts: tuple[str, ...]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"hosts": list(self.hosts), "include": list(self.include),
                "exclude": list(self.exclude)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScopeData:
        return cls(tuple(data["hosts"]), tuple(data.get("include") or ()),
                   tuple(data.get("exclude") or ()))


@dataclass(frozen=True)
class WebBatch:
    """A batch of one web channel's URLs to read in a worker's browser.

    ``pages`` are ``(url, depth)`` pairs; ``settings`` is the channel's resolved config
    (``WebChannel.model_dump(mode="json")`` with absolute paths); ``deadline_s`` bounds the
    batch in time: pages not reached by then come back ``pending``.
    """

    run_id: str
    channel: str
    batch_id: str
    pages: tuple[tuple[str, int], ...]
    settings: Mapping[str, Any]
    scope: ScopeData
    today: str
    evidence_root: str
    brand: BrandData | None = None
    deadline_s: float = 120.0
    #: The channel's browser session so far (cookies and local storage, as Playwright's
    #: ``storage_state``): a consent choice made on an earlier batch's pages holds on this
    #: batch's, as it does in one long crawl. ``None``: the channel's own ``storage_state``.
    session: Mapping[str, Any] | None = None

    @property
    def task_id(self) -> str:
        """The engine's task id: one per (run, batch), so a re-dispatch is the same task."""
        return f"{self.run_id}:{self.batch_id}"

    @property
    def today_date(self) -> date:
        return date.fromisoformat(self.today)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "web-batch", "run_id": self.run_id, "channel": self.channel,
                "batch_id": self.batch_id, "pages": [[u, d] for u, d in self.pages],
                "settings": dict(self.settings), "scope": self.scope.to_dict(),
                "today": self.today, "evidence_root": self.evidence_root,
                "brand": self.brand.to_dict() if self.brand else None,
                "deadline_s": self.deadline_s,
                "session": dict(self.session) if self.session is not None else None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WebBatch:
        return cls(run_id=data["run_id"], channel=data["channel"], batch_id=data["batch_id"],
                   pages=tuple((str(u), int(d)) for u, d in data["pages"]),
                   settings=dict(data["settings"]), scope=ScopeData.from_dict(data["scope"]),
                   today=data["today"], evidence_root=data["evidence_root"],
                   brand=BrandData.from_dict(data["brand"]) if data.get("brand") else None,
                   deadline_s=float(data.get("deadline_s", 120.0)),
                   session=data.get("session"))


@dataclass(frozen=True)
class PageOutcome:
    """What became of one URL of a batch (:data:`BATCH_STATUSES`)."""

    url: str
    depth: int
    status: str
    #: The URL read after in-scope redirects (``ok``), or where it redirected (``off-scope``).
    final: str | None = None
    reason: str | None = None
    #: The links the page holds, as written (``ok`` only); the coordinator normalises,
    #: scopes and de-duplicates them.
    links: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "depth": self.depth, "status": self.status,
                "final": self.final, "reason": self.reason, "links": list(self.links)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PageOutcome:
        return cls(data["url"], int(data["depth"]), data["status"], data.get("final"),
                   data.get("reason"), tuple(data.get("links") or ()))


@dataclass(frozen=True)
class BatchResult:
    """What a worker read of a :class:`WebBatch`."""

    run_id: str
    channel: str
    batch_id: str
    pages: tuple[PageOutcome, ...]
    observations: tuple[Observation, ...]
    notes: tuple[str, ...] = ()
    retries: int = 0
    #: Browser relaunches while this batch ran (a crash mid-batch).
    relaunches: int = 0
    #: The worker that ran it (``celery@host``; ``in-process`` locally), for the notes.
    worker: str = ""
    #: The browser session at the end of the batch (cookies, local storage), handed to the
    #: channel's next batches (:attr:`WebBatch.session`).
    session: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "web-batch-result", "run_id": self.run_id, "channel": self.channel,
                "batch_id": self.batch_id, "pages": [p.to_dict() for p in self.pages],
                "observations": [o.to_dict() for o in self.observations],
                "notes": list(self.notes), "retries": self.retries,
                "relaunches": self.relaunches, "worker": self.worker,
                "session": dict(self.session) if self.session is not None else None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BatchResult:
        return cls(run_id=data["run_id"], channel=data["channel"], batch_id=data["batch_id"],
                   pages=tuple(PageOutcome.from_dict(p) for p in data["pages"]),
                   observations=tuple(Observation.from_dict(o)
                                      for o in data.get("observations", ())),
                   notes=tuple(data.get("notes") or ()), retries=int(data.get("retries", 0)),
                   relaunches=int(data.get("relaunches", 0)), worker=data.get("worker", ""),
                   session=data.get("session"))


@dataclass(frozen=True)
class TranscriptFile:
    """One transcript file of a channel, with what reading it needs.

    ``path`` is absolute; ``source`` is how evidence names it (relative to the channel's
    folder's parent, as the in-process capture writes it); ``currency`` is the channel's
    resolved currency; ``company`` the names that speak for the company.
    """

    run_id: str
    channel: str
    path: str
    source: str
    today: str
    evidence_root: str
    format: str = "auto"
    company: tuple[str, ...] = ()
    currency: str | None = None
    max_file_mb: float = 100.0
    brand: BrandData | None = None

    @property
    def task_id(self) -> str:
        return f"{self.run_id}:{self.channel}:{self.source}"

    @property
    def result_id(self) -> str:
        """The name of the file's result: the channel and a hash of its source."""
        return batch_id(self.channel, ["transcript", self.source])

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "transcript-file", "run_id": self.run_id, "channel": self.channel,
                "path": self.path, "source": self.source, "today": self.today,
                "evidence_root": self.evidence_root, "format": self.format,
                "company": list(self.company), "currency": self.currency,
                "max_file_mb": self.max_file_mb,
                "brand": self.brand.to_dict() if self.brand else None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TranscriptFile:
        return cls(run_id=data["run_id"], channel=data["channel"], path=data["path"],
                   source=data["source"], today=data["today"],
                   evidence_root=data["evidence_root"], format=data.get("format", "auto"),
                   company=tuple(data.get("company") or ()), currency=data.get("currency"),
                   max_file_mb=float(data.get("max_file_mb", 100.0)),
                   brand=BrandData.from_dict(data["brand"]) if data.get("brand") else None)


@dataclass(frozen=True)
class TranscriptFileResult:
    """A transcript file's observations, or why it could not be read (``error``)."""

    run_id: str
    channel: str
    source: str
    observations: tuple[Observation, ...] = ()
    error: str | None = None
    bytes_read: int = 0
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "transcript-file-result", "run_id": self.run_id,
                "channel": self.channel, "source": self.source,
                "observations": [o.to_dict() for o in self.observations],
                "error": self.error, "bytes_read": self.bytes_read, "notes": list(self.notes)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TranscriptFileResult:
        return cls(run_id=data["run_id"], channel=data["channel"], source=data["source"],
                   observations=tuple(Observation.from_dict(o)
                                      for o in data.get("observations", ())),
                   error=data.get("error"), bytes_read=int(data.get("bytes_read", 0)),
                   notes=tuple(data.get("notes") or ()))
