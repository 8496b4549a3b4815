"""Helpers for the hostile-input suites: deliberately broken servers and a strict process runner.

Every server listens on 127.0.0.1 only, serves each connection on a daemon
thread, and is bounded: handlers wait on a stop event instead of sleeping
blindly, and leaving the ``with`` block closes every socket. Handlers never
raise (pytest turns a thread exception into an error).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import cjerr_executable, clean_env

# --- the secret sentinels -------------------------------------------------------------

TOKEN = "API@CJ999@CJ:eyJhbGciOiJIUzI1NiJ9.SENTINEL-TOKEN-7f3a.sig"
API_KEY = "CJ999@api@SENTINELKEY0123456789abcdef0123"
# For `cjerr auth`: an API key of the shape login accepts, and the refresh token a server hands out.
SHAPED_API_KEY = "CJ999@api@5e471e1ce0de4a11beefcafe00c0ffee"
REFRESH_TOKEN = "API@CJ999@CJ:eyJhbGciOiJIUzI1NiJ9.SENTINEL-REFRESH-9c2d.sig"
SENTINELS = (TOKEN, API_KEY, SHAPED_API_KEY, REFRESH_TOKEN)
_WINDOW = 12


def _windows(secret: str) -> frozenset[str]:
    return frozenset(secret[start : start + _WINDOW] for start in range(len(secret) - _WINDOW + 1))


_SECRET_WINDOWS = frozenset().union(*(_windows(secret) for secret in SENTINELS))


def leaked(output: bytes | str) -> list[str]:
    """Every 12-character piece of a sentinel found in ``output`` (empty when nothing leaked)."""
    text = output.decode("utf-8", errors="replace") if isinstance(output, bytes) else output
    return sorted(window for window in _SECRET_WINDOWS if window in text)


# --- running cjerr as a real process ----------------------------------------------------


@dataclass(frozen=True)
class Ran:
    args: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes
    elapsed: float

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", errors="replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", errors="replace")

    def stderr_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    def describe(self) -> str:
        return f"cjerr {self.args!r} -> {self.returncode}\nstdout: {self.out[-1500:]!r}\nstderr: {self.err[-1500:]!r}"


def run_cjerr(
    *args: str | bytes,
    home: Path,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
    stdin_file: Path | None = None,
) -> Ran:
    """Run the installed cjerr; arguments may be bytes (argv that is not UTF-8)."""
    argv: list[str | bytes] = [cjerr_executable(), *args]
    started = time.monotonic()
    if stdin_file is not None:
        with stdin_file.open("rb") as handle:
            result = subprocess.run(argv, stdin=handle, capture_output=True, env=clean_env(home, env), timeout=timeout)
    else:
        result = subprocess.run(
            argv,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            env=clean_env(home, env),
            timeout=timeout,
        )
    shown = tuple(arg if isinstance(arg, str) else arg.decode("utf-8", "backslashreplace") for arg in args)
    return Ran(shown, result.returncode, result.stdout, result.stderr, time.monotonic() - started)


def assert_clean(ran: Ran, expected: int | Iterable[int]) -> None:
    """The exit code is one of ``expected``; no traceback; stderr holds at most one line, 'cjerr: ...'.

    ``probe --curl`` is the one exception: stdout holds the command, so its findings go to stderr.
    """
    allowed = {expected} if isinstance(expected, int) else set(expected)
    assert ran.returncode in allowed, ran.describe()
    for stream in (ran.out, ran.err):
        assert "Traceback" not in stream, ran.describe()
        assert "Exception ignored" not in stream, ran.describe()
    if "--curl" in ran.args:
        return
    lines = ran.stderr_lines()
    assert len(lines) <= 1, ran.describe()
    assert all(line.startswith("cjerr: ") for line in lines), ran.describe()


def assert_fails_with_one_line(ran: Ran, expected: int) -> str:
    """A failure: exactly one non-empty stderr line starting with 'cjerr: '; returns that line."""
    assert_clean(ran, expected)
    lines = ran.stderr_lines()
    assert len(lines) == 1, ran.describe()
    return lines[0]


def assert_no_leak(ran: Ran) -> None:
    found = leaked(ran.stdout) + leaked(ran.stderr)
    assert not found, f"secret pieces {found} leaked\n{ran.describe()}"


def peak_rss_kib(argv: Sequence[str], stdin_path: Path, env: Mapping[str, str], timeout: float) -> tuple[int, int]:
    """(exit code, peak resident set in KiB) of ``argv``, measured by a fresh helper process.

    The helper's only child is ``argv``, so RUSAGE_CHILDREN.ru_maxrss is exactly its peak.
    """
    helper = (
        "import resource, subprocess, sys\n"
        "with open(sys.argv[1], 'rb') as stdin:\n"
        "    code = subprocess.run(sys.argv[2:], stdin=stdin, stdout=subprocess.DEVNULL).returncode\n"
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", helper, str(stdin_path), *argv],
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    code, rss = result.stdout.split()
    return int(code), int(rss)


def wait_until_blocked_reading(pid: int, timeout: float = 15, where: str = "pipe_read") -> None:
    """Wait until the process sleeps in the kernel at ``where`` (a pipe read; "poll" for a socket wait).

    Sending SIGINT only then matters: CPython checks for signals before it enters a
    blocking call, so a signal that lands in the microseconds between that check and
    the call is only noticed when the call returns (after the read timeout). A person
    pressing Ctrl-C essentially never hits that window; a test that signals the moment
    the server sees the request hits it about once in 40 runs.
    """
    deadline = time.monotonic() + timeout
    wchan = Path(f"/proc/{pid}/wchan")
    while time.monotonic() < deadline:
        try:
            if where in wchan.read_text():
                time.sleep(0.05)
                return
        except OSError:
            break
        time.sleep(0.02)
    time.sleep(1.5)  # no /proc (or an unusual kernel): give the imports time instead


def interrupt(process: subprocess.Popen[bytes], timeout: float = 15) -> tuple[bytes, bytes]:
    process.send_signal(signal.SIGINT)
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        where = _kernel_wait(process.pid)
        process.kill()
        out, err = process.communicate()
        raise AssertionError(
            f"still running {timeout} s after SIGINT (in {where}); stdout={out!r} stderr={err!r}"
        ) from None


def _kernel_wait(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/wchan").read_text() + " / " + Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return "unknown"


def popen_cjerr(
    *args: str, home: Path, env: Mapping[str, str] | None = None, **kwargs: object
) -> subprocess.Popen[bytes]:
    return subprocess.Popen([cjerr_executable(), *args], env=clean_env(home, env), **kwargs)  # type: ignore[call-overload]


def closed_pipe() -> int:
    """The write end of a pipe whose read end is already closed: every write gets EPIPE."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return write_end


