"""Id kinds: a value of the wrong kind in a field that wants a pid, a vid, a SKU or an order id.

CJ's ids have recognisable shapes (https://developers.cjdropshipping.com/en/api/api2/api/product.html):
products and variants are named by ids that are UUIDs (``04A22450-67F0-4617-A132-E7AE7F8963B0``) or long
digit strings, and SKUs start with ``CJ`` (a product SKU ``CJNSSYTZ00854``, its variant SKUs with a suffix,
``CJNSSYTZ00854-Black-3XL``). A pid and a vid have the same shape, so only a look-up tells them apart (``probe
--preflight`` does); the shapes do tell an id from a SKU, and they show the wrappers clients build by
accident: ``pid:2505100857261626000:null``, ``cjPid:cjVid`` pairs, the strings "null" and "undefined".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from cj_errors.base import redact
from cj_errors.requests.findings import Finding, Severity
from cj_errors.requests.validate import RequestPlan

PID, VID, SKU, ORDER = "pid", "vid", "SKU", "order id"
# Field names CJ uses for each kind, on every endpoint that takes them.
FIELD_KINDS: dict[str, str] = {
    "pid": PID,
    "productId": PID,
    "productIds": PID,
    "vid": VID,
    "sku": SKU,
    "productSku": SKU,
    "variantSku": SKU,
    "orderId": ORDER,
    "orderIds": ORDER,
    "orderNumber": ORDER,
    "cjOrderId": ORDER,
}
_NOT_FOUND_CODE = {PID: 1602001, VID: 1602000, SKU: 1602000}
_WANTED = {PID: "a pid (product id)", VID: "a vid (variant id)", SKU: "a SKU", ORDER: "an order id or number"}

_UUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
_DIGITS = re.compile(r"\d{15,22}")
_SKU = re.compile(r"CJ[A-Z0-9]{4,}")
_VARIANT_SKU = re.compile(r"CJ[A-Z0-9]{4,}-\S+")
_PLACEHOLDERS = frozenset({"null", "undefined", "none", "nan", "nil"})
_WRAPPER_WORDS = frozenset({"pid", "vid", "sku", "cjpid", "cjvid", "id", "null", "undefined", "none", ""})


def shape(value: str) -> str | None:
    """What a value looks like: "id" (a pid or vid), "product SKU", "variant SKU", or None."""
    if _UUID.fullmatch(value) or _DIGITS.fullmatch(value):
        return "id"
    if _VARIANT_SKU.fullmatch(value):
        return "variant SKU"
    if _SKU.fullmatch(value):
        return "product SKU"
    return None


def _unwrapped(value: str) -> list[str]:
    """The ids inside a ``pid:...:null`` or ``cjPid:cjVid`` wrapper (empty when it is no wrapper)."""
    if ":" not in value:
        return []
    parts = value.split(":")
    inner = [part for part in parts if part.strip().lower() not in _WRAPPER_WORDS]
    return [part for part in inner if shape(part.strip()) is not None]


def judge(kind: str, value: str, where: str) -> Finding | None:
    """A finding when ``value`` is not of the kind the field ``where`` wants, else None."""
    shown = redact.scrub(value)[:80]
    stripped = value.strip()
    if stripped.lower() in _PLACEHOLDERS:
        return Finding(
            Severity.ERROR,
            f"{where}: {shown!r} is a placeholder, not an id; the field wants {_WANTED[kind]} "
            "(a missing value was turned into text)",
            _NOT_FOUND_CODE.get(kind, 1600300),
            field=where,
        )
    inner = _unwrapped(stripped) if kind != ORDER else []  # an order number is the client's own text
    if inner:
        if len(inner) == 1:
            advice = f"send the bare id {inner[0]!r}"
        else:
            advice = f"it joins {len(inner)} ids; send only the {kind} on its own"
        return Finding(
            Severity.ERROR,
            f"{where}: {shown!r} is an id inside a wrapper, not {_WANTED[kind]}; {advice}",
            _NOT_FOUND_CODE.get(kind, 1600300),
            field=where,
        )
    if stripped != value and stripped:
        return Finding(
            Severity.WARNING,
            f"{where}: {shown!r} has spaces around it; CJ matches ids exactly",
            _NOT_FOUND_CODE.get(kind),
            field=where,
        )
    seen = shape(stripped)
    if kind in (PID, VID) and seen in ("product SKU", "variant SKU"):
        other = "variantSku" if seen == "variant SKU" else "productSku"
        return Finding(
            Severity.ERROR,
            f"{where}: {shown!r} looks like a {seen}, the field wants {_WANTED[kind]}; send the SKU as {other} "
            f"(or sku on an order line), or look the {kind} up with /product/variant/query?{other}=...",
            _NOT_FOUND_CODE[kind],
            field=where,
        )
    if kind == SKU and seen == "id":
        return Finding(
            Severity.WARNING,
            f"{where}: {shown!r} looks like a pid or vid, the field wants a SKU (CJ SKUs start with CJ); "
            "send ids as pid / vid",
            _NOT_FOUND_CODE[kind],
            field=where,
        )
    return None


def _values(name: str, value: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """(kind, value, where) for every id-kind field in a JSON value, in lists and objects too."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _values(str(key), item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:200]):
            yield from _values(name, item, f"{where}[{index}]")
    elif isinstance(value, str) and name in FIELD_KINDS:
        yield FIELD_KINDS[name], value, where


def findings(plan: RequestPlan) -> list[Finding]:
    """Id-kind findings for a planned request: its query parameters and its JSON body."""
    if plan.endpoint is None:
        return []
    found: list[Finding] = []
    for key, value in plan.query:
        if key in FIELD_KINDS:
            finding = judge(FIELD_KINDS[key], value, key)
            if finding is not None:
                found.append(finding)
    if plan.body is not None:
        try:
            body = json.loads(plan.body)
        except (ValueError, RecursionError):
            body = None
        for kind, value, where in _values("", body, ""):
            finding = judge(kind, value, where)
            if finding is not None:
                found.append(finding)
    return found
