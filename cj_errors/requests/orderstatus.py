"""The core of `cjerr order`: read one order from CJ and say where it is in CJ's lifecycle.

The order comes from GET /shopping/order/getOrderDetail, which takes your orderNumber or CJ's order id and
costs no points; its tracking status from GET /logistic/trackInfo (no points either). Status names and the
order flow are from CJ's shopping page (https://developers.cjdropshipping.com/en/api/api2/api/shopping.html);
the numeric tracking statuses from the LOGISTIC webhook (https://developers.cjdropshipping.com/en/api/api2/api/webhook.html).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cj_errors.base import limits, redact
from cj_errors.base.errors import CliError
from cj_errors.base.escaping import escaped
from cj_errors.base.exits import ExitStatus
from cj_errors.requests.reader import Reader, refuse
from cj_errors.table import held

DETAIL_PATH = "/shopping/order/getOrderDetail"
TRACK_PATH = "/logistic/trackInfo"
# The fields CJ's endpoints put the tracking number in, in the order they are read.
TRACK_FIELDS = ("trackNumber", "trackingNumber", "logisticTrackNumber", "trackNo")
UNPAID = ("CREATED", "IN_CART", "UNPAID")
PAID = ("UNSHIPPED", "SHIPPED", "DELIVERED")

# status -> (what it means, the next step)
STATUSES: dict[str, tuple[str, str]] = {
    "CREATED": (
        "created in CJ but not paid; CJ does nothing with an order until it is paid",
        "pay it: from the balance (POST /shopping/pay/payBalance with the orderId) or through the cjPayUrl "
        "createOrderV2 returned; or confirm it first (PATCH /shopping/order/confirmOrder)",
    ),
    "IN_CART": (
        "in the cart (addCart), not yet confirmed or paid",
        "confirm the cart (POST /shopping/order/addCartConfirm), then pay the parent order",
    ),
    "UNPAID": (
        "confirmed and waiting for payment",
        "pay it from the balance (POST /shopping/pay/payBalance) or through CJ's payment page",
    ),
    "UNSHIPPED": (
        "paid; CJ is buying, checking and packing the goods, and it has not left the warehouse",
        "wait: the tracking number comes when CJ ships (an ORDER or LOGISTIC webhook says so; poll with "
        "cjerr order REF --watch)",
    ),
    "SHIPPED": (
        "shipped: handed to the carrier",
        "follow the parcel with the tracking number (GET /logistic/trackInfo) and give it to your customer",
    ),
    "DELIVERED": ("delivered to the customer", "nothing more to do; open a dispute if the customer reports a problem"),
    "CANCELLED": (
        "cancelled (deleted, or closed unpaid); CJ will not ship it",
        "create a new order, with a new orderNumber, if the customer still wants the goods",
    ),
}

TRACKING_STATUSES = {
    0: "no tracking information yet",
    1: "left the CJ warehouse",
    2: "received by the forwarder",
    3: "returned by the forwarder",
    4: "left the forwarder",
    5: "on its first leg",
    6: "arrived in the destination country",
    7: "in customs",
    8: "cleared customs",
    9: "picked up by the last-mile carrier",
    10: "out for delivery",
    11: "waiting for pickup",
    12: "signed for",
    13: "delivery failed or abnormal",
    14: "returned",
}


@dataclass(frozen=True)
class OrderReport:
    ref: str
    found: bool
    exit_status: ExitStatus
    order_id: str | None = None
    order_number: str | None = None
    status: str | None = None
    meaning: str = ""
    next_step: str = ""
    held: tuple[str, ...] = ()
    payment: str = ""
    logistic_name: str | None = None
    track_number: str | None = None
    track_field: str | None = None
    tracking_status: str | None = None
    no_tracking_reason: str | None = None
    sandbox: bool = False
    message: str = ""
    changed_from: str | None = None  # --watch: the status it moved from
    polls: int = 1


def _text(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return escaped(redact.scrubbed_head(text, limits.HELD_TEXT_CHARS)) if text else None
    return None


def track_number(order: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(tracking number, the field it came in) from whichever field the endpoint uses."""
    for name in TRACK_FIELDS:
        value = _text(order.get(name))
        if value:
            return value, name
    return None, None


def _tracking_status(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) or isinstance(value, str) and value.isdigit():
        number = int(value)
        words = TRACKING_STATUSES.get(number)
        return f"{number} ({words})" if words else str(number)
    return _text(value)


def _payment(order: Mapping[str, Any], status: str | None, sandbox: bool) -> str:
    amount = _text(order.get("orderAmount"))
    paid_at = _text(order.get("paymentDate"))
    total = f" (order amount {amount} USD)" if amount else ""
    if status in UNPAID:
        return "not paid" + total
    if status == "CANCELLED" and not paid_at:
        return "not paid" + total
    if sandbox:
        return "sandbox: simulated, nothing was charged" + total
    if status in PAID or paid_at:
        return ("paid" + (f" on {paid_at}" if paid_at else "")) + total
    # A status cjerr does not know (or none) says nothing of payment: never claim "paid" without a sign of it.
    return "unknown: neither the status nor a paymentDate says" + total


