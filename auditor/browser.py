"""Finding and launching the Chromium that Playwright drives.

Order of preference:

1. an explicit setting: ``--browser PATH`` on the CLI or ``OMNIAUDIT_CHROMIUM``;
2. Playwright's own managed browser, when its executable actually exists (Playwright
   reports a path under its cache even when nothing was installed there);
3. a system Chromium (Debian's ``/usr/lib/chromium/chromium``, then ``chromium`` /
   ``chromium-browser`` / ``google-chrome`` on ``PATH``).

When none is found, :func:`ensure_browser` (``python -m auditor.browser ensure``, run by the
Makefile) installs Debian's ``chromium`` if the user is root and ``apt-get`` exists, and
otherwise prints exactly how to get one. Elsewhere, ``resolve_browser`` returns ``None``
and Playwright behaves as it normally does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ENV_VAR = "OMNIAUDIT_CHROMIUM"

#: Flags Playwright does not already pass that Chromium needs on headless CI machines.
BASE_ARGS: tuple[str, ...] = ("--disable-gpu", "--disable-quic")

#: Stops Chromium's background DNS look-ups of Google hosts when every target is loopback.
#: Never used for real sites: it would break their name resolution.
LOOPBACK_RESOLVER_RULE = (
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"
)

# The Debian binary itself; /usr/bin/chromium is a shell wrapper that costs ~50 ms a launch.
_SYSTEM_CANDIDATES = ("/usr/lib/chromium/chromium",)
_PATH_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@dataclass(frozen=True)
class BrowserChoice:
    """The Chromium to launch and where the choice came from."""

    #: Executable path, or ``None`` to let Playwright pick its default.
    path: str | None
    #: ``"setting"``, ``"playwright"``, ``"system"`` or ``"playwright-default"``.
    source: str

    def describe(self) -> str:
        return f"{self.path or 'Playwright default'} ({self.source})"


def playwright_managed_path() -> str | None:
    """Playwright's managed Chromium, only if the file exists."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a hard dependency
        return None
    try:
        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:  # noqa: BLE001 - a broken driver means "no managed browser"
        return None
    return path if path and Path(path).is_file() else None


def system_chromium_path() -> str | None:
    """A Chromium installed by the operating system, if any."""
    for cand in _SYSTEM_CANDIDATES:
        if Path(cand).is_file() and os.access(cand, os.X_OK):
            return cand
    for name in _PATH_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def resolve_browser(explicit: str | None = None) -> BrowserChoice:
    """Choose the Chromium to launch, following the documented order."""
    setting = explicit or os.environ.get(ENV_VAR)
    if setting:
        if not Path(setting).is_file():
            raise FileNotFoundError(
                f"the browser set by {'--browser' if explicit else ENV_VAR} does not exist: "
                f"{setting}")
        return BrowserChoice(setting, "setting")
    managed = playwright_managed_path()
    if managed:
        return BrowserChoice(managed, "playwright")
    system = system_chromium_path()
    if system:
        return BrowserChoice(system, "system")
    return BrowserChoice(None, "playwright-default")


#: Images off in the renderer itself. Measured on these machines: free, whereas blocking
#: images with ``page.route`` costs 10–20 % because every request then passes through Python.
NO_IMAGES_ARG = "--blink-settings=imagesEnabled=false"


def launch_args(urls: list[str] | tuple[str, ...] = (), *, images: bool = True) -> list[str]:
    """Chromium flags for a run whose targets are ``urls``.

    ``images=False`` for the first capture pass, which takes no screenshots: the second
    pass (evidence) launches its own browser with images on.
    """
    args = list(BASE_ARGS)
    if not images:
        args.append(NO_IMAGES_ARG)
    hosts = {urlsplit(u).hostname for u in urls}
    if hosts and hosts <= {"127.0.0.1", "localhost"}:
        args.append(LOOPBACK_RESOLVER_RULE)
    return args


#: Seconds to wait for a browser to close: closing one that was killed can go unanswered.
CLOSE_WAIT_S = 10.0


