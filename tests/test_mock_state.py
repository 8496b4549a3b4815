"""The stateful mock: catalogue, orders, balance, tokens, --state, the admin API, rules and the Python runner."""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from cj_errors import mock as mocking
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.mock.catalogue import Catalogue
from tests.conftest import Runner
from tests.test_mock import API_KEY, TOKEN, Mock, assert_error, start_mock, token_file  # noqa: F401 (fixtures shared with test_mock)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX process handling")


CATALOGUE = Catalogue()
PRODUCT = CATALOGUE.products[0]
VARIANT = PRODUCT.variants[0]
CREATE = "/shopping/order/createOrderV2"


def order_body(number: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "orderNumber": number, "shippingCountryCode": "US", "shippingCountry": "United States",
        "shippingProvince": "CA", "shippingCity": "Los Angeles", "shippingCustomerName": "Ada Lovelace",
        "shippingAddress": "1 Example Street", "logisticName": "CJPacket Ordinary", "fromCountryCode": "CN",
        "products": [{"vid": VARIANT.vid, "quantity": 2}], "payType": 3,
    }  # fmt: skip
    body.update(changes)
    return body


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == 200 and body["result"] is True, body
    return body["data"]


def admin(mock: Mock, method: str, name: str, **kwargs: Any) -> httpx.Response:
    return mock.client.request(method, mock.url.removesuffix("/api2.0/v1") + "/__cjerr/" + name, **kwargs)


# --- catalogue ---------------------------------------------------------------------------------------------


def test_catalogue_agrees_across_endpoints(start_mock: Callable[..., Mock], token_file: Path) -> None:
    mock = start_mock("--qps", "0", "--token-file", str(token_file))
    listed = ok(mock.get("/product/list", params={"pageSize": 50}))
    assert [item["pid"] for item in listed["list"]] == [product.pid for product in CATALOGUE.products]
    v2 = ok(mock.get("/product/listV2", params={"size": 100}))
    assert {item["id"] for item in v2["content"][0]["productList"]} == set(CATALOGUE.by_pid)
    product = ok(mock.get("/product/query", params={"pid": PRODUCT.pid}))
    assert product["productSku"] == PRODUCT.sku and [v["vid"] for v in product["variants"]] == [
        v.vid for v in PRODUCT.variants
    ]
    assert ok(mock.get("/product/query", params={"productSku": PRODUCT.sku}))["pid"] == PRODUCT.pid
    assert ok(mock.get("/product/variant/query", params={"pid": PRODUCT.pid}))[0]["vid"] == VARIANT.vid
    assert ok(mock.get("/product/variant/queryByVid", params={"vid": VARIANT.vid}))["variantSellPrice"] == VARIANT.price
    stock = ok(mock.get("/product/stock/queryByVid", params={"vid": VARIANT.vid}))
    assert {row["countryCode"]: row["storageNum"] for row in stock} == dict(VARIANT.stock)
    by_pid = mock.get("/product/stock/getInventoryByPid", params={"pid": PRODUCT.pid}).json()["data"]
    assert by_pid["variantInventories"][0]["inventory"][0]["totalInventory"] == VARIANT.stock_in("CN")
    quotes = ok(
        mock.post(
            "/logistic/freightCalculate",
            json={"startCountryCode": "CN", "endCountryCode": "US", "products": [{"vid": VARIANT.vid, "quantity": 2}]},
        )
    )
    names = {quote["logisticName"]: quote["logisticPrice"] for quote in quotes}
    assert "CJPacket Ordinary" in names and "USPS Ground Advantage" not in names  # a US warehouse route
    created = ok(mock.post(CREATE, json=order_body("cat-1")))
    assert created["postageAmount"] == names["CJPacket Ordinary"]
    assert created["productAmount"] == round(VARIANT.price * 2, 2)
    assert created["orderAmount"] == round(created["productAmount"] + created["postageAmount"], 2)


