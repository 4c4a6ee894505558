"""The benchmark's shop: N offer pages, pre-rendered, served from memory on 127.0.0.1.

Every page exists twice: ``/js/N`` writes its price with JavaScript (what a browser must
render) and ``/static/N`` has it in the HTML (what plain HTTP can read). The server is one
asyncio process speaking HTTP/1.1 keep-alive with the bytes of every response prepared in
advance, so that it is never what a client waits for; :func:`serve` runs it in its own
process and the benchmark reports its CPU time per request to show that.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import socket
from typing import Any

_PAGE = """<!doctype html><html lang="fi"><head><meta charset="utf-8"><title>{name}</title>
<meta name="theme-color" content="#0a7d5a"></head><body>
<header><a href="/{kind}/0"><img class="logo" alt="Benchtel" width="120" height="40"
src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></a><nav><a href="/{kind}/{n1}">Seuraava</a>
<a href="/{kind}/{n2}">Toinen</a><a href="/{kind}/{n3}">Kolmas</a></nav></header>
<main><article data-sku="offer-{i}"><h1>{name}</h1>
<p class="price" id="price">{price_html}</p>
<p>Nopea ja luotettava liittymä kotiin ja mökille. Rajaton data, ei piilokuluja.</p>
<p>Tilaa verkosta ja saat liittymän käyttöön jo seuraavana arkipäivänä.</p>
<table class="terms"><tr><th>Sopimus</th><td>{months} kk määräaikainen</td></tr>
<tr><th>Avausmaksu</th><td>{fee} €</td></tr></table></article></main>
<footer>© Benchtel Oy</footer>{script}</body></html>"""


def price_of(i: int) -> str:
    """The page's monthly price, as the page prints it (``19,90``)."""
    cents = 990 + (i * 37) % 5000
    return f"{cents // 100},{cents % 100:02d}"


def page(kind: str, i: int, total: int) -> str:
    price = f"{price_of(i)} €/kk"
    if kind == "js":
        price_html, script = "", (
            "<script>document.getElementById('price').textContent = "
            f"{price!r};</script>")
    else:
        price_html, script = price, ""
    return _PAGE.format(kind=kind, i=i, name=f"Liittymä {i}", price_html=price_html,
                        script=script, months=12 + 12 * (i % 2), fee="4,90" if i % 3 else "0,00",
                        n1=(i + 1) % total, n2=(i + 7) % total, n3=(i + 31) % total)


def _responses(total: int) -> dict[bytes, bytes]:
    out = {}
    for kind in ("js", "static"):
        for i in range(total):
            body = page(kind, i, total).encode()
            head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\n\r\n").encode()
            out[f"/{kind}/{i}".encode()] = head + body
    return out


_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def _run(sock: socket.socket, total: int) -> None:
    responses = _responses(total)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1]
                writer.write(responses.get(path, _NOT_FOUND))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, sock=sock, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def serve(total: int) -> tuple[str, Any]:
    """Start the server for ``total`` pages in a child process; return its URL and process."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    port = sock.getsockname()[1]
    proc = mp.get_context("fork").Process(target=_run, args=(sock, total), daemon=True)
    proc.start()
    sock.close()
    return f"http://127.0.0.1:{port}", proc
