"""CJ errors as Python exceptions: ``raise_for_cj`` applies CJ's success rule and raises what a caller acts on.

The hierarchy follows what the caller does next, then the area of the API::

    CJError
    ├── TemporaryError          the same request can work after a short wait (system busy, HTTP 5xx)
    │   ├── RateLimitError      the per-second limit (1600200, a 429 naming a QPS window, a bare 429)
    │   └── SystemBusyError     family "system" (1600000, 1600301)
    ├── QuotaError              points or a quota spent: only their reset helps (16900500, 1600201)
    ├── AuthError               the token, API key or store authorization (16000xx, 1601xxx)
    ├── APIError                the request must change first
    │   ├── ParameterError, RequestFormatError, InterfaceError, ProductError, OrderError, PaymentError,
    │   │   LogisticsError, StorageError, WebhookError, DisputeError, TicketError, SandboxError
    │   ├── NotFoundError       (ProductNotFoundError, OrderNotFoundError... subclass it and their family)
    │   └── HeldOrderError      a success envelope that says the order is held
    ├── NotEnvelopeError        the answer is no CJ envelope at all (HTML, truncated JSON...)
    └── OutcomeUnknownError     a call that changes data got no readable answer: it may have worked

The outcome classes are written out below; the family and not-found classes are created from the code
table's families at import (``type(...)``), like psycopg's ``errors`` module creates one class per SQLSTATE.
The ``TYPE_CHECKING`` block declares them for type checkers; a test keeps it equal to what is created.
``error_class(code)`` gives the class for a code, known or not (an unknown code gets its family's class,
from its prefix).

Standard library only: httpx is never imported (an ``httpx.Response`` is read only if you hold one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cj_errors.base import redact
from cj_errors.table import codes
from cj_errors.table.model import CodeEntry, Outcome

if TYPE_CHECKING:
    from cj_errors.reading.explanation import Explanation

__all__ = [
    "APIError",
    "AuthError",
    "CJError",
    "HeldOrderError",
    "NotEnvelopeError",
    "NotFoundError",
    "OutcomeUnknownError",
    "QuotaError",
    "RateLimitError",
    "TemporaryError",
    "error_class",
    "error_for",
    "raise_for_cj",
]


class CJError(Exception):
    """A CJ answer that is not a success.

    ``code`` is the envelope's code as an int (also when CJ sent it as a string), or None; ``retry_after``
    is the least wait in seconds before the same request can work (the QPS window), or the time to the
    reset for spent points, or None when waiting alone does not help. ``explanation`` is the full
    ``cj_errors.Explanation``.
    """

    family: str | None = None
    default_outcome: Outcome | None = None

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        request_id: str | None = None,
        http_status: int | None = None,
        entry: CodeEntry | None = None,
        retry_after: float | None = None,
        outcome: Outcome | None = None,
        explanation: Explanation | None = None,
        data: Any = None,
    ) -> None:
        message = redact.scrub(message)  # CJ may echo a token it was given (a 32-hex one has no shape to mask)
        super().__init__(message)
        self.message = message
        self.code = code
        self.request_id = request_id
        self.http_status = http_status
        self.entry = entry
        self.retry_after = retry_after
        self.outcome = outcome if outcome is not None else self.default_outcome
        self.explanation = explanation
        self.data = data

    def __str__(self) -> str:
        label = f"CJ {self.code}" if self.code is not None else f"HTTP {self.http_status}"
        text = self.message if self.message.startswith(label) else f"{label}: {self.message}"
        if self.request_id:
            text += f" (requestId {self.request_id})"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, request_id={self.request_id!r})"


class TemporaryError(CJError):
    """The same request can work after a short wait (``retry_after``)."""

    default_outcome = Outcome.TEMPORARY


class RateLimitError(TemporaryError):
    """The per-second limit: wait ``retry_after`` (the QPS window) and send fewer calls a second."""

    family = "rate-limit"


class QuotaError(CJError):
    """Points or a quota are spent: only their reset brings the call back (``retry_after`` to 00:00 UTC)."""

    family = "quota"
    default_outcome = Outcome.QUOTA


class AuthError(CJError):
    """The access token, API key or store authorization: fix the credentials, refresh or log in again."""

    family = "auth"
    default_outcome = Outcome.AUTH


class APIError(CJError):
    """CJ refused the request as it is: change it before sending it again."""

    default_outcome = Outcome.API_ERROR


class NotFoundError(APIError):
    """What the request names does not exist (a product, an order, a path...)."""


class HeldOrderError(APIError):
    """CJ accepted the order but holds it (``explanation.held`` has each reason): do not create it again."""

    default_outcome = Outcome.HELD


class NotEnvelopeError(CJError):
    """The answer is not a CJ envelope (an HTML page, truncated JSON, an empty body)."""


class OutcomeUnknownError(CJError):
    """A call that changes data (create, pay, confirm, delete, refresh) may have worked: check before repeating it.

    Raised instead of TemporaryError, NotEnvelopeError or AuthError when such a call was answered with no
    readable CJ envelope (a proxy's 502/504/403/404 page, an empty or HTML body, a redirect, truncated or
    non-CJ JSON, a bare 429), with HTTP 5xx or with CJ's 1600000 or 1600301, and by ``CJTransport`` when the
    connection broke off or timed out after the request may have been sent. It is not a TemporaryError:
    sending the call again can create a second order or pay twice. ``outcome`` is ``Outcome.UNKNOWN``;
    ``path`` and ``method`` name the call; ``order_number`` is the request's orderNumber (create calls) and
    ``order_id`` its orderId (pay, confirm, delete), where known; ``check`` is the read call that shows
    whether it took effect (for example ``/shopping/order/getOrderDetail?orderId=shop-1001``), or None;
    ``next_step`` says what to do.
    """

    default_outcome = Outcome.UNKNOWN

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        method: str | None = None,
        order_number: str | None = None,
        order_id: str | None = None,
        check: str | None = None,
        next_step: str | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message, **details)
        self.outcome = Outcome.UNKNOWN
        self.path = path
        self.method = method
        self.order_number = order_number
        self.order_id = order_id
        self.check = check
        self.next_step = next_step

    def __str__(self) -> str:
        return self.message + (f" (requestId {self.request_id})" if self.request_id else "")

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(path={self.path!r}, order_number={self.order_number!r}, "
            f"order_id={self.order_id!r}, http_status={self.http_status!r})"
        )


def outcome_unknown(
    path: str,
    method: str,
    body: bytes | None,
    what: str,
    *,
    query: str = "",
    explanation: Explanation | None = None,
) -> OutcomeUnknownError:
    """The OutcomeUnknownError for a call to ``path`` that changes data and got ``what`` (an answer or none)."""
    from cj_errors.reading import reconcile

    key = reconcile.order_key(path, body, query)
    step = reconcile.next_step(path, key)
    shown = explanation
    if explanation is not None:
        shown = reconcile.unknown_outcome(explanation, path, key)
    document = explanation.envelope.document if explanation is not None and explanation.envelope else None
    return OutcomeUnknownError(
        f"outcome unknown: {method} {path} changes data and {what}, so it may have worked: {step}",
        path=path,
        method=method,
        order_number=key if path in reconcile.ORDER_CREATING else None,
        order_id=key if key is not None and path not in reconcile.ORDER_CREATING else None,
        check=reconcile.check_target(path, key),
        next_step=step,
        code=explanation.code if explanation is not None else None,
        request_id=explanation.request_id if explanation is not None else None,
        http_status=explanation.http_status if explanation is not None else None,
        entry=explanation.entry if explanation is not None else None,
        explanation=shown,
        data=document.get("data") if isinstance(document, dict) else None,
    )


# family -> class name for the classes created below; a family missing here is named after its key.
_FAMILY_NAMES = {
    "system": "SystemBusyError",  # "SystemError" is a builtin
    "request": "RequestFormatError",
    "rate-limit": "RateLimitError",
    "quota": "QuotaError",
    "auth": "AuthError",
}
_OUTCOME_BASES: dict[Outcome, type[CJError]] = {
    Outcome.TEMPORARY: TemporaryError,
    Outcome.QUOTA: QuotaError,
    Outcome.AUTH: AuthError,
    Outcome.API_ERROR: APIError,
    Outcome.HELD: HeldOrderError,
}
_WRITTEN_OUT: dict[str, type[CJError]] = {
    "RateLimitError": RateLimitError,
    "QuotaError": QuotaError,
    "AuthError": AuthError,
}

if TYPE_CHECKING:
    # What the loop below creates, spelled out for type checkers (tests/test_sdk_errors.py keeps it true).
    class SystemBusyError(TemporaryError): ...

    class InterfaceError(APIError): ...

    class ParameterError(APIError): ...

    class RequestFormatError(APIError): ...

    class ProductError(APIError): ...

    class OrderError(APIError): ...

    class PaymentError(APIError): ...

    class LogisticsError(APIError): ...

    class StorageError(APIError): ...

    class WebhookError(APIError): ...

    class DisputeError(APIError): ...

    class TicketError(APIError): ...

    class SandboxError(APIError): ...

    class InterfaceNotFoundError(InterfaceError, NotFoundError): ...

    class ProductNotFoundError(ProductError, NotFoundError): ...

    class OrderNotFoundError(OrderError, NotFoundError): ...

    class LogisticsNotFoundError(LogisticsError, NotFoundError): ...

    class StorageNotFoundError(StorageError, NotFoundError): ...

    class TicketNotFoundError(TicketError, NotFoundError): ...

    class SandboxNotFoundError(SandboxError, NotFoundError): ...


def family_class_name(family: str) -> str:
    return _FAMILY_NAMES.get(family) or "".join(part.title() for part in family.split("-")) + "Error"


def _family_outcome(family: str) -> Outcome | None:
    """The outcome most of the family's codes have (the table gives each family one, bar a 429 under quota)."""
    counts: dict[Outcome, int] = {}
    for entry in codes.entries_in_family(family):
        counts[entry.outcome] = counts.get(entry.outcome, 0) + 1
    return max(counts, key=lambda outcome: counts[outcome]) if counts else None


