"""Shared fixtures: the real Nordtel demo server, the real browser, one real demo run.

Everything here is real: an HTTP server on 127.0.0.1, Debian's (or Playwright's) Chromium
driven by Playwright, SQLite files in temporary folders. Nothing is mocked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from auditor.browser import BrowserChoice, resolve_browser
from auditor.config import AuditConfig, load_config
from auditor.demo import ANSWER_KEY_PATH, CONFIG_PATH, DemoServer
from auditor.model import Evidence, Observation, Run, Shown, observation_id


@pytest.fixture(scope="session")
def chromium() -> BrowserChoice:
    """The Chromium the project would use; fails loudly when there is none."""
    choice = resolve_browser()
    if not choice.path:
        pytest.fail("no Chromium found: run `make test` (it installs one) or set "
                    "OMNIAUDIT_CHROMIUM")
    return choice


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """The Nordtel demo shop on a free port of 127.0.0.1."""
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="session")
def demo_config(demo_server: DemoServer) -> AuditConfig:
    return load_config(CONFIG_PATH).with_base_url(demo_server.url)


@pytest.fixture(scope="session")
def answer_key() -> dict[str, Any]:
    return json.loads(Path(ANSWER_KEY_PATH).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class DemoRun:
    run: Run
    out_dir: Path
    paths: dict[str, Path]
    findings_doc: dict[str, Any]


@pytest.fixture(scope="session")
def demo_run(demo_config: AuditConfig, chromium: BrowserChoice,
             tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One full audit of the demo through the real browser, shared by the e2e tests."""
    from auditor.pipeline import execute
    from auditor.store import Store
    from reports import write_reports

    out = tmp_path_factory.mktemp("demo-run")
    store = Store(out / "store.sqlite")
    run, previous = execute(demo_config, out / "run", store=store, browser=chromium)
    paths = write_reports(run, out / "run", previous=previous)
    doc = json.loads(paths["json"].read_text(encoding="utf-8"))
    return DemoRun(run, out / "run", paths, doc)


@pytest.fixture
def make_obs():
    """Build an Observation with sensible defaults: ``make_obs("desktop", "mbb-100", ...)``."""
    counter = iter(range(10**6))

    def build(channel: str, subject: str | None, attribute: str, value: Any, *,
              text: str | None = None, source: str = "text", period: str | None = None,
              shown: Shown | None = None, url: str | None = None) -> Observation:
        if isinstance(value, (int, float, str)) and attribute in {
                "monthly_price", "price", "promo_price", "activation_fee", "delivery_fee",
                "cancellation_fee", "contract_months", "promo_months", "price_lock_months"}:
            value = Decimal(str(value))
        n = next(counter)
        return Observation(
            id=observation_id(channel, attribute, value, n), channel=channel, subject=subject,
            attribute=attribute, value=value, text=text or f"{attribute} {value}",
            evidence=Evidence(url=url or f"http://127.0.0.1/{channel}/{n}"), source=source,
            period=period or ("month" if attribute == "monthly_price" else None),
            currency="EUR" if attribute.endswith(("price", "fee")) else None,
            shown=shown or Shown(visible=True, font_px=16, contrast=12.0, collapsed=False,
                                 above_fold=True))

    return build


@pytest.fixture
def today() -> date:
    return date(2026, 11, 23)


class _Loopback:
    """Serves a handler class on a free port of 127.0.0.1 from a daemon thread."""

    def _serve(self, handler: type) -> None:
        import threading
        from http.server import ThreadingHTTPServer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        # Stalling handlers (misbehaving servers) must not keep the test process alive.
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Site(_Loopback):
    """A tiny real HTTP server on 127.0.0.1 serving a dict of ``path -> (status, type, body)``."""

    def __init__(self, pages: dict[str, tuple[int, str, str]]) -> None:
        from http.server import BaseHTTPRequestHandler

        site = self
        self.pages = pages
        self.hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                site.hits.append(self.path)
                status, ctype, body = site.pages.get(self.path, (404, "text/html", "<h1>404</h1>"))
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self._serve(Handler)