def test_unknown_ids_routes_and_countries_get_cjs_codes(start_mock: Callable[..., Mock], token_file: Path) -> None:
    mock = start_mock("--qps", "0", "--token-file", str(token_file))
    assert_error(mock.get("/product/query", params={"pid": "NO-SUCH-PID"}), 1602001, "Product not found")
    assert_error(mock.get("/product/variant/queryByVid", params={"vid": "NO-SUCH-VID"}), 1602000, "Variant not found")
    assert_error(mock.get("/product/stock/queryByVid", params={"vid": "NO-SUCH-VID"}), 1602000)
    unknown_vid = order_body("bad-1", products=[{"vid": "NO-SUCH-VID", "quantity": 1}])
    assert_error(mock.post(CREATE, json=unknown_vid), 1602000)
    no_route = order_body("bad-2", logisticName="USPS Ground Advantage")  # from CN: not offered
    assert_error(mock.post(CREATE, json=no_route), 1605001, "Logistic invalid, please reference freight calculate.")
    assert_error(mock.post(CREATE, json=order_body("bad-3", shippingCountryCode="USA")), 1605002)
    assert_error(mock.post(CREATE, json=order_body("bad-4", fromCountryCode="XX")), 1605002)
    freight = {"startCountryCode": "China", "endCountryCode": "US", "products": [{"vid": VARIANT.vid, "quantity": 1}]}
    assert_error(mock.post("/logistic/freightCalculate", json=freight), 1605002)
    # None of the refused orders was stored.
    assert ok(mock.get("/shopping/order/list"))["total"] == 0


def test_seed_changes_the_ids_and_keeps_them_stable() -> None:
    assert Catalogue(7).products[0].pid == Catalogue(7).products[0].pid
    assert Catalogue(7).products[0].pid != Catalogue().products[0].pid
    assert Catalogue(None).products[0].pid == PRODUCT.pid


# --- orders and balance ---------------------------------------------------------------------------------------


def test_order_flow(start_mock: Callable[..., Mock], token_file: Path) -> None:
    mock = start_mock("--qps", "0", "--token-file", str(token_file), "--balance", "100")
    first = ok(mock.post(CREATE, json=order_body("flow-1", payType=1)))
    assert first["orderStatus"] == "CREATED" and first["cjPayUrl"].endswith(first["orderId"])
    second = ok(mock.post(CREATE, json=order_body("flow-2")))
    assert second["orderId"] != first["orderId"] and second["cjPayUrl"] is None  # payType 3: create only
    third = ok(mock.post("/shopping/order/createOrderV3", json=order_body("flow-3")))
    assert third["cjPayUrl"].endswith(third["orderId"])  # V3's documented example has one too
    # The same orderNumber again: CJ's duplicate code, and nothing new stored.
    assert_error(mock.post(CREATE, json=order_body("flow-1")), 1603003, "Order exist, please do not duplicate create")
    assert_error(mock.post("/shopping/order/createOrderV3", json=order_body("flow-2")), 1603003)
    detail = ok(mock.get("/shopping/order/getOrderDetail", params={"orderId": first["orderId"]}))
    assert detail["orderNum"] == "flow-1" and detail["orderAmount"] == first["orderAmount"]
    assert detail["productList"][0]["vid"] == VARIANT.vid and detail["productList"][0]["quantity"] == 2
    by_number = ok(mock.get("/shopping/order/getOrderDetail", params={"orderId": "flow-1"}))
    assert by_number["orderId"] == first["orderId"]
    listing = ok(mock.get("/shopping/order/list"))
    assert listing["total"] == 3 and {item["orderNum"] for item in listing["list"]} == {"flow-1", "flow-2", "flow-3"}
    # confirm -> UNPAID, pay -> UNSHIPPED and the balance goes down.
    assert (
        ok(mock.call("PATCH", "/shopping/order/confirmOrder", json={"orderId": first["orderId"]})) == first["orderId"]
    )
    assert_error(mock.call("PATCH", "/shopping/order/confirmOrder", json={"orderId": first["orderId"]}), 1603001)
    assert ok(mock.get("/shopping/order/list", params={"status": "UNPAID"}))["list"][0]["orderNum"] == "flow-1"
    ok(mock.post("/shopping/pay/payBalance", json={"orderId": first["orderId"]}))
    balance = ok(mock.get("/shopping/pay/getBalance"))["amount"]
    assert balance == round(100 - first["orderAmount"], 2)
    paid = ok(mock.get("/shopping/order/getOrderDetail", params={"orderId": first["orderId"]}))
    assert paid["orderStatus"] == "UNSHIPPED" and paid["paymentDate"]
    assert_error(mock.post("/shopping/pay/payBalance", json={"orderId": first["orderId"]}), 1603101)  # paid twice
    assert_error(mock.call("DELETE", "/shopping/order/deleteOrder", params={"orderId": first["orderId"]}), 1603002)
    # delete an open order -> CANCELLED; it cannot be paid afterwards.
    ok(mock.call("DELETE", "/shopping/order/deleteOrder", params={"orderId": second["orderId"]}))
    assert ok(mock.get("/shopping/order/list", params={"status": "CANCELLED"}))["list"][0]["orderNum"] == "flow-2"
    assert_error(mock.post("/shopping/pay/payBalance", json={"orderId": second["orderId"]}), 1603101)
    assert ok(mock.get("/shopping/pay/getBalance"))["amount"] == balance
    # Unknown ids.
    assert_error(mock.get("/shopping/order/getOrderDetail", params={"orderId": "SD-NOPE"}), 1600300, "order not found")
    for method, path, kwargs in (
        ("PATCH", "/shopping/order/confirmOrder", {"json": {"orderId": "SD-NOPE"}}),
        ("DELETE", "/shopping/order/deleteOrder", {"params": {"orderId": "SD-NOPE"}}),
        ("POST", "/shopping/pay/payBalance", {"json": {"orderId": "SD-NOPE"}}),
    ):
        assert_error(mock.call(method, path, **kwargs), 1603100)


