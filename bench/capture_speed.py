"""Capture speed and memory: Omniaudit against the practical limits of this machine.

    .venv/bin/python bench/capture_speed.py [--pages 1000] [--concurrency 4] [--runs 3]
                                            [--only NAME,NAME] [--sizes 1000,5000] [--json]

Serves bench/shop.py's shop (N JS-rendered and N server-rendered offer pages) on
127.0.0.1 from its own process, then runs each contender in a fresh subprocess over the
same N URLs at the same concurrency (``--runs`` times; the median is kept), sampling the
peak PSS of that subprocess's whole tree (Python, Playwright's driver, every Chromium
process) from /proc/PID/smaps_rollup every 50 ms. Every contender reads each page's price
and counts the pages where it was right.

Browser contenders (JS pages): ``raw-playwright`` (one context, N reused pages: the
machine's limit), ``omniaudit-browser`` (auditor.capture.web.capture_web_channel, wait
``load``, no screenshots), ``crawlee`` (PlaywrightCrawler). HTTP contenders (static pages):
``httpx-selectolax``, ``httpx-lxml``, ``httpx-bs4`` (BeautifulSoup with lxml), ``scrapy``,
``omniaudit-static`` (auditor.capture.static, full observations).

``--sizes 1000,5000`` runs the chosen contenders at each size instead, and compares each
with itself at the first size: peak memory should stay flat as a crawl grows.
Results: bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from shop import price_of  # noqa: E402  (bench/shop.py)

CHROMIUM = os.environ.get("OMNIAUDIT_CHROMIUM", "/usr/lib/chromium/chromium")
ARGS = ["--disable-gpu", "--disable-quic",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1"]
BROWSER = ("raw-playwright", "omniaudit-browser", "crawlee")
HTTP = ("httpx-selectolax", "httpx-lxml", "httpx-bs4", "scrapy", "omniaudit-static")
BASELINE = {"omniaudit-browser": "raw-playwright", "crawlee": "raw-playwright",
            "omniaudit-static": "scrapy", "httpx-lxml": "httpx-selectolax",
            "httpx-bs4": "httpx-selectolax", "scrapy": "httpx-selectolax"}


# --- memory ---------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def tree_pss_kb(pid: int) -> int:
    """PSS of ``pid`` and all its descendants, in kB (shared pages counted once overall)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
        stack += _children(p)
    return total


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_sampled(cmd: list[str], *, timeout: float, env: dict[str, str] | None = None
                ) -> tuple[int, str, str, float]:
    """Run ``cmd`` and sample the PSS of its process tree every 50 ms: ``(returncode,
    stdout, stderr, peak PSS in kB)``. A run over ``timeout`` seconds is killed."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, tree_pss_kb(proc.pid))

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    done.set()
    t.join()
    return proc.returncode, out, err, peak


def measure(name: str, url: str, pages: int, concurrency: int, server_pid: int) -> dict:
    """Run one contender in a subprocess; its pages/s and the peak PSS of its tree."""
    cmd = [sys.executable, __file__, "--worker", name, "--url", url, "--pages", str(pages),
           "--concurrency", str(concurrency)]
    server_cpu = cpu_seconds(server_pid)
    code, out, err, peak = run_sampled(cmd, timeout=120 + pages * 2)
    lines = [ln for ln in out.splitlines() if ln.startswith("{")]
    if code != 0 or not lines:
        return {"name": name, "error": (err.strip().splitlines() or ["no output"])[-1][:300]}
    result = json.loads(lines[-1])
    result.update(name=name, peak_pss_mb=peak / 1024,
                  pages_per_s=result["pages"] / result["seconds"],
                  server_ms_per_page=1000 * (cpu_seconds(server_pid) - server_cpu)
                  / max(1, result["pages"]))
    return result


# --- contenders (each runs in its own process) -----------------------------------------

def _urls(base: str, kind: str, pages: int) -> list[str]:
    return [f"{base}/{kind}/{i}" for i in range(pages)]


def _right(i_url: str, text: str | None) -> bool:
    return (text or "").strip() == f"{price_of(int(i_url.rsplit('/', 1)[1]))} €/kk"


async def raw_playwright(urls: list[str], concurrency: int) -> int:
    from playwright.async_api import async_playwright

    ok = 0
    queue = list(reversed(urls))
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = await browser.new_context()

        async def worker() -> None:
            nonlocal ok
            page = await context.new_page()
            while queue:
                url = queue.pop()
                await page.goto(url, wait_until="load")
                text = await page.text_content("#price")
                ok += _right(url, text)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        await browser.close()
    return ok


async def omniaudit_browser(urls: list[str], concurrency: int) -> int:
    from playwright.async_api import async_playwright

    from auditor.browser import launch_args
    from auditor.capture.web import capture_web_channel

    config = _config(urls, concurrency, "browser")
    async with async_playwright() as p:
        # Images off, as the pipeline's first pass launches it (docs/capture.md).
        browser = await p.chromium.launch(executable_path=CHROMIUM,
                                          args=launch_args(urls[:1], images=False))
        result = await capture_web_channel(browser, p, "bench", config.channels["bench"],
                                           config, Path(tempfile.mkdtemp()))
        await browser.close()
    return _count_prices(result, urls)


async def omniaudit_static(urls: list[str], concurrency: int) -> int:
    from auditor.capture.static import capture_static_channel

    config = _config(urls, concurrency, "static")
    result = await capture_static_channel("bench", config.channels["bench"], config,
                                          Path(tempfile.mkdtemp()))
    return _count_prices(result, urls)


def _config(urls: list[str], concurrency: int, mode: str) -> Any:
    from auditor.config import AuditConfig

    return AuditConfig.model_validate({"name": "bench", "channels": {"bench": {
        "kind": "web", "start_urls": urls, "max_pages": len(urls), "max_depth": 0,
        "wait": "load", "screenshots": False, "concurrency": concurrency, "mode": mode,
        "max_failures": len(urls)}}})


def _count_prices(result: Any, urls: list[str]) -> int:
    """Pages whose monthly price observation is the one the page shows."""
    from decimal import Decimal

    want = {u: Decimal(price_of(int(u.rsplit("/", 1)[1])).replace(",", ".")) for u in urls}
    return len({o.evidence.url for o in result.observations
                if o.attribute == "monthly_price" and want.get(o.evidence.url) == o.value})


async def crawlee(urls: list[str], concurrency: int) -> int:
    os.environ.setdefault("CRAWLEE_STORAGE_DIR", tempfile.mkdtemp())
    from crawlee import ConcurrencySettings
    from crawlee.crawlers import PlaywrightCrawler, PlaywrightCrawlingContext

    ok = 0
    crawler = PlaywrightCrawler(
        headless=True, browser_type="chromium",
        browser_launch_options={"executable_path": CHROMIUM, "args": ARGS,
                                "chromium_sandbox": False},
        concurrency_settings=ConcurrencySettings(min_concurrency=concurrency,
                                                 max_concurrency=concurrency,
                                                 desired_concurrency=concurrency),
        max_requests_per_crawl=len(urls), configure_logging=False)

    @crawler.router.default_handler
    async def handle(context: PlaywrightCrawlingContext) -> None:
        nonlocal ok
        text = await context.page.text_content("#price")
        ok += _right(context.request.url, text)

    await crawler.run(urls)
    return ok


async def _httpx(urls: list[str], concurrency: int, read: Any) -> int:
    import httpx

    ok = 0
    queue = list(reversed(urls))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:
        async def worker() -> None:
            nonlocal ok
            while queue:
                url = queue.pop()
                r = await client.get(url)
                ok += _right(url, read(r.text))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ok


def _selectolax(html: str) -> str | None:
    from selectolax.lexbor import LexborHTMLParser

    node = LexborHTMLParser(html).css_first(".price")
    return node.text() if node else None


def _lxml(html: str) -> str | None:
    import lxml.html

    found = lxml.html.document_fromstring(html).xpath('//p[@class="price"]')
    return found[0].text_content() if found else None


def _bs4(html: str) -> str | None:
    from bs4 import BeautifulSoup

    node = BeautifulSoup(html, "lxml").select_one(".price")
    return node.get_text() if node else None


def scrapy_run(urls: list[str], concurrency: int) -> tuple[int, float]:
    """Scrapy's own rate: timed from the spider opening to its closing (the reactor's start
    and stop are left out, in Scrapy's favour)."""
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    counted = {"ok": 0, "t0": 0.0, "t1": 0.0}

    class Prices(scrapy.Spider):
        name = "prices"
        start_urls = urls

        def parse(self, response: Any) -> None:
            counted["ok"] += _right(response.url, response.css(".price::text").get())

        @classmethod
        def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> Any:
            spider = super().from_crawler(crawler, *args, **kwargs)
            crawler.signals.connect(lambda: counted.update(t0=time.perf_counter()),
                                    signal=signals.spider_opened, weak=False)
            crawler.signals.connect(lambda: counted.update(t1=time.perf_counter()),
                                    signal=signals.spider_closed, weak=False)
            return spider

    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False, "RETRY_ENABLED": False})
    process.crawl(Prices)
    process.start()
    return counted["ok"], counted["t1"] - counted["t0"]


