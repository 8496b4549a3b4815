"""The HTTP side: ``http.server`` in front of ``MockApp.handle``, the request log, ``serve`` for the CLI and
``running``/``start`` for test suites (a real server on a free port, in a thread)."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any, TextIO, cast
from urllib.parse import unquote_plus

from cj_errors.base import limits
from cj_errors.base.errors import CliError
from cj_errors.base.escaping import escaped
from cj_errors.base.exits import ExitStatus
from cj_errors.base.httpguard import HeaderBudget, LocalServer, framing_problem
from cj_errors.base.inputs import is_loopback
from cj_errors.base.redact import is_secret_name, mask, scrub
from cj_errors.mock.admin import PREFIX as ADMIN_PREFIX
from cj_errors.mock.app import MockApp
from cj_errors.mock.bodies import MockRequest, MockResponse, code_message, error_body, json_response
from cj_errors.mock.config import MockConfig, build_config
from cj_errors.table import catalog
from cj_errors.table.catalog import API_PREFIX

# --- HTTP -----------------------------------------------------------------------------------


class _Log:
    """One line per event on stderr, never interleaved; a closed stderr is ignored.

    Each line is escaped (``base.escaping``): a request path or a client's bad request line can hold ESC,
    0x9b or an OSC 52 clipboard write, and none of them may reach the terminal as they came.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        with self._lock:
            try:
                self._stream.write(escaped(text) + "\n")
                self._stream.flush()
            except (OSError, ValueError):
                pass


def log_target(target: str) -> str:
    """The request target for the log: values of secret-named query keys masked, the rest scrubbed.

    ``?token=...&accessToken=...`` is masked whatever the value looks like; names are judged by
    ``redact.is_secret_name``, so the list of secret names lives in one place.
    """
    path, separator, query = target.partition("?")
    if not separator:
        return scrub(target)
    pieces: list[str] = []
    for piece in query.split("&"):
        key, equals, value = piece.partition("=")
        if equals and value and is_secret_name(unquote_plus(key).strip()):
            piece = f"{key}={mask(unquote_plus(value))}"
        pieces.append(piece)
    return scrub(f"{path}?{'&'.join(pieces)}")


_clock_second: tuple[int, str] = (0, "")


def _stamp() -> str:
    """The local time as HH:MM:SS.mmm, the second formatted once (a log line per request)."""
    global _clock_second
    now = time.time()
    second = int(now)
    seen, text = _clock_second
    if seen != second:
        text = time.strftime("%H:%M:%S", time.localtime(second))
        _clock_second = (second, text)
    return f"{text}.{int((now - second) * 1000):03d}"


def describe_request(request: MockRequest, response: MockResponse, elapsed: float) -> str:
    stamp = _stamp()
    code = "-" if response.code is None else str(response.code)
    parts = [
        f"{stamp} {request.client} {request.method} {log_target(request.target)} -> {response.status} code={code}",
        f"token={mask(response.token) if response.token else '-'}",
        f"{elapsed * 1000:.0f}ms",
    ]
    if response.delay:
        parts.append(f"delay={response.delay:g}s")
    if response.fault is not None:
        parts.append(f"fault={response.fault_label} ({response.fault.origin})")
    return " ".join(parts)


# A request line and header section that every supported Python's http.server reads the same way, and that
# _Handler._parse_plain turns into the same command, path, version and headers without the email parser
# (tests/test_mock_http.py compares the two): one space-separated line, an origin-form path not starting
# with "//" (http.server rewrites those), HTTP/1.0 or 1.1, and at most 99 "Name: printable ASCII" lines
# (http.client refuses more than 100 lines), each ending in CRLF.
_PLAIN_LINE = re.compile(rb"([A-Z]+) (/(?!/)[!-~]*) HTTP/1\.([01])\r\n")
_PLAIN_HEADERS = re.compile(rb"(?:[!-9;-~]+:[\t -~]*\r\n){0,99}\r\n")
_PLAIN_FIELD = re.compile(r"([!-9;-~]+):[ \t]*([\t -~]*)\r\n")


