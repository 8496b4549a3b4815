"""Everyday friction a new user met (issue 28): each through cjerr's entry point, against a live mock on
127.0.0.1 (started on port 0 in a thread), a real cjerr process where the exit code or a listener is the
subject, or in a pty for what a terminal shows."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cj_errors.base.exits import ExitStatus
from tests.conftest import Runner, cjerr_executable, clean_env
from tests.in_process import ThreadMock
from tests.test_auth import API_KEY, edit_store, past
from tests.test_mock import PID, TOKEN, VID

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes and ptys")


@pytest.fixture
def mock(tmp_path: Path) -> Iterator[ThreadMock]:
    """`cjerr mock --qps 0 --accept-any-key` in a thread of the test process (tests/in_process.py)."""
    running = ThreadMock(tmp_path, token=TOKEN, qps=0, accept_any_key=True)
    yield running
    running.stop()


@pytest.fixture
def logged_in(run_here: Runner, mock: ThreadMock, tmp_path: Path) -> ThreadMock:
    """`cjerr auth login --base-url <the mock>`: the mock answers with a token pair and an openId."""
    key = tmp_path / "api-key"
    key.write_text(API_KEY + "\n")
    result = run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key))
    assert result.returncode == 0, result.stdout + result.stderr
    return mock


def _listen(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [cjerr_executable(), "webhook", "listen", "--port", "0", "--count", "1", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(tmp_path, env),
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    return process, url


def _received(run: Runner, tmp_path: Path, *listen_args: str, send_env: dict[str, str]) -> tuple[int, str, str]:
    process, url = _listen(tmp_path, *listen_args)
    try:
        sent = run("webhook", "send", "ORDER", "--to", url, env=send_env, timeout=30)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert sent.returncode == 0, sent.stdout + sent.stderr
    return process.returncode, out, err


# --- webhook listen: 0 means validly signed -------------------------------------------------------


def test_listen_without_an_open_id_does_not_exit_0(run: Runner, tmp_path: Path) -> None:
    status, out, err = _received(run, tmp_path, send_env={"CJ_OPEN_ID": "33689"})
    assert "sign not checked" in out
    assert status == 1
    assert "1 message arrived with the signature not checked" in err and "--no-verify" in err


def test_listen_with_no_verify_exits_0_for_an_unchecked_message(run_here: Runner, tmp_path: Path) -> None:
    status, out, err = _received(run_here, tmp_path, "--no-verify", send_env={"CJ_OPEN_ID": "33689"})
    assert status == 0, err
    assert "sign not checked" in out and "(--no-verify)" in err


def test_no_verify_and_an_open_id_file_is_a_usage_error(run_here: Runner, tmp_path: Path) -> None:
    key = tmp_path / "open-id"
    key.write_text("33689\n")
    result = run_here("webhook", "listen", "--port", "0", "--no-verify", "--open-id-file", str(key))
    assert result.returncode == ExitStatus.USAGE and "--no-verify" in result.stderr


# --- the stored login: token, openId, base URL ------------------------------------------------------


def test_auth_token_prints_the_stored_token_for_a_script(run: Runner, logged_in: ThreadMock, tmp_path: Path) -> None:
    result = run("auth", "token")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert result.stdout.count("\n") == 1 and len(token) > 20 and "*" not in token
    stored = json.loads((tmp_path / ".config" / "cjerr" / "credentials.json").read_text())
    assert token == stored["logins"][logged_in.url]["secrets"]["access_token"]
    # The token it printed is the one CJ (here the mock) accepts.
    answer = logged_in.get("/setting/get", token=token).json()
    assert answer["code"] == 200
    open_id = run("auth", "token", "--open-id")
    assert open_id.returncode == 0 and open_id.stdout.strip() == stored["logins"][logged_in.url]["secrets"]["open_id"]


def test_auth_token_refuses_an_expired_token_and_a_missing_login(
    run_here: Runner, logged_in: ThreadMock, tmp_path: Path
) -> None:
    edit_store(tmp_path, lambda entry: entry.update(access_expires=past()))
    result = run_here("auth", "token")
    assert result.returncode == ExitStatus.AUTH and result.stdout == ""
    assert "has expired; run 'cjerr auth refresh' first" in result.stderr
    missing = run_here("auth", "token", "--base-url", "http://127.0.0.1:9/api2.0/v1")
    assert missing.returncode == ExitStatus.AUTH and missing.stdout == "" and "not logged in" in missing.stderr


def test_auth_status_says_what_is_usable(run_here: Runner, logged_in: ThreadMock, tmp_path: Path) -> None:
    fresh = run_here("auth", "status")
    assert fresh.returncode == 0 and fresh.stdout.startswith(f"logged in to {logged_in.url}")
    assert "'cjerr auth token --open-id' prints it" in fresh.stdout
    edit_store(tmp_path, lambda entry: entry.update(access_expires=past()))
    half = run_here("auth", "status")
    assert half.returncode == 0 and "the access token has expired, the refresh token is usable" in half.stdout
    edit_store(tmp_path, lambda entry: entry.update(refresh_expires=past()))
    dead = run_here("auth", "status")
    assert dead.returncode == ExitStatus.AUTH
    assert dead.stdout.startswith(f"login expired for {logged_in.url}") and "neither token is usable" in dead.stdout
    assert not dead.stdout.startswith("logged in")


def test_webhook_commands_use_the_stored_open_id(run_here: Runner, logged_in: ThreadMock, tmp_path: Path) -> None:
    open_id = run_here("auth", "token", "--open-id").stdout.strip()
    status, out, err = _received(run_here, tmp_path, send_env={"CJ_OPEN_ID": open_id})
    assert status == 0, err
    assert "sign valid" in out and "the stored login for" in err
    assert open_id not in out + err


def test_probe_uses_the_stored_logins_base_url_and_says_so(run_here: Runner, logged_in: ThreadMock) -> None:
    result = run_here("probe", "/setting/get")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"base URL {logged_in.url}: the stored login's" in result.stderr
    assert "/setting/get" in logged_in.log_after("/setting/get")
    # --base-url still chooses, without the note (and without the login's token: it stays with its host).
    chosen = run_here("probe", "--dry-run", "--base-url", "http://127.0.0.1:9/api2.0/v1", "/setting/get")
    assert chosen.returncode == ExitStatus.INVALID_INPUT and "stored login's" not in chosen.stderr
    assert re.search(r"127\.0\.0\.1:9/", chosen.stdout)


# --- probe: listV2's documented ranges --------------------------------------------------------------


def test_probe_checks_listv2_page_and_size_ranges(run_here: Runner, mock: ThreadMock, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("any-token\n")
    base = ("--base-url", mock.url, "--token-file", str(token))
    for param, problem in (("page=0", "at least 1"), ("page=1001", "at most 1000"), ("size=101", "at most 100")):
        result = run_here("probe", *base, "/product/listV2", "-p", "keyWord=lamp", "-p", param)
        assert result.returncode == ExitStatus.INVALID_INPUT, result.stdout
        name = param.split("=")[0]
        assert f"{name} is {param.split('=')[1]}; CJ's docs allow {problem}" in result.stdout
    assert "/product/listV2" not in mock.stderr  # nothing was sent
    edges = run_here("probe", *base, "--dry-run", "/product/listV2", "-p", "page=1000", "-p", "size=100")
    assert edges.returncode == 0 and "CJ's docs allow" not in edges.stdout


# --- lookup --brief ---------------------------------------------------------------------------------


def test_lookup_brief_is_one_line_per_code(run_here: Runner) -> None:
    result = run_here("lookup", "--brief", "1600200", "1600001", "16002", "9999999")
    assert result.returncode == ExitStatus.NOT_FOUND
    lines = result.stdout.splitlines()
    assert lines[0].startswith("1600200  Rate limit hit") and "temporary (exit 75)" in lines[0]
    assert "retry after at least 1 s" in lines[0]
    assert lines[1].startswith("1600001  ") and "auth (exit 77)" in lines[1]
    assert sum(line.startswith("1600200 ") for line in lines) == 1  # the prefix 16002 reaches it again: once
    assert lines[-1] == "9999999  not in cjerr's code table"
    both = run_here("lookup", "--brief", "--json", "200")
    assert both.returncode == ExitStatus.USAGE


# --- explain --summary ------------------------------------------------------------------------------

SUCCESS_BODY = '{"code": 200, "result": true, "message": "Success", "data": null, "requestId": "r1"}'


def test_explain_summary_for_one_response_and_for_a_log_without_cj_lines(run_here: Runner, tmp_path: Path) -> None:
    one = run_here("explain", "--summary", "--json", "-", input=SUCCESS_BODY + "\n")
    assert one.returncode == 0
    document = json.loads(one.stdout)
    assert document["summary"]["responses"] == 1 and "explanation" not in document
    log = tmp_path / "app.log"
    log.write_text("INFO started\nINFO listening on 8080\n")
    quiet = run_here("explain", "--summary", str(log))
    assert quiet.returncode == 0 and "nothing to report" in quiet.stdout
    assert quiet.stdout.startswith("0 responses in 2 lines (2 lines without an envelope skipped)")
    assert run_here("explain", str(log)).returncode == ExitStatus.NOT_ENVELOPE  # without --summary: unchanged
    broken = tmp_path / "broken.log"
    broken.write_text('INFO ok\n{"code": 1600200, "result": false, "message": "Too much\n')
    cut = run_here("explain", "--summary", "--json", str(broken))
    assert cut.returncode == ExitStatus.NOT_ENVELOPE
    assert json.loads(cut.stdout)["summary"]["unreadable"] == 1


def test_summary_plurals(run_here: Runner) -> None:
    text = "noise\n" + SUCCESS_BODY + "\n" + SUCCESS_BODY + "\n"
    result = run_here("explain", "-", input=text)
    assert result.stdout.startswith("2 responses in 3 lines (1 line without an envelope skipped)")
    assert "1 lines" not in result.stdout


# --- --json: a document even when the run fails before any answer ----------------------------------


def test_json_failures_before_any_answer_print_one_document(run_here: Runner, tmp_path: Path) -> None:
    broken = tmp_path / "config.toml"
    broken.write_text("access_token = \n")
    cases = [
        (("explain", "--json", str(tmp_path / "missing.json")), {}, ExitStatus.NO_INPUT, "explain"),
        (("probe", "--json", "--no-such-option", "/setting/get"), {}, ExitStatus.USAGE, "probe"),
        (("probe", "--json", "/setting/get"), {"CJERR_CONFIG": str(broken)}, ExitStatus.CONFIG, "probe"),
        (("webhook", "verify", "--json", "--sign", "x", "-"), {}, ExitStatus.USAGE, "webhook verify"),
        (("lookup", "--json", ""), {}, ExitStatus.USAGE, "lookup"),
    ]
    for args, env, status, command in cases:
        result = run_here(*args, env=env, input="")
        assert result.returncode == status, (args, result.stderr)
        document = json.loads(result.stdout)
        assert document["exit_code"] == status and document["command"] == command
        assert document["error"] and result.stderr.startswith("cjerr: ") and document["error"] in result.stderr
    without = run_here("explain", str(tmp_path / "missing.json"))
    assert without.stdout == "" and without.returncode == ExitStatus.NO_INPUT


# --- a successful probe shows its result ----------------------------------------------------------


@pytest.fixture
def token_mock(tmp_path: Path) -> Iterator[tuple[ThreadMock, tuple[str, ...]]]:
    """A mock that accepts TOKEN, and the probe options that send it there."""
    token = tmp_path / "token"
    token.write_text(TOKEN + "\n")
    running = ThreadMock(tmp_path, token=TOKEN, qps=0, token_file=token)
    yield running, ("--base-url", running.url, "--token-file", str(token))
    running.stop()


def test_a_successful_probe_shows_the_order_id_and_key_fields(
    run_here: Runner, token_mock: tuple[ThreadMock, tuple[str, ...]]
) -> None:
    order = {
        "orderNumber": "friction-1", "shippingCountryCode": "US", "shippingCountry": "United States",
        "shippingProvince": "CA", "shippingCity": "LA", "shippingCustomerName": "Ada", "shippingAddress": "1 Way",
        "logisticName": "CJPacket Ordinary", "fromCountryCode": "CN", "products": [{"vid": VID, "quantity": 1}],
    }  # fmt: skip
    mock, base = token_mock
    created = run_here("probe", *base, "/shopping/order/createOrderV2", "-d", json.dumps(order))
    assert created.returncode == 0, created.stdout + created.stderr
    found = re.search(r"^  result: +orderId=(\S+)$", created.stdout, re.MULTILINE)
    assert found, created.stdout
    # The id shown is the order CJ (the mock) made: looking it up finds it, under our orderNumber.
    detail = mock.get("/shopping/order/getOrderDetail", params={"orderId": found.group(1)}).json()
    assert detail["code"] == 200 and detail["data"]["orderNum"] == "friction-1"
    assert "orderNumber=friction-1" in created.stdout
    product = run_here("probe", *base, "/product/query", "-p", f"pid={PID}")
    assert product.returncode == 0 and f"pid={PID}" in product.stdout and "--body prints the data" in product.stdout
    failed = run_here("probe", *base, "/product/query", "-p", "pid=no-such-product")
    assert failed.returncode != 0 and "result:" not in failed.stdout


# --- terminal output: Rich columns that wrap between words --------------------------------------------

_ESCAPES = re.compile(r"\x1b\[[0-9;]*m")


def on_a_terminal(tmp_path: Path, *args: str, columns: int = 80, stdin: str | None = None) -> tuple[int, str]:
    """cjerr with stdout and stderr on a pty of ``columns`` columns: (exit status, what the terminal got)."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = clean_env(tmp_path, {"TERM": "xterm", "COLUMNS": str(columns), "NO_COLOR": "1"})
    source = tmp_path / "stdin.txt"
    source.write_text(stdin or "")
    with source.open("rb") as given:
        process = subprocess.Popen(
            [cjerr_executable(), *args], env=env, stdin=given if stdin is not None else subprocess.DEVNULL,
            stdout=follower, stderr=follower,
        )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    status = process.wait(timeout=60)
    text = _ESCAPES.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r\n", "\n")
    assert "Traceback" not in text
    return status, text