def _is_not_found(entry: CodeEntry) -> bool:
    return "not found" in entry.title.lower()


FAMILY_CLASSES: dict[str, type[CJError]] = {}
NOT_FOUND_CLASSES: dict[str, type[CJError]] = {}
_created: dict[str, type[CJError]] = {}

for _family in codes.FAMILIES:
    _outcome = _family_outcome(_family)
    if _family == "success" or _outcome is None:
        continue
    _name = family_class_name(_family)
    if _name in _WRITTEN_OUT:
        FAMILY_CLASSES[_family] = _WRITTEN_OUT[_name]
        continue
    _doc = f"CJ's {codes.FAMILIES[_family].title} codes: {codes.FAMILIES[_family].description}"
    _class = type(_name, (_OUTCOME_BASES[_outcome],), {"__doc__": _doc, "family": _family, "__module__": __name__})
    FAMILY_CLASSES[_family] = _created[_name] = _class
    if _outcome is Outcome.API_ERROR and any(_is_not_found(entry) for entry in codes.entries_in_family(_family)):
        _nf_name = _name[: -len("Error")] + "NotFoundError"
        _nf = type(
            _nf_name,
            (_class, NotFoundError),
            {"__doc__": f"{_doc} What the request names does not exist.", "family": _family, "__module__": __name__},
        )
        NOT_FOUND_CLASSES[_family] = _created[_nf_name] = _nf

