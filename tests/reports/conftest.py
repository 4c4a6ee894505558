"""A realistic finished run of the Nordtel demo shop, including hostile captured content."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest

from auditor.model import (
    CaptureError,
    ChannelResult,
    Evidence,
    Finding,
    Observation,
    Run,
    Severity,
    Shown,
    fingerprint,
    observation_id,
)

HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(1)>"\'&'
RTL = "Hinta \u202e09,42\u202c € \u200b\u200d\u2066kk\u2069 \u05de\u05d7\u05d9\u05e8"
HUGE = "Lisätietoja tarjouksesta. " * 40_000  # 1 040 000 characters


def pytest_configure(config: pytest.Config) -> None:
    # pyproject.toml registers it too; this keeps tests/reports runnable on its own.
    if not any(line.startswith("browser:") for line in config.getini("markers")):
        config.addinivalue_line(
            "markers", "browser: opens the report in a real Chromium through Playwright"
        )


def tiny_png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (29, 78, 216)) -> bytes:
    """A real, valid PNG image (8-bit RGB), built without an imaging library."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _obs(channel: str, attribute: str, value, text: str, *, where: str, subject=None,
         **kw) -> Observation:
    evidence = kw.pop("evidence", Evidence())
    return Observation(
        id=observation_id(channel, attribute, value, where),
        channel=channel,
        attribute=attribute,
        value=value,
        text=text,
        evidence=evidence,
        subject=subject,
        **kw,
    )


def _web(url: str, selector: str, shot: str | None = None, **kw) -> Evidence:
    return Evidence(url=url, selector=selector, viewport=kw.pop("viewport", "1366x900"),
                    screenshot=shot, timestamp="2025-06-02T06:00:12+03:00", **kw)


def _finding(check: str, severity: Severity, subject: str, attribute: str,
             observations: list[Observation], message: str, values: dict[str, str],
             **kw) -> Finding:
    return Finding(
        fingerprint=fingerprint(check, subject, attribute, *sorted(values)),
        check=check,
        severity=severity,
        subject=subject,
        attribute=attribute,
        channels=tuple(values),
        observations=tuple(o.id for o in observations),
        message=message,
        values=values,
        **kw,
    )