def test_short_balance_answers_1604000_and_debits_nothing(start_mock: Callable[..., Mock], token_file: Path) -> None:
    mock = start_mock("--qps", "0", "--token-file", str(token_file), "--balance", "1.00")
    created = ok(mock.post(CREATE, json=order_body("poor-1")))
    assert_error(mock.post("/shopping/pay/payBalance", json={"orderId": created["orderId"]}), 1604000)
    assert ok(mock.get("/shopping/pay/getBalance"))["amount"] == 1.0
    assert_error(mock.post(CREATE, json=order_body("poor-2", payType=2)), 1604000)  # pay at creation
    assert ok(mock.get("/shopping/order/list"))["total"] == 1
    state = admin(mock, "GET", "state").json()
    assert state["balance"] == 1.0 and state["orders"][0]["orderStatus"] == "CREATED"


def test_sandbox_tools_move_a_sandbox_order(start_mock: Callable[..., Mock], token_file: Path) -> None:
    mock = start_mock("--qps", "0", "--token-file", str(token_file), "--balance", "0")
    real = ok(mock.post(CREATE, json=order_body("real-1")))
    sandbox = ok(mock.post(CREATE, json=order_body("sand-1", isSandbox=1)))
    order_id = sandbox["orderId"]
    assert_error(mock.post("/shopping/sandbox/simulatePay", json={"orderId": real["orderId"]}), 811)
    assert_error(mock.post("/shopping/sandbox/simulatePay", json={"orderId": "SD-NOPE"}), 803)
    track = {"orderId": order_id, "trackNumber": "TRACK123"}
    assert_error(mock.post("/shopping/sandbox/updateTrackNumber", json=track), 819)  # unpaid
    ok(mock.post("/shopping/sandbox/simulatePay", json={"orderId": order_id}))  # no balance needed
    assert ok(mock.get("/shopping/pay/getBalance"))["amount"] == 0
    ok(mock.post("/shopping/sandbox/updateStatus", json={"orderId": order_id, "targetStatus": 400}))
    assert_error(mock.post("/shopping/sandbox/updateStatus", json={"orderId": order_id, "targetStatus": 600}), 1600300)
    ok(mock.post("/shopping/sandbox/updateStatus", json={"orderId": order_id, "targetStatus": 500}))
    ok(mock.post("/shopping/sandbox/updateTrackNumber", json=track))
    detail = ok(mock.get("/shopping/order/getOrderDetail", params={"orderId": order_id}))
    assert detail["orderStatus"] == "SHIPPED" and detail["trackNumber"] == "TRACK123" and detail["isSandbox"] == 1
    for target in (600, 700):
        ok(mock.post("/shopping/sandbox/updateStatus", json={"orderId": order_id, "targetStatus": target}))
    assert ok(mock.get("/shopping/order/getOrderDetail", params={"orderId": order_id}))["orderStatus"] == "DELIVERED"