def _fits_and_keeps_words(text: str, words: list[str], columns: int = 80) -> None:
    lines = text.splitlines()
    assert all(len(line) <= columns for line in lines), [line for line in lines if len(line) > columns]
    assert "\t" not in text
    shown = set(text.split())
    broken = [word for word in words if word not in shown]
    assert broken == [], broken


def test_endpoints_on_a_terminal_wrap_between_words(tmp_path: Path) -> None:
    from cj_errors.table import catalog

    status, text = on_a_terminal(tmp_path, "endpoints", "/shopping/order/createOrderV2", "--detail")
    assert status == 0
    endpoint = catalog.search("/shopping/order/createOrderV2")[0]
    words = [word for spec in endpoint.fields for word in (spec.name, *spec.note.split())]
    _fits_and_keeps_words(text, words + endpoint.note.split())
    listing_status, listing = on_a_terminal(tmp_path, "endpoints", "order")
    assert listing_status == 0
    _fits_and_keeps_words(listing, [word for item in catalog.search("order") for word in item.summary.split()])


def test_probe_findings_on_a_terminal_wrap_between_words(tmp_path: Path) -> None:
    body = {"orderNumber": "x", "shippingCountryCode": "usa", "shippingCountrey": "US", "products": []}
    status, text = on_a_terminal(
        tmp_path, "probe", "--dry-run", "/shopping/order/createOrderV2", "-d", json.dumps(body)
    )
    assert status == ExitStatus.INVALID_INPUT
    findings = text[text.index("findings:") :]
    assert "did you mean shippingCountry?" in " ".join(findings.split())
    _fits_and_keeps_words(findings, ["shippingCountrey", "shippingCountry?", "shippingCustomerName", "[16900403]"])


