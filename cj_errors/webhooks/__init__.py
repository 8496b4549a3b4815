"""CJ webhooks: signing, verification, sample messages, callback-URL rules and delivery.

What CJ documents (https://developers.cjdropshipping.com/en/api/start/webhook.html and
https://developers.cjdropshipping.com/en/api/api2/api/webhook.html):

* CJ POSTs JSON (``Content-Type: application/json``) to the HTTPS URL set with ``/webhook/set``
  and needs HTTP 200 within 3 seconds; localhost and 127.0.0.1 are refused (1607001), a URL that
  does not start with ``https://`` too (1607002), and one that does not answer 200 (1607003);
* each message carries a ``sign`` header: the padded Base64 of HMAC-SHA256 over the raw request
  body, keyed by the account's ``openId`` as a string. The openId is therefore a secret;
* a failed delivery is retried up to 3 times, and a topic is closed when under 80% of its
  deliveries succeed in each of the 2 previous complete hours.

CJ does not document the retry schedule, whether retries count towards the success rate, or
how an hour with no deliveries counts; cjerr's choices are named where they are made.

Standard library only (``http.client``), so receivers can import it without Typer, Rich or httpx.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import http.client
import json
import socket
import ssl
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cj_errors.base import limits
from cj_errors.requests.callback_urls import MAX_URL_LENGTH as MAX_URL_LENGTH
from cj_errors.requests.callback_urls import Resolver as Resolver
from cj_errors.requests.callback_urls import UrlCheck as UrlCheck
from cj_errors.requests.callback_urls import UrlFinding as UrlFinding
from cj_errors.requests.callback_urls import address_problem as address_problem
from cj_errors.requests.callback_urls import check_url as check_url
from cj_errors.requests.callback_urls import registration_error as registration_error
from cj_errors.requests.callback_urls import resolve_host as resolve_host

SIGN_HEADER = "sign"
DELIVERY_TIMEOUT = 3.0  # seconds CJ waits for the HTTP 200
MAX_RETRIES = 3  # CJ retries a failed delivery up to 3 times
SUCCESS_THRESHOLD = 0.8  # a topic closes under 80% success...
CLOSING_HOURS = 2  # ...in each of the 2 previous complete hours
# CJ does not publish its retry schedule; these waits (before retry 1, 2, 3) are cjerr's choice.
DEFAULT_RETRY_DELAYS = (1.0, 2.0, 4.0)

DOC_WEBHOOK = "https://developers.cjdropshipping.com/en/api/api2/api/webhook.html"
DOC_WEBHOOK_GUIDE = "https://developers.cjdropshipping.com/en/api/start/webhook.html"


# --- signing -----------------------------------------------------------------------------


def _key(open_id: str | int) -> bytes:
    if isinstance(open_id, bool) or not isinstance(open_id, str | int):
        raise TypeError("open_id must be the account openId as a string (or an int)")
    text = str(open_id).strip()
    if not text:
        raise ValueError("open_id is empty")
    return text.encode("utf-8")


def sign(body: bytes, open_id: str | int) -> str:
    """The ``sign`` header CJ sends with ``body``: padded Base64 of HMAC-SHA256 keyed by the openId string."""
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError("body must be the raw request body as bytes, exactly as received")
    digest = hmac.new(_key(open_id), bytes(body), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(body: bytes, open_id: str | int, signature: str | bytes | None) -> bool:
    """True when ``signature`` (the ``sign`` header) matches ``body``; compared in constant time.

    Pass the raw body bytes as received: parsing and re-serializing the JSON changes them.
    """
    if signature is None:
        return False
    given = signature.encode("utf-8", "replace") if isinstance(signature, str) else bytes(signature)
    expected = sign(body, open_id).encode("ascii")
    return hmac.compare_digest(expected, given.strip())


def signature_hints(body: bytes, open_id: str | int, signature: str) -> list[str]:
    """Why a signature may not match: the usual ways a capture or a receiver changes what was signed."""
    hints: list[str] = []
    given = signature.strip()
    digest = hmac.new(_key(open_id), body, hashlib.sha256).digest()
    if not given:
        return ["the signature is empty: read the `sign` header of the request"]
    if hmac.compare_digest(given.lower().encode("utf-8", "replace"), digest.hex().encode()):
        hints.append("the signature is hex; CJ sends Base64 (base64 of the raw HMAC-SHA256 bytes)")
    urlsafe = base64.urlsafe_b64encode(digest).decode()
    standard = base64.b64encode(digest).decode()
    if urlsafe != standard and hmac.compare_digest(given.encode("utf-8", "replace"), urlsafe.encode()):
        hints.append("the signature is URL-safe Base64 (- and _); CJ uses standard Base64 (+ and /)")
    if given.rstrip("=") == base64.b64encode(digest).decode().rstrip("=") and "=" not in given:
        hints.append("the signature lost its '=' padding; CJ sends padded Base64")
    for trimmed, what in ((body.rstrip(b"\r\n"), "a trailing newline"), (body.strip(), "surrounding whitespace")):
        if trimmed != body and verify(trimmed, open_id, given):
            hints.append(f"it matches once {what} is removed from the body: the capture added it")
            break
    if not hints:
        try:
            decoded = base64.b64decode(given, validate=True)
        except (binascii.Error, ValueError):
            hints.append("the signature is not Base64: is it the `sign` header's value?")
        else:
            if len(decoded) != 32:
                hints.append(f"the signature decodes to {len(decoded)} bytes; an HMAC-SHA256 has 32")
    if not hints:
        hints.extend(
            [
                "check the key: it is the openId of the CJ account (from getAccessToken or /setting/get), "
                "as a string, not the API key or the access token",
                "check the body: verify the raw bytes as received, before any JSON parsing or re-encoding",
            ]
        )
    return hints


# --- topics and sample messages ------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    name: str  # the message's "type"
    setting: str | None  # the /webhook/set object that switches it on (None: not documented)
    message_types: tuple[str, ...]
    summary: str


_CRUD = ("INSERT", "UPDATE", "DELETE")
TOPICS: dict[str, Topic] = {
    topic.name: topic
    for topic in (
        Topic("ORDER", "order", (*_CRUD, "ORDER_CONNNECTED"), "order created, changed or deleted"),
        Topic("PRODUCT", "product", _CRUD, "a subscribed product changed"),
        Topic("VARIANT", "product", _CRUD, "a variant of a subscribed product changed"),
        Topic("STOCK", "stock", _CRUD, "warehouse stock of subscribed variants changed"),
        Topic("LOGISTIC", "logistics", _CRUD, "tracking of an order moved"),
        Topic("ORDERSPLIT", "order", _CRUD, "CJ split an order into several"),
        Topic("SOURCINGCREATE", None, _CRUD, "a sourcing request got its result"),
        Topic("MAKEUP", "makeup", ("INSERT", "CANCEL", "PAID"), "a make-up (difference) bill was created or settled"),
        Topic("PRIVATE_ORDER", "privateOrder", ("UPDATE",), "a private-inventory order changed status"),
    )
}
# Topics whose documented samples carry the account's openId at the top level.
_OPEN_ID_IN_MESSAGE = frozenset({"LOGISTIC", "MAKEUP", "PRIVATE_ORDER"})

TRACKING_STATUS: dict[int, str] = {
    0: "no tracking information yet",
    1: "left the warehouse",
    2: "received by the freight forwarder",
    3: "returned by the freight forwarder",
    4: "dispatched by the freight forwarder",
    5: "first-leg transport",
    6: "arrived in the destination country",
    7: "customs clearance started",
    8: "customs cleared",
    9: "picked up for the last mile",
    10: "out for delivery",
    11: "waiting for pickup",
    12: "signed for",
    13: "failed or abnormal",
    14: "returned",
}


class WebhookError(ValueError):
    """A topic, message type or message that cjerr cannot use; the message says what is accepted."""


def topic_named(name: str) -> Topic:
    topic = TOPICS.get(name.strip().upper().replace("-", "_"))
    if topic is None:
        raise WebhookError(f"unknown webhook topic {name!r}; CJ's topics are {', '.join(TOPICS)}")
    return topic


def _now_text(now: datetime.datetime | None) -> str:
    # CJ's sample dates are "yyyy-MM-dd HH:mm:ss" in China time (UTC+8).
    moment = now or datetime.datetime.now(datetime.timezone.utc)
    return moment.astimezone(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M:%S")


def sample_params(topic: str, message_type: str = "UPDATE", *, now: datetime.datetime | None = None) -> Any:
    """Realistic ``params`` for a topic, with the field names and value shapes of CJ's examples."""
    name = topic_named(topic).name
    stamp = _now_text(now)
    if name == "ORDER":
        status = {"INSERT": "CREATED", "DELETE": "CANCELLED", "ORDER_CONNNECTED": "UNSHIPPED"}.get(
            message_type, "SHIPPED"
        )
        shipped = status == "SHIPPED"
        return {
            "cjOrderId": "2512021436094151900",
            "orderNum": "api_7f3a9c2e41b84d0c9e6b5a1d2c3f4e5a",
            "orderNumber": "api_7f3a9c2e41b84d0c9e6b5a1d2c3f4e5a",
            "orderStatus": status,
            "logisticName": "CJPacket Ordinary",
            "trackNumber": "CJPKL7160102171YQ" if shipped else None,
            "trackingUrl": "https://www.cjpacket.com/?trackingNumber=CJPKL7160102171YQ" if shipped else None,
            "createDate": "2025-12-02 14:36:09",
            "updateDate": stamp,
            "payDate": "2025-12-02 14:40:51" if status != "CREATED" else None,
            "deliveryDate": stamp if shipped else None,
            "completeDate": None,
            "orderItems": [
                {
                    "vid": "1392053744945991680",
                    "quantity": 2,
                    "sellPrice": 3.57,
                    "lineItemId": "2512021436094152001",
                    "storeLineItemId": "16045188153625",
                    "productionOrderStatus": 1,
                    "abnormalType": [],
                }
            ],
        }
    if name == "PRODUCT":
        fields = ["productSellPrice", "productStatus"] if message_type == "UPDATE" else []
        return {
            "pid": "1424608189734850560",
            "productSku": "CJJSBGYW00291",
            "productName": '["桌面理线器","收纳夹"]',
            "productNameEn": "Silicone Desk Cable Organizer",
            "productDescription": "<p>Keeps charging cables in place on a desk or nightstand.</p>",
            "productImage": "https://cf.cjdropshipping.com/quick/product/b1c2d3e4-5f60-4718-9a2b-3c4d5e6f7a8b.jpg",
            "productSellPrice": "1.20-3.50",
            "productStatus": 2 if message_type == "DELETE" else 3,
            "categoryId": "2FE8A083-5E7B-4179-896D-561EA116F730",
            "categoryName": "Home Office Storage",
            "productProperty1": None,
            "productProperty2": None,
            "productProperty3": None,
            "fields": fields,
        }
    if name == "VARIANT":
        return {
            "vid": "1424608152007086080",
            "variantName": "Silicone Desk Cable Organizer Black 5 Holes",
            "variantWeight": 42,
            "variantLength": 120,
            "variantWidth": 30,
            "variantHeight": 25,
            "variantImage": "https://cf.cjdropshipping.com/quick/product/0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d.jpg",
            "variantSku": "CJJSBGYW00291-Black-5 Holes",
            "variantKey": "Black-5 Holes",
            "variantSellPrice": 1.2,
            "variantStatus": 0 if message_type == "DELETE" else 1,
            "variantValue1": "Black",
            "variantValue2": "5 Holes",
            "variantValue3": None,
            "fields": ["variantSellPrice"] if message_type == "UPDATE" else [],
        }
    if name == "STOCK":
        rows = {
            "1424608152007086080": [("2", "US Warehouse", "US", 126), ("1", "China Warehouse", "CN", 2380)],
            "AE7DB9BC-4290-4C85-B8A6-F8957F3DB053": [("2", "US Warehouse", "US", 0)],
        }
        return {
            vid: [
                {"vid": vid, "areaId": area, "areaEn": area_name, "countryCode": country, "storageNum": count}
                for area, area_name, country, count in warehouses
            ]
            for vid, warehouses in rows.items()
        }
    if name == "LOGISTIC":
        events = [
            {
                "status": 10,
                "activity": "Out for delivery",
                "location": "COLUMBUS, OH 43215",
                "eventTime": "2025-12-09 08:12:40",
                "statusDesc": "Delivery",
            },
            {
                "status": 12,
                "activity": "Delivered, Front Door/Porch",
                "location": "COLUMBUS, OH 43215",
                "eventTime": "2025-12-09 15:47:03",
                "statusDesc": "Signed for",
            },
        ]
        return {
            "orderId": "2512021436094151900",
            "storeOrderNumbers": ["#1043"],
            "logisticName": "CJPacket Ordinary",
            "trackingNumber": "CJPKL7160102171YQ",
            "trackingUrl": "https://www.cjpacket.com/?trackingNumber=CJPKL7160102171YQ",
            "trackingProvider": "USPS",
            "trackingStatus": 12,
            # CJ sends the events as a JSON-encoded string, not as an array.
            "logisticsTrackEvents": json.dumps(events, separators=(",", ":")),
        }
    if name == "ORDERSPLIT":
        return {
            "originalOrderId": "SD1996094151900461056",
            "orderSplitTime": stamp,
            "splitOrderList": [
                {
                    "orderCode": "SD1996094151900461056-1",
                    "createAt": 1764657369000,
                    "orderStatus": 300,
                    "productList": [
                        {
                            "sku": "CJJSBGYW00291-Black-5 Holes",
                            "vid": "1424608152007086080",
                            "quantity": 1,
                            "productCode": "1996094153020340224",
                        }
                    ],
                },
                {
                    "orderCode": "SD1996094151900461056-2",
                    "createAt": 1764657369000,
                    "orderStatus": 300,
                    "productList": [
                        {
                            "sku": "CJNSSYLY01043-White-M",
                            "vid": "0550DFC6-7FF7-4662-AE7D-B4DF0E4EB24A",
                            "quantity": 1,
                            "productCode": "1996094153020340225",
                        }
                    ],
                },
            ],
        }
    if name == "SOURCINGCREATE":
        failed = message_type == "DELETE"
        return {
            "cjProductId": None if failed else "1996101278324617216",
            "cjVariantId": None if failed else "1996101278354001920",
            "cjVariantSku": None if failed else "CJYD2087134",
            "cjSourcingId": "2087134",
            "status": "failed" if failed else "completed",
            "failReason": "No supplier found for this product" if failed else "",
            "createDate": stamp,
        }
    if name == "MAKEUP":
        status = {"INSERT": "CREATED", "CANCEL": "CANCELED", "PAID": "PAID"}.get(message_type, "CREATED")
        return {
            "orderId": "BT1996112233445566778",
            "relationOrderId": "2512021436094151900",
            "payOrderId": "P1996112299887766554" if status == "PAID" else None,
            "amount": 2.35,
            "reason": "Freight difference after re-weighing",
            "type": 1,
            "diffUseType": 3,
            "status": status,
            "createDate": "2025-12-03 10:05:00",
            "paymentDate": stamp if status == "PAID" else None,
        }
    # PRIVATE_ORDER
    return {
        "orderId": "SY1996120011223344556",
        "orderNumber": "inv-2025-1187",
        "status": "SHIPPED",
        "orderType": 2,
        "createDate": "2025-12-03 09:00:12",
        "paymentDate": "2025-12-03 09:02:40",
        "deliveryDate": stamp,
        "completeDate": None,
    }


