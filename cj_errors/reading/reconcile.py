"""Unknown outcomes: a call that changes data got no answer, so it may or may not have worked.

Repeating such a call blindly can create a second order or pay twice. What to
do instead depends on the call: an order-creating call can be checked by the
``orderNumber`` the caller chose, since CJ's getOrderDetail takes "the custom
order id or the CJ order id" as ``orderId``
(https://developers.cjdropshipping.com/en/api/api2/api/shopping.html); for a
pay or confirm call, the order's status says whether it took effect.

Which answers leave the outcome unknown is decided here, once, for probe, the
Python API and explain: for a call that changes data, any answer that is not a
readable CJ envelope (an empty body, an HTML page, a proxy's 403/404/502 page, a
redirect, truncated or non-CJ JSON), and any HTTP 5xx, may have come after the
call took effect: a proxy or load balancer can forward a create and still
answer the app with its own page. So may CJ's own 1600000 (system busy) and
1600301 (read timed out on CJ's side).

``probe --reconcile`` makes that one read call itself, the way an idempotency
key makes a retry safe elsewhere (Stripe: https://docs.stripe.com/api/idempotent_requests):
it waits until at least ``PACE_SECONDS`` have passed since the previous call
(CJ counts 1 request per second per account), sends one GET, and reports whether
the order exists. The advice for an unknown outcome names a command that only
reads (``cjerr probe '/shopping/order/getOrderDetail?orderId=...'``), never one
that would send the call again.
"""

from __future__ import annotations

import json
import shlex
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, NamedTuple

from cj_errors.base.exits import ExitStatus

if TYPE_CHECKING:
    from cj_errors.reading.explanation import Explanation

PACE_SECONDS = 1.1
DETAIL_PATH = "/shopping/order/getOrderDetail"
ORDER_CREATING = frozenset(
    {"/shopping/order/createOrderV2", "/shopping/order/createOrderV3", "/shopping/order/createOrder"}
)
_STATUS_CALLS = frozenset(
    {
        "/shopping/order/addCart",
        "/shopping/order/addCartConfirm",
        "/shopping/order/confirmOrder",
        "/shopping/order/saveGenerateParentOrder",
        "/shopping/order/deleteOrder",
        "/shopping/pay/payBalance",
        "/shopping/pay/payBalanceV2",
    }
)
_NOT_FOUND_CODES = frozenset({1600300, 1603100})
# CJ's servers were busy or timed out while handling the call: CJ's entries for both say to check whether a
# write went through before resending it, so they leave a call that changes data unknown.
CJ_SIDE_TROUBLE = frozenset({1600000, 1600301})
_MAX_ORDER_NUMBER = 200


REFRESH_PATH = "/authentication/refreshAccessToken"


def leaves_outcome_unknown(explanation: Explanation) -> bool:
    """For a call that changes data: True when this answer does not say whether it took effect.

    No readable CJ envelope (whatever the HTTP status: a proxy's page, an empty body, a redirect, a bare
    429 or 403 without CJ's body, truncated or non-CJ JSON, a `code` that is no CJ code), any HTTP 5xx, or
    CJ's own "System busy" or "Read timed out" (``CJ_SIDE_TROUBLE``).
    """
    if explanation.envelope is None or (explanation.http_status or 0) >= 500:
        return True
    if explanation.exit_status is ExitStatus.NOT_ENVELOPE:  # an envelope, but its `code` is none of CJ's (1.5, "abc")
        return True
    # Only as the temporary fault: a wording that gives 1600000 another meaning has its own outcome.
    return explanation.code in CJ_SIDE_TROUBLE and explanation.exit_status is ExitStatus.TEMPORARY


def unknown_outcome(
    explanation: Explanation, path: str, order_key: str | None = None, *, command: str | None = None
) -> Explanation:
    """``explanation`` of an unanswered call that changes data, as what it is: outcome unknown (exit 80)."""
    import dataclasses

    from cj_errors.table.model import Outcome

    step = next_step(path, order_key, command=command)
    return dataclasses.replace(
        explanation,
        ok=False,
        verdict=f"outcome unknown: {explanation.verdict}",
        exit_status=ExitStatus.OUTCOME_UNKNOWN,
        outcome=Outcome.UNKNOWN,
        retry=f"do not repeat it blindly: {step}",
        wait_seconds=None,
        max_attempts=None,
    )


def check_target(path: str, order_key: str | None) -> str | None:
    """The read call (path and query, under the API base) that shows whether a call to ``path`` took effect.

    ``order_key`` is the request's orderNumber for an order-creating call, its orderId for a pay, confirm or
    delete call. None when no such read call can be named.
    """
    if order_key and (path in ORDER_CREATING or path in _STATUS_CALLS):
        return DETAIL_PATH + "?" + urllib.parse.urlencode({"orderId": order_key})
    return None


def check_command(target: str, base_url: str | None = None, token_file: str | None = None) -> str:
    """``cjerr probe 'TARGET'`` (a GET that only reads), with the base URL and token file the call used."""
    parts = ["cjerr", "probe", shlex.quote(target)]
    if base_url:
        parts += ["--base-url", shlex.quote(base_url)]
    if token_file and token_file != "-":
        parts += ["--token-file", shlex.quote(token_file)]
    return " ".join(parts)


