"""Delivering webhook messages the way CJ does: a 3-second answer window, up to 3 retries, and a topic
closed when under 80% of its deliveries succeed in each of the 2 previous complete hours.

CJ does not document the retry schedule, whether retries count towards the success rate, or how an hour
with no deliveries counts; the choices are named where they are made.
"""

from __future__ import annotations

import datetime
import http.client
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cj_errors.base import limits
from cj_errors.webhooks.messages import encode, message, topic_named
from cj_errors.webhooks.signing import SIGN_HEADER, check_key, sign

DELIVERY_TIMEOUT = 3.0  # seconds CJ waits for the HTTP 200

MAX_RETRIES = 3  # CJ retries a failed delivery up to 3 times


SUCCESS_THRESHOLD = 0.8  # a topic closes under 80% success...


CLOSING_HOURS = 2  # ...in each of the 2 previous complete hours


# CJ does not publish its retry schedule; these waits (before retry 1, 2, 3) are cjerr's choice.
DEFAULT_RETRY_DELAYS = (1.0, 2.0, 4.0)


@dataclass(frozen=True)
class Attempt:
    """One POST of a message and what came of it, judged by CJ's rule (HTTP 200 within 3 s)."""

    number: int  # 1 for the first delivery, 2-4 for CJ's retries
    at: float  # wall-clock time the POST started (seconds since the epoch)
    elapsed: float  # seconds until the answer (or the failure)
    status: int | None  # the HTTP status, None when there was no answer
    error: str | None  # why there was no usable answer
    error_kind: str | None  # "timeout", "connect", "dns", "tls", "dropped", "invalid"
    ok: bool
    response_preview: str = ""

    @property
    def verdict(self) -> str:
        if self.ok:
            return f"HTTP 200 in {self.elapsed:.2f} s"
        if self.status is not None and self.status != 200:
            return f"HTTP {self.status} in {self.elapsed:.2f} s: CJ needs 200"
        if self.status == 200:
            return f"HTTP 200 after {self.elapsed:.2f} s: CJ stops waiting at {DELIVERY_TIMEOUT:g} s"
        return self.error or "no answer"

    def as_dict(self) -> dict[str, Any]:
        return {
            "attempt": self.number,
            "at": _iso(self.at),
            "elapsed_s": round(self.elapsed, 3),
            "status": self.status,
            "ok": self.ok,
            "error": self.error,
            "error_kind": self.error_kind,
            "verdict": self.verdict,
        }