def make_run(*, extra_findings: int = 0, locale: str | None = "fi-FI") -> Run:
    """The Nordtel run: desktop, mobile (one page failed) and chat transcripts.

    ``extra_findings`` adds that many more high, error-level findings (for list limits);
    ``locale`` is the run's report locale (``None``: a run stored before it existed).
    """
    d = "https://www.nordtel.example"
    m = "https://m.nordtel.example"
    price_d = _obs("desktop", "monthly_price", Decimal("24.90"), "24,90 €/kk", where=d + "/mbb",
                   subject="mbb-100", currency="EUR", period="month",
                   subject_hints=("Mobiililaajakaista 100M",),
                   evidence=_web(d + "/mobiililaajakaista", ".offer-card .price",
                                 "evidence/price-desktop.png"),
                   shown=Shown(visible=True, font_px=32.0, contrast=12.6, collapsed=False,
                               above_fold=True), match="structured", source="structured")
    price_m = _obs("mobile", "monthly_price", Decimal("26.90"), "26,90 €/kk", where=m + "/mbb",
                   subject="mbb-100", currency="EUR", period="month",
                   subject_hints=("Mobiililaajakaista 100M",),
                   evidence=_web(m + "/mbb", ".price", "evidence/price-mobile.png",
                                 viewport="390x844"),
                   shown=Shown(visible=True, font_px=24.0, contrast=9.1, collapsed=False,
                               above_fold=True), match="alias")
    price_c = _obs("chat", "monthly_price", Decimal("24.90"), "Hinta on 24,90 € kuukaudessa.",
                   where="chat-0412.txt:7", subject="mbb-100", currency="EUR", period="month",
                   evidence=Evidence(transcript="transcripts/chat-0412.txt", line=7,
                                     speaker="agent", timestamp="2025-05-30T14:03:00+03:00"))
    fee_chat = _obs("chat", "activation_fee", Decimal("4.90"),
                    "Liittymän avausmaksu on 4,90 €, se veloitetaan ensimmäisellä laskulla.",
                    where="chat-0412.txt:12", subject="mbb-100", currency="EUR",
                    evidence=Evidence(transcript="transcripts/chat-0412.txt", line=12,
                                      speaker="agent"))
    fee_fine = _obs("desktop", "activation_fee", Decimal("4.90"),
                    "Avausmaksu 4,90 € (ks. ehdot)", where=d + "/kuitu#terms",
                    subject="fiber-300", currency="EUR",
                    evidence=_web(d + "/kuitu", "details.terms p:nth-child(3)",
                                  "evidence/missing-file.png"),
                    shown=Shown(visible=False, font_px=10.0, contrast=3.2, collapsed=True,
                                above_fold=False))
    contract_d = _obs("desktop", "contract_months", Decimal("24"), "Määräaikainen 24 kk",
                      where=d + "/kuitu", subject="fiber-300",
                      evidence=_web(d + "/kuitu", ".contract"))
    contract_c = _obs("chat", "contract_months", Decimal("12"), "Sopimus on 12 kuukautta.",
                      where="chat-0419.txt:4", subject="fiber-300",
                      evidence=Evidence(transcript="transcripts/chat-0419.txt", line=4,
                                        speaker="bot"))
    hostile = _obs("mobile", "offer", HOSTILE + " Kesäkampanja", HOSTILE + "\n" + RTL,
                   where=m + "/kuitu", subject="fiber-300",
                   subject_hints=(RTL, "Kuitu 300M"),
                   evidence=Evidence(url="javascript:alert(1)", selector='a[href="#"]<b>',
                                     html='<div onclick="alert(1)"><script>alert(1)</script>'
                                          '<img src=x onerror=alert(1)></div>',
                                     screenshot="../outside.png"),
                   shown=Shown(visible=True, font_px=14.0, collapsed=False, above_fold=False))
    offer_d = _obs("desktop", "offer", "Kesäkampanja: 3 kk 0 €", "Kesäkampanja: 3 kk 0 €",
                   where=d + "/kuitu#campaign", subject="fiber-300",
                   evidence=_web(d + "/kuitu", ".campaign", "evidence/offer-desktop.png"))
    ends_d = _obs("desktop", "offer_ends", "2025-05-31", "Voimassa 31.5.2025 asti",
                  where=d + "/kuitu#ends", subject="fiber-300",
                  evidence=_web(d + "/kuitu", ".campaign small"))
    logo_d = _obs("desktop", "logo", "f0e1d2c3b4a59687", "Nordtel", where=d + "/#logo",
                  subject="brand", evidence=_web(d + "/", "header img.logo"))
    logo_m = _obs("mobile", "logo", "0f1e2d3c4b5a6978", "Nordtel", where=m + "/#logo",
                  subject="brand", evidence=_web(m + "/", "header img", viewport="390x844"))
    color_d = _obs("desktop", "color_primary", "#1d4ed8", "", where=d + "/#color",
                   subject="brand", evidence=_web(d + "/", "header"))
    color_m = _obs("mobile", "color_primary", "red;background:url(https://evil.example/x)",
                   "", where=m + "/#color", subject="brand",
                   evidence=_web(m + "/", "header", viewport="390x844"))
    brand_c = _obs("chat", "brand_name", "Nortel", "Tervetuloa Nortelin asiakaspalveluun!",
                   where="chat-0412.txt:1", subject="brand",
                   evidence=Evidence(transcript="transcripts/chat-0412.txt", line=1,
                                     speaker="bot"))
    unmatched = _obs("chat", "monthly_price", Decimal("19.90"), HUGE + HOSTILE,
                     where="chat-0500.txt:3", currency="EUR", period="month",
                     subject_hints=("Supernopea " + HOSTILE + RTL,), source="transcript",
                     evidence=Evidence(url="javascript:alert(1)",
                                       transcript="transcripts/chat-0500.txt", line=3,
                                       speaker="agent"))
    consistent = [
        _obs(ch, "monthly_price", Decimal("39.90"), "39,90 €/kk", where=f"{ch}/fiber",
             subject="fiber-300", currency="EUR", period="month",
             evidence=_web(f"{d if ch == 'desktop' else m}/kuitu", ".price"))
        for ch in ("desktop", "mobile")
    ]
    observations = (price_d, price_m, price_c, fee_chat, fee_fine, contract_d, contract_c,
                    hostile, offer_d, ends_d, logo_d, logo_m, color_d, color_m, brand_c,
                    unmatched, *consistent)

    findings = [
        _finding("fee-only-in-chat", Severity.CRITICAL, "mbb-100", "activation_fee", [fee_chat],
                 "An activation fee of 4,90 € is mentioned only in chat; neither website shows it.",
                 {"desktop": "not stated", "mobile": "not stated", "chat": "4,90 €"}),
        _finding("price-mismatch", Severity.HIGH, "mbb-100", "monthly_price",
                 [price_d, price_m, price_c],
                 "The monthly price differs: the mobile site says 26,90 €/kk, "
                 "the others 24,90 €/kk.",
                 {"desktop": "24,90 €/kk", "mobile": "26,90 €/kk", "chat": "24,90 €/kk"},
                 status="persisting"),
        _finding("contract-mismatch", Severity.MEDIUM, "fiber-300", "contract_months",
                 [contract_d, contract_c],
                 "The website says a 24-month contract; chat said 12 months.",
                 {"desktop": "24 kk", "chat": "12 kk"}),
        _finding("campaign-missing", Severity.MEDIUM, "fiber-300", "offer", [offer_d, hostile],
                 "The mobile site shows a different campaign text: " + HOSTILE
                 + " | shown\non two lines",
                 {"desktop": "Kesäkampanja: 3 kk 0 €", "mobile": HOSTILE + "|pipe\nnewline"}),
        _finding("fee-in-fine-print", Severity.HIGH, "fiber-300", "activation_fee", [fee_fine],
                 "The activation fee is shown only in a collapsed element in 10 px text.",
                 {"desktop": "4,90 € (collapsed, 10 px)"}, status="waived"),
        _finding("logo-mismatch", Severity.LOW, "brand", "logo", [logo_d, logo_m],
                 "The mobile site uses an old logo.",
                 {"desktop": "current logo", "mobile": "old logo"}),
        _finding("brand-color", Severity.LOW, "brand", "color_primary", [color_d, color_m],
                 "The mobile site's primary colour is off-brand.",
                 {"desktop": "#1d4ed8", "mobile": "red"}, level="warn"),
        _finding("brand-name-spelling", Severity.INFO, "brand", "brand_name", [brand_c],
                 "The chat bot misspells the brand name as 'Nortel'.",
                 {"chat": "Nortel"}, level="warn", status="persisting"),
    ]
    for i in range(extra_findings):
        findings.append(
            _finding("price-mismatch", Severity.HIGH, f"extra-{i:02d}", "monthly_price", [],
                     f"Extra mismatch number {i}.", {"desktop": "1 €", "mobile": "2 €"})
        )

    def by_channel(name: str) -> tuple[Observation, ...]:
        return tuple(o for o in observations if o.channel == name)

    channels = {
        "desktop": ChannelResult("desktop", "web", "desktop", 6, 0, (), by_channel("desktop"),
                                 (d + "/", d + "/mobiililaajakaista", d + "/kuitu"),
                                 pages_skipped=2),
        "mobile": ChannelResult(
            "mobile", "web", "iPhone 13", 4, 1,
            (CaptureError("mobile", m + "/yritys", "Timeout 30000 ms exceeded while loading"),),
            by_channel("mobile"), (m + "/", m + "/mbb", m + "/kuitu"),
        ),
        "chat": ChannelResult("chat", "transcripts", None, 3, 0, (), by_channel("chat"),
                              ("transcripts/chat-0412.txt", "transcripts/chat-0419.txt",
                               "transcripts/chat-0500.txt")),
    }
    return Run(
        id="r_20250602T060000_ab12",
        config_name="Nordtel production",
        config_path="audit.yaml",
        started_at="2025-06-02T06:00:00+03:00",
        finished_at="2025-06-02T06:02:05+03:00",
        channels=channels,
        observations=observations,
        findings=tuple(findings),
        subjects=("mbb-100", "fiber-300", "mbb-1000"),
        subject_names={"mbb-100": "Mobiililaajakaista 100M", "fiber-300": "Kuitu 300M",
                       "mbb-1000": "Mobiililaajakaista 1000M"},
        locale=locale,
    )


