"""`cjerr auth` against the mock and a scripted server on 127.0.0.1, plus the store in-process.

Most commands run cjerr's entry point in the test process (conftest's ``run_here``) against a mock in a
thread (tests/in_process.py); a real cjerr (``run``) where exit codes, stdin or a terminal are the subject.
Every test uses the file store in a temporary home (conftest: CJERR_CREDENTIAL_STORE=file,
HOME and XDG_CONFIG_HOME under tmp_path); the keyring tests use an in-memory backend.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cj_errors.account import credentials, session, tokens
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.cli import app as cli
from tests.cj_server import Answer, ScriptedServer
from tests.conftest import Runner, cjerr_executable, clean_env
from tests.in_process import ThreadMock
from tests.test_mock import Mock, launch

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes and process handling")

API_KEY = "CJ1234567@api@0123456789abcdef0123456789abcdef"
ACCESS = "API@CJ1234567@CJ:eyJhbGciOiJIUzI1NiJ9.AUTH-TEST-ACCESS-1111.sig"
REFRESH = "API@CJ1234567@CJ:eyJhbGciOiJIUzI1NiJ9.AUTH-TEST-REFRESH-2222.sig"
NEW_ACCESS = "API@CJ1234567@CJ:eyJhbGciOiJIUzI1NiJ9.AUTH-TEST-ACCESS-3333.sig"
NEW_REFRESH = "API@CJ1234567@CJ:eyJhbGciOiJIUzI1NiJ9.AUTH-TEST-REFRESH-4444.sig"
OK = Answer(body={"code": 200, "result": True, "message": "Success", "data": {"pid": "1"}, "requestId": "rq"})
REJECTED = Answer(body={"code": 1600001, "result": False, "message": "Invalid API key or access token", "data": None})


def token_answer(
    access: str, refresh: str, *, days: float = 15, refresh_days: float = 180, open_id: bool = True
) -> Answer:
    cn = dt.timezone(dt.timedelta(hours=8))
    now = dt.datetime.now(cn).replace(microsecond=0)
    data: dict[str, object] = {
        "accessToken": access,
        "accessTokenExpiryDate": (now + dt.timedelta(days=days)).isoformat(),
        "refreshToken": refresh,
        "refreshTokenExpiryDate": (now + dt.timedelta(days=refresh_days)).isoformat(),
        "createDate": now.isoformat(),
    }
    if open_id:
        data["openId"] = 33689
    return Answer(body={"code": 200, "result": True, "message": "Success", "data": data, "requestId": "rq-token"})


def store_file(home: Path) -> Path:
    return home / ".config" / "cjerr" / "credentials.json"


def one_stderr_line(result: Any) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cjerr: ")
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0]


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "api-key"
    path.write_text(API_KEY + "\n")
    return path


@pytest.fixture
def mock(tmp_path: Path) -> Iterator[ThreadMock]:
    """`cjerr mock --qps 0` in a thread of the test process (tests/in_process.py): the same server, no process."""
    running = ThreadMock(tmp_path, qps=0)
    yield running
    running.stop()


@pytest.fixture
def mock_process(tmp_path: Path) -> Iterator[Mock]:
    """`cjerr mock --qps 0` as a process, for a test that forks: a fork should not copy a mock's threads."""
    running = launch(tmp_path, "--qps", "0")
    yield running
    running.stop()


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


def login_calls(mock: ThreadMock | Mock, at_least: int = 0) -> int:
    """getAccessToken calls in the mock's log, once it shows ``at_least`` (it logs just after answering)."""
    import time

    deadline = time.monotonic() + 5
    while mock.stderr.count("/authentication/getAccessToken") < at_least and time.monotonic() < deadline:
        time.sleep(0.02)
    return mock.stderr.count("/authentication/getAccessToken")


def edit_store(home: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = store_file(home)
    document = json.loads(path.read_text())
    for entry in document["logins"].values():
        change(entry)
    path.write_text(json.dumps(document))


def past(hours: float = 1) -> str:
    return (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=hours)).isoformat()


# --- login -----------------------------------------------------------------------------------