class BrowserHost:
    """The one browser of a process, relaunched when it dies.

    Capture units share it (a Celery worker would keep one for its lifetime). When Chromium
    crashes, every unit's in-flight pages fail at once; each asks :meth:`relaunch` with the
    browser it saw die, and only the first call really launches a new one, so N workers
    noticing the same crash cost one relaunch. ``relaunches`` counts them for the run's notes.
    """

    def __init__(self, playwright: Any, executable_path: str | None, args: list[str]) -> None:
        self.playwright = playwright
        self.executable_path = executable_path
        self.args = list(args)
        self.browser: Any = None
        self.relaunches = 0
        self.can_relaunch = True
        self._lock: Any = None

    @classmethod
    def adopt(cls, playwright: Any, browser: Any) -> BrowserHost:
        """Wrap an already launched browser (tests, embedding); it cannot be relaunched."""
        host = cls(playwright, None, [])
        host.browser = browser
        host.can_relaunch = False
        return host

    async def start(self) -> Any:
        self._lock = self._lock or asyncio.Lock()
        if self.browser is None:
            self.browser = await self.playwright.chromium.launch(
                executable_path=self.executable_path, args=self.args)
        return self.browser

    async def relaunch(self, dead: Any) -> Any:
        """A new browser in place of ``dead`` (or the current one if another worker already
        replaced it). Raises when this host adopted a browser it cannot relaunch."""
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self.browser is not dead and self.browser is not None:
                return self.browser
            if not self.can_relaunch:
                raise RuntimeError("the browser closed and this capture cannot relaunch it")
            try:  # bounded: closing a killed browser can wait for ever on its pipe
                await asyncio.wait_for(dead.close(), CLOSE_WAIT_S)
            except Exception:  # noqa: BLE001 - it is already gone; closing only tidies up
                pass
            self.browser = None
            self.relaunches += 1
            return await self.start()

    async def close(self) -> None:
        if self.browser is not None:
            try:
                await asyncio.wait_for(self.browser.close(), CLOSE_WAIT_S)
            except Exception:  # noqa: BLE001 - a crashed browser has nothing left to close
                pass
            self.browser = None


async def browser_pid(browser: Any) -> int | None:
    """The browser process id (through CDP), for memory measurement and crash tests."""
    session = await browser.new_browser_cdp_session()
    try:
        info = await session.send("SystemInfo.getProcessInfo")
    finally:
        await session.detach()
    return next((p["id"] for p in info["processInfo"] if p["type"] == "browser"), None)


HOW_TO_GET_ONE = f"""No Chromium was found for Playwright. Any one of these works:
  * Debian/Ubuntu, as root:   apt-get update && apt-get install -y chromium
  * with internet access:     python -m playwright install chromium
  * an existing Chromium:     export {ENV_VAR}=/path/to/chromium
"""


def ensure_browser(*, install: bool = True, out=sys.stdout) -> BrowserChoice:
    """Make sure a Chromium is available, installing Debian's package as root if needed."""
    choice = resolve_browser()
    if choice.path:
        print(f"omniaudit: using Chromium {choice.describe()}", file=out)
        return choice
    apt = shutil.which("apt-get")
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if install and apt and is_root:
        print("omniaudit: no Chromium found; installing Debian's 'chromium' package "
              "(apt-get update && apt-get install -y chromium) ...", file=out, flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run([apt, "update", "-qq"], check=True, env=env)
        subprocess.run([apt, "install", "-y", "-qq", "chromium"], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        choice = resolve_browser()
        if choice.path:
            print(f"omniaudit: installed Chromium {choice.describe()}", file=out)
            return choice
    print(HOW_TO_GET_ONE, file=out)
    raise SystemExit(1)


def main(argv: list[str] | None = None) -> int:
    """``python -m auditor.browser [ensure|which]``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    cmd = argv[0] if argv else "which"
    if cmd == "ensure":
        ensure_browser()
        return 0
    if cmd == "which":
        print(resolve_browser().describe())
        return 0
    print("usage: python -m auditor.browser [ensure|which]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())


@contextlib.asynccontextmanager
async def playwright_own_session(factory: Any) -> AsyncIterator[Any]:
    """``async with playwright_own_session(async_playwright) as p``: Playwright started with
    its driver (and so the browsers it launches) in a session of its own.

    Ctrl-C in a terminal signals the whole foreground process group; Omniaudit handles the
    first one itself (auditor.interrupt) and finishes the run with what it has read, which
    it cannot do if the driver and Chromium have died with the same keystroke. Playwright
    offers no option for this, so ``asyncio.create_subprocess_exec`` gets
    ``start_new_session=True`` while — and only while — the driver starts. The driver still
    exits when Omniaudit does: it reads its commands from a pipe that closes then.
    """
    original = asyncio.create_subprocess_exec

    def in_own_session(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("start_new_session", True)
        return original(*args, **kwargs)

    manager = factory()
    asyncio.create_subprocess_exec = in_own_session  # type: ignore[assignment]
    try:
        playwright = await manager.__aenter__()
    finally:
        asyncio.create_subprocess_exec = original  # type: ignore[assignment]
    try:
        yield playwright
    except BaseException:
        if not await manager.__aexit__(*sys.exc_info()):
            raise
    else:
        await manager.__aexit__(None, None, None)
