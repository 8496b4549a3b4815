"""CJTransport and AsyncCJTransport: body-aware retries (probe's policy), pacing per token, the points budget."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cj_errors.reading.explanation import explain_document
from cj_errors.requests import retrypolicy
from cj_errors.sdk import limiter, pacing
from cj_errors.sdk.budget import PointsBudget, points_for
from cj_errors.sdk.exceptions import QuotaError, RateLimitError, raise_for_cj
from cj_errors.sdk.httpx_transport import AsyncCJTransport, CJTransport
from cj_errors.table import catalog
from tests.cj_server import Answer, FakeClock, ScriptedServer, ScriptedTransport
from tests.conftest import ROOT, cjerr_executable, clean_env

TOKEN = "API@CJ1234567@CJ:eyJhbGciOiJIUzI1NiJ9.sdk-test-token.signature"
OK = Answer(body={"code": 200, "result": True, "message": "Success", "data": {"pid": "P1"}})
BUSY = Answer(body={"code": 1600000, "result": False, "message": "System busy, please contact CJ IT"})
QPS = Answer(body={"code": 1600200, "result": False, "message": "Too Many Requests, QPS limit is 1 time/1second"})
BARE_429 = Answer(status=429, body={"code": 429, "message": "Too Many Requests"})
POINTS = Answer(
    body={
        "code": 16900500,
        "result": False,
        "message": "Insufficient API points. Used today: 50000, Remaining: 0, Required: 10. "
        "Please try again after 00:00 UTC.",
    }
)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as running:
        yield running


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def client(server: ScriptedServer, transport: CJTransport) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, headers={"CJ-Access-Token": TOKEN}, transport=transport)


def quiet(tmp_path: Path, sleeps: Sleeps, **options: object) -> CJTransport:
    """A transport that records its waits instead of sleeping (pacing off unless asked)."""
    settings: dict[str, object] = {"qps": 0, "state_dir": tmp_path / "state", "jitter": 0.0}
    settings.update(options)
    return CJTransport(sleep=sleeps, **settings)  # type: ignore[arg-type]


# --- the shared retry policy ---------------------------------------------------------------


def test_probe_and_the_transports_use_one_policy() -> None:
    from cj_errors.requests import probe
    from cj_errors.sdk import httpx_transport

    for module in (probe, httpx_transport):
        source = Path(module.__file__ or "").read_text()
        assert "retrypolicy.answer_decision(" in source and "retrypolicy.backoff_wait(" in source
        assert "2 **" not in source, f"{module.__name__} computes its own backoff"


def test_policy_numbers_without_sleeping() -> None:
    busy = explain_document({"code": 1600000, "result": False})
    assert retrypolicy.answer_decision(busy, 1).retry and retrypolicy.answer_decision(busy, 2).retry
    assert not retrypolicy.answer_decision(busy, 3).retry  # at most 3 tries in all
    bare = explain_document({"code": 429, "message": "Too Many Requests"}, 429)
    assert retrypolicy.answer_decision(bare, 1).retry and not retrypolicy.answer_decision(bare, 2).retry
    qps = explain_document({"code": 1600200, "message": "Too Many Requests, QPS limit is 1 time/1second"})
    assert retrypolicy.answer_decision(qps, 1) == retrypolicy.Decision(True, 1.0, "CJ 1600200")
    long_window = explain_document({"code": 1600200, "message": "QPS limit is 1 time/300 seconds"})
    assert not retrypolicy.answer_decision(long_window, 1).retry
    spent = explain_document({"code": 16900500, "result": False, "message": "Insufficient API points."})
    assert not retrypolicy.answer_decision(spent, 1).retry
    assert not retrypolicy.answer_decision(explain_document({"code": 1602001, "result": False}), 1).retry
    assert [retrypolicy.backoff_wait(n, 0.0) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert retrypolicy.backoff_wait(1, 1.0) == 1.0
    # jitter only ever lengthens a wait, never below what CJ asked for
    assert retrypolicy.backoff_wait(1, 1.0, jitter=0.5, rng=lambda: 0.0) == 1.0
    assert retrypolicy.backoff_wait(1, 1.0, jitter=0.5, rng=lambda: 1.0) == 1.5
    assert retrypolicy.retry_after_seconds("3") == 3.0 and retrypolicy.retry_after_seconds("9" * 5000) == 60.0
    assert retrypolicy.retry_after_seconds("²") is None and retrypolicy.retry_after_seconds("-5") is None


# --- retries against a real local server --------------------------------------------------


def test_busy_is_tried_three_times_then_the_last_answer_is_returned(server: ScriptedServer, tmp_path: Path) -> None:
    server.script(BUSY)
    sleeps = Sleeps()
    with client(server, quiet(tmp_path, sleeps, retries=5)) as http:
        response = http.get("/product/query", params={"pid": "P1"})
    assert len(server.received) == 3, "1600000: at most 3 tries in all, as CJ advises"
    minimum = explain_document({"code": 1600000, "result": False}).wait_seconds or 0.0
    assert sleeps.waits == [max(minimum, 0.5), max(minimum, 1.0)]
    assert response.json()["code"] == 1600000
    with pytest.raises(Exception) as caught:
        raise_for_cj(response)
    assert type(caught.value).__name__ == "SystemBusyError"


def test_rate_limit_in_http_200_is_retried_after_the_window(server: ScriptedServer, tmp_path: Path) -> None:
    server.script(QPS, OK)
    sleeps = Sleeps()
    with client(server, quiet(tmp_path, sleeps)) as http:
        data = raise_for_cj(http.get("/product/query", params={"pid": "P1"}))
    assert data == {"pid": "P1"} and len(server.received) == 2
    assert sleeps.waits == [1.0]


def test_bare_429_is_retried_once(server: ScriptedServer, tmp_path: Path) -> None:
    server.script(BARE_429)
    sleeps = Sleeps()
    with client(server, quiet(tmp_path, sleeps, retries=4)) as http:
        response = http.get("/product/query", params={"pid": "P1"})
    assert response.status_code == 429 and len(server.received) == 2


def test_retry_after_header_is_honoured(server: ScriptedServer, tmp_path: Path) -> None:
    server.script(
        Answer(status=503, body="<html>busy</html>", content_type="text/html", headers={"Retry-After": "3"}), OK
    )
    sleeps = Sleeps()
    with client(server, quiet(tmp_path, sleeps)) as http:
        assert http.get("/product/query", params={"pid": "P1"}).status_code == 200
    assert sleeps.waits == [3.0]


@pytest.mark.parametrize(
    "answer", [POINTS, Answer(body={"code": 1602001, "result": False, "message": "Product not found"})]
)
def test_spent_points_and_errors_are_never_retried(server: ScriptedServer, tmp_path: Path, answer: Answer) -> None:
    server.script(answer)
    sleeps = Sleeps()
    with client(server, quiet(tmp_path, sleeps)) as http:
        http.get("/product/query", params={"pid": "P1"})
    assert len(server.received) == 1 and sleeps.waits == []


@pytest.mark.parametrize(
    "answer", [BUSY, QPS, Answer(status=502, body="<html>Bad Gateway</html>", content_type="text/html")]
)
def test_a_call_that_changes_data_is_never_repeated(server: ScriptedServer, tmp_path: Path, answer: Answer) -> None:
    server.script(answer)
    sleeps = Sleeps()
    body = {"orderNumber": "A1", "shippingCountryCode": "US", "products": [{"vid": "V1", "quantity": 1}]}
    with client(server, quiet(tmp_path, sleeps, retries=5)) as http:
        response = http.post("/shopping/order/createOrderV2", json=body)
    assert catalog.is_mutating(catalog.find("/shopping/order/createOrderV2"), "POST")
    assert len(server.received) == 1, "an order may have been created: never send it twice"
    assert response.status_code == answer.status


def test_retry_mutating_allows_repeats_when_asked(server: ScriptedServer, tmp_path: Path) -> None:
    server.script(BUSY, OK)
    sleeps = Sleeps()
    with client(server, quiet(tmp_path, sleeps, retry_mutating=True)) as http:
        response = http.post("/shopping/order/createOrderV2", json={"orderNumber": "A1"})
    assert response.json()["code"] == 200 and len(server.received) == 2
    assert json.loads(server.received[1].body) == {"orderNumber": "A1"}, "the body is sent again in full"


def test_a_connection_that_is_refused_is_retried_then_raised(tmp_path: Path) -> None:
    sleeps = Sleeps()
    transport = quiet(tmp_path, sleeps, retries=2)
    with httpx.Client(transport=transport) as http, pytest.raises(httpx.ConnectError):
        http.get("http://127.0.0.1:9/api2.0/v1/product/query")
    assert sleeps.waits == [0.5, 1.0]


def test_chains_another_transport_and_reads_gzip(tmp_path: Path) -> None:
    import gzip

    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        body = json.dumps(
            {"code": 1600200, "message": "QPS limit is 1 time/1second"}
            if len(seen) == 1
            else {"code": 200, "result": True, "data": 7}
        )
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=gzip.compress(body.encode()))

    sleeps = Sleeps()
    transport = CJTransport(httpx.MockTransport(handler), qps=0, state_dir=tmp_path, sleep=sleeps, jitter=0.0)
    with httpx.Client(transport=transport) as http:
        assert raise_for_cj(http.get("https://developers.cjdropshipping.com/api2.0/v1/product/query")) == 7
    assert len(seen) == 2 and sleeps.waits == [1.0]
    assert transport.last_explanation is not None and transport.last_explanation.ok


# --- pacing ------------------------------------------------------------------------------


def _gaps(server: ScriptedServer) -> list[float]:
    times = sorted(received.at for received in server.received)
    return [later - earlier for earlier, later in zip(times, times[1:], strict=False)]


def test_threads_sharing_a_token_keep_one_call_a_second(server: ScriptedServer, tmp_path: Path) -> None:
    transport = CJTransport(qps=1, state_dir=tmp_path / "state")
    with client(server, transport) as http:
        threads = [threading.Thread(target=http.get, args=("/product/query",)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(server.received) == 3
    assert min(_gaps(server)) >= 0.95, _gaps(server)


_WORKER = textwrap.dedent(
    """
    import sys, httpx
    from cj_errors import CJTransport
    base, token, state, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    transport = CJTransport(qps=1, state_dir=state)
    with httpx.Client(base_url=base, headers={"CJ-Access-Token": token}, transport=transport) as c:
        for _ in range(count):
            c.get("/product/query", params={"pid": "P1"})
    """
)


def test_two_processes_with_one_token_never_send_two_calls_within_a_second(
    server: ScriptedServer, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    workers = [
        subprocess.Popen([sys.executable, "-c", _WORKER, server.base_url, TOKEN, str(state), "3"], cwd=ROOT)
        for _ in range(2)
    ]
    for worker in workers:
        assert worker.wait(timeout=120) == 0
    assert len(server.received) == 6
    gaps = _gaps(server)
    assert min(gaps) >= 0.95, gaps  # timestamps taken at the server
    files = list(state.iterdir())
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert TOKEN not in files[0].name and TOKEN not in files[0].read_text()
    assert "sdk-test-token" not in files[0].read_text()


def test_a_call_whose_wait_ends_late_books_again_instead_of_crowding_the_next(
    server: ScriptedServer, tmp_path: Path
) -> None:
    # Another process on the same token books the slot after ours while we wait; our wait then ends 0.8 s late
    # (a loaded machine). Sent then, the call would reach CJ 0.25 s before the other's: it books again, after it.
    now = [1000.0]
    other = limiter.FileBackend(tmp_path / "state", clock=lambda: now[0]).bucket(limiter.token_key(TOKEN), 1, 1.0)
    waits: list[float] = []
    sent_at: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 1:
            other.reserve()  # the slot after ours, 1.05 s after it
            now[0] += seconds + 0.8
        else:
            now[0] += seconds

    def record(request: httpx.Request) -> httpx.Response:
        sent_at.append(now[0])
        return httpx.Response(200, json={"code": 200, "result": True, "message": "Success", "data": None})

    transport = CJTransport(
        qps=1,
        state_dir=tmp_path / "state",
        sleep=sleep,
        jitter=0.0,
        clock=lambda: now[0],
        transport=httpx.MockTransport(record),
    )
    with httpx.Client(base_url=server.base_url, headers={"CJ-Access-Token": TOKEN}, transport=transport) as http:
        http.get("/product/query")  # at 1000.0, no wait
        http.get("/product/query")  # booked for 1001.05; woke at 1001.85, after the other's 1002.10 was booked
    assert waits[0] == pytest.approx(1.05) and len(waits) == 2
    assert sent_at[1] >= 1002.10 + 1.0, (sent_at, waits)


def test_different_tokens_are_paced_apart(server: ScriptedServer, tmp_path: Path) -> None:
    # A stopped clock: both calls leave at the same instant, so only a shared pace could make one wait.
    def two_calls(second_token: str, state: Path) -> Sleeps:
        sleeps = Sleeps()
        transport = CJTransport(qps=1, state_dir=state, sleep=sleeps, jitter=0.0, clock=lambda: 1_000_000.0)
        with httpx.Client(base_url=server.base_url, transport=transport) as http:
            http.get("/product/query", headers={"CJ-Access-Token": TOKEN})
            http.get("/product/query", headers={"CJ-Access-Token": second_token})
        return sleeps

    assert two_calls(TOKEN + "other", tmp_path / "two").waits == []
    assert len(list((tmp_path / "two").iterdir())) == 2
    same = two_calls(TOKEN, tmp_path / "one").waits
    assert len(same) == 1 and same[0] >= 1.0  # the check above could fail: one token does wait


def test_default_state_is_in_the_user_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if os.name != "nt":
        assert pacing.cache_dir() == tmp_path / "cache" / "cjerr"
    pacer = pacing.Pacer(pacing.state_key("token", TOKEN))
    assert pacer.shared and pacer.path is not None and pacer.path.parent == tmp_path / "cache" / "cjerr"


def test_pacer_slots_and_the_adaptive_slow_down(tmp_path: Path) -> None:
    now = [1000.0]
    pacer = pacing.Pacer("k", 2, 1.0, directory=tmp_path, clock=lambda: now[0])
    assert [pacer.reserve(), pacer.reserve()] == [0.0, 0.0]  # two calls a second
    assert pacer.reserve() == pytest.approx(1.0 + pacing.MARGIN)
    with pytest.raises(pacing.PaceRefused):
        pacer.reserve(max_wait=0.5)
    now[0] += 10
    pacer.slow_down()
    assert pacer.slowdown == 2.0
    assert pacer.reserve() == 0.0
    assert pacer.reserve() == pytest.approx(1.0)  # spacing 0.5 s doubled
    pacer.recover()
    assert pacer.slowdown == 1.0


def test_a_1600200_slows_the_transport_down(server: ScriptedServer, tmp_path: Path) -> None:
    server.script(QPS, OK)
    sleeps = Sleeps()
    transport = CJTransport(qps=2, state_dir=tmp_path, sleep=sleeps, jitter=0.0)
    with client(server, transport) as http:
        http.get("/product/query")
    pacer = next(iter(transport._policy.limiter._buckets.values()))
    assert pacer.slowdown == 1.0, "the success after the retry brought it halfway back"
    server.script(QPS)
    with client(server, CJTransport(qps=2, state_dir=tmp_path, sleep=sleeps, retries=0)) as http:
        http.get("/product/query")
    assert pacer.slowdown == 2.0


def test_get_access_token_has_its_own_stricter_limit(server: ScriptedServer, tmp_path: Path) -> None:
    server.script(Answer(body={"code": 200, "result": True, "data": {"accessToken": "A", "refreshToken": "R"}}))
    transport = CJTransport(state_dir=tmp_path)
    transport.login_pacing = True  # the server is on loopback, where the limit is otherwise the server's
    with httpx.Client(base_url=server.base_url, transport=transport) as http:
        http.post("/authentication/getAccessToken", json={"apiKey": "CJ1@api@" + "0" * 32})
        with pytest.raises(RateLimitError) as caught:
            http.post("/authentication/getAccessToken", json={"apiKey": "CJ1@api@" + "0" * 32})
    assert len(server.received) == 1, "the second login was refused before it was sent"
    assert caught.value.retry_after is not None and caught.value.retry_after > 290


# --- async -------------------------------------------------------------------------------


def test_async_tasks_are_paced_and_retried(tmp_path: Path) -> None:
    """Pacing and the retry in process: an httpx.MockTransport for CJ and a fake clock, so no task really waits."""
    clock = FakeClock()
    script = ScriptedTransport(QPS, OK, clock=clock)

    async def sleep(seconds: float) -> None:
        wake = clock.now + seconds  # each task wakes at its own time; the clock never runs backwards
        clock.sleeps.append(seconds)
        await asyncio.sleep(0)
        clock.now = max(clock.now, wake)

    async def main() -> list[int]:
        transport = AsyncCJTransport(
            script.transport, qps=1, state_dir=tmp_path, jitter=0.0, sleep=sleep, clock=clock, rng=lambda: 0.0
        )
        async with httpx.AsyncClient(
            base_url="https://cj.example/api2.0/v1", headers={"CJ-Access-Token": TOKEN}, transport=transport
        ) as http:
            answers = await asyncio.gather(*(http.get("/product/query", params={"pid": str(n)}) for n in range(3)))
        return [answer.json()["code"] for answer in answers]

    assert asyncio.run(main()) == [200, 200, 200]
    assert len(script.received) == 4  # one 1600200, retried
    times = sorted(received.at for received in script.received)
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 1.0, gaps  # one call a second per token, the retry included
    assert clock.sleeps and all(wait > 0 for wait in clock.sleeps)


def test_async_never_repeats_a_call_that_changes_data(server: ScriptedServer, tmp_path: Path) -> None:
    server.script(BUSY)

    async def main() -> int:
        transport = AsyncCJTransport(qps=0, state_dir=tmp_path)
        async with httpx.AsyncClient(base_url=server.base_url, transport=transport) as http:
            return (await http.post("/shopping/pay/payBalance", json={"orderId": "O1"})).json()["code"]

    assert asyncio.run(main()) == 1600000 and len(server.received) == 1


# --- points --------------------------------------------------------------------------------


def test_budget_counts_the_catalogs_points_per_call(server: ScriptedServer, tmp_path: Path) -> None:
    transport = quiet(tmp_path, Sleeps(), budget=100)
    with client(server, transport) as http:
        http.get("/product/query", params={"pid": "P1"})
        http.get("/product/query", params={"pid": "P2"})
        http.get("/shopping/pay/getBalance")
    spent = 2 * points_for("/product/query") + points_for("/shopping/pay/getBalance")
    assert spent > 0
    assert transport.budget.spent == spent and transport.budget.calls == 3
    assert transport.budget.remaining == max(100 - spent, 0)
    assert transport.budget.affords("/authentication/logout") or points_for("/authentication/logout") > 0


def test_budget_takes_cjs_own_figures_and_rolls_over_at_midnight_utc() -> None:
    import datetime as dt

    from cj_errors.table.cjwording import Points

    day = [dt.datetime(2026, 12, 2, 23, 59, tzinfo=dt.timezone.utc)]
    budget = PointsBudget(50000, now=lambda: day[0])
    budget.record("/product/query")
    budget.observe(Points(used=49990, remaining=10))
    assert (budget.spent, budget.remaining) == (49990, 10)
    assert not budget.affords("/product/listV2") or points_for("/product/listV2") <= 10
    assert budget.reset_at == dt.datetime(2026, 12, 3, tzinfo=dt.timezone.utc)
    day[0] += dt.timedelta(minutes=2)
    assert (budget.spent, budget.remaining, budget.calls) == (0, 50000, 0)


def test_budget_against_cjerr_mock_points(tmp_path: Path) -> None:
    cost = points_for("/product/query")
    mock = subprocess.Popen(
        [cjerr_executable(), "mock", "--port", "0", "--qps", "0", "--points", str(cost * 2), "--accept-any-key"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=clean_env(tmp_path),
    )
    try:
        assert mock.stdout is not None
        base = mock.stdout.readline().strip()
        # The mock keeps a catalogue: take real pids from its admin API, which costs no points.
        admin = base.removesuffix("/api2.0/v1") + "/__cjerr/state"
        first, second, third = (product["pid"] for product in httpx.get(admin).json()["catalogue"][:3])
        transport = CJTransport(qps=0, state_dir=tmp_path / "state", budget=cost * 2)
        with httpx.Client(base_url=base, transport=transport) as http:
            token = raise_for_cj(http.post("/authentication/getAccessToken", json={"apiKey": "x"}))["accessToken"]
            http.headers["CJ-Access-Token"] = token
            raise_for_cj(http.get("/product/query", params={"pid": first}))
            raise_for_cj(http.get("/product/query", params={"pid": second}))
            assert transport.budget.remaining == 0 and not transport.budget.affords("/product/query")
            with pytest.raises(QuotaError) as caught:
                raise_for_cj(http.get("/product/query", params={"pid": third}))
    finally:
        mock.terminate()
        mock.communicate(timeout=30)
    assert caught.value.retry_after is not None and caught.value.retry_after > 0
    assert transport.budget.remaining == 0


def test_cj_errors_imports_httpx_only_for_the_transport(tmp_path: Path) -> None:
    code = (
        "import sys, cj_errors\n"
        "cj_errors.lookup(1600200); cj_errors.error_class(1600200)\n"
        "print('httpx' in sys.modules)\n"
        "cj_errors.CJTransport\n"
        "print('httpx' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.stdout.split() == ["False", "True"], result.stderr