def _iso(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def post_signed(
    url: str,
    body: bytes,
    signature: str | None,
    *,
    timeout: float = DELIVERY_TIMEOUT,
    wait: float | None = None,
    verify_tls: bool = True,
    number: int = 1,
    clock: Callable[[], float] = time.time,
    user_agent: str = "cjerr-webhook",
) -> Attempt:
    """POST ``body`` with its ``sign`` header once, as CJ does; the answer counts only if it is 200 within ``timeout``.

    ``wait`` (at least ``timeout``) is how long to keep listening for a late answer, so a report can say
    "200 after 4.1 s" instead of only "no answer"; CJ itself hangs up at ``timeout``. Never raises for
    network trouble: the attempt records it.
    """
    limit = max(timeout, wait or timeout)
    started_at = clock()
    started = time.monotonic()

    def remaining() -> float:
        return max(0.001, limit - (time.monotonic() - started))

    def failed(kind: str, reason: str, status: int | None = None) -> Attempt:
        return Attempt(number, started_at, time.monotonic() - started, status, reason, kind, False)

    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as problem:
        return failed("invalid", f"not a usable URL: {problem}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return failed("invalid", "not an http:// or https:// URL with a host")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context()
        if not verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(parts.hostname, port, timeout=remaining(), context=context)
    else:
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=remaining())
    headers = {"Content-Type": "application/json", "User-Agent": user_agent, "Content-Length": str(len(body))}
    if signature is not None:
        headers[SIGN_HEADER] = signature
    try:
        connection.connect()
        connection.request("POST", target, body=body, headers=headers)
        if connection.sock is not None:
            connection.sock.settimeout(remaining())
        response = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        while size < limits.WEBHOOK_RESPONSE_PREVIEW_BYTES:
            if connection.sock is not None:
                connection.sock.settimeout(remaining())
            chunk = response.read1(min(16384, limits.WEBHOOK_RESPONSE_PREVIEW_BYTES - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if time.monotonic() - started > limit:
                raise TimeoutError
        elapsed = time.monotonic() - started
        status = response.status
    except TimeoutError:
        return failed("timeout", f"no answer within {limit:g} s" + (" (CJ's limit)" if limit == timeout else ""))
    except socket.gaierror as problem:
        return failed("dns", f"cannot resolve {parts.hostname}: {problem.strerror or problem}")
    except ssl.SSLError as problem:
        return failed("tls", f"TLS failed: {problem.reason or problem}")
    except ConnectionRefusedError:
        return failed("connect", f"connection refused by {parts.netloc}")
    except (http.client.HTTPException, ConnectionError) as problem:
        return failed("dropped", f"the connection broke off ({type(problem).__name__})")
    except OSError as problem:
        return failed("connect", f"cannot connect to {parts.netloc}: {problem.strerror or problem}")
    except ValueError as problem:  # http.client.InvalidURL, a host IDNA cannot encode, ...
        return failed("invalid", f"not a usable URL: {problem}")
    finally:
        connection.close()
    preview = b"".join(chunks)[:512].decode("utf-8", "replace")
    ok = status == 200 and elapsed <= timeout
    return Attempt(number, started_at, elapsed, status, None, None, ok, preview)


class TopicHealth:
    """CJ's closing rule: a topic closes when under 80% of its deliveries succeed in each of the 2 previous hours.

    Hours are complete UTC clock hours. cjerr counts every POST (retries included) as a delivery,
    and an hour without deliveries as not failing; CJ documents neither. Thread-safe.
    """

    def __init__(self, threshold: float = SUCCESS_THRESHOLD, hours: int = CLOSING_HOURS) -> None:
        self.threshold = threshold
        self.hours = hours
        self._counts: dict[str, dict[int, list[int]]] = {}
        self._closed: set[str] = set()
        self._lock = threading.Lock()

    def record(self, topic: str, ok: bool, at: float) -> None:
        hour = int(at // 3600)
        with self._lock:
            per_hour = self._counts.setdefault(topic, {})
            counts = per_hour.setdefault(hour, [0, 0])
            counts[0] += int(ok)
            counts[1] += 1
            for old in [key for key in per_hour if key < hour - self.hours - 1]:
                del per_hour[old]

    def rates(self, topic: str, now: float) -> list[tuple[int, int]]:
        """(succeeded, delivered) for each of the previous complete hours, oldest first."""
        current = int(now // 3600)
        with self._lock:
            per_hour = self._counts.get(topic, {})
            return [tuple(per_hour.get(hour, [0, 0])) for hour in range(current - self.hours, current)]  # type: ignore[misc]

    def closed(self, topic: str, now: float) -> bool:
        """True once the rule has fired for ``topic``; it stays closed until ``reopen``."""
        with self._lock:
            if topic in self._closed:
                return True
        rates = self.rates(topic, now)
        failing = all(total > 0 and succeeded < self.threshold * total for succeeded, total in rates)
        if failing:
            with self._lock:
                self._closed.add(topic)
        return failing

    def reopen(self, topic: str) -> None:
        """Switch a topic on again (``/webhook/set`` with ``ENABLE``): its history starts afresh."""
        with self._lock:
            self._closed.discard(topic)
            self._counts.pop(topic, None)


@dataclass(frozen=True)
class Delivery:
    """One message and every POST it took; ``ok`` when one of them got HTTP 200 within 3 s."""

    url: str
    topic: str
    message_type: str
    message_id: str
    body_bytes: int
    attempts: tuple[Attempt, ...]
    skipped: str | None = None  # why nothing was sent (the topic is closed)
    topic_closed: bool = False

    @property
    def ok(self) -> bool:
        return any(attempt.ok for attempt in self.attempts)

    @property
    def last(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "topic": self.topic,
            "messageType": self.message_type,
            "messageId": self.message_id,
            "body_bytes": self.body_bytes,
            "ok": self.ok,
            "skipped": self.skipped,
            "topic_closed": self.topic_closed,
            "attempts": [attempt.as_dict() for attempt in self.attempts],
        }


Journal = Callable[[dict[str, Any]], None]


@dataclass
class Deliverer:
    """Delivers signed messages the way CJ does: POST, 3-second rule, up to 3 retries, closing rule.

    The mock calls ``deliver_async`` from its request handlers; ``journal`` receives one record per
    attempt (``"event": "webhook.attempt"``) and one per message (``"event": "webhook.delivery"``), with
    no secret in them. ``clock`` and ``sleep`` can be replaced in tests.

    For a CJ stand-in: keep one Deliverer per openId (the one getAccessToken returned for the token),
    check each ``/webhook/set`` URL with ``registration_error``, call ``health.reopen(topic)`` for every
    topic an ``ENABLE`` switches on (``topics_for_setting``), and call ``deliver_async(url, topic, params,
    message_type=...)`` after each state change; ``join`` before shutting down.
    """

    open_id: str | int
    journal: Journal | None = None
    retries: int = MAX_RETRIES
    retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS
    timeout: float = DELIVERY_TIMEOUT
    wait: float | None = None
    verify_tls: bool = True
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    health: TopicHealth = field(default_factory=TopicHealth)
    _threads: list[threading.Thread] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        check_key(self.open_id)  # fail now, not in a background thread
        if not 0 <= self.retries <= MAX_RETRIES:
            raise ValueError(f"retries must be 0-{MAX_RETRIES} (CJ retries a delivery up to {MAX_RETRIES} times)")

    def _note(self, record: dict[str, Any]) -> None:
        if self.journal is not None:
            try:
                self.journal(record)
            except Exception:  # noqa: BLE001 - a broken journal must not stop deliveries
                pass

    def deliver_body(self, url: str, body: bytes, topic: str, message_type: str, message_id: str) -> Delivery:
        """Send ``body`` (signed here) with CJ's retries; blocks until done."""
        name = topic_named(topic).name
        base = {"url": url, "topic": name, "messageType": message_type, "messageId": message_id}
        if self.health.closed(name, self.clock()):
            delivery = Delivery(url, name, message_type, message_id, len(body), (), "topic closed", True)
            self._note({"event": "webhook.delivery", **delivery.as_dict()})
            return delivery
        signature = sign(body, self.open_id)
        attempts: list[Attempt] = []
        for number in range(1, self.retries + 2):
            if number > 1:
                delays = list(self.retry_delays) or [0.0]
                self.sleep(delays[min(number - 2, len(delays) - 1)])
            attempt = post_signed(
                url,
                body,
                signature,
                timeout=self.timeout,
                wait=self.wait,
                verify_tls=self.verify_tls,
                number=number,
                clock=self.clock,
            )
            attempts.append(attempt)
            self.health.record(name, attempt.ok, attempt.at)
            self._note({"event": "webhook.attempt", **base, **attempt.as_dict()})
            if attempt.ok:
                break
        closed = self.health.closed(name, self.clock())
        delivery = Delivery(url, name, message_type, message_id, len(body), tuple(attempts), None, closed)
        self._note({"event": "webhook.delivery", **delivery.as_dict()})
        return delivery

    def deliver(self, url: str, topic: str, params: Any, *, message_type: str = "UPDATE") -> Delivery:
        """Build the message for ``params``, sign it with the openId, and deliver it; blocks until done."""
        document = message(topic, message_type, params, open_id=self.open_id)
        return self.deliver_body(
            url, encode(document), document["type"], document["messageType"], document["messageId"]
        )

    def deliver_async(self, url: str, topic: str, params: Any, *, message_type: str = "UPDATE") -> threading.Thread:
        """Like ``deliver``, on a daemon thread; the message is built (and checked) before this returns."""
        document = message(topic, message_type, params, open_id=self.open_id)
        body = encode(document)
        worker = threading.Thread(
            target=self.deliver_body,
            args=(url, body, document["type"], document["messageType"], document["messageId"]),
            name=f"cjerr-webhook-{document['type'].lower()}",
            daemon=True,
        )
        with self._lock:
            self._threads = [thread for thread in self._threads if thread.is_alive()]
            self._threads.append(worker)
        worker.start()
        return worker

    def join(self, timeout: float | None = None) -> bool:
        """Wait for deliveries in flight (at most ``timeout`` seconds); True when none is left."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            thread.join(left)
        return not any(thread.is_alive() for thread in threads)


def what_cj_does(attempt: Attempt | None, *, retried: bool = False) -> list[str]:
    """What CJ would do after a delivery that ended with ``attempt``, in plain sentences."""
    if attempt is not None and attempt.ok:
        return ["CJ counts this delivery as a success"]
    lines = [
        "CJ counts this delivery as failed"
        + ("" if retried else f" and retries it (up to {MAX_RETRIES} times; the schedule is not published)"),
        f"a topic is closed when under {SUCCESS_THRESHOLD:.0%} of its deliveries succeed in each of the "
        f"{CLOSING_HOURS} previous full hours; switch it on again with /webhook/set",
    ]
    if attempt is not None and attempt.status is not None and 300 <= attempt.status < 400:
        lines.insert(1, "a redirect is a failure: register the final URL")
    if attempt is not None and attempt.status == 200:
        lines.insert(1, f"answer within {DELIVERY_TIMEOUT:g} s: acknowledge first, do the work in the background")
    return lines
