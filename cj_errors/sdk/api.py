"""The tolerant front of the Python API: what ``from cj_errors import explain, lookup`` gives.

``explain`` takes a response in whatever form an SDK holds it: the raw bytes or
text of the body, an already decoded dict, or an ``httpx.Response`` (whose
status, content type and request path are used). ``lookup`` takes a code as an
int or a string, or message text. Anything else is a TypeError that says what
is accepted, never an AttributeError from deep inside.

Standard library only; httpx is never imported here (an ``httpx.Response`` is
recognised only when httpx is already loaded, which it is if you hold one).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cj_errors.reading import pasted
from cj_errors.table import codes

if TYPE_CHECKING:
    from cj_errors.reading.explanation import Explanation

__all__ = ["explain", "lookup"]

_API_PREFIX = "/api2.0/v1"


def lookup(query: int | str) -> codes.LookupResult:
    """Resolve a code (``1600200``, ``"1600200"``, ``"CJ1600200"``) or search text (``"No permission"``)."""
    if isinstance(query, bool) or not isinstance(query, int | str):
        raise TypeError(f"lookup() takes a CJ code (int or str) or message text, got {type(query).__name__}")
    return pasted.lookup(query)


def _httpx_response(value: object) -> Any | None:
    httpx = sys.modules.get("httpx")
    response_type = getattr(httpx, "Response", None) if httpx is not None else None
    if isinstance(response_type, type) and isinstance(value, response_type):
        return value
    return None


def _catalog_path(url_path: str) -> str:
    index = url_path.find(_API_PREFIX + "/")
    return url_path[index + len(_API_PREFIX) :] if index != -1 else url_path


def explain(
    response: bytes | bytearray | memoryview | str | Mapping[str, Any] | Any,
    http_status: int | None = None,
    content_type: str | None = None,
    *,
    path: str | None = None,
    now: dt.datetime | None = None,
) -> Explanation:
    """Explain one CJ response.

    ``response`` is the body (bytes or str), the decoded JSON (a dict), or an ``httpx.Response``. The HTTP
    status defaults to 200, or to the response's own status; ``path`` (e.g. ``/authentication/getAccessToken``)
    sharpens limit advice and is taken from an ``httpx.Response``'s request when not given.
    """
    from cj_errors.reading.explanation import explain_document, explain_response  # lookup alone need not load it

    if http_status is not None and (isinstance(http_status, bool) or not isinstance(http_status, int)):
        raise TypeError(f"explain() takes http_status as an int, got {type(http_status).__name__}")
    if isinstance(response, bytes | bytearray | memoryview):
        return explain_response(
            bytes(response), 200 if http_status is None else http_status, content_type, now, path=path
        )
    if isinstance(response, str):
        return explain_response(response, 200 if http_status is None else http_status, content_type, now, path=path)
    if isinstance(response, Mapping):
        return explain_document(dict(response), 200 if http_status is None else http_status, now, path=path)
    found = _httpx_response(response)
    if found is not None:
        try:
            body = found.content
        except Exception as error:  # noqa: BLE001 - httpx.ResponseNotRead for an unread stream
            raise ValueError(
                f"explain() needs the response body; read it first (response.read()): {type(error).__name__}"
            ) from None
        status = found.status_code if http_status is None else http_status
        kind = content_type if content_type is not None else found.headers.get("content-type")
        if path is None:
            try:
                path = _catalog_path(found.request.url.path)
            except RuntimeError:  # a Response built by hand has no request
                path = None
        return explain_response(body, status, kind, now, path=path)
    raise TypeError(
        "explain() takes the response body (bytes or str), the decoded JSON (a dict) or an httpx.Response, "
        f"got {type(response).__name__}"
    )
