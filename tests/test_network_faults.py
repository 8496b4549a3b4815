"""probe against deliberately broken servers on 127.0.0.1: every fault ends fast, clearly, with the contract's code.

Each server is started by the test (see tests/hostile_servers.py) and stopped
when it ends; every run has a subprocess timeout, and the timing assertions
prove the time limits hold rather than merely that the run finished.
"""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from cj_errors.base.exits import ExitStatus
from cj_errors.requests import probe as probe_module
from cj_errors.requests import transport
from tests.hostile_servers import (
    TOKEN,
    Connection,
    Handler,
    Ran,
    RawServer,
    announces_two_gigabytes,
    answers,
    assert_fails_with_one_line,
    assert_no_leak,
    closes_mid_body,
    endless_body,
    endless_headers,
    garbage_status_line,
    interrupt,
    never_answers,
    popen_cjerr,
    run_cjerr,
    trickles_body,
    wait_until_blocked_reading,
)
from tests.in_process import call_cjerr

ENV = {"CJ_ACCESS_TOKEN": TOKEN}
# Starting the interpreter and importing cjerr takes about half a second on a quiet machine, several seconds on
# a loaded one (the suite itself runs three workers per core). Each bound below allows for the startup that a
# dry run of the same command measures just before, so it stays a bound on cjerr's waiting, not on the machine.
# Most probes here run cjerr's entry point in the test process (tests/in_process.py), where the dry run
# measures only the command's own setup; the first test keeps a real process, startup and all.
QUIET_STARTUP = 2.5
DRY_RUN = ("probe", "/product/query", "-p", "pid=1", "--dry-run")


def startup_allowance(home: Path, *, real: bool = False) -> float:
    """Twice what starting the same probe without sending takes now, and never less than QUIET_STARTUP."""
    dry = run_cjerr(*DRY_RUN, home=home, env=ENV, timeout=60) if real else call_cjerr(*DRY_RUN, home=home, env=ENV)
    return max(QUIET_STARTUP, 2 * dry.elapsed)


def probe(server: RawServer, home: Path, *extra: str, real: bool = False) -> Ran:
    args = ("probe", "/product/query", "-p", "pid=1", "--base-url", server.base_url, *extra)
    return run_cjerr(*args, home=home, env=ENV, timeout=60) if real else call_cjerr(*args, home=home, env=ENV)


def failed_cleanly(ran: Ran, status: ExitStatus, *said: str) -> str:
    line = assert_fails_with_one_line(ran, status)
    assert line.startswith("cjerr: no response: "), ran.describe()
    for words in said:
        assert words in line, ran.describe()
    assert_no_leak(ran)
    return line


def test_server_that_never_answers_times_out_quickly(tmp_path: Path) -> None:
    startup = startup_allowance(tmp_path, real=True)
    with RawServer(never_answers) as server:
        ran = probe(server, tmp_path, "--timeout", "1", "--retries", "0", real=True)
        assert server.request_seen.is_set()
    failed_cleanly(ran, ExitStatus.TEMPORARY, "read timeout")
    assert ran.elapsed < 1 + startup


def test_never_answering_with_default_retries_still_ends_in_bounded_time(tmp_path: Path) -> None:
    startup = startup_allowance(tmp_path)
    with RawServer(never_answers) as server:
        ran = probe(server, tmp_path, "--timeout", "1")
        assert len(server.requests) == 3  # the first try and the two default retries
    assert ran.returncode == ExitStatus.TEMPORARY, ran.describe()
    lines = ran.stderr_lines()
    assert len(lines) == 3 and all(line.startswith("cjerr: ") for line in lines), ran.describe()
    assert "retrying" in lines[0] and lines[-1].startswith("cjerr: no response: ")
    # 3 tries of 1 s plus the 0.5 s and 1 s backoff between them.
    assert ran.elapsed < 3 * 1 + 1.5 + startup


def test_trickling_body_is_cut_off_by_the_total_time_limit(tmp_path: Path) -> None:
    startup = startup_allowance(tmp_path)
    timeout = 2.0
    with RawServer(trickles_body) as server:
        ran = probe(server, tmp_path, "--timeout", str(timeout), "--retries", "0")
    failed_cleanly(ran, ExitStatus.TEMPORARY, "still arriving")
    # A byte every second never trips the 2 s read timeout; the total limit (2x) must, within a byte's wait.
    assert ran.elapsed < 2 * timeout + 1 + startup