def test_login_from_a_file_stores_the_pair_privately(
    run: Runner, mock: ThreadMock, key_file: Path, tmp_path: Path
) -> None:
    result = run("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"logged in to {mock.url} as CJ1234567" in result.stdout
    assert "API@...[redacted" in result.stdout
    assert "0123456789abcdef" not in result.stdout + result.stderr
    path = store_file(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not [name for name in os.listdir(path.parent) if name.endswith(".tmp")]
    document = json.loads(path.read_text())
    entry = document["logins"][mock.url]
    assert document["current"] == mock.url and entry["store"] == "file"
    assert entry["secrets"]["access_token"].startswith("API@CJ1234567@CJ:")
    assert entry["secrets"]["open_id"].isdigit()
    assert entry["access_expires"].endswith("+08:00") and entry["account"] == "CJ1234567"
    assert API_KEY not in path.read_text(), "the API key itself is never stored"
    # The stored token works: the mock accepts it.
    token = entry["secrets"]["access_token"]
    assert mock.get("/shopping/pay/getBalance", token=token).json()["code"] == 200


def test_login_from_stdin(run_here: Runner, mock: ThreadMock) -> None:
    result = run_here("auth", "login", "--base-url", mock.url, "--api-key-file", "-", input=API_KEY + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert login_calls(mock, 1) == 1


def test_api_key_option_does_not_exist(run_here: Runner, mock: ThreadMock) -> None:
    result = run_here("auth", "login", "--base-url", mock.url, "--api-key", API_KEY)
    assert result.returncode == ExitStatus.USAGE
    assert "No such option" in one_stderr_line(result)
    assert API_KEY not in result.stderr
    assert login_calls(mock) == 0


def test_no_key_and_no_terminal_is_a_usage_error(run: Runner, mock: ThreadMock) -> None:
    result = run("auth", "login", "--base-url", mock.url)
    assert result.returncode == ExitStatus.USAGE
    assert "--api-key-file" in one_stderr_line(result)


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("me@example.com", "email + password login stopped working in 2025"),
        (ACCESS, "looks like an access token"),
        ('"' + API_KEY + '"', "quotes or spaces"),
        ("CJ1234567@api@short", "does not have the form CJ<digits>@api@<32 hex characters>"),
    ],
    ids=["email", "token", "quoted", "short"],
)
def test_key_shape_is_checked_before_sending(
    run_here: Runner, server: ScriptedServer, tmp_path: Path, key: str, said: str
) -> None:
    path = tmp_path / "bad-key"
    path.write_text(key)
    result = run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(path))
    assert result.returncode == ExitStatus.INVALID_INPUT
    line = one_stderr_line(result)
    assert said in line and "nothing sent" in line
    assert server.received == []
    assert key not in result.stdout + result.stderr


def test_1600005_explains_the_api_key_only_flow(
    run_here: Runner, server: ScriptedServer, key_file: Path, tmp_path: Path
) -> None:
    server.script(
        Answer(body={"code": 1600005, "result": False, "message": "APIkey is wrong, please check and try again"})
    )
    result = run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file))
    assert result.returncode == ExitStatus.AUTH
    assert "1600005" in one_stderr_line(result)
    assert "email + password login gets this same answer" in result.stdout
    assert len(server.received) == 1, "never retried"
    body = json.loads(server.received[0].body)
    assert body == {"apiKey": API_KEY}
    assert server.received[0].path == "/api2.0/v1/authentication/getAccessToken"
    assert not store_file(tmp_path).exists(), "nothing stored"


def test_throttled_login_is_not_retried(run_here: Runner, server: ScriptedServer, key_file: Path) -> None:
    server.script(
        Answer(body={"code": 1600200, "result": False, "message": "Too Many Requests, QPS limit is 1 time/300 seconds"})
    )
    result = run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file))
    assert result.returncode == ExitStatus.TEMPORARY
    assert len(server.received) == 1
    assert "wait 5 minutes" in result.stdout


def test_second_login_within_five_minutes_reuses_the_pair(run_here: Runner, mock: ThreadMock, key_file: Path) -> None:
    first = run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file), "--json")
    assert first.returncode == 0
    assert json.loads(first.stdout)["action"] == "called"
    assert login_calls(mock, 1) == 1
    second = run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file))
    assert second.returncode == 0
    assert "reusing the pair stored" in second.stdout
    assert re.search(r"a new call is allowed from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in \d+ s\)", second.stdout)
    assert login_calls(mock) == 1
    as_json = json.loads(run_here("auth", "login", "--api-key-file", str(key_file), "--json").stdout)
    assert as_json["action"] == "reused" and as_json["next_login_allowed_at"].endswith("Z")
    forced = run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file), "--force")
    assert forced.returncode == 0 and "logged in to" in forced.stdout
    assert login_calls(mock, 2) == 2


def test_login_for_another_account_within_the_window_calls(
    run_here: Runner, mock: ThreadMock, key_file: Path, tmp_path: Path
) -> None:
    assert run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file)).returncode == 0
    other = tmp_path / "other-key"
    other.write_text("CJ7654321@api@fedcba9876543210fedcba9876543210")
    result = run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(other))
    assert result.returncode == 0 and "logged in to" in result.stdout and "as CJ7654321" in result.stdout
    assert login_calls(mock, 2) == 2