#: The waiver of the run's waived finding, as auditor.waivers records it.
WAIVER = {"reason": "Legal approved the collapsed fee table until the redesign.",
          "owner": "anna.virtanen@nordtel.example", "expires": "2027-03-31", "expired": False,
          "where": "waivers.yaml:3"}


def with_waiver(run: Run, waiver: dict | None = None) -> Run:
    """``run`` with its waived finding carrying the waiver that waived it."""
    from dataclasses import replace

    return replace(run, findings=tuple(
        replace(f, waiver=dict(waiver or WAIVER)) if f.status == "waived" else f
        for f in run.findings))


def make_previous(run: Run) -> Run:
    """The run before: the price mismatch was there too, and one problem has since gone."""
    keep = [f for f in run.findings if f.check in {"price-mismatch", "brand-name-spelling"}]
    gone = Finding(
        fingerprint=fingerprint("expired-campaign", "mbb-1000", "offer_ends"),
        check="expired-campaign", severity=Severity.MEDIUM, subject="mbb-1000",
        attribute="offer_ends", channels=("desktop",), observations=(),
        message="An expired campaign was still shown.",
    )
    return Run(
        id="r_20250601T060000_9f00", config_name=run.config_name, config_path=run.config_path,
        started_at="2025-06-01T06:00:00+03:00", finished_at="2025-06-01T06:02:00+03:00",
        channels=run.channels, observations=(), findings=(*keep, gone),
        subjects=run.subjects, subject_names=run.subject_names,
    )


