"""`cjerr mock` as a real process: validation, tokens, limits, every fault kind, rules, signals, and probe."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from cj_errors import mock as mocking
from cj_errors.base import redact
from cj_errors.base.exits import ExitStatus
from cj_errors.mock import app as mock_app
from cj_errors.mock.catalogue import Catalogue
from cj_errors.table import catalog
from cj_errors.table.catalog import Endpoint, FieldSpec, Location
from tests.conftest import Runner, cjerr_executable, clean_env
from tests.in_process import MockClient

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGINT and POSIX process handling")

# The default catalogue (no --seed): the same ids on every run.
CATALOGUE = Catalogue()
PID = CATALOGUE.products[0].pid
VID = CATALOGUE.products[0].variants[0].vid

TOKEN = "API@CJ4242@CJ:eyJhbGciOiJIUzI1NiJ9.MOCK-SENTINEL-TOKEN-5b1e.signature"
OTHER_TOKEN = "API@CJ4243@CJ:eyJhbGciOiJIUzI1NiJ9.MOCK-SENTINEL-TOKEN-77aa.signature"
API_KEY = "CJ1234567@api@0123456789abcdef0123456789abcdef"
URL_LINE = re.compile(r"^http://127\.0\.0\.1:(\d+)/api2\.0/v1$")
ANY_URL_LINE = re.compile(r"^http://[^/]+:(\d+)/api2\.0/v1$")
REQUEST_ID = re.compile(r"^[0-9a-f]{32}$|^[0-9a-f-]{36}$")
QPS_MESSAGE = "Too Many Requests, QPS limit is 1 time/1second"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


# --- a running mock -------------------------------------------------------------------------


@dataclass
class Mock(MockClient):
    """A ``cjerr mock`` process; ``get``/``post`` send TOKEN unless told otherwise."""

    process: subprocess.Popen[str]
    url: str
    stderr_path: Path
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=20))
    token: str | None = TOKEN

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.client.close()
        return self.process.returncode


def _first_line(process: subprocess.Popen[str], timeout: float) -> str | None:
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout).rstrip("\n")
    except queue.Empty:
        return None


def launch(directory: Path, *args: str) -> Mock:
    index = len(list(directory.glob("mock-*.err")))
    stderr_path = directory / f"mock-{index}.err"
    with stderr_path.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [cjerr_executable(), "mock", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=stderr,  # a file, so a chatty log can never fill a pipe and stall the server
            stdin=subprocess.DEVNULL,
            text=True,
            env=clean_env(directory),
        )
    line = _first_line(process, START_TIMEOUT)
    if not line or not ANY_URL_LINE.match(line):
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)
        raise AssertionError(f"mock did not start: first line {line!r}; stderr: {stderr_path.read_text()}")
    return Mock(process, line.replace("://0.0.0.0:", "://127.0.0.1:"), stderr_path)


@pytest.fixture
def start_mock(tmp_path: Path) -> Iterator[Callable[..., Mock]]:
    started: list[Mock] = []

    def _start(*args: str) -> Mock:
        mock = launch(tmp_path, *args)
        started.append(mock)
        return mock

    yield _start
    for mock in started:
        mock.stop()


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "tokens"
    path.write_text(f"# accepted from the start\n{TOKEN}\n{OTHER_TOKEN}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    """One mock without a QPS limit for the validation and envelope tests."""
    directory = tmp_path_factory.mktemp("shared-mock")
    tokens = directory / "tokens"
    tokens.write_text(TOKEN + "\n", encoding="utf-8")
    mock = launch(directory, "--qps", "0", "--token-file", str(tokens))
    yield mock
    mock.stop()


def assert_error(response: httpx.Response, code: int, message: str | None = None) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["result"] is False and body["data"] is None
    assert REQUEST_ID.match(body["requestId"])
    if message is not None:
        assert body["message"] == message
    return body


def is_success(body: dict[str, Any]) -> bool:
    if "code" not in body:
        return body.get("success") is True
    return body["code"] == 200 or (body["code"] == 0 and body.get("success") is True)


# --- startup ----------------------------------------------------------------------------------


def test_first_line_is_the_base_url_and_the_log_is_on_stderr(shared: Mock) -> None:
    assert URL_LINE.match(shared.url)
    assert "endpoints" in shared.stderr and "Ctrl-C" in shared.stderr


def test_other_address_than_loopback_warns(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--host", "0.0.0.0")  # noqa: S104 - the point of the test
    assert "warning" in mock.stderr and "0.0.0.0" in mock.stderr


# --- validation, the way CJ does it -----------------------------------------------------------


def test_missing_token(shared: Mock) -> None:
    assert_error(shared.get("/product/query", token=None, params={"pid": PID}), 1600002, "access token cannot be empty")
    assert_error(shared.get("/product/query", token="", params={"pid": PID}), 1600002)


def test_unknown_token(shared: Mock) -> None:
    body = assert_error(shared.get("/product/query", token="not-a-real-token", params={"pid": PID}), 1600001)
    assert body["message"].startswith("Invalid API key or access token.")


def test_wrong_method(shared: Mock) -> None:
    response = shared.post("/product/listV2", json={"keyWord": "cable"})
    assert_error(response, 16900202, "Request method 'POST' not supported")
    assert_error(shared.get("/logistic/freightCalculate"), 16900202, "Request method 'GET' not supported")


def test_methods_come_from_the_catalog(shared: Mock) -> None:
    connection = catalog.find("/product/conn/connection")
    assert connection is not None and connection.other_methods  # GET lists, POST creates, DELETE disconnects
    for method in (connection.method, *connection.other_methods):
        response = shared.call(method, "/product/conn/connection", params={"pageSize": "10"})
        assert is_success(response.json()), (method, response.text)
    assert_error(shared.call("PUT", "/product/conn/connection"), 16900202, "Request method 'PUT' not supported")
    assert_error(shared.call("DELETE", "/product/query", params={"pid": PID}), 16900202)


def test_malformed_json(shared: Mock) -> None:
    response = shared.post(
        "/logistic/freightCalculate",
        content=b'{"startCountryCode": "CN",',
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 16900205, "The request parameter is not in a correct JSON format")
    not_an_object = shared.post("/logistic/freightCalculate", json=["CN", "US"])
    assert_error(not_an_object, 16900205)


def test_wrong_content_type_and_missing_body(shared: Mock) -> None:
    form = shared.post("/logistic/freightCalculate", data={"startCountryCode": "CN"})
    assert_error(form, 16900203, "Content type not supported[application/x-www-form-urlencoded]")
    empty = shared.post("/logistic/freightCalculate", headers={"Content-Type": "application/json"})
    assert_error(empty, 16900204, "Required request body is missing")


def test_missing_required_field_in_a_json_body(shared: Mock) -> None:
    body = {"startCountryCode": "CN", "products": [{"vid": VID, "quantity": 1}]}
    assert_error(shared.post("/logistic/freightCalculate", json=body), 16900403, "endCountryCode can not be empty")
    nested = {"startCountryCode": "CN", "endCountryCode": "US", "products": [{"vid": VID}]}
    assert_error(
        shared.post("/logistic/freightCalculate", json=nested), 16900403, "products[0].quantity can not be empty"
    )
    blank = {**nested, "endCountryCode": "", "products": [{"vid": VID, "quantity": 1}]}
    assert_error(shared.post("/logistic/freightCalculate", json=blank), 16900403, "endCountryCode can not be empty")


def test_missing_required_query_parameter(shared: Mock) -> None:
    assert_error(shared.get("/product/query"), 1600300, "Param error")  # one of pid / productSku / variantSku
    assert_error(shared.get("/product/stock/queryByVid", params={"vid": ""}), 1600300, "Param error")
    assert_error(shared.get("/shopping/order/getOrderDetail"), 1600300, "orderId must be not empty")


@pytest.mark.parametrize(
    "path",
    [
        "/api2.0/v1/shopping/balance/getBalance",  # seen live (cj-clients §4.1)
        "/api2.0/v1/authentication/login",
        "/api2.0/v1/product/Query",  # paths are case-sensitive
        "/api2.0/v2/product/query",
        "/",
    ],
)
def test_unknown_path_gives_the_exact_live_body(shared: Mock, path: str) -> None:
    root = shared.url[: -len(catalog.API_PREFIX)]
    for method in ("GET", "POST"):
        response = httpx.request(method, root + path, headers={"CJ-Access-Token": TOKEN}, timeout=20)
        assert response.status_code == 200
        assert response.content == b'{"code":1600101,"message":"Interface not found","result":false,"data":null}'


# --- success envelopes --------------------------------------------------------------------------


def test_standard_envelope_and_product_query(shared: Mock) -> None:
    body = shared.get("/product/query", params={"pid": PID}).json()
    assert list(body) == ["code", "result", "message", "data", "requestId"]
    assert body["code"] == 200 and body["result"] is True and body["message"] == "Success"
    assert REQUEST_ID.match(body["requestId"])
    assert body["data"]["pid"] == PID and len(body["data"]["variants"]) >= 1
    assert {"vid", "variantSku", "variantKey"} <= set(body["data"]["variants"][0])


def test_envelope_variants(shared: Mock) -> None:
    warehouses = shared.get("/product/globalWarehouseList").json()
    assert warehouses["success"] is True and warehouses["code"] == 0 and "result" not in warehouses
    shops = shared.get("/shop/getShops").json()
    assert shops["success"] is True and shops["code"] == 0
    comments = shared.get("/product/productComments", params={"pid": "P1"}).json()
    assert comments["code"] == 0 and comments["success"] is True and comments["message"] is None
    sourcing = shared.post("/product/sourcing/create", json={"productName": "Cup", "productImage": "https://x/y.jpg"})
    assert sourcing.json()["code"] == 0 and sourcing.json()["message"] is None
    # addCart, addCartConfirm and saveGenerateParentOrder envelopes: tests/test_mock_documented.py (they need
    # real orders now); an unknown id in the cart is the pages' documented error example.
    cart = shared.post("/shopping/order/addCart", json={"cjOrderIdList": ["CJ1"]}).json()
    assert cart["code"] == 1603001 and cart["message"] == "order confirm fail"


def test_data_shapes(shared: Mock) -> None:
    listing = shared.get("/product/listV2", params={"keyWord": "cable"}).json()["data"]
    assert listing["content"][0]["productList"][0]["nameEn"]
    assert {"pageNumber", "pageSize", "totalRecords", "totalPages"} <= set(listing)
    old_list = shared.get("/product/list").json()["data"]
    assert old_list["list"][0]["pid"] and "total" in old_list
    balance = shared.get("/shopping/pay/getBalance").json()["data"]
    assert set(balance) == {"amount", "noWithdrawalAmount", "freezeAmount"}
    order = {
        "orderNumber": "my-1", "shippingCountryCode": "US", "shippingCountry": "United States",
        "shippingProvince": "CA", "shippingCity": "LA", "shippingCustomerName": "Ada", "shippingAddress": "1 Way",
        "logisticName": "CJPacket Ordinary", "fromCountryCode": "CN", "products": [{"vid": VID, "quantity": 1}],
    }  # fmt: skip
    created = shared.post("/shopping/order/createOrderV2", json=order).json()
    assert created["code"] == 200 and created["data"]["orderId"] and created["data"]["orderNumber"] == "my-1"


def _sample(spec: FieldSpec) -> Any:
    if spec.choices:
        return spec.choices[0]
    if spec.type == "integer":
        return 1
    if spec.type == "number":
        return 1.5
    if spec.type == "boolean":
        return True
    if spec.type == "object":
        return {item.name: _sample(item) for item in spec.items if item.required}
    if spec.type == "array":
        return [{item.name: _sample(item) for item in spec.items if item.required}] if spec.items else ["x"]
    return "x"


def _minimal_request(endpoint: Endpoint) -> dict[str, Any]:
    wanted = [spec for spec in endpoint.fields if spec.required]
    wanted += [spec for group in endpoint.one_of for spec in endpoint.fields if spec.name == group[0]]
    if endpoint.location is Location.QUERY:
        return {"params": {spec.name: str(_sample(spec)) if spec.type != "array" else "x" for spec in wanted}}
    if endpoint.location is Location.JSON:
        return {"json": {spec.name: _sample(spec) for spec in wanted}}
    if endpoint.location is Location.FORM:
        files = {
            spec.name: ("label.pdf", b"%PDF-1.4 mock", "application/pdf") for spec in wanted if spec.type == "file"
        }
        return {"data": {spec.name: "x" for spec in wanted if spec.type != "file"}, "files": files}
    return {}


# Endpoints that read the catalogue or the orders answer sample ids ("x") with CJ's not-found codes.
STATEFUL_PATHS = frozenset(mock_app._STATEFUL)
# ... or, for /webhook/set, CJ's refusal of the sample callback URL (1607000-1607002).
STATE_CODES = frozenset(
    {1602000, 1602001, 1600300, 1603001, 1603100, 1605002, 1607007, 1607008, 1607009, 1608001, 803}
    | {1607000, 1607001, 1607002}
)


def test_every_catalog_path_answers_success(shared: Mock) -> None:
    failures = []
    for endpoint in catalog.ENDPOINTS:
        if endpoint.path.startswith("/authentication/"):
            continue  # they issue and revoke tokens; covered below
        response = shared.call(endpoint.method, endpoint.path, **_minimal_request(endpoint))
        if (
            endpoint.path in STATEFUL_PATHS
            and response.status_code == 200
            and response.json().get("code") in (STATE_CODES)
        ):
            continue  # a sample id the catalogue or the order book does not know: CJ's code for it
        if response.status_code != 200 or not is_success(response.json()):
            failures.append(f"{endpoint.method} {endpoint.path}: {response.status_code} {response.text[:200]}")
    assert not failures, "\n".join(failures)


# --- tokens ---------------------------------------------------------------------------------------


def test_access_token_flow(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--qps", "0")
    wrong = mock.post("/authentication/getAccessToken", token=None, json={"apiKey": "CJ1@api@short"})
    assert_error(wrong, 1600005, "APIkey is wrong, please check and try again")
    legacy = mock.post("/authentication/getAccessToken", token=None, json={"email": "a@b.c", "password": "pw"})
    assert_error(legacy, 1600005)
    assert_error(mock.post("/authentication/getAccessToken", token=None, json={}), 16900403, "apiKey can not be empty")

    issued = mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY}).json()
    assert issued["code"] == 200 and issued["result"] is True
    data = issued["data"]
    assert isinstance(data["openId"], int)
    for name in ("accessToken", "refreshToken"):
        assert re.match(r"^API@CJ1234567@CJ:eyJhbGciOiJIUzI1NiJ9\.[\w-]+\.[\w-]+$", data[name])
    for name in ("accessTokenExpiryDate", "refreshTokenExpiryDate", "createDate"):
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$", data[name])
    access, refresh = data["accessToken"], data["refreshToken"]
    again = mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY}).json()["data"]
    assert again["accessToken"] == access  # CJ hands out the same pair within 24 hours

    assert mock.get("/product/query", token=access, params={"pid": PID}).json()["code"] == 200

    assert_error(mock.post("/authentication/refreshAccessToken", token=None, json={"refreshToken": access}), 1600003)
    renewed = mock.post("/authentication/refreshAccessToken", token=None, json={"refreshToken": refresh}).json()
    assert renewed["code"] == 200 and "openId" not in renewed["data"]
    # Within 24 hours refreshAccessToken returns the same cached pair (cj-api-facts §4.2: S3-com, S5).
    assert (renewed["data"]["accessToken"], renewed["data"]["refreshToken"]) == (access, refresh)
    assert renewed["data"]["createDate"] == data["createDate"]
    assert mock.get("/product/query", token=access, params={"pid": PID}).json()["code"] == 200
    again = mock.post("/authentication/refreshAccessToken", token=None, json={"refreshToken": refresh}).json()
    assert again["code"] == 200 and again["data"]["accessToken"] == access  # still accepted

    logout = mock.post("/authentication/logout", token=access).json()
    assert logout["code"] == 200 and logout["data"] is True
    assert_error(mock.get("/product/query", token=access, params={"pid": PID}), 1600001)  # logout retires both
    assert_error(mock.post("/authentication/refreshAccessToken", token=None, json={"refreshToken": refresh}),
                 1600003)  # fmt: skip
    fresh = mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY}).json()["data"]
    assert fresh["accessToken"] != access and fresh["refreshToken"] != refresh

    log = mock.stderr
    for secret in (access, refresh, fresh["accessToken"], fresh["refreshToken"]):
        assert secret not in log
    assert "getAccessToken" in log and "[redacted" in log


def test_token_file_any_key_and_expiry(start_mock: Callable[..., Mock], token_file: Path) -> None:
    mock = start_mock("--qps", "0", "--token-file", str(token_file), "--accept-any-key", "--token-ttl", "1")
    assert mock.get("/product/query", params={"pid": PID}).json()["code"] == 200
    assert mock.get("/product/query", token=OTHER_TOKEN, params={"pid": PID}).json()["code"] == 200
    issued = mock.post("/authentication/getAccessToken", token=None, json={"apiKey": "anything"}).json()
    assert issued["code"] == 200
    short_lived = issued["data"]["accessToken"]
    assert mock.get("/setting/get", token=short_lived).json()["code"] == 200
    time.sleep(1.3)
    assert_error(mock.get("/setting/get", token=short_lived), 1600001)
    assert TOKEN not in mock.stderr


class _Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _in_process(app: mocking.MockApp, path: str, *, token: str = "", body: Any = None) -> dict[str, Any]:
    headers = {"cj-access-token": token} if token else {}
    data = b""
    if body is not None:
        headers["content-type"] = "application/json"
        data = json.dumps(body).encode()
    method = "GET" if body is None and not path.startswith("/authentication/") else "POST"
    request = mocking.MockRequest(method, catalog.API_PREFIX + path, headers, data, "127.0.0.1")
    document: dict[str, Any] = json.loads(app.handle(request).body)
    return document


def test_refresh_returns_the_cached_pair_for_24_hours_then_a_new_pair() -> None:
    clock = _Clock()
    app = mocking.MockApp(mocking.build_config(qps=0), wall=clock)
    issued = _in_process(app, "/authentication/getAccessToken", body={"apiKey": API_KEY})["data"]
    access, refresh = issued["accessToken"], issued["refreshToken"]

    clock.now += 23 * 3600  # cj-api-facts §4.2: refresh returns the same cached token within 24 hours
    cached = _in_process(app, "/authentication/refreshAccessToken", body={"refreshToken": refresh})
    assert cached["code"] == 200
    assert (cached["data"]["accessToken"], cached["data"]["refreshToken"]) == (access, refresh)
    assert _in_process(app, "/setting/get", token=access)["code"] == 200

    clock.now += 2 * 3600  # past the 24-hour window: a new pair, and the old one stops working
    renewed = _in_process(app, "/authentication/refreshAccessToken", body={"refreshToken": refresh})["data"]
    new_access, new_refresh = renewed["accessToken"], renewed["refreshToken"]
    assert new_access != access and new_refresh != refresh
    assert _in_process(app, "/setting/get", token=access)["code"] == 1600001
    assert _in_process(app, "/authentication/refreshAccessToken", body={"refreshToken": refresh})["code"] == 1600003
    assert _in_process(app, "/setting/get", token=new_access)["code"] == 200
    # getAccessToken for the same key now hands out the new pair, cached for its own 24 hours.
    again = _in_process(app, "/authentication/getAccessToken", body={"apiKey": API_KEY})["data"]
    assert (again["accessToken"], again["refreshToken"]) == (new_access, new_refresh)

    assert _in_process(app, "/authentication/logout", token=new_access)["data"] is True
    assert _in_process(app, "/setting/get", token=new_access)["code"] == 1600001
    assert _in_process(app, "/authentication/refreshAccessToken", body={"refreshToken": new_refresh})["code"] == (
        1600003
    )


# --- the request log --------------------------------------------------------------------------------


SECRET_VALUES = ("plain-query-secret-0001", "plain-query-secret-0002", "plain-query-secret-0003", "pw-secret-0004")


def test_log_masks_secret_query_values() -> None:
    target = (
        f"/api2.0/v1/product/query?pid=PID-1&token={SECRET_VALUES[0]}&access_token={SECRET_VALUES[1]}"
        f"&accessToken={SECRET_VALUES[2]}&Pass%77ord={SECRET_VALUES[3]}&keyWord=cable+organizer&flag"
    )
    shown = mocking.log_target(target)
    assert not any(secret in shown for secret in SECRET_VALUES), shown
    assert shown.count("[redacted") == 4
    assert "pid=PID-1" in shown and "keyWord=cable+organizer" in shown and shown.endswith("&flag")
    assert mocking.log_target("/api2.0/v1/setting/get") == "/api2.0/v1/setting/get"
    # Values of other names still go through redact.scrub: a CJ-shaped token is masked wherever it is.
    assert TOKEN not in mocking.log_target(f"/api2.0/v1/product/query?pid={TOKEN}")


def test_log_never_shows_tokens_from_the_query_string(shared: Mock) -> None:
    query = f"pid={PID}&token={SECRET_VALUES[0]}&access_token={SECRET_VALUES[1]}&accessToken={SECRET_VALUES[2]}"
    assert shared.get(f"/product/query?{query}").json()["code"] == 200
    log = shared.log_after("token=plai...[redacted")
    assert f"/product/query?pid={PID}&token=plai...[redacted" in log
    assert not any(secret in log for secret in SECRET_VALUES), log


# --- limits -----------------------------------------------------------------------------------------


def _burst(mock: Mock, count: int, token: str = TOKEN) -> tuple[list[dict[str, Any]], float]:
    """``count`` requests released together; (bodies, seconds from the release to the last answer)."""
    barrier = threading.Barrier(count)
    results: list[dict[str, Any]] = []
    times: list[tuple[float, float]] = []
    lock = threading.Lock()

    def one() -> None:
        with httpx.Client(timeout=20, headers={"CJ-Access-Token": token}) as client:  # built before the release
            barrier.wait(timeout=20)
            sent = time.monotonic()
            body = client.get(mock.url + "/product/query", params={"pid": PID}).json()
            with lock:
                results.append(body)
                times.append((sent, time.monotonic()))

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == count
    return results, max(end for _, end in times) - min(sent for sent, _ in times)


def test_qps_limit_holds_under_a_concurrent_burst(start_mock: Callable[..., Mock], token_file: Path) -> None:
    mock = start_mock("--token-file", str(token_file))  # default: 1 request per second per token
    results, spread = _burst(mock, 10)
    assert spread < 1.0, "the burst must fit in one second for this test to mean anything"
    assert sum(1 for body in results if body["code"] == 200) == 1
    limited = [body for body in results if body["code"] == 1600200]
    assert len(limited) == 9
    for body in limited:
        assert {**body, "requestId": "-"} == {
            "code": 1600200, "result": False, "message": QPS_MESSAGE, "data": None, "requestId": "-",
        }  # fmt: skip
        assert REQUEST_ID.match(body["requestId"])
    assert mock.get("/product/query", token=OTHER_TOKEN, params={"pid": PID}).json()["code"] == 200  # per token
    time.sleep(1.1)
    assert mock.get("/product/query", params={"pid": PID}).json()["code"] == 200


def test_tokenless_auth_calls_are_limited_per_client_ip(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock()
    first = mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY})
    second = mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY})
    assert first.json()["code"] == 200
    assert_error(second, 1600200, QPS_MESSAGE)


def test_points_budget(start_mock: Callable[..., Mock], token_file: Path) -> None:
    mock = start_mock("--qps", "0", "--points", "60", "--token-file", str(token_file))
    assert mock.get("/product/listV2").json()["code"] == 200  # 50 points
    assert_error(
        mock.get("/product/listV2"),
        16900500,
        "Insufficient API points. Used today: 50, Remaining: 10, Required: 50. Please try again after 00:00 UTC.",
    )
    assert mock.get("/product/query", params={"pid": PID}).json()["code"] == 200  # 10 points
    assert mock.get("/shopping/pay/getBalance").json()["code"] == 200  # free
    assert_error(
        mock.get("/product/query", params={"pid": PID}),
        16900500,
        "Insufficient API points. Used today: 60, Remaining: 0, Required: 10. Please try again after 00:00 UTC.",
    )


# --- fault injection -----------------------------------------------------------------------------------

FAULT_PATHS = {
    "1602001": "/product/query",
    "http429": "/product/list",
    "http500": "/product/getCategory",
    "http502": "/product/listV2",
    "http503": "/setting/get",
    "http504": "/shopping/pay/getBalance",
    "html": "/product/globalWarehouseList",
    "empty": "/product/myProduct/query",
    "drop": "/ticket/types",
    "slow:1.2": "/ticket/pendingCount",
}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    directory = tmp_path_factory.mktemp("faulty-mock")
    tokens = directory / "tokens"
    tokens.write_text(TOKEN + "\n", encoding="utf-8")
    flags = [arg for fault, path in FAULT_PATHS.items() for arg in ("--fail", f"{fault}:1:{path}")]
    mock = launch(directory, "--qps", "0", "--token-file", str(tokens), *flags)
    yield mock
    mock.stop()


def test_injected_code_uses_the_table_message(faulty: Mock) -> None:
    assert_error(faulty.get("/product/query", params={"pid": PID}), 1602001, "Product not found")
    assert faulty.get("/product/variant/query", params={"pid": PID}).json()["code"] == 200  # other paths untouched
    said = "fault=1602001 (--fail 1602001:1:/product/query)"
    assert said in faulty.log_after(said)


def test_http_429_has_a_json_body(faulty: Mock) -> None:
    response = faulty.get("/product/list")
    assert response.status_code == 429 and response.json()["code"] == 429


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_http_5xx_has_an_html_page(faulty: Mock, status: int) -> None:
    path = FAULT_PATHS[f"http{status}"]
    response = faulty.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html") and "<html>" in response.text
    assert f"fault=http{status}" in faulty.log_after(f"fault=http{status}")


def test_html_with_http_200(faulty: Mock) -> None:
    response = faulty.get("/product/globalWarehouseList")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_empty_body(faulty: Mock) -> None:
    response = faulty.get("/product/myProduct/query")
    assert response.status_code == 200 and response.content == b""


def test_connection_dropped_mid_body(faulty: Mock) -> None:
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        faulty.get("/ticket/types")
    assert faulty.get("/setting/get").status_code == 503  # the server is still there


def test_slow_adds_latency(faulty: Mock) -> None:
    started = time.monotonic()
    response = faulty.get("/ticket/pendingCount")
    assert time.monotonic() - started >= 1.2
    assert response.json()["code"] == 200
    assert "delay=1.2s" in faulty.log_after("delay=1.2s")


def test_global_latency(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--latency", "0.5")
    started = time.monotonic()
    mock.get("/product/query", token=None)
    assert time.monotonic() - started >= 0.5


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_count_limited_rules(start_mock: Callable[..., Mock], token_file: Path, tmp_path: Path, suffix: str) -> None:
    rules = tmp_path / f"rules{suffix}"
    if suffix == ".json":
        rules.write_text(json.dumps({"rules": [{"path": "/product/query", "fault": "1600200", "count": 2}]}))
    else:
        rules.write_text('[[rules]]\npath = "/api2.0/v1/product/query"\nfault = 1600000\nrate = 1.0\ncount = 2\n')
    mock = start_mock("--qps", "0", "--token-file", str(token_file), "--rules", str(rules))
    seen = [mock.get("/product/query", params={"pid": PID}).json()["code"] for _ in range(4)]
    injected = 1600200 if suffix == ".json" else 1600000
    assert seen == [injected, injected, 200, 200]
    assert mock.get("/setting/get").json()["code"] == 200
    if suffix == ".json":
        body = assert_error(mock.get("/product/query"), 1600300)  # the rule is spent: validation again
        assert body["message"] == "Param error"


def test_seed_makes_the_faults_repeatable(start_mock: Callable[..., Mock], token_file: Path) -> None:
    def run_once() -> list[int]:
        mock = start_mock("--qps", "0", "--token-file", str(token_file), "--fail", "1600000:0.5", "--seed", "7")
        with httpx.Client(timeout=20, headers={"CJ-Access-Token": TOKEN}) as client:
            return [client.get(mock.url + "/setting/get").json()["code"] for _ in range(20)]

    first, second = run_once(), run_once()
    assert first == second
    assert {200, 1600000} == set(first)


# --- bad options ------------------------------------------------------------------------------------------


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "content",
    [
        '{"rules": [{"fault": "1600200", "rate": 2}]}',
        '{"rules": [{"fault": "nope"}]}',
        '{"rules": [{"fault": "1600200", "count": 0}]}',
        '{"rules": [{"fault": "1600200", "colour": "red"}]}',
        '{"rules": [{"rate": 1}]}',
        '{"rules": [{"fault": "200"}]}',
        '{"rules": [{"sequence": []}]}',
        '{"rules": [{"fault": "1600200", "sequence": ["ok"]}]}',
        '{"rules": [{"fault": "1600200", "match_body": {"orderNumber": null}}]}',
        '{"rules": [{"fault": "1600200", "status": 99}]}',
        '{"rules": {"fault": "1600200"}}',
        '{"rules": [',
    ],
)
def test_bad_rules_file_exits_65(run: Runner, tmp_path: Path, content: str) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(content)
    result = run("mock", "--port", "0", "--rules", str(rules), timeout=30)
    assert result.returncode == ExitStatus.INVALID_INPUT
    assert "rules file" in _one_line_error(result)


def test_bad_toml_rules_file_exits_65(run: Runner, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[[rules]\nfault = \n")
    result = run("mock", "--port", "0", "--rules", str(rules), timeout=30)
    assert result.returncode == ExitStatus.INVALID_INPUT and "not valid TOML" in _one_line_error(result)


def test_missing_rules_or_token_file_exits_66(run: Runner, tmp_path: Path) -> None:
    missing = run("mock", "--port", "0", "--rules", str(tmp_path / "absent.json"), timeout=30)
    assert missing.returncode == ExitStatus.NO_INPUT and "no such file" in _one_line_error(missing)
    no_tokens = run("mock", "--port", "0", "--token-file", str(tmp_path / "absent"), timeout=30)
    assert no_tokens.returncode == ExitStatus.NO_INPUT


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize(
    ("option", "status", "said"),
    [
        ("--rules", ExitStatus.INVALID_INPUT, "rules file /dev/zero is larger than 1,048,576 bytes"),
        ("--token-file", ExitStatus.CONFIG, "token file /dev/zero is larger than 65,536 bytes"),
    ],
)
def test_endless_rules_or_token_file_is_one_line_not_out_of_memory(
    run: Runner, option: str, status: ExitStatus, said: str
) -> None:
    started = time.monotonic()
    result = run("mock", "--port", "0", option, "/dev/zero", timeout=30)
    assert result.returncode == status, result.stderr
    assert said in _one_line_error(result)
    assert time.monotonic() - started < 15


def _token_file_cases(tmp_path: Path) -> list[tuple[str, str, ExitStatus]]:
    contents: dict[str, bytes] = {
        "empty": b"",
        "blank": b"\n  \n",
        "not-utf8": b"\xff\xfe" + TOKEN.encode(),
        "control": TOKEN.encode() + b"\x01\n",
        "escape": TOKEN.encode() + b"\x1b[2J\n",
        "huge": b"t" * (64 * 1024 + 1),
    }
    cases: list[tuple[str, str, ExitStatus]] = []
    for name, content in contents.items():
        path = tmp_path / name
        path.write_bytes(content)
        cases.append((name, str(path), ExitStatus.CONFIG))
    cases.append(("missing", str(tmp_path / "absent"), ExitStatus.NO_INPUT))
    cases.append(("directory", str(tmp_path), ExitStatus.NO_INPUT))
    return cases


def test_bad_token_file_exits_like_probe(run: Runner, tmp_path: Path) -> None:
    """Same token file, same status: missing/unreadable 66; empty, not UTF-8, control characters, too large 78."""
    for name, path, status in _token_file_cases(tmp_path):
        mocked = run("mock", "--port", "0", "--token-file", path, timeout=30)
        probed = run("probe", "--dry-run", "/product/query", "-p", f"pid={PID}", "--token-file", path, timeout=30)
        assert (name, mocked.returncode, probed.returncode) == (name, status, status), mocked.stderr + probed.stderr
        line = _one_line_error(mocked)
        assert "token file" in line and "\x1b" not in line and TOKEN not in line, line


def test_token_file_with_several_tokens_and_comments_is_fine_for_the_mock(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_bytes(f"\ufeff# comment\r\n{TOKEN}\r\n\n  {OTHER_TOKEN}  \n".encode())
    assert mocking.load_tokens(path) == [TOKEN, OTHER_TOKEN]
    assert mocking.load_tokens(str(path)) == [TOKEN, OTHER_TOKEN]


@pytest.mark.parametrize("spec", ["1600200:1.5", "bogus:0.5", "slow:x", "1600200:0.5:no-slash", "200:1", "drop:a:b:c"])
def test_bad_fail_flag_is_a_usage_error(run: Runner, spec: str) -> None:
    result = run("mock", "--port", "0", "--fail", spec, timeout=30)
    assert result.returncode == ExitStatus.USAGE
    assert _one_line_error(result).startswith(f"cjerr: --fail {spec}:")


# --- stopping -------------------------------------------------------------------------------------------------


def test_sigint_stops_cleanly_with_130(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--fail", "slow:5:1:/ticket/types")
    assert mock.get("/product/query", token=None).status_code == 200

    def slow_request() -> None:
        try:
            mock.get("/ticket/types", token=None)
        except httpx.HTTPError:
            pass  # the server went away mid-request, which is the point

    worker = threading.Thread(target=slow_request, daemon=True)
    worker.start()
    time.sleep(0.5)  # a request is in flight while Ctrl-C arrives
    started = time.monotonic()
    assert mock.stop(signal.SIGINT) == ExitStatus.INTERRUPTED
    assert time.monotonic() - started < 5
    assert "Traceback" not in mock.stderr and "cjerr mock: stopped" in mock.stderr
    # One line says it stopped; a second "interrupted" line would say the same again.
    assert mock.stderr.count("cjerr mock: stopped") == 1 and "cjerr: interrupted" not in mock.stderr
    with pytest.raises(httpx.ConnectError):
        httpx.get(mock.url + "/product/query", timeout=5)


# --- cjerr probe against the live mock -----------------------------------------------------------------------


def _probe(run: Runner, mock: Mock, *args: str, token: str = TOKEN) -> subprocess.CompletedProcess[str]:
    return run("probe", "--base-url", mock.url, *args, env={"CJ_ACCESS_TOKEN": token}, timeout=90)


def test_probe_succeeds_against_the_mock(run: Runner, start_mock: Callable[..., Mock], token_file: Path) -> None:
    mock = start_mock("--token-file", str(token_file))
    result = _probe(run, mock, "/product/query", "-p", f"pid={PID}")
    assert result.returncode == ExitStatus.SUCCESS, result.stdout + result.stderr
    assert TOKEN not in result.stdout + result.stderr + mock.stderr


def test_probe_gives_up_on_a_lasting_rate_limit_with_75(
    run: Runner, start_mock: Callable[..., Mock], token_file: Path
) -> None:
    mock = start_mock("--token-file", str(token_file), "--fail", "1600200:1.0")
    started = time.monotonic()
    result = _probe(run, mock, "/product/query", "-p", f"pid={PID}")
    assert result.returncode == ExitStatus.TEMPORARY, result.stdout + result.stderr
    assert time.monotonic() - started >= 2.0  # two retries, each after at least a second
    assert mock.stderr.count("fault=1600200") == 3


def test_probe_exit_statuses_for_auth_quota_and_gateway(
    run: Runner, start_mock: Callable[..., Mock], token_file: Path
) -> None:
    mock = start_mock(
        "--qps", "0", "--points", "5", "--token-file", str(token_file), "--fail", "http502:1:/setting/get"
    )
    assert (
        _probe(run, mock, "/product/query", "-p", f"pid={PID}", token="wrong-token-123456").returncode
        == ExitStatus.AUTH
    )
    assert _probe(run, mock, "/product/query", "-p", f"pid={PID}").returncode == ExitStatus.QUOTA
    assert _probe(run, mock, "/setting/get").returncode == ExitStatus.TEMPORARY
    assert _probe(run, mock, "/shopping/pay/getBalance").returncode == ExitStatus.SUCCESS


def test_probe_recovers_after_count_limited_faults(
    run: Runner, start_mock: Callable[..., Mock], token_file: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rules]]\npath = "/product/query"\nfault = "1600200"\ncount = 1\n')
    mock = start_mock("--token-file", str(token_file), "--rules", str(rules))
    result = _probe(run, mock, "/product/query", "-p", f"pid={PID}")
    assert result.returncode == ExitStatus.SUCCESS, result.stdout + result.stderr
    assert mock.stderr.count("fault=1600200") == 1


def test_cli_stays_import_light() -> None:
    code = "import sys, cj_errors.cli.app; print(any(m in sys.modules for m in ('cj_errors.mock', 'http.server')))"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=os.environ)
    assert output.stdout.strip() == "False", output.stderr


# Login refuses a key that is not shaped like CJ's before sending it; the mock accepts keys by the same rule.
KEY_SHAPES = [
    (API_KEY, True),
    ("CJ1234567@api@0123456789ABCDEF0123456789ABCDEF", True),
    ("CJ1234567@api@ghijklmnopqrstuvwxyzghijklmnopqr", False),  # 32 letters, not hex: the mock once took it
    ("CJ1234567@api@0123456789abcdef0123456789abcde", False),
    ("1234567@api@0123456789abcdef0123456789abcdef", False),
]


def test_the_mock_and_auth_login_agree_on_the_api_key_shape(start_mock: Callable[..., Mock]) -> None:

    mock = start_mock("--qps", "0")
    for key, well_shaped in KEY_SHAPES:
        assert (redact.api_key_problem(key) is None) is well_shaped, key
        answer = mock.post("/authentication/getAccessToken", token=None, json={"apiKey": key}).json()
        assert (answer["code"] == 200) is well_shaped, (key, answer)