def test_status_names_the_other_stored_logins(
    run_here: Runner, mock: ThreadMock, server: ScriptedServer, key_file: Path
) -> None:
    server.script(token_answer(ACCESS, REFRESH))
    assert run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    assert run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file)).returncode == 0
    current = run_here("auth", "status")
    assert f"logged in to {mock.url}" in current.stdout
    assert f"note: other logins are stored for {server.base_url}" in current.stdout
    elsewhere = run_here("auth", "status", "--base-url", "https://developers.cjdropshipping.com/api2.0/v1")
    assert elsewhere.returncode == ExitStatus.AUTH
    assert "note: logins are stored for" in elsewhere.stdout


def test_a_bad_key_is_refused_even_within_the_window(
    run_here: Runner, mock: ThreadMock, key_file: Path, tmp_path: Path
) -> None:
    assert run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file)).returncode == 0
    bad = tmp_path / "bad-key"
    bad.write_text("me@example.com")
    result = run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(bad))
    assert result.returncode == ExitStatus.INVALID_INPUT and "nothing sent" in one_stderr_line(result)


def test_login_after_the_window_calls_again(run_here: Runner, mock: ThreadMock, key_file: Path, tmp_path: Path) -> None:
    assert run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file)).returncode == 0
    edit_store(tmp_path, lambda entry: entry.update(issued_at=past(hours=0.1)))
    result = run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file), "--json")
    assert json.loads(result.stdout)["action"] == "called"
    assert login_calls(mock, 2) == 2


def test_plain_http_is_refused_except_to_loopback(run_here: Runner, key_file: Path) -> None:
    result = run_here("auth", "login", "--base-url", "http://example.com/api2.0/v1", "--api-key-file", str(key_file))
    assert result.returncode == ExitStatus.CONFIG
    assert "plain HTTP" in one_stderr_line(result)
    for url in ("https://me:hunter22@example.com/api2.0/v1", "https://me:hunter22@[::1/api2.0/v1"):
        result = run_here("auth", "login", "--base-url", url, "--api-key-file", str(key_file))
        assert result.returncode == ExitStatus.USAGE
        assert "user name or password" in one_stderr_line(result) and "hunter22" not in result.stderr


# --- status ------------------------------------------------------------------------------------


def test_status_without_a_login(run_here: Runner) -> None:
    result = run_here("auth", "status")
    assert result.returncode == ExitStatus.AUTH
    assert "not logged in to https://developers.cjdropshipping.com/api2.0/v1" in result.stdout
    assert "credentials.json" in result.stdout
    one_stderr_line(result)
    document = json.loads(run_here("auth", "status", "--json").stdout)
    assert document["logged_in"] is False and document["exit_code"] == 77


def test_status_shows_times_in_utc_and_local_and_the_store(
    run_here: Runner, mock: ThreadMock, key_file: Path, tmp_path: Path
) -> None:
    assert run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file)).returncode == 0
    result = run_here("auth", "status", env={"TZ": "America/New_York"})
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"expires: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T local\), 179 days",
        result.stdout,
    ), result.stdout
    assert f"stored in:      file {store_file(tmp_path)} (mode 0600)" in result.stdout
    assert f"base URL:       {mock.url}" in result.stdout
    assert "API@...[redacted" in result.stdout
    document = json.loads(run_here("auth", "status", "--json").stdout)
    login = document["login"]
    assert document["logged_in"] and login["account"] == "CJ1234567" and login["open_id_stored"] is True
    assert 179 * 86400 < login["access_seconds_left"] <= 180 * 86400
    # CJ's +08:00 date, in UTC: eight hours earlier on the clock.
    stored = json.loads(store_file(tmp_path).read_text())["logins"][mock.url]["access_expires"]
    assert dt.datetime.fromisoformat(login["access_expires"].replace("Z", "+00:00")) == dt.datetime.fromisoformat(
        stored
    )


def test_status_check_calls_setting_get(run_here: Runner, mock: ThreadMock, key_file: Path) -> None:
    assert run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file)).returncode == 0
    result = run_here("auth", "status", "--check")
    assert result.returncode == 0, result.stderr
    assert "qpsLimit:       0" in result.stdout
    assert "quota:          /api2.0/v1/product/listV2: limit 1000" in result.stdout
    mock.log_after("/setting/get")
    assert mock.stderr.count("/setting/get") == 1


def test_status_check_reports_a_rejected_token(run_here: Runner, server: ScriptedServer, key_file: Path) -> None:
    server.script(token_answer(ACCESS, REFRESH), REJECTED)
    assert run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    result = run_here("auth", "status", "--check")
    assert result.returncode == ExitStatus.AUTH
    assert "1600001" in one_stderr_line(result)
    assert server.received[-1].headers["CJ-Access-Token"] == ACCESS


