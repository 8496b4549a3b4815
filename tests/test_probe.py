"""probe against a real HTTP server on 127.0.0.1 that answers the way CJ does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cj_errors.base.exits import ExitStatus
from cj_errors.requests import probe as probing
from tests.cj_server import Answer, ScriptedServer, probe_in_process, server  # noqa: F401 (server is a fixture)
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


# Retry decisions run in process, through an httpx.MockTransport with a fake clock: exact waits, no sleeping.
# The installed cjerr still answers with the same exit codes (test_retried_answers_keep_their_exit_codes).


def test_rate_limit_in_http_200_is_retried_after_at_least_a_second() -> None:
    ran = probe_in_process("/product/query?pid=1", RATE, OK, token=TOKEN)
    assert ran.outcome.exit_status is ExitStatus.SUCCESS
    assert len(ran.received) == 2 and ran.sleeps == [1.0]
    assert ran.received[1].at - ran.received[0].at >= 1.0
    assert "attempt 1 of 3" in ran.announced[0] and "retrying in 1.0 s" in ran.announced[0]


def test_rate_limit_that_outlasts_retries_exits_temporary() -> None:
    ran = probe_in_process("/product/query?pid=1", RATE, token=TOKEN, retries=1)
    assert ran.outcome.exit_status is ExitStatus.TEMPORARY
    assert len(ran.received) == 2
    assert "QPS limit hit: 1 request(s) per 1 second" in ran.stdout


def test_system_busy_is_tried_at_most_three_times() -> None:
    ran = probe_in_process("/product/query?pid=1", BUSY, token=TOKEN, retries=6)
    assert len(ran.received) == 3 and len(ran.sleeps) == 2
    assert ran.outcome.exit_status is ExitStatus.TEMPORARY


def test_retried_answers_keep_their_exit_codes(run: Runner, server: ScriptedServer) -> None:
    """The exit-code contract, from the installed cjerr (--retries 0, so nothing waits)."""
    html_502 = Answer(status=502, body="<html><h1>502 Bad Gateway</h1></html>", content_type="text/html")
    for answer in (RATE, BUSY, html_502):
        server.script(answer)
        server.received.clear()
        result = probe(run, server, "/product/query", "-p", "pid=1", "--retries", "0")
        assert result.returncode == ExitStatus.TEMPORARY and len(server.received) == 1, result.stdout


def test_points_exhaustion_is_never_retried_and_says_when_it_resets(run_here: Runner, server: ScriptedServer) -> None:
    server.script(POINTS)
    result = probe(run_here, server, "/product/query", "-p", "pid=1", "--retries", "5")
    assert result.returncode == ExitStatus.QUOTA
    assert len(server.received) == 1
    assert "00:00 UTC" in result.stdout and "used today 104890" in result.stdout


def test_http_429_with_points_body_is_quota(run_here: Runner, server: ScriptedServer) -> None:
    server.script(Answer(status=429, body={"code": 429, "result": False, "message": "Insufficient points"}))
    result = probe(run_here, server, "/product/query", "-p", "pid=1")
    assert result.returncode == ExitStatus.QUOTA and len(server.received) == 1


def test_html_502_is_retried_then_explained_with_a_preview() -> None:
    html = Answer(status=502, body="<html><h1>502 Bad Gateway</h1></html>", content_type="text/html")
    ran = probe_in_process("/product/query?pid=1", html, token=TOKEN, retries=2)
    assert ran.outcome.exit_status is ExitStatus.TEMPORARY
    assert len(ran.received) == 3
    assert "HTTP 502" in ran.stdout and "<html><h1>502 Bad Gateway" in ran.stdout


def test_empty_body_is_not_an_envelope(run_here: Runner, server: ScriptedServer) -> None:
    server.script(Answer(status=200, body=b""))
    result = probe(run_here, server, "/product/query", "-p", "pid=1")
    assert result.returncode == ExitStatus.NOT_ENVELOPE and "empty body" in result.stdout


def test_envelope_variants_count_as_success(run_here: Runner, server: ScriptedServer) -> None:
    server.script(Answer(body={"code": 0, "success": True, "message": None, "data": []}))
    assert probe(run_here, server, "/product/globalWarehouseList").returncode == 0
    server.script(Answer(body={"success": True, "message": "ok", "data": {"payId": "1"}}))
    assert (
        probe(run_here, server, "/shopping/order/saveGenerateParentOrder", "-d", '{"shipmentOrderId":"S1"}').returncode
        == 0
    )


def test_rate_limit_without_result_field_is_still_an_error(run_here: Runner, server: ScriptedServer) -> None:
    server.script(Answer(body={"code": 1600200, "message": "Too Many Requests, QPS limit is 1 time/1second"}))
    result = probe(run_here, server, "/product/query", "-p", "pid=1", "--retries", "0")
    assert result.returncode == ExitStatus.TEMPORARY


def test_invalid_request_is_never_sent(run_here: Runner, server: ScriptedServer) -> None:
    result = probe(run_here, server, "/product/query", "-d", '{"pid": 1')
    assert result.returncode == ExitStatus.INVALID_INPUT
    assert server.received == []
    assert "nothing sent" in result.stdout


def test_force_sends_despite_findings(run_here: Runner, server: ScriptedServer) -> None:
    server.script(OK)
    result = probe(run_here, server, "/product/query", "--force")
    assert result.returncode == 0 and len(server.received) == 1


def test_order_creation_is_never_retried_automatically(run_here: Runner, server: ScriptedServer) -> None:
    server.script(RATE)  # CJ refused it unread, so only the retry rule keeps it from a second send
    body = {
        "orderNumber": "A-1", "shippingCountryCode": "US", "shippingCountry": "United States",
        "shippingProvince": "CA", "shippingCity": "LA", "shippingCustomerName": "Ann", "shippingAddress": "1 Main St",
        "logisticName": "CJPacket", "fromCountryCode": "CN", "products": [{"vid": "v1", "quantity": 1}],
    }  # fmt: skip
    result = probe(run_here, server, "/shopping/order/createOrderV2", "-d", json.dumps(body), "--retries", "3")
    assert len(server.received) == 1
    assert "--retry-mutating" in result.stdout
    assert result.returncode == ExitStatus.TEMPORARY
    server.received.clear()
    probe(
        run_here, server, "/shopping/order/createOrderV2", "-d", json.dumps(body), "--retries", "1", "--retry-mutating"
    )
    assert len(server.received) == 2


def test_slow_answer_times_out(run: Runner, server: ScriptedServer) -> None:
    server.script(Answer(body={"code": 200}, delay=3))
    result = probe(run, server, "/product/query", "-p", "pid=1", "--timeout", "0.5", "--retries", "0")
    # Had it waited out the 3 s, it would have met the success and exited 0.
    assert result.returncode == ExitStatus.TEMPORARY
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


def test_token_from_file_and_config(run_here: Runner, server: ScriptedServer, tmp_path: Path) -> None:
    server.script(OK)
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    assert (
        probe(run_here, server, "/product/query", "-p", "pid=1", "--token-file", str(token_file), env={}).returncode
        == 0
    )
    config = tmp_path / "config.toml"
    config.write_text(f'access_token = "{TOKEN}"\n')
    assert probe(run_here, server, "/product/query", "-p", "pid=1", env={"CJERR_CONFIG": str(config)}).returncode == 0
    assert all(request.headers["CJ-Access-Token"] == TOKEN for request in server.received)


def test_token_never_goes_to_another_host_or_over_plain_http(run_here: Runner) -> None:
    other = run_here("probe", "https://example.org/api2.0/v1/product/query", env=ENV)
    assert other.returncode == ExitStatus.CONFIG and "--allow-other-host" in other.stderr
    plain = run_here("probe", "--base-url", "http://cj.example/api2.0/v1", "/product/query", "-p", "pid=1", env=ENV)
    assert plain.returncode == ExitStatus.CONFIG and "plain HTTP" in plain.stderr


PROBE_JSON_KEYS = {
    "cjerr_schema", "command", "exit_code", "request", "findings", "sent", "attempts", "response", "explanation",
    "transport_error", "notes", "outcome", "next_step", "reconcile",
}  # fmt: skip


def test_json_output_shape_and_redaction(run_here: Runner, server: ScriptedServer) -> None:
    issued = {"accessToken": TOKEN, "refreshToken": TOKEN[::-1], "accessTokenExpiryDate": "2027-02-14T13:31:52+08:00"}
    server.script(Answer(body={"code": 200, "result": True, "message": "Success", "data": issued, "requestId": "r"}))
    result = probe(
        run_here,
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
    assert data["cjerr_schema"] == 3 and data["outcome"] == "success" and data["reconcile"] is None
    assert data["response"]["body"]["data"]["accessTokenExpiryDate"] == "2027-02-14T13:31:52+08:00"
    assert data["explanation"]["ok"] is True
    for secret in (TOKEN, TOKEN[::-1], "0123456789abcdef0123456789abcdef"):
        assert secret not in result.stdout + result.stderr


@pytest.mark.parametrize("flags", [["--dry-run"], ["--curl"], ["--verbose"], ["--json"], ["--verbose", "--json"]])
def test_token_is_masked_in_every_output_mode(run_here: Runner, server: ScriptedServer, flags: list[str]) -> None:
    server.script(Answer(body={"code": 1600001, "result": False, "message": f"bad token {TOKEN}"}))
    result = probe(run_here, server, "/product/query", "-p", "pid=1", *flags)
    assert TOKEN not in result.stdout + result.stderr
    assert "PROBE-SENTINEL-TOKEN" not in result.stdout + result.stderr


# --- retry policy from the code table (in-process send with a recorded sleep: exact and fast) ----------------------


def send_in_process(
    server: ScriptedServer, target: str, *, retries: int = 3, **options: object
) -> tuple[probing.ProbeOutcome, list[float], list[str]]:
    opts = probing.ProbeOptions(target=target, base_url=server.base_url, token=TOKEN, retries=retries, **options)  # type: ignore[arg-type]
    prepared = probing.prepare(opts)
    sleeps: list[float] = []
    announced: list[str] = []
    outcome = probing.send(prepared, opts, announced.append, sleep=sleeps.append)
    return outcome, sleeps, announced


def qps(window: str) -> Answer:
    return Answer(body={"code": 1600200, "result": False, "message": f"Too Many Requests, QPS limit is {window}"})


@pytest.mark.parametrize(
    "answer",
    [BUSY, Answer(body={"code": 1600301, "result": False, "message": "Read timed out"}), RATE],
    ids=["1600000", "1600301", "1600200"],
)
def test_short_wait_codes_wait_at_least_the_table_minimum(server: ScriptedServer, answer: Answer) -> None:
    server.script(answer, OK)
    outcome, sleeps, announced = send_in_process(server, "/product/query?pid=1")
    assert outcome.exit_status is ExitStatus.SUCCESS and len(server.received) == 2
    assert sleeps == [1.0], sleeps  # min_wait_seconds 1 s from the code table, above the 0.5 s backoff
    assert "retrying in 1.0 s" in announced[0]


def test_system_busy_stops_at_the_table_max_attempts_and_says_so(server: ScriptedServer) -> None:
    server.script(BUSY)
    outcome, sleeps, _ = send_in_process(server, "/product/query?pid=1", retries=6)
    assert len(server.received) == 3 and len(sleeps) == 2 and all(wait >= 1.0 for wait in sleeps)
    assert outcome.exit_status is ExitStatus.TEMPORARY
    assert any(note.startswith("gave up after 3 attempts: 1600000 tried 3 times") for note in outcome.notes)


def test_gave_up_and_not_retrying_reasons_are_visible() -> None:
    ran = probe_in_process("/product/query?pid=1", BUSY, token=TOKEN, retries=1)
    assert len(ran.received) == 2 and "note: gave up after 2 attempts (CJ 1600000)" in ran.stdout
    ran = probe_in_process("/product/query?pid=1", POINTS, token=TOKEN, retries=3)
    assert len(ran.received) == 1
    assert "note: not retrying: quota or daily points spent" in ran.stdout


def test_quota_and_daily_reset_codes_are_never_retried(server: ScriptedServer) -> None:
    for answer in (POINTS, Answer(body={"code": 1600201, "result": False, "message": "Quota has been used up"})):
        server.script(answer)
        server.received.clear()
        outcome, sleeps, _ = send_in_process(server, "/product/query?pid=1", retries=5)
        assert outcome.exit_status is ExitStatus.QUOTA and len(server.received) == 1 and sleeps == []
        # Points come back at 00:00 UTC (or sooner); a quota when its own period restarts.
        said = "00:00 UTC" if answer is POINTS else "quotaType"
        assert any(said in note for note in outcome.notes), outcome.notes


def test_a_short_qps_window_is_waited_out(server: ScriptedServer) -> None:
    server.script(qps("1 time/3 seconds"), OK)
    outcome, sleeps, _ = send_in_process(server, "/product/query?pid=1")
    assert outcome.exit_status is ExitStatus.SUCCESS and sleeps == [3.0]


def test_a_long_qps_window_is_not_retried_and_says_how_long_to_wait(server: ScriptedServer) -> None:
    server.script(qps("1 time/300 seconds"), OK)
    outcome, sleeps, _ = send_in_process(server, "/product/query?pid=1")
    assert len(server.received) == 1 and sleeps == []
    assert outcome.exit_status is ExitStatus.TEMPORARY
    assert any("not retrying" in note and "wait 5 min" in note for note in outcome.notes), outcome.notes


def test_http_errors_without_an_envelope_are_still_retried(server: ScriptedServer) -> None:
    server.script(Answer(status=503, body="busy", content_type="text/plain"), OK)
    outcome, sleeps, _ = send_in_process(server, "/product/query?pid=1")
    assert outcome.exit_status is ExitStatus.SUCCESS and len(sleeps) == 1
    server.script(Answer(status=429, body="", content_type="text/plain"), OK)
    server.received.clear()
    outcome, sleeps, _ = send_in_process(server, "/product/query?pid=1")
    assert outcome.exit_status is ExitStatus.SUCCESS and sleeps == [1.0]


@pytest.mark.parametrize("path", ["/authentication/getAccessToken", "/authentication/refreshAccessToken"])
@pytest.mark.parametrize(
    "answer", [RATE, Answer(status=429, body="", content_type="text/plain")], ids=["1600200", "http429"]
)
def test_auth_endpoints_are_never_retried_on_a_rate_limit(server: ScriptedServer, path: str, answer: Answer) -> None:
    server.script(answer, OK)
    body = '{"apiKey": "CJ4242@api@0123456789abcdef0123456789abcdef"}'
    if path.endswith("refreshAccessToken"):
        body = '{"refreshToken": "' + TOKEN[::-1] + '"}'
    outcome, sleeps, _ = send_in_process(server, path, data=body, retries=5)
    assert len(server.received) == 1 and sleeps == []
    assert any("strict rate limit of its own" in note and "every attempt" in note for note in outcome.notes)


def test_auth_rate_limit_note_says_how_long_to_wait(run_here: Runner, server: ScriptedServer) -> None:
    server.script(qps("1 time/300 seconds"), OK)
    body = '{"apiKey": "CJ4242@api@0123456789abcdef0123456789abcdef"}'
    result = probe(run_here, server, "/authentication/getAccessToken", "-d", body, "--retries", "3")
    assert result.returncode == ExitStatus.TEMPORARY and len(server.received) == 1
    assert "note: not retrying: /authentication/getAccessToken has a strict rate limit" in result.stdout
    assert "wait 5 min, then call it once" in result.stdout


def test_auth_endpoints_are_retried_on_system_busy(server: ScriptedServer) -> None:
    server.script(BUSY, OK)
    body = '{"apiKey": "CJ4242@api@0123456789abcdef0123456789abcdef"}'
    outcome, _, _ = send_in_process(server, "/authentication/getAccessToken", data=body)
    assert outcome.exit_status is ExitStatus.SUCCESS and len(server.received) == 2


def test_connection_path_get_is_retried_but_post_and_delete_are_not(server: ScriptedServer) -> None:
    server.script(BUSY, OK)
    outcome, _, _ = send_in_process(server, "/product/conn/connection")
    assert outcome.exit_status is ExitStatus.SUCCESS and len(server.received) == 2
    for method, data in (("POST", "{}"), ("DELETE", None)):
        server.script(RATE, OK)
        server.received.clear()
        outcome, _, _ = send_in_process(server, "/product/conn/connection", method=method, data=data)
        assert [request.method for request in server.received] == [method]
        assert outcome.exit_status is ExitStatus.TEMPORARY
        assert any("--retry-mutating" in note for note in outcome.notes)
        # "System busy" may have come after the change was made: check first, no advice to repeat.
        server.script(BUSY, OK)
        server.received.clear()
        outcome, _, _ = send_in_process(server, "/product/conn/connection", method=method, data=data)
        assert [request.method for request in server.received] == [method]
        assert outcome.exit_status is ExitStatus.OUTCOME_UNKNOWN
        assert not any("--retry-mutating" in note for note in outcome.notes)


# --- the URL actually sent -------------------------------------------------------------------------------------


def test_query_in_a_path_target_is_kept(run_here: Runner, server: ScriptedServer) -> None:
    server.script(OK)
    result = probe(run_here, server, "product/query?pid=1", "-p", "features=x")
    assert result.returncode == 0, result.stdout + result.stderr
    (request,) = server.received
    assert request.path == "/api2.0/v1/product/query?pid=1&features=x"


def test_base_url_without_the_api_prefix_is_an_error_naming_the_fix(run_here: Runner, server: ScriptedServer) -> None:
    bare = server.base_url.removesuffix("/api2.0/v1")
    result = run_here("probe", "--base-url", bare, "/product/query", "-p", "pid=1", env=ENV)
    assert result.returncode == ExitStatus.INVALID_INPUT and server.received == []
    assert "[1600101]" in result.stdout and f"use --base-url {bare}/api2.0/v1" in result.stdout
    doubled = server.base_url + "/api2.0/v1"
    result = run_here("probe", "--base-url", doubled, "/product/query", "-p", "pid=1", env=ENV)
    assert result.returncode == ExitStatus.INVALID_INPUT and server.received == []
    assert f"use --base-url {server.base_url}" in result.stdout


@pytest.mark.parametrize("suffix", ["/api2.0/v1/api2.0/v1/product/query", "/product/query"])
def test_full_url_must_name_the_api_prefix_exactly_once(run_here: Runner, server: ScriptedServer, suffix: str) -> None:
    origin = server.base_url.removesuffix("/api2.0/v1")
    result = probe(run_here, server, origin + suffix + "?pid=1")
    assert result.returncode == ExitStatus.INVALID_INPUT and server.received == []
    assert "[1600101]" in result.stdout and f"use {origin}/api2.0/v1/product/query" in result.stdout


def test_catalog_find_does_not_hide_a_doubled_prefix() -> None:
    from cj_errors.table import catalog

    assert catalog.find("/product/query") is not None
    assert catalog.find("/api2.0/v1/product/query") is None
    assert not hasattr(catalog, "paths")


# --- other hosts and credentials in URLs -----------------------------------------------------------------------


def test_token_is_not_sent_to_another_host_even_when_allowed(run_here: Runner, server: ScriptedServer) -> None:
    server.script(OK)
    url = server.base_url + "/product/query?pid=1"
    result = run_here("probe", "--base-url", "https://cj.example/api2.0/v1", url, "--allow-other-host", env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    (request,) = server.received
    assert "CJ-Access-Token" not in request.headers and TOKEN not in str(request.headers)
    assert "the token is not sent to 127.0.0.1; set --base-url to that host if you mean to" in result.stdout
    dry = run_here("probe", url, "--allow-other-host", "--dry-run", "--json", env=ENV)
    data = json.loads(dry.stdout)
    assert dry.returncode == 0 and data["request"]["token"] == "absent"
    assert "CJ-Access-Token" not in data["request"]["headers"] and TOKEN not in dry.stdout + dry.stderr
    assert any("token is not sent to 127.0.0.1" in finding["message"] for finding in data["findings"])
    curl = run_here("probe", url, "--allow-other-host", "--curl", env=ENV)
    assert "CJ-Access-Token" not in curl.stdout


@pytest.mark.parametrize("where", ["target", "base"])
def test_userinfo_in_a_url_is_a_usage_error_without_the_password(
    run_here: Runner, server: ScriptedServer, where: str
) -> None:
    with_userinfo = server.base_url.replace("http://", "http://user:hunter2secret@")
    if where == "target":
        result = probe(run_here, server, with_userinfo + "/product/query?pid=1")
    else:
        result = run_here("probe", "--base-url", with_userinfo, "/product/query", "-p", "pid=1", env=ENV)
    assert result.returncode == ExitStatus.USAGE and server.received == []
    assert "user name or password" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "hunter2secret" not in result.stdout + result.stderr


# --- secrets the request carries, echoed by the server ---------------------------------------------------------


@pytest.mark.parametrize("flags", [[], ["--verbose"], ["--json"]])
def test_a_body_secret_the_server_echoes_is_masked(
    run: Runner, server: ScriptedServer, tmp_path: Path, flags: list[str]
) -> None:
    """A refresh token in the shape of CJ's older docs (32 hex) matches no credential shape; it is masked anyway."""
    refresh = "0f59ac98193d64d62a9e887abea83036"
    echoed = {"code": 1600003, "result": False, "message": f"refresh token {refresh} expired", "data": None}
    server.script(Answer(body=echoed))
    body = tmp_path / "refresh.json"
    body.write_text(json.dumps({"refreshToken": refresh}), encoding="utf-8")
    result = probe(run, server, "/authentication/refreshAccessToken", "-d", f"@{body}", "--retries", "0", *flags)
    assert result.returncode == ExitStatus.AUTH, result.stdout + result.stderr
    assert server.received[0].body == body.read_bytes()  # sent as given; only what is printed is masked
    assert refresh not in result.stdout + result.stderr
    assert "refresh token 0f59...[redacted, 32 chars] expired" in result.stdout