def run_worker(name: str, base: str, pages: int, concurrency: int) -> dict:
    urls = _urls(base, "js" if name in BROWSER else "static", pages)
    runners = {
        "raw-playwright": lambda: asyncio.run(raw_playwright(urls, concurrency)),
        "omniaudit-browser": lambda: asyncio.run(omniaudit_browser(urls, concurrency)),
        "crawlee": lambda: asyncio.run(crawlee(urls, concurrency)),
        "httpx-selectolax": lambda: asyncio.run(_httpx(urls, concurrency, _selectolax)),
        "httpx-lxml": lambda: asyncio.run(_httpx(urls, concurrency, _lxml)),
        "httpx-bs4": lambda: asyncio.run(_httpx(urls, concurrency, _bs4)),
        "scrapy": lambda: scrapy_run(urls, concurrency),
        "omniaudit-static": lambda: asyncio.run(omniaudit_static(urls, concurrency)),
    }
    if name.startswith("omniaudit"):  # imports outside the timed part, as for the others
        import auditor.capture.static  # noqa: F401
        import auditor.capture.web  # noqa: F401
    start = time.perf_counter()
    ok = runners[name]()
    seconds = time.perf_counter() - start
    if isinstance(ok, tuple):  # a contender that times itself (Scrapy)
        ok, seconds = ok
    return {"pages": pages, "right": ok, "seconds": seconds}


