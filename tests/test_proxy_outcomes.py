"""Honest outcomes behind a proxy: a call that changes data, forwarded and then answered badly, is outcome unknown.

A forwarding proxy (tests/forwarding_proxy.py) stands in front of a real ``cjerr mock``: it forwards the
create or the payment, so it takes effect in the mock, and answers the app with each bad answer a proxy
or CJ's gateway can give. probe must exit 80 for every one of them on createOrderV2 and payBalance (and
name a check that only reads), ``raise_for_cj`` must raise OutcomeUnknownError (never TemporaryError,
NotEnvelopeError or AuthError), and a read call through the same proxy keeps its old exit code. Also:
Ctrl-C after the create was sent exits 80, CJTransport never retries refreshAccessToken after a timeout,
and the mock's ``NAME:after`` faults act first and then fail.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import cj_errors
from cj_errors.base.exits import ExitStatus
from cj_errors.mock import rules
from cj_errors.table.model import Outcome
from tests.forwarding_proxy import MODES, ForwardingProxy
from tests.hostile_servers import assert_clean, interrupt, popen_cjerr, run_cjerr, wait_until_blocked_reading
from tests.in_process import call_cjerr
from tests.test_mock import TOKEN, Mock, launch
from tests.test_mock_state import CREATE, order_body

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGINT and POSIX process handling")

PAY = "/shopping/pay/payBalance"
ENV = {"CJ_ACCESS_TOKEN": TOKEN}


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    directory = tmp_path_factory.mktemp("proxy-mock")
    tokens = directory / "tokens"
    tokens.write_text(TOKEN + "\n", encoding="utf-8")
    running = launch(directory, "--qps", "0", "--token-file", str(tokens), "--balance", "100000")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def proxy(mock: Mock) -> Iterator[ForwardingProxy]:
    with ForwardingProxy(mock.url) as running:
        yield running


def state(mock: Mock) -> dict[str, Any]:
    answer = mock.client.get(mock.url.removesuffix("/api2.0/v1") + "/__cjerr/state")
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


def order_in_mock(mock: Mock, number: str) -> dict[str, Any] | None:
    return next((order for order in state(mock)["orders"] if order.get("orderNum") == number), None)


def create_directly(mock: Mock, number: str) -> str:
    """An order created straight at the mock (no proxy), for the payment tests; its orderId."""
    answer = mock.post(CREATE, json=order_body(number)).json()
    assert answer["code"] == 200, answer
    order_id: str = answer["data"]["orderId"]
    return order_id


def probe_through(proxy: ForwardingProxy, home: Path, *args: str) -> Any:
    return call_cjerr("probe", *args, "--base-url", proxy.url, "--retries", "0", home=home, env=ENV)


# --- probe: every bad answer to a call that changes data exits 80 -------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_probe_create_through_a_proxy_exits_80_and_the_order_exists(
    mode: str, mock: Mock, proxy: ForwardingProxy, tmp_path: Path
) -> None:
    number = f"px-create-{mode}"
    proxy.mode = mode
    ran = probe_through(proxy, tmp_path, CREATE, "-d", json.dumps(order_body(number)))
    assert_clean(ran, ExitStatus.OUTCOME_UNKNOWN)
    (line,) = ran.stderr_lines()
    assert "outcome unknown" in line, line
    # The advice names a check that only reads, with this run's base URL; never "rerun with --reconcile".
    assert f"cjerr probe '/shopping/order/getOrderDetail?orderId={number}' --base-url {proxy.url}" in line, line
    assert "--reconcile" not in line
    assert "exit:       80 (outcome unknown: the call may have worked)" in ran.out
    found = order_in_mock(mock, number)
    assert found is not None and found["orderStatus"] == "CREATED"  # the proxy's answer hid a real order


@pytest.mark.parametrize("mode", MODES)
def test_probe_pay_through_a_proxy_exits_80_and_the_payment_happened(
    mode: str, mock: Mock, proxy: ForwardingProxy, tmp_path: Path
) -> None:
    order_id = create_directly(mock, f"px-pay-{mode}")
    proxy.mode = mode
    ran = probe_through(proxy, tmp_path, PAY, "-d", json.dumps({"orderId": order_id}))
    assert_clean(ran, ExitStatus.OUTCOME_UNKNOWN)
    (line,) = ran.stderr_lines()
    assert "outcome unknown" in line and "read the order's status" in line, line
    assert f"cjerr probe '/shopping/order/getOrderDetail?orderId={order_id}' --base-url {proxy.url}" in line
    paid = next(order for order in state(mock)["orders"] if order["orderId"] == order_id)
    assert paid["orderStatus"] == "UNSHIPPED"


# What a read call through the same proxy exits with: the codes it had before (--retries 0).
READ_EXITS = {
    "http502": ExitStatus.TEMPORARY, "http504": ExitStatus.TEMPORARY, "bare429": ExitStatus.TEMPORARY,
    "empty": ExitStatus.NOT_ENVELOPE, "html": ExitStatus.NOT_ENVELOPE, "null": ExitStatus.NOT_ENVELOPE,
    "foreign_json": ExitStatus.NOT_ENVELOPE, "truncated": ExitStatus.NOT_ENVELOPE,
    "proxy400": ExitStatus.NOT_ENVELOPE, "proxy404": ExitStatus.NOT_ENVELOPE, "proxy408": ExitStatus.NOT_ENVELOPE,
    "proxy499": ExitStatus.NOT_ENVELOPE, "redirect302": ExitStatus.NOT_ENVELOPE,
    "forbidden403": ExitStatus.AUTH, "drop": ExitStatus.NETWORK,
}  # fmt: skip


def test_read_calls_through_the_proxy_keep_their_exit_codes(proxy: ForwardingProxy, tmp_path: Path) -> None:
    assert set(READ_EXITS) == set(MODES)
    for mode in MODES:
        proxy.mode = mode
        ran = probe_through(proxy, tmp_path, "/shopping/pay/getBalance")
        assert_clean(ran, READ_EXITS[mode])
        assert "outcome unknown" not in ran.out + ran.err, (mode, ran.describe())


def test_a_real_process_exits_80_too(mock: Mock, proxy: ForwardingProxy, tmp_path: Path) -> None:
    for mode in ("http504", "forbidden403", "redirect302"):
        number = f"px-real-{mode}"
        proxy.mode = mode
        ran = run_cjerr(
            "probe", CREATE, "--base-url", proxy.url, "-d", json.dumps(order_body(number)), "--json",
            home=tmp_path, env=ENV, timeout=60,
        )  # fmt: skip
        assert_clean(ran, ExitStatus.OUTCOME_UNKNOWN)
        data = json.loads(ran.out)
        assert data["exit_code"] == 80 and data["outcome"] == "unknown"
        assert f"getOrderDetail?orderId={number}" in data["next_step"]
        assert not any("--retry-mutating" in note for note in data["notes"]), data["notes"]  # check, don't resend
        assert data["attempts"] and len(data["attempts"]) == 1
        assert order_in_mock(mock, number) is not None


def test_reconcile_now_runs_after_a_proxy_page_and_finds_the_order(
    mock: Mock, proxy: ForwardingProxy, tmp_path: Path
) -> None:
    number = "px-reconcile"
    proxy.mode, proxy.only = "forbidden403", CREATE  # the check itself passes through
    try:
        ran = probe_through(proxy, tmp_path, CREATE, "-d", json.dumps(order_body(number)), "--reconcile", "--json")
    finally:
        proxy.only = None
    assert_clean(ran, ExitStatus.SUCCESS)
    data = json.loads(ran.out)
    assert data["reconcile"]["found"] is True and data["outcome"] == "success"
    assert order_in_mock(mock, number) is not None
    entries = mock.client.get(
        mock.url.removesuffix("/api2.0/v1") + "/__cjerr/requests", params={"path": CREATE}
    ).json()["requests"]
    assert sum(number in json.dumps(entry.get("body")) for entry in entries) == 1  # the create was sent once


# --- the Python API -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_raise_for_cj_says_outcome_unknown_for_a_create_through_the_proxy(
    mode: str, mock: Mock, proxy: ForwardingProxy
) -> None:
    number = f"px-api-{mode}"
    proxy.mode = mode
    transport = cj_errors.CJTransport(qps=0, sleep=lambda seconds: None)
    with httpx.Client(base_url=proxy.url, headers={"CJ-Access-Token": TOKEN}, transport=transport) as client:
        with pytest.raises(cj_errors.OutcomeUnknownError) as raised:
            cj_errors.raise_for_cj(client.post(CREATE, json=order_body(number)))
    error = raised.value
    assert not isinstance(error, cj_errors.TemporaryError | cj_errors.NotEnvelopeError | cj_errors.AuthError)
    assert isinstance(error, cj_errors.CJError) and error.outcome is Outcome.UNKNOWN
    assert error.order_number == number and error.path == CREATE and error.method == "POST"
    assert error.check == f"/shopping/order/getOrderDetail?orderId={number}"
    assert "outcome unknown" in str(error) and number in str(error)
    assert order_in_mock(mock, number) is not None


def test_raise_for_cj_on_a_read_call_keeps_its_classes(proxy: ForwardingProxy) -> None:
    expected: dict[str, type[cj_errors.CJError]] = {
        "http504": cj_errors.TemporaryError,
        "html": cj_errors.NotEnvelopeError,
        "forbidden403": cj_errors.AuthError,
    }
    transport = cj_errors.CJTransport(qps=0, retries=0, sleep=lambda seconds: None)
    with httpx.Client(base_url=proxy.url, headers={"CJ-Access-Token": TOKEN}, transport=transport) as client:
        for mode, kind in expected.items():
            proxy.mode = mode
            with pytest.raises(cj_errors.CJError) as raised:
                cj_errors.raise_for_cj(client.get("/shopping/pay/getBalance"))
            assert type(raised.value) is kind or isinstance(raised.value, kind), mode
            assert not isinstance(raised.value, cj_errors.OutcomeUnknownError)


def test_raise_for_cj_with_a_body_and_path_gives_the_order_id() -> None:
    with pytest.raises(cj_errors.OutcomeUnknownError) as raised:
        cj_errors.raise_for_cj(b"<html>502 Bad Gateway</html>", 502, path=PAY, request_body='{"orderId": "SD7"}')
    assert raised.value.order_id == "SD7" and raised.value.check == "/shopping/order/getOrderDetail?orderId=SD7"
    # Without a method, a path that is read-only keeps the old classes.
    with pytest.raises(cj_errors.TemporaryError):
        cj_errors.raise_for_cj(b"<html>502 Bad Gateway</html>", 502, path="/shopping/order/list")


def test_a_dropped_create_through_the_transport_raises_outcome_unknown(mock: Mock, proxy: ForwardingProxy) -> None:
    proxy.mode = "drop"
    number = "px-transport-drop"
    transport = cj_errors.CJTransport(qps=0, sleep=lambda seconds: None)
    with httpx.Client(base_url=proxy.url, headers={"CJ-Access-Token": TOKEN}, transport=transport) as client:
        with pytest.raises(cj_errors.OutcomeUnknownError) as raised:
            client.post(CREATE, json=order_body(number))
    assert raised.value.order_number == number and isinstance(raised.value.__cause__, httpx.TransportError)
    assert len([call for call in proxy.forwarded if call[1].endswith(CREATE) and call[2] == 200]) >= 1
    assert order_in_mock(mock, number) is not None


# --- refreshAccessToken changes state: never retried after a timeout ---------------------------------------------


def test_refresh_is_not_retried_after_a_timeout_and_reports_the_unknown_outcome() -> None:
    calls: list[str] = []

    def network(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        raise httpx.ReadTimeout("timed out", request=request)

    transport = cj_errors.CJTransport(httpx.MockTransport(network), qps=0, retries=3, sleep=lambda seconds: None)
    with httpx.Client(base_url="https://cj.example/api2.0/v1", transport=transport) as client:
        with pytest.raises(cj_errors.OutcomeUnknownError) as raised:
            client.post("/authentication/refreshAccessToken", json={"refreshToken": "r"})
    assert calls == ["/api2.0/v1/authentication/refreshAccessToken"]  # sent once: the first may have retired the pair
    assert "cjerr auth login" in str(raised.value) and raised.value.path == "/authentication/refreshAccessToken"
    assert raised.value.order_number is None and isinstance(raised.value.__cause__, httpx.ReadTimeout)
    # A read call that times out is still retried, and still raises httpx's own error.
    calls.clear()
    with httpx.Client(base_url="https://cj.example/api2.0/v1", transport=transport) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.get("/shopping/pay/getBalance")
    assert len(calls) == 4
    # A create that never connected cannot have worked: httpx's error, sent once.
    calls.clear()

    def refused(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        raise httpx.ConnectError("refused", request=request)

    transport = cj_errors.CJTransport(httpx.MockTransport(refused), qps=0, sleep=lambda seconds: None)
    with httpx.Client(base_url="https://cj.example/api2.0/v1", transport=transport) as client:
        with pytest.raises(httpx.ConnectError):
            client.post(CREATE, json=order_body("never-sent"))
    assert len(calls) == 1


# --- Ctrl-C after the create was sent ---------------------------------------------------------------------------


def _journal_has(mock: Mock, number: str, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entries = mock.client.get(
            mock.url.removesuffix("/api2.0/v1") + "/__cjerr/requests", params={"path": CREATE}
        ).json()["requests"]
        if any(number in json.dumps(entry.get("body")) for entry in entries):
            return True
        time.sleep(0.05)
    return False


def test_ctrl_c_after_the_create_was_sent_exits_80_with_the_timeout_advice(
    mock: Mock, proxy: ForwardingProxy, tmp_path: Path
) -> None:
    number = "px-ctrl-c"
    proxy.mode, proxy.delay = "pass", 20.0  # the create goes through; the answer comes late
    try:
        process = popen_cjerr(
            "probe", CREATE, "--base-url", proxy.url, "-d", json.dumps(order_body(number)),
            home=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert _journal_has(mock, number), "the create never reached the mock"
        wait_until_blocked_reading(process.pid, where="poll")
        out, err = interrupt(process)
    finally:
        proxy.delay = 0.0
    assert process.returncode == ExitStatus.OUTCOME_UNKNOWN, (out, err)
    lines = [line for line in err.decode().splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err.decode() + out.decode(), (out, err)
    assert lines[0].startswith("cjerr: no response: interrupted (Ctrl-C) after the request was sent; outcome unknown")
    assert f"cjerr probe '/shopping/order/getOrderDetail?orderId={number}'" in lines[0]
    assert "exit:       80" in out.decode()
    assert order_in_mock(mock, number) is not None


def test_ctrl_c_before_anything_was_sent_stays_130(tmp_path: Path, proxy: ForwardingProxy) -> None:
    before = len(proxy.forwarded)
    process = popen_cjerr(
        "probe", CREATE, "--base-url", proxy.url, "-d", "@-",
        home=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_until_blocked_reading(process.pid)  # reading the body from stdin: nothing sent yet
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
    assert process.returncode == ExitStatus.INTERRUPTED, (out, err)
    assert len(proxy.forwarded) == before


# --- the mock's faults that act first and then fail -------------------------------------------------------------


def test_after_faults_parse_and_refuse_what_cannot_act_first() -> None:
    fault = rules.parse_fault("http504:after")
    assert fault.after and fault.kind == "http" and fault.code == 504 and fault.label == "http504:after"
    rule = rules.parse_fail(f"drop:after:0.5:{CREATE}")
    assert rule.fault.after and rule.fault.kind == "drop" and rule.rate == 0.5 and rule.path == CREATE
    assert rules.parse_fail("empty:after").fault.after
    for bad in ("1600000:after", "http429:after", "slow:after"):
        with pytest.raises(ValueError, match="after|seconds"):
            rules.parse_fail(bad)
    parsed = rules.rule_from_mapping({"sequence": ["html:after", "ok"], "path": CREATE}, "rules.json rule 1")
    assert parsed.sequence[0].after and parsed.as_dict()["sequence"] == ["html:after", "ok"]


def test_after_faults_create_the_order_and_the_plain_ones_do_not(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text(TOKEN + "\n", encoding="utf-8")
    faulty = launch(tmp_path, "--qps", "0", "--token-file", str(tokens), "--fail", f"http504:after:1:{CREATE}")
    admin = faulty.url.removesuffix("/api2.0/v1") + "/__cjerr/faults"

    def create(number: str, fault: str) -> None:
        try:
            answer = faulty.post(CREATE, json=order_body(number))
        except httpx.TransportError:
            assert fault.startswith("drop")
            return
        assert b'"code": 200' not in answer.content or fault.startswith("drop"), (fault, answer.text)

    try:
        assert [rule.get("fault") for rule in faulty.client.get(admin).json()["rules"]] == ["http504:after"]
        for fault in ("http504", "http502", "http500", "http503", "empty", "html", "drop"):
            for after in (True, False):
                if not (fault == "http504" and after):  # the --fail flag is in force for that one
                    assert faulty.client.delete(admin).status_code == 200
                    rule = {"fault": f"{fault}:after" if after else fault, "path": CREATE}
                    assert faulty.client.post(admin, json=rule).status_code == 200
                number = f"{fault}-{'after' if after else 'plain'}"
                create(number, fault)
                # :after does the call first, as a proxy in front of CJ; the plain fault answers without it.
                assert (order_in_mock(faulty, number) is not None) is after, number
    finally:
        faulty.stop()


def test_explain_reads_a_transcript_of_a_create_answered_by_a_proxy_page_as_outcome_unknown(tmp_path: Path) -> None:
    transcript = (
        "> POST /api2.0/v1/shopping/order/createOrderV2 HTTP/1.1\n> Host: developers.cjdropshipping.com\n>\n"
        "< HTTP/1.1 403 Forbidden\n< Content-Type: text/html\n<\n<html>403 Forbidden</html>\n"
    )
    ran = call_cjerr("explain", "-", input=transcript.encode(), home=tmp_path)
    assert ran.returncode == ExitStatus.OUTCOME_UNKNOWN, ran.describe()
    assert ran.out.startswith("outcome unknown: HTTP 403")
    read = transcript.replace("POST /api2.0/v1/shopping/order/createOrderV2", "GET /api2.0/v1/product/query")
    assert call_cjerr("explain", "-", input=read.encode(), home=tmp_path).returncode == ExitStatus.AUTH


def test_the_async_transport_reports_an_unknown_outcome_too() -> None:
    import asyncio

    calls: list[str] = []

    def network(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)

    async def create() -> None:
        transport = cj_errors.AsyncCJTransport(httpx.MockTransport(network), qps=0, retries=3)
        async with httpx.AsyncClient(base_url="https://cj.example/api2.0/v1", transport=transport) as client:
            await client.post(CREATE, json=order_body("async-1"))

    with pytest.raises(cj_errors.OutcomeUnknownError) as raised:
        asyncio.run(create())
    assert raised.value.order_number == "async-1" and len(calls) == 1


def test_with_retry_mutating_a_failure_after_a_try_that_may_have_worked_stays_unknown() -> None:
    from tests.cj_server import Answer, probe_in_process

    busy = {"code": 1600000, "result": False, "message": "System busy", "data": None, "requestId": "rq-busy"}
    gateway = Answer(status=504, body="<html>504 Gateway Time-out</html>", content_type="text/html")
    ran = probe_in_process(
        CREATE, gateway, Answer(body=busy), token=TOKEN, data=json.dumps(order_body("retry-1")), retries=1,
        retry_mutating=True,
    )  # fmt: skip
    assert len(ran.received) == 2  # allowed to repeat, so it did
    # CJ's 1600000 on the second try says nothing of the first, which the gateway may have forwarded.
    assert ran.outcome.exit_status is ExitStatus.OUTCOME_UNKNOWN and ran.outcome.unknown
    # Without an earlier doubtful try, a rate limit (CJ refused the call unread) stays temporary.
    limited = {"code": 1600200, "result": False, "message": "Too Many Requests", "data": None, "requestId": "rq-qps"}
    alone = probe_in_process(
        CREATE, Answer(body=limited), token=TOKEN, data=json.dumps(order_body("retry-2")), retries=0,
        retry_mutating=True,
    )  # fmt: skip
    assert alone.outcome.exit_status is ExitStatus.TEMPORARY


def test_the_transport_with_retry_mutating_reports_a_failure_after_a_doubtful_try() -> None:
    answers = [
        httpx.Response(504, content=b"<html>504 Gateway Time-out</html>", headers={"Content-Type": "text/html"}),
        httpx.Response(200, json={"code": 1600000, "result": False, "message": "System busy", "data": None}),
    ]
    calls: list[str] = []

    def network(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return answers[min(len(calls), len(answers)) - 1]

    for retry_mutating, expected_calls in ((True, 3), (False, 1)):  # 504, then 1600000 twice
        calls.clear()
        transport = cj_errors.CJTransport(
            httpx.MockTransport(network), qps=0, retry_mutating=retry_mutating, sleep=lambda seconds: None
        )
        with httpx.Client(base_url="https://cj.example/api2.0/v1", transport=transport) as client:
            with pytest.raises(cj_errors.OutcomeUnknownError) as raised:
                cj_errors.raise_for_cj(client.post(CREATE, json=order_body("doubt-1")))
        assert len(calls) == expected_calls and raised.value.order_number == "doubt-1"
