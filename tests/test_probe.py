"""probe against a real HTTP server on 127.0.0.1 that answers the way CJ does."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cj_errors.exits import ExitStatus
from tests.cj_server import Answer, ScriptedServer
from tests.conftest import Runner

TOKEN = "API@CJ4242@CJ:eyJhbGciOiJIUzI1NiJ9.PROBE-SENTINEL-TOKEN-91c7.signature"
OK = Answer(body={"code": 200, "result": True, "message": "Success", "data": {"pid": "1"}, "requestId": "rq-ok"})
RATE = Answer(
    body={
        "code": 1600200,
        "result": False,
        "message": "Too Many Requests, QPS limit is 1 time/1second",
        "data": None,
        "requestId": "rq-rate",
    }
)
BUSY = Answer(body={"code": 1600000, "result": False, "message": "System busy, please contact CJ IT"})
POINTS = Answer(
    body={
        "code": 16900500,
        "result": False,
        "data": None,
        "message": "Insufficient API points. Used today: 104890, Remaining: 0, Required: 10. ...",
    }
)
ENV = {"CJ_ACCESS_TOKEN": TOKEN}


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


def probe(run: Runner, server: ScriptedServer, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return run("probe", "--base-url", server.base_url, *args, env=ENV if env is None else env, timeout=90)


def test_success_sends_token_and_query(run: Runner, server: ScriptedServer) -> None:
    server.script(OK)
    result = probe(run, server, "/product/query", "-p", "pid=1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CJ success" in result.stdout
    (request,) = server.received
    assert (request.method, request.path) == ("GET", "/api2.0/v1/product/query?pid=1")
    assert request.headers["CJ-Access-Token"] == TOKEN


def test_rate_limit_in_http_200_is_retried_after_at_least_a_second(run: Runner, server: ScriptedServer) -> None:
    server.script(RATE, OK)
    started = time.monotonic()
    result = probe(run, server, "/product/query", "-p", "pid=1")
    assert result.returncode == 0
    assert len(server.received) == 2 and time.monotonic() - started >= 1.0
    assert "attempt 1 of 3" in result.stderr and "retrying in 1.0 s" in result.stderr


def test_rate_limit_that_outlasts_retries_exits_temporary(run: Runner, server: ScriptedServer) -> None:
    server.script(RATE)
    result = probe(run, server, "/product/query", "-p", "pid=1", "--retries", "1")
    assert result.returncode == ExitStatus.TEMPORARY
    assert len(server.received) == 2
    assert "QPS limit hit: 1 request(s) per 1 second" in result.stdout


def test_system_busy_is_tried_at_most_three_times(run: Runner, server: ScriptedServer) -> None:
    server.script(BUSY)
    result = probe(run, server, "/product/query", "-p", "pid=1", "--retries", "6")
    assert len(server.received) == 3
    assert result.returncode == ExitStatus.TEMPORARY


def test_points_exhaustion_is_never_retried_and_says_when_it_resets(run: Runner, server: ScriptedServer) -> None:
    server.script(POINTS)
    result = probe(run, server, "/product/query", "-p", "pid=1", "--retries", "5")
    assert result.returncode == ExitStatus.QUOTA
    assert len(server.received) == 1
    assert "00:00 UTC" in result.stdout and "used today 104890" in result.stdout


def test_http_429_with_points_body_is_quota(run: Runner, server: ScriptedServer) -> None:
    server.script(Answer(status=429, body={"code": 429, "result": False, "message": "Insufficient points"}))
    result = probe(run, server, "/product/query", "-p", "pid=1")
    assert result.returncode == ExitStatus.QUOTA and len(server.received) == 1


def test_html_502_is_retried_then_explained_with_a_preview(run: Runner, server: ScriptedServer) -> None:
    server.script(Answer(status=502, body="<html><h1>502 Bad Gateway</h1></html>", content_type="text/html"))
    result = probe(run, server, "/product/query", "-p", "pid=1", "--retries", "2")
    assert result.returncode == ExitStatus.TEMPORARY
    assert len(server.received) == 3
    assert "HTTP 502" in result.stdout and "<html><h1>502 Bad Gateway" in result.stdout


def test_empty_body_is_not_an_envelope(run: Runner, server: ScriptedServer) -> None:
    server.script(Answer(status=200, body=b""))
    result = probe(run, server, "/product/query", "-p", "pid=1")
    assert result.returncode == ExitStatus.NOT_ENVELOPE and "empty body" in result.stdout


def test_envelope_variants_count_as_success(run: Runner, server: ScriptedServer) -> None:
    server.script(Answer(body={"code": 0, "success": True, "message": None, "data": []}))
    assert probe(run, server, "/product/globalWarehouseList").returncode == 0
    server.script(Answer(body={"success": True, "message": "ok", "data": {"payId": "1"}}))
    assert (
        probe(run, server, "/shopping/order/saveGenerateParentOrder", "-d", '{"shipmentOrderId":"S1"}').returncode == 0
    )


def test_rate_limit_without_result_field_is_still_an_error(run: Runner, server: ScriptedServer) -> None:
    server.script(Answer(body={"code": 1600200, "message": "Too Many Requests, QPS limit is 1 time/1second"}))
    result = probe(run, server, "/product/query", "-p", "pid=1", "--retries", "0")
    assert result.returncode == ExitStatus.TEMPORARY


def test_invalid_request_is_never_sent(run: Runner, server: ScriptedServer) -> None:
    result = probe(run, server, "/product/query", "-d", '{"pid": 1')
    assert result.returncode == ExitStatus.INVALID_INPUT
    assert server.received == []
    assert "nothing sent" in result.stdout


def test_force_sends_despite_findings(run: Runner, server: ScriptedServer) -> None:
    server.script(OK)
    result = probe(run, server, "/product/query", "--force")
    assert result.returncode == 0 and len(server.received) == 1


def test_order_creation_is_never_retried_automatically(run: Runner, server: ScriptedServer) -> None:
    server.script(BUSY)
    body = {
        "orderNumber": "A-1", "shippingCountryCode": "US", "shippingCountry": "United States",
        "shippingProvince": "CA", "shippingCity": "LA", "shippingCustomerName": "Ann", "shippingAddress": "1 Main St",
        "logisticName": "CJPacket", "fromCountryCode": "CN", "products": [{"vid": "v1", "quantity": 1}],
    }  # fmt: skip
    result = probe(run, server, "/shopping/order/createOrderV2", "-d", json.dumps(body), "--retries", "3")
    assert len(server.received) == 1
    assert "--retry-mutating" in result.stdout
    assert result.returncode == ExitStatus.TEMPORARY
    server.received.clear()
    probe(run, server, "/shopping/order/createOrderV2", "-d", json.dumps(body), "--retries", "1", "--retry-mutating")
    assert len(server.received) == 2


def test_slow_answer_times_out(run: Runner, server: ScriptedServer) -> None:
    server.script(Answer(body={"code": 200}, delay=3))
    started = time.monotonic()
    result = probe(run, server, "/product/query", "-p", "pid=1", "--timeout", "0.5", "--retries", "0")
    assert result.returncode == ExitStatus.TEMPORARY
    assert time.monotonic() - started < 2.5
    assert "read timeout" in result.stdout


def test_connection_refused_is_network_failure(run: Runner) -> None:
    result = run(
        "probe",
        "--base-url",
        "http://127.0.0.1:9/api2.0/v1",
        "/product/query",
        "-p",
        "pid=1",
        "--retries",
        "0",
        env=ENV,
    )
    assert result.returncode == ExitStatus.NETWORK
    assert "cannot connect" in result.stdout


def test_missing_token_is_caught_before_sending(run: Runner, server: ScriptedServer) -> None:
    result = probe(run, server, "/product/query", "-p", "pid=1", env={})
    assert result.returncode == ExitStatus.INVALID_INPUT
    assert "[1600002] no access token" in result.stdout and server.received == []


def test_token_from_file_and_config(run: Runner, server: ScriptedServer, tmp_path: Path) -> None:
    server.script(OK)
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    assert probe(run, server, "/product/query", "-p", "pid=1", "--token-file", str(token_file), env={}).returncode == 0
    config = tmp_path / "config.toml"
    config.write_text(f'access_token = "{TOKEN}"\n')
    assert probe(run, server, "/product/query", "-p", "pid=1", env={"CJERR_CONFIG": str(config)}).returncode == 0
    assert all(request.headers["CJ-Access-Token"] == TOKEN for request in server.received)


def test_token_never_goes_to_another_host_or_over_plain_http(run: Runner) -> None:
    other = run("probe", "https://example.org/api2.0/v1/product/query", env=ENV)
    assert other.returncode == ExitStatus.CONFIG and "--allow-other-host" in other.stderr
    plain = run("probe", "--base-url", "http://cj.example/api2.0/v1", "/product/query", "-p", "pid=1", env=ENV)
    assert plain.returncode == ExitStatus.CONFIG and "plain HTTP" in plain.stderr


PROBE_JSON_KEYS = {
    "cjerr_schema", "command", "exit_code", "request", "findings", "sent", "attempts", "response", "explanation",
    "transport_error", "notes",
}  # fmt: skip


def test_json_output_shape_and_redaction(run: Runner, server: ScriptedServer) -> None:
    issued = {"accessToken": TOKEN, "refreshToken": TOKEN[::-1], "accessTokenExpiryDate": "2027-02-14T13:31:52+08:00"}
    server.script(Answer(body={"code": 200, "result": True, "message": "Success", "data": issued, "requestId": "r"}))
    result = probe(
        run,
        server,
        "/authentication/getAccessToken",
        "-d",
        '{"apiKey": "CJ4242@api@0123456789abcdef0123456789abcdef"}',
        "--json",
        "--verbose",
    )
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert set(data) == PROBE_JSON_KEYS
    assert data["sent"] is True and data["attempts"][0]["http_status"] == 200
    assert data["response"]["body"]["data"]["accessTokenExpiryDate"] == "2027-02-14T13:31:52+08:00"
    assert data["explanation"]["ok"] is True
    for secret in (TOKEN, TOKEN[::-1], "0123456789abcdef0123456789abcdef"):
        assert secret not in result.stdout + result.stderr


@pytest.mark.parametrize("flags", [["--dry-run"], ["--curl"], ["--verbose"], ["--json"], ["--verbose", "--json"]])
def test_token_is_masked_in_every_output_mode(run: Runner, server: ScriptedServer, flags: list[str]) -> None:
    server.script(Answer(body={"code": 1600001, "result": False, "message": f"bad token {TOKEN}"}))
    result = probe(run, server, "/product/query", "-p", "pid=1", *flags)
    assert TOKEN not in result.stdout + result.stderr
    assert "PROBE-SENTINEL-TOKEN" not in result.stdout + result.stderr