def test_explain_summary_on_a_terminal_keeps_columns_and_request_ids(tmp_path: Path) -> None:
    first = "0123456789abcdef0123456789abcdef"
    log = "\n".join(
        [
            "starting",
            json.dumps({"code": 1600200, "result": False, "message": "Too much request", "requestId": first}),
            json.dumps({"code": 1603001, "result": False, "message": "x", "data": None}),
        ]
    )
    status, text = on_a_terminal(tmp_path, "explain", "-", stdin=log + "\n")
    assert status == ExitStatus.API_ERROR
    assert text.startswith("2 responses in 3 lines (1 line without an envelope skipped)")
    _fits_and_keeps_words(text, [first, "[retryable]", "[not", "retryable]", "1600200", "1603001"])


def test_the_rich_explain_panel_shows_the_wait_row(tmp_path: Path) -> None:
    body = json.dumps({"code": 1600200, "result": False, "message": "Too much request, QPS limit is 1 time/1second"})
    status, text = on_a_terminal(tmp_path, "explain", "-", stdin=body)
    assert status == ExitStatus.TEMPORARY and "╭" in text  # the panel
    assert re.search(r"│ wait +1 s at least", text), text


def test_a_held_order_is_not_followed_by_an_entry_saying_nothing_failed(run_here: Runner, tmp_path: Path) -> None:
    body = json.dumps(
        {
            "code": 200, "result": True, "message": "Success", "requestId": "rq-held",
            "data": {"orderId": "SD1", "interceptOrderReasons": [{"code": 1001, "message": "phone"}]},
        }
    )  # fmt: skip
    piped = run_here("explain", "-", input=body)
    status, terminal = on_a_terminal(tmp_path, "explain", "-", stdin=body)
    for exit_status, text in ((piped.returncode, piped.stdout), (status, terminal)):
        assert exit_status == ExitStatus.API_ERROR
        assert "held" in text and "Nothing failed" not in text and "exit 0" not in text


