"""Honest outcomes: unknown results of calls that change data, 429 variants, held orders, one wording parser.

The subprocess tests run the installed cjerr against servers on 127.0.0.1 that
hang, drop the connection or answer the way CJ does; the in-process tests use
probe's ``sleep`` and ``clock`` seams so waits are exact and instant.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import cj_errors
from cj_errors import mock
from cj_errors.base.exits import ExitStatus
from cj_errors.reading import ratelimits
from cj_errors.reading.explanation import explain_document, explain_response
from cj_errors.requests import probe as probing
from cj_errors.table import cjwording, codes
from cj_errors.table.model import RESET_RETRIES, Outcome, Retry
from tests.cj_server import Answer, ScriptedServer, probe_in_process
from tests.hostile_servers import (
    TOKEN,
    Connection,
    RawServer,
    assert_clean,
    assert_no_leak,
    http_response,
    run_cjerr,
)
from tests.in_process import call_cjerr

ENV = {"CJ_ACCESS_TOKEN": TOKEN}
CREATE = "/shopping/order/createOrderV2"
ORDER = {
    "orderNumber": "shop-1001", "shippingCountryCode": "US", "shippingCountry": "United States",
    "shippingProvince": "CA", "shippingCity": "LA", "shippingCustomerName": "Ann", "shippingAddress": "1 Main St",
    "logisticName": "CJPacket Ordinary", "fromCountryCode": "CN", "products": [{"vid": "v1", "quantity": 1}],
}  # fmt: skip
FOUND = {
    "code": 200, "result": True, "message": "Success", "requestId": "rq-detail",
    "data": {"orderId": "SD2512020001", "orderNum": "shop-1001", "orderStatus": "CREATED"},
}  # fmt: skip
NOT_FOUND = {"code": 1600300, "result": False, "message": "order not found", "data": None, "requestId": "rq-nf"}


# --- a server whose create-order call never gets an answer ---------------------------------------------------


class OrderServer:
    """createOrderV2 hangs or drops (``fault``); getOrderDetail answers ``detail`` (or hangs when None)."""

    def __init__(self, fault: str, detail: dict[str, object] | None) -> None:
        self.fault = fault
        self.detail = detail
        self.events: list[tuple[str, float]] = []  # (request line, when it arrived or was cut off)
        self._lock = threading.Lock()
        self.raw = RawServer(self._handle)

    def _note(self, line: str) -> None:
        with self._lock:
            self.events.append((line, time.monotonic()))

    def _handle(self, connection: Connection) -> None:
        head = connection.read_head().decode("latin-1")
        line = head.split("\r\n", 1)[0]
        self._note(line)
        if " /api2.0/v1/shopping/order/getOrderDetail" in line and self.detail is not None:
            connection.send(http_response(200, json.dumps(self.detail).encode()))
            return
        if self.fault == "drop" and "getOrderDetail" not in line:
            connection.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n")
            connection.send(b'{"code": 200, "result": true, "data": {"orderId": ')
            self._note("dropped")
            return
        if self.fault == "http502" and "getOrderDetail" not in line:
            connection.send(http_response(502, b"<html>502 Bad Gateway</html>", {"Content-Type": "text/html"}))
            return
        connection.wait(30)

    def lines(self, *, of: str) -> list[str]:
        return [line for line, _ in self.events if of in line]

    def __enter__(self) -> OrderServer:
        self.raw.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.raw.__exit__(*exc)


def create_order(server: OrderServer, home: Path, *extra: str, real: bool = False):  # type: ignore[no-untyped-def]
    """The create, in this process (tests/in_process.py) or, with ``real``, as an installed cjerr."""
    args = ("probe", CREATE, "--base-url", server.raw.base_url, "-d", json.dumps(ORDER), "--timeout", "1",
            "--retries", "3", *extra)  # fmt: skip
    return run_cjerr(*args, home=home, env=ENV, timeout=60) if real else call_cjerr(*args, home=home, env=ENV)


@pytest.mark.parametrize("fault", ["hang", "drop", "http502"])
def test_create_order_without_an_answer_is_sent_once_and_exits_outcome_unknown(tmp_path: Path, fault: str) -> None:
    with OrderServer(fault, FOUND) as server:
        ran = create_order(server, tmp_path, real=fault == "drop")
        base_url = server.raw.base_url
    assert_clean(ran, ExitStatus.OUTCOME_UNKNOWN)
    assert len(server.lines(of="createOrderV2")) == 1, server.events  # one send: no second order
    assert server.lines(of="getOrderDetail") == []  # no check unless asked
    (line,) = ran.stderr_lines()
    assert "outcome unknown" in line and "orderNumber" in line, line
    # The hint names a command that only reads, never a rerun that would send the create again.
    check = f"cjerr probe '/shopping/order/getOrderDetail?orderId=shop-1001' --base-url {base_url}"
    assert check in line and "--reconcile" not in line, line
    assert "getOrderDetail?orderId=shop-1001" in ran.out
    assert "exit:       80 (outcome unknown: the call may have worked)" in ran.out
    assert_no_leak(ran)


def test_reconcile_finds_the_order_and_exits_as_a_success(tmp_path: Path) -> None:
    with OrderServer("drop", FOUND) as server:
        ran = create_order(server, tmp_path, "--reconcile", "--json")
    assert_clean(ran, ExitStatus.SUCCESS)
    assert len(server.lines(of="createOrderV2")) == 1
    (check,) = server.lines(of="getOrderDetail")
    assert check.startswith("GET /api2.0/v1/shopping/order/getOrderDetail?orderId=shop-1001 ")
    # Paced: at least 1.1 s after the unanswered call (allowing for the two clocks).
    dropped = next(when for line, when in server.events if line == "dropped")
    checked = next(when for line, when in server.events if "getOrderDetail" in line)
    assert checked - dropped >= 1.0, server.events
    data = json.loads(ran.out)
    assert data["exit_code"] == 0 and data["outcome"] == "success" and data["sent"] is True
    assert data["reconcile"]["found"] is True and data["reconcile"]["order_id"] == "SD2512020001"
    assert any(note.startswith("reconcile: order shop-1001 exists") for note in data["notes"])
    assert_no_leak(ran)


def test_reconcile_not_found_says_creating_again_is_safe(tmp_path: Path) -> None:
    with OrderServer("hang", NOT_FOUND) as server:
        ran = create_order(server, tmp_path, "--reconcile")
    assert_clean(ran, ExitStatus.TEMPORARY)
    assert len(server.lines(of="createOrderV2")) == 1 and len(server.lines(of="getOrderDetail")) == 1
    assert "note: reconcile: order shop-1001 was not found" in ran.out and "again is safe" in ran.out


def test_reconcile_that_gets_no_answer_either_stays_unknown(tmp_path: Path) -> None:
    with OrderServer("hang", None) as server:
        ran = create_order(server, tmp_path, "--reconcile", "--json")
    assert_clean(ran, ExitStatus.OUTCOME_UNKNOWN)
    data = json.loads(ran.out)
    assert data["outcome"] == "unknown" and data["reconcile"]["found"] is None
    assert "stays unknown" in data["reconcile"]["summary"]
    assert len(server.lines(of="getOrderDetail")) == 1


def test_a_refused_connection_sent_nothing_so_it_is_a_network_failure(tmp_path: Path) -> None:
    ran = run_cjerr(
        "probe", CREATE, "--base-url", "http://127.0.0.1:9/api2.0/v1", "-d", json.dumps(ORDER), "--retries", "0",
        home=tmp_path, env=ENV,
    )  # fmt: skip
    assert_clean(ran, ExitStatus.NETWORK)


def test_pay_call_without_an_answer_says_to_read_the_order_status(tmp_path: Path) -> None:
    with OrderServer("hang", FOUND) as server:
        ran = call_cjerr(
            "probe", "/shopping/pay/payBalance", "--base-url", server.raw.base_url, "-d", '{"orderId": "SD1"}',
            "--timeout", "1", "--reconcile", home=tmp_path, env=ENV,
        )  # fmt: skip
    assert_clean(ran, ExitStatus.OUTCOME_UNKNOWN)
    assert "read the order's status" in ran.err
    assert "--reconcile checks order creation only" in ran.out
    assert server.lines(of="getOrderDetail") == []


def test_a_read_call_that_times_out_is_still_temporary(tmp_path: Path) -> None:
    with OrderServer("hang", FOUND) as server:
        ran = call_cjerr(
            "probe", "/shopping/order/list", "--base-url", server.raw.base_url, "--timeout", "1", "--retries", "0",
            home=tmp_path, env=ENV,
        )  # fmt: skip
    assert_clean(ran, ExitStatus.TEMPORARY)


# --- in process: pacing and the policy, with recorded sleeps --------------------------------------------------


def test_reconcile_is_paced_and_made_once() -> None:
    with OrderServer("drop", FOUND) as server:
        options = probing.ProbeOptions(
            target=CREATE, base_url=server.raw.base_url, token=TOKEN, data=json.dumps(ORDER), reconcile=True
        )
        prepared = probing.prepare(options)
        sleeps: list[float] = []
        outcome = probing.send(prepared, options, lambda line: None, sleep=sleeps.append)
    assert outcome.exit_status is ExitStatus.SUCCESS and outcome.unknown
    assert outcome.reconciliation is not None and outcome.reconciliation.found is True
    assert len(sleeps) == 1 and 1.0 < sleeps[0] <= 1.1  # the pace, measured from the unanswered call
    assert len(server.lines(of="getOrderDetail")) == 1


# --- HTTP 429, told apart by body and path ----------------------------------------------------------------------

POINTS_429 = Answer(
    status=429,
    body={
        "code": 429, "result": False, "message": "Insufficient API points", "requestId": "rq-p",
        "data": {"pointsInfo": {"usedToday": 50000, "remaining": 0, "total": 50000}},
    },
)  # fmt: skip
QPS_429 = Answer(
    status=429, body={"code": 1600200, "result": False, "message": "Too Many Requests, QPS limit is 1 time/1second"}
)
BARE_429 = Answer(status=429, body={"code": 429, "result": False, "message": "Too Many Requests"})
OK = Answer(body={"code": 200, "result": True, "message": "Success", "data": {"pid": "1"}})


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


def probe(server: ScriptedServer, home: Path, target: str, *args: str, real: bool = False):  # type: ignore[no-untyped-def]
    """A probe, in this process (tests/in_process.py) or, with ``real``, as an installed cjerr."""
    argv = ("probe", "--base-url", server.base_url, target, *args)
    return run_cjerr(*argv, home=home, env=ENV, timeout=60) if real else call_cjerr(*argv, home=home, env=ENV)


def test_429_naming_points_is_quota_and_never_retried(server: ScriptedServer, tmp_path: Path) -> None:
    server.script(POINTS_429)
    ran = probe(server, tmp_path, "/product/query", "-p", "pid=1", "--retries", "5", "--json")
    assert ran.returncode == ExitStatus.QUOTA and len(server.received) == 1
    explanation = json.loads(ran.out)["explanation"]
    assert explanation["limit"] == "points" and explanation["points"]["remaining"] == 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", explanation["reset_at"])
    assert "00:00 UTC" in explanation["retry_advice"] and "sooner" in explanation["retry_advice"]


def test_429_naming_the_qps_window_waits_it_out() -> None:
    ran = probe_in_process("/product/query?pid=1", QPS_429, OK, token=TOKEN)
    assert ran.outcome.exit_status is ExitStatus.SUCCESS and len(ran.received) == 2
    assert ran.sleeps == [1.0] and ran.received[1].at - ran.received[0].at >= 1.0
    assert "retrying in 1.0 s" in ran.announced[0]


def test_bare_429_is_retried_at_most_once() -> None:
    ran = probe_in_process("/product/query?pid=1", BARE_429, token=TOKEN, retries=5)
    assert ran.outcome.exit_status is ExitStatus.TEMPORARY and len(ran.received) == 2
    assert "retried once, then probe stops" in ran.stdout


def test_429_answers_keep_their_exit_codes(server: ScriptedServer, tmp_path: Path) -> None:
    """The exit-code contract, from the installed cjerr (--retries 0, so nothing waits)."""
    for answer, status in ((QPS_429, ExitStatus.TEMPORARY), (BARE_429, ExitStatus.TEMPORARY)):
        server.script(answer)
        server.received.clear()
        ran = probe(server, tmp_path, "/product/query", "-p", "pid=1", "--retries", "0", real=True)
        assert ran.returncode == status and len(server.received) == 1, ran.describe()


def test_429_on_get_access_token_says_wait_five_minutes_and_reuse_the_token(
    server: ScriptedServer, tmp_path: Path
) -> None:
    server.script(BARE_429)
    body = '{"apiKey": "CJ4242@api@0123456789abcdef0123456789abcdef"}'
    ran = probe(server, tmp_path, "/authentication/getAccessToken", "-d", body, "--retries", "3", "--json")
    assert ran.returncode == ExitStatus.TEMPORARY and len(server.received) == 1
    explanation = json.loads(ran.out)["explanation"]
    assert explanation["limit"] == "token_throttle" and explanation["wait_seconds"] == 300
    assert "wait 5 min" in explanation["retry_advice"] and "reuse the cached token" in explanation["retry_advice"]


# --- the mock's 429 faults, met by probe ---------------------------------------------------------------------


@pytest.fixture
def mock429(tmp_path: Path) -> Iterator[str]:
    import subprocess

    from tests.conftest import cjerr_executable, clean_env

    tokens = tmp_path / "tokens"
    tokens.write_text(TOKEN + "\n")
    faults = [
        "http429:qps:1:/product/query", "http429:points:1:/product/list",
        "http429:auth:1:/authentication/getAccessToken", "http429:1:/product/variant/query",
    ]  # fmt: skip
    flags = [arg for fault in faults for arg in ("--fail", fault)]
    stderr = (tmp_path / "mock.err").open("w")
    process = subprocess.Popen(
        [cjerr_executable(), "mock", "--port", "0", "--qps", "0", "--token-file", str(tokens), *flags],
        stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL, text=True, env=clean_env(tmp_path),
    )  # fmt: skip
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    try:
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        process.stdout.close()
        stderr.close()


def test_mock_429_faults_have_the_bodies_cj_sends(mock429: str) -> None:
    headers = {"CJ-Access-Token": TOKEN}
    with httpx.Client(timeout=20) as client:
        qps = client.get(mock429 + "/product/query", params={"pid": "1"}, headers=headers)
        points = client.get(mock429 + "/product/list", headers=headers)
        auth = client.post(mock429 + "/authentication/getAccessToken", json={"apiKey": "x"})
        bare = client.get(mock429 + "/product/variant/query", params={"pid": "1"}, headers=headers)
    assert {qps.status_code, points.status_code, auth.status_code, bare.status_code} == {429}
    assert qps.json()["message"] == "Too Many Requests, QPS limit is 1 time/1second"
    assert cjwording.qps_window(auth.json()["message"]) == cjwording.QpsWindow(1, 300.0)
    assert points.json()["data"]["pointsInfo"]["remaining"] == 0
    assert cjwording.points_in_text(points.json()["message"]).remaining == 0  # type: ignore[union-attr]
    assert bare.json() | {"requestId": None} == {
        "code": 429, "result": False, "message": "Too Many Requests", "data": None, "requestId": None,
    }  # fmt: skip
    # explain reads each the same way probe does.
    kinds = [cj_errors.explain(response).limit for response in (qps, points, auth, bare)]
    assert kinds == ["qps", "points", "token_throttle", "bare_429"]


@pytest.mark.parametrize(
    ("target", "extra", "status", "sends"),
    [
        ("/product/list", (), ExitStatus.QUOTA, 1),
        ("/product/variant/query", ("-p", "pid=1", "--retries", "4"), ExitStatus.TEMPORARY, 2),
        ("/product/query", ("-p", "pid=1", "--retries", "1"), ExitStatus.TEMPORARY, 2),
    ],
    ids=["points", "bare", "qps"],
)
def test_probe_against_the_mock_429_faults(
    mock429: str, tmp_path: Path, target: str, extra: tuple[str, ...], status: ExitStatus, sends: int
) -> None:
    ran = call_cjerr("probe", "--base-url", mock429, target, *extra, home=tmp_path, env=ENV)
    assert ran.returncode == status, ran.describe()
    answered = re.compile(rf"/api2\.0/v1{re.escape(target)}(\?\S*)? -> 429 .*fault=http429")
    # The mock logs a call just after answering it: wait for the line of the last answer (a real cjerr's exit
    # used to give it the time), then count.
    deadline = time.monotonic() + 10
    while True:
        log = (tmp_path / "mock.err").read_text()
        count = len([line for line in log.splitlines() if answered.search(line)])
        if count >= sends or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert count == sends, log


def test_mock_rejects_an_unknown_429_variant() -> None:
    with pytest.raises(ValueError, match="unknown 429 variant"):
        mock.parse_fault("http429:daily")
    assert mock.parse_fail("http429:auth:0.5:/authentication/getAccessToken").fault.variant == "auth"
    assert mock.parse_fail("http429:0.5").fault.variant == ""


# --- held orders -------------------------------------------------------------------------------------------------


def held_body(**data: object) -> dict[str, object]:
    return {"code": 200, "result": True, "message": "Success", "requestId": "rq-held", "data": data}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"orderId": "SD1", "interceptOrderReasons": [{"code": 1001, "message": "phone format"}]}, "interceptOrder"),
        ({"successCount": 0, "interceptOrders": [{"orderId": "SD1", "message": "no stock"}]}, "interceptOrders"),
        ({"orderId": "SD1", "logisticsMiss": True, "interceptOrderReasons": []}, "logisticsMiss"),
        ({"successCount": 1, "submitSuccess": False, "interceptOrders": []}, "submitSuccess"),
    ],
    ids=["interceptOrderReasons", "interceptOrders", "logisticsMiss", "submitSuccess"],
)
def test_a_success_envelope_holding_the_order_is_held(data: dict[str, object], field: str) -> None:
    explanation = explain_document(held_body(**data))
    assert explanation.outcome is Outcome.HELD and not explanation.ok
    assert explanation.exit_status is ExitStatus.API_ERROR
    assert any(reason.field.startswith(field) for reason in explanation.held)


def test_plain_create_order_success_is_still_a_success() -> None:
    data = {"orderId": "SD1", "logisticsMiss": False, "interceptOrderReasons": [], "submitSuccess": True}
    assert explain_document(held_body(**data)).exit_status is ExitStatus.SUCCESS


def test_explain_lists_held_reasons_with_their_inner_codes(tmp_path: Path) -> None:
    body = held_body(orderId="SD1", interceptOrderReasons=[{"code": 1001, "message": "phone"}, {"code": 4242}])
    ran = call_cjerr("explain", "--json", "-", home=tmp_path, input=json.dumps(body).encode())
    assert ran.returncode == ExitStatus.API_ERROR
    explanation = json.loads(ran.out)["explanation"]
    assert explanation["ok"] is False and explanation["outcome"] == "held"
    first, second = explanation["held"]
    assert (first["code"], first["message"]) == (1001, "phone") and "inside data" in first["title"]
    assert (second["code"], second["title"]) == (4242, None)
    plain = call_cjerr("explain", "-", home=tmp_path, input=json.dumps(body).encode())
    assert "held: interceptOrderReasons[0]: code 1001" in plain.out


# --- one parser per wording -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "window"),
    [
        ("Too Many Requests, QPS limit is 1 time/1second", (1, 1.0)),
        ("Too Many Requests, QPS limit is 1 time/300 seconds", (1, 300.0)),
        ("Too Many Requests, QPS limit is 2 time/1second", (2, 1.0)),
        ("QPS limit is 1 time/second", (1, 1.0)),
        ("QPS limit is 5 times/1 minute", (5, 60.0)),
        ("Too Many Requests", None),
    ],
)
def test_qps_windows_are_read_once_for_everyone(message: str, window: tuple[int, float] | None) -> None:
    parsed = cjwording.qps_window(message)
    assert (tuple(parsed) if parsed else None) == window
    # probe, explain and the wording module agree on the wait.
    seconds = window[1] if window else None
    assert probing.qps_window(message) == seconds
    explanation = explain_response(json.dumps({"code": 1600200, "result": False, "message": message}))
    assert explanation.wait_seconds == max(seconds or 1.0, 1.0)


def test_points_figures_and_reset_time() -> None:
    now = dt.datetime(2026, 12, 2, 22, 30, tzinfo=dt.timezone.utc)
    text = cjwording.points_message(104890, 0, 10)
    assert cjwording.points_in_text(text) == cjwording.Points(104890, 0, 10)
    assert cjwording.points_from_info({"data": {"pointsInfo": {"usedToday": 7, "remaining": 3, "total": 10}}}) == (
        cjwording.Points(7, 3, None, 10)
    )
    assert cjwording.iso_utc(cjwording.next_reset(now)) == "2026-12-03T00:00:00Z"
    explanation = explain_response(
        json.dumps({"code": 16900500, "result": False, "message": text}), now=now
    )  # HTTP 200, as integrators saw it
    assert explanation.reset_at == "2026-12-03T00:00:00Z" and explanation.points == cjwording.Points(104890, 0, 10)
    assert any("in 1 h 30 min" in hint for hint in explanation.hints)


def test_the_mock_writes_what_the_parser_reads() -> None:
    assert cjwording.qps_window(mock.qps_message(2)) == cjwording.QpsWindow(2, 1.0)
    assert cjwording.qps_window(mock.qps_message(1, 300)) == cjwording.QpsWindow(1, 300.0)
    assert cjwording.points_in_text(mock.points_message(5, 0, 10)) == cjwording.Points(5, 0, 10)


def test_429_with_points_info_left_is_not_spent_points() -> None:
    body = {"code": 429, "result": False, "message": "Too Many Requests", "data": {"pointsInfo": {"remaining": 900}}}
    explanation = explain_response(json.dumps(body), 429)
    assert explanation.limit == "bare_429" and explanation.exit_status is ExitStatus.TEMPORARY


def test_classify_needs_a_limit_answer() -> None:
    assert ratelimits.classify(1602001, "Product not found", None, 200) is None


# --- retry advice that matches the steps, for every code -------------------------------------------------------

_WAIT_THEN_RETRY = re.compile(
    r"\b(retry|try again|resend)\b[^.;]{0,30}\b(after|in)\s+(a few|a short|at least|a|\d+)\s*"
    r"(s|sec|second|seconds|minute|minutes|while)\b|\bwait (a|\d+)[^.;]{0,20}\b(then|and) (retry|try again)\b",
    re.IGNORECASE,
)
_NEVER_RETRY = re.compile(r"\b(never retry|do not retry|don't retry|retrying will not help)\b", re.IGNORECASE)


@pytest.mark.parametrize("entry", codes.all_entries(), ids=lambda entry: str(entry.code))
def test_retry_enum_advice_and_steps_agree(entry: codes.CodeEntry) -> None:
    advice = codes.retry_advice(entry)
    steps = " ".join(entry.steps)
    assert entry.retryable == (entry.retry is Retry.SHORT_WAIT) == (entry.outcome is Outcome.TEMPORARY)
    assert entry.retry_after_reset == (entry.retry in RESET_RETRIES) == (entry.outcome is Outcome.QUOTA)
    if entry.retry is Retry.NEVER:
        assert "will not help" in advice
        assert not _WAIT_THEN_RETRY.search(steps), f"{entry.code}: a 'never' entry whose steps say to retry"
    if entry.retry is Retry.SHORT_WAIT:
        assert advice.startswith("retry")
        assert entry.min_wait_seconds is not None
        # A step about a wording that changes the code's outcome (1600000 "already added") may say otherwise.
        overridden = [message.text for message in entry.messages if message.outcome is not None]
        plain = [step for step in entry.steps if not any(text in step for text in overridden)]
        assert not _NEVER_RETRY.search(" ".join(plain)), f"{entry.code}: a short-wait entry whose steps say never retry"
    if entry.retry is Retry.AFTER_RESET_OR_SOONER:
        assert "00:00 UTC" in advice and "sooner" in advice
        assert "00:00 UTC" in steps and "trickle" in steps
    if entry.retry is Retry.AFTER_PERIOD:
        assert "quotaType" in advice and "quotaType" in steps
        assert "never resets" in advice and "does not reset" in steps
    if entry.retry is Retry.DAILY_RESET:
        assert "00:00 UTC" in steps and "trickle" not in steps
    if entry.max_attempts is not None:
        assert entry.retry is Retry.SHORT_WAIT and str(entry.max_attempts) in advice or "once" in advice


# --- a tolerant Python API ----------------------------------------------------------------------------------------


def test_codes_as_int_or_digit_string() -> None:
    assert cj_errors.is_retryable("1600200") and cj_errors.is_retryable(" 1600200 ") and cj_errors.is_retryable(1600200)
    assert cj_errors.retries_after_reset("16900500") and not cj_errors.retries_after_reset("1600200")
    assert cj_errors.lookup("1600200").entry == cj_errors.lookup(1600200).entry
    for bad in (None, 1.5, True, [1600200], "abc"):
        with pytest.raises(TypeError, match="int or a string of digits"):
            cj_errors.is_retryable(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="lookup"):
        cj_errors.lookup(None)  # type: ignore[arg-type]


def test_explain_takes_bytes_str_dict_and_httpx_responses() -> None:
    body = {"code": 1600200, "result": False, "message": "Too Many Requests, QPS limit is 1 time/1second"}
    text = json.dumps(body)
    results = [cj_errors.explain(text.encode()), cj_errors.explain(text), cj_errors.explain(body)]
    request = httpx.Request("GET", "https://developers.cjdropshipping.com/api2.0/v1/product/query?pid=1")
    results.append(cj_errors.explain(httpx.Response(200, json=body, request=request)))
    assert {result.exit_status for result in results} == {ExitStatus.TEMPORARY}
    assert {result.wait_seconds for result in results} == {1.0}
    token_call = httpx.Request("POST", "https://developers.cjdropshipping.com/api2.0/v1/authentication/getAccessToken")
    throttled = cj_errors.explain(httpx.Response(429, text="", request=token_call))
    assert throttled.limit == "token_throttle" and throttled.http_status == 429
    assert cj_errors.explain(httpx.Response(502, text="<html>")).exit_status is ExitStatus.TEMPORARY  # no request


@pytest.mark.parametrize(
    "bad",
    [None, 42, 1.5, ["{}"], object()],
    ids=lambda value: type(value).__name__ if type(value) is object else repr(value),
)
def test_explain_refuses_anything_else_with_a_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="bytes or str"):
        cj_errors.explain(bad)


def test_explain_of_an_unread_stream_says_to_read_it() -> None:
    def stream() -> Iterator[bytes]:
        yield b"{}"

    response = httpx.Response(200, content=stream())
    with pytest.raises(ValueError, match="read"):
        cj_errors.explain(response)


def test_a_log_with_a_held_order_says_so_in_the_summary(tmp_path: Path) -> None:
    held = held_body(orderId="SD1", interceptOrderReasons=[{"code": 1001, "message": "phone"}])
    lines = json.dumps({"code": 200, "result": True}) + "\n" + json.dumps(held) + "\n"
    ran = call_cjerr("explain", "--json", "-", home=tmp_path, input=lines.encode())
    assert ran.returncode == ExitStatus.API_ERROR
    summary = json.loads(ran.out)["summary"]
    assert (summary["held_orders"], summary["first_held_line"]) == (1, 2)


@pytest.mark.parametrize(
    "data",
    [
        {"interceptOrderReasons": "not a list"},
        {"interceptOrderReasons": [None, 1, True, {"code": True}, {"code": "²"}, [[]], {"message": ["x"]}]},
        {"interceptOrders": [{"orderId": True, "code": 10**60}], "submitSuccess": "false"},
        {"logisticsMiss": "true", "pointsInfo": {"usedToday": "1e9", "remaining": [], "total": None}},
        {"pointsInfo": {"remaining": -5, "usedToday": 10**30}},
        [{"interceptOrderReasons": [{"code": 1001}]}],
    ],
    ids=range(6),
)
def test_odd_shapes_inside_data_never_break_explain(data: object) -> None:
    for status in (200, 429):
        explanation = explain_document({"code": 200, "result": True, "data": data}, status)
        allowed = {ExitStatus.SUCCESS, ExitStatus.API_ERROR} if status == 200 else {ExitStatus.TEMPORARY}
        if status == 429 and isinstance(data, dict) and "pointsInfo" in data:
            allowed = {ExitStatus.TEMPORARY, ExitStatus.QUOTA}  # remaining -5: spent points
        assert explanation.exit_status in allowed
        assert json.dumps([reason.as_dict() for reason in explanation.held])


def test_probe_reports_a_held_create_order_as_held_and_sends_it_once(server: ScriptedServer, tmp_path: Path) -> None:
    held = held_body(
        orderId="SD1", orderNumber="shop-1001", logisticsMiss=True,
        interceptOrderReasons=[{"code": 1001, "message": "Must be a 6-32 digit number"}],
    )  # fmt: skip
    server.script(Answer(body=held))
    ran = probe(server, tmp_path, CREATE, "-d", json.dumps(ORDER), "--retries", "3", "--json")
    assert ran.returncode == ExitStatus.API_ERROR and len(server.received) == 1
    data = json.loads(ran.out)
    assert data["outcome"] == "held" and data["explanation"]["ok"] is False
    assert [reason["field"] for reason in data["explanation"]["held"]] == ["interceptOrderReasons[0]", "logisticsMiss"]


@pytest.mark.parametrize("code", [1600000, 1600301])
def test_cj_busy_or_timed_out_on_a_create_is_outcome_unknown(server: ScriptedServer, tmp_path: Path, code: int) -> None:
    """CJ's own entries say a write answered 1600000 or 1600301 may have gone through: check, never resend."""
    message = {1600000: "System busy, please contact CJ IT", 1600301: "Read timed out"}[code]
    server.script(Answer(body={"code": code, "result": False, "message": message, "data": None, "requestId": "rq"}))
    ran = probe(server, tmp_path, CREATE, "-d", json.dumps(ORDER), "--retries", "3", "--json", real=True)
    assert ran.returncode == ExitStatus.OUTCOME_UNKNOWN and len(server.received) == 1, ran.describe()
    data = json.loads(ran.out)
    assert data["outcome"] == "unknown" and "getOrderDetail?orderId=shop-1001" in data["next_step"]
    # A call that changes nothing keeps the retry CJ advises.
    server.received.clear()
    ran = probe(server, tmp_path, "/product/query", "-p", "pid=1", "--retries", "0", real=True)
    assert ran.returncode == ExitStatus.TEMPORARY, ran.describe()


