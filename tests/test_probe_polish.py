"""probe's everyday polish, end to end with the installed cjerr against real servers on 127.0.0.1:
a --curl command that runs, --body for jq, one line for a failure without an answer, CJ's traps as
local findings, --allow-http for a stand-in, and base_url / unknown keys in the config file."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from pathlib import Path

import pytest

from cj_errors.base.exits import ExitStatus
from tests.cj_server import Answer, ScriptedServer, server  # noqa: F401 (server is a fixture)
from tests.conftest import Runner, cjerr_executable, clean_env

TOKEN = "API@CJ4242@CJ:eyJhbGciOiJIUzI1NiJ9.POLISH-SENTINEL-TOKEN-5d2e.signature"
ENV = {"CJ_ACCESS_TOKEN": TOKEN}
DATA = {"pid": "P-1", "variants": [{"vid": "V-1"}]}
OK = Answer(body={"code": 200, "result": True, "message": "Success", "data": DATA, "requestId": "rq-1"})
PARAM = Answer(body={"code": 1600300, "result": False, "message": "Param error", "data": DATA, "requestId": "rq-2"})


def probe(run: Runner, server: ScriptedServer, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return run("probe", "--base-url", server.base_url, *args, env=ENV if env is None else env, timeout=90)


def bash(command: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


# --- --curl ------------------------------------------------------------------------------------------------


def test_curl_command_runs_as_printed_and_reads_the_token_from_the_environment(
    run_here: Runner, server: ScriptedServer, tmp_path: Path
) -> None:
    server.script(OK)
    body = '{"startCountryCode": "CN", "endCountryCode": "US", "products": [{"vid": "it\'s V1", "quantity": 2}]}'
    result = probe(run_here, server, "--curl", "/logistic/freightCalculate", "-d", body)
    assert result.returncode == 0, result.stderr
    command = result.stdout.strip()
    assert '-H "CJ-Access-Token: $CJ_ACCESS_TOKEN"' in command and TOKEN not in command
    assert server.received == []  # --curl sends nothing itself
    ran = bash(command, clean_env(tmp_path, ENV), tmp_path)
    assert ran.returncode == 0, ran.stderr
    (request,) = server.received
    assert request.method == "POST" and request.path == "/api2.0/v1/logistic/freightCalculate"
    assert request.headers["CJ-Access-Token"] == TOKEN and request.body == body.encode()
    assert json.loads(ran.stdout)["data"] == DATA


def test_curl_reads_a_body_file_and_a_token_file_when_it_runs(
    run_here: Runner, server: ScriptedServer, tmp_path: Path
) -> None:
    server.script(OK)
    body_file = tmp_path / "my order.json"
    body_file.write_text('{"productId": "P-1"}\n')
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    result = probe(
        run_here,
        server,
        "--curl",
        "/product/addToMyProduct",
        "-d",
        f"@{body_file}",
        "--token-file",
        str(token_file),
        env={},
    )
    assert result.returncode == 0, result.stderr
    command = result.stdout.strip()
    assert f"--data-binary '@{body_file}'" in command and "productId" not in command
    assert f"$(cat {token_file})" in command and TOKEN not in result.stdout + result.stderr
    ran = bash(command, clean_env(tmp_path), tmp_path)
    assert ran.returncode == 0, ran.stderr
    (request,) = server.received
    assert request.headers["CJ-Access-Token"] == TOKEN and request.body == body_file.read_bytes()


def test_curl_prints_no_command_when_validation_finds_errors(run_here: Runner, server: ScriptedServer) -> None:
    result = probe(run_here, server, "--curl", "/product/query", "-d", '{"pid": 1')
    assert result.returncode == ExitStatus.INVALID_INPUT and result.stdout == ""
    assert "invalid JSON" in result.stderr and "no command printed" in result.stderr
    forced = probe(run_here, server, "--curl", "--force", "/product/query", "-p", "pid=1", "-p", "pageSize=x")
    assert forced.returncode == 0 and forced.stdout.startswith("curl ")


def test_curl_masks_an_inline_secret_and_says_so(run_here: Runner, server: ScriptedServer) -> None:
    key = "CJ4242@api@0123456789abcdef0123456789abcdef"
    result = probe(run_here, server, "--curl", "/authentication/getAccessToken", "-d", json.dumps({"apiKey": key}))
    assert result.returncode == 0 and key not in result.stdout + result.stderr
    assert "CJ-Access-Token" not in result.stdout  # getAccessToken takes no token
    assert "the body holds a secret" in result.stderr


# --- --body ------------------------------------------------------------------------------------------------


def test_body_prints_only_the_data_for_jq(run: Runner, server: ScriptedServer) -> None:
    server.script(OK)
    result = probe(run, server, "-b", "/product/query", "-p", "pid=P-1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == DATA and "CJ success" not in result.stdout + result.stderr


def test_body_prints_nothing_on_stdout_after_a_cj_error(run_here: Runner, server: ScriptedServer) -> None:
    server.script(PARAM)
    result = probe(run_here, server, "--body", "/product/query", "-p", "pid=P-1")
    assert result.returncode == ExitStatus.API_ERROR and result.stdout == ""
    assert "1600300" in result.stderr  # the explanation goes to stderr


def test_body_masks_tokens_in_the_data(run_here: Runner, server: ScriptedServer, tmp_path: Path) -> None:
    issued = {"accessToken": TOKEN, "refreshToken": TOKEN[::-1]}
    server.script(Answer(body={"code": 200, "result": True, "message": "Success", "data": issued}))
    key_file = tmp_path / "login.json"
    key_file.write_text('{"apiKey": "CJ4242@api@0123456789abcdef0123456789abcdef"}')
    result = probe(run_here, server, "--body", "/authentication/getAccessToken", "-d", f"@{key_file}")
    assert result.returncode == 0 and set(json.loads(result.stdout)) == {"accessToken", "refreshToken"}
    assert TOKEN not in result.stdout and TOKEN[::-1] not in result.stdout


@pytest.mark.parametrize("flags", [["--body", "--json"], ["--body", "--curl"], ["--body", "--dry-run"]])
def test_body_conflicts_are_usage_errors(run_here: Runner, server: ScriptedServer, flags: list[str]) -> None:
    result = probe(run_here, server, *flags, "/product/query", "-p", "pid=1")
    assert result.returncode == ExitStatus.USAGE and server.received == []
    if "--json" in flags:  # --json: even a usage error is one document on stdout (issue 28)
        assert json.loads(result.stdout)["exit_code"] == ExitStatus.USAGE
    else:
        assert result.stdout == ""


# --- a failure without an answer is printed once ---------------------------------------------------------------

REFUSED = ["probe", "--base-url", "http://127.0.0.1:9/api2.0/v1", "/product/query", "-p", "pid=1", "--retries", "0"]


def test_no_response_is_printed_once_when_stdout_and_stderr_are_one_stream(tmp_path: Path) -> None:
    merged = subprocess.run(
        [cjerr_executable(), *REFUSED], env=clean_env(tmp_path, ENV), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=60,
    )  # fmt: skip
    assert merged.returncode == ExitStatus.NETWORK
    assert merged.stdout.count("cannot connect") == 1, merged.stdout


def test_no_response_is_printed_once_on_a_terminal(tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [cjerr_executable(), *REFUSED, "--color", "never"], env=clean_env(tmp_path, ENV),
        stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == ExitStatus.NETWORK
    assert b"".join(chunks).count(b"cannot connect") == 1


def test_no_response_still_reaches_stderr_when_stdout_goes_elsewhere(run: Runner) -> None:
    result = run(*REFUSED, env=ENV)
    assert "cannot connect" in result.stdout and "cjerr: no response: cannot connect" in result.stderr


# --- CJ's traps ----------------------------------------------------------------------------------------------


def test_legacy_email_password_login_is_blocked_with_1600005(
    run_here: Runner, server: ScriptedServer, tmp_path: Path
) -> None:
    body = tmp_path / "old.json"
    body.write_text('{"email": "me@example.com", "password": "hunter2-secret-password"}')
    result = probe(run_here, server, "/authentication/getAccessToken", "-d", f"@{body}")
    assert result.returncode == ExitStatus.INVALID_INPUT and server.received == []
    assert "[1600005] getAccessToken no longer takes email + password" in result.stdout
    assert "apiKey can not be empty" not in result.stdout and "hunter2-secret-password" not in result.stdout


def test_an_api_key_without_cjs_shape_is_a_warning(run_here: Runner, server: ScriptedServer, tmp_path: Path) -> None:
    server.script(OK)
    body = tmp_path / "key.json"
    body.write_text(json.dumps({"apiKey": TOKEN}))  # an access token where the key belongs
    result = probe(run_here, server, "/authentication/getAccessToken", "-d", f"@{body}")
    assert result.returncode == 0 and len(server.received) == 1
    assert "warning  [1600005] apiKey looks like an access token" in result.stdout


@pytest.mark.parametrize("wrapped", [f"Bearer {TOKEN}", f'"{TOKEN}"'])
def test_a_token_file_with_bearer_or_quotes_is_blocked(
    run_here: Runner, server: ScriptedServer, tmp_path: Path, wrapped: str
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(wrapped + "\n")
    result = probe(run_here, server, "/product/query", "-p", "pid=1", "--token-file", str(token_file), env={})
    assert result.returncode == ExitStatus.INVALID_INPUT and server.received == []
    assert "[1600001] the token from --token-file" in result.stdout
    assert "POLISH-SENTINEL" not in result.stdout + result.stderr


WEBHOOK_BODY = {
    "product": {"type": "ENABLE", "callbackUrls": ["http://shop.example.com/cj"]},
    "stock": {"type": "CANCEL", "callbackUrls": ["https://shop.example.com/cj"]},
    "order": {"type": "ENABLE", "callbackUrls": ["https://localhost/cj"]},
    "logistics": {"type": "CANCEL", "callbackUrls": ["https://shop.example.com/cj"]},
}


def test_webhook_set_with_http_or_localhost_urls_is_blocked_for_cj(run_here: Runner) -> None:
    result = run_here("probe", "-n", "/webhook/set", "-d", json.dumps(WEBHOOK_BODY), env=ENV)
    assert result.returncode == ExitStatus.INVALID_INPUT
    assert "error    [1607002] product.callbackUrls[0]: the scheme is http://" in result.stdout
    assert "error    [1607001] order.callbackUrls[0]: localhost is this machine" in result.stdout


def test_webhook_set_local_urls_are_warnings_for_a_local_mock(run_here: Runner, server: ScriptedServer) -> None:
    local = {**WEBHOOK_BODY, "product": {"type": "ENABLE", "callbackUrls": ["http://127.0.0.1:8766/cj"]}}
    local["order"] = {"type": "ENABLE", "callbackUrls": ["https://localhost/cj"]}
    result = probe(run_here, server, "/webhook/set", "-d", json.dumps(local))
    assert result.returncode == 0 and len(server.received) == 1, result.stdout
    assert "accepts it" in result.stdout


def test_documented_ranges_block_and_a_quoted_quantity_warns(run_here: Runner, server: ScriptedServer) -> None:
    def body(quantity: object, country: str = "US") -> str:
        return json.dumps(
            {"startCountryCode": "CN", "endCountryCode": country, "products": [{"vid": "V1", "quantity": quantity}]}
        )

    zero = probe(run_here, server, "/logistic/freightCalculate", "-d", body(0))
    assert zero.returncode == ExitStatus.INVALID_INPUT and "products[0].quantity is 0" in zero.stdout
    country = probe(run_here, server, "/logistic/freightCalculate", "-d", body(1, "USA"))
    assert country.returncode == ExitStatus.INVALID_INPUT and "not a two-letter country code" in country.stdout
    page = probe(run_here, server, "/product/list", "-p", "pageSize=500")
    assert page.returncode == ExitStatus.INVALID_INPUT and "pageSize is 500; CJ's docs allow at most 200" in page.stdout
    assert server.received == []
    server.script(OK)
    quoted = probe(run_here, server, "/logistic/freightCalculate", "-d", body("2"))
    assert quoted.returncode == 0 and len(server.received) == 1
    assert "warning  [1600300] products[0].quantity must be integer, got a string" in quoted.stdout


def test_dry_run_shows_the_points_cost(run_here: Runner) -> None:
    result = run_here("probe", "-n", "/product/list", "-p", "pageNum=1", env=ENV)
    assert result.returncode == 0 and "points: 50 per call (CJ's points table)" in result.stdout
    data = json.loads(run_here("probe", "-n", "--json", "/product/query", "-p", "pid=1", env=ENV).stdout)
    assert data["request"]["points"] == 10


# --- --allow-http and the config file --------------------------------------------------------------------------

STAND_IN = "http://cj-mock.internal:8080/api2.0/v1"


def test_allow_http_reaches_a_stand_in_with_a_test_token(run_here: Runner, server: ScriptedServer) -> None:
    server.script(OK)
    # The stand-in's host name is reached through an HTTP proxy on 127.0.0.1 (this test's server).
    proxy = {"HTTP_PROXY": server.base_url.removesuffix("/api2.0/v1"), "NO_PROXY": ""}
    refused = run_here("probe", "--base-url", STAND_IN, "/product/query", "-p", "pid=1", env={**ENV, **proxy})
    assert refused.returncode == ExitStatus.CONFIG and "--allow-http" in refused.stderr
    real = run_here(
        "probe", "--base-url", STAND_IN, "--allow-http", "/product/query", "-p", "pid=1", env={**ENV, **proxy}
    )
    assert real.returncode == ExitStatus.CONFIG and "shaped like a real CJ token" in real.stderr
    assert server.received == []
    test_token = {"CJ_ACCESS_TOKEN": "docker-compose-test-token", **proxy}
    sent = run_here("probe", "--base-url", STAND_IN, "--allow-http", "/product/query", "-p", "pid=1", env=test_token)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    (request,) = server.received
    assert request.path == STAND_IN + "/product/query?pid=1"
    assert request.headers["CJ-Access-Token"] == "docker-compose-test-token"


def test_config_base_url_is_used_and_unknown_keys_are_warned_about(
    run_here: Runner, server: ScriptedServer, tmp_path: Path
) -> None:
    server.script(OK)
    config = tmp_path / "config.toml"
    config.write_text(f'base_url = "{server.base_url}"\nacess_token = "x"\ncolour = "never"\n')
    result = run_here("probe", "/product/query", "-p", "pid=1", env={**ENV, "CJERR_CONFIG": str(config)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(server.received) == 1
    assert "unknown key 'acess_token' is ignored; did you mean access_token?" in result.stderr
    assert "unknown key 'colour' is ignored (it reads access_token, token_file, base_url, no_spend)" in result.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("base_url = 5\n")
    wrong = run_here("probe", "/product/query", "-p", "pid=1", env={**ENV, "CJERR_CONFIG": str(bad)})
    assert wrong.returncode == ExitStatus.CONFIG and "base_url must be a non-empty string" in wrong.stderr


def test_there_is_one_loopback_rule() -> None:
    from cj_errors.base import inputs
    from cj_errors.requests import probe

    assert not hasattr(probe, "_is_loopback") and probe.inputs is inputs
    sources = "".join(path.read_text() for path in Path(inputs.__file__).parent.rglob("*.py"))
    assert sources.count("def is_loopback") == 1 and sources.count("def _is_loopback") == 0