# --- broken servers ---------------------------------------------------------------------

Handler = Callable[["Connection"], None]


class Connection:
    """One accepted client, with bounded helpers for the handlers."""

    def __init__(self, sock: socket.socket, server: RawServer) -> None:
        self.sock = sock
        self.server = server

    def read_head(self, limit: int = 256 * 1024) -> bytes:
        """The request line and headers (and whatever body bytes came with them)."""
        data = b""
        self.sock.settimeout(10)
        while b"\r\n\r\n" not in data and len(data) < limit:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            data += chunk
        self.server.requests.append(data)
        self.server.request_seen.set()
        return data

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def wait(self, seconds: float) -> bool:
        """Sleep unless the server is stopping; False when it is."""
        return not self.server.stopping.wait(seconds)


class RawServer:
    """A TCP (optionally TLS) server on 127.0.0.1 that runs ``handler`` per connection."""

    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.requests: list[bytes] = []
        self.request_seen = threading.Event()
        self.stopping = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    @property
    def base_url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}/api2.0/v1"

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            with self._lock:
                self._threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket) -> None:
        sock: socket.socket = client
        try:
            if self.tls is not None:
                client.settimeout(10)
                sock = self.tls.wrap_socket(client, server_side=True)
            with self._lock:
                self._sockets.append(sock)
            self.handler(Connection(sock, self))
        except (OSError, ssl.SSLError, ValueError):
            pass  # the client gave up or was refused: that is what these servers are for
        finally:
            _close(sock)
            if sock is not client:
                _close(client)

    def __enter__(self) -> RawServer:
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._threads.append(thread)
        thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        _close(self._listener)
        with self._lock:
            sockets, threads = list(self._sockets), list(self._threads)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(timeout=5)


def _close(sock: socket.socket) -> None:
    try:
        sock.close()
    except OSError:
        pass


