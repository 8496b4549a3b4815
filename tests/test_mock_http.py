"""The mock's own reading of plain requests and writing of answers (cj_errors/mock/server.py): the same
command, path, version, headers and connection handling as http.server's parse_request, and the same bytes
on the wire as send_response/send_header/end_headers, for any request; anything not plain goes the standard
library's way."""

from __future__ import annotations

import io
import re
import socket
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cj_errors.mock import server as mock_server
from cj_errors.mock.bodies import MockResponse


class _OnBytes(BaseHTTPRequestHandler):
    """A request handler on a byte string: no socket, set up as handle_one_request would."""

    def __init__(self, raw: bytes) -> None:
        self.rfile = io.BufferedReader(io.BytesIO(raw))  # type: ignore[assignment]
        self.wfile = io.BytesIO()
        self.raw_requestline = self.rfile.readline(65537)
        self.request_version = "HTTP/0.9"
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Reference(_OnBytes):
    """The standard library's parse_request and header writing, on a byte string."""

    protocol_version = "HTTP/1.1"


class _Plain(_OnBytes, mock_server._Handler):
    """The mock's handler on a byte string: only its fast path (``_parse_plain``)."""


def _compare(raw: bytes) -> bool:
    """True when the fast path took ``raw``: then everything parse_request sets is as the standard library's."""
    reference, plain = _Reference(raw), _Plain(raw)
    taken = plain._parse_plain()
    if taken is None:
        assert plain.rfile.tell() == len(plain.raw_requestline)  # nothing read: the standard library reads it
        return False
    assert taken == reference.parse_request()
    assert (plain.command, plain.path, plain.request_version, plain.requestline) == (
        reference.command,
        reference.path,
        reference.request_version,
        reference.requestline,
    )
    assert plain.close_connection == reference.close_connection
    assert plain.headers.items() == reference.headers.items()
    assert plain.headers.get("Content-Length") == reference.headers.get("Content-Length")
    assert plain.rfile.read() == reference.rfile.read()  # the body is left where it was
    assert plain.wfile.getvalue() == reference.wfile.getvalue()  # 100 Continue, when asked for
    return True


def test_plain_requests_take_the_fast_path_and_read_as_the_standard_library_reads_them() -> None:
    plain = [
        b"GET /api2.0/v1/setting/get HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nCJ-Access-Token: abc\r\n\r\n",
        b"GET /?a=1&b=%20 HTTP/1.0\r\nHost: x\r\n\r\n",
        b"POST /p HTTP/1.1\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}",
        b"GET / HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
        b"GET / HTTP/1.1\r\nX-Blank:\r\nX-Tabs:\t \tv a l \t\r\nx-dup: 1\r\nX-Dup: 2\r\n\r\n",
        b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx",
        b"GET / HTTP/1.1\r\n" + b"X-N: v\r\n" * 99 + b"\r\n",
    ]
    for raw in plain:
        assert _compare(raw), raw


def test_anything_else_goes_the_standard_librarys_way() -> None:
    others = [
        b"GET //evil.example/x HTTP/1.1\r\n\r\n",  # http.server rewrites a leading "//"
        b"GET / HTTP/1.1\n\n",  # bare LF
        b"GET / HTTP/1.1\r\nHost: x\n\r\n",
        b"GET /  HTTP/1.1\r\n\r\n",  # two spaces
        b"get / HTTP/1.1\r\n\r\n",
        b"GET * HTTP/1.1\r\n\r\n",
        b"GET / HTTP/2.0\r\n\r\n",
        b"GET /\r\n",  # HTTP/0.9
        b"GET / HTTP/1.1\r\n Folded: x\r\n\r\n",
        b"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
        b"GET / HTTP/1.1\r\n: empty name\r\n\r\n",
        b"GET / HTTP/1.1\r\nX-Latin: caf\xe9\r\n\r\n",
        b"GET / HTTP/1.1\r\nX-CR: a\rb\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n",  # the section has not all arrived
        b"GET / HTTP/1.1\r\n" + b"X-N: v\r\n" * 100 + b"\r\n",  # http.client's 100-line limit
    ]
    for raw in others:
        assert not _compare(raw), raw


