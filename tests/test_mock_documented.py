"""The mock beside CJ's documented examples: every documented field, with the documented JSON type.

Runs in process (``MockApp.handle``): one call per endpoint with a documented success example, with ids the
mock's own state gave out, then ``documented.shape_differences`` against the example kept in the package.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import urlencode

import pytest

from cj_errors import mock as mocking
from cj_errors.mock import documented
from cj_errors.mock.bodies import MockRequest

TOKEN = "API@CJ4242@CJ:eyJhbGciOiJIUzI1NiJ9.MOCK-DOCUMENTED-TOKEN-1a2b.signature"
API_KEY = "CJ1234567@api@0123456789abcdef0123456789abcdef"


class InProcess:
    def __init__(self, **options: Any) -> None:
        config = dataclasses.replace(mocking.build_config(qps=0, accept_any_key=True, **options), tokens=(TOKEN,))
        self.app = mocking.MockApp(config)
        self.token = TOKEN

    def call(
        self, method: str, path: str, *, query: dict[str, Any] | None = None, body: Any = None, token: bool = True
    ) -> dict[str, Any]:
        target = "/api2.0/v1" + path + ("?" + urlencode(query, doseq=True) if query else "")
        headers = {"cj-access-token": self.token} if token else {}
        raw = b""
        if body is not None:
            raw = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        response = self.app.handle(MockRequest(method, target, headers, raw, "127.0.0.1"))
        document: dict[str, Any] = json.loads(response.body)
        return document

    def multipart(self, path: str, fields: dict[str, str]) -> dict[str, Any]:
        boundary = "cjerr-doc-boundary"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="waybillFile"; filename="label.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n"
        )
        raw = ("".join(parts) + f"--{boundary}--\r\n").encode()
        headers = {"cj-access-token": self.token, "content-type": f"multipart/form-data; boundary={boundary}"}
        response = self.app.handle(MockRequest("POST", "/api2.0/v1" + path, headers, raw, "127.0.0.1"))
        document: dict[str, Any] = json.loads(response.body)
        return document


def order_body(client: InProcess, number: str, **changes: Any) -> dict[str, Any]:
    variant = client.app.catalogue.products[0].variants[0]
    body: dict[str, Any] = {
        "orderNumber": number, "shippingCountryCode": "US", "shippingCountry": "United States",
        "shippingProvince": "CA", "shippingCity": "Los Angeles", "shippingCustomerName": "Ada Lovelace",
        "shippingAddress": "1 Example Street", "shippingZip": "90001", "shippingPhone": "+1 555 0100",
        "logisticName": "CJPacket Ordinary",
        "fromCountryCode": "CN", "products": [{"vid": variant.vid, "quantity": 2}], "payType": 3,
    }  # fmt: skip
    body.update(changes)
    return body


def _ok(document: dict[str, Any]) -> Any:
    assert document.get("code") in (200, 0) or document.get("success") is True, document
    return document.get("data")


def documented_calls(client: InProcess) -> dict[str, dict[str, Any]]:
    """One success answer per documented endpoint, in the order CJ's pages list them, ids from the mock."""
    catalogue = client.app.catalogue
    product = catalogue.products[0]
    variant = product.variants[0]
    answers: dict[str, dict[str, Any]] = {}

    def get(path: str, **query: Any) -> dict[str, Any]:
        answers[path] = client.call("GET", path, query=query)
        return answers[path]

    def post(path: str, body: Any, method: str = "POST") -> dict[str, Any]:
        answers[path] = client.call(method, path, body=body)
        return answers[path]

    answers["/authentication/getAccessToken"] = client.call(
        "POST", "/authentication/getAccessToken", body={"apiKey": API_KEY}, token=False
    )
    pair = answers["/authentication/getAccessToken"]["data"]
    answers["/authentication/refreshAccessToken"] = client.call(
        "POST", "/authentication/refreshAccessToken", body={"refreshToken": pair["refreshToken"]}, token=False
    )
    get("/setting/get")
    get("/product/getCategory")
    get("/product/listV2", keyWord=product.name.split()[0], features=["enable_category", "enable_description"])
    get("/product/globalWarehouseList")
    get("/product/list")
    get("/product/query", pid=product.pid, features="enable_inventory")
    post("/product/addToMyProduct", {"productId": product.pid})
    get("/product/myProduct/query")
    get("/product/variant/query", pid=product.pid)
    get("/product/variant/queryByVid", vid=variant.vid, features="enable_inventory")
    get("/product/stock/queryByVid", vid=variant.vid)
    get("/product/stock/queryBySku", sku=variant.sku)
    get("/product/stock/getInventoryByPid", pid=product.pid)
    get("/product/comments", pid=product.pid)
    get("/product/productComments", pid=product.pid)
    created = post(
        "/product/sourcing/create",
        {
            "productName": "Desk lamp",
            "productUrl": "https://example.com/p/1",
            "productImage": "https://example.com/p/1.jpg",
        },
    )
    assert created.get("data"), created
    post("/product/sourcing/query", {"sourceIds": [created["data"]["cjSourcingId"]]})
    get("/warehouse/detail", id=catalogue.warehouses[1]["storageId"])
    first = _ok(post("/shopping/order/createOrderV2", order_body(client, "doc-1")))
    _ok(post("/shopping/order/createOrderV3", order_body(client, "doc-2", payType=None)))
    answers["/shopping/order/createOrder"] = client.call(
        "POST", "/shopping/order/createOrder", body=order_body(client, "doc-3")
    )
    post("/shopping/order/addCart", {"cjOrderIdList": [first["orderId"]]})
    confirm = _ok(post("/shopping/order/addCartConfirm", {"cjOrderIdList": [first["orderId"]]}))
    parent = _ok(post("/shopping/order/saveGenerateParentOrder", {"shipmentOrderId": confirm["shipmentsId"]}))
    get("/shopping/order/list")
    get("/shopping/order/getOrderDetail", orderId=first["orderId"])
    get("/shopping/pay/getBalance")
    post("/shopping/pay/payBalanceV2", {"shipmentOrderId": confirm["shipmentsId"], "payId": parent["payId"]})
    fourth = _ok(post("/shopping/order/createOrderV2", order_body(client, "doc-4")))
    post("/shopping/order/confirmOrder", {"orderId": fourth["orderId"]}, method="PATCH")
    post("/shopping/pay/payBalance", {"orderId": fourth["orderId"]})
    fifth = _ok(post("/shopping/order/createOrderV2", order_body(client, "doc-5")))
    answers["/shopping/order/deleteOrder"] = client.call(
        "DELETE", "/shopping/order/deleteOrder", query={"orderId": fifth["orderId"]}
    )
    line_id = _ok(client.call("GET", "/shopping/order/getOrderDetail", query={"orderId": first["orderId"]}))[
        "productList"
    ][0]["lineItemId"]
    picture = "https://example.com/pod/1.jpg"
    for waybill in ("/shopping/order/uploadWaybillInfo", "/shopping/order/updateWaybillInfo"):
        answers[waybill] = client.multipart(
            waybill,
            {
                "orderId": first["orderId"],
                "cjOrderId": first["orderId"],
                "cjShippingCompanyName": "USPS",
                "trackNumber": "9400100000000000000001",
            },
        )
    post("/shopping/order/changeWarehouse", {"orderCode": first["orderId"], "storageId": "1"})
    post(
        "/shopping/order/podProductCustomPicturesEdit",
        {
            "podPicturesEditParams": [
                {
                    "orderCode": first["orderId"],
                    "lineItemId": line_id,
                    "effectImgList": [picture],
                    "productionImgList": [picture],
                }
            ]
        },
    )
    route = {"startCountryCode": "CN", "endCountryCode": "US", "products": [{"vid": variant.vid, "quantity": 1}]}
    post("/logistic/freightCalculate", route)
    post("/logistic/freightCalculateTip", {"reqDTOS": [{"srcAreaCode": "CN", "destAreaCode": "US"}]})
    post("/logistic/getSupplierLogisticsTemplate", {"skuList": [product.sku]})
    sandbox = _ok(client.call("POST", "/shopping/order/createOrderV2", body=order_body(client, "doc-6", isSandbox=1)))
    _ok(client.call("POST", "/shopping/sandbox/simulatePay", body={"orderId": sandbox["orderId"]}))
    moved = {"orderId": sandbox["orderId"], "trackNumber": "CJPKL0000000001YQ"}
    _ok(client.call("POST", "/shopping/sandbox/updateTrackNumber", body=moved))
    get("/logistic/getTrackInfo", trackNumber=moved["trackNumber"])
    get("/logistic/trackInfo", trackNumber=moved["trackNumber"])
    lines = _ok(get("/disputes/disputeProducts", orderId=first["orderId"]))["productInfoList"]
    picked = [{"lineItemId": lines[0]["lineItemId"], "quantity": "1", "price": lines[0]["price"]}]
    info = _ok(post("/disputes/disputeConfirmInfo", {"orderId": first["orderId"], "productInfoList": picked}))
    created_dispute = {
        "orderId": first["orderId"], "businessDisputeId": "doc-dispute-1",
        "disputeReasonId": info["disputeReasonList"][0]["disputeReasonId"], "expectType": 1, "refundType": 1,
        "messageText": "Arrived broken", "productInfoList": picked,
    }  # fmt: skip
    post("/disputes/create", created_dispute)
    get("/disputes/getDisputeList")
    disputes = answers["/disputes/getDisputeList"]["data"]["list"]
    post("/disputes/cancel", {"orderId": first["orderId"], "disputeId": disputes[0]["id"]})
    hook = {"type": "ENABLE", "callbackUrls": ["https://example.com/cj"]}
    post("/webhook/set", {"product": hook, "stock": hook, "order": hook, "logistics": hook})
    answers["/authentication/logout"] = client.call("POST", "/authentication/logout")
    return answers


@pytest.fixture(scope="module")
def answers() -> dict[str, dict[str, Any]]:
    return documented_calls(InProcess())


def test_every_documented_endpoint_is_called(answers: dict[str, dict[str, Any]]) -> None:
    assert sorted(answers) == documented.paths()


@pytest.mark.parametrize("path", documented.paths())
def test_answer_has_every_documented_field_and_type(answers: dict[str, dict[str, Any]], path: str) -> None:
    answer = answers[path]
    assert "data" in answer and answer.get("result", True) is not False, answer
    assert documented.shape_differences(path, answer) == []
    model = documented.example(path)
    if path not in documented.LIVE_ENVELOPE:
        assert answer.get("code") == model.get("code"), (answer.get("code"), model.get("code"))


def test_every_example_names_its_page_and_date() -> None:
    for path in documented.paths():
        entry = documented.entry(path)
        assert entry is not None
        assert entry["source"].startswith("https://developers.cjdropshipping.")
        assert entry["retrieved"] == "2026-12-07"
