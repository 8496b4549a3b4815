"""A success envelope whose ``data`` says the order is held or only partly went through.

CJ answers createOrderV2/V3, addCart and addCartConfirm with ``code`` 200 even
when it intercepted the order; the details are inside ``data``
(https://developers.cjdropshipping.com/en/api/api2/api/shopping.html):

* ``interceptOrderReasons``: why createOrderV2/V3 held the order, each with an
  inner ``code`` (1001 in CJ's example) and a message;
* ``interceptOrders``: the orders addCart / addCartConfirm did not take;
* ``logisticsMiss: true``: no shipping method could be matched;
* ``submitSuccess: false``: addCartConfirm did not submit the orders.

Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from cj_errors.base import limits, redact
from cj_errors.table import codes

_TEXT_KEYS = ("message", "msg", "reason", "interceptReason", "desc", "description", "errorMsg")
_CODE_KEYS = ("code", "msgCode", "reasonCode", "errorCode")
_ORDER_KEYS = ("orderId", "cjOrderId", "orderCode", "orderNumber", "id")


class HeldReason(NamedTuple):
    """One reason CJ gives: where it was found, its inner code (if any) and its text."""

    field: str
    code: int | str | None
    text: str

    @property
    def title(self) -> str | None:
        """The code table's title for the inner code, when the table has it."""
        try:
            code = codes.code_of(self.code)
        except TypeError:
            return None
        entry = codes.get(code)
        return entry.title if entry is not None else None

    def describe(self) -> str:
        parts = [self.field]
        if self.code is not None:
            title = self.title
            parts.append(f"code {self.code}" + (f" ({title})" if title else ""))
        if self.text:
            parts.append(self.text)
        return ": ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {"field": self.field, "code": self.code, "title": self.title, "message": self.text or None}


def _clean(value: object) -> str:
    from cj_errors.base.escaping import escaped

    text = value if isinstance(value, str) else ""
    return escaped(redact.scrubbed_head(" ".join(text.split()), limits.HELD_TEXT_CHARS))


def _code(item: Mapping[str, object]) -> int | str | None:
    for key in _CODE_KEYS:
        value = item.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip():
            return _clean(value.strip())
    return None


def _text(item: Mapping[str, object]) -> str:
    for key in _TEXT_KEYS:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return _clean(value)
    return ""


def _items(name: str, value: object) -> list[HeldReason]:
    reasons: list[HeldReason] = []
    if not isinstance(value, list):
        return reasons
    for index, item in enumerate(value[: limits.HELD_REASONS]):
        where = f"{name}[{index}]"
        if isinstance(item, Mapping):
            text = _text(item)
            order = next((item[key] for key in _ORDER_KEYS if isinstance(item.get(key), str | int)), None)
            if order is not None and not isinstance(order, bool):
                text = f"order {_clean(str(order))}" + (f": {text}" if text else "")
            reasons.append(HeldReason(where, _code(item), text))
        elif isinstance(item, str | int) and not isinstance(item, bool):
            reasons.append(HeldReason(where, None, _clean(str(item))))
        elif item is not None:
            reasons.append(HeldReason(where, None, ""))
    return reasons


def held_reasons(document: object) -> tuple[HeldReason, ...]:
    """Every hold or partial failure ``data`` reports (empty when the order went through)."""
    if not isinstance(document, Mapping):
        return ()
    data = document.get("data")
    if not isinstance(data, Mapping):
        return ()
    reasons = _items("interceptOrderReasons", data.get("interceptOrderReasons"))
    reasons += _items("interceptOrders", data.get("interceptOrders"))
    if data.get("logisticsMiss") is True:
        reasons.append(HeldReason("logisticsMiss", None, "CJ matched no shipping method for the order"))
    if data.get("submitSuccess") is False:
        reasons.append(HeldReason("submitSuccess", None, "false: the orders were not submitted"))
    return tuple(reasons)


def verdict(reasons: tuple[HeldReason, ...]) -> str:
    fields = sorted({reason.field.split("[")[0] for reason in reasons})
    return f"CJ accepted the call but the order is held or partly failed ({', '.join(fields)})"


ADVICE = (
    "do not resend the same request: fix what the reasons name, then check the order with "
    "GET /shopping/order/getOrderDetail before moving it on"
)