@pytest.fixture
def run() -> Run:
    return make_run()


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An output folder with the evidence screenshots capture would have written."""
    out = tmp_path / "out"
    (out / "evidence").mkdir(parents=True)
    (out / "evidence" / "price-desktop.png").write_bytes(tiny_png(rgb=(29, 78, 216)))
    (out / "evidence" / "price-mobile.png").write_bytes(tiny_png(rgb=(185, 28, 28)))
    (out / "evidence" / "offer-desktop.png").write_bytes(tiny_png(rgb=(22, 101, 52)))
    # A file next to the output folder that a hostile screenshot path points at.
    (tmp_path / "outside.png").write_bytes(tiny_png(rgb=(1, 2, 3)))
    return out


@pytest.fixture
def written(run: Run, out_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """All four reports of the run, written as the CLI writes them (with a --fail-on)."""
    from reports import write_reports

    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return write_reports(run, out_dir, previous=make_previous(run), fail_on=Severity.LOW)


@pytest.fixture
def run_factory():
    """:func:`make_run`, for tests that need a variant of the run."""
    return make_run


@pytest.fixture
def previous(run: Run) -> Run:
    return make_previous(run)


# --- A small DOM built with the standard library's HTML parser, for structural asserts ---

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list = field(default_factory=list)  # Node | str

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Descendants with ``tag`` whose attributes equal ``attrs``; ``class_`` is one class."""
        want = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}

        def matches(n: Node) -> bool:
            return all(n.has_class(v) if k == "class" else n.attrs.get(k) == v
                       for k, v in want.items())

        return [n for n in self.iter() if (tag is None or n.tag == tag) and matches(n)]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


@pytest.fixture
def report_html(written: dict[str, Path]) -> str:
    return written["html"].read_text(encoding="utf-8")


@pytest.fixture
def dom(report_html: str) -> Node:
    return parse_html(report_html)


@pytest.fixture
def html_parser():
    """:func:`parse_html`, for tests that render a variant of the run."""
    return parse_html