def test_orders_belong_to_the_account_that_created_them(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--qps", "0")
    first = ok(mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY}))["accessToken"]
    other_key = "CJ7654321@api@abcdef0123456789abcdef0123456789"
    second = ok(mock.post("/authentication/getAccessToken", token=None, json={"apiKey": other_key}))["accessToken"]
    created = ok(mock.post(CREATE, token=first, json=order_body("mine-1", isSandbox=1)))
    assert_error(mock.get("/shopping/order/getOrderDetail", token=second, params={"orderId": "mine-1"}), 1600300)
    assert ok(mock.get("/shopping/order/list", token=second))["total"] == 0
    assert_error(mock.post("/shopping/sandbox/simulatePay", token=second, json={"orderId": created["orderId"]}), 818)
    ok(mock.post(CREATE, token=second, json=order_body("mine-1")))  # another account's numbers are its own


# --- tokens -------------------------------------------------------------------------------------------


def test_refresh_after_the_access_token_expired(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--qps", "0", "--token-ttl", "1", "--refresh-ttl", "60")
    pair = ok(mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY}))
    assert pair["accessTokenExpiryDate"] != pair["refreshTokenExpiryDate"]
    ok(mock.get("/shopping/pay/getBalance", token=pair["accessToken"]))
    time.sleep(1.3)
    assert_error(mock.get("/shopping/pay/getBalance", token=pair["accessToken"]), 1600001)
    fresh = ok(mock.post("/authentication/refreshAccessToken", token=None, json={"refreshToken": pair["refreshToken"]}))
    assert fresh["accessToken"] != pair["accessToken"]
    ok(mock.get("/shopping/pay/getBalance", token=fresh["accessToken"]))
    # The old refresh token was retired with its pair.
    again = mock.post("/authentication/refreshAccessToken", token=None, json={"refreshToken": pair["refreshToken"]})
    assert_error(again, 1600003)


def test_an_expired_refresh_token_means_logging_in_again(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--qps", "0", "--token-ttl", "1", "--refresh-ttl", "1")
    pair = ok(mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY}))
    time.sleep(1.3)
    stale = mock.post("/authentication/refreshAccessToken", token=None, json={"refreshToken": pair["refreshToken"]})
    assert_error(stale, 1600003, mocking.code_message(1600003))
    ok(mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY}))


def test_auth_throttle_answers_cjs_300_second_body(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--qps", "0", "--auth-throttle", "300")
    ok(mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY}))
    throttled = mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY})
    assert_error(throttled, 1600200, "Too Many Requests, QPS limit is 1 time/300 seconds")
    other_key = "CJ7654321@api@abcdef0123456789abcdef0123456789"
    ok(mock.post("/authentication/getAccessToken", token=None, json={"apiKey": other_key}))  # per key


def test_points_info_and_points_trickling_back() -> None:
    clock = [1000.0]
    app = mocking.MockApp(_points_config(), clock=lambda: clock[0])

    def query() -> dict[str, Any]:
        request = mocking.MockRequest(
            "GET", f"/api2.0/v1/product/query?pid={PRODUCT.pid}", {"cj-access-token": "T" * 40}, b"", "127.0.0.1"
        )
        return json.loads(app.handle(request).body)

    first = query()
    assert first["code"] == 200 and first["pointsInfo"] == {"usedToday": 10, "remaining": 1430, "total": 1440}
    assert query()["pointsInfo"]["usedToday"] == 20
    clock[0] += 5 * 60  # 1440/1440 = 1 point back per minute
    assert query()["pointsInfo"]["usedToday"] == 25


