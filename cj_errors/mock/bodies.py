"""What the mock sends: requests and responses, CJ's envelopes, wordings, and the bodies of the endpoints
that keep no state (settings, categories, comments, sourcing, disputes, tracking...)."""

from __future__ import annotations

import datetime
import json
import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cj_errors.mock.config import MockConfig
from cj_errors.mock.rules import Rule
from cj_errors.table import cjwording, codes
from cj_errors.table.catalog import Endpoint, FieldSpec

JSON_TYPE = "application/json;charset=UTF-8"
HTML_TYPE = "text/html;charset=utf-8"
_JSON = JSON_TYPE
CATEGORY_ID = "87CF251F-8D11-4DE0-A154-9694D9858EB3"
_CATEGORY_ID = CATEGORY_ID


class CjError(Exception):
    """An answer in CJ's error envelope (HTTP 200 unless ``status`` says otherwise)."""

    def __init__(self, code: int, message: str, status: int = 200) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message
        self.status = status


# --- requests and responses -----------------------------------------------------------------


@dataclass(frozen=True)
class MockRequest:
    method: str
    target: str  # path and query string as sent
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    client: str

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class MockResponse:
    status: int = 200
    body: bytes = b""
    content_type: str | None = _JSON
    code: int | None = None  # the CJ code in the body, for the log
    fault: Rule | None = None
    fault_label: str = ""  # the fault that answered (a rule with a sequence has several)
    drop: bool = False  # send half the body, then close the connection
    delay: float = 0.0
    token: str = ""  # the token the request carried, masked in the log


# uuid4's version (4) and variant (10xx) bits, set on 128 random bits as uuid.UUID(version=4) sets them.
_UUID4_KEEP = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def request_id() -> str:
    """``uuid.uuid4().hex`` without building a UUID object (one per answer)."""
    return f"{int.from_bytes(os.urandom(16), 'big') & _UUID4_KEEP | _UUID4_SET:032x}"


def json_response(document: Mapping[str, Any], code: int | None, status: int = 200) -> MockResponse:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return MockResponse(status=status, body=body, code=code)


def error_body(code: int, message: str) -> dict[str, Any]:
    """CJ's error envelope: HTTP 200, result false, data null, a fresh requestId."""
    if code == 1600101:
        # The body logged from the live API carries no requestId.
        return {"code": 1600101, "message": "Interface not found", "result": False, "data": None}
    return {"code": code, "result": False, "message": message, "data": None, "requestId": request_id()}


def qps_message(qps: int, seconds: int = 1) -> str:
    # The body integrators capture from the live API; written by the module that also reads it.
    return cjwording.qps_message(max(qps, 1), seconds)


def points_message(used: int, remaining: int, required: int) -> str:
    return cjwording.points_message(used, remaining, required)


def code_message(code: int, fill: Sequence[str] = ()) -> str:
    """The wording the mock uses for ``code``: its first ``current`` message, else its first, else its title.

    Each ``{param}`` takes the next value of ``fill`` ("" when none is left).
    """
    entry = codes.get(code)
    if entry is None:
        return "Error"
    current = [message for message in entry.messages if message.source == "current"]
    chosen = current[0] if current else (entry.messages[0] if entry.messages else None)
    if chosen is None:
        return entry.title
    pieces = chosen.text.split("{param}")
    values = list(fill)
    text = pieces[0]
    for index, piece in enumerate(pieces[1:]):
        text += (values[index] if index < len(values) else "") + piece
    return text


# --- success bodies -------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """What a data builder may echo back: the query string and the JSON body."""

    endpoint: Endpoint
    query: Mapping[str, list[str]]
    body: Mapping[str, Any]
    config: MockConfig

    def get(self, name: str, default: str) -> str:
        values = self.query.get(name)
        if values and values[0]:
            return values[0]
        value = self.body.get(name)
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
            return str(value)
        return default

    def all(self, name: str) -> list[str]:
        values = [value for value in self.query.get(name, []) if value]
        body_value = self.body.get(name)
        if isinstance(body_value, list):
            values.extend(str(value) for value in body_value)
        return values