def test_connection_closed_mid_body_is_a_network_failure(tmp_path: Path) -> None:
    startup = startup_allowance(tmp_path)
    with RawServer(closes_mid_body) as server:
        ran = probe(server, tmp_path, "--retries", "0", "--timeout", "5")
    failed_cleanly(ran, ExitStatus.NETWORK, "connection broke off", "expected 1000")
    assert ran.elapsed < 3 + startup


def test_two_gigabyte_content_length_is_refused_before_reading(tmp_path: Path) -> None:
    startup = startup_allowance(tmp_path)
    with RawServer(announces_two_gigabytes) as server:
        ran = probe(server, tmp_path, "--timeout", "20")
    failed_cleanly(ran, ExitStatus.NETWORK, "2,147,483,648-byte body", "--max-body")
    # Not retried (more of the same would not help) and not read: the server never sends the body.
    assert ran.elapsed < 1 + startup


def test_endless_body_without_length_stops_at_the_size_limit(tmp_path: Path) -> None:
    startup = startup_allowance(tmp_path)
    with RawServer(endless_body) as server:
        ran = probe(server, tmp_path, "--max-body", "65536", "--timeout", "20")
    failed_cleanly(ran, ExitStatus.NETWORK, "65,536-byte limit")
    assert ran.elapsed < 3 + startup


@pytest.mark.parametrize(
    ("handler", "said"),
    [(garbage_status_line, "illegal status line"), (endless_headers, "Receive buffer too long")],
    ids=["garbage-status", "endless-headers"],
)
def test_malformed_responses_are_network_failures(tmp_path: Path, handler: Handler, said: str) -> None:
    startup = startup_allowance(tmp_path)
    with RawServer(handler) as server:
        ran = probe(server, tmp_path, "--retries", "0", "--timeout", "5")
    failed_cleanly(ran, ExitStatus.NETWORK, "connection broke off", said)
    assert "\x1b" not in ran.out + ran.err  # the server's escape codes are shown escaped, never sent to the terminal
    assert ran.elapsed < 3 + startup


@pytest.mark.parametrize("retry_after", [b"\xb2", b"\xd9\xa3", b"-5", b"1e9", b"NaN"])
def test_hostile_retry_after_header_is_ignored_or_capped(tmp_path: Path, retry_after: bytes) -> None:
    startup = startup_allowance(tmp_path)
    # b"\xb2" arrives as "²", which passes str.isdigit() but not float(): it crashed with exit 70.
    body = b'{"code":1600200,"result":false,"message":"Too Many Requests"}'
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nRetry-After: " + retry_after
    reply = head + b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body

    def handler(connection: Connection) -> None:
        connection.read_head()
        connection.send(reply)

    with RawServer(handler) as server:
        ran = probe(server, tmp_path, "--retries", "1")
        assert len(server.requests) == 2
    assert ran.returncode == ExitStatus.TEMPORARY, ran.describe()
    assert all(line.startswith("cjerr: attempt 1 of 2") for line in ran.stderr_lines()), ran.describe()
    assert ran.elapsed < 1.5 + startup  # the 1 s that 1600200 asks for, not what the header says


def test_retry_after_is_capped_however_large() -> None:
    for value in ("9" * 5000, "99999999999", "61"):
        response = transport.RawResponse(200, "OK", (("Retry-After", value),), b"", 0.0)
        assert probe_module._retry_after(response) == 60.0


