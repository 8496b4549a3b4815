"""A forwarding proxy on 127.0.0.1 that does the call and then answers the app badly, as a real one can.

Every request is forwarded to the upstream (a running ``cjerr mock``), so the call takes effect there (an
order is created, a payment made); the app then gets what ``mode`` says instead of the upstream's answer:
a gateway error page, an empty or HTML body, the upstream body cut short, ``null``, JSON that is no CJ
envelope, a proxy's own 400/404/408/499 page, a redirect to a login page, a 403 page, a bare 429, or a
connection closed without an answer. ``pass`` hands the upstream answer through unchanged.

Built on ``http.server`` and ``http.client``; one thread per connection, each connection closed after one
answer. Leaving the ``with`` block stops the server.
"""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_HTML = "text/html; charset=utf-8"
_PAGE = "<html><head><title>{0}</title></head><body><center><h1>{0}</h1></center><hr>nginx</body></html>\n"

# mode -> (HTTP status, Content-Type, body, extra headers); "truncated", "drop" and "pass" use the upstream.
BAD_ANSWERS: dict[str, tuple[int, str, bytes, dict[str, str]]] = {
    "http502": (502, _HTML, _PAGE.format("502 Bad Gateway").encode(), {}),
    "http504": (504, _HTML, _PAGE.format("504 Gateway Time-out").encode(), {}),
    "empty": (200, "application/json", b"", {}),
    "html": (200, _HTML, b"<!DOCTYPE html><html><body><div id='app'>Loading...</div></body></html>", {}),
    "null": (200, "application/json", b"null", {}),
    "foreign_json": (200, "application/json", b'{"status": "error", "detail": "upstream reset"}', {}),
    "proxy400": (400, _HTML, _PAGE.format("400 Bad Request").encode(), {}),
    "proxy404": (404, _HTML, _PAGE.format("404 Not Found").encode(), {}),
    "proxy408": (408, _HTML, _PAGE.format("408 Request Time-out").encode(), {}),
    "proxy499": (499, _HTML, _PAGE.format("499 Client Closed Request").encode(), {}),
    "redirect302": (302, _HTML, b"", {"Location": "https://login.example/sso?next=%2F"}),
    "forbidden403": (403, _HTML, _PAGE.format("403 Forbidden").encode(), {}),
    "bare429": (429, "text/plain", b"Too Many Requests", {}),
}
MODES = (*BAD_ANSWERS, "truncated", "drop")
_HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "host", "content-length", "accept-encoding"})


class ForwardingProxy:
    """``with ForwardingProxy(upstream_base) as proxy: proxy.mode = "http504"``; ``proxy.url`` is the base URL."""

    def __init__(self, upstream: str) -> None:
        parts = urllib.parse.urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or 80
        self.path_prefix = parts.path.rstrip("/")
        self.mode = "pass"
        self.forwarded: list[tuple[str, str, int]] = []  # (method, path, upstream status) of each forwarded call
        self.delay = 0.0  # seconds to wait after forwarding, before answering
        self.only: str | None = None  # answer badly only to paths that contain this; pass the others through
        self._lock = threading.Lock()
        self._stop = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
                return

            def do_GET(self) -> None:
                proxy._serve(self)

            do_POST = do_PATCH = do_DELETE = do_PUT = do_GET

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.path_prefix}"

    def _forward(self, handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, bytes]:
        headers = {name: value for name, value in handler.headers.items() if name.lower() not in _HOP_BY_HOP}
        connection = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=20)
        try:
            connection.request(handler.command, handler.path, body=body or None, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.read()
        finally:
            connection.close()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        status, upstream = self._forward(handler, body)
        with self._lock:
            self.forwarded.append((handler.command, handler.path, status))
            mode = self.mode if self.only is None or self.only in handler.path else "pass"
        if self.delay:
            self._stop.wait(self.delay)
        handler.close_connection = True
        if mode == "drop":
            return  # the call went through; the app gets no answer at all
        if mode == "pass":
            answer: tuple[int, str, bytes, dict[str, str]] = (status, "application/json", upstream, {})
        elif mode == "truncated":
            answer = (200, "application/json", upstream[: len(upstream) // 2], {})
        else:
            answer = BAD_ANSWERS[mode]
        code, content_type, payload, extra = answer
        handler.send_response(code)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("Connection", "close")
        for name, value in extra.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    def __enter__(self) -> ForwardingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
