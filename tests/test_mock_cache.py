"""What the mock no longer does for every call: answers serialised once per key (MockApp._cached) are the bytes
of building the answer again, with a new requestId each time, and a new answer as soon as what it shows changes
(stock, an account's products, its webhook URLs); with a state file, a call that only reads runs no SQL."""

from __future__ import annotations

import json
import re
import threading
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from cj_errors.base import limits
from cj_errors.mock import app as mock_app
from cj_errors.mock.bodies import Call, MockRequest, json_response, request_id, success_body
from cj_errors.table import catalog
from tests.test_mock import API_KEY
from tests.test_mock_documented import InProcess
from tests.test_mock_state import order_body

_ID = re.compile(rb'"requestId":"[0-9a-f]{32}"')

# (path, query): every kind of key; the pages and filters are ones callers send.
CASES = [
    ("/setting/get", {}),
    ("/product/globalWarehouseList", {}),
    ("/product/getCategory", {}),
    ("/product/listV2", {}),
    ("/product/listV2", {"page": "2", "size": "5", "keyWord": "Pet", "countryCode": "us"}),
    ("/shop/getShops", {}),
    ("/ticket/pendingCount", {}),
    ("/webhook/product/subscribe/list", {"shopId": "1001"}),
    ("/ticket/types", {}),
    ("/shop/product/queryPage", {}),  # no builder: v1_page, which echoes pageNum and pageSize
    ("/shop/product/queryPage", {"pageNum": "3", "pageSize": "7", "shopId": "1001"}),
]


def _endpoint(path: str) -> catalog.Endpoint:
    return next(endpoint for endpoint in catalog.ENDPOINTS if endpoint.path == path)


def _built_again(mock: InProcess, path: str, query: dict[str, str]) -> bytes:
    """The answer as the mock builds it without a cache: data, envelope, documented fields, json_response."""
    endpoint = _endpoint(path)
    call = Call(endpoint, {key: [value] for key, value in query.items()}, {}, mock.app.config)
    owner = mock.app.tokens.owner(mock.token)
    assert owner is not None
    document = success_body(endpoint, mock.app._data(endpoint, call, mock.token, owner))
    mock_app._fill_documented(document, path)
    return json_response(document, None).body


def _raw(mock: InProcess, path: str, query: dict[str, str] | None = None, method: str = "GET") -> bytes:
    target = "/api2.0/v1" + path + ("?" + urlencode(query) if query else "")
    request = MockRequest(method, target, {"cj-access-token": mock.token}, b"", "127.0.0.1")
    return mock.app.handle(request).body


@pytest.mark.parametrize(("path", "query"), CASES)
def test_a_cached_answer_is_the_answer_built_again_with_a_new_request_id(path: str, query: dict[str, str]) -> None:
    mock = InProcess()
    first, second = _raw(mock, path, query), _raw(mock, path, query)
    assert json.loads(first)["code"] in (0, 200), first
    assert [cached for cached, _key in mock.app._bodies] == [path]
    expected = _ID.sub(b'"requestId":"-"', _built_again(mock, path, query))
    assert _ID.sub(b'"requestId":"-"', first) == _ID.sub(b'"requestId":"-"', second) == expected
    ids = [_ID.findall(body) for body in (first, second)]
    assert len(ids[0]) == len(ids[1]) == 1 and ids[0] != ids[1]


def test_calls_that_differ_in_what_the_answer_shows_get_their_own_answer() -> None:
    """One mock, calls one after another: each answer is its own, not the previous call's."""
    mock = InProcess()
    for path, query in CASES + [
        ("/product/listV2", {"page": "2"}),
        ("/product/listV2", {"size": "3"}),
        ("/product/listV2", {"keyWord": "Lamp"}),
        ("/product/listV2", {"countryCode": "US"}),
        ("/shop/product/queryPage", {"pageNum": "4"}),
        ("/shop/product/queryPage", {"pageSize": "9"}),
    ]:
        answer = _ID.sub(b'"requestId":"-"', _raw(mock, path, query))
        assert answer == _ID.sub(b'"requestId":"-"', _built_again(mock, path, query)), (path, query)