@pytest.fixture(scope="module")
def untrusted_tls() -> Iterator[RawServer]:
    """An HTTPS server whose certificate comes from a CA the client was never given."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    with RawServer(answers(200, b'{"code":200,"result":true}'), tls=context) as server:
        yield server


@pytest.mark.parametrize("flags", [[], ["--json"], ["--verbose"]], ids=["plain", "json", "verbose"])
def test_untrusted_certificate_is_refused(tmp_path: Path, untrusted_tls: RawServer, flags: list[str]) -> None:
    ran = probe(untrusted_tls, tmp_path, "--retries", "2", *flags)
    failed_cleanly(ran, ExitStatus.NETWORK, "certificate")
    assert "Traceback" not in ran.out
    if flags == ["--json"]:
        assert '"transport_error": "TLS certificate not trusted' in ran.out


def test_insecure_flag_reaches_the_same_server(tmp_path: Path, untrusted_tls: RawServer) -> None:
    # Proves the refusal above is about trust, not a broken server.
    ran = probe(untrusted_tls, tmp_path, "--insecure")
    assert ran.returncode == ExitStatus.SUCCESS, ran.describe()


def test_ctrl_c_while_probe_waits_on_a_silent_server(tmp_path: Path) -> None:
    with RawServer(never_answers) as server:
        process = popen_cjerr(
            "probe", "/product/query", "-p", "pid=1", "--base-url", server.base_url, "--timeout", "60",
            home=tmp_path, env=ENV, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert server.request_seen.wait(20), "cjerr never sent its request"
        wait_until_blocked_reading(process.pid, where="poll")
        out, err = interrupt(process)
    assert process.returncode == ExitStatus.INTERRUPTED
    text = out.decode() + err.decode()
    assert "Traceback" not in text and "Exception ignored" not in text
    assert [line for line in err.decode().splitlines() if line.strip()] == ["cjerr: interrupted"]


# --- the transport alone, in-process (no interpreter start-up to wait for) -----------------------


@pytest.mark.parametrize(
    ("handler", "kind"),
    [
        (never_answers, "timeout"),
        (trickles_body, "timeout"),
        (closes_mid_body, "dropped"),
        (announces_two_gigabytes, "too_large"),
        (endless_body, "too_large"),
        (garbage_status_line, "dropped"),
        (endless_headers, "dropped"),
    ],
)
def test_transport_turns_every_fault_into_a_transport_error(handler: Handler, kind: str) -> None:
    with RawServer(handler) as server:
        request = transport.HttpRequest("GET", server.base_url + "/product/query", (("Accept", "application/json"),))
        with pytest.raises(transport.TransportError) as failed:
            transport.send(request, transport.Timeouts(connect=2, read=1.5, total=3), max_body_bytes=65536)
    assert failed.value.kind == kind, failed.value.message


def test_a_plain_http_send_loads_no_certificates_and_https_still_verifies(monkeypatch: pytest.MonkeyPatch) -> None:
    import ssl

    from tests.cj_server import ScriptedServer

    loaded: list[object] = []
    original = ssl.SSLContext.load_verify_locations

    def counting(self: ssl.SSLContext, *args: object, **kwargs: object) -> None:
        loaded.append(args or kwargs)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    with ScriptedServer() as server:
        request = transport.HttpRequest("GET", server.base_url + "/product/query", (("Accept", "application/json"),))
        reply = transport.send(request, transport.Timeouts(connect=2, read=2, total=4))
    assert reply.status == 200 and loaded == []
    # An https:// URL still gets a verifying context (nothing listens there: the connection is refused).
    request = transport.HttpRequest("GET", "https://127.0.0.1:9/product/query", ())
    with pytest.raises(transport.TransportError):
        transport.send(request, transport.Timeouts(connect=1, read=1, total=2))
    assert loaded


def test_an_undecodable_answer_to_a_create_is_outcome_unknown(tmp_path: Path) -> None:
    """The answer came, so the create was sent; its corrupt gzip body says nothing of whether it worked."""
    reply = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: 12\r\nConnection: close\r\n\r\nnot gzip at!"
    )

    def handler(connection: Connection) -> None:
        connection.read_head()
        connection.send(reply)

    order = '{"orderNumber": "gz-1", "shippingCountryCode": "US", "logisticName": "CJPacket", "products": []}'
    with RawServer(handler) as server:
        ran = run_cjerr(
            "probe", "/shopping/order/createOrderV2", "-d", order, "--base-url", server.base_url, "--force",
            home=tmp_path, env=ENV, timeout=60,
        )  # fmt: skip
        assert len(server.requests) == 1
    assert ran.returncode == ExitStatus.OUTCOME_UNKNOWN, ran.describe()
    assert "--retry-mutating" not in ran.err
