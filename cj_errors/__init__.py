"""cjerr: explain CJ Dropshipping API 2.0 error codes, offline.

The Python API needs neither Typer nor Rich::

    from cj_errors import lookup, explain, is_retryable
    lookup(1600200).entry.title      # 'Rate limit hit (too many requests)'
    explain('{"code":1600200,"result":false,"message":"Too Many Requests"}').exit_status
    is_retryable(1600200)            # True: after a short wait
    retries_after_reset(16900500)    # True: points come back at 00:00 UTC (or sooner), not after a short wait

For SDKs: ``raise_for_cj(response)`` returns the envelope's ``data`` or raises a ``CJError`` subclass
(``RateLimitError``, ``QuotaError``, ``AuthError``, ``ProductNotFoundError``...), and ``CJTransport`` /
``AsyncCJTransport`` are httpx transports that retry by CJ's body codes and pace calls per token.

Names are imported on first use (PEP 562), so shell completion, which imports
this package on every TAB, only pays for what it touches.
"""

from __future__ import annotations

import importlib

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: every TAB press imports this package
if TYPE_CHECKING:
    from typing import Any


def _installed_version() -> str:
    # One source for the version: pyproject.toml, as installed. importlib.metadata reads it.
    from importlib import metadata

    try:
        return metadata.version("cjerr")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


# public name -> (module, attribute)
_EXPORTS: dict[str, tuple[str, str]] = {
    "FAMILIES": ("cj_errors.table.codes", "FAMILIES"),
    "SOURCES": ("cj_errors.table.codes", "SOURCES"),
    "CodeEntry": ("cj_errors.table.model", "CodeEntry"),
    "LookupResult": ("cj_errors.table.codes", "LookupResult"),
    "Message": ("cj_errors.table.model", "Message"),
    "Outcome": ("cj_errors.table.model", "Outcome"),
    "Retry": ("cj_errors.table.model", "Retry"),
    "ExitStatus": ("cj_errors.base.exits", "ExitStatus"),
    "Explanation": ("cj_errors.reading.explanation", "Explanation"),
    "Envelope": ("cj_errors.reading.explanation", "Envelope"),
    "all_entries": ("cj_errors.table.codes", "all_entries"),
    "get": ("cj_errors.table.codes", "get"),
    "guess_family": ("cj_errors.table.codes", "guess_family"),
    "is_retryable": ("cj_errors.table.codes", "is_retryable"),
    "retries_after_reset": ("cj_errors.table.codes", "retries_after_reset"),
    "lookup": ("cj_errors.sdk.api", "lookup"),
    "search": ("cj_errors.table.codes", "search"),
    "explain": ("cj_errors.sdk.api", "explain"),
    "explain_document": ("cj_errors.reading.explanation", "explain_document"),
    "parse_envelope": ("cj_errors.reading.explanation", "parse_envelope"),
    "stored_access_token": ("cj_errors.account.session", "stored_access_token"),
    "raise_for_cj": ("cj_errors.sdk.exceptions", "raise_for_cj"),
    "error_class": ("cj_errors.sdk.exceptions", "error_class"),
    "CJTransport": ("cj_errors.sdk.httpx_transport", "CJTransport"),
    "AsyncCJTransport": ("cj_errors.sdk.httpx_transport", "AsyncCJTransport"),
    "PointsBudget": ("cj_errors.sdk.budget", "PointsBudget"),
}
__all__ = [
    "APIError",
    "AsyncCJTransport",
    "AuthError",
    "CJError",
    "CJTransport",
    "CodeEntry",
    "DisputeError",
    "Envelope",
    "ExitStatus",
    "Explanation",
    "FAMILIES",
    "HeldOrderError",
    "InterfaceError",
    "InterfaceNotFoundError",
    "LogisticsError",
    "LogisticsNotFoundError",
    "LookupResult",
    "Message",
    "NotEnvelopeError",
    "NotFoundError",
    "OrderError",
    "OrderNotFoundError",
    "Outcome",
    "OutcomeUnknownError",
    "ParameterError",
    "PaymentError",
    "PointsBudget",
    "ProductError",
    "ProductNotFoundError",
    "QuotaError",
    "RateLimitError",
    "RequestFormatError",
    "Retry",
    "SOURCES",
    "SandboxError",
    "SandboxNotFoundError",
    "StorageError",
    "StorageNotFoundError",
    "SystemBusyError",
    "TemporaryError",
    "TicketError",
    "TicketNotFoundError",
    "WebhookError",
    "__version__",
    "all_entries",
    "error_class",
    "explain",
    "explain_document",
    "get",
    "guess_family",
    "is_retryable",
    "lookup",
    "parse_envelope",
    "raise_for_cj",
    "retries_after_reset",
    "search",
    "stored_access_token",
]

# Every exception class (CJError, RateLimitError, ProductNotFoundError...) is a name of cj_errors too;
# __all__ is the one list of them (the TYPE_CHECKING imports below are for type checkers).
_EXPORTS.update({name: ("cj_errors.sdk.exceptions", name) for name in __all__ if name.endswith("Error")})

if TYPE_CHECKING:
    __version__: str
    from cj_errors.account.session import stored_access_token
    from cj_errors.base.exits import ExitStatus
    from cj_errors.reading.explanation import Envelope, Explanation, explain_document, parse_envelope
    from cj_errors.sdk.api import explain, lookup
    from cj_errors.sdk.budget import PointsBudget
    from cj_errors.sdk.exceptions import (
        APIError,
        AuthError,
        CJError,
        DisputeError,
        HeldOrderError,
        InterfaceError,
        InterfaceNotFoundError,
        LogisticsError,
        LogisticsNotFoundError,
        NotEnvelopeError,
        NotFoundError,
        OrderError,
        OrderNotFoundError,
        OutcomeUnknownError,
        ParameterError,
        PaymentError,
        ProductError,
        ProductNotFoundError,
        QuotaError,
        RateLimitError,
        RequestFormatError,
        SandboxError,
        SandboxNotFoundError,
        StorageError,
        StorageNotFoundError,
        SystemBusyError,
        TemporaryError,
        TicketError,
        TicketNotFoundError,
        WebhookError,
        error_class,
        raise_for_cj,
    )
    from cj_errors.sdk.httpx_transport import AsyncCJTransport, CJTransport
    from cj_errors.table.codes import (
        FAMILIES,
        SOURCES,
        LookupResult,
        all_entries,
        get,
        guess_family,
        is_retryable,
        retries_after_reset,
        search,
    )
    from cj_errors.table.model import CodeEntry, Message, Outcome, Retry


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _installed_version()
    try:
        module_name, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'cj_errors' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module_name), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