def test_listv2_shows_stock_taken_and_a_product_added_at_once() -> None:
    mock = InProcess(balance=500)
    product = mock.app.catalogue.products[0]
    query = {"keyWord": product.name, "size": "1"}

    def shown() -> dict[str, Any]:
        item: dict[str, Any] = json.loads(_raw(mock, "/product/listV2", query))["data"]["content"][0]["productList"][0]
        assert item["id"] == product.pid
        return item

    before = shown()
    assert before["myProduct"] is False
    assert mock.call("POST", "/product/addToMyProduct", body={"productId": product.pid})["result"] is True
    assert shown()["myProduct"] is True
    vid = product.variants[0].vid
    body = order_body("cache-1", products=[{"vid": vid, "quantity": 3}], payType=2)
    assert mock.call("POST", "/shopping/order/createOrderV2", body=body)["code"] == 200
    assert shown()["warehouseInventoryNum"] == before["warehouseInventoryNum"] - 3
    mock.app.reset()
    assert shown() == before


def test_setting_get_shows_a_webhook_url_once_registered_and_per_account() -> None:
    mock = InProcess(allow_local_webhooks=True)

    def callback() -> Any:
        return json.loads(_raw(mock, "/setting/get"))["data"]["callback"]["order"]

    assert callback() == {"type": "CANCEL", "urls": []}
    url = "http://127.0.0.1:9/hook"
    topics = ("order", "logistics", "stock", "product")
    settings = {topic: {"type": "ENABLE", "callbackUrls": [url]} for topic in topics}
    assert mock.call("POST", "/webhook/set", body=settings)["result"] is True
    assert callback() == {"type": "ENABLE", "urls": [url]}
    own_token = mock.token
    login = mock.call("POST", "/authentication/getAccessToken", body={"apiKey": API_KEY}, token=False)
    mock.token = login["data"]["accessToken"]  # another account: its own settings, none registered
    assert callback() == {"type": "CANCEL", "urls": []}
    mock.token = own_token
    cancel = {topic: {"type": "CANCEL", "callbackUrls": [url]} for topic in topics}
    assert mock.call("POST", "/webhook/set", body=cancel)["result"] is True
    assert callback() == {"type": "CANCEL", "urls": []}


def test_an_answer_built_while_another_call_changes_the_state_is_not_kept() -> None:
    # Another client's /webhook/set lands while /setting/get builds its answer, and a cancel follows: the
    # URLs are back to none, so a key made of the URLs would match again and serve the ENABLE answer forever.
    mock = InProcess(allow_local_webhooks=True)
    url = "http://127.0.0.1:9/hook"
    topics = ("order", "logistics", "stock", "product")
    hub = mock.app.webhooks
    real_callbacks = hub.callbacks
    raced: list[bool] = []

    def callbacks_racing_a_set(open_id: str | int) -> dict[str, dict[str, Any]]:
        if not raced:
            raced.append(True)
            enable = {topic: {"type": "ENABLE", "callbackUrls": [url]} for topic in topics}
            assert mock.call("POST", "/webhook/set", body=enable)["result"] is True
        return real_callbacks(open_id)

    def callback() -> Any:
        return json.loads(_raw(mock, "/setting/get"))["data"]["callback"]["order"]

    hub.callbacks = callbacks_racing_a_set  # type: ignore[method-assign]
    assert callback() == {"type": "ENABLE", "urls": [url]}  # what the state was by the time it was read
    hub.callbacks = real_callbacks  # type: ignore[method-assign]
    assert mock.app._bodies == {}
    cancel = {topic: {"type": "CANCEL", "callbackUrls": [url]} for topic in topics}
    assert mock.call("POST", "/webhook/set", body=cancel)["result"] is True
    assert callback() == {"type": "CANCEL", "urls": []}
    assert callback() == {"type": "CANCEL", "urls": []}  # and from the cache


def test_a_call_echoing_the_slots_text_gets_a_real_request_id() -> None:
    mock = InProcess()
    query = {"keyWord": mock_app._REQUEST_ID_SLOT}
    document = json.loads(_raw(mock, "/product/listV2", query))
    assert re.fullmatch("[0-9a-f]{32}", document["requestId"])
    assert document["data"]["content"][0]["keyWord"] == mock_app._REQUEST_ID_SLOT


def test_the_cache_stays_bounded_whatever_callers_send() -> None:
    mock = InProcess()
    for number in range(limits.MOCK_CACHED_ANSWERS + 40):
        _raw(mock, "/product/listV2", {"keyWord": f"word {number}"})
        assert len(mock.app._bodies) <= limits.MOCK_CACHED_ANSWERS


