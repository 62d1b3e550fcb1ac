"""A local HTTP server of feeds and article pages for the feed tests: an RSS feed, an Atom
feed, a broken one, and pages; it answers conditional requests and records them."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from retrieval.storage.corpus import read_article_file

SEED = "001_5b0c9ae72aa1523b.txt"
FORD_PAGE = """<!DOCTYPE html><html><head><title>{title}</title>
<meta property="og:site_name" content="The Example Ledger">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{date}T09:00:00+00:00">
</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"""

RADIO = [
    "Toronto Mayor Rob Ford used his weekly radio show on Sunday to apologize for smoking "
    "crack cocaine, while his brother, Councillor Doug Ford, said the mayor would not take "
    "a leave of absence or step aside.",
    "Deputy Mayor Norm Kelly told reporters the mayor should take a pause from city hall, "
    "and councillors said they would vote on a motion to limit the mayor's powers.",
    "Ford admitted last week that he smoked crack during a drunken stupor, after police "
    "said they had the video first reported in May by the Toronto Star and Gawker.",
]
COUNCIL = [
    "Toronto city council voted on Wednesday to strip Mayor Rob Ford of some of his powers, "
    "a week after the mayor admitted to smoking crack cocaine in a drunken stupor.",
    "Deputy Mayor Norm Kelly, who had urged Ford to take a pause, will take over much of "
    "the mayor's office budget and staff, councillors said after the vote at city hall.",
    "Ford, who has refused calls to step aside or take a leave of absence, told reporters "
    "the council's motion was a coup and that he would fight it in court.",
]
FERRY = [
    "The harbour ferry timetable changes on Monday, when night sailings are cut to two a "
    "week and the first morning boat leaves twenty minutes later than before.",
    "The ferry operator said fuel costs and a shortage of deckhands forced the cut, and "
    "that summer sailings would return once new crews finish their training.",
    "Commuters who cross the harbour each day said the later boat would make them late for "
    "work, and asked the operator to add a bus between the two piers.",
]


def page(title: str, date: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return FORD_PAGE.format(title=title, date=date, paragraphs=body).encode()


def rss(items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed of (title, link, RFC 822 date) items."""
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{date}</pubDate></item>"
        for title, link, date in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger: City Hall</title>'
        f"<link>http://ledger.example/</link>{entries}</channel></rss>"
    ).encode()


def atom(items: list[tuple[str, str, str]]) -> bytes:
    """An Atom 1.0 feed of (title, link, ISO date) entries; links may be relative."""
    entries = "".join(
        f'<entry><title>{title}</title><link rel="alternate" href="{link}"/>'
        f"<id>tag:ledger.example,2013:{link}</id><updated>{date}</updated></entry>"
        for title, link, date in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Ledger: Toronto</title><id>tag:ledger.example,2013:toronto</id>"
        f"<updated>2013-11-13T12:00:00Z</updated>{entries}</feed>"
    ).encode()


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    modified: str | None = None


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class FeedServer:
    port: int
    routes: dict[str, Route]
    requests: list[Request] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


def _answer(handler: BaseHTTPRequestHandler, server: FeedServer) -> None:
    route = server.routes.get(handler.path)
    headers = {k.lower(): v for k, v in handler.headers.items()}
    if route is None:
        status, body, route = 404, b"not here", Route(b"")
    elif _unchanged(route, headers):
        status, body = 304, b""
    else:
        status, body = route.status, route.body
    server.requests.append(Request(handler.path, headers, status))
    handler.send_response(status)
    if status != 304:
        handler.send_header("Content-Type", route.content_type)
    handler.send_header("Content-Length", str(len(body)))
    if route.etag:
        handler.send_header("ETag", route.etag)
    if route.modified:
        handler.send_header("Last-Modified", route.modified)
    handler.end_headers()
    handler.wfile.write(body)


def _unchanged(route: Route, headers: dict[str, str]) -> bool:
    """Whether a conditional request names the version the route serves."""
    if route.etag and headers.get("if-none-match") == route.etag:
        return True
    return bool(route.modified and headers.get("if-modified-since") == route.modified)


@contextlib.contextmanager
def feed_server(routes: dict[str, Route]) -> Iterator[FeedServer]:
    """The server, in a thread, on 127.0.0.1; shut down on leaving."""
    box: list[FeedServer] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                _answer(self, box[0])

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    box.append(FeedServer(httpd.server_address[1], routes))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield box[0]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def http_date(seconds: float) -> str:
    return formatdate(seconds, usegmt=True)


def routes(seed_text: str) -> dict[str, Route]:
    """The RSS feed (radio, ferry, a copy of a seed), the Atom feed (council by a relative
    link, radio again), a broken feed, and the pages."""
    return {
        "/rss.xml": Route(
            rss(
                [
                    ("Ford on the radio", "{base}/radio", "Sun, 10 Nov 2013 15:00:00 GMT"),
                    ("Ferry times change", "{base}/ferry", "Sat, 09 Nov 2013 08:00:00 GMT"),
                    ("Councillors urge a pause", "{base}/copy", "Thu, 07 Nov 2013 10:00:00 GMT"),
                ]
            ),
            "application/rss+xml",
            etag='"rss-1"',
        ),
        "/atom.xml": Route(
            atom(
                [
                    ("Council strips Ford of powers", "/council", "2013-11-13T18:00:00Z"),
                    ("Ford on the radio", "{base}/radio", "2013-11-10T15:00:00Z"),
                ]
            ),
            "application/atom+xml",
            modified="Wed, 13 Nov 2013 18:00:00 GMT",
        ),
        "/broken.xml": Route(b"<rss><channel><item>oops", "application/rss+xml"),
        "/radio": Route(page("Ford apologizes on radio show", "2013-11-10", RADIO)),
        "/council": Route(page("Council strips Ford of powers", "2013-11-13", COUNCIL)),
        "/ferry": Route(page("Ferry timetable changes", "2013-11-09", FERRY)),
        "/copy": Route(seed_text.encode(), "text/plain; charset=utf-8"),
        "/not-a-feed": Route(page("Ferry timetable changes", "2013-11-09", FERRY)),
        "/home": Route(
            b'<html><head><title>The Example Ledger</title><link rel="stylesheet" href="/s.css">'
            b'<link rel="alternate" type="application/atom+xml" href="/atom.xml"></head>'
            b"<body><p>Today's news.</p></body></html>"
        ),
    }


@contextlib.contextmanager
def ford_server(corpus: Path) -> Iterator[FeedServer]:
    """The server of ``routes``, with the text of a seed article of ``corpus`` as /copy."""
    seed_text = read_article_file(corpus / SEED).text
    with feed_server(routes(seed_text)) as running:
        base = f"http://127.0.0.1:{running.port}"
        for route in running.routes.values():
            route.body = route.body.replace(b"{base}", base.encode())
        yield running