def http_response(status: int, body: bytes, headers: Mapping[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {"Content-Type": "application/json"}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# Handlers. Each reads the request first, so the client is known to be waiting for the answer.


def never_answers(connection: Connection) -> None:
    connection.read_head()
    connection.wait(60)


def trickles_body(connection: Connection) -> None:
    """Headers at once, then the body one byte a second, for far longer than any timeout."""
    connection.read_head()
    connection.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    for _ in range(120):
        if not connection.wait(1.0):
            return
        connection.send(b" ")


def closes_mid_body(connection: Connection) -> None:
    connection.read_head()
    connection.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    connection.send(b'{"code": 200, "result": true, "data": [1, 2, ')


def announces_two_gigabytes(connection: Connection) -> None:
    connection.read_head()
    connection.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n")
    connection.send(b'{"code": 200, "data": "')
    connection.wait(30)  # would take minutes to fill; the client must not wait for it


def endless_body(connection: Connection) -> None:
    """No Content-Length: the body ends at close, which never comes; only the size limit stops it."""
    connection.read_head()
    connection.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    chunk = b"x" * 65536
    for _ in range(4096):  # at most 256 MiB, and only while the client keeps reading
        if connection.server.stopping.is_set():
            return
        connection.send(chunk)


def garbage_status_line(connection: Connection) -> None:
    connection.read_head()
    connection.send(b"HELLO \x1b[2J THERE\r\n\r\n")


def endless_headers(connection: Connection) -> None:
    connection.read_head()
    connection.send(b"HTTP/1.1 200 OK\r\n")
    for _ in range(10_000):
        if connection.server.stopping.is_set():
            return
        connection.send(b"X-Filler: " + b"a" * 1000 + b"\r\n")


def answers(status: int, body: bytes, headers: Mapping[str, str] | None = None) -> Handler:
    def handler(connection: Connection) -> None:
        connection.read_head()
        connection.send(http_response(status, body, headers))

    return handler


def echoes_token(connection: Connection) -> None:
    """A getAccessToken-style answer that also echoes the request (token included) everywhere it can."""
    head = connection.read_head().decode("latin-1")
    token = next(
        (line.split(":", 1)[1].strip() for line in head.split("\r\n") if line.lower().startswith("cj-access-token:")),
        TOKEN,
    )
    body = json.dumps(
        {
            "code": 1600001,
            "result": False,
            "message": f"Invalid token {token} (key {API_KEY})",
            "requestId": f"req-{token}",
            "data": {
                "accessToken": token,
                "refreshToken": token[::-1] + API_KEY,
                "echo": head,
                "nested": [{"token": token, "note": f"you sent {token}"}],
            },
        }
    ).encode()
    headers = {"Content-Type": "application/json", "X-Echo-Token": token, "Set-Cookie": f"session={token}"}
    connection.send(http_response(200, body, headers))


def echoes_token_as_text(connection: Connection) -> None:
    """A non-JSON error page with the token spread across it, one copy straddling the 2,000-character cut."""
    connection.read_head()
    filler = "x" * (2000 - 20)
    page = f"<html>{filler}{TOKEN} key={API_KEY} again {TOKEN}</html>".encode()
    connection.send(http_response(502, page, {"Content-Type": "text/html", "Location": f"https://x/?t={TOKEN}"}))


def read_request(connection: Connection) -> tuple[str, str, bytes]:
    """(request line, headers, body): the body as long as Content-Length says (bounded)."""
    data = connection.read_head()
    head, _, body = data.partition(b"\r\n\r\n")
    text = head.decode("latin-1")
    length = next(
        (int(line.split(":", 1)[1]) for line in text.split("\r\n") if line.lower().startswith("content-length:")), 0
    )
    while len(body) < min(length, 1024 * 1024):
        chunk = connection.sock.recv(65536)
        if not chunk:
            break
        body += chunk
    request_line, _, headers = text.partition("\r\n")
    return request_line, headers, body


def issues_sentinel_tokens(connection: Connection) -> None:
    """A CJ stand-in for `cjerr auth` that hands out the sentinel tokens and echoes every secret it gets."""
    request_line, headers, body = read_request(connection)
    sent = body.decode("utf-8", "replace")
    token = next(
        (
            line.split(":", 1)[1].strip()
            for line in headers.split("\r\n")
            if line.lower().startswith("cj-access-token:")
        ),
        "",
    )
    if "getAccessToken" in request_line or "refreshAccessToken" in request_line:
        document: dict[str, object] = {
            "code": 200,
            "result": True,
            "message": f"Success for {sent}",
            "requestId": f"req-{TOKEN}",
            "data": {
                "openId": 33689,
                "accessToken": TOKEN,
                "accessTokenExpiryDate": "2099-01-01T00:00:00+08:00",
                "refreshToken": REFRESH_TOKEN,
                "refreshTokenExpiryDate": "2099-06-01T00:00:00+08:00",
                "createDate": "2026-01-01T00:00:00+08:00",
            },
        }
    elif "setting/get" in request_line:
        document = {
            "code": 200,
            "result": True,
            "message": f"hello {token}",
            "data": {"openId": 33689, "setting": {"qpsLimit": 1, "quotaLimits": [{"quotaUrl": token}]}},
        }
    else:
        document = {"code": 1600001, "result": False, "message": f"Invalid token {token} {REFRESH_TOKEN} {sent}"}
    connection.send(
        http_response(
            200, json.dumps(document).encode(), {"Content-Type": "application/json", "X-Echo": token or TOKEN}
        )
    )


def rejects_key_with_echo(connection: Connection) -> None:
    """getAccessToken answered 1600005, with the key it got quoted in the message and in data."""
    _, _, body = read_request(connection)
    sent = body.decode("utf-8", "replace")
    document = {"code": 1600005, "result": False, "message": f"APIkey is wrong: {sent}", "data": {"apiKey": sent}}
    connection.send(http_response(200, json.dumps(document).encode()))