class _BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cjerr-mock"
    timeout = 120  # idle keep-alive connections end after this
    disable_nagle_algorithm = True  # headers and body go out in separate writes; do not wait for delayed ACKs

    @property
    def _mock(self) -> MockServer:
        return cast(MockServer, self.server)

    def version_string(self) -> str:
        return self.server_version

    _date: tuple[int, str] = (0, "")
    raw_requestline: bytes  # set by handle_one_request before parse_request

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header, formatted once a second rather than for every request."""
        if timestamp is not None:
            return super().date_time_string(timestamp)
        now = int(time.time())
        second, text = _Handler._date
        if second != now:
            text = super().date_time_string(now)
            _Handler._date = (now, text)
        return text

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # one line per request comes from _serve, with the CJ code and the fault

    def log_message(self, format: str, *args: Any) -> None:
        self._mock.log.line(f"cjerr mock: {self.client_address[0]} {scrub(format % args)}")

    def parse_request(self) -> bool:
        plain = self._parse_plain()
        if plain is not None:
            return plain
        # The header section is read through a budget: over limits.HTTP_HEADER_BYTES the standard
        # library answers 431 and closes, and nothing of it reaches the journal.
        stream = self.rfile
        self.rfile = cast(Any, HeaderBudget(stream))
        try:
            return super().parse_request()
        finally:
            self.rfile = stream

    def _parse_plain(self) -> bool | None:
        """``BaseHTTPRequestHandler.parse_request`` for a plain request (nearly all are), without the email
        parser that costs more than the rest of a small answer; None (nothing read) when it is not plain."""
        line = _PLAIN_LINE.fullmatch(self.raw_requestline)
        if line is None:
            return None
        peek = getattr(self.rfile, "peek", None)  # a buffered reader (StreamRequestHandler.rbufsize -1)
        if peek is None:
            return None
        arrived: bytes = peek()  # what the buffer holds after the request line; read only when plain
        if arrived.startswith(b"\r\n"):
            end = 2
        else:
            found = arrived.find(b"\r\n\r\n")
            if found < 0:
                return None  # not all there yet: the standard library reads it line by line
            end = found + 4
        if end > limits.HTTP_HEADER_BYTES or _PLAIN_HEADERS.fullmatch(arrived, 0, end) is None:
            return None
        section = self.rfile.read(end).decode("ascii")
        method, path, minor = line.groups()
        self.command, self.path = method.decode("ascii"), path.decode("ascii")
        self.request_version = "HTTP/1." + minor.decode("ascii")
        self.requestline = self.raw_requestline[:-2].decode("ascii")
        self.close_connection = minor == b"0"  # HTTP/1.1 keeps the connection open unless told otherwise
        headers = http.client.HTTPMessage()
        for name, value in _PLAIN_FIELD.findall(section):
            headers[name] = value  # what email's compat32 parser stores: value without leading blanks and CRLF
        self.headers = headers
        # The rest as the standard library's parse_request does it.
        connection = headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive" and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        expect = headers.get("Expect", "").lower()
        if expect == "100-continue" and self.protocol_version >= "HTTP/1.1" and self.request_version >= "HTTP/1.1":
            return bool(self.handle_expect_100())
        return True

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_GET

    def _read_body(self, fields: list[tuple[str, str]]) -> bytes:
        problem = framing_problem(fields)
        if problem is not None:
            raise _BadRequest(400, problem)
        length = self.headers.get("Content-Length")
        if length is not None:
            if not (length.strip().isascii() and length.strip().isdecimal()):
                raise _BadRequest(400, "bad Content-Length")
            size = int(length)
            if size > limits.MOCK_REQUEST_BODY_BYTES:
                raise _BadRequest(413, f"body over {limits.MOCK_REQUEST_BODY_BYTES} bytes")
            return self.rfile.read(size)
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                line = self.rfile.readline(1024).split(b";")[0].strip()
                try:
                    size = int(line, 16)
                except ValueError:
                    raise _BadRequest(400, "bad chunk size") from None
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass  # trailers
                    return b"".join(chunks)
                total += size
                if total > limits.MOCK_REQUEST_BODY_BYTES:
                    raise _BadRequest(413, f"body over {limits.MOCK_REQUEST_BODY_BYTES} bytes")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(1024)
        return b""

    def _serve(self) -> None:
        started = time.monotonic()
        fields = self.headers.items()
        headers = {name.lower(): value for name, value in fields}
        try:
            body = self._read_body(fields)
        except _BadRequest as problem:
            request = MockRequest(self.command, self.path, headers, b"", self.client_address[0])
            response = MockResponse(
                status=problem.status, body=problem.reason.encode() + b"\n", content_type="text/plain"
            )
            self.close_connection = True
            self._write(response)
            self._mock.log.line(describe_request(request, response, time.monotonic() - started))
            return
        request = MockRequest(self.command, self.path, headers, body, self.client_address[0])
        try:
            response = self._mock.app.handle(request)
        except Exception as error:  # noqa: BLE001 - a bug in the mock must not kill the connection silently
            response = json_response(error_body(1600000, code_message(1600000)), 1600000, status=500)
            self._mock.log.line(f"cjerr mock: internal error: {type(error).__name__}: {scrub(str(error))}")
        if response.delay > 0:
            time.sleep(response.delay)
        self._write(response)
        self._mock.log.line(describe_request(request, response, time.monotonic() - started))

    def _write(self, response: MockResponse) -> None:
        if self.command != "HEAD" and not response.drop and self.request_version != "HTTP/0.9":
            # Headers and body in one write (one packet for a small body): the bytes send_response,
            # send_header and end_headers would send, built in one string.
            status = response.status
            reason = self.responses[status][0] if status in self.responses else ""
            lines = [
                f"{self.protocol_version} {status:d} {reason}\r\n",
                f"Server: {self.version_string()}\r\nDate: {self.date_time_string()}\r\n",
            ]
            if response.content_type:
                lines.append(f"Content-Type: {response.content_type}\r\n")
            lines.append(f"Content-Length: {len(response.body)}\r\n")
            if self.close_connection:
                lines.append("Connection: close\r\n")
            lines.append("\r\n")
            self.wfile.write("".join(lines).encode("latin-1", "strict") + response.body)
            return
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if response.drop:
            self.wfile.write(response.body[: len(response.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(response.body)  # HTTP/0.9: no headers were buffered


class MockServer(LocalServer):
    """The shared local server, holding the app and the log."""

    def __init__(self, address: tuple[str, int], app: MockApp, log: _Log) -> None:
        self.app = app
        self.log = log
        super().__init__(address, _Handler)

    def report(self, where: str, error: BaseException) -> None:
        self.log.line(f"cjerr mock: {where}: request failed: {type(error).__name__}: {scrub(str(error))}")


def base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}{API_PREFIX}"


def summary(config: MockConfig) -> str:
    qps = f"QPS {config.qps}/s per token" if config.qps else "no QPS limit"
    points = f"{config.points} points/day" if config.points is not None else "no points budget"
    faults = ", ".join(rule.origin for rule in config.rules) or "none"
    extra = f"; latency {config.latency:g}s" if config.latency else ""
    seed = f"; seed {config.seed}" if config.seed is not None else ""
    state = f"state in {config.state_file}" if config.state_file else "state in memory"
    return (
        f"cjerr mock: {len(catalog.ENDPOINTS)} endpoints; {qps}; {points}; balance {config.balance:.2f}; {state}; "
        f"faults: {faults}{extra}{seed}; admin API under {ADMIN_PREFIX}; Ctrl-C stops"
    )


def _bind(config: MockConfig, app: MockApp, log: _Log) -> MockServer:
    bind_host = config.host.strip("[]")
    try:
        return MockServer((bind_host, config.port), app, log)
    except OSError as error:
        reason = error.strerror or str(error)
        hint = " (try --port 0 for a free port)" if getattr(error, "errno", None) in (48, 98, 10048) else ""
        where = base_url(bind_host, config.port).split("/api2.0")[0].removeprefix("http://")
        raise CliError(f"cannot listen on {where}: {reason}{hint}", ExitStatus.USAGE) from None


def serve(config: MockConfig, stdout: TextIO, stderr: TextIO) -> None:
    """Run until interrupted. The base URL is the first line on stdout; everything else goes to stderr."""
    log = _Log(stderr)
    app = MockApp(config)
    try:
        server = _bind(config, app, log)
    except CliError:
        app.close()
        raise
    bind_host = config.host.strip("[]")
    try:
        port = int(server.server_address[1])
        stdout.write(base_url(bind_host, port) + "\n")
        stdout.flush()
        if not is_loopback(bind_host):
            log.line(
                f"cjerr mock: warning: listening on {config.host}, not loopback: other machines can reach this "
                "mock and get tokens from it"
            )
        for warning in config.warnings:
            log.line(f"cjerr mock: warning: {warning}")
        log.line(summary(config))
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        app.close()
        log.line("cjerr mock: stopped")


class _Discard:
    """A text stream that keeps nothing: the default log of an in-process mock."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


