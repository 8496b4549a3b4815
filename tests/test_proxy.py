"""`cjerr proxy` and the shared limiter against real servers: cjerr mock, real proxies, a real redis-server.

Redis runs from the Debian package (`.ci/run` installs it); each test that needs it starts its own on a free
port in a temporary folder. Without redis-server those tests skip, except under CI=true, where a test fails.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cj_errors.sdk import limiter, pacing, redis_limiter
from tests.conftest import cjerr_executable, clean_env

TOKEN = "API@CJ7654321@CJ:proxy-test-token-0123456789abcdef"
REDIS = shutil.which("redis-server")
needs_redis = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed (apt-get install redis-server)")


def test_ci_has_redis_server() -> None:
    """CI must run the Redis tests: .ci/run installs redis-server, so its absence there is a failure."""
    if os.environ.get("CI") != "true":
        pytest.skip("checked under CI=true only")
    assert REDIS is not None, ".ci/run should have installed redis-server"


# --- servers -----------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Redis:
    port: int
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS is not None
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
            + ["--save", "", "--appendonly", "no", "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Redis]:
    if REDIS is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    server = Redis(_free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str

    @property
    def admin(self) -> str:
        return self.url.removesuffix("/api2.0/v1") + "/__cjerr"

    def stop(self) -> tuple[str, str]:
        if self.process.poll() is None:
            self.process.terminate()
        out, err = self.process.communicate(timeout=30)
        return out, err


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """launch("mock", ...) or launch("proxy", ...): a real cjerr process, stopped after the test."""
    started: list[Server] = []
    env = clean_env(tmp_path, {"XDG_CACHE_HOME": str(tmp_path / "cache")})

    def _launch(*args: str) -> Server:
        process = subprocess.Popen(
            [cjerr_executable(), *args, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        if not first.startswith("http://"):
            process.kill()
            pytest.fail(f"cjerr {args[0]} printed no base URL: {first!r} {process.communicate(timeout=30)[1]}")
        server = Server(process, first)
        started.append(server)
        return server

    yield _launch
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
        server.process.communicate(timeout=30)  # also closes the pipes of a process that ended


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "tokens"
    path.write_text(TOKEN + "\n", encoding="utf-8")
    return path


def call(
    url: str, method: str = "GET", body: bytes | None = None, token: str | None = TOKEN
) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["CJ-Access-Token"] = token
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def journal(mock: Server, path: str | None = None) -> list[dict[str, object]]:
    query = f"?path={path}" if path else ""
    with urllib.request.urlopen(f"{mock.admin}/requests{query}", timeout=10) as answer:
        return list(json.loads(answer.read())["requests"])


def tightest(moments: list[float], calls: int) -> float:
    """The shortest span holding ``calls + 1`` consecutive calls: at most ``calls`` a second means >= 1 s."""
    moments = sorted(moments)
    return min((moments[i + calls] - moments[i] for i in range(len(moments) - calls)), default=float("inf"))


WORKER = """
import sys, urllib.request
base, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for number in range(count):
    request = urllib.request.Request(base + "/product/list?pageNum=1", headers={"CJ-Access-Token": token})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            print(answer.status, answer.headers.get("X-Cjerr-Code"), answer.headers.get("X-Cjerr-Outcome"))
    except urllib.error.HTTPError as error:
        print(error.code, error.headers.get("X-Cjerr-Code"), error.headers.get("X-Cjerr-Outcome"))
"""


def run_fleet(proxies: list[Server], workers: int, calls: int) -> list[str]:
    """``workers`` processes behind each proxy, ``calls`` calls each, all at once; their answer lines."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, proxy.url, TOKEN, str(calls)], stdout=subprocess.PIPE, text=True
        )
        for proxy in proxies
        for _ in range(workers)
    ]
    lines: list[str] = []
    for process in processes:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        lines += out.splitlines()
    return lines


# --- the fleet -----------------------------------------------------------------------------------------