def now_utc(fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime(fmt)


def v1_page(items: list[Any], call: Call, size: int = 20) -> dict[str, Any]:
    page = call.get("pageNum", "1")
    page_size = call.get("pageSize", str(size))
    return {
        "pageNum": int(page) if page.isdecimal() else 1,
        "pageSize": int(page_size) if page_size.isdecimal() else size,
        "total": len(items),
        "list": items,
    }


def v2_page(items: list[Any], call: Call) -> dict[str, Any]:
    return {"pageSize": 20, "pageNumber": 1, "totalRecords": len(items), "totalPages": 1, "content": items}


def _comments(call: Call) -> dict[str, Any]:
    comment = {
        "commentId": 1600000000000000001,  # a number, as in the page's example
        "pid": call.get("pid", ""),
        "comment": "Holds every cable on my desk.",
        "commentDate": now_utc("%Y-%m-%dT%H:%M:%S.000+00:00"),
        "commentUser": "K***a",
        "score": "5",
        "commentUrls": ["https://cf.cjdropshipping.com/quick/comment/1600000000000000001.jpg"],
        "countryCode": "US",
    }
    # pageNum and friends are strings on this endpoint in CJ's example.
    return {
        "pageNum": call.get("pageNum", "1"),
        "pageSize": call.get("pageSize", "20"),
        "total": "1",
        "list": [comment],
    }


def _source_ids(call: Call) -> list[str]:
    return call.all("sourceIds") or ["1600000000000000002"]


def _sourcing(source: str) -> dict[str, Any]:
    """A sourcing request still being searched: the page's fields, nothing found yet (null ids)."""
    return {
        "sourceId": source,
        "sourceNumber": source,
        "productId": None,
        "variantId": None,
        "shopId": None,
        "shopName": None,
        "sourceStatus": "2",
        "sourceStatusStr": "Processing",
        "cjProductId": None,
        "cjVariantSku": None,
    }


def category_tree() -> list[dict[str, Any]]:
    """getCategory's three levels (the same every time)."""
    return [
        {
            "categoryFirstId": "5E656DFB-9BAE-44DD-A755-40AFA2E0E686",
            "categoryFirstName": "Home, Garden & Furniture",
            "categoryFirstList": [
                {
                    "categorySecondId": "6A5D2EB4-13BD-462E-A627-78CFED11B2A2",
                    "categorySecondName": "Home Storage",
                    "categorySecondList": [{"categoryId": _CATEGORY_ID, "categoryName": "Home Office Storage"}],
                }
            ],
        }
    ]


_Builder = Callable[[Call], Any]

_BUILDERS: dict[str, _Builder] = {
    "/setting/get": lambda call: {
        "openId": 1234567,
        "openName": "mock",
        "openEmail": "mock@example.com",
        "setting": {
            "quotaLimits": [{"quotaUrl": "/api2.0/v1/product/listV2", "quotaLimit": 1000, "quotaType": 4}],
            "qpsLimit": call.config.qps,
        },
        "callback": {"product": {"type": "CANCEL", "urls": []}, "order": {"type": "CANCEL", "urls": []}},
        "root": "GENERAL",
        "isSandbox": False,
    },
    "/product/comments": _comments,
    "/product/productComments": _comments,
    "/product/sourcing/create": lambda call: {"cjSourcingId": "1600000000000000002", "result": "success"},
    "/product/sourcing/query": lambda call: [_sourcing(source) for source in _source_ids(call)],
    "/product/sourcing/queryList": lambda call: [_sourcing(source) for source in _source_ids(call)],
    "/logistic/getSupplierLogisticsTemplate": lambda call: [],
    "/shop/getShops": lambda call: [{"shopId": "1001", "shopName": "mock-store", "platform": "shopify"}],
    "/product/stock/privateInventory/querySpuPage": lambda call: v2_page([], call),
    "/product/stock/privateInventory/querySkuDetailPage": lambda call: v2_page([], call),
    "/webhook/product/subscribe/list": lambda call: v2_page([], call),
    "/ticket/pendingCount": lambda call: 0,
}

_CODE0_PATHS = frozenset({"/product/globalWarehouseList", "/shop/getShops"})
_WAYBILL_PATHS = frozenset({"/shopping/order/uploadWaybillInfo", "/shopping/order/updateWaybillInfo"})
_COMMENT_PATHS = frozenset({"/product/comments", "/product/productComments"})
_CART_PATHS = frozenset({"/shopping/order/addCart", "/shopping/order/addCartConfirm"})
_DISPUTE_PATHS = frozenset({"/disputes/create", "/disputes/cancel", "/disputes/getDisputeList"})


# Builders whose answer is the same for every call (no field of the call, no clock, no random value).
_CONSTANT_BUILDERS = frozenset(
    {
        "/product/sourcing/create",
        "/logistic/getSupplierLogisticsTemplate",
        "/shop/getShops",
        "/product/stock/privateInventory/querySpuPage",
        "/product/stock/privateInventory/querySkuDetailPage",
        "/webhook/product/subscribe/list",
        "/ticket/pendingCount",
    }
)


def data_key(call: Call) -> tuple[str, ...] | None:
    """Everything of ``call`` that ``success_data(call)`` depends on, or None when it depends on more (the clock,
    the call's ids). Equal keys give equal answers, so the answer can be serialised once per key."""
    path = call.endpoint.path
    if path in _BUILDERS:
        return () if path in _CONSTANT_BUILDERS else None
    if call.endpoint.mutating:
        return ()
    return (call.get("pageNum", "1"), call.get("pageSize", "20"))  # v1_page's two echoed fields


def success_data(call: Call) -> Any:
    builder = _BUILDERS.get(call.endpoint.path)
    if builder is not None:
        return builder(call)
    if call.endpoint.mutating:
        return True
    return v1_page([], call)


def success_body(endpoint: Endpoint, data: Any) -> dict[str, Any]:
    """The success envelope in the variant CJ uses for this endpoint (its page's "Return" table and examples)."""
    path = endpoint.path
    if path in _CODE0_PATHS:
        return {"success": True, "code": 0, "message": "Success", "data": data, "requestId": request_id()}
    if path in _COMMENT_PATHS or endpoint.group == "Sourcing":
        # The deprecated product/comments documents the same {success, code: 0, message: null} envelope.
        return {"success": True, "code": 0, "message": None, "data": data, "requestId": request_id()}
    if path in _CART_PATHS:
        return {"success": True, "code": 200, "message": "Congratulation! Well done!", "data": data}
    if path == "/shopping/order/saveGenerateParentOrder":
        return {"success": True, "message": "Success", "data": data}
    if path == "/product/stock/getInventoryByPid":
        return {"success": True, "code": 200, "message": "", "data": data, "requestId": request_id()}
    if path in _WAYBILL_PATHS:
        # The waybill pages' success example carries no code.
        return {"success": True, "message": "", "result": True, "data": data, "requestId": request_id()}
    if path in _DISPUTE_PATHS:
        return {"code": 200, "result": True, "message": "Success", "data": data, "redirectUri": str(uuid.uuid4())}
    return {"code": 200, "result": True, "message": "Success", "data": data, "requestId": request_id()}


def success_body_code(endpoint: Endpoint) -> int | None:
    if endpoint.path in _CODE0_PATHS or endpoint.path in _COMMENT_PATHS or endpoint.group == "Sourcing":
        return 0
    if endpoint.path == "/shopping/order/saveGenerateParentOrder" or endpoint.path in _WAYBILL_PATHS:
        return None
    return 200


def is_empty(value: object) -> bool:
    """CJ's "can not be empty": absent, null, "", {}, [] (a repeated query key counts when any value is set)."""
    if isinstance(value, list):
        return all(item is None or item == "" for item in value)
    return value is None or (isinstance(value, str | dict) and len(value) == 0)


def missing_fields(
    specs: Sequence[FieldSpec], one_of: Iterable[Sequence[str]], given: Mapping[str, Any], prefix: str = ""
) -> str | None:
    """The name of the first required field that is missing or empty, or None."""
    for spec in specs:
        value = given.get(spec.name)
        if spec.required and is_empty(value):
            return prefix + spec.name
        if spec.items and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    found = missing_fields(spec.items, (), item, f"{prefix}{spec.name}[{index}].")
                    if found:
                        return found
        elif spec.items and isinstance(value, dict):
            found = missing_fields(spec.items, (), value, f"{prefix}{spec.name}.")
            if found:
                return found
    for group in one_of:
        if all(is_empty(given.get(name)) for name in group):
            return prefix + group[0]
    return None


def error_page(status: int) -> bytes:
    reasons = {
        500: "Internal Server Error",
        502: "Bad Gateway",
        503: "Service Temporarily Unavailable",
        504: "Gateway Time-out",
    }
    title = f"{status} {reasons.get(status, 'Error')}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    ).encode("ascii")


LOGIN_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>CJdropshipping</title></head>\n'
    b'<body><div id="app">Loading...</div><script src="/static/js/app.js"></script></body></html>\n'
)
