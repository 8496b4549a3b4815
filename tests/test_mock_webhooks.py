"""`cjerr mock --allow-local-webhooks` delivers signed CJ messages to a real receiver on 127.0.0.1.

The mock keeps /webhook/set registrations per account (openId) through cj_errors.webhooks.hub and
publishes ORDER on create and status changes, LOGISTIC on a tracking number, and STOCK or PRODUCT
from its admin API; every delivery is in the journal.
"""

from __future__ import annotations

import http.server
import json
import queue
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cj_errors import mock, webhooks
from tests.conftest import cjerr_executable, clean_env
from tests.test_mock_state import VARIANT, order_body

API_KEY = "CJ1234567@api@0123456789abcdef0123456789abcdef"


class Receiver:
    """A webhook receiver on 127.0.0.1 that answers 200 and queues what it got."""

    def __init__(self) -> None:
        self.received: queue.Queue[tuple[dict[str, str], bytes]] = queue.Queue()
        received = self.received

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.put(({key.lower(): value for key, value in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cj/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def next(self, timeout: float = 15) -> tuple[dict[str, str], dict[str, Any], bytes]:
        headers, body = self.received.get(timeout=timeout)
        return headers, json.loads(body), body

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver()
    yield started
    started.close()


def _login(client: httpx.Client, base: str) -> tuple[dict[str, str], str]:
    data = client.post(base + "/authentication/getAccessToken", json={"apiKey": API_KEY}).json()["data"]
    return {"CJ-Access-Token": data["accessToken"]}, str(data["openId"])


def _set(client: httpx.Client, base: str, headers: dict[str, str], url: str) -> dict[str, Any]:
    body = {topic: {"type": "ENABLE", "callbackUrls": [url]} for topic in ("order", "logistics", "stock", "product")}
    return client.post(base + "/webhook/set", json=body, headers=headers).json()  # type: ignore[no-any-return]


def test_the_order_flow_delivers_signed_order_and_logistic_messages(receiver: Receiver) -> None:
    with mock.running(qps=0, allow_local_webhooks=True) as base, httpx.Client(timeout=30) as client:
        headers, open_id = _login(client, base)
        assert _set(client, base, headers, receiver.url)["code"] == 200
        setting = client.get(base + "/setting/get", headers=headers).json()["data"]
        assert setting["callback"]["order"] == {"type": "ENABLE", "urls": [receiver.url]}

        body = order_body("webhook-1", isSandbox=1)
        created = client.post(base + "/shopping/order/createOrderV2", json=body, headers=headers).json()["data"]
        sent_headers, message, raw = receiver.next()
        assert webhooks.verify(raw, open_id, sent_headers["sign"]), "signed with the account's openId"
        assert (message["type"], message["messageType"]) == ("ORDER", "INSERT")
        assert message["params"]["cjOrderId"] == created["orderId"]
        assert message["params"]["orderNumber"] == "webhook-1"

        confirm = {"orderId": created["orderId"]}
        assert client.patch(base + "/shopping/order/confirmOrder", json=confirm, headers=headers).json()["code"] == 200
        _, update, _ = receiver.next()
        assert (update["messageType"], update["params"]["orderStatus"]) == ("UPDATE", "UNPAID")

        pay = client.post(base + "/shopping/sandbox/simulatePay", json=confirm, headers=headers).json()
        assert pay["code"] == 200, pay
        receiver.next()
        track = {"orderId": created["orderId"], "trackNumber": "YT2512021436"}
        moved = client.post(base + "/shopping/sandbox/updateTrackNumber", json=track, headers=headers).json()
        assert moved["code"] == 200, moved
        _, logistic, _ = receiver.next()
        assert logistic["type"] == "LOGISTIC" and logistic["params"]["trackingNumber"] == "YT2512021436"

        admin = base.removesuffix("/api2.0/v1") + "/__cjerr/"
        stock = {"topic": "STOCK", "params": {VARIANT.vid: [{"vid": VARIANT.vid, "storageNum": 0}]}}
        assert client.post(admin + "webhooks", json=stock).json()["deliveries"] == 1
        _, stocked, _ = receiver.next()
        assert stocked["type"] == "STOCK" and VARIANT.vid in stocked["params"]

        journal = client.get(admin + "requests").json()["requests"]
        deliveries = [entry for entry in journal if entry.get("event") == "webhook.delivery"]
        assert len(deliveries) >= 3
        assert open_id not in json.dumps(journal), "the signing key never shows in the journal"


def test_a_refused_order_call_delivers_nothing(receiver: Receiver) -> None:
    with mock.running(qps=0, allow_local_webhooks=True) as base, httpx.Client(timeout=30) as client:
        headers, _ = _login(client, base)
        _set(client, base, headers, receiver.url)
        client.post(base + "/shopping/order/createOrderV2", json=order_body("dup-1"), headers=headers)
        receiver.next()
        again = client.post(base + "/shopping/order/createOrderV2", json=order_body("dup-1"), headers=headers).json()
        assert again["code"] == 1603003
        with pytest.raises(queue.Empty):
            receiver.next(timeout=1.5)


def test_without_the_flag_loopback_and_http_are_refused_as_cj_does(receiver: Receiver) -> None:
    with mock.running(qps=0) as base, httpx.Client(timeout=30) as client:
        headers, _ = _login(client, base)
        assert _set(client, base, headers, receiver.url.replace("http://", "https://"))["code"] == 1607001
        assert _set(client, base, headers, receiver.url)["code"] in (1607001, 1607002)
        assert _set(client, base, headers, "http://shop.example.com/hook")["code"] == 1607002


def test_the_command_line_flag_turns_it_on(receiver: Receiver, tmp_path: Path) -> None:
    process = subprocess.Popen(
        [cjerr_executable(), "mock", "--port", "0", "--qps", "0", "--allow-local-webhooks"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=clean_env(tmp_path),
    )
    try:
        assert process.stdout is not None
        base = process.stdout.readline().strip()
        with httpx.Client(timeout=30) as client:
            headers, open_id = _login(client, base)
            assert _set(client, base, headers, receiver.url)["code"] == 200
            admin = base.removesuffix("/api2.0/v1") + "/__cjerr/webhooks"
            assert client.post(admin, json={"topic": "PRODUCT"}).json()["deliveries"] == 1
            sent_headers, message, raw = receiver.next()
            assert message["type"] == "PRODUCT" and webhooks.verify(raw, open_id, sent_headers["sign"])
            assert client.post(admin, json={"topic": "NOPE"}).status_code == 400
            assert client.post(admin, json={"topic": "STOCK", "messageType": "FOO"}).status_code == 400
            nan = b'{"topic": "STOCK", "params": {"x": NaN}}'
            assert client.post(admin, content=nan, headers={"Content-Type": "application/json"}).status_code == 400
    finally:
        process.terminate()
        process.communicate(timeout=30)