@needs_redis
def test_two_proxies_and_eight_workers_share_one_limit_through_redis(
    launch: Callable[..., Server], redis_server: Redis, token_file: Path
) -> None:
    """2 proxies (two hosts) x 4 worker processes at the mock's 2 QPS: spaced by the limit, no 1600200."""
    mock = launch("mock", "--qps", "2", "--token-file", str(token_file))
    proxies = [launch("proxy", "--to", mock.url, "--qps", "2", "--pacing", redis_server.url) for _ in range(2)]
    started = time.monotonic()
    lines = run_fleet(proxies, workers=4, calls=1)
    elapsed = time.monotonic() - started
    seen = journal(mock, "/product/list")
    assert len(lines) == 8 and all(line == "200 200 answered" for line in lines), lines  # no app saw 1600200
    drawn = [entry["code"] for entry in seen].count(1600200)
    # Slots are booked 0.15 s wider than the limit; a call held up longer than that on its way to the mock (a
    # machine loaded by a parallel suite) can still arrive early for the next one: then the proxy's retry is
    # what keeps it from the app. The runs measured on 2 cores drew none; one is tolerated, never more.
    assert drawn <= 1 and len(seen) == 8 + drawn, seen
    if drawn == 0:
        assert tightest([float(entry["at"]) for entry in seen], 2) >= 0.98  # never 3 calls within a second
    assert elapsed < 15, "8 calls at 2 a second take about 4 s"


@needs_redis
def test_without_a_shared_limiter_the_same_fleet_draws_1600200(launch: Callable[..., Server], token_file: Path) -> None:
    """The check above can fail: two proxies pacing each on its own (memory:) go over the account's limit."""
    mock = launch("mock", "--qps", "2", "--token-file", str(token_file))
    proxies = [
        launch("proxy", "--to", mock.url, "--qps", "2", "--pacing", "memory:", "--retries", "0") for _ in range(2)
    ]
    lines = run_fleet(proxies, workers=2, calls=1)
    assert any(line.startswith("200 1600200 ") for line in lines), lines
    assert any(entry["code"] == 1600200 for entry in journal(mock, "/product/list"))


@needs_redis
def test_a_1600200_seen_by_one_member_slows_every_member(redis_server: Redis) -> None:
    one = limiter.open_backend(redis_server.url)
    two = limiter.open_backend(redis_server.url)
    try:
        first, second = one.bucket("account-a", 2, 1.0), two.bucket("account-a", 2, 1.0)
        assert first.reserve() == 0.0 and second.reserve() == 0.0
        assert second.reserve() == pytest.approx(1.0 + redis_limiter.FLEET_MARGIN, abs=0.05), "the third call waits"
        first.slow_down()
        assert second.slowdown == 2.0
        second.recover()
        assert first.slowdown == 1.0
        with pytest.raises(pacing.PaceRefused):
            first.reserve(max_wait=0.1)
        assert two.bucket("account-b", 2, 1.0).reserve() == 0.0, "another account has its own limit"
    finally:
        one.close()
        two.close()


@needs_redis
def test_a_token_is_paced_by_its_account_once_an_answer_names_the_openid(redis_server: Redis) -> None:
    """Two tokens of one account share a bucket once any member saw the account's openId; no secret is a key."""
    import redis

    host_a = limiter.Limiter(limiter.open_backend(redis_server.url), 1)
    host_b = limiter.Limiter(limiter.open_backend(redis_server.url), 1)
    login = {"code": 200, "data": {"openId": 12345, "accessToken": "token-one-1234567890"}}
    host_a.learn("/authentication/getAccessToken", None, login)
    host_b.learn("/setting/get", "token-two-1234567890", {"code": 200, "data": {"openId": 12345}})
    one = host_b.bucket_for("/product/list", "cj", "token-one-1234567890")
    two = host_a.bucket_for("/product/list", "cj", "token-two-1234567890")
    assert one is not None and two is not None
    assert one.reserve() == 0.0
    assert two.reserve() > 0.5, "the second token waits for the first: one account"
    keys = [key.decode() for key in redis.Redis.from_url(redis_server.url).keys("*")]
    assert keys and not any("12345" in key or "token-" in key for key in keys), keys
    host_a.backend.close()
    host_b.backend.close()