def test_status_with_expired_tokens(run_here: Runner, server: ScriptedServer, key_file: Path, tmp_path: Path) -> None:
    server.script(token_answer(ACCESS, REFRESH))
    assert run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    edit_store(tmp_path, lambda entry: entry.update(access_expires=past()))
    result = run_here("auth", "status")
    assert result.returncode == 0 and "the access token has expired" in result.stdout
    assert re.search(r"expires: .*, expired", result.stdout)
    edit_store(tmp_path, lambda entry: entry.update(refresh_expires=past()))
    result = run_here("auth", "status")
    assert result.returncode == ExitStatus.AUTH and "both tokens have expired" in result.stdout


# --- refresh ----------------------------------------------------------------------------------


def test_refresh_within_24_hours_says_the_pair_is_the_same(run_here: Runner, mock: ThreadMock, key_file: Path) -> None:
    assert run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file)).returncode == 0
    result = run_here("auth", "refresh", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["action"] == "same_pair"
    assert "cached pair for 24 hours" in document["notes"][0]
    assert document["login"]["refreshed_at"] is not None


def test_refresh_stores_a_new_pair(run_here: Runner, server: ScriptedServer, key_file: Path, tmp_path: Path) -> None:
    server.script(token_answer(ACCESS, REFRESH), token_answer(NEW_ACCESS, NEW_REFRESH, open_id=False))
    assert run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    result = run_here("auth", "refresh")
    assert result.returncode == 0, result.stderr
    assert "CJ issued a new pair" in result.stdout
    assert json.loads(server.received[1].body) == {"refreshToken": REFRESH}
    secrets = json.loads(store_file(tmp_path).read_text())["logins"][server.base_url]["secrets"]
    assert secrets == {"access_token": NEW_ACCESS, "refresh_token": NEW_REFRESH, "open_id": "33689"}


def test_refresh_failure_keeps_the_pair(run: Runner, server: ScriptedServer, key_file: Path, tmp_path: Path) -> None:
    server.script(
        token_answer(ACCESS, REFRESH),
        Answer(body={"code": 1600003, "result": False, "message": "Invalid Refresh token"}),
    )
    assert run("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    result = run("auth", "refresh")
    assert result.returncode == ExitStatus.AUTH
    assert "1600003" in one_stderr_line(result)
    assert "cjerr auth login" in result.stdout
    assert ACCESS in store_file(tmp_path).read_text()


def test_refresh_answered_by_a_proxy_page_is_an_unknown_outcome_and_keeps_the_pair(
    run_here: Runner, server: ScriptedServer, key_file: Path, tmp_path: Path
) -> None:
    # A refresh that issued a new pair retired the old one: after a page that says nothing, it may have.
    server.script(
        token_answer(ACCESS, REFRESH), Answer(status=403, body="<html>403 Forbidden</html>", content_type="text/html")
    )
    assert run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    result = run_here("auth", "refresh")
    assert result.returncode == ExitStatus.OUTCOME_UNKNOWN, result.stdout + result.stderr
    one_stderr_line(result)
    assert "the refresh may have replaced the token pair" in result.stdout
    assert ACCESS in store_file(tmp_path).read_text()
    assert len(server.received) == 2  # sent once, never repeated


def test_refresh_answered_system_busy_says_outcome_unknown_in_its_one_line(
    run: Runner, server: ScriptedServer, key_file: Path, tmp_path: Path
) -> None:
    server.script(token_answer(ACCESS, REFRESH), Answer(body={"code": 1600000, "result": False, "message": "busy"}))
    assert run("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    result = run("auth", "refresh")
    assert result.returncode == ExitStatus.OUTCOME_UNKNOWN, result.stdout + result.stderr
    line = one_stderr_line(result)
    assert "outcome unknown" in line and "failed" not in line, line  # exit 80 is no failure to act on
    assert ACCESS in store_file(tmp_path).read_text() and len(server.received) == 2


def test_refresh_without_a_login(run_here: Runner) -> None:
    result = run_here("auth", "refresh")
    assert result.returncode == ExitStatus.AUTH
    assert "not logged in" in one_stderr_line(result)


# --- probe with the stored login ---------------------------------------------------------------


def test_probe_uses_the_stored_login(run: Runner, server: ScriptedServer, key_file: Path) -> None:
    server.script(token_answer(ACCESS, REFRESH), OK)
    assert run("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    result = run("probe", "--base-url", server.base_url, "/product/query", "-p", "pid=1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert server.received[-1].headers["CJ-Access-Token"] == ACCESS
    # Not for another base URL: the token stays with the host that issued it.
    other = run("probe", "--dry-run", "--base-url", "http://localhost:9/api2.0/v1", "/product/query", "-p", "pid=1")
    assert "CJ-Access-Token" not in other.stdout and "1600002" in other.stdout


def test_probe_refreshes_an_expired_stored_token_once(
    run_here: Runner, server: ScriptedServer, key_file: Path, tmp_path: Path
) -> None:
    server.script(token_answer(ACCESS, REFRESH), token_answer(NEW_ACCESS, NEW_REFRESH), OK)
    assert run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    edit_store(tmp_path, lambda entry: entry.update(access_expires=past()))
    result = run_here("probe", "--base-url", server.base_url, "/product/query", "-p", "pid=1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the stored access token expired at" in result.stderr
    assert "refreshed the stored login (CJ issued a new pair" in result.stderr
    paths = [request.path for request in server.received]
    assert paths == [
        "/api2.0/v1/authentication/getAccessToken",
        "/api2.0/v1/authentication/refreshAccessToken",
        "/api2.0/v1/product/query?pid=1",
    ]
    assert server.received[-1].headers["CJ-Access-Token"] == NEW_ACCESS
    assert NEW_ACCESS in store_file(tmp_path).read_text()


def test_probe_refreshes_after_1600001_and_resends(
    run_here: Runner, server: ScriptedServer, key_file: Path, tmp_path: Path
) -> None:
    server.script(token_answer(ACCESS, REFRESH), REJECTED, token_answer(NEW_ACCESS, NEW_REFRESH), OK)
    assert run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    result = run_here("probe", "--base-url", server.base_url, "/product/query", "-p", "pid=1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CJ rejected the stored access token (1600001); refreshing it once" in result.stderr
    assert [request.headers.get("CJ-Access-Token") for request in server.received[1:]] == [ACCESS, None, NEW_ACCESS]
    # Once only: a second rejection is reported, not refreshed again.
    server.script(REJECTED)
    server.received.clear()
    again = run_here("probe", "--base-url", server.base_url, "/product/query", "-p", "pid=1")
    assert again.returncode == ExitStatus.AUTH
    # The query, one refresh (answered 1600001 too), and no resend.
    assert [request.path.rsplit("/", 1)[-1] for request in server.received] == ["query?pid=1", "refreshAccessToken"]
    assert "could not refresh" in again.stderr


def test_probe_never_refreshes_tokens_from_other_sources(
    run_here: Runner, server: ScriptedServer, key_file: Path, tmp_path: Path
) -> None:
    server.script(token_answer(ACCESS, REFRESH))
    assert run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    server.script(REJECTED)
    token_file = tmp_path / "token"
    token_file.write_text(NEW_ACCESS)
    for extra, env in (([], {"CJ_ACCESS_TOKEN": NEW_ACCESS}), (["--token-file", str(token_file)], {})):
        server.received.clear()
        result = run_here("probe", "--base-url", server.base_url, "/product/query", "-p", "pid=1", *extra, env=env)
        assert result.returncode == ExitStatus.AUTH
        assert [request.headers.get("CJ-Access-Token") for request in server.received] == [NEW_ACCESS]
        assert "refresh" not in result.stderr


def test_probe_warns_about_secrets_in_an_inline_body(run_here: Runner, tmp_path: Path) -> None:
    body = json.dumps({"apiKey": API_KEY})
    result = run_here("probe", "-n", "/authentication/getAccessToken", "-d", body)
    assert result.returncode == 0
    assert "warning  the -d body on the command line holds apiKey" in result.stdout
    assert "-d @file" in result.stdout and "cjerr auth login" in result.stdout
    (tmp_path / "body.json").write_text(body)
    from_file = run_here("probe", "-n", "/authentication/getAccessToken", "-d", f"@{tmp_path / 'body.json'}")
    assert "command line holds" not in from_file.stdout
    refresh = run_here("probe", "-n", "/authentication/refreshAccessToken", "-d", '{"refreshToken": "x"}')
    assert "holds refreshToken" in refresh.stdout


# --- logout ------------------------------------------------------------------------------------


def test_logout_expires_the_tokens_and_deletes_the_pair(
    run_here: Runner, mock: ThreadMock, key_file: Path, tmp_path: Path
) -> None:
    assert run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file)).returncode == 0
    token = json.loads(store_file(tmp_path).read_text())["logins"][mock.url]["secrets"]["access_token"]
    result = run_here("auth", "logout")
    assert result.returncode == 0, result.stderr
    assert "CJ expired both tokens" in result.stdout
    assert mock.get("/product/query?pid=1", token=token).json()["code"] == 1600001
    assert json.loads(store_file(tmp_path).read_text())["logins"] == {}
    assert run_here("auth", "status", "--base-url", mock.url).returncode == ExitStatus.AUTH
    again = run_here("auth", "logout", "--base-url", mock.url)
    assert again.returncode == 0 and "nothing to do" in again.stdout


def test_logout_failure_keeps_the_pair_unless_local_only(
    run_here: Runner, server: ScriptedServer, key_file: Path, tmp_path: Path
) -> None:
    server.script(token_answer(ACCESS, REFRESH), Answer(status=503, body="busy", content_type="text/plain"))
    assert run_here("auth", "login", "--base-url", server.base_url, "--api-key-file", str(key_file)).returncode == 0
    result = run_here("auth", "logout")
    # A 503 after the call went out: CJ may have retired the tokens or not, so the outcome is unknown.
    assert result.returncode == ExitStatus.OUTCOME_UNKNOWN
    assert "--local-only" in result.stdout
    one_stderr_line(result)
    assert ACCESS in store_file(tmp_path).read_text()
    local = run_here("auth", "logout", "--local-only")
    assert local.returncode == 0 and "without calling CJ" in local.stdout
    assert ACCESS not in store_file(tmp_path).read_text()
    assert len(server.received) == 2


# --- the store ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe", b"[]", b'{"cjerr_credentials": 1, "logins": []}', b'{"cjerr_credentials": 7}'],
    ids=["broken", "binary", "list", "wrong-type", "version"],
)
def test_corrupted_store_is_one_line_and_exit_78(run: Runner, tmp_path: Path, content: bytes) -> None:
    path = store_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    for args in (["auth", "status"], ["auth", "refresh"], ["auth", "logout"], ["probe", "-n", "/product/query"]):
        result = run(*args)
        assert result.returncode == ExitStatus.CONFIG, (args, result.stderr)
        line = one_stderr_line(result)
        assert "credential store" in line and "corrupted" in line
        assert result.stdout == ""


def test_corrupted_login_entry(run_here: Runner, mock: ThreadMock, key_file: Path, tmp_path: Path) -> None:
    assert run_here("auth", "login", "--base-url", mock.url, "--api-key-file", str(key_file)).returncode == 0
    edit_store(tmp_path, lambda entry: entry["secrets"].update(access_token=["x"]))
    result = run_here("auth", "status")
    assert result.returncode == ExitStatus.CONFIG
    assert "access token" in one_stderr_line(result)
    edit_store(tmp_path, lambda entry: entry.update(issued_at="yesterday"))
    assert run_here("auth", "status").returncode == ExitStatus.CONFIG


def test_unreadable_store(run_here: Runner, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    path = store_file(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{}")
    path.chmod(0)
    result = run_here("auth", "status")
    assert result.returncode == ExitStatus.CONFIG
    assert "cannot read" in one_stderr_line(result)


def test_store_is_a_directory(run_here: Runner, tmp_path: Path) -> None:
    store_file(tmp_path).mkdir(parents=True)
    result = run_here("auth", "status")
    assert result.returncode == ExitStatus.CONFIG
    one_stderr_line(result)


def sample_login(base_url: str = "https://example.test/api2.0/v1") -> credentials.StoredLogin:
    now = dt.datetime.now(dt.timezone.utc)
    return credentials.StoredLogin(
        base_url=base_url,
        access_token=ACCESS,
        refresh_token=REFRESH,
        access_expires=now + dt.timedelta(days=15),
        refresh_expires=now + dt.timedelta(days=180),
        issued_at=now,
        open_id="33689",
        account="CJ1234567",
    )


def test_write_is_atomic_and_private_even_in_an_open_folder(tmp_path: Path) -> None:
    folder = tmp_path / "cjerr"
    folder.mkdir(mode=0o755)
    (folder / "config.toml").write_text("")
    path = folder / "credentials.json"
    path.write_text("old")
    path.chmod(0o644)
    credentials.write_private(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert sorted(os.listdir(folder)) == ["config.toml", "credentials.json"]


def test_store_round_trip_and_logins_per_base_url(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "CJERR_CREDENTIAL_STORE": "file"}
    store = credentials.CredentialStore(env)
    assert store.kind == "file" and store.load("https://example.test/api2.0/v1") is None
    store.save(sample_login("HTTPS://Example.test/api2.0/v1/"))
    store.save(sample_login("http://127.0.0.1:1/api2.0/v1"))
    loaded = store.load("https://example.test/api2.0/v1")
    assert loaded is not None and loaded.access_token == ACCESS and loaded.open_id == "33689"
    assert store.current_base_url() == "http://127.0.0.1:1/api2.0/v1"
    assert store.delete("http://127.0.0.1:1/api2.0/v1") is True
    assert store.current_base_url() == "https://example.test/api2.0/v1"
    assert store.delete("http://127.0.0.1:1/api2.0/v1") is False
    # A refresh stores its pair without making that login the current one.
    store.save(sample_login("http://127.0.0.1:2/api2.0/v1"), make_current=False)
    assert store.current_base_url() == "https://example.test/api2.0/v1"


def test_unknown_store_choice_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(CliError) as raised:
        credentials.CredentialStore({"XDG_CONFIG_HOME": str(tmp_path), "CJERR_CREDENTIAL_STORE": "vault"})
    assert raised.value.status is ExitStatus.CONFIG


# --- the keyring (an in-memory backend; never the real one) ---------------------------------


keyring = pytest.importorskip("keyring")
from keyring.backend import KeyringBackend  # noqa: E402
from keyring.errors import PasswordDeleteError  # noqa: E402


class MemoryKeyring(KeyringBackend):
    priority = 10  # type: ignore[assignment]

    def __init__(self, fail_writes: bool = False) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.fail_writes = fail_writes

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.fail_writes:
            raise RuntimeError("the keyring is locked")
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError(username)
        del self.entries[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_keyring_holds_the_secrets_and_the_file_the_rest(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "CJERR_CREDENTIAL_STORE": "auto"}
    store = credentials.CredentialStore(env)
    assert store.kind == "keyring"
    saved = store.save(sample_login())
    assert saved.store == "keyring"
    text = (tmp_path / "cjerr" / "credentials.json").read_text()
    assert ACCESS not in text and REFRESH not in text and "33689" not in text
    assert memory_keyring.entries[("cjerr", "https://example.test/api2.0/v1 access_token")] == ACCESS
    assert "system keyring" in store.describe(saved) and "MemoryKeyring" in store.describe(saved)
    loaded = store.load("https://example.test/api2.0/v1")
    assert loaded is not None and loaded.refresh_token == REFRESH and loaded.store == "keyring"
    assert store.delete("https://example.test/api2.0/v1")
    assert memory_keyring.entries == {}


def test_keyring_write_failure_falls_back_to_the_file(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    memory_keyring.fail_writes = True
    store = credentials.CredentialStore({"XDG_CONFIG_HOME": str(tmp_path)})
    assert store.save(sample_login()).store == "file"
    assert ACCESS in (tmp_path / "cjerr" / "credentials.json").read_text()


def test_keyring_entry_gone_is_one_config_error(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    store = credentials.CredentialStore({"XDG_CONFIG_HOME": str(tmp_path)})
    store.save(sample_login())
    memory_keyring.entries.clear()
    with pytest.raises(CliError) as raised:
        store.load("https://example.test/api2.0/v1")
    assert raised.value.status is ExitStatus.CONFIG and "no longer holds" in raised.value.message


def test_headless_keyring_falls_back_to_the_file(tmp_path: Path) -> None:
    from keyring.backends import fail, null

    previous = keyring.get_keyring()
    try:
        for backend in (fail.Keyring(), null.Keyring()):
            keyring.set_keyring(backend)
            store = credentials.CredentialStore({"XDG_CONFIG_HOME": str(tmp_path), "CJERR_CREDENTIAL_STORE": "auto"})
            assert store.kind == "file"
            required = credentials.CredentialStore(
                {"XDG_CONFIG_HOME": str(tmp_path), "CJERR_CREDENTIAL_STORE": "keyring"}
            )
            with pytest.raises(CliError) as raised:
                required.save(sample_login())
            assert raised.value.status is ExitStatus.CONFIG and "no usable system keyring" in raised.value.message
    finally:
        keyring.set_keyring(previous)


# --- the Python API, the CLI shape, completion ------------------------------------------------


def test_stored_access_token_for_sdk_authors(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "CJERR_CREDENTIAL_STORE": "file"}
    assert session.stored_access_token(environ=env) is None
    credentials.CredentialStore(env).save(sample_login())
    assert session.stored_access_token(environ=env) == ACCESS
    assert session.stored_access_token("https://other.test/api2.0/v1", environ=env) is None
    import cj_errors

    assert cj_errors.stored_access_token is session.stored_access_token


def test_stored_access_token_refreshes_an_expired_one(tmp_path: Path, server: ScriptedServer) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "CJERR_CREDENTIAL_STORE": "file"}
    expired_login = sample_login(server.base_url)
    stale = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    credentials.CredentialStore(env).save(dataclasses.replace(expired_login, access_expires=stale))
    server.script(token_answer(NEW_ACCESS, NEW_REFRESH))
    assert session.stored_access_token(server.base_url, refresh=False, environ=env) is None
    assert server.received == []
    assert session.stored_access_token(server.base_url, environ=env) == NEW_ACCESS
    assert [request.path for request in server.received] == ["/api2.0/v1/authentication/refreshAccessToken"]
    stored = credentials.CredentialStore(env).load(server.base_url)
    assert stored is not None and stored.refresh_token == NEW_REFRESH and stored.refreshed_at is not None


def test_parse_cj_dates() -> None:
    assert tokens.parse_cj_date("2027-02-14T13:31:52+08:00") == dt.datetime(
        2027, 2, 14, 5, 31, 52, tzinfo=dt.timezone.utc
    )
    # Without an offset the date is CJ's own time, +08:00.
    assert tokens.parse_cj_date("2027-02-14 13:31:52") == dt.datetime(2027, 2, 14, 5, 31, 52, tzinfo=dt.timezone.utc)
    assert tokens.parse_cj_date(1_800_000_000_000) == dt.datetime.fromtimestamp(1_800_000_000, dt.timezone.utc)
    for bad in (None, "", "soon", True, [1]):
        assert tokens.parse_cj_date(bad) is None


def test_auth_is_built_alone_and_listed_in_help(run_here: Runner) -> None:
    assert cli._requested_command(["auth", "status"], {}) == "auth"
    focused = cli._app_for(["auth", "status"], {})
    assert focused.registered_commands == [] and [group.name for group in focused.registered_groups] == ["auth"]
    assert cli._app_for(["lookup", "1"], {}).registered_groups == []
    assert re.search(r"auth\s+Get, show, refresh", run_here("--help").stdout)
    sub = run_here("auth", "--help")
    for command in ("login", "status", "refresh", "logout"):
        assert command in sub.stdout
    bare = run_here("auth")
    assert bare.returncode == ExitStatus.USAGE and "login" in bare.stdout


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [("cjerr au", "1", {"auth"}), ("cjerr auth ", "2", {"login", "logout", "refresh", "status", "token"}),
     ("cjerr auth login --api", "3", {"--api-key-file"})],
    ids=["command", "subcommand", "option"],
)  # fmt: skip
def test_bash_completion_of_auth(run: Runner, words: str, cword: str, expected: set[str]) -> None:
    result = run(env={"_CJERR_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": cword})
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == expected


# --- docs/first-token.md's session, run against a real mock -------------------------------------

FIRST_TOKEN = (Path(__file__).resolve().parent.parent / "docs" / "first-token.md").read_text()
_SESSION = re.compile(
    r"<!-- tested by tests/test_auth.py::test_readme_first_token_session -->\n```text\n(.*?)```", re.S
)
_VARYING = [
    (re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"), "DATE UTC"),
    (re.compile(r"\d+ days \d+ h left"), "N days left"),
    (re.compile(r"\b\d+ s\b"), "N s"),
    (re.compile(r"\d+ chars"), "N chars"),
]


def _normalized(line: str, home: Path, base_url: str) -> str:
    line = line.rstrip().replace(str(home), "~").replace(base_url, "BASE")
    for pattern, replacement in _VARYING:
        line = pattern.sub(replacement, line)
    return line


def test_readme_first_token_session(run: Runner, mock: ThreadMock, tmp_path: Path) -> None:
    match = _SESSION.search(FIRST_TOKEN)
    assert match is not None, "docs/first-token.md lost its tested session"
    readme_base = "http://127.0.0.1:8765/api2.0/v1"
    (tmp_path / "api-key").write_text(API_KEY + "\n")
    steps: list[tuple[str, list[str]]] = []
    for line in match.group(1).splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif line.strip() != "...":
            steps[-1][1].append(line)
    assert steps[0][0].startswith("cjerr mock") and len(steps) == 7
    for command, shown in steps[1:]:
        words = command.replace(readme_base, mock.url).split()
        assert words[0] == "cjerr"
        result = subprocess.run(
            [cjerr_executable(), *words[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=60,
            env=clean_env(tmp_path, {"TZ": "UTC"}), stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        actual = [_normalized(line, tmp_path, mock.url) for line in result.stdout.splitlines()]
        expected = [_normalized(line, tmp_path, readme_base) for line in shown]
        position = 0
        for line in expected:
            while position < len(actual) and actual[position] != line:
                position += 1
            assert position < len(actual), f"{command!r}: {line!r} not in\n" + "\n".join(actual)
            position += 1


@pytest.mark.parametrize("extra", [[], ["--api-key-file", "-"]], ids=["no-option", "stdin"])
def test_hidden_prompt_on_a_terminal(mock_process: Mock, tmp_path: Path, extra: list[str]) -> None:
    """On a terminal (without --api-key-file, or with -), the key is asked for with echo off and never shown."""
    import pty
    import select
    import time

    env = clean_env(tmp_path)
    pid, fd = pty.fork()
    if pid == 0:  # the child: cjerr on the pseudo-terminal
        os.execve(cjerr_executable(), ["cjerr", "auth", "login", "--base-url", mock_process.url, *extra], env)
    output = b""
    deadline = time.monotonic() + 30
    sent = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
        if not sent and b"CJ API key (input hidden): " in output:
            os.write(fd, (API_KEY + "\n").encode())
            sent = True
    _, status = os.waitpid(pid, 0)
    text = output.decode("utf-8", "replace")
    assert sent, text
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "logged in to" in text
    assert "0123456789abcdef" not in text, "the key was echoed"
    assert login_calls(mock_process, 1) == 1