def _no_tracking_reason(status: str | None, sandbox: bool) -> str:
    if status in UNPAID:
        return "the order is not paid: CJ ships, and gives a tracking number, only after payment"
    if status == "UNSHIPPED":
        reason = "paid but not shipped yet: the number comes when the parcel leaves the warehouse"
        if sandbox:
            reason += "; a sandbox order never ships: set a number with POST /shopping/sandbox/updateTrackNumber"
        return reason
    if status == "CANCELLED":
        return "the order is cancelled"
    if sandbox:
        return "a sandbox order never ships: set a number with POST /shopping/sandbox/updateTrackNumber"
    return "CJ has not given one yet"


def _held(order: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(reason.describe() for reason in held.held_reasons({"data": order}))


def describe(ref: str, order: Mapping[str, Any], tracking: Mapping[str, Any] | None) -> OrderReport:
    """The report for an order CJ knows (and the trackInfo row for its tracking number, if any)."""
    status = (_text(order.get("orderStatus")) or "").upper() or None
    sandbox = str(order.get("isSandbox", "")).strip() in ("1", "True", "true")
    meaning, step = STATUSES.get(status or "", ("a status cjerr does not know", "check the order in CJ's dashboard"))
    number, field = track_number(order)
    reasons = _held(order)
    if reasons:
        step = "fix what CJ held the order for (below), then pay or resubmit it; " + step
    if sandbox and status in UNPAID:
        step = "a sandbox order: simulate the payment with POST /shopping/sandbox/simulatePay (nothing is charged)"
    elif sandbox and status in ("UNSHIPPED", "SHIPPED"):
        step += "; a sandbox order moves on with POST /shopping/sandbox/updateStatus"
    tracking_status = None
    if tracking is not None:
        tracking_status = _tracking_status(tracking.get("trackingStatus"))
    return OrderReport(
        ref=ref,
        found=True,
        exit_status=ExitStatus.SUCCESS,
        order_id=_text(order.get("orderId")),
        order_number=_text(order.get("orderNum")) or _text(order.get("orderNumber")),
        status=status,
        meaning=meaning,
        next_step=step,
        held=reasons,
        payment=_payment(order, status, sandbox),
        logistic_name=_text(order.get("logisticName")),
        track_number=number,
        track_field=field,
        tracking_status=tracking_status,
        no_tracking_reason=None if number else _no_tracking_reason(status, sandbox),
        sandbox=sandbox,
    )


def _not_found(ref: str) -> OrderReport:
    return OrderReport(
        ref=ref,
        found=False,
        exit_status=ExitStatus.API_ERROR,
        message=f"CJ does not know an order {ref!r} (getOrderDetail: order not found); check the orderNumber or "
        "CJ order id, and that the token belongs to the account that created it",
    )


def read_order(reader: Reader, ref: str) -> OrderReport:
    """One look at the order ``ref`` (an orderNumber, orderId or CJ order id)."""
    ref = ref.strip()
    if not ref or len(ref) > 200 or any(ord(char) < 32 for char in ref):
        raise CliError(
            "give the order's orderNumber, orderId or CJ order id (at most 200 characters)", ExitStatus.USAGE
        )
    answer = reader.get(DETAIL_PATH, [("orderId", ref)])
    if not answer.ok:
        message = answer.message.lower()
        if answer.explanation.code == 1600300 and "not found" in message or answer.explanation.code == 1603100:
            return _not_found(ref)
        raise refuse(answer)
    order = answer.data
    if isinstance(order, list):
        order = order[0] if order and isinstance(order[0], dict) else None
    if not isinstance(order, dict) or not order:
        return _not_found(ref)
    number, _field = track_number(order)
    tracking: Mapping[str, Any] | None = None
    if number:
        track = reader.get(TRACK_PATH, [("trackNumber", number)])
        rows = track.data if track.ok else None
        if isinstance(rows, list) and rows and isinstance(rows[0], dict):
            tracking = rows[0]
    return describe(ref, order, tracking)


def watch(
    reader: Reader,
    ref: str,
    interval: float,
    max_wait: float | None,
    clock: Callable[[], float] = time.monotonic,
    on_poll: Callable[[OrderReport], None] | None = None,
) -> OrderReport:
    """Poll every ``interval`` seconds until the status (or tracking number) changes; ``max_wait`` bounds it."""
    import dataclasses

    first = read_order(reader, ref)
    if not first.found:
        return first
    if on_poll is not None:
        on_poll(first)
    started = clock()
    polls = 1
    while True:
        if max_wait is not None and clock() - started + interval > max_wait:
            return dataclasses.replace(
                first,
                exit_status=ExitStatus.TEMPORARY,
                polls=polls,
                message=f"no change in {max_wait:g} s ({polls} looks); the order is still "
                f"{first.status or 'without a status'}",
            )
        reader.sleep(interval)
        current = read_order(reader, ref)
        polls += 1
        if not current.found:
            return dataclasses.replace(current, polls=polls)
        if (current.status, current.track_number) != (first.status, first.track_number):
            return dataclasses.replace(current, changed_from=first.status, polls=polls)
