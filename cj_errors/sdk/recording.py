"""Recorded request/answer pairs: what ``cjerr proxy --record DIR`` writes and ``cjerr mock --replay DIR`` serves.

One JSON file per call, ``DIR/000001-GET-product-query.json``, written 0600 in a 0700 folder::

    {"request": {"method": "GET", "path": "/product/query", "query": "pid=...", "body": ...},
     "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": ...}}

``path`` is relative to /api2.0/v1. Secrets are masked before anything is written: token headers are not kept
at all, and every field whose name sounds secret (accessToken, refreshToken, apiKey, openId...) is masked in
both bodies, so a recording can be shared. A body that is not JSON is kept as text, scrubbed.

``Replay`` reads a folder back: each recording answers the first request with the same method, path and query,
in the order they were recorded, once; when a request's recordings are used up the mock answers as usual.

Standard library only.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from cj_errors.base import limits
from cj_errors.base.redact import is_secret_name, json_value, mask, scrub

__all__ = ["Recorded", "Recorder", "Replay", "canonical_query"]

_KEPT_RESPONSE_HEADERS = ("content-type",)  # the body is stored decoded: no Content-Encoding


def canonical_query(query: str) -> str:
    """The query with its pairs sorted and secret values masked, as recordings store and compare it."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(sorted((key, mask(value) if is_secret_name(key) and value else value) for key, value in pairs))


def _masked_body(body: bytes) -> Any:
    if not body:
        return None
    text = body.decode("utf-8", "replace")
    try:
        return json_value(json.loads(text))
    except (ValueError, RecursionError):
        return scrub(text[: limits.RECORDED_BODY_CHARS])


class Recorder:
    """Writes one file per call into ``folder`` (created 0700); thread-safe, numbered in the order of answers."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.folder = folder
        self._lock = threading.Lock()
        existing = [int(match.group(1)) for path in folder.glob("*.json") if (match := re.match(r"(\d+)-", path.name))]
        self._next = max(existing, default=0) + 1

    def record(
        self, method: str, path: str, query: str, body: bytes, status: int, headers: Mapping[str, str], answer: bytes
    ) -> Path:
        kept = {name: value for name, value in headers.items() if name.lower() in _KEPT_RESPONSE_HEADERS}
        document = {
            "request": {"method": method, "path": path, "query": canonical_query(query), "body": _masked_body(body)},
            "response": {"status": status, "headers": kept, "body": _masked_body(answer)},
        }
        slug = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")[:60] or "root"
        with self._lock:
            number = self._next
            self._next += 1
        target = self.folder / f"{number:06d}-{method.upper()}-{slug}.json"
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, indent=1)  # ASCII: a lone surrogate in a body cannot break it
            stream.write("\n")
        return target


@dataclass(frozen=True)
class Recorded:
    """One recorded answer, ready to send: status, content type and the body bytes."""

    status: int
    content_type: str
    body: bytes
    code: int | None


class Replay:
    """Recorded answers by (method, path, query), each served once in recorded order."""

    def __init__(self, answers: dict[tuple[str, str, str], deque[Recorded]], source: str) -> None:
        self._answers = answers
        self._lock = threading.Lock()
        self.source = source
        self.count = sum(len(queue) for queue in answers.values())

    @classmethod
    def load(cls, folder: Path) -> Replay:
        """Read every ``*.json`` recording in ``folder``; ValueError names the first file that is not one."""
        if not folder.is_dir():
            raise ValueError(f"{folder} is not a folder of recordings")
        answers: dict[tuple[str, str, str], deque[Recorded]] = {}
        for path in sorted(folder.glob("*.json")):
            if path.stat().st_size > limits.RECORDING_FILE_BYTES:
                raise ValueError(f"{path.name}: larger than {limits.RECORDING_FILE_BYTES} bytes")
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
                request, response = document["request"], document["response"]
                key = (str(request["method"]).upper(), str(request["path"]), str(request.get("query") or ""))
                status = int(response["status"])
                body = response.get("body")
            except (OSError, ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path.name}: not a cjerr recording ({type(error).__name__})") from None
            if isinstance(body, str):
                raw, content_type = body.encode("utf-8"), "text/plain; charset=utf-8"
            else:
                # compact, as CJ writes its envelopes
                raw = b"" if body is None else _compact(body)
                content_type = "application/json;charset=UTF-8"
            headers = response.get("headers") if isinstance(response.get("headers"), dict) else {}
            for name, value in headers.items():
                if str(name).lower() == "content-type":
                    content_type = str(value)
            code = body.get("code") if isinstance(body, dict) else None
            recorded = Recorded(status, content_type, raw, code if isinstance(code, int) else None)
            answers.setdefault(key, deque()).append(recorded)
        if not answers:
            raise ValueError(f"{folder} holds no recordings (*.json)")
        return cls(answers, str(folder))

    def take(self, method: str, path: str, query: str) -> Recorded | None:
        """The next recorded answer for this request, or None when there is none left."""
        key = (method.upper(), path, canonical_query(query))
        with self._lock:
            queue = self._answers.get(key)
            return queue.popleft() if queue else None


def _compact(body: object) -> bytes:
    """The body as CJ writes it (compact, UTF-8); escaped where it holds what UTF-8 cannot (a lone surrogate)."""
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        return json.dumps(body, separators=(",", ":")).encode()
