"""The hub the mock will call: /webhook/set registrations and background deliveries to real receivers."""

from __future__ import annotations

import json
import time
from typing import Any

from cj_errors import webhooks
from cj_errors.webhooks.hub import WebhookHub
from tests.webhook_receivers import receiver

MOCK_OPEN_ID = 48213  # the mock's getAccessToken returns a 5-digit number


def _set(url: str, *settings: str, kind: str = "ENABLE") -> dict[str, Any]:
    return {setting: {"type": kind, "callbackUrls": [url]} for setting in settings}


def _wait_for(target: Any, count: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while len(target.seen) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def test_without_allow_local_the_hub_answers_like_cj() -> None:
    hub = WebhookHub()
    https_local = hub.configure(MOCK_OPEN_ID, _set("https://127.0.0.1:9443/cj", "order"))
    assert https_local is not None and https_local.code == 1607001 and https_local.setting == "order"
    plain = hub.configure(MOCK_OPEN_ID, _set("http://127.0.0.1:9000/cj", "order"))
    assert plain is not None and plain.code == 1607002
    empty = hub.configure(MOCK_OPEN_ID, {"order": {"type": "ENABLE", "callbackUrls": []}})
    assert empty is not None and empty.code == 1607000
    assert hub.configure(MOCK_OPEN_ID, _set("https://shop.example.com/cj", "order")) is None
    assert hub.callbacks(MOCK_OPEN_ID)["order"] == {"type": "ENABLE", "urls": ["https://shop.example.com/cj"]}
    assert hub.callbacks(MOCK_OPEN_ID)["stock"] == {"type": "CANCEL", "urls": []}


def test_order_flow_delivers_signed_order_messages_to_a_local_receiver() -> None:
    journal: list[dict[str, Any]] = []
    with receiver(open_id=str(MOCK_OPEN_ID)) as target:
        hub = WebhookHub(allow_local=True, journal=journal.append)
        assert hub.configure(MOCK_OPEN_ID, _set(target.url, "product", "stock", "order", "logistics")) is None
        created = webhooks.sample_params("ORDER", "INSERT") | {"cjOrderId": "2512020001", "orderStatus": "CREATED"}
        hub.publish(MOCK_OPEN_ID, "ORDER", created, message_type="INSERT")
        _wait_for(target, 1)  # deliveries run in the background; keep their order for the assertions
        hub.publish(MOCK_OPEN_ID, "ORDER", created | {"orderStatus": "UNSHIPPED"})
        _wait_for(target, 2)
        hub.publish(MOCK_OPEN_ID, "LOGISTIC", webhooks.sample_params("LOGISTIC") | {"trackingStatus": 1})
        assert hub.publish(MOCK_OPEN_ID, "MAKEUP", {}) is None  # not registered: nothing sent
        assert hub.join(timeout=10)
        seen = target.seen
    messages = [json.loads(item.body) for item in seen]
    assert all(item.valid for item in seen)  # signed with the openId getAccessToken returned
    assert [(m["type"], m["messageType"]) for m in messages] == [
        ("ORDER", "INSERT"),
        ("ORDER", "UPDATE"),
        ("LOGISTIC", "UPDATE"),
    ]
    assert [m["params"].get("orderStatus") for m in messages[:2]] == ["CREATED", "UNSHIPPED"]
    assert messages[2]["openId"] == MOCK_OPEN_ID and messages[2]["params"]["trackingStatus"] == 1
    deliveries = [record for record in journal if record["event"] == "webhook.delivery"]
    assert len(deliveries) == 3 and all(record["ok"] for record in deliveries)


def test_cancel_stops_deliveries_and_a_refused_url_changes_nothing() -> None:
    with receiver() as target:
        hub = WebhookHub(allow_local=True)
        assert hub.configure(MOCK_OPEN_ID, _set(target.url, "stock")) is None
        refused = hub.configure(MOCK_OPEN_ID, _set(target.url, "stock") | _set("https://10.0.0.2/x", "order"))
        assert refused is not None and refused.code == 1607001
        assert hub.configure(MOCK_OPEN_ID, _set(target.url, "stock", kind="CANCEL")) is None
        assert hub.publish(MOCK_OPEN_ID, "STOCK", webhooks.sample_params("STOCK")) is None
        assert hub.join(timeout=5)
        assert target.seen == []


def test_failing_receivers_are_retried_in_the_background() -> None:
    waits: list[float] = []
    journal: list[dict[str, Any]] = []
    with receiver(statuses=[500, 500], open_id=str(MOCK_OPEN_ID)) as target:
        hub = WebhookHub(allow_local=True, journal=journal.append, sleep=waits.append)
        hub.configure(MOCK_OPEN_ID, _set(target.url, "product"))
        hub.publish(MOCK_OPEN_ID, "PRODUCT", webhooks.sample_params("PRODUCT"))
        assert hub.join(timeout=10)
        assert len(target.seen) == 3
    assert waits == [1.0, 2.0]
    assert [record["status"] for record in journal if record["event"] == "webhook.attempt"] == [500, 500, 200]
    assert all("openId" not in record and "open_id" not in record and "sign" not in record for record in journal)
