"""The core of ``cjerr proxy``: one app call forwarded to CJ (or a loopback stand-in), paced through the shared
limiter, tried again only where the retry policy allows and never when it changes data, and judged: a
``Result`` says whether CJ answered, the call was not sent, got no answer, or may have worked (unknown).

Standard library HTTP (``http.client``); the server around it is ``cj_errors.sdk.proxy``.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cj_errors.base import limits
from cj_errors.base.redact import scrub
from cj_errors.reading import reconcile
from cj_errors.reading.explanation import Explanation, explain_response
from cj_errors.requests import retrypolicy
from cj_errors.sdk import limiter, pacing
from cj_errors.table import catalog

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8780
TOKEN_HEADER = "CJ-Access-Token"

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "content-length",
        "host",
    }
)

# Errors on the way out, before any byte of the request left: the call was not sent.
_NOT_SENT_ERRORS: tuple[type[Exception], ...] = (ConnectionRefusedError, socket.gaierror, ssl.SSLError)


@dataclass(frozen=True)
class ProxyConfig:
    target: str  # the upstream base URL, e.g. https://developers.cjdropshipping.com/api2.0/v1
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    qps: float = 1.0
    pacing_url: str | None = None
    journal: Path | None = None
    record: Path | None = None
    retries: int = 2
    max_pace_wait: float = retrypolicy.LONGEST_WAIT
    timeout: float = 30.0
    warnings: tuple[str, ...] = field(default=())

    @property
    def upstream(self) -> tuple[str, str, int, str]:
        """(scheme, host, port, path prefix) of ``target``."""
        parts = urlsplit(self.target)
        scheme = parts.scheme.lower()
        port = parts.port or (443 if scheme == "https" else 80)
        return scheme, parts.hostname or "", port, parts.path.rstrip("/") or catalog.API_PREFIX


@dataclass
class Result:
    """The answer the app gets, and what the proxy learned on the way."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    outcome: str
    tries: int
    waited: float
    explanation: Explanation | None = None
    decoded: bytes = b""
    note: str = ""


def _own_answer(status: int, outcome: str, message: str, tries: int, waited: float, **extra: str) -> Result:
    body = json.dumps({"cjerr": {"outcome": outcome, "message": message}}, ensure_ascii=False).encode("utf-8")
    headers = [("Content-Type", "application/json; charset=utf-8"), *extra.items()]
    return Result(status, headers, body + b"\n", outcome, tries, waited, note=message)


def _redirect_answer(
    method: str, path: str, status: int, location: str, mutating: bool, tries: int, waited: float
) -> Result:
    """What the app gets instead of a redirect: CJ's API never sends one, and an app that followed it would send the
    call, with its CJ-Access-Token, to another address and outside the pace."""
    where = location if len(location) <= 200 else location[:200] + "..."
    said = f"{method} {path} was answered {status}, a redirect to {where}; the proxy does not pass redirects on"
    if mutating:
        advice = "It changes data and may have worked: check before sending it again (list the orders by order number)"
        return _own_answer(502, "unknown", f"{said}. {advice}", tries, waited)
    return _own_answer(502, "no-answer", f"{said}. Check --to", tries, waited)


def _decoded(headers: list[tuple[str, str]], raw: bytes) -> bytes:
    """The body as the app will read it (gzip or deflate undone, bounded), for the explanation and recordings."""
    encoding = next((value.lower().strip() for name, value in headers if name.lower() == "content-encoding"), "")
    if encoding not in ("gzip", "deflate", "x-gzip"):
        return raw
    try:
        inflater = zlib.decompressobj(wbits=47 if "gzip" in encoding else zlib.MAX_WBITS)
        return inflater.decompress(raw, limits.DOCUMENT_BYTES)
    except zlib.error:
        return raw


