"""The rules cjerr's own local HTTP servers (``cjerr mock`` and ``cjerr webhook listen``) apply to a request.

Both run on a developer's machine, where a web page in a browser or a confused client can reach them:

* the header section is capped (``limits.HTTP_HEADER_BYTES``): over it the answer is 431, as nginx or any
  real server would give, and nothing of it is kept;
* a request with both ``Content-Length`` and ``Transfer-Encoding``, or with two different ``Content-Length``
  values, is refused (400): two parsers would read different bodies from it (request smuggling, RFC 9112
  section 6.1 says a server may reject it and must close the connection);
* ``Host`` must name this machine (a loopback name or an IP literal) or the address the server was told to
  listen on: a DNS-rebinding page reaches the server under its own host name;
* an ``Origin`` header, which a browser sends with every cross-site POST, must be a loopback origin.

``LocalServer`` is the server all three (and ``cjerr proxy``) are built on.

Standard library only.
"""

from __future__ import annotations

import http.client
import socket
import sys
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from cj_errors.base import limits
from cj_errors.base.inputs import ip_literal, is_loopback


class _Lines(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


class HeaderBudget:
    """``rfile`` for ``http.client.parse_headers``: lines are read as they come until ``budget`` bytes, then
    ``LineTooLong``, which ``BaseHTTPRequestHandler.parse_request`` answers with 431."""

    def __init__(self, stream: _Lines, budget: int = limits.HTTP_HEADER_BYTES) -> None:
        self._stream = stream
        self._left = budget
        self._budget = budget

    def readline(self, size: int = -1) -> bytes:
        want = self._left + 1 if size < 0 else min(size, self._left + 1)
        line = self._stream.readline(want)
        self._left -= len(line)
        if self._left < 0:
            raise http.client.LineTooLong(f"header section over {self._budget} bytes")
        return line

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def framing_problem(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> str | None:
    """Why the body of a request with these headers cannot be delimited without guessing, or None."""
    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    lengths = {value.strip() for name, value in pairs if name.lower() == "content-length"}
    encodings = [value for name, value in pairs if name.lower() == "transfer-encoding"]
    if lengths and encodings:
        return "both Content-Length and Transfer-Encoding: refused, the body could be read two ways"
    if len(lengths) > 1:
        return "two different Content-Length values"
    return None


def _host_part(value: str) -> str:
    value = value.strip()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def host_allowed(host_header: str | None, bound: str) -> bool:
    """True when ``Host`` names this machine: loopback, an IP literal, or the host the server was started on.

    A request without ``Host`` (HTTP/1.0 tools) is allowed: a browser always sends one.
    """
    if host_header is None:
        return True
    name = _host_part(host_header).lower()
    if not name:
        return False
    return is_loopback(name) or ip_literal(name) is not None or name == bound.strip("[]").lower()


def origin_allowed(origin: str | None) -> bool:
    """True without ``Origin`` or with a loopback one (``http://localhost:3000``); ``null`` and others are foreign."""
    if origin is None:
        return True
    try:
        host = urlsplit(origin.strip()).hostname
    except ValueError:
        return False
    return host is not None and is_loopback(host)


__all__ = ["HeaderBudget", "framing_problem", "host_allowed", "origin_allowed"]


class LocalServer(ThreadingHTTPServer):
    """The threading HTTP server cjerr's local servers share: a thread per connection that never blocks exit,
    a backlog that takes a burst of connects, IPv6 when the address is one, and quiet about clients that go
    away mid-request. ``report`` says what else went wrong (the default keeps quiet)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = limits.LISTEN_BACKLOG  # the default 5 drops a burst; clients then wait 1 s for a SYN retry

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if error is None or isinstance(error, ConnectionError | TimeoutError):
            return  # the client went away; nothing to report
        where = client_address[0] if isinstance(client_address, tuple) and client_address else "?"
        self.report(where, error)

    def report(self, where: str, error: BaseException) -> None:
        """An error while handling a request from ``where``; the server goes on."""
