"""cjerr's own local servers (`cjerr mock`, `cjerr webhook listen`) against a hostile local client: header and
body caps, memory measured from /proc, the admin API's Host/Origin/Content-Type rules, Content-Length together
with Transfer-Encoding, duplicate and unsigned webhook deliveries, and escape sequences in the log."""

from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cj_errors import webhooks
from tests.conftest import cjerr_executable, clean_env
from tests.test_mock import Mock, launch

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc")

OPEN_ID = "1519327408040603648"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def exchange(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    """Send ``data`` on a new connection and read until the server closes it (or ``timeout``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        try:
            connection.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading everything
        chunks: list[bytes] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = connection.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def port_of(url: str) -> int:
    return int(url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])


def padded_headers(total: int, line: int = 1000) -> bytes:
    return b"".join(b"X-Pad-%d: %s\r\n" % (number, b"a" * line) for number in range(total // line))


# --- the mock ----------------------------------------------------------------------------------------


@pytest.fixture
def mock(tmp_path: Path) -> Iterator[Mock]:
    started = launch(tmp_path, "--qps", "0")
    yield started
    started.stop()


def test_mock_caps_headers_and_bodies_and_its_journal_in_bytes(mock: Mock) -> None:
    port = port_of(mock.url)
    pid = mock.process.pid
    # over the header cap: 431, connection closed, nothing journaled
    huge = b"GET /api2.0/v1/setting/get HTTP/1.1\r\nHost: 127.0.0.1\r\n" + padded_headers(1_000_000) + b"\r\n"
    assert status_of(exchange(port, huge)) == 431
    # a declared body over the cap: 413 before reading it
    big = b"POST /api2.0/v1/shopping/order/createOrderV2 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
    assert status_of(exchange(port, big % (17 * 1024 * 1024))) == 413
    before = rss_mib(pid)
    # a bounded burst of heavy requests just under the caps: 60 KB of headers (8 KiB of them journaled) and a
    # 48 KB body each, 43 MB through; the journal keeps 16 MiB at most
    body = b"z" * 48_000
    head = b"POST /api2.0/v1/setting/get HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n" % len(body)
    request = head + padded_headers(60_000) + b"\r\n" + body
    burst, started = 400, time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        reader = connection.makefile("rb")
        for _ in range(burst):
            connection.sendall(request)
            line = reader.readline()
            assert line.startswith(b"HTTP/1.1 "), line
            length = 0
            while (header := reader.readline()) not in (b"\r\n", b""):
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":")[1])
            reader.read(length)
            assert time.monotonic() - started < 60
    grown = rss_mib(pid) - before
    read_started = time.monotonic()
    journal = mock.client.get(mock.url.removesuffix("/api2.0/v1") + "/__cjerr/requests").json()
    read_seconds = time.monotonic() - read_started
    assert 0 < journal["count"] < burst, journal["count"]  # the oldest went out by size, not by count
    assert journal["requests"][-1]["id"] == burst  # the newest are kept; the 431 and 413 were never journaled
    kept = journal["requests"][-1]["headers"]
    assert len(json.dumps(kept)) < 12_000 and "not kept" in kept["x-cjerr-journal"]
    assert grown < 80, f"the mock grew {grown:.0f} MiB for {burst} requests of 108 KB"
    assert read_seconds < 30


def _admin(port: int, method: str, name: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
    lines = [f"{method} /__cjerr/{name} HTTP/1.1", "Connection: close", f"Content-Length: {len(body)}"]
    lines += [f"{key}: {value}" for key, value in headers.items()]
    answer = exchange(port, ("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    return status_of(answer), answer.partition(b"\r\n\r\n")[2]


def test_the_admin_api_refuses_cross_site_and_rebinding_requests(mock: Mock) -> None:
    port = port_of(mock.url)
    rule = json.dumps({"fault": "1600000", "count": 1}).encode()
    local = {"Host": f"127.0.0.1:{port}"}
    # a "simple" cross-site POST: text/plain, no preflight in a browser
    status, body = _admin(port, "POST", "faults", {**local, "Content-Type": "text/plain"}, rule)
    assert status == 415 and b"application/json" in body
    status, _ = _admin(port, "POST", "faults", {**local, "Origin": "https://evil.example"}, rule)
    assert status == 403
    status, _ = _admin(port, "POST", "reset", {**local, "Origin": "null"})
    assert status == 403
    # DNS rebinding: the page's own name in Host, no Origin on a GET
    status, _ = _admin(port, "GET", "requests", {"Host": f"rebind.evil.example:{port}"})
    assert status == 403
    assert _admin(port, "GET", "faults", local)[1].count(b'"fault"') == 0  # nothing was added
    # the developer's own tools and local pages still work
    status, _ = _admin(
        port, "POST", "faults", {**local, "Content-Type": "application/json", "Origin": "http://localhost:3000"}, rule
    )
    assert status == 200
    assert _admin(port, "POST", "reset", {"Host": f"localhost:{port}"})[0] == 200  # no body, no type (curl -X POST)
    huge = b'{"fault": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    assert _admin(port, "POST", "faults", {**local, "Content-Type": "application/json"}, huge)[0] == 413
    assert _admin(port, "GET", "state", {"Host": f"[::1]:{port}"})[0] == 200


def test_content_length_with_transfer_encoding_is_refused(mock: Mock) -> None:
    port = port_of(mock.url)
    smuggled = b"POST /__cjerr/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
    chunk = b"0\r\n\r\n" + smuggled
    request = (
        b"POST /api2.0/v1/authentication/getAccessToken HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(chunk)
    ) + chunk
    answer = exchange(port, request)
    assert status_of(answer) == 400 and answer.count(b"HTTP/1.1 ") == 1, answer
    two = b"GET /api2.0/v1/setting/get HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n"
    assert status_of(exchange(port, two)) == 400


def test_escape_sequences_in_paths_never_reach_the_log(mock: Mock) -> None:
    port = port_of(mock.url)
    osc52 = b"/api2.0/v1/\x1b]52;c;ZXZpbA==\x07x"
    csi = b"/api2.0/v1/\x9b31mred"
    for target in (osc52, csi):
        exchange(port, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    exchange(port, b"GET /\x1b[2J HTTP/1.1 junk\r\n\r\n")  # a bad request line, logged by the standard library
    log = mock.log_after("\\x9b31mred")
    raw = mock.stderr_path.read_bytes()
    assert b"\x1b" not in raw and b"\x9b" not in raw and b"\x07" not in raw
    assert "\\x1b]52;c;" in log and "\\x9b31mred" in log


# --- webhook listen ----------------------------------------------------------------------------------


class Listener:
    """A `cjerr webhook listen` process whose stdout is drained by a thread (a line holds the message)."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.process, self.port = _listen(tmp_path, *args)
        self.lines: list[str] = []
        assert self.process.stdout is not None
        stdout = self.process.stdout
        self._reader = threading.Thread(target=lambda: self.lines.extend(stdout), daemon=True)
        self._reader.start()

    def wait(self, timeout: float = 30) -> list[dict[str, object]]:
        self.process.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        return [json.loads(line) for line in self.lines]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def _listen(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [cjerr_executable(), "webhook", "listen", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(tmp_path, {"CJ_OPEN_ID": OPEN_ID}),
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    return process, port_of(url)


def _delivery(port: int, body: bytes, headers: list[tuple[str, str]]) -> bytes:
    head = [
        "POST /cj HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        "Connection: close",
    ]
    head += [f"{name}: {value}" for name, value in headers]
    if not any(name.lower() in ("content-length", "transfer-encoding") for name, _ in headers):
        head.append(f"Content-Length: {len(body)}")
    return exchange(port, ("\r\n".join(head) + "\r\n\r\n").encode() + body)


def test_listen_refuses_unsigned_forged_doubled_and_smuggled_deliveries_and_dedupes(tmp_path: Path) -> None:
    listener = Listener(tmp_path, "--json", "--dedupe", "--count", "7")
    port = listener.port
    try:
        headers = b"POST /cj HTTP/1.1\r\nHost: 127.0.0.1\r\n" + padded_headers(200_000) + b"\r\n"
        assert status_of(exchange(port, headers)) == 431  # answered by the standard library, not a message
        message = webhooks.sample_message("ORDER", "UPDATE", open_id=OPEN_ID)
        body = webhooks.encode(message)
        good = webhooks.sign(body, OPEN_ID)
        assert status_of(_delivery(port, body, [("sign", good)])) == 200
        retried = _delivery(port, body, [("sign", good)])  # CJ retries: acknowledged, marked a duplicate
        assert status_of(retried) == 200 and b'"duplicate": true' in retried
        assert status_of(_delivery(port, body, [])) == 401
        assert status_of(_delivery(port, body, [("sign", "AAAA" + good[4:])])) == 401
        assert status_of(_delivery(port, body, [("sign", good), ("sign", "forged")])) == 400
        both = [("Content-Length", str(len(body))), ("Transfer-Encoding", "chunked"), ("sign", good)]
        assert status_of(_delivery(port, body, both)) == 400
        rebound = exchange(
            port,
            b"POST /cj HTTP/1.1\r\nHost: rebind.evil.example\r\nContent-Length: %d\r\nsign: %s\r\n\r\n%s"
            % (len(body), good.encode(), body),
        )
        assert status_of(rebound) == 403
        records = listener.wait()
    finally:
        listener.stop()
    assert [record["answered"] for record in records] == [200, 200, 401, 401, 400, 400, 403]
    assert [record["duplicate"] for record in records[:2]] == [False, True]
    assert [record["signature"] for record in records[2:4]] == ["missing", "invalid"]
    assert listener.process.returncode == 1  # the refused deliveries are problems


def test_listen_without_count_keeps_no_messages(tmp_path: Path) -> None:
    listener = Listener(tmp_path)
    port = listener.port
    try:
        pad = "x" * 900_000
        message = webhooks.sample_message("ORDER", "UPDATE", open_id=OPEN_ID)
        body = webhooks.encode(message)
        _delivery(port, body, [("sign", webhooks.sign(body, OPEN_ID))])
        before = rss_mib(listener.process.pid)
        started = time.monotonic()
        for number in range(40):  # 36 MB of messages
            message = webhooks.sample_message("ORDER", "UPDATE", open_id=OPEN_ID)
            message["params"]["note"] = pad + str(number)
            body = webhooks.encode(message)
            assert status_of(_delivery(port, body, [("sign", webhooks.sign(body, OPEN_ID))])) == 200
            assert time.monotonic() - started < 60
        grown = rss_mib(listener.process.pid) - before
    finally:
        listener.stop()
    assert grown < 20, f"webhook listen grew {grown:.0f} MiB over 40 messages of 0.9 MB"


def test_listen_escapes_what_the_network_sent_in_its_lines(tmp_path: Path) -> None:
    listener = Listener(tmp_path, "--count", "1")
    try:
        exchange(
            listener.port,
            b"GET /\x1b]52;c;ZXZpbA==\x07\x9b31m HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        )
        listener.process.wait(timeout=30)
        listener._reader.join(timeout=30)
    finally:
        listener.stop()
    (line,) = listener.lines
    assert "\x1b" not in line and "\x9b" not in line and "\\x1b]52;c;" in line