_NAME = st.text(st.sampled_from("!#$%&'*+-.^_`|~09AZaz;=@[]{}\"(),/<>?\\"), min_size=1, max_size=12)
_VALUE = st.text(st.sampled_from(" \t\r\nabcXYZ019:;,=\"'\x00\x7f\xe9"), max_size=16)
_PATH = st.text(st.sampled_from("/?=&%aZ09.-_~ "), max_size=20)


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "HEAD", "DELETE", "get"]),
    path=_PATH,
    version=st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "http/1.1"]),
    fields=st.lists(st.tuples(_NAME, _VALUE), max_size=6),
    ending=st.sampled_from(["\r\n", "\n"]),
)
def test_any_request_reads_the_same_on_both_paths(
    method: str, path: str, version: str, fields: list[tuple[str, str]], ending: str
) -> None:
    text = f"{method} /{path} {version}\r\n" + "".join(f"{name}:{value}{ending}" for name, value in fields) + "\r\n"
    _compare(text.encode("latin-1"))


class _Written(mock_server._Handler):
    """The mock's handler writing into a buffer, with the request state a parse left."""

    def __init__(self, *, command: str = "GET", version: str = "HTTP/1.1", close: bool = False) -> None:
        self.wfile = io.BytesIO()
        self.command, self.request_version, self.close_connection = command, version, close

    def through_the_standard_library(self, response: MockResponse) -> bytes:
        """What send_response, send_header and end_headers send for ``response``, then the body."""
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(response.body)
        return self.wfile.getvalue()


@pytest.mark.parametrize(
    "response",
    [
        MockResponse(body=b'{"code":200}'),
        MockResponse(status=507, body=b"{}\n", content_type="application/json"),
        MockResponse(status=429, body="é".encode()),
        MockResponse(status=599, body=b"", content_type=None),  # a status http.server has no reason for
        MockResponse(status=504, body=b"<html></html>", content_type="text/html;charset=utf-8"),
    ],
)
@pytest.mark.parametrize("close", [False, True])
def test_answers_go_out_as_the_standard_librarys_header_calls_send_them(response: MockResponse, close: bool) -> None:
    mine, reference = _Written(close=close), _Written(close=close)
    mine._write(response)
    assert mine.wfile.getvalue() == reference.through_the_standard_library(response)


@pytest.fixture
def running() -> Iterator[mock_server.RunningMock]:
    mock = mock_server.start(qps=0)
    yield mock
    mock.close()


def _exchange(mock: mock_server.RunningMock, raw: bytes) -> bytes:
    port = int(mock.url.split(":")[2].split("/")[0])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(raw)
        connection.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_real_mock_answers_plain_and_other_requests_alike(running: mock_server.RunningMock) -> None:
    """Over a socket: a plain request and the same request the fast path leaves alone (a header value with a
    Latin-1 byte) get the same answer, and a pipelined pair on one connection gets two answers."""
    plain = b"GET /api2.0/v1/setting/get HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    other = b"GET /api2.0/v1/setting/get HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: caf\xe9\r\nConnection: close\r\n\r\n"
    first, second = _exchange(running, plain), _exchange(running, other)

    def without_date(answer: bytes) -> list[bytes]:
        fresh = re.sub(rb'"requestId":"[0-9a-f]{32}"', b'"requestId":"-"', answer)
        return [line for line in fresh.split(b"\r\n") if not line.startswith(b"Date: ")]

    assert first.startswith(b"HTTP/1.1 200 OK\r\nServer: cjerr-mock\r\n")
    assert b'"code":1600002' in first  # no token: CJ's answer, through the fast path
    assert without_date(first) == without_date(second)
    pipelined = _exchange(running, plain.replace(b"Connection: close\r\n", b"") + plain)
    assert pipelined.count(b"HTTP/1.1 200 OK\r\n") == 2
    assert [entry["path"] for entry in running.requests()] == ["/setting/get"] * 4
    assert running.requests()[0]["headers"]["host"] == "127.0.0.1"