@pytest.mark.parametrize("code", [200.5, True, "abc", [200]])
def test_an_unusable_code_after_a_create_is_outcome_unknown_not_76(
    server: ScriptedServer, tmp_path: Path, code: object
) -> None:
    """`code` present but no CJ code: exit 76 is 'not a CJ envelope', which for a call that changes data is 80."""
    server.script(Answer(body={"code": code, "result": True, "message": "Success", "data": {"orderId": "SD1"}}))
    ran = probe(server, tmp_path, CREATE, "-d", json.dumps(ORDER), "--retries", "3", real=True)
    assert ran.returncode == ExitStatus.OUTCOME_UNKNOWN and len(server.received) == 1, ran.describe()
    with pytest.raises(cj_errors.OutcomeUnknownError):
        cj_errors.raise_for_cj(server.answers[0].body, path=CREATE)  # type: ignore[arg-type]
    # A read keeps exit 76.
    ran = probe(server, tmp_path, "/product/query", "-p", "pid=1", "--retries", "0", real=True)
    assert ran.returncode == ExitStatus.NOT_ENVELOPE, ran.describe()


def test_exit_codes_lists_the_unknown_outcome(tmp_path: Path) -> None:
    ran = run_cjerr("exit-codes", "--json", home=tmp_path)
    rows = {row["exit_code"]: row for row in json.loads(ran.out)["exit_codes"]}
    assert rows[80]["name"] == "outcome_unknown" and "orderNumber" in rows[80]["when"]
    assert rows[75]["summary"] == "temporary trouble, retry can help"