def next_step(path: str, order_key: str | None, *, command: str | None = None) -> str:
    """What to do before repeating an unanswered call to ``path``; ``command`` is a check that only reads."""
    if path in ORDER_CREATING:
        if command is None:
            target = check_target(path, order_key) or f"{DETAIL_PATH}?orderId=<your orderNumber>"
            command = f"GET {target}"
        return (
            f"the order may exist: before creating it again, look it up by its orderNumber ({command}; "
            "it only reads) or find it in the order list"
        )
    if path in _STATUS_CALLS:
        if command is None:
            command = f"GET {check_target(path, order_key) or DETAIL_PATH + '?orderId=...'}"
        return f"it may have taken effect: read the order's status ({command}; it only reads) before repeating it"
    if path == REFRESH_PATH:
        return (
            "the refresh may have replaced the token pair: try the current access token on a read call first; "
            "if CJ refuses it (1600001), get a new pair with getAccessToken (cjerr auth login) rather than "
            "refreshing again with a refresh token that may be retired"
        )
    return "it may have taken effect: check whether it did before repeating it"


def order_key(path: str, body: bytes | None, query: str = "") -> str | None:
    """What the check looks the order up by: the orderNumber of a create call, the orderId of a status call."""
    if path in ORDER_CREATING:
        return order_number(body)
    if path in _STATUS_CALLS:
        found = _body_field(body, "orderId")
        if found is None:
            values = urllib.parse.parse_qs(query).get("orderId", [])
            found = values[0].strip() if values and 0 < len(values[0].strip()) <= _MAX_ORDER_NUMBER else None
        return found
    return None


def order_number(body: bytes | None) -> str | None:
    """The ``orderNumber`` of a JSON request body, or None."""
    return _body_field(body, "orderNumber")


def _body_field(body: bytes | None, name: str) -> str | None:
    if not body:
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    value = document.get(name) if isinstance(document, Mapping) else None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip() and len(value) <= _MAX_ORDER_NUMBER:
        return value.strip()
    return None


class Reconciliation(NamedTuple):
    """The one read call made after an unknown outcome, and what it showed."""

    order_number: str
    url: str
    found: bool | None  # None: the check itself failed, so the outcome stays unknown
    summary: str
    waited: float = 0.0
    http_status: int | None = None
    code: int | None = None
    order_id: str | None = None
    order_status: str | None = None

    @property
    def exit_status(self) -> ExitStatus:
        if self.found is True:
            return ExitStatus.SUCCESS
        if self.found is False:
            return ExitStatus.TEMPORARY
        return ExitStatus.OUTCOME_UNKNOWN

    def as_dict(self) -> dict[str, object]:
        return {
            "order_number": self.order_number,
            "url": self.url,
            "found": self.found,
            "summary": self.summary,
            "waited_s": round(self.waited, 3),
            "http_status": self.http_status,
            "code": self.code,
            "order_id": self.order_id,
            "order_status": self.order_status,
        }


def detail_url(url: str, path: str, number: str) -> str | None:
    """The getOrderDetail URL on the same base as ``url`` (the URL of the call to ``path``)."""
    base = url.split("?", 1)[0]
    if not base.endswith(path):
        return None
    return base[: -len(path)] + DETAIL_PATH + "?" + urllib.parse.urlencode({"orderId": number})


def _text(value: object) -> str | None:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)[:200]
    return None


def judge(number: str, url: str, explanation: Explanation, waited: float) -> Reconciliation:
    """Whether getOrderDetail's answer shows the order exists."""
    document = explanation.envelope.document if explanation.envelope is not None else None
    data = document.get("data") if isinstance(document, Mapping) else None
    message = (explanation.envelope.message or "") if explanation.envelope is not None else ""
    if explanation.envelope is not None and explanation.exit_status is ExitStatus.SUCCESS and isinstance(data, Mapping):
        order_id = _text(data.get("orderId"))
        status = _text(data.get("orderStatus"))
        if order_id or data:
            shown = f" as {order_id}" if order_id else ""
            state = f", status {status}" if status else ""
            return Reconciliation(
                number,
                url,
                True,
                f"order {number} exists{shown}{state}: the call that got no answer created it; do not create it again",
                order_id=order_id,
                order_status=status,
                waited=waited,
                http_status=explanation.http_status,
                code=explanation.code,
            )
    if explanation.code in _NOT_FOUND_CODES and (explanation.code == 1603100 or "not found" in message.lower()):
        return Reconciliation(
            number,
            url,
            False,
            f"order {number} was not found: it was not created, so sending it "
            "again is safe (unless CJ is still working on the first request; the same orderNumber shows a "
            "duplicate in the order list)",
            waited=waited,
            http_status=explanation.http_status,
            code=explanation.code,
        )
    return Reconciliation(
        number,
        url,
        None,
        f"the check could not tell whether order {number} exists ({explanation.verdict}); the outcome stays unknown",
        waited=waited,
        http_status=explanation.http_status,
        code=explanation.code,
    )


def failed(number: str, url: str, reason: str, waited: float) -> Reconciliation:
    return Reconciliation(
        number,
        url,
        None,
        f"the check for order {number} got no answer ({reason}); the outcome stays unknown",
        waited=waited,
    )


def pace(last_call_ended: float, sleep: Callable[[float], None], clock: Callable[[], float] = time.monotonic) -> float:
    """Sleep until PACE_SECONDS have passed since the previous call ended; return the time slept."""
    gap = PACE_SECONDS - (clock() - last_call_ended)
    if gap > 0:
        sleep(gap)
        return gap
    return 0.0