# --- secrets in the query string ------------------------------------------------------------------------------

QUERY_SECRET = "query-secret-value-5f1e2d"


@pytest.mark.parametrize("where", ["param", "target"])
def test_a_secret_typed_into_the_query_gets_the_shell_history_warning(run: Runner, where: str) -> None:
    """As for an inline -d body: a -p value or a query in the path stays in shell history and shows in ps."""
    secret = f"refreshToken={QUERY_SECRET}"
    args = ["-p", secret] if where == "param" else []
    target = "/product/query?pid=1" + ("" if where == "param" else f"&{secret}")
    result = run("probe", "-n", target, "-p", "pid=2", *args, env=ENV)
    assert "refreshToken: it stays in your shell history and shows in ps" in result.stdout, result.stdout
    assert QUERY_SECRET not in result.stdout + result.stderr
    quiet = run("probe", "-n", "/product/query", "-p", "pid=1", env=ENV)
    assert "shell history" not in quiet.stdout


def test_shown_query_masks_secret_names() -> None:
    prepared = probing.prepare(
        probing.ProbeOptions(
            target=f"/product/query?pid=1&accessToken={QUERY_SECRET}", params=(f"api_key={QUERY_SECRET}",), token=TOKEN
        )
    )
    shown = prepared.shown_query()
    assert shown[0] == ("pid", "1") and [key for key, _ in shown] == ["pid", "accessToken", "api_key"]
    assert all(QUERY_SECRET not in value for _, value in shown)
    assert QUERY_SECRET not in prepared.shown_url() + prepared.curl()
    assert "pid=1" in prepared.shown_url()
    assert QUERY_SECRET in prepared.url  # only the display is masked


@pytest.mark.parametrize("flags", [["--curl"], ["--dry-run"], ["--dry-run", "--json"]])
def test_query_secrets_are_masked_in_the_shown_url(run_here: Runner, server: ScriptedServer, flags: list[str]) -> None:
    result = probe(run_here, server, "/product/query", "-p", "pid=1", "-p", f"token={QUERY_SECRET}", *flags)
    if "--json" in flags:
        shown_url = json.loads(result.stdout)["request"]["url"]
        assert QUERY_SECRET not in shown_url and "pid=1" in shown_url
    else:
        assert QUERY_SECRET not in result.stdout + result.stderr


def test_json_request_query_masks_secret_parameters(run_here: Runner) -> None:
    secret = "f59ac98193d64d62a9e887abea830369"
    result = run_here("probe", "-n", "--json", "/product/query", "-p", "pid=1", "-p", f"accessToken={secret}", env=ENV)
    data = json.loads(result.stdout)
    assert ["pid", "1"] in data["request"]["query"]
    assert secret not in result.stdout + result.stderr