def _points_config() -> mocking.MockConfig:
    import dataclasses

    return dataclasses.replace(mocking.build_config(qps=0, points=1440), tokens=("T" * 40,))


# --- --state ----------------------------------------------------------------------------------------------


def test_state_file_survives_a_restart(start_mock: Callable[..., Mock], tmp_path: Path) -> None:
    state = tmp_path / "mock.sqlite"
    mock = start_mock("--qps", "0", "--state", str(state), "--balance", "50")
    pair = ok(mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY}))
    token = pair["accessToken"]
    created = ok(mock.post(CREATE, token=token, json=order_body("keep-1")))
    ok(mock.post("/shopping/pay/payBalance", token=token, json={"orderId": created["orderId"]}))
    assert mock.stop() == 130
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
    again = start_mock("--qps", "0", "--state", str(state), "--balance", "50")
    detail = ok(again.get("/shopping/order/getOrderDetail", token=token, params={"orderId": "keep-1"}))
    assert detail["orderId"] == created["orderId"] and detail["orderStatus"] == "UNSHIPPED"
    assert ok(again.get("/shopping/pay/getBalance", token=token))["amount"] == round(50 - created["orderAmount"], 2)
    assert_error(again.post(CREATE, token=token, json=order_body("keep-1")), 1603003)
    newer = ok(again.post(CREATE, token=token, json=order_body("keep-2")))
    assert newer["orderId"] != created["orderId"]
    # The refresh token issued before the restart still works; the API key is never stored.
    ok(again.post("/authentication/refreshAccessToken", token=None, json={"refreshToken": pair["refreshToken"]}))
    assert API_KEY.encode() not in state.read_bytes()
    assert token not in again.stderr