@pytest.fixture
def serve_pages():
    """Start loopback sites for a test: ``site = serve_pages({"/": (200, "text/html", html)})``."""
    sites: list[_Site] = []

    def start(pages: dict[str, tuple[int, str, str]]) -> _Site:
        s = _Site(pages)
        sites.append(s)
        return s

    yield start
    for s in sites:
        s.close()


class _RawSite(_Loopback):
    """A loopback HTTP server whose handler is a test's own function, for servers that
    misbehave on purpose (resets, stalls, redirect loops, 50 MB bodies)."""

    def __init__(self, app) -> None:
        from http.server import BaseHTTPRequestHandler

        site = self
        self.hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                site.hits.append(self.path)
                try:
                    app(self, site)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the browser gave up on us, as it should

            do_POST = do_GET  # noqa: N815 - the app reads ``h.command`` (login forms)

            def reply(self, body: bytes, status: int = 200,
                      ctype: str = "text/html; charset=utf-8",
                      headers: dict[str, str] | None = None) -> None:
                """Answer with ``body`` and a Content-Length (keep-alive stays usable)."""
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._serve(Handler)


@pytest.fixture
def serve_app():
    """Start a loopback server with a raw handler: ``serve_app(lambda h, site: ...)`` where
    ``h`` is the ``BaseHTTPRequestHandler`` (``h.path``, ``h.send_response`` ...)."""
    sites: list[_RawSite] = []

    def start(app) -> _RawSite:
        s = _RawSite(app)
        sites.append(s)
        return s

    yield start
    for s in sites:
        s.close()


@dataclass
class WatchedPage:
    """A page opened in the real Chromium with everything a hostile page might try recorded."""

    page: Any
    browser: Any
    dialogs: list[str]
    problems: list[str]
    requests: list[str]

    def assert_inert(self) -> None:
        """No dialog, no console or page error, no request but to the file itself or data:."""
        assert self.dialogs == []
        assert self.problems == []
        assert all(r.startswith(("file://", "data:")) for r in self.requests), self.requests


@pytest.fixture
def open_in_chromium(chromium: BrowserChoice):
    """``watched = open_in_chromium(path)``: a local HTML file in the real Chromium.

    Playwright starts on first use, so fixtures that run the (asyncio) pipeline before the
    test opens a page are unaffected.
    """
    from auditor.browser import BASE_ARGS

    state: dict[str, Any] = {}

    def open_(path: Path, **page_options: Any) -> WatchedPage:
        if "browser" not in state:
            from playwright.sync_api import sync_playwright

            state["playwright"] = sync_playwright().start()
            state["browser"] = state["playwright"].chromium.launch(
                executable_path=chromium.path, args=list(BASE_ARGS))
        page = state["browser"].new_page(**page_options)
        watched = WatchedPage(page, state["browser"], [], [], [])
        page.on("dialog", lambda d: (watched.dialogs.append(d.message), d.dismiss()))
        page.on("console",
                lambda m: watched.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: watched.problems.append(str(e)))
        page.on("request", lambda r: watched.requests.append(r.url))
        page.goto(path.resolve().as_uri())
        return watched

    yield open_
    if "browser" in state:
        state["browser"].close()
        state["playwright"].stop()


# --------------------------------------------------------------------------- Redis


@dataclass(frozen=True)
class RedisServer:
    """A real redis-server on 127.0.0.1 for the scale-out tests."""

    port: int
    pid: int

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """Debian's ``redis-server`` (``make redis`` installs it) on a free loopback port, with
    no persistence; stopped by its PID at the end of the session."""
    import os
    import shutil
    import signal
    import socket
    import subprocess
    import time

    binary = os.environ.get("OMNIAUDIT_REDIS_SERVER") or shutil.which("redis-server")
    if not binary:
        pytest.fail("no redis-server found: run `make test` (it installs Debian's "
                    "redis-server as root) or set OMNIAUDIT_REDIS_SERVER")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as c:
                    c.sendall(b"PING\r\n")
                    if c.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {port}")
            time.sleep(0.05)
        yield RedisServer(port, proc.pid)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(5)


# -- PostgreSQL: a throwaway cluster for the store tests ---------------------------------