class Forwarder:
    """Sends one app call to the upstream with pacing and safe retries; thread-safe (a connection per thread)."""

    def __init__(
        self,
        config: ProxyConfig,
        backend: limiter.Backend,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] | None = None,
    ) -> None:
        import random

        self.config = config
        self.limiter = limiter.Limiter(backend, config.qps)
        self.scheme, self.host, self.port, self.prefix = config.upstream
        self._sleep = sleep
        self._rng = rng or random.random
        self._idle: list[http.client.HTTPConnection] = []  # kept-alive upstream connections, any thread's
        self._pool_lock = threading.Lock()

    def _new_connection(self) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.config.timeout)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.config.timeout)

    def _take(self, fresh: bool) -> http.client.HTTPConnection:
        """An idle connection, or a new one; ``fresh`` (a call that changes data) always gets a new one, so that
        a connection the server closed while idle cannot turn the call's outcome unknown."""
        if not fresh:
            with self._pool_lock:
                if self._idle:
                    return self._idle.pop()
        return self._new_connection()

    def _give_back(self, connection: http.client.HTTPConnection) -> None:
        with self._pool_lock:
            if len(self._idle) < 32:
                self._idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def _send_once(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, fresh: bool
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """One try. Raises _NotSent when nothing left, _Lost when the request was sent (maybe in part)."""
        connection = self._take(fresh)
        if connection.sock is None:
            try:
                connection.connect()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                raise _NotSent(_kind(error), error) from None
        try:
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            named = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 literal is bracketed in Host
            connection.putheader("Host", named if self.port in (80, 443) else f"{named}:{self.port}")
            for name, value in headers:
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body or None)
            response = connection.getresponse()
            # With a Content-Length, read() without a size raises IncompleteRead for a cut answer.
            too_large = response.length is not None and response.length > limits.RESPONSE_BODY_BYTES
            raw = (
                b""
                if too_large
                else response.read(None if response.length is not None else limits.RESPONSE_BODY_BYTES + 1)
            )
            if too_large or len(raw) > limits.RESPONSE_BODY_BYTES:
                connection.close()
                raise _Lost("too-large", ValueError(f"answer over {limits.RESPONSE_BODY_BYTES} bytes"))
            answer_headers = [(name, value) for name, value in response.getheaders()]
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise _Lost(_kind(error), error) from None
        if response.will_close:
            connection.close()
        else:
            self._give_back(connection)
        return response.status, answer_headers, raw

    def forward(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> Result:
        """The whole exchange for one app call: pace, send, judge, maybe retry; never raises for the network."""
        split = urlsplit(target)
        path = catalog_relative(split.path)
        endpoint = catalog.find(path)
        mutating = catalog.is_mutating(endpoint, method)
        token = next((value for name, value in headers if name.lower() == TOKEN_HEADER.lower()), None)
        upstream_target = self.prefix + path + (f"?{split.query}" if split.query else "")
        if not upstream_target.isascii():  # http.client cannot send it: say so rather than drop the connection
            message = "the path or query holds characters that are not ASCII; percent-encode them (UTF-8)"
            return _own_answer(400, "not-sent", message, 0, 0.0)
        sent_headers = [(name, value) for name, value in headers if name.lower() not in _HOP_BY_HOP]
        max_tries = 1 + self.config.retries
        waited = 0.0
        number = 0
        try:
            bucket = self.limiter.bucket_for(path, self.host, token)
        except pacing.PacingUnavailable as error:
            return _own_answer(503, "not-sent", str(error), 0, 0.0)
        while True:
            number += 1
            if bucket is not None:
                try:
                    waited += limiter.take_turn(bucket, self.config.max_pace_wait, sleep=self._sleep)
                except pacing.PaceRefused as refused:
                    message = f"not sent: {refused}, longer than the proxy waits ({self.config.max_pace_wait:g} s)"
                    retry_after = str(max(1, int(refused.wait + 0.999)))
                    return _own_answer(429, "not-sent", message, number - 1, waited, **{"Retry-After": retry_after})
                except pacing.PacingUnavailable as error:
                    return _own_answer(503, "not-sent", str(error), number - 1, waited)
            try:
                status, answer_headers, raw = self._send_once(method, upstream_target, sent_headers, body, mutating)
            except _Lost as lost:
                decision = retrypolicy.error_decision(lost.kind, True)
                wait = self._wait(number, max_tries, decision.retry, decision.minimum_wait, mutating)
                if wait is not None:
                    self._sleep(wait)
                    waited += wait
                    continue
                if mutating:
                    message = (
                        f"{method} {path} changes data and was sent, but its answer was lost ({lost.detail}): it may "
                        "have worked. Check before sending it again (list the orders, by your order number)"
                    )
                    return _own_answer(502, "unknown", message, number, waited)
                message = f"sent, but no answer came after {number} tries ({lost.detail}); safe to send again"
                return _own_answer(502, "no-answer", message, number, waited)
            except _NotSent as failure:
                decision = retrypolicy.error_decision(failure.kind, True)
                wait = self._wait(number, max_tries, decision.retry, decision.minimum_wait, False)
                if wait is None:
                    message = f"not sent: cannot reach {self.host}:{self.port} ({failure.detail})"
                    return _own_answer(503, "not-sent", message, number, waited)
                self._sleep(wait)
                waited += wait
                continue
            location = next((v for k, v in answer_headers if k.lower() == "location"), None)
            if 300 <= status < 400 and location is not None:
                return _redirect_answer(method, path, status, location, mutating, number, waited)
            decoded = _decoded(answer_headers, raw)
            content_type = next((v for k, v in answer_headers if k.lower() == "content-type"), None)
            explanation = explain_response(decoded, status, content_type, path=path)
            document = explanation.envelope.document if explanation.envelope is not None else None
            self.limiter.note_answer(path, token, bucket, explanation.limit, document)
            decision = retrypolicy.answer_decision(explanation, number, endpoint)
            minimum = decision.minimum_wait
            header = retrypolicy.retry_after_seconds(
                next((v for k, v in answer_headers if k.lower() == "retry-after"), None)
            )
            if header is not None:
                minimum = max(minimum, header)
            wait = self._wait(number, max_tries, decision.retry, minimum, mutating)
            if wait is None:
                passed = [(name, value) for name, value in answer_headers if name.lower() not in _HOP_BY_HOP]
                # A gateway's page or a 5xx to a call that changes data does not say whether it took effect.
                unknown = mutating and reconcile.leaves_outcome_unknown(explanation)
                return Result(
                    status,
                    passed,
                    raw,
                    "unknown" if unknown else "answered",
                    number,
                    waited,
                    explanation,
                    decoded,
                    note=decision.reason if not decision.retry else "",
                )
            self._sleep(wait)
            waited += wait

    def _wait(self, number: int, max_tries: int, retry: bool, minimum: float, mutating: bool) -> float | None:
        if not retry or number >= max_tries or retrypolicy.mutation_blocks(mutating, False):
            return None
        return retrypolicy.backoff_wait(number, minimum, retrypolicy.DEFAULT_BACKOFF, 0.5, self._rng)


class _NotSent(Exception):
    def __init__(self, kind: str, error: BaseException) -> None:
        super().__init__(kind)
        self.kind = kind
        self.detail = f"{type(error).__name__}: {scrub(str(error))[:200]}"


class _Lost(_NotSent):
    """Sent (maybe in part) and no answer read: for a call that changes data, the outcome is unknown."""


def _kind(error: BaseException) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(error, _NOT_SENT_ERRORS):
        return "connect"
    return "dropped"


def catalog_relative(url_path: str) -> str:
    """The path CJ routes on: what follows /api2.0/v1 (the whole path without it)."""
    index = url_path.find(catalog.API_PREFIX + "/")
    return url_path[index + len(catalog.API_PREFIX) :] if index != -1 else url_path
