"""The request journal: what each client sent and what the mock answered, secrets masked.

Read it through ``GET /__cjerr/requests`` (or ``running(...).requests()`` in a test) to assert what a
client did: how often it called an endpoint, with which body, how far apart.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cj_errors.base import limits
from cj_errors.base.redact import is_secret_name, mask, scrub
from cj_errors.mock.bodies import MockRequest, MockResponse
from cj_errors.table.catalog import API_PREFIX

_SECRET_HEADERS = frozenset({"cj-access-token", "platformtoken", "authorization", "cookie", "proxy-authorization"})


def masked_value(value: Any, secret: bool = False) -> Any:
    """A JSON value with every field whose name sounds secret masked, and credentials scrubbed from strings."""
    if isinstance(value, dict):
        return {key: masked_value(item, is_secret_name(str(key))) for key, item in value.items()}
    if isinstance(value, list):
        return [masked_value(item, secret) for item in value]
    if isinstance(value, str):
        return mask(value) if secret and value else scrub(value)
    if secret and value is not None:
        return mask(str(value))
    return value


def masked_body(body: bytes) -> Any:
    if not body:
        return None
    text = body.decode("utf-8", "replace")
    try:
        return masked_value(json.loads(text))
    except (ValueError, RecursionError):
        return scrub(text[: limits.JOURNAL_BODY_CHARS])


def masked_headers(headers: dict[str, str] | Any) -> dict[str, str]:
    return {
        name: (mask(value) if name.lower() in _SECRET_HEADERS or is_secret_name(name) else scrub(value))
        for name, value in headers.items()
    }


class _Recorded:
    """A request as it came, turned into its masked journal entry only when somebody reads the journal.

    Masking every header and body on the way in cost more than the rest of the answer; most entries
    are never read before they fall off the end.
    """

    __slots__ = ("request", "response", "started", "number", "size", "_entry")

    def __init__(self, request: MockRequest, response: MockResponse, started: float, number: int) -> None:
        # Only what the entry shows is kept: not the answer's body, nor the token it was given for.
        self.response = MockResponse(
            status=response.status,
            body=b"",
            code=response.code,
            fault=response.fault,
            fault_label=response.fault_label,
            delay=response.delay,
        )
        self.request, header_bytes = _trimmed(request)
        self.started = started
        self.number = number
        self._entry: dict[str, Any] | None = None
        if len(request.body) > limits.JOURNAL_BODY_CHARS:
            self.entry()  # a big body is masked now, so the journal never holds 10,000 of them
            self.request = MockRequest(request.method, request.target, {}, b"", request.client)
            header_bytes = 0
        self.size = _ENTRY_OVERHEAD + len(self.request.target) + len(self.request.body) + header_bytes
        if self._entry is not None:
            self.size += len(json.dumps(self._entry, ensure_ascii=False, default=str))

    def entry(self) -> dict[str, Any]:
        if self._entry is None:
            self._entry = _request_entry(self.request, self.response, self.started)
            self._entry["id"] = self.number
        return self._entry


def _trimmed(request: MockRequest) -> tuple[MockRequest, int]:
    """``request`` with its headers cut to ``limits.JOURNAL_HEADER_BYTES`` (what is left out is counted), and
    the bytes of the headers kept."""
    used = 0
    for index, (name, value) in enumerate(request.headers.items()):
        size = len(name) + len(value)
        if used + size > limits.JOURNAL_HEADER_BYTES:
            headers = list(request.headers.items())
            kept = dict(headers[:index])
            left = headers[index:]
            note = f"{len(left)} more header(s), {sum(len(name) + len(value) for name, value in left)} bytes, not kept"
            kept["x-cjerr-journal"] = note
            trimmed = MockRequest(request.method, request.target, kept, request.body, request.client)
            return trimmed, sum(len(name) + len(value) for name, value in kept.items())
        used += size
    return request, used


def _request_entry(request: MockRequest, response: MockResponse, started: float) -> dict[str, Any]:
    split = urlsplit(request.target)
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(split.query, keep_blank_values=True):
        query.setdefault(key, []).append(mask(value) if is_secret_name(key) and value else scrub(value))
    path = split.path
    return {
        "method": request.method,
        "path": path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path,
        "query": query,
        "headers": masked_headers(dict(request.headers)),
        "body": masked_body(request.body),
        "status": response.status,
        "code": response.code,
        "fault": response.fault_label or None,
        "rule": response.fault.origin if response.fault is not None else None,
        "delay": response.delay,
        "time": _stamp(started),
        "at": round(started, 6),
        "client": request.client,
    }


def _stamp(started: float) -> str:
    return datetime.datetime.fromtimestamp(started, tz=datetime.timezone.utc).isoformat(timespec="milliseconds")


_ENTRY_OVERHEAD = 256  # the objects around one entry's text, roughly


class Journal:
    """The last ``limit`` entries, and fewer when together they would hold more than ``byte_limit`` bytes.

    The size of an entry is what its request brought (path, headers, body) plus a fixed overhead, so a
    burst of header-heavy requests pushes old entries out instead of growing the process.
    """

    def __init__(self, limit: int = limits.JOURNAL_ENTRIES, byte_limit: int = limits.JOURNAL_BYTES) -> None:
        self._entries: deque[tuple[_Recorded | dict[str, Any], int]] = deque()
        self._limit = limit
        self._byte_limit = byte_limit
        self._bytes = 0
        self._lock = threading.Lock()
        self._next = 1

    def _append(self, item: _Recorded | dict[str, Any], size: int) -> None:
        self._entries.append((item, size))
        self._bytes += size
        while self._entries and (len(self._entries) > self._limit or self._bytes > self._byte_limit):
            _, dropped = self._entries.popleft()
            self._bytes -= dropped

    @property
    def size(self) -> int:
        """The bytes the journal's entries are counted as holding (at most ``limits.JOURNAL_BYTES``)."""
        with self._lock:
            return self._bytes

    def record(self, request: MockRequest, response: MockResponse, started: float) -> None:
        recorded = _Recorded(request, response, started, self._next)
        with self._lock:
            recorded.number = self._next
            if recorded._entry is not None:
                recorded._entry["id"] = self._next
            self._append(recorded, recorded.size)
            self._next += 1

    def note(self, record: Mapping[str, Any]) -> None:
        """Something the mock did on its own (a webhook delivery or attempt), in order with the requests.

        Its ``event`` names it (``webhook.attempt``, ``webhook.delivery``); it has no method or path.
        """
        started = time.time()
        entry: dict[str, Any] = {
            key: scrub(value) if isinstance(value, str) else value for key, value in record.items()
        }
        entry.setdefault("time", _stamp(started))
        entry.setdefault("at", round(started, 6))
        size = _ENTRY_OVERHEAD + len(json.dumps(entry, ensure_ascii=False, default=str))
        with self._lock:
            entry["id"] = self._next
            self._next += 1
            self._append(entry, size)

    def entries(
        self, path: str | None = None, method: str | None = None, event: str | None = None
    ) -> list[dict[str, Any]]:
        with self._lock:
            items = [item.entry() if isinstance(item, _Recorded) else item for item, _ in self._entries]
        if path:
            wanted = path[len(API_PREFIX) :] if path.startswith(API_PREFIX + "/") else path
            items = [item for item in items if item.get("path") == wanted]
        if method:
            items = [item for item in items if item.get("method") == method.upper()]
        if event:
            items = [item for item in items if item.get("event") == event]
        return items

    def clear(self) -> int:
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            self._bytes = 0
            return count

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