class RunningMock:
    """A mock serving in a background thread of this process (see ``start`` and ``running``)."""

    def __init__(self, app: MockApp, server: MockServer, thread: threading.Thread) -> None:
        self.app = app
        self._server = server
        self._thread = thread
        host = app.config.host.strip("[]")
        self.url = base_url(host, int(server.server_address[1]))
        self.admin_url = self.url.removesuffix(API_PREFIX) + ADMIN_PREFIX.rstrip("/")

    def requests(self, path: str | None = None, method: str | None = None) -> list[dict[str, Any]]:
        """The journal, oldest first (what ``GET /__cjerr/requests`` answers), optionally for one path."""
        return self.app.journal.entries(path, method)

    def count(self, path: str, method: str | None = None) -> int:
        return len(self.requests(path, method))

    def min_gap(self, path: str | None = None) -> float | None:
        """The shortest time in seconds between two journaled requests (to that path), None below two."""
        moments = sorted(float(entry["at"]) for entry in self.requests(path))
        if len(moments) < 2:
            return None
        return min(later - earlier for earlier, later in zip(moments, moments[1:], strict=False))

    def clear_requests(self) -> int:
        return self.app.journal.clear()

    def reset(self) -> None:
        self.app.reset()

    def add_rule(self, **rule: Any) -> None:
        """Add one rule at run time, in the rules-file form: ``add_rule(fault="1600200", count=2)``."""
        from cj_errors.mock.rules import rule_from_mapping

        self.app.rules.add([rule_from_mapping(rule, "add_rule")])

    def clear_rules(self) -> int:
        return self.app.rules.remove()

    def state(self) -> dict[str, Any]:
        from cj_errors.mock.admin import state

        return state(self.app)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self.app.close()


def start(*, log: TextIO | None = None, **options: Any) -> RunningMock:
    """Start a mock on a free port (unless ``port`` is given) in a daemon thread; ``close()`` stops it.

    ``options`` are ``build_config``'s keywords: ``qps=0``, ``fail=["1600200:0.5"]``, ``balance=50``,
    ``token_ttl=2``, ``state_file=...``. A bad option raises ``CliError``.
    """
    options.setdefault("port", 0)
    config = build_config(**options)
    app = MockApp(config)
    try:
        server = _bind(config, app, _Log(log if log is not None else cast(TextIO, _Discard())))
    except CliError:
        app.close()
        raise
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.name = f"cjerr-mock-{server.server_address[1]}"
    thread.start()
    return RunningMock(app, server, thread)


@contextlib.contextmanager
def running(**options: Any) -> Iterator[str]:
    """``with running(qps=0) as base_url:`` a real mock for the block, on a free port, then stopped.

    Use ``start`` instead to read the journal from Python (``start(...).requests()``).
    """
    mock = start(**options)
    try:
        yield mock.url
    finally:
        mock.close()


__all__ = ["MockServer", "RunningMock", "base_url", "running", "serve", "start", "summary"]
