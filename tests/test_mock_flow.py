"""The documented order flow on the mock, in the order CJ's docs give it, from three client styles (a raw
httpx client, ``CJTransport``, ``cjerr probe``), and the state behind it: stock, tracking, webhooks, held
orders, disputes, ids and enums.

The flow (https://developers.cjdropshipping.cn/en/api/start/, "Orders Synchronization Processing"):
createOrderV2 -> addCart -> addCartConfirm -> saveGenerateParentOrder -> payBalanceV2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cj_errors import CJTransport, raise_for_cj
from cj_errors.base.exits import ExitStatus
from cj_errors.mock.catalogue import Catalogue
from tests.conftest import Runner
from tests.test_mock import API_KEY, OTHER_TOKEN, TOKEN, Mock, assert_error, launch
from tests.test_mock_documented import InProcess
from tests.test_mock_documented import order_body as documented_order
from tests.test_mock_state import order_body as order

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses POSIX process handling")

CATALOGUE = Catalogue()
VARIANT = CATALOGUE.products[0].variants[0]


@pytest.fixture
def mock(tmp_path: Path) -> Iterator[Mock]:
    tokens = tmp_path / "tokens"
    tokens.write_text(f"{TOKEN}\n{OTHER_TOKEN}\n", encoding="utf-8")
    started = launch(tmp_path, "--qps", "0", "--token-file", str(tokens), "--balance", "500", "--accept-any-key")
    yield started
    started.stop()


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("code", 200) == 200 and body.get("result", body.get("success")) is True, body
    return body["data"]


def cn_units(mock: Mock) -> int:
    rows = ok(mock.get("/product/stock/queryByVid", params={"vid": VARIANT.vid}))
    return next(row["totalInventoryNum"] for row in rows if row["areaId"] == "1")


def test_documented_pay_flow_with_a_raw_httpx_client(mock: Mock) -> None:
    stock_before = cn_units(mock)
    first = ok(mock.post("/shopping/order/createOrderV2", json=order("raw-1")))
    second = ok(mock.post("/shopping/order/createOrderV2", json=order("raw-2")))
    other_key = "CJ7654321@api@" + "1" * 32  # another account (the --token-file tokens share one)
    other_token = ok(mock.post("/authentication/getAccessToken", token=None, json={"apiKey": other_key}))["accessToken"]
    theirs = ok(mock.post("/shopping/order/createOrderV2", token=other_token, json=order("raw-x")))
    ids = [first["orderId"], second["orderId"]]

    # addCart takes only this account's unpaid orders; the others are simply not among addSuccessOrders.
    cart = mock.post("/shopping/order/addCart", json={"cjOrderIdList": [*ids, "SD-NOPE", theirs["orderId"]]})
    assert cart.json()["message"] == "Congratulation! Well done!"
    added = ok(cart)
    assert added["addSuccessOrders"] == ids and added["successCount"] == 2 and added["interceptOrders"] == []
    assert_error(mock.post("/shopping/order/addCart", json={"cjOrderIdList": ["SD-NOPE"]}), 1603001)

    confirmed = ok(mock.post("/shopping/order/addCartConfirm", json={"cjOrderIdList": ids}))
    assert confirmed["successCount"] == 2 and confirmed["result"] == 0 and confirmed["shipmentsId"].startswith("SP")
    for order_id in ids:
        detail = ok(mock.get("/shopping/order/getOrderDetail", params={"orderId": order_id}))
        assert detail["orderStatus"] == "UNPAID"

    shipment = confirmed["shipmentsId"]
    parent = mock.post("/shopping/order/saveGenerateParentOrder", json={"shipmentOrderId": shipment}).json()
    assert set(parent) == {"success", "message", "data"}
    money = round(first["orderAmount"] + second["orderAmount"], 2)
    data = parent["data"]
    assert data["orderMoney"] == money and data["successOrders"] == ids
    info = data["paymentInformation"]
    assert info["payableAmount"] == money and info["freight"] == round(
        first["postageAmount"] + second["postageAmount"], 2
    )
    assert info["commodityTotalAmount"] == round(first["productAmount"] + second["productAmount"], 2)
    assert info["canDeduct"] is True and info["balanceDeduction"] == money

    # The wrong payId, an unknown shipment, another account's shipment: refused, nothing paid.
    assert_error(mock.post("/shopping/pay/payBalanceV2", json={"shipmentOrderId": shipment, "payId": "PAY0"}), 1603101)
    assert_error(mock.post("/shopping/pay/payBalanceV2", json={"shipmentOrderId": "SP0", "payId": "X"}), 1603100)
    other = {"shipmentOrderId": shipment, "payId": data["payId"]}
    assert_error(mock.post("/shopping/pay/payBalanceV2", token=other_token, json=other), 1603100)
    assert ok(mock.get("/shopping/pay/getBalance"))["amount"] == 500

    paid = mock.post("/shopping/pay/payBalanceV2", json={"shipmentOrderId": shipment, "payId": data["payId"]})
    assert ok(paid) is None  # the page's success answer: data null
    assert ok(mock.get("/shopping/pay/getBalance"))["amount"] == round(500 - money, 2)
    for order_id in ids:
        detail = ok(mock.get("/shopping/order/getOrderDetail", params={"orderId": order_id}))
        assert detail["orderStatus"] == "UNSHIPPED" and detail["paymentDate"]
    assert cn_units(mock) == stock_before - 4  # two orders of two units, from the China warehouse

    # Paying twice: refused with the pay-failure code, and the balance stays.
    assert_error(mock.post("/shopping/pay/payBalanceV2", json=other), 1603101)
    assert_error(mock.post("/shopping/pay/payBalance", json={"orderId": ids[0]}), 1603101)
    assert_error(mock.post("/shopping/order/saveGenerateParentOrder", json={"shipmentOrderId": shipment}), 1603101)
    assert ok(mock.get("/shopping/pay/getBalance"))["amount"] == round(500 - money, 2)


def test_pay_flow_through_cjtransport_logs_in_twice(mock: Mock, tmp_path: Path) -> None:
    transport = CJTransport(qps=0, state_dir=tmp_path / "pacing")
    with httpx.Client(base_url=mock.url, transport=transport, timeout=20) as http:
        # Against loopback the login limit is the server's: two logins in a row both go out.
        tokens = [
            raise_for_cj(http.post("/authentication/getAccessToken", json={"apiKey": API_KEY}))["accessToken"]
            for _ in range(2)
        ]
        http.headers["CJ-Access-Token"] = tokens[1]
        created = raise_for_cj(http.post("/shopping/order/createOrderV2", json=order("sdk-1")))
        ids = {"cjOrderIdList": [created["orderId"]]}
        raise_for_cj(http.post("/shopping/order/addCart", json=ids))
        shipment = raise_for_cj(http.post("/shopping/order/addCartConfirm", json=ids))["shipmentsId"]
        parent = raise_for_cj(http.post("/shopping/order/saveGenerateParentOrder", json={"shipmentOrderId": shipment}))
        assert parent["orderMoney"] == created["orderAmount"]
        pay = {"shipmentOrderId": shipment, "payId": parent["payId"]}
        raise_for_cj(http.post("/shopping/pay/payBalanceV2", json=pay))
        detail = raise_for_cj(http.get("/shopping/order/getOrderDetail", params={"orderId": created["orderId"]}))
        assert detail["orderStatus"] == "UNSHIPPED"
        again = http.post("/shopping/pay/payBalanceV2", json=pay).json()
        assert again["code"] == 1603101


def test_login_limit_can_still_be_asked_for_and_the_mock_throttle_tested(tmp_path: Path) -> None:
    from cj_errors import RateLimitError

    throttled = launch(tmp_path, "--qps", "0", "--accept-any-key", "--auth-throttle", "300")
    try:
        server_side = CJTransport(qps=0, state_dir=tmp_path / "a", retries=0)
        with httpx.Client(base_url=throttled.url, transport=server_side, timeout=20) as http:
            raise_for_cj(http.post("/authentication/getAccessToken", json={"apiKey": API_KEY}))
            assert http.post("/authentication/getAccessToken", json={"apiKey": API_KEY}).json()["code"] == 1600200
        client_side = CJTransport(qps=0, state_dir=tmp_path / "b")
        client_side.login_pacing = True
        with httpx.Client(base_url=throttled.url, transport=client_side, timeout=20) as http:
            http.post("/authentication/getAccessToken", json={"apiKey": "CJ7654321@api@" + "1" * 32})
            with pytest.raises(RateLimitError):
                http.post("/authentication/getAccessToken", json={"apiKey": "CJ7654321@api@" + "1" * 32})
    finally:
        throttled.stop()


def test_pay_flow_through_probe(run: Runner, mock: Mock) -> None:
    def probe(path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        result = run(
            "probe", path, "--base-url", mock.url, "-d", json.dumps(body), "--json",
            env={"CJ_ACCESS_TOKEN": TOKEN}, timeout=60,
        )  # fmt: skip
        return result.returncode, json.loads(result.stdout)["response"]["body"]

    status, created = probe("/shopping/order/createOrderV2", order("probe-1"))
    assert status == ExitStatus.SUCCESS, created
    ids = {"cjOrderIdList": [created["data"]["orderId"]]}
    assert probe("/shopping/order/addCart", ids)[0] == ExitStatus.SUCCESS
    status, confirmed = probe("/shopping/order/addCartConfirm", ids)
    shipment = confirmed["data"]["shipmentsId"]
    status, parent = probe("/shopping/order/saveGenerateParentOrder", {"shipmentOrderId": shipment})
    assert status == ExitStatus.SUCCESS and parent["data"]["orderMoney"] == created["data"]["orderAmount"]
    pay = {"shipmentOrderId": shipment, "payId": parent["data"]["payId"]}
    assert probe("/shopping/pay/payBalanceV2", pay)[0] == ExitStatus.SUCCESS
    status, twice = probe("/shopping/pay/payBalanceV2", pay)
    assert status == ExitStatus.API_ERROR and twice["code"] == 1603101
    # What CJ's own MCP server sends to freightCalculateTip passes probe's checks and the mock's.
    status, tip = probe("/logistic/freightCalculateTip", {"reqDTOS": [{"srcAreaCode": "CN", "destAreaCode": "US"}]})
    assert status == ExitStatus.SUCCESS and tip["data"][0]["srcArea"]["shortCode"] == "CN"


# --- in process: state behind the answers ----------------------------------------------------------------


@pytest.fixture
def app() -> InProcess:
    return InProcess(balance=1000.0)


def _data(document: dict[str, Any]) -> Any:
    assert document.get("result", document.get("success")) is True, document
    return document["data"]


def _published(client: InProcess) -> list[tuple[str, str, Any]]:
    sent: list[tuple[str, str, Any]] = []

    def publish(owner: Any, topic: str, params: Any, *, message_type: str = "UPDATE") -> None:
        sent.append((topic, message_type, params))

    client.app.webhooks.publish = publish  # type: ignore[method-assign]
    return sent


def test_order_stock_and_logistic_messages_carry_the_orders_own_values(app: InProcess) -> None:
    sent = _published(app)
    created = _data(app.call("POST", "/shopping/order/createOrderV2", body=documented_order(app, "hook-1")))
    unpaid = _data(app.call("POST", "/shopping/order/createOrderV2", body=documented_order(app, "hook-2")))
    _data(app.call("DELETE", "/shopping/order/deleteOrder", query={"orderId": unpaid["orderId"]}))
    _data(app.call("PATCH", "/shopping/order/confirmOrder", body={"orderId": created["orderId"]}))
    _data(app.call("POST", "/shopping/pay/payBalance", body={"orderId": created["orderId"]}))
    detail = _data(app.call("GET", "/shopping/order/getOrderDetail", query={"orderId": created["orderId"]}))

    insert = next(params for topic, kind, params in sent if topic == "ORDER" and kind == "INSERT")
    line = detail["productList"][0]
    assert insert["cjOrderId"] == created["orderId"] and insert["orderNumber"] == "hook-1"
    assert (
        insert["orderStatus"] == "CREATED"
        and insert["payDate"] is None
        and insert["createDate"] == detail["createDate"]
    )
    assert insert["orderItems"] == [
        {key: line[key] for key in ("vid", "quantity", "sellPrice", "lineItemId", "storeLineItemId")}
        | {"productionOrderStatus": 1, "abnormalType": []}
    ]
    deleted = next(params for topic, kind, params in sent if kind == "DELETE")
    assert deleted["orderStatus"] == "CANCELLED" and deleted["payDate"] is None and deleted["deliveryDate"] is None
    paid = [params for topic, kind, params in sent if topic == "ORDER" and params["orderStatus"] == "UNSHIPPED"]
    assert paid[-1]["payDate"] == detail["paymentDate"] and paid[-1]["trackNumber"] is None
    stock = next(params for topic, kind, params in sent if topic == "STOCK")
    rows = _data(app.call("GET", "/product/stock/queryByVid", query={"vid": line["vid"]}))
    assert {row["areaId"]: row["storageNum"] for row in stock[line["vid"]]} == {
        row["areaId"]: row["totalInventoryNum"] for row in rows
    }

    # A tracking number on a sandbox order: LOGISTIC with that number, and not "signed for" (12).
    sandbox = _data(
        app.call("POST", "/shopping/order/createOrderV2", body=documented_order(app, "hook-3", isSandbox=1))
    )
    _data(app.call("POST", "/shopping/sandbox/simulatePay", body={"orderId": sandbox["orderId"]}))
    sent.clear()
    moved = {"orderId": sandbox["orderId"], "trackNumber": "CJPKL0000000042YQ"}
    _data(app.call("POST", "/shopping/sandbox/updateTrackNumber", body=moved))
    [(topic, _kind, logistic)] = sent
    assert topic == "LOGISTIC" and logistic["orderId"] == sandbox["orderId"]
    assert logistic["trackingNumber"] == "CJPKL0000000042YQ" and logistic["trackingStatus"] == 0
    assert json.loads(logistic["logisticsTrackEvents"]) == []
    for target in (400, 500, 600, 700):
        _data(
            app.call(
                "POST", "/shopping/sandbox/updateStatus", body={"orderId": sandbox["orderId"], "targetStatus": target}
            )
        )
    assert [params["trackingStatus"] for topic, _kind, params in sent if topic == "LOGISTIC"] == [0, 1, 5, 12]


def test_tracking_numbers_come_from_state(app: InProcess) -> None:
    sandbox = _data(app.call("POST", "/shopping/order/createOrderV2", body=documented_order(app, "trk-1", isSandbox=1)))
    _data(app.call("POST", "/shopping/sandbox/simulatePay", body={"orderId": sandbox["orderId"]}))
    for target in (400, 500):  # shipping issues a tracking number
        _data(
            app.call(
                "POST", "/shopping/sandbox/updateStatus", body={"orderId": sandbox["orderId"], "targetStatus": target}
            )
        )
    number = _data(app.call("GET", "/shopping/order/getOrderDetail", query={"orderId": sandbox["orderId"]}))[
        "trackNumber"
    ]
    assert number.startswith("CJPKL")
    [record] = _data(app.call("GET", "/logistic/trackInfo", query={"trackNumber": [number, "NEVER-ISSUED-1"]}))
    assert record["trackingNumber"] == number and record["logisticName"] == "CJPacket Ordinary"
    assert (record["trackingFrom"], record["trackingTo"], record["trackingStatus"]) == ("CN", "US", "In transit")
    assert _data(app.call("GET", "/logistic/trackInfo", query={"trackNumber": "NEVER-ISSUED-1"})) == []
    assert _data(app.call("GET", "/logistic/getTrackInfo", query={"trackNumber": "NEVER-ISSUED-1"})) == []


def test_held_order_is_intercepted_in_the_cart(app: InProcess) -> None:
    held = _data(
        app.call("POST", "/shopping/order/createOrderV2", body=documented_order(app, "held-1", shippingPhone="call me"))
    )
    assert held["interceptOrderReasons"] == [
        {"code": 1001, "message": "Must be a 6-32 digit number (only numbers, symbols and spaces are supported)."}
    ]
    fine = _data(app.call("POST", "/shopping/order/createOrderV2", body=documented_order(app, "held-2")))
    cart = _data(
        app.call("POST", "/shopping/order/addCart", body={"cjOrderIdList": [held["orderId"], fine["orderId"]]})
    )
    assert cart["addSuccessOrders"] == [fine["orderId"]] and cart["interceptOrders"] == [held["orderId"]]
    assert app.call("POST", "/shopping/pay/payBalance", body={"orderId": held["orderId"]})["code"] == 1603101


def test_short_stock_refuses_the_payment_and_takes_nothing(app: InProcess) -> None:
    variant = app.app.catalogue.products[0].variants[0]
    units = sum(app.app.catalogue.units(variant.vid, "CN"))
    body = documented_order(app, "big-1", products=[{"vid": variant.vid, "quantity": units + 1}])
    big = _data(app.call("POST", "/shopping/order/createOrderV2", body=body))
    app.app.store.set_balance(10**7)
    refused = app.call("POST", "/shopping/pay/payBalance", body={"orderId": big["orderId"]})
    assert (
        refused["code"] == 1603102 and refused["message"] == "Inventory deduction fail, please contact CJ order center"
    )
    assert sum(app.app.catalogue.units(variant.vid, "CN")) == units and app.app.store.balance == 10**7


def test_ids_enums_and_paging_as_documented(app: InProcess) -> None:
    areas = _data(app.call("GET", "/product/globalWarehouseList"))
    assert [(area["areaId"], area["countryCode"], area["id"]) for area in areas] == [(1, "CN", "1"), (2, "US", "2")]
    us = app.app.catalogue.warehouses[1]["storageId"]
    detail = _data(app.call("GET", "/warehouse/detail", query={"id": us}))
    assert detail["areaId"] == 2 and detail["areaCountryCode"] == "US" and detail["name"] == "Cranbury Warehouse"
    unknown = app.call("GET", "/warehouse/detail", query={"id": "nope"})
    assert (unknown["code"], unknown["message"]) == (1608001, "Warehouse info not found")
    comments = app.call("GET", "/product/comments", query={"pid": app.app.catalogue.products[0].pid})
    assert comments["success"] is True and comments["code"] == 0 and comments["message"] is None
    for query, message in (
        ({"page": "1001"}, "Param error"),
        ({"size": "101"}, "Param error"),
        ({"page": "0"}, "Param error"),
        ({"page": "601", "size": "10"}, "Param error, the max offset is 6000"),
    ):
        answer = app.call("GET", "/product/listV2", query=query)
        assert (answer["code"], answer["message"]) == (1600300, message), query
    assert (
        _data(app.call("GET", "/product/listV2", query={"page": "600", "size": "10"}))["content"][0]["productList"]
        == []
    )


def test_variants_and_inventory_by_warehouse(app: InProcess) -> None:
    catalogue = app.app.catalogue
    product = next(p for p in catalogue.products if any(v.stock_in("US") == 0 for v in p.variants))
    in_us = [v.vid for v in product.variants if v.stock_in("US") > 0]
    variants = _data(app.call("GET", "/product/variant/query", query={"pid": product.pid, "countryCode": "US"}))
    assert [v["vid"] for v in variants] == in_us
    assert len(_data(app.call("GET", "/product/variant/query", query={"pid": product.pid}))) == len(product.variants)
    plain = _data(app.call("GET", "/product/query", query={"pid": product.pid}))
    assert all(v["inventories"] is None for v in plain["variants"])
    rich = _data(app.call("GET", "/product/query", query={"pid": product.pid, "features": "enable_inventory"}))
    first = rich["variants"][0]
    assert {row["countryCode"]: row["totalInventory"] for row in first["inventories"]} == {
        where: sum(catalogue.units(first["vid"], where)) for where, _units in product.variants[0].stock
    }
    by_sku = _data(app.call("GET", "/product/stock/queryBySku", query={"sku": product.sku}))
    assert [(row["areaId"], row["countryCode"]) for row in by_sku] == [(1, "CN"), (2, "US")]
    for row in by_sku:
        assert row["totalInventoryNum"] == row["cjInventoryNum"] + row["factoryInventoryNum"]
    tip = _data(
        app.call(
            "POST", "/logistic/freightCalculateTip", body={"reqDTOS": [{"srcAreaCode": "CN", "destAreaCode": "US"}]}
        )
    )
    assert {option["option"]["enName"] for option in tip} == {"CJPacket Ordinary", "CJPacket Eub"}
    assert (
        app.call("POST", "/logistic/freightCalculateTip", body={"reqDTOS": [{"srcAreaCode": "CN"}]})["code"] == 16900403
    )


def test_dispute_amounts_and_reasons_follow_the_order(app: InProcess) -> None:
    created = _data(app.call("POST", "/shopping/order/createOrderV2", body=documented_order(app, "dsp-1")))
    lines = _data(app.call("GET", "/disputes/disputeProducts", query={"orderId": created["orderId"]}))[
        "productInfoList"
    ]
    assert lines[0]["canChoose"] is False  # nothing to dispute before payment
    picked = [{"lineItemId": lines[0]["lineItemId"], "quantity": "1", "price": lines[0]["price"]}]
    early = {"orderId": created["orderId"], "productInfoList": picked}
    assert app.call("POST", "/disputes/disputeConfirmInfo", body=early)["code"] == 1607007
    _data(app.call("POST", "/shopping/pay/payBalance", body={"orderId": created["orderId"]}))
    info = _data(
        app.call(
            "POST", "/disputes/disputeConfirmInfo", body={"orderId": created["orderId"], "productInfoList": picked}
        )
    )
    assert info["maxProductPrice"] == lines[0]["price"] and info["maxPostage"] == created["postageAmount"]
    assert info["maxAmount"] == round(lines[0]["price"] + created["postageAmount"], 2)
    assert info["disputeReasonList"] == [{"disputeReasonId": 1, "reasonName": "Unfulfilled Order Cancellation"}]
    too_many = [{"lineItemId": lines[0]["lineItemId"], "quantity": "99", "price": 1}]
    assert (
        app.call(
            "POST", "/disputes/disputeConfirmInfo", body={"orderId": created["orderId"], "productInfoList": too_many}
        )["code"]
        == 1607007
    )
    dispute = {
        "orderId": created["orderId"], "businessDisputeId": "b-1", "disputeReasonId": 1, "expectType": 1,
        "refundType": 1, "messageText": "broken", "productInfoList": picked,
    }  # fmt: skip
    assert _data(app.call("POST", "/disputes/create", body=dispute)) == "true"
    assert app.call("POST", "/disputes/create", body=dispute)["code"] == 1607008  # businessDisputeId is unique
    listed = _data(app.call("GET", "/disputes/getDisputeList"))
    assert listed["total"] == 1 and listed["list"][0]["money"] == lines[0]["price"]


def test_reset_puts_the_stock_and_my_products_back(app: InProcess) -> None:
    catalogue = app.app.catalogue
    variant = catalogue.products[0].variants[0]
    before = catalogue.units(variant.vid, "CN")
    created = _data(app.call("POST", "/shopping/order/createOrderV2", body=documented_order(app, "reset-1")))
    _data(app.call("POST", "/shopping/pay/payBalance", body={"orderId": created["orderId"]}))
    _data(app.call("POST", "/product/addToMyProduct", body={"productId": catalogue.products[0].pid}))
    again = app.call("POST", "/product/addToMyProduct", body={"productId": catalogue.products[0].pid})
    assert (again["code"], again["message"]) == (1600000, "The product has been added to My Products.")
    assert sum(catalogue.units(variant.vid, "CN")) == sum(before) - 2
    app.app.reset()
    assert catalogue.units(variant.vid, "CN") == before
    assert _data(app.call("GET", "/product/myProduct/query"))["content"] == []
