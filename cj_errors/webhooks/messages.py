"""CJ's webhook topics and their messages: realistic samples with CJ's field names, and reading a delivery."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cj_errors.webhooks.signing import verify


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


def _sample_order(message_type: str, stamp: str) -> Any:
    status = {"INSERT": "CREATED", "DELETE": "CANCELLED", "ORDER_CONNNECTED": "UNSHIPPED"}.get(message_type, "SHIPPED")
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


def _sample_product(message_type: str, stamp: str) -> Any:
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


def _sample_variant(message_type: str, stamp: str) -> Any:
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


def _sample_stock(message_type: str, stamp: str) -> Any:
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


def _sample_logistic(message_type: str, stamp: str) -> Any:
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


def _sample_ordersplit(message_type: str, stamp: str) -> Any:
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


def _sample_sourcingcreate(message_type: str, stamp: str) -> Any:
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


def _sample_makeup(message_type: str, stamp: str) -> Any:
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


def _sample_private_order(message_type: str, stamp: str) -> Any:
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


_SAMPLE_BUILDERS: dict[str, Callable[[str, str], Any]] = {
    "PRIVATE_ORDER": _sample_private_order,
    "ORDER": _sample_order,
    "PRODUCT": _sample_product,
    "VARIANT": _sample_variant,
    "STOCK": _sample_stock,
    "LOGISTIC": _sample_logistic,
    "ORDERSPLIT": _sample_ordersplit,
    "SOURCINGCREATE": _sample_sourcingcreate,
    "MAKEUP": _sample_makeup,
}


def sample_params(topic: str, message_type: str = "UPDATE", *, now: datetime.datetime | None = None) -> Any:
    """Realistic ``params`` for a topic, with the field names and value shapes of CJ's examples."""
    return _SAMPLE_BUILDERS[topic_named(topic).name](message_type, _now_text(now))


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


def topics_for_setting(setting: str) -> tuple[str, ...]:
    """The topics a ``/webhook/set`` object switches (``product`` -> PRODUCT and VARIANT, ``order`` -> ORDER, ...)."""
    return tuple(topic.name for topic in TOPICS.values() if topic.setting == setting)


def iter_topics() -> Iterable[Topic]:
    return TOPICS.values()