#: Where Debian (and the PostgreSQL apt repository) put the server binaries.
_PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
_PG_MISSING = ("no PostgreSQL server binaries (initdb, postgres) on PATH or in "
               f"{_PG_BIN_GLOB}: run `make postgres` (installs Debian's postgresql as root)")


def _postgres_bindir() -> Path | None:
    """The folder of ``initdb`` and ``postgres``: PATH first, then the newest Debian one."""
    import glob
    import shutil

    candidates = [shutil.which("initdb")]
    candidates += sorted(glob.glob(f"{_PG_BIN_GLOB}/initdb"),
                         key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit()
                         else 0, reverse=True)
    for found in candidates:
        if found and (Path(found).resolve().parent / "postgres").exists():
            return Path(found).resolve().parent
    return None


def _unprivileged_user() -> tuple[int, int] | None:
    """``(uid, gid)`` to run the server as when we are root (PostgreSQL refuses to run as
    root): Debian's ``postgres`` user, else a system user created for it; None otherwise."""
    import os
    import pwd
    import subprocess

    if os.geteuid() != 0:
        return None
    for name in ("postgres", "omniaudit-pg"):
        try:
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            continue
    subprocess.run(["useradd", "--system", "--user-group", "--no-create-home",
                    "--shell", "/usr/sbin/nologin", "omniaudit-pg"], check=True)
    entry = pwd.getpwnam("omniaudit-pg")
    return entry.pw_uid, entry.pw_gid


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for this test session: ``initdb`` in a temporary folder,
    ``postgres`` on a free port of 127.0.0.1 (sockets in that folder, run as an
    unprivileged user when we are root), stopped by its PID at the end. Yields the URL of
    its ``postgres`` database as the superuser ``omniaudit`` (trust authentication)."""
    import os
    import shutil
    import signal
    import subprocess
    import tempfile
    import time

    import psycopg

    bindir = _postgres_bindir()
    if bindir is None:
        pytest.skip(_PG_MISSING)
    owner = _unprivileged_user()
    as_owner: dict[str, Any] = {"user": owner[0], "group": owner[1]} if owner else {}
    root = Path(tempfile.mkdtemp(prefix="omniaudit-pg-"))
    if owner:
        os.chown(root, *owner)
    data, log = root / "data", root / "server.log"
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "HOME": str(root)}
    subprocess.run([str(bindir / "initdb"), "-D", str(data), "-U", "omniaudit",
                    "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                   cwd=root, env=env, check=True, capture_output=True, **as_owner)
    server, url = None, ""
    for _attempt in range(3):  # a free port can be taken between the probe and the bind
        port = _free_port()
        with open(log, "ab") as out:
            server = subprocess.Popen(
                [str(bindir / "postgres"), "-D", str(data), "-p", str(port), "-k", str(root),
                 "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                 "-c", "full_page_writes=off", "-c", "max_connections=100"],
                # In our process group: a Ctrl-C that stops the tests stops the server too.
                cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, **as_owner)
        url = f"postgresql://omniaudit@127.0.0.1:{port}/postgres"
        for _ in range(300):
            if server.poll() is not None:
                break
            try:
                psycopg.connect(url, connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        if server.poll() is None:
            break
    if server is None or server.poll() is not None:
        text = log.read_text(errors="replace")[-2000:]
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start:\n{text}")
    pid = int((data / "postmaster.pid").read_text().split()[0])
    assert pid == server.pid
    try:
        yield url
    finally:
        try:
            os.kill(pid, signal.SIGINT)  # "fast" shutdown: ends sessions, stops cleanly
            server.wait(timeout=60)
        except ProcessLookupError:
            pass  # already stopped (a Ctrl-C reached it first)
        except subprocess.TimeoutExpired:
            os.kill(pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_database(postgres_url: str) -> Iterator[str]:
    """A fresh, empty database on the session's server for one test; dropped after it."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield postgres_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a test's run store lives, once per backend: a SQLite file in the test's
    folder, or a fresh database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return tmp_path / "h.sqlite"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def store(store_target: str | Path) -> Any:
    """The run store at ``store_target`` (auditor.store.open_store), schema current."""
    from auditor.store import open_store

    return open_store(store_target)


# -- notification receivers: a webhook and an SMTP server on 127.0.0.1 ------------------