# --- /webhook/set ------------------------------------------------------------------------------------


def test_webhook_set_warns_once_per_loopback_url_and_says_how_to_cancel(
    run_here: Runner, tmp_path: Path, token_mock: tuple[ThreadMock, tuple[str, ...]]
) -> None:
    mock, base = token_mock
    hook = "https://shop.example.com/cj/webhook"
    body = {
        "product": {"type": "CANCEL", "callbackUrls": []},
        "stock": {"type": "CANCEL", "callbackUrls": [hook]},
        "order": {"type": "ENABLE", "callbackUrls": ["http://127.0.0.1:8080/cj"]},
        "logistics": {"type": "ENABLE", "callbackUrls": [hook]},
    }
    result = run_here("probe", *base, "/webhook/set", "-d", json.dumps(body))
    assert result.returncode == ExitStatus.INVALID_INPUT and "/webhook/set" not in mock.stderr
    warnings = [line for line in result.stdout.splitlines() if "order.callbackUrls[0]" in line]
    assert len(warnings) == 1, result.stdout
    assert "[1607002]" in warnings[0] and "[1607001]" in warnings[0] and "--allow-local-webhooks" in warnings[0]
    assert "product: to switch a topic off, send type CANCEL with the callback URL it has" in result.stdout
    # The body docs/webhooks.md shows is accepted: by probe's checks and by the mock, which keeps it.
    body["product"]["callbackUrls"] = [hook]
    body["order"]["callbackUrls"] = [hook]
    sent = run_here("probe", *base, "/webhook/set", "-d", json.dumps(body))
    assert sent.returncode == 0, sent.stdout
    assert "result:     true" in sent.stdout
    callback = mock.get("/setting/get", token=TOKEN).json()["data"]["callback"]
    assert callback["order"]["urls"] == [hook]