def test_bad_state_file_is_one_line(run: Runner, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database, just some text\n" * 200)
    result = run("mock", "--port", "0", "--state", str(junk), timeout=30)
    assert result.returncode == ExitStatus.CONFIG, result.stderr
    assert result.stderr.startswith(f"cjerr: --state {junk}: not a cjerr mock state file")
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    folder = run("mock", "--port", "0", "--state", str(tmp_path), timeout=30)
    assert folder.returncode == ExitStatus.CONFIG and "not a regular file" in folder.stderr


@pytest.mark.parametrize("content", [b"\n", b"x", b"\xff"], ids=["newline", "letter", "byte"])
def test_a_one_byte_file_is_refused_not_overwritten(run: Runner, tmp_path: Path, content: bytes) -> None:
    # SQLite reads a 1-byte file as an empty database: the mock used to start and write its tables over it.
    mine = tmp_path / "notes.txt"
    mine.write_bytes(content)
    result = run("mock", "--port", "0", "--state", str(mine), timeout=20)
    assert result.returncode == ExitStatus.CONFIG, result.stderr
    assert result.stderr.startswith(f"cjerr: --state {mine}: not a cjerr mock state file")
    assert len(result.stderr.strip().splitlines()) == 1 and mine.read_bytes() == content


# --- the admin API -----------------------------------------------------------------------------------------


def test_admin_journal_reset_state_and_faults(start_mock: Callable[..., Mock]) -> None:
    mock = start_mock("--qps", "0")
    pair = ok(mock.post("/authentication/getAccessToken", token=None, json={"apiKey": API_KEY}))
    token = pair["accessToken"]
    created = ok(mock.post(CREATE, token=token, json=order_body("adm-1")))
    journal = admin(mock, "GET", "requests").json()
    assert journal["count"] == 2
    auth, create = journal["requests"]
    assert (auth["method"], auth["path"], auth["code"], auth["status"]) == (
        "POST", "/authentication/getAccessToken", 200, 200
    )  # fmt: skip
    assert auth["body"]["apiKey"].startswith("CJ12...[redacted")
    assert create["headers"]["cj-access-token"].startswith("API@...[redacted")
    assert create["body"]["orderNumber"] == "adm-1" and create["fault"] is None and create["time"].endswith("+00:00")
    assert API_KEY not in json.dumps(journal) and token not in json.dumps(journal)
    only = admin(mock, "GET", "requests", params={"path": CREATE}).json()
    assert only["count"] == 1
    state = admin(mock, "GET", "state").json()
    assert state["orders"][0]["orderId"] == created["orderId"] and state["balance"] == 1000.0
    assert state["tokens"][0]["accessToken"].endswith("chars]") and token not in json.dumps(state)
    assert state["catalogue"][0]["pid"] == PRODUCT.pid
    # Faults at run time.
    added = admin(mock, "POST", "faults", json={"fault": "1600000", "path": "/shopping/pay/getBalance", "count": 1})
    assert added.status_code == 200 and added.json()["added"] == 1
    assert_error(mock.get("/shopping/pay/getBalance", token=token), 1600000)
    ok(mock.get("/shopping/pay/getBalance", token=token))
    listing = admin(mock, "GET", "faults").json()["rules"]
    assert listing == [
        {"index": 0, "fault": "1600000", "path": "/shopping/pay/getBalance", "count": 1, "origin": "admin rule",
         "matched": 1}
    ]  # fmt: skip
    faulted = admin(mock, "GET", "requests", params={"path": "/shopping/pay/getBalance"}).json()["requests"]
    assert [(item["code"], item["fault"], item["rule"]) for item in faulted] == [
        (1600000, "1600000", "admin rule"), (200, None, None)
    ]  # fmt: skip
    bad = admin(mock, "POST", "faults", json={"rules": [{"fault": "nope"}]})
    assert bad.status_code == 400 and "unknown fault 'nope'" in bad.json()["error"]
    json_type = {"Content-Type": "application/json"}
    assert admin(mock, "POST", "faults", content=b"{not json", headers=json_type).status_code == 400
    assert admin(mock, "POST", "faults", content=b"{not json").status_code == 415
    assert admin(mock, "DELETE", "faults", params={"index": "5"}).status_code == 404
    assert admin(mock, "DELETE", "faults").json() == {"removed": 1}
    assert admin(mock, "GET", "faults").json() == {"rules": []}
    # Reset: orders, tokens and counters go; the catalogue stays.
    assert admin(mock, "POST", "reset").json() == {"reset": True, "balance": 1000.0}
    assert_error(mock.get("/shopping/pay/getBalance", token=token), 1600001)
    after = admin(mock, "GET", "state").json()
    assert after["orders"] == [] and after["tokens"] == [] and after["journal"] == 1
    assert after["catalogue"] == state["catalogue"]
    assert admin(mock, "DELETE", "requests").json() == {"cleared": 1}
    assert admin(mock, "GET", "requests").json() == {"count": 0, "requests": []}
    assert admin(mock, "GET", "nope").status_code == 404
    assert admin(mock, "PUT", "reset").status_code == 405
    assert token not in mock.stderr


# --- rules ------------------------------------------------------------------------------------------------


def test_sequence_match_custom_message_body_and_unknown_code(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        """
[[rules]]
path = "/shopping/pay/getBalance"
sequence = ["ok", "ok", "1600000"]

[[rules]]
path = "/shopping/order/createOrderV2"
match_body = { orderNumber = "boom-1" }
fault = "1603000"
message = "Order create fail, warehouse closed"

[[rules]]
path = "/product/query"
match_query = { pid = "custom" }
body = { code = 4242, result = false, message = "Made up", data = {} }
status = 418

[[rules]]
path = "/product/list"
fault = "1234567"
count = 1
""",
        encoding="utf-8",
    )
    with mocking.running(qps=0, rules_file=rules, accept_any_key=True) as base_url, httpx.Client() as client:
        token = client.post(base_url + "/authentication/getAccessToken", json={"apiKey": "k"}).json()["data"]
        headers = {"CJ-Access-Token": token["accessToken"]}
        codes = [client.get(base_url + "/shopping/pay/getBalance", headers=headers).json()["code"] for _ in range(4)]
        assert codes == [200, 200, 1600000, 1600000]  # the last step repeats
        boom = client.post(base_url + CREATE, json=order_body("boom-1"), headers=headers).json()
        assert (boom["code"], boom["message"]) == (1603000, "Order create fail, warehouse closed")
        assert client.post(base_url + CREATE, json=order_body("calm-1"), headers=headers).json()["code"] == 200
        custom = client.get(base_url + "/product/query", params={"pid": "custom"}, headers=headers)
        assert custom.status_code == 418 and custom.json() == {
            "code": 4242,
            "result": False,
            "message": "Made up",
            "data": {},
        }
        assert_error(client.get(base_url + "/product/query", params={"pid": "other"}, headers=headers), 1602001)
        unknown = client.get(base_url + "/product/list", headers=headers).json()
        assert unknown["code"] == 1234567 and unknown["result"] is False
        assert client.get(base_url + "/product/list", headers=headers).json()["code"] == 200


def test_bad_fail_value_is_exit_2_and_bad_rule_file_65(run: Runner, tmp_path: Path) -> None:
    assert run("mock", "--port", "0", "--fail", "nope", timeout=30).returncode == ExitStatus.USAGE
    rules = tmp_path / "rules.json"
    rules.write_text('{"rules": [{"sequence": ["ok", "nope"]}]}')
    result = run("mock", "--port", "0", "--rules", str(rules), timeout=30)
    assert result.returncode == ExitStatus.INVALID_INPUT and "rule 1: unknown fault 'nope'" in result.stderr


# --- concurrency and the Python runner ---------------------------------------------------------------------


def test_ten_clients_creating_orders_at_once_lose_none_and_duplicate_none() -> None:
    mock = mocking.start(qps=0, accept_any_key=True)
    try:
        with httpx.Client() as client:
            token = client.post(mock.url + "/authentication/getAccessToken", json={"apiKey": "k"}).json()["data"]
        headers = {"CJ-Access-Token": token["accessToken"]}
        barrier = threading.Barrier(20)
        answers: list[tuple[str, int, str]] = []
        lock = threading.Lock()

        def create(number: str) -> None:
            with httpx.Client(timeout=30) as client:
                barrier.wait()
                body = client.post(mock.url + CREATE, json=order_body(number), headers=headers).json()
            with lock:
                answers.append((number, body["code"], (body["data"] or {}).get("orderId", "")))

        threads = [threading.Thread(target=create, args=(f"par-{index}",)) for index in range(10)]
        threads += [threading.Thread(target=create, args=("same-1",)) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        distinct = [answer for answer in answers if answer[0].startswith("par-")]
        assert sorted(code for _, code, _ in distinct) == [200] * 10
        assert len({order_id for _, _, order_id in distinct}) == 10
        same = sorted(code for number, code, _ in answers if number == "same-1")
        assert same == [200] + [1603003] * 9
        state = mock.state()
        assert len(state["orders"]) == 11
        assert mock.count(CREATE) == 20
    finally:
        mock.close()


def test_running_gives_a_base_url_and_stops() -> None:
    with mocking.running(qps=0, token_file=None, accept_any_key=True) as base_url:
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api2.0/v1")
        assert httpx.post(base_url + "/authentication/getAccessToken", json={"apiKey": "k"}).json()["code"] == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(base_url + "/setting/get", timeout=2)
    with pytest.raises(CliError) as bad:
        mocking.start(fail=["nope"])
    assert bad.value.status is ExitStatus.USAGE


def test_cj_mock_fixture_journal(cj_mock: mocking.RunningMock) -> None:
    with httpx.Client() as client:
        pair = client.post(cj_mock.url + "/authentication/getAccessToken", json={"apiKey": API_KEY}).json()["data"]
        headers = {"CJ-Access-Token": pair["accessToken"]}
        assert client.post(cj_mock.url + CREATE, json=order_body("fx-1"), headers=headers).json()["code"] == 200
        time.sleep(0.3)
        client.get(cj_mock.url + "/shopping/pay/getBalance", headers=headers)
    assert cj_mock.count(CREATE) == 1  # "createOrderV2 was sent once"
    gap = cj_mock.min_gap()
    assert gap is not None and gap >= 0  # the shortest gap between two calls, for "no two calls within 1 s"
    assert cj_mock.min_gap("/shopping/pay/getBalance") is None
    assert [entry["path"] for entry in cj_mock.requests()][-1] == "/shopping/pay/getBalance"


@pytest.mark.cj_mock(balance=3.5, qps=1)
def test_cj_mock_fixture_takes_options_from_a_marker(cj_mock: mocking.RunningMock) -> None:
    with httpx.Client() as client:
        pair = client.post(cj_mock.url + "/authentication/getAccessToken", json={"apiKey": API_KEY}).json()["data"]
        headers = {"CJ-Access-Token": pair["accessToken"]}
        assert client.get(cj_mock.url + "/shopping/pay/getBalance", headers=headers).json()["data"]["amount"] == 3.5
        assert client.get(cj_mock.url + "/shopping/pay/getBalance", headers=headers).json()["code"] == 1600200
    gap = cj_mock.min_gap("/shopping/pay/getBalance")
    assert gap is not None and gap < 1.0  # the journal shows the two calls came within a second


# --- probe --reconcile against the stateful mock -----------------------------------------------------------------


def _probe_create(run: Runner, mock: Mock, number: str, *extra: str) -> Any:
    return run(
        "probe", CREATE, "--base-url", mock.url, "-d", json.dumps(order_body(number)), "--timeout", "1",
        "--reconcile", "--json", *extra, env={"CJ_ACCESS_TOKEN": TOKEN}, timeout=60,
    )  # fmt: skip


def test_reconcile_finds_an_order_the_mock_created_while_the_answer_was_late(
    run: Runner, start_mock: Callable[..., Mock], token_file: Path
) -> None:
    mock = start_mock("--qps", "0", "--token-file", str(token_file), "--fail", f"slow:3:1:{CREATE}")
    result = _probe_create(run, mock, "rec-1")
    data = json.loads(result.stdout)
    assert result.returncode == ExitStatus.SUCCESS, result.stdout + result.stderr
    assert data["reconcile"]["found"] is True and data["reconcile"]["order_id"].startswith("SD")
    assert ok(mock.get("/shopping/order/list"))["total"] == 1  # created once, not twice


def test_reconcile_says_not_found_when_the_mock_never_created_it(
    run: Runner, start_mock: Callable[..., Mock], token_file: Path
) -> None:
    mock = start_mock("--qps", "0", "--token-file", str(token_file), "--fail", f"drop:1:{CREATE}")
    result = _probe_create(run, mock, "rec-2")
    data = json.loads(result.stdout)
    assert result.returncode == ExitStatus.TEMPORARY, result.stdout + result.stderr
    assert data["reconcile"]["found"] is False
    assert ok(mock.get("/shopping/order/list"))["total"] == 0
    details = [
        entry for entry in admin(mock, "GET", "requests").json()["requests"] if "getOrderDetail" in entry["path"]
    ]
    assert [(entry["query"], entry["code"]) for entry in details[:1]] == [({"orderId": ["rec-2"]}, 1600300)]


def test_the_journal_keeps_no_answer_body_or_token_and_masks_a_big_body_at_once() -> None:
    from cj_errors.base import limits
    from cj_errors.mock.bodies import MockRequest, MockResponse
    from cj_errors.mock.journal import Journal

    journal = Journal()
    secret = "CJ1234567@api@0123456789abcdef0123456789abcdef"
    padding = "x" * limits.JOURNAL_BODY_CHARS
    body = json.dumps({"apiKey": secret, "padding": padding}).encode()
    request = MockRequest("POST", "/api2.0/v1/authentication/getAccessToken", {"cj-access-token": "t0k3n"}, body, "1")
    answer = MockResponse(status=200, body=b'{"data":{"accessToken":"A"}}', code=200, token="t0k3n", delay=0.5)
    journal.record(request, answer, 1.0)
    kept = journal._entries[0][0]
    assert kept.response.body == b"" and kept.response.token == ""  # type: ignore[union-attr]
    assert kept.request.body == b""  # type: ignore[union-attr]
    (entry,) = journal.entries()
    assert secret not in json.dumps(entry) and entry["body"]["padding"] == padding
    assert entry["delay"] == 0.5 and entry["code"] == 200