class _WebhookReceiver(_Loopback):
    """A real HTTP endpoint on 127.0.0.1 that records every POST (apprise ``json://``).

    ``fail_next = N`` answers the next N requests with 500 (a flaky receiver), after
    recording them in ``refused``.
    """

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler

        receiver = self
        self.posts: list[dict[str, Any]] = []
        self.refused: list[dict[str, Any]] = []
        self.fail_next = 0

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                record = {"path": self.path, "json": json.loads(body or b"null")}
                if receiver.fail_next > 0:
                    receiver.fail_next -= 1
                    receiver.refused.append(record)
                    self.send_response(500)
                else:
                    receiver.posts.append(record)
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._serve(Handler)

    def apprise_url(self, path: str = "/hooks/omniaudit") -> str:
        """The apprise URL that posts JSON here."""
        return "json://" + self.url.removeprefix("http://") + path


@pytest.fixture
def webhook_receiver() -> Iterator[_WebhookReceiver]:
    """A webhook receiver on a free port of 127.0.0.1: ``.posts`` holds what arrived."""
    receiver = _WebhookReceiver()
    yield receiver
    receiver.close()


class _SmtpReceiver:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts."""

    def __init__(self) -> None:
        import socket
        from email import message_from_bytes, policy

        from aiosmtpd.controller import Controller

        receiver = self
        self.messages: list[Any] = []

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                msg = message_from_bytes(envelope.content, policy=policy.default)
                receiver.messages.append(msg)
                return "250 OK"

        # aiosmtpd needs a concrete port (it connects to it to check that it is up).
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def apprise_url(self, to: str = "qa@nordtel.example") -> str:
        """The apprise ``mailto://`` URL that delivers here (plain SMTP, no login)."""
        return (f"mailto://127.0.0.1:{self.port}?from=omniaudit@nordtel.example&to={to}"
                "&format=text")

    def close(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_receiver() -> Iterator[_SmtpReceiver]:
    """A local SMTP server: ``.messages`` holds the e-mails that arrived (parsed)."""
    receiver = _SmtpReceiver()
    yield receiver
    receiver.close()


_PRICE_SHOP_PAGE = ("<html lang=fi><body><main><h1>Kuitu 100M</h1><p>{price}</p>"
                    "<p>12 kk määräaikainen sopimus</p></main></body></html>")
_PRICE_SHOP_AUDIT = """\
name: {name}
base_url: {url}
channels:
  desktop: {{kind: web, mode: static, start_urls: ["/kuitu"], max_depth: 0, sitemaps: false,
             screenshots: false, robots: ignore}}
  mobile: {{kind: web, mode: static, start_urls: ["/m/kuitu"], max_depth: 0, sitemaps: false,
            screenshots: false, robots: ignore}}
subjects:
  - {{id: fiber-100, name: Kuitu 100M}}
"""


def price_shop_config(name: str, url: str = "http://127.0.0.1:9") -> str:
    """An audit config of the price shop (static capture, no second pass: no browser)."""
    return _PRICE_SHOP_AUDIT.format(name=name, url=url)


@pytest.fixture
def price_shop(serve_app):
    """``price_shop(on_request=None)``: a two-page shop on 127.0.0.1 whose desktop page says
    29,90 €/kk and mobile page 34,90 €/kk for Kuitu 100M (one gating price_mismatch), for
    fast real runs of ``omniaudit run``. ``on_request(path)`` is called before each answer
    (a test can hold a page there); ``site.config(name)`` is an audit config for it, and
    ``price_shop.config(name)`` one for a shop that is not running."""

    def start(on_request=None):
        def app(h, site):
            if on_request:
                on_request(h.path)
            price = {"/kuitu": "29,90 €/kk", "/m/kuitu": "34,90 €/kk"}.get(h.path)
            if price is None:
                h.reply(b"not found", 404)
            else:
                h.reply(_PRICE_SHOP_PAGE.format(price=price).encode("utf-8"))

        site = serve_app(app)
        site.config = lambda name: price_shop_config(name, site.url)
        return site

    start.config = price_shop_config  # a config of the shop at an address nothing serves
    return start