def test_the_cache_holds_a_bounded_number_of_bytes_whatever_callers_send() -> None:
    # pageNum is part of the key as sent: a caller can send megabytes of it in a JSON body.
    mock = InProcess()
    big = "x" * limits.MOCK_CACHED_ANSWER_BYTES
    for number in range(12):
        assert mock.call("POST", "/shopping/makeup/list", body={"pageNum": f"{number}{big}"})["result"] is True
    assert mock.app._bodies == {}  # each key alone is over the bound for one answer
    for number in range(40):
        mock.call("POST", "/shopping/makeup/list", body={"pageNum": f"{number}{'y' * 60_000}"})
        assert mock.app._bodies_size <= limits.MOCK_CACHED_BYTES
    assert mock.app._bodies  # answers under the bound are kept


def test_with_a_points_budget_nothing_is_cached() -> None:
    """Every answer then carries the day's figures (pointsInfo)."""
    mock = InProcess(points=1000)
    first = json.loads(_raw(mock, "/product/listV2"))
    second = json.loads(_raw(mock, "/product/listV2"))
    assert mock.app._bodies == {}
    assert first["pointsInfo"]["usedToday"] < second["pointsInfo"]["usedToday"]


def test_answers_that_echo_the_clock_or_ids_are_not_cached() -> None:
    mock = InProcess()
    for path, query in [("/product/comments", {"pid": "x"}), ("/product/sourcing/query", {"sourceIds": "1"})]:
        _raw(mock, path, query)
    assert mock.app._bodies == {}


def test_eight_threads_reading_and_ordering_at_once_end_on_the_true_stock() -> None:
    """Readers of listV2 and buyers running at once: afterwards the answer is the one built from the stock."""
    mock = InProcess(balance=100000)
    product = mock.app.catalogue.products[0]
    query = {"keyWord": product.name, "size": "1"}
    failures: list[str] = []

    def buy(number: int) -> None:
        for round_number in range(5):
            body = order_body(
                f"race-{number}-{round_number}", products=[{"vid": product.variants[0].vid, "quantity": 1}]
            )
            body["payType"] = 2
            if mock.call("POST", "/shopping/order/createOrderV2", body=body)["code"] != 200:
                failures.append(f"order {number}-{round_number}")

    def read() -> None:
        for _ in range(40):
            if json.loads(_raw(mock, "/product/listV2", query))["code"] != 200:
                failures.append("read")

    threads = [
        threading.Thread(target=buy if number % 2 else read, args=(number,) if number % 2 else ())
        for number in range(8)
    ]
    before = json.loads(_raw(mock, "/product/listV2", query))["data"]["content"][0]["productList"][0]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    after = _ID.sub(b'"requestId":"-"', _raw(mock, "/product/listV2", query))
    assert after == _ID.sub(b'"requestId":"-"', _built_again(mock, "/product/listV2", query))
    shown = json.loads(after)["data"]["content"][0]["productList"][0]["warehouseInventoryNum"]
    assert shown == before["warehouseInventoryNum"] - 20


def test_request_ids_are_uuid4s_in_hex_and_new_each_time() -> None:
    """request_id builds uuid.uuid4().hex's string itself: the version and variant bits as uuid sets them."""
    ids = [request_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for value in ids:
        parsed = uuid.UUID(hex=value)
        assert (parsed.version, parsed.variant, parsed.hex) == (4, uuid.RFC_4122, value)


def test_with_a_state_file_a_call_that_only_reads_does_nothing_with_the_file(tmp_path: Path) -> None:
    """The call's transaction opens at its first write: reads run no SQL; an order is BEGIN ... COMMIT."""
    mock = InProcess(state_file=str(tmp_path / "state.db"), balance=500)
    database = mock.app.store._db
    assert database is not None
    statements: list[str] = []
    database.set_trace_callback(statements.append)
    for path, query in [("/setting/get", {}), ("/shopping/pay/getBalance", {}), ("/product/listV2", {"size": "3"})]:
        assert json.loads(_raw(mock, path, query))["code"] == 200
    assert mock.call("GET", "/shopping/order/list")["code"] == 200
    assert statements == []
    assert mock.call("POST", "/shopping/order/createOrderV2", body=order_body("state-1"))["code"] == 200
    assert statements[0] == "BEGIN" and statements[-1] == "COMMIT"
    assert sum(statement.startswith(("BEGIN", "COMMIT")) for statement in statements) == 2
    mock.app.close()
    restarted = InProcess(state_file=str(tmp_path / "state.db"), balance=500)
    assert [order["orderNum"] for order in restarted.app.store.orders.values()] == ["state-1"]
    restarted.app.close()