globals().update(_created)
__all__ += sorted(_created)
CREATED_CLASS_NAMES = tuple(sorted(_created))
del _family, _outcome, _name, _doc, _class, _created


def error_class(code: int | str, outcome: Outcome | None = None) -> type[CJError]:
    """The exception class for a CJ code, like psycopg's ``errors.lookup(sqlstate)``.

    A known code gets its family's class (or the family's not-found class); an unknown code gets the class
    of the family its prefix names; ``outcome`` (from an Explanation) wins where the answer's wording
    changes what the code means (a 429 naming points is a QuotaError).
    """
    number = codes.code_of(code, "error_class()")
    entry = codes.get(number)
    family = entry.family if entry is not None else codes.guess_family(number).family
    wanted = outcome if outcome is not None else (entry.outcome if entry is not None else None)
    if wanted is Outcome.HELD:
        return HeldOrderError
    if wanted is Outcome.TEMPORARY and (number in (429, 1600200) or family == "rate-limit"):
        return RateLimitError
    if family is not None and family in FAMILY_CLASSES:
        found = FAMILY_CLASSES[family]
        if entry is not None and _is_not_found(entry) and family in NOT_FOUND_CLASSES:
            found = NOT_FOUND_CLASSES[family]
        if wanted is None or found.default_outcome is wanted:
            return found
    if wanted is not None and wanted in _OUTCOME_BASES:
        return _OUTCOME_BASES[wanted]
    return CJError


def _retry_after(explanation: Explanation, now: dt.datetime | None) -> float | None:
    if explanation.outcome is Outcome.QUOTA and explanation.reset_at is not None:
        reset = dt.datetime.fromisoformat(explanation.reset_at.replace("Z", "+00:00"))
        current = now or dt.datetime.now(dt.timezone.utc)
        return max((reset - current).total_seconds(), 0.0)
    if explanation.outcome is Outcome.TEMPORARY:
        return explanation.wait_seconds
    return None