# --- report ---------------------------------------------------------------------------

def table(results: list[dict]) -> str:
    """A Markdown table; a row's baseline is named by ``BASELINE`` or by its ``vs`` key."""
    by = {r.get("label", r["name"]): r for r in results if "error" not in r}
    rows = ["| contender | pages | right | pages/s | peak PSS MB | vs | rate ratio | PSS ratio "
            "| server ms/page |", "|---|---:|---:|---:|---:|---|---:|---:|---:|"]
    for r in results:
        label = r.get("label", r["name"])
        if "error" in r:
            rows.append(f"| {label} | failed: {r['error']} |||||||")
            continue
        base = by.get(r.get("vs") or BASELINE.get(r["name"], ""))
        ratio = (f"| {base.get('label', base['name'])} "
                 f"| {r['pages_per_s'] / base['pages_per_s']:.2f} "
                 f"| {r['peak_pss_mb'] / base['peak_pss_mb']:.2f} ") if base else "| – | | "
        rows.append(f"| {label} | {r['pages']} | {r['right']} | {r['pages_per_s']:.1f} "
                    f"| {r['peak_pss_mb']:.0f} {ratio}| {r['server_ms_per_page']:.3f} |")
    return "\n".join(rows)


def median_of(runs: list[dict]) -> dict:
    """The run with the median rate, carrying the median peak PSS of all good runs."""
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[-1]
    r = dict(sorted(good, key=lambda r: r["pages_per_s"])[len(good) // 2])
    r["peak_pss_mb"] = statistics.median(x["peak_pss_mb"] for x in good)
    r["runs"] = len(good)
    return r


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--runs", type=int, default=3, help="runs per contender; the median is kept")
    ap.add_argument("--only", default="", help="comma-separated contenders")
    ap.add_argument("--sizes", default="", help="comma-separated page counts (memory growth)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        print(json.dumps(run_worker(a.worker, a.url, a.pages, a.concurrency)))
        return 0
    from shop import serve

    names = [n for n in a.only.split(",") if n] or [*BROWSER, *HTTP]
    sizes = [int(n) for n in a.sizes.split(",") if n] or [a.pages]
    url, server = serve(max(sizes))
    results = []
    try:
        for name in names:
            for size in sizes:
                r = median_of([measure(name, url, size, a.concurrency, server.pid)
                               for _ in range(a.runs)])
                if len(sizes) > 1:
                    r["label"] = f"{name} @{size}"
                    r["vs"] = f"{name} @{sizes[0]}" if size != sizes[0] else None
                results.append(r)
                print(f"{r.get('label', name)}: " + (
                    r.get("error") or f"{r['pages_per_s']:.1f} pages/s, peak PSS "
                    f"{r['peak_pss_mb']:.0f} MB, {r['right']}/{r['pages']} right"),
                    file=sys.stderr, flush=True)
    finally:
        server.terminate()
    print(json.dumps(results, indent=1) if a.json else table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