@needs_redis
def test_a_redis_stopped_mid_run_stops_the_calls_with_a_clear_answer(
    launch: Callable[..., Server], redis_server: Redis, token_file: Path
) -> None:
    mock = launch("mock", "--qps", "0", "--token-file", str(token_file))
    proxy = launch("proxy", "--to", mock.url, "--pacing", redis_server.url)
    status, headers, _ = call(proxy.url + "/product/list?pageNum=1")
    assert (status, headers["X-Cjerr-Outcome"]) == (200, "answered")
    redis_server.stop()
    status, headers, body = call(proxy.url + "/product/list?pageNum=1")
    assert (status, headers["X-Cjerr-Outcome"]) == (503, "not-sent")
    assert "cannot be reached" in json.loads(body)["cjerr"]["message"]
    assert len(journal(mock, "/product/list")) == 1, "nothing was sent while the limit could not be kept"
    redis_server.start()
    status, headers, _ = call(proxy.url + "/product/list?pageNum=1")
    assert (status, headers["X-Cjerr-Outcome"]) == (200, "answered"), "pacing resumes with Redis"
    out, err = proxy.stop()
    assert "not-sent" in out and "Traceback" not in err


def test_an_unreachable_redis_at_start_is_a_clear_error(run: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    port = _free_port()
    result = run("proxy", "--to", "http://127.0.0.1:9/api2.0/v1", "--pacing", f"redis://127.0.0.1:{port}/0")
    assert result.returncode == 68, result.stderr
    assert "cannot be reached" in result.stderr and "Traceback" not in result.stderr


# --- one proxy -----------------------------------------------------------------------------------------


def _fault(mock: Server, path: str, body: str) -> None:
    rule = json.dumps({"path": path, "body": body}).encode()
    headers = {"Content-Type": "application/json"}
    urllib.request.urlopen(
        urllib.request.Request(mock.admin + "/faults", data=rule, method="POST", headers=headers), timeout=10
    )


def test_answers_pass_through_byte_for_byte_with_only_cjerr_headers_added(
    launch: Callable[..., Server], token_file: Path
) -> None:
    mock = launch("mock", "--qps", "0", "--token-file", str(token_file))
    proxy = launch("proxy", "--to", mock.url, "--pacing", "memory:")
    _fault(mock, "/product/query", '{"code":200, "data" : {"pid":"P1"},"x":"é"}')
    direct = call(mock.url + "/product/query?pid=P1")
    proxied = call(proxy.url + "/product/query?pid=P1")
    assert proxied[2] == direct[2] == '{"code":200, "data" : {"pid":"P1"},"x":"é"}'.encode()
    added = {name for name in proxied[1] if name not in direct[1]}
    assert added == {"X-Cjerr-Outcome", "X-Cjerr-Code", "X-Cjerr-Wait", "X-Cjerr-Tries"}
    assert proxied[1]["X-Cjerr-Code"] == "200"


def test_a_call_that_changes_data_is_never_repeated_and_a_lost_answer_is_unknown(
    launch: Callable[..., Server], token_file: Path
) -> None:
    mock = launch("mock", "--qps", "0", "--token-file", str(token_file), "--fail", "drop:1")
    proxy = launch("proxy", "--to", mock.url, "--pacing", "memory:")
    order = json.dumps({"orderNumber": "A1", "shippingCountryCode": "US", "products": []}).encode()
    status, headers, body = call(proxy.url + "/shopping/order/createOrderV2", "POST", order)
    assert (status, headers["X-Cjerr-Outcome"]) == (502, "unknown")
    assert "may have worked" in json.loads(body)["cjerr"]["message"]
    assert len(journal(mock, "/shopping/order/createOrderV2")) == 1, "sent once, never again"
    status, headers, _ = call(proxy.url + "/product/list?pageNum=1")
    assert (status, headers["X-Cjerr-Outcome"], headers["X-Cjerr-Tries"]) == (502, "no-answer", "3")
    assert len(journal(mock, "/product/list")) == 3, "a read is tried again, as the retry policy allows"


def test_a_gateway_page_after_a_create_passes_through_marked_unknown(
    launch: Callable[..., Server], token_file: Path
) -> None:
    """The mock creates the order and then answers 504 with a gateway's page, as a proxy in front of CJ can."""
    mock = launch(
        "mock", "--qps", "0", "--token-file", str(token_file), "--fail", "http504:after:1:/shopping/order/createOrderV2"
    )
    proxy = launch("proxy", "--to", mock.url, "--pacing", "memory:")
    order = json.dumps({"orderNumber": "G1", "shippingCountryCode": "US", "products": []}).encode()
    status, headers, _ = call(proxy.url + "/shopping/order/createOrderV2", "POST", order)
    assert (status, headers["X-Cjerr-Outcome"]) == (504, "unknown")
    assert len(journal(mock, "/shopping/order/createOrderV2")) == 1, "sent once, never again"
    status, headers, _ = call(proxy.url + "/product/list?pageNum=1")
    assert (status, headers["X-Cjerr-Outcome"]) == (200, "answered")


def test_a_redirect_is_never_passed_on_so_no_app_follows_it_elsewhere(launch: Callable[..., Server]) -> None:
    """An app that followed a redirect would send the call, with its token, to another address outside the pace:
    a create gets 502 unknown (it may have worked), a read 502 no-answer, and neither carries the Location."""
    followed: list[str] = []

    class Elsewhere(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _answer(self) -> None:
            if self.path.startswith("/elsewhere"):
                followed.append(self.headers.get("CJ-Access-Token", ""))
                self.send_response(200)
            else:
                self.send_response(307)
                self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = _answer

    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{upstream.server_address[1]}/api2.0/v1"
        proxy = launch("proxy", "--to", base, "--pacing", "memory:", "--retries", "0")
        order = json.dumps({"orderNumber": "R1", "shippingCountryCode": "US", "products": []}).encode()
        status, headers, body = call(proxy.url + "/shopping/order/createOrderV2", "POST", order)
        assert (status, headers["X-Cjerr-Outcome"], "Location" in headers) == (502, "unknown", False)
        assert "redirect" in json.loads(body)["cjerr"]["message"]
        status, headers, _ = call(proxy.url + "/product/list?pageNum=1")
        assert (status, headers["X-Cjerr-Outcome"], "Location" in headers) == (502, "no-answer", False)
        assert followed == [], "nobody went to the redirect's address"
    finally:
        upstream.shutdown()
        upstream.server_close()


def test_each_cj_error_prints_one_line_with_the_token_masked_and_the_journal_feeds_explain(
    launch: Callable[..., Server],
    token_file: Path,
    tmp_path: Path,
    run: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    mock = launch("mock", "--qps", "0", "--token-file", str(token_file), "--fail", "1600200:1:/product/list")
    log = tmp_path / "calls.jsonl"
    proxy = launch("proxy", "--to", mock.url, "--qps", "0", "--retries", "1", "--journal", str(log))
    status, headers, _ = call(proxy.url + "/product/list?pageNum=1")
    assert (status, headers["X-Cjerr-Code"], headers["X-Cjerr-Tries"]) == (200, "1600200", "2")
    assert float(headers["X-Cjerr-Wait"]) >= 0.9, "the retry waited out CJ's 1 s window"
    assert call(proxy.url + "/shopping/pay/getBalance")[1]["X-Cjerr-Code"] == "200"  # a success prints no line
    out, _ = proxy.stop()
    lines = out.splitlines()  # after the base URL, which launch() read
    assert len(lines) == 1 and " GET /product/list -> 1600200 " in lines[0], out
    assert TOKEN not in out and TOKEN[:4] + "...[redacted" in lines[0]
    assert TOKEN not in log.read_text()
    assert (log.stat().st_mode & 0o777) == 0o600
    explained = run("explain", str(log))
    assert explained.returncode == 75 and "1600200" in explained.stdout, explained.stdout + explained.stderr


def test_a_recorded_run_is_replayed_by_the_mock(
    launch: Callable[..., Server], token_file: Path, tmp_path: Path
) -> None:
    mock = launch("mock", "--qps", "0", "--token-file", str(token_file), "--fail", "1600001:1:/product/query")
    recordings = tmp_path / "recorded"
    proxy = launch("proxy", "--to", mock.url, "--pacing", "memory:", "--record", str(recordings))
    first = call(proxy.url + "/product/list?pageNum=1")[2]
    second = call(proxy.url + "/product/query?pid=P9")[2]
    proxy.stop()
    files = sorted(recordings.iterdir())
    assert [path.name for path in files] == ["000001-GET-product-list.json", "000002-GET-product-query.json"]
    assert all(TOKEN not in path.read_text() and (path.stat().st_mode & 0o777) == 0o600 for path in files)
    replaying = launch("mock", "--qps", "0", "--replay", str(recordings))  # no token file: the recordings answer
    assert json.loads(call(replaying.url + "/product/query?pid=P9")[2]) == json.loads(second)
    assert json.loads(call(replaying.url + "/product/list?pageNum=1")[2]) == json.loads(first)
    assert json.loads(call(replaying.url + "/product/list?pageNum=1")[2])["code"] == 1600001, "then the mock's own"


def test_another_host_is_refused_unless_allowed(run: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    refused = run("proxy", "--to", "https://example.com/api2.0/v1")
    assert refused.returncode == 2 and "--allow-any-host" in refused.stderr, refused.stderr
    clear = run("proxy", "--to", "http://developers.cjdropshipping.com/api2.0/v1")
    assert clear.returncode == 2 and "plain http" in clear.stderr
    bad = run("proxy", "--to", "http://127.0.0.1:9/api2.0/v1", "--pacing", "ftp://x")
    assert bad.returncode == 2 and "unknown pacing scheme ftp:" in bad.stderr


def test_ctrl_c_and_a_closed_stdout_end_cleanly(launch: Callable[..., Server], token_file: Path) -> None:
    mock = launch("mock", "--qps", "0", "--token-file", str(token_file), "--fail", "1600001:1")
    proxy = launch("proxy", "--to", mock.url, "--pacing", "memory:")
    assert proxy.process.stdout is not None
    proxy.process.stdout.close()  # like `cjerr proxy ... | head -1`
    for _ in range(2):
        status, headers, _ = call(proxy.url + "/product/list?pageNum=1")
        assert (status, headers["X-Cjerr-Code"]) == (200, "1600001"), "the proxy goes on without its stdout"
    proxy.process.send_signal(signal.SIGINT)
    assert proxy.process.wait(timeout=20) == 130
    assert proxy.process.stderr is not None
    err = proxy.process.stderr.read()
    proxy.process.stderr.close()
    assert "stdout is closed" in err and "cjerr proxy: stopped" in err and "Traceback" not in err


# --- the Python transports on the same backends ------------------------------------------------------


@needs_redis
def test_two_transports_on_one_redis_keep_one_limit_and_stop_when_it_goes(
    redis_server: Redis, token_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    from cj_errors import CJTransport, mock

    running = mock.start(qps=2, token_file=token_file)
    monkeypatch.setenv("CJERR_PACING_URL", redis_server.url)  # the second transport takes it from the environment
    try:
        clients = [
            httpx.Client(base_url=running.url, headers={"CJ-Access-Token": TOKEN}, transport=transport)
            for transport in (CJTransport(qps=2, pacing_url=redis_server.url, retries=0), CJTransport(qps=2, retries=0))
        ]
        for number in range(6):
            clients[number % 2].get("/product/list", params={"pageNum": 1})
        seen = running.requests("/product/list")
        assert [entry["code"] for entry in seen] == [200] * 6
        assert tightest([float(entry["at"]) for entry in seen], 2) >= 0.98
        redis_server.stop()
        with pytest.raises(pacing.PacingUnavailable, match="cannot be reached"):
            clients[0].get("/product/list", params={"pageNum": 1})
        assert len(running.requests("/product/list")) == 6, "not sent"
        for client in clients:
            client.close()
    finally:
        running.close()


def test_the_lock_file_follows_a_token_to_its_account_without_a_gap(tmp_path: Path) -> None:
    now = [1000.0]
    backend = limiter.FileBackend(tmp_path, clock=lambda: now[0])
    pace = limiter.Limiter(backend, 1)
    first = pace.bucket_for("/product/list", "cj", "token-one-1234567890")
    assert first is not None and first.reserve() == 0.0
    pace.learn("/setting/get", "token-one-1234567890", {"data": {"openId": 777}})
    other_process = limiter.Limiter(limiter.FileBackend(tmp_path, clock=lambda: now[0]), 1)
    other_process.learn("/setting/get", "token-two-1234567890", {"data": {"openId": 777}})
    second = other_process.bucket_for("/product/list", "cj", "token-two-1234567890")
    assert second is not None and second.reserve() == pytest.approx(1.0 + pacing.MARGIN), "same account, same pace"
    assert not any("777" in path.name or "token" in path.name for path in tmp_path.iterdir())
    assert all((path.stat().st_mode & 0o777) == 0o600 for path in tmp_path.iterdir())


def test_a_bad_pacing_url_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown pacing scheme ftp:"):
        limiter.open_backend("ftp://example")
    assert isinstance(limiter.open_backend(None), limiter.FileBackend)
    assert limiter.open_backend("memory:").shared is False


def test_a_sender_that_wakes_late_books_a_new_slot_instead_of_going_out_of_turn() -> None:
    now = [0.0]
    delays = [0.5, 0.2]
    oversleep = [0.3, 0.0]  # the first wait ends 0.3 s late (a loaded machine), the second on time

    class Bucket:
        calls, window, slowdown = 1, 1.0, 1.0

        def reserve(self, max_wait: float | None = None) -> float:
            return delays.pop(0)

        def slow_down(self) -> None: ...

        def recover(self) -> None: ...

    def sleep(seconds: float) -> None:
        now[0] += seconds + oversleep.pop(0)

    spent = limiter.take_turn(Bucket(), None, sleep=sleep, clock=lambda: now[0])
    assert delays == [] and spent == pytest.approx(1.0), "booked twice: 0.8 s late-woken, then 0.2 s on time"


def test_an_answer_the_journal_cannot_hold_as_utf8_still_reaches_the_app(
    launch: Callable[..., Server], token_file: Path, tmp_path: Path
) -> None:
    mock = launch("mock", "--qps", "0", "--token-file", str(token_file))
    journal_file, recorded = tmp_path / "journal.jsonl", tmp_path / "rec"
    proxy = launch(
        "proxy", "--to", mock.url, "--pacing", "memory:", "--journal", str(journal_file), "--record", str(recorded)
    )
    _fault(mock, "/product/query", '{"code":200,"result":true,"message":"\\ud83d","data":{"pid":"P1"}}')
    status, headers, body = call(proxy.url + "/product/query?pid=P1")
    assert (status, headers["X-Cjerr-Outcome"]) == (200, "answered") and b"\\ud83d" in body
    entry = json.loads(journal_file.read_text(encoding="utf-8").splitlines()[-1])
    assert entry["path"] == "/product/query" and entry["body"]["message"] == "\ud83d"
    assert list(recorded.glob("*.json")), "the recording was written too"


def test_a_token_cj_echoes_is_masked_in_the_live_line_and_the_journal(
    launch: Callable[..., Server], tmp_path: Path
) -> None:
    hex_token = "f59ac9810369f59ac9810369f59ac981"  # an old-style token: 32 hex characters, no shape to find
    tokens = tmp_path / "hex-token"
    tokens.write_text(hex_token + "\n", encoding="utf-8")
    mock = launch("mock", "--qps", "0", "--token-file", str(tokens))
    journal_file = tmp_path / "journal.jsonl"
    proxy = launch("proxy", "--to", mock.url, "--pacing", "memory:", "--journal", str(journal_file))
    _fault(mock, "/product/query", f'{{"code":1600001,"result":false,"message":"token {hex_token} is invalid"}}')
    status, _, _ = call(proxy.url + "/product/query?pid=P1", token=hex_token)
    assert status == 200
    out, _ = proxy.stop()
    assert "1600001" in out and hex_token not in out
    assert hex_token not in journal_file.read_text(encoding="utf-8")


def test_a_refresh_token_the_call_carries_and_cj_echoes_is_masked_everywhere_the_proxy_writes(
    launch: Callable[..., Server], token_file: Path, tmp_path: Path
) -> None:
    refresh = "0f59ac98193d64d62a9e887abea83036"  # the older docs' shape: 32 hex, nothing to recognise it by
    mock = launch("mock", "--qps", "0", "--token-file", str(token_file))
    journal_file, recorded = tmp_path / "journal.jsonl", tmp_path / "rec"
    proxy = launch(
        "proxy", "--to", mock.url, "--pacing", "memory:", "--journal", str(journal_file), "--record", str(recorded)
    )
    path = "/authentication/refreshAccessToken"
    _fault(mock, path, f'{{"code":1600003,"result":false,"message":"refresh token {refresh} expired"}}')
    status, _, answer = call(proxy.url + path, "POST", json.dumps({"refreshToken": refresh}).encode(), token=None)
    assert status == 200 and refresh.encode() in answer  # the app gets CJ's answer as it was
    out, _ = proxy.stop()
    assert "1600003" in out and refresh not in out
    assert "1600003" in journal_file.read_text(encoding="utf-8")
    assert refresh not in journal_file.read_text(encoding="utf-8")
    assert all(refresh not in file.read_text(encoding="utf-8") for file in recorded.glob("*.json"))


def test_logins_through_the_proxy_to_a_loopback_stand_in_follow_the_server(
    launch: Callable[..., Server], token_file: Path
) -> None:
    mock = launch("mock", "--qps", "0", "--token-file", str(token_file))
    proxy = launch("proxy", "--to", mock.url, "--pacing", "memory:")
    key = json.dumps({"apiKey": "CJ1234567@api@0123456789abcdef0123456789abcdef"}).encode()
    for _ in range(2):
        status, headers, _ = call(proxy.url + "/authentication/getAccessToken", "POST", key, token=None)
        assert (status, headers["X-Cjerr-Outcome"]) == (200, "answered")


def test_a_content_length_in_other_digits_is_refused_not_dropped(
    launch: Callable[..., Server], token_file: Path
) -> None:
    mock = launch("mock", "--qps", "0", "--token-file", str(token_file))
    proxy = launch("proxy", "--to", mock.url, "--pacing", "memory:")
    for server in (mock, proxy):
        host, port = server.url.split("//")[1].split("/")[0].split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(
                b"POST /api2.0/v1/product/query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: \xb2\r\nConnection: close\r\n\r\n"
            )
            answer = connection.recv(200)
        assert answer.split(b" ")[1] in (b"400", b"413"), answer


def test_a_proxy_brackets_an_ipv6_stand_in_in_the_host_header(launch: Callable[..., Server]) -> None:
    """RFC 9110: an IPv6 literal in Host is written in brackets, as the URL writes it."""
    seen: list[str] = []

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            seen.append(self.headers.get("Host", ""))
            body = b'{"code":200,"result":true,"message":"Success","data":null}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    class Server6(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6

    try:
        upstream = Server6(("::1", 0), Answer)
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    port = upstream.server_address[1]
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        proxy = launch("proxy", "--to", f"http://[::1]:{port}/api2.0/v1", "--pacing", "memory:")
        status, _, _ = call(proxy.url + "/product/list?pageNum=1")
    finally:
        upstream.shutdown()
        upstream.server_close()
    assert status == 200 and seen == [f"[::1]:{port}"]


def test_a_request_line_that_is_not_ascii_is_answered_not_sent(launch: Callable[..., Server], token_file: Path) -> None:
    # http.client refuses to send a non-ASCII request target: the proxy logged "request failed" and closed the
    # connection without an answer, which an app reads as a lost answer ("it may have worked").
    mock = launch("mock", "--qps", "0", "--token-file", str(token_file))
    proxy = launch("proxy", "--to", mock.url, "--pacing", "memory:")
    host, port = urllib.parse.urlsplit(proxy.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(
            b"POST /api2.0/v1/shopping/order/createOrderV2?note=\xe9t\xe9 HTTP/1.1\r\nHost: x\r\n"
            b"CJ-Access-Token: " + TOKEN.encode() + b"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
        )
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"X-Cjerr-Outcome: not-sent" in head, answer
    assert "not ASCII" in json.loads(body)["cjerr"]["message"]
    assert journal(mock, "/shopping/order/createOrderV2") == []