def error_for(explanation: Explanation, now: dt.datetime | None = None) -> CJError:
    """The exception for an explanation that is not a success (``explanation.ok`` False)."""
    envelope = explanation.envelope
    if envelope is None:
        kind: type[CJError] = NotEnvelopeError
        if explanation.outcome is not None and explanation.outcome in _OUTCOME_BASES:
            kind = _OUTCOME_BASES[explanation.outcome]  # an HTML 502 page: temporary all the same
        if explanation.code is not None:
            kind = error_class(explanation.code, explanation.outcome)
    elif explanation.code is not None:
        kind = error_class(explanation.code, explanation.outcome)
    elif explanation.outcome is not None and explanation.outcome in _OUTCOME_BASES:
        kind = _OUTCOME_BASES[explanation.outcome]
    else:
        kind = CJError
    message = envelope.message if envelope is not None and envelope.message else explanation.verdict
    document = envelope.document if envelope is not None else None
    return kind(
        message,
        code=explanation.code,
        request_id=explanation.request_id,
        http_status=explanation.http_status,
        entry=explanation.entry,
        retry_after=_retry_after(explanation, now),
        outcome=explanation.outcome,
        explanation=explanation,
        data=document.get("data") if isinstance(document, dict) else None,
    )


def _call_of(response: Any, path: str | None, method: str | None) -> tuple[str | None, str | None, bytes | None, str]:
    """(catalog path, method, request body, query) of the call ``response`` answers, as far as it is known."""
    from cj_errors.sdk.api import _catalog_path, _httpx_response

    body: bytes | None = None
    query = ""
    found = _httpx_response(response)
    if found is not None:
        try:
            request = found.request
        except RuntimeError:  # a Response built by hand has no request
            request = None
        if request is not None:
            path = path if path is not None else _catalog_path(request.url.path)
            method = method if method is not None else request.method
            query = request.url.query.decode("ascii", "replace")
            try:
                body = request.content
            except Exception:  # noqa: BLE001 - httpx.RequestNotRead for a streamed body: no orderNumber then
                body = None
    if path is not None and method is None:
        from cj_errors.table import catalog

        endpoint = catalog.find(path)
        method = endpoint.method if endpoint is not None else None  # the catalog's method for a known path
    return path, method.upper() if method else None, body, query


def _register_sent_token(response: Any) -> None:
    """For an ``httpx.Response``: the token its request carried is a secret, whatever its shape."""
    if isinstance(response, bytes | bytearray | memoryview | str | Mapping):
        return
    try:
        headers = response.request.headers
    except (AttributeError, RuntimeError):  # not an httpx.Response, or one built without a request
        return
    token = headers.get("CJ-Access-Token") if hasattr(headers, "get") else None
    if isinstance(token, str):
        redact.register(token.strip())


def raise_for_cj(
    response: bytes | bytearray | memoryview | str | Mapping[str, Any] | Any,
    http_status: int | None = None,
    *,
    path: str | None = None,
    method: str | None = None,
    request_body: bytes | str | None = None,
    now: dt.datetime | None = None,
) -> Any:
    """Apply CJ's success rule to one answer: return the envelope's ``data``, or raise a CJError subclass.

    ``response`` is the body (bytes or str), the decoded JSON (a dict) or an ``httpx.Response``, as for
    ``cj_errors.explain``. Success is HTTP 200 with ``code`` 200 or absent (``code`` 0 with ``success: true``
    on some endpoints); a 1600200 inside an HTTP 200 is an error, and so is an order CJ holds.

    For a call that changes data (the catalog knows which; an ``httpx.Response`` names its request, else
    give ``path`` and, for a path that takes several methods, ``method``), an answer that is no readable
    CJ envelope, HTTP 5xx, 1600000 or 1600301 raises ``OutcomeUnknownError``: the call may have worked. ``request_body``
    (for a body or dict ``response``) gives the orderNumber or orderId it carries.
    """
    from cj_errors.reading import reconcile
    from cj_errors.sdk.api import explain
    from cj_errors.table import catalog

    _register_sent_token(response)
    explanation = explain(response, http_status, path=path, now=now)
    if explanation.ok:
        document = explanation.envelope.document if explanation.envelope is not None else None
        return document.get("data") if isinstance(document, dict) else None
    call_path, call_method, body, query = _call_of(response, path, method)
    if request_body is not None:
        body = request_body.encode("utf-8") if isinstance(request_body, str) else request_body
    if (
        call_path is not None
        and call_method is not None
        and catalog.is_mutating(catalog.find(call_path), call_method)
        and reconcile.leaves_outcome_unknown(explanation)
    ):
        raise outcome_unknown(
            call_path,
            call_method,
            body,
            f"got no answer that says whether it worked ({explanation.verdict})",
            query=query,
            explanation=explanation,
        )
    raise error_for(explanation, now)
