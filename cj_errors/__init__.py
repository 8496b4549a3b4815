"""cjerr: explain CJ Dropshipping API 2.0 error codes, offline.

The Python API needs neither Typer nor Rich::

    from cj_errors import lookup, explain, is_retryable
    lookup(1600200).entry.title      # 'Rate limit hit (too many requests)'
    explain('{"code":1600200,"result":false,"message":"Too Many Requests"}').exit_status
    is_retryable(16900500)           # True: after the 00:00 UTC reset
"""

from __future__ import annotations

from cj_errors.codes import (
    FAMILIES,
    SOURCES,
    CodeEntry,
    LookupResult,
    all_entries,
    get,
    guess_family,
    is_retryable,
    lookup,
    search,
)
from cj_errors.exits import ExitStatus
from cj_errors.explanation import Explanation, parse_envelope
from cj_errors.explanation import explain_response as explain
from cj_errors.model import Message, Outcome, Retry

__version__ = "0.1.0"

__all__ = [
    "FAMILIES",
    "SOURCES",
    "CodeEntry",
    "ExitStatus",
    "Explanation",
    "LookupResult",
    "Message",
    "Outcome",
    "Retry",
    "__version__",
    "all_entries",
    "explain",
    "get",
    "guess_family",
    "is_retryable",
    "lookup",
    "parse_envelope",
    "search",
]