def new_message_id() -> str:
    return uuid.uuid4().hex  # CJ's message ids are 32 hex digits


def message(
    topic: str,
    message_type: str,
    params: Any,
    *,
    open_id: str | int | None = None,
    message_id: str | None = None,
) -> dict[str, Any]:
    """A message as CJ builds it: ``messageId``, ``type``, ``messageType``, ``params``.

    ``openId`` is added at the top level for the topics whose CJ samples carry it (LOGISTIC, MAKEUP, PRIVATE_ORDER).
    """
    found = topic_named(topic)
    kind = message_type.strip().upper()
    if kind not in found.message_types:
        raise WebhookError(
            f"{found.name} messages have messageType {', '.join(found.message_types)}, not {message_type!r}"
        )
    built: dict[str, Any] = {"messageId": message_id or new_message_id(), "type": found.name, "messageType": kind}
    if open_id is not None and found.name in _OPEN_ID_IN_MESSAGE:
        text = str(open_id).strip()
        # A number, as CJ sends it, when it fits a Java long; otherwise kept as the string it is.
        built["openId"] = int(text) if text.isdigit() and int(text) < 2**63 else text
    built["params"] = params
    return built


def sample_message(
    topic: str,
    message_type: str = "UPDATE",
    *,
    open_id: str | int | None = None,
    overrides: Mapping[str, Any] | None = None,
    message_id: str | None = None,
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    """A realistic message for ``topic``; ``overrides`` replace or add ``params`` fields."""
    found = topic_named(topic)
    kind = message_type.strip().upper()
    if found.message_types == ("UPDATE",) and kind != "UPDATE":
        raise WebhookError(f"{found.name} messages have messageType UPDATE only, not {message_type!r}")
    params = sample_params(found.name, kind, now=now)
    if overrides:
        params = {**params, **overrides} if isinstance(params, dict) else dict(overrides)
    return message(found.name, kind, params, open_id=open_id, message_id=message_id)


def encode(document: Mapping[str, Any]) -> bytes:
    """The body bytes cjerr sends and signs (compact UTF-8 JSON)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- reading a received message ------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedMessage:
    """What a receiver can tell about one message: its topic, ids, and whether the signature holds."""

    topic: str | None
    message_type: str | None
    message_id: str | None
    ids: tuple[tuple[str, str], ...]
    detail: str
    problems: tuple[str, ...]
    signature: str  # "valid", "invalid", "missing" or "not checked"
    document: Any = None

    @property
    def ok(self) -> bool:
        return not self.problems and self.signature in ("valid", "not checked")


_ID_FIELDS = (
    "cjOrderId",
    "orderNumber",
    "orderId",
    "relationOrderId",
    "originalOrderId",
    "pid",
    "vid",
    "trackingNumber",
    "cjSourcingId",
)


def _ids(params: Any) -> list[tuple[str, str]]:
    if not isinstance(params, dict):
        return []
    found = [(name, str(params[name])) for name in _ID_FIELDS if params.get(name) not in (None, "")]
    return found[:3]


def _detail(topic: str, params: Any) -> str:
    if not isinstance(params, dict):
        return ""
    if topic == "LOGISTIC":
        status = params.get("trackingStatus")
        meaning = TRACKING_STATUS.get(status) if isinstance(status, int) and not isinstance(status, bool) else None
        return f"trackingStatus {status} ({meaning})" if meaning else f"trackingStatus {status!r} (not 0-14)"
    if topic == "ORDER":
        return f"orderStatus {params.get('orderStatus')}"
    if topic == "PRODUCT":
        status = params.get("productStatus")
        shown = {2: "off sale", 3: "on sale", "2": "off sale", "3": "on sale"}.get(status, str(status))
        return f"productStatus {shown}" + (
            f"; fields {','.join(map(str, params['fields']))}" if params.get("fields") else ""
        )
    if topic == "VARIANT":
        status = params.get("variantStatus")
        shown_variant = {0: "off sale", 1: "on sale"}.get(status, str(status)) if isinstance(status, int) else status
        return f"variantStatus {shown_variant}"
    if topic == "STOCK":
        rows = sum(len(value) for value in params.values() if isinstance(value, list))
        return f"{len(params)} variant(s), {rows} warehouse row(s)"
    if topic == "ORDERSPLIT":
        split = params.get("splitOrderList")
        return f"split into {len(split)} order(s)" if isinstance(split, list) else ""
    if topic in ("MAKEUP", "PRIVATE_ORDER", "SOURCINGCREATE"):
        return f"status {params.get('status')}"
    return ""


def read_message(
    body: bytes,
    signature: str | None,
    open_id: str | int | None,
    *,
    content_type: str | None = "application/json",
) -> ReceivedMessage:
    """Read and verify one delivered body; never raises for a bad body (it is reported in ``problems``)."""
    problems: list[str] = []
    if open_id is None:
        checked = "not checked"
    elif signature is None:
        checked = "missing"
    else:
        checked = "valid" if verify(body, open_id, signature) else "invalid"
    if content_type is not None and "json" not in content_type.lower():
        problems.append(f"Content-Type is {content_type!r}; CJ sends application/json")
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        problems.append("the body is not JSON")
        return ReceivedMessage(None, None, None, (), "", tuple(problems), checked)
    if not isinstance(document, dict):
        problems.append("the body is JSON but not an object")
        return ReceivedMessage(None, None, None, (), "", tuple(problems), checked, document)
    topic = document.get("type")
    kind = document.get("messageType")
    message_id = document.get("messageId")
    topic_text = topic if isinstance(topic, str) else None
    known = TOPICS.get(topic_text or "")
    if known is None:
        problems.append(f"type {topic!r} is not one of CJ's topics")
    elif kind not in known.message_types:
        problems.append(f"messageType {kind!r} is not one CJ sends for {known.name}")
    if not isinstance(message_id, str) or not message_id:
        problems.append("no messageId")
    params = document.get("params")
    if "params" not in document:
        problems.append("no params")
    return ReceivedMessage(
        topic=topic_text,
        message_type=kind if isinstance(kind, str) else None,
        message_id=message_id if isinstance(message_id, str) else None,
        ids=tuple(_ids(params)),
        detail=_detail(topic_text or "", params),
        problems=tuple(problems),
        signature=checked,
        document=document,
    )


# --- callback URL rules --------------------------------------------------------------------


def topics_for_setting(setting: str) -> tuple[str, ...]:
    """The topics a ``/webhook/set`` object switches (``product`` -> PRODUCT and VARIANT, ``order`` -> ORDER, ...)."""
    return tuple(topic.name for topic in TOPICS.values() if topic.setting == setting)


# --- delivering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One POST of a message and what came of it, judged by CJ's rule (HTTP 200 within 3 s)."""

    number: int  # 1 for the first delivery, 2-4 for CJ's retries
    at: float  # wall-clock time the POST started (seconds since the epoch)
    elapsed: float  # seconds until the answer (or the failure)
    status: int | None  # the HTTP status, None when there was no answer
    error: str | None  # why there was no usable answer
    error_kind: str | None  # "timeout", "connect", "dns", "tls", "dropped", "invalid"
    ok: bool
    response_preview: str = ""

    @property
    def verdict(self) -> str:
        if self.ok:
            return f"HTTP 200 in {self.elapsed:.2f} s"
        if self.status is not None and self.status != 200:
            return f"HTTP {self.status} in {self.elapsed:.2f} s: CJ needs 200"
        if self.status == 200:
            return f"HTTP 200 after {self.elapsed:.2f} s: CJ stops waiting at {DELIVERY_TIMEOUT:g} s"
        return self.error or "no answer"

    def as_dict(self) -> dict[str, Any]:
        return {
            "attempt": self.number,
            "at": _iso(self.at),
            "elapsed_s": round(self.elapsed, 3),
            "status": self.status,
            "ok": self.ok,
            "error": self.error,
            "error_kind": self.error_kind,
            "verdict": self.verdict,
        }


def _iso(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def post_signed(
    url: str,
    body: bytes,
    signature: str | None,
    *,
    timeout: float = DELIVERY_TIMEOUT,
    wait: float | None = None,
    verify_tls: bool = True,
    number: int = 1,
    clock: Callable[[], float] = time.time,
    user_agent: str = "cjerr-webhook",
) -> Attempt:
    """POST ``body`` with its ``sign`` header once, as CJ does; the answer counts only if it is 200 within ``timeout``.

    ``wait`` (at least ``timeout``) is how long to keep listening for a late answer, so a report can say
    "200 after 4.1 s" instead of only "no answer"; CJ itself hangs up at ``timeout``. Never raises for
    network trouble: the attempt records it.
    """
    limit = max(timeout, wait or timeout)
    started_at = clock()
    started = time.monotonic()

    def remaining() -> float:
        return max(0.001, limit - (time.monotonic() - started))

    def failed(kind: str, reason: str, status: int | None = None) -> Attempt:
        return Attempt(number, started_at, time.monotonic() - started, status, reason, kind, False)

    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as problem:
        return failed("invalid", f"not a usable URL: {problem}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return failed("invalid", "not an http:// or https:// URL with a host")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context()
        if not verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(parts.hostname, port, timeout=remaining(), context=context)
    else:
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=remaining())
    headers = {"Content-Type": "application/json", "User-Agent": user_agent, "Content-Length": str(len(body))}
    if signature is not None:
        headers[SIGN_HEADER] = signature
    try:
        connection.connect()
        connection.request("POST", target, body=body, headers=headers)
        if connection.sock is not None:
            connection.sock.settimeout(remaining())
        response = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        while size < limits.WEBHOOK_RESPONSE_PREVIEW_BYTES:
            if connection.sock is not None:
                connection.sock.settimeout(remaining())
            chunk = response.read1(min(16384, limits.WEBHOOK_RESPONSE_PREVIEW_BYTES - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if time.monotonic() - started > limit:
                raise TimeoutError
        elapsed = time.monotonic() - started
        status = response.status
    except TimeoutError:
        return failed("timeout", f"no answer within {limit:g} s" + (" (CJ's limit)" if limit == timeout else ""))
    except socket.gaierror as problem:
        return failed("dns", f"cannot resolve {parts.hostname}: {problem.strerror or problem}")
    except ssl.SSLError as problem:
        return failed("tls", f"TLS failed: {problem.reason or problem}")
    except ConnectionRefusedError:
        return failed("connect", f"connection refused by {parts.netloc}")
    except (http.client.HTTPException, ConnectionError) as problem:
        return failed("dropped", f"the connection broke off ({type(problem).__name__})")
    except OSError as problem:
        return failed("connect", f"cannot connect to {parts.netloc}: {problem.strerror or problem}")
    except ValueError as problem:  # http.client.InvalidURL, a host IDNA cannot encode, ...
        return failed("invalid", f"not a usable URL: {problem}")
    finally:
        connection.close()
    preview = b"".join(chunks)[:512].decode("utf-8", "replace")
    ok = status == 200 and elapsed <= timeout
    return Attempt(number, started_at, elapsed, status, None, None, ok, preview)


class TopicHealth:
    """CJ's closing rule: a topic closes when under 80% of its deliveries succeed in each of the 2 previous hours.

    Hours are complete UTC clock hours. cjerr counts every POST (retries included) as a delivery,
    and an hour without deliveries as not failing; CJ documents neither. Thread-safe.
    """

    def __init__(self, threshold: float = SUCCESS_THRESHOLD, hours: int = CLOSING_HOURS) -> None:
        self.threshold = threshold
        self.hours = hours
        self._counts: dict[str, dict[int, list[int]]] = {}
        self._closed: set[str] = set()
        self._lock = threading.Lock()

    def record(self, topic: str, ok: bool, at: float) -> None:
        hour = int(at // 3600)
        with self._lock:
            per_hour = self._counts.setdefault(topic, {})
            counts = per_hour.setdefault(hour, [0, 0])
            counts[0] += int(ok)
            counts[1] += 1
            for old in [key for key in per_hour if key < hour - self.hours - 1]:
                del per_hour[old]

    def rates(self, topic: str, now: float) -> list[tuple[int, int]]:
        """(succeeded, delivered) for each of the previous complete hours, oldest first."""
        current = int(now // 3600)
        with self._lock:
            per_hour = self._counts.get(topic, {})
            return [tuple(per_hour.get(hour, [0, 0])) for hour in range(current - self.hours, current)]  # type: ignore[misc]

    def closed(self, topic: str, now: float) -> bool:
        """True once the rule has fired for ``topic``; it stays closed until ``reopen``."""
        with self._lock:
            if topic in self._closed:
                return True
        rates = self.rates(topic, now)
        failing = all(total > 0 and succeeded < self.threshold * total for succeeded, total in rates)
        if failing:
            with self._lock:
                self._closed.add(topic)
        return failing

    def reopen(self, topic: str) -> None:
        """Switch a topic on again (``/webhook/set`` with ``ENABLE``): its history starts afresh."""
        with self._lock:
            self._closed.discard(topic)
            self._counts.pop(topic, None)


@dataclass(frozen=True)
class Delivery:
    """One message and every POST it took; ``ok`` when one of them got HTTP 200 within 3 s."""

    url: str
    topic: str
    message_type: str
    message_id: str
    body_bytes: int
    attempts: tuple[Attempt, ...]
    skipped: str | None = None  # why nothing was sent (the topic is closed)
    topic_closed: bool = False

    @property
    def ok(self) -> bool:
        return any(attempt.ok for attempt in self.attempts)

    @property
    def last(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "topic": self.topic,
            "messageType": self.message_type,
            "messageId": self.message_id,
            "body_bytes": self.body_bytes,
            "ok": self.ok,
            "skipped": self.skipped,
            "topic_closed": self.topic_closed,
            "attempts": [attempt.as_dict() for attempt in self.attempts],
        }


Journal = Callable[[dict[str, Any]], None]


@dataclass
class Deliverer:
    """Delivers signed messages the way CJ does: POST, 3-second rule, up to 3 retries, closing rule.

    The mock calls ``deliver_async`` from its request handlers; ``journal`` receives one record per
    attempt (``"event": "webhook.attempt"``) and one per message (``"event": "webhook.delivery"``), with
    no secret in them. ``clock`` and ``sleep`` can be replaced in tests.

    For a CJ stand-in: keep one Deliverer per openId (the one getAccessToken returned for the token),
    check each ``/webhook/set`` URL with ``registration_error``, call ``health.reopen(topic)`` for every
    topic an ``ENABLE`` switches on (``topics_for_setting``), and call ``deliver_async(url, topic, params,
    message_type=...)`` after each state change; ``join`` before shutting down.
    """

    open_id: str | int
    journal: Journal | None = None
    retries: int = MAX_RETRIES
    retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS
    timeout: float = DELIVERY_TIMEOUT
    wait: float | None = None
    verify_tls: bool = True
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    health: TopicHealth = field(default_factory=TopicHealth)
    _threads: list[threading.Thread] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        _key(self.open_id)  # fail now, not in a background thread
        if not 0 <= self.retries <= MAX_RETRIES:
            raise ValueError(f"retries must be 0-{MAX_RETRIES} (CJ retries a delivery up to {MAX_RETRIES} times)")

    def _note(self, record: dict[str, Any]) -> None:
        if self.journal is not None:
            try:
                self.journal(record)
            except Exception:  # noqa: BLE001 - a broken journal must not stop deliveries
                pass

    def deliver_body(self, url: str, body: bytes, topic: str, message_type: str, message_id: str) -> Delivery:
        """Send ``body`` (signed here) with CJ's retries; blocks until done."""
        name = topic_named(topic).name
        base = {"url": url, "topic": name, "messageType": message_type, "messageId": message_id}
        if self.health.closed(name, self.clock()):
            delivery = Delivery(url, name, message_type, message_id, len(body), (), "topic closed", True)
            self._note({"event": "webhook.delivery", **delivery.as_dict()})
            return delivery
        signature = sign(body, self.open_id)
        attempts: list[Attempt] = []
        for number in range(1, self.retries + 2):
            if number > 1:
                delays = list(self.retry_delays) or [0.0]
                self.sleep(delays[min(number - 2, len(delays) - 1)])
            attempt = post_signed(
                url,
                body,
                signature,
                timeout=self.timeout,
                wait=self.wait,
                verify_tls=self.verify_tls,
                number=number,
                clock=self.clock,
            )
            attempts.append(attempt)
            self.health.record(name, attempt.ok, attempt.at)
            self._note({"event": "webhook.attempt", **base, **attempt.as_dict()})
            if attempt.ok:
                break
        closed = self.health.closed(name, self.clock())
        delivery = Delivery(url, name, message_type, message_id, len(body), tuple(attempts), None, closed)
        self._note({"event": "webhook.delivery", **delivery.as_dict()})
        return delivery

    def deliver(self, url: str, topic: str, params: Any, *, message_type: str = "UPDATE") -> Delivery:
        """Build the message for ``params``, sign it with the openId, and deliver it; blocks until done."""
        document = message(topic, message_type, params, open_id=self.open_id)
        return self.deliver_body(
            url, encode(document), document["type"], document["messageType"], document["messageId"]
        )

    def deliver_async(self, url: str, topic: str, params: Any, *, message_type: str = "UPDATE") -> threading.Thread:
        """Like ``deliver``, on a daemon thread; the message is built (and checked) before this returns."""
        document = message(topic, message_type, params, open_id=self.open_id)
        body = encode(document)
        worker = threading.Thread(
            target=self.deliver_body,
            args=(url, body, document["type"], document["messageType"], document["messageId"]),
            name=f"cjerr-webhook-{document['type'].lower()}",
            daemon=True,
        )
        with self._lock:
            self._threads = [thread for thread in self._threads if thread.is_alive()]
            self._threads.append(worker)
        worker.start()
        return worker

    def join(self, timeout: float | None = None) -> bool:
        """Wait for deliveries in flight (at most ``timeout`` seconds); True when none is left."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            thread.join(left)
        return not any(thread.is_alive() for thread in threads)


def what_cj_does(attempt: Attempt | None, *, retried: bool = False) -> list[str]:
    """What CJ would do after a delivery that ended with ``attempt``, in plain sentences."""
    if attempt is not None and attempt.ok:
        return ["CJ counts this delivery as a success"]
    lines = [
        "CJ counts this delivery as failed"
        + ("" if retried else f" and retries it (up to {MAX_RETRIES} times; the schedule is not published)"),
        f"a topic is closed when under {SUCCESS_THRESHOLD:.0%} of its deliveries succeed in each of the "
        f"{CLOSING_HOURS} previous full hours; switch it on again with /webhook/set",
    ]
    if attempt is not None and attempt.status is not None and 300 <= attempt.status < 400:
        lines.insert(1, "a redirect is a failure: register the final URL")
    if attempt is not None and attempt.status == 200:
        lines.insert(1, f"answer within {DELIVERY_TIMEOUT:g} s: acknowledge first, do the work in the background")
    return lines


def iter_topics() -> Iterable[Topic]:
    return TOPICS.values()


__all__ = [
    "CLOSING_HOURS",
    "DEFAULT_RETRY_DELAYS",
    "DELIVERY_TIMEOUT",
    "MAX_RETRIES",
    "SIGN_HEADER",
    "SUCCESS_THRESHOLD",
    "TOPICS",
    "TRACKING_STATUS",
    "Attempt",
    "Deliverer",
    "Delivery",
    "ReceivedMessage",
    "Topic",
    "TopicHealth",
    "UrlCheck",
    "UrlFinding",
    "WebhookError",
    "address_problem",
    "check_url",
    "encode",
    "message",
    "post_signed",
    "read_message",
    "registration_error",
    "resolve_host",
    "sample_message",
    "sample_params",
    "sign",
    "signature_hints",
    "topic_named",
    "topics_for_setting",
    "verify",
    "what_cj_does",
]
