"""``cjerr proxy``: a local HTTP proxy in front of CJ that paces, retries safely and explains, for apps in any language.

An app points its CJ base URL at the proxy (``http://127.0.0.1:8780/api2.0/v1``); each call then:

1. waits for its turn in the shared limiter (``cj_errors.sdk.limiter``: the lock file, or ``redis://`` for a
   fleet), keyed per CJ account, the token endpoints in their own bucket;
2. goes to ``--to`` (CJ, or a loopback server such as ``cjerr mock``); another host is refused unless the
   caller allows it, so a token is never sent somewhere unexpected;
3. is tried again only where ``cj_errors.requests.retrypolicy`` allows it, and never when it changes data
   (the catalog's ``is_mutating``): a repeat could duplicate an order or a payment;
4. comes back to the app byte for byte, with only ``X-Cjerr-*`` headers added: ``X-Cjerr-Outcome``
   (``answered``, ``not-sent``, ``no-answer`` or ``unknown``), ``X-Cjerr-Code`` (CJ's code), ``X-Cjerr-Wait``
   (seconds the proxy waited: pacing and retries) and ``X-Cjerr-Tries``.

When the proxy answers itself the body is ``{"cjerr": {"outcome": ..., "message": ...}}`` and:

* 503 ``not-sent``: the call never left (the pacing state is unreachable, CJ could not be connected to);
  safe to send again. 429 ``not-sent`` with ``Retry-After``: keeping to the limit would mean waiting longer
  than ``--max-pace-wait``;
* 502 ``no-answer``: a read call was sent but no answer came, after the retries; safe to send again;
* 502 ``unknown``: a call that changes data was sent and its answer was lost: it may have worked. Check
  (list the orders) before sending it again. The same header on an answer passed through (a gateway's 502 or
  504 page, a body that is not CJ's envelope) says the same of that answer.

Every CJ error prints one explained line on stdout as it happens (tokens masked), after the base URL on the
first line; ``--journal FILE`` appends one JSON line per call that ``cjerr explain`` reads; ``--record DIR``
writes masked request/answer pairs (``cj_errors.sdk.recording``) that ``cjerr mock --replay DIR`` serves.

Standard library HTTP on both sides (``http.server``, ``http.client``): no httpx, so it starts fast.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import json
import os
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, TextIO, cast
from urllib.parse import urlsplit

from cj_errors.base import limits
from cj_errors.base.errors import CliError
from cj_errors.base.escaping import escaped
from cj_errors.base.exits import ExitStatus
from cj_errors.base.httpguard import LocalServer
from cj_errors.base.inputs import is_loopback
from cj_errors.base.redact import json_value, mask, scrub
from cj_errors.reading import reconcile
from cj_errors.reading.explanation import Explanation, explain_response
from cj_errors.requests import retrypolicy
from cj_errors.sdk import limiter, pacing
from cj_errors.sdk.recording import Recorder, canonical_query
from cj_errors.table import catalog

__all__ = [
    "CODE_HEADER",
    "OUTCOME_HEADER",
    "TRIES_HEADER",
    "WAIT_HEADER",
    "ProxyConfig",
    "RunningProxy",
    "build_config",
    "serve",
    "start",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8780
OUTCOME_HEADER = "X-Cjerr-Outcome"
CODE_HEADER = "X-Cjerr-Code"
WAIT_HEADER = "X-Cjerr-Wait"
TRIES_HEADER = "X-Cjerr-Tries"
TOKEN_HEADER = "CJ-Access-Token"
CJ_HOST = urlsplit(catalog.BASE_URL).hostname or ""
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


def build_config(
    *,
    target: str,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    qps: float = 1.0,
    pacing_url: str | None = None,
    journal: Path | str | None = None,
    record: Path | str | None = None,
    retries: int = 2,
    max_pace_wait: float = retrypolicy.LONGEST_WAIT,
    timeout: float = 30.0,
    allow_any_host: bool = False,
) -> ProxyConfig:
    """Check the options; every problem is a one-line CliError (exit 2, usage)."""
    try:
        parts = urlsplit(target.strip())
        upstream_port = parts.port
    except ValueError as error:
        raise CliError(f"--to {scrub(target)!r} is not a URL: {error}", ExitStatus.USAGE) from None
    scheme, upstream_host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in ("http", "https") or not upstream_host:
        raise CliError(
            f"--to needs an http:// or https:// base URL such as {catalog.BASE_URL}, got {scrub(target)!r}",
            ExitStatus.USAGE,
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise CliError("--to takes a base URL without credentials, query or fragment", ExitStatus.USAGE)
    loopback = is_loopback(upstream_host)
    if not allow_any_host and not loopback and upstream_host.lower().rstrip(".") != CJ_HOST:
        raise CliError(
            f"--to {upstream_host} is neither CJ's API host ({CJ_HOST}) nor this machine: the proxy would send "
            "your access tokens there. Give --allow-any-host if that host is yours",
            ExitStatus.USAGE,
        )
    if scheme == "http" and not loopback and not allow_any_host:
        raise CliError(
            f"--to {upstream_host} over plain http would send tokens in clear; use https://", ExitStatus.USAGE
        )
    if not 0 <= port <= 65535:
        raise CliError(f"--port must be from 0 to 65535, got {port}", ExitStatus.USAGE)
    if not qps >= 0 or qps > 1000:
        raise CliError(f"--qps must be from 0 (no account pacing) to 1000, got {qps}", ExitStatus.USAGE)
    if retries < 0 or retries > 10:
        raise CliError(f"--retries must be from 0 to 10, got {retries}", ExitStatus.USAGE)
    if not 0 < timeout <= 600:
        raise CliError(f"--timeout must be more than 0 and at most 600 seconds, got {timeout}", ExitStatus.USAGE)
    warnings = []
    if not is_loopback(host):
        warnings.append(f"listening on {host}, not loopback: other machines can send calls with your account")
    if upstream_port is None and parts.path.rstrip("/") not in ("", catalog.API_PREFIX):
        warnings.append(f"--to path {parts.path} is not {catalog.API_PREFIX}")
    return ProxyConfig(
        target=f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}",
        host=host.strip(),
        port=port,
        qps=qps,
        pacing_url=pacing_url.strip() if pacing_url and pacing_url.strip() else None,
        journal=Path(journal) if journal is not None else None,
        record=Path(record) if record is not None else None,
        retries=retries,
        max_pace_wait=max_pace_wait,
        timeout=timeout,
        warnings=tuple(warnings),
    )


# --- what one call came to -----------------------------------------------------------------------------


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
            connection.putheader("Host", self.host if self.port in (80, 443) else f"{self.host}:{self.port}")
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
            decoded = _decoded(answer_headers, raw)
            content_type = next((v for k, v in answer_headers if k.lower() == "content-type"), None)
            explanation = explain_response(decoded, status, content_type, path=path)
            if path in limiter.LEARN_PATHS and explanation.envelope is not None:
                with contextlib.suppress(pacing.PacingUnavailable):
                    self.limiter.learn(path, token, explanation.envelope.document)
            if bucket is not None:
                with contextlib.suppress(pacing.PacingUnavailable):
                    if explanation.limit in ("qps", "bare_429"):
                        bucket.slow_down()  # every member of the fleet slows down
                    elif explanation.envelope is not None:
                        bucket.recover()
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


# --- what the proxy tells: event lines, the journal, recordings -------------------------------------------


class Reporter:
    """Event lines on stdout (a closed stdout stops them, not the proxy), the journal and the recordings."""

    def __init__(self, config: ProxyConfig, stdout: TextIO, stderr: TextIO) -> None:
        self._stdout: TextIO | None = stdout
        self._stderr = stderr
        self._lock = threading.Lock()
        self._journal: TextIO | None = None
        if config.journal is not None:
            try:
                handle = os.open(config.journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            except OSError as error:
                raise CliError(
                    f"cannot write the journal {config.journal}: {error.strerror or error}", ExitStatus.CONFIG
                ) from None
            self._journal = os.fdopen(handle, "a", encoding="utf-8")
        self._recorder: Recorder | None = None
        if config.record is not None:
            try:
                self._recorder = Recorder(config.record)
            except OSError as error:
                raise CliError(
                    f"cannot record into {config.record}: {error.strerror or error}", ExitStatus.CONFIG
                ) from None

    def out(self, text: str) -> None:
        with self._lock:
            if self._stdout is None:
                return
            try:
                self._stdout.write(text + "\n")
                self._stdout.flush()
            except (OSError, ValueError):
                self._stdout = None  # a closed pipe (| head): keep proxying, stop telling
                self.err("cjerr proxy: stdout is closed; event lines stop, the proxy goes on")

    def err(self, text: str) -> None:
        try:
            self._stderr.write(text + "\n")
            self._stderr.flush()
        except (OSError, ValueError):
            pass

    def call(self, method: str, target: str, token: str | None, body: bytes, result: Result, elapsed: float) -> None:
        split = urlsplit(target)
        path = catalog_relative(split.path)
        explanation = result.explanation
        code = explanation.code if explanation is not None else None
        failed = result.outcome != "answered" or (explanation is not None and not explanation.ok)
        if failed:
            self.out(event_line(method, path, token, result))
        if self._journal is not None:
            entry = {
                "time": _now(),
                "method": method,
                "path": path,
                "query": canonical_query(split.query),
                "status": result.status,
                "code": code,
                "outcome": result.outcome,
                "tries": result.tries,
                "wait": round(result.waited, 3),
                "ms": round(elapsed * 1000, 1),
                "token": mask(token) if token else None,
                "body": _journal_body(result),
            }
            line = json.dumps(entry, ensure_ascii=False)
            with self._lock:
                try:
                    self._journal.write(line + "\n")
                    self._journal.flush()
                except (OSError, ValueError) as error:
                    self.err(f"cjerr proxy: cannot write the journal: {error}")
        if self._recorder is not None and result.outcome == "answered":
            try:
                headers = dict(result.headers)
                self._recorder.record(method, path, split.query, body, result.status, headers, result.decoded)
            except OSError as error:
                self.err(f"cjerr proxy: cannot write a recording: {error}")

    def close(self) -> None:
        if self._journal is not None:
            with contextlib.suppress(OSError):
                self._journal.close()


def _journal_body(result: Result) -> Any:
    raw = result.decoded if result.outcome == "answered" else result.body
    if not raw:
        return None
    try:
        return json_value(json.loads(raw))
    except (ValueError, RecursionError):
        return scrub(raw[: limits.RECORDED_BODY_CHARS].decode("utf-8", "replace"))


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def event_line(method: str, path: str, token: str | None, result: Result) -> str:
    """One line per CJ error or proxy answer: when, what, CJ's code and message, what the proxy did."""
    stamp = datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3]
    explanation = result.explanation
    parts = [stamp, method, escaped(scrub(path)), "->"]
    if explanation is None:
        parts += [f"{result.status} {result.outcome}:", escaped(scrub(result.note))]
    else:
        code = explanation.code if explanation.code is not None else f"HTTP {result.status}"
        message = explanation.envelope.message if explanation.envelope is not None else None
        parts += [str(code), escaped(scrub(message or explanation.verdict))]
        title = explanation.entry.title if explanation.entry is not None else None
        if title and title != message:
            parts.append(f"({escaped(title)})")
        if result.note:
            parts.append(f"- {escaped(scrub(result.note))}")
    parts.append(f"tries={result.tries}")
    if result.waited:
        parts.append(f"waited={result.waited:.2f}s")
    parts.append(f"token={mask(token) if token else '-'}")
    if explanation is not None and explanation.request_id:
        parts.append(f"requestId={escaped(scrub(explanation.request_id))}")
    return " ".join(parts)


# --- HTTP ------------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cjerr-proxy"
    timeout = 120
    disable_nagle_algorithm = True

    @property
    def _proxy(self) -> ProxyServer:
        return cast(ProxyServer, self.server)

    def version_string(self) -> str:
        return self.server_version

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log_message(self, format: str, *args: Any) -> None:
        self._proxy.reporter.err(f"cjerr proxy: {self.client_address[0]} {scrub(format % args)}")

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_GET

    def _serve(self) -> None:
        started = time.monotonic()
        headers = list(self.headers.items())
        token = self.headers.get(TOKEN_HEADER)
        length = self.headers.get("Content-Length")
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            result = _own_answer(411, "not-sent", "send a Content-Length (chunked bodies are not forwarded)", 0, 0)
            self.close_connection = True
        elif length is not None and (not length.strip().isdigit() or int(length) > limits.PROXY_REQUEST_BODY_BYTES):
            result = _own_answer(
                413, "not-sent", f"a body needs a Content-Length up to {limits.PROXY_REQUEST_BODY_BYTES}", 0, 0
            )
            self.close_connection = True
        else:
            body = self.rfile.read(int(length)) if length else b""
            if not urlsplit(self.path).path.startswith(catalog.API_PREFIX + "/"):
                result = _own_answer(
                    404, "not-sent", f"the proxy forwards paths under {catalog.API_PREFIX}/ only", 0, 0
                )
            else:
                result = self._proxy.forwarder.forward(self.command, self.path, headers, body)
            self._proxy.reporter.call(self.command, self.path, token, body, result, time.monotonic() - started)
        self._write(result)

    def _write(self, result: Result) -> None:
        self.send_response_only(result.status)  # no Server or Date of our own: CJ's pass through
        for name, value in result.headers:
            self.send_header(name, value)
        self.send_header(OUTCOME_HEADER, result.outcome)
        code = result.explanation.code if result.explanation is not None else None
        if code is not None:
            self.send_header(CODE_HEADER, str(code))
        self.send_header(WAIT_HEADER, f"{result.waited:.3f}")
        self.send_header(TRIES_HEADER, str(result.tries))
        self.send_header("Content-Length", str(len(result.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(result.body)


class ProxyServer(LocalServer):
    def __init__(self, address: tuple[str, int], forwarder: Forwarder, reporter: Reporter) -> None:
        self.forwarder = forwarder
        self.reporter = reporter
        super().__init__(address, _Handler)

    def report(self, where: str, error: BaseException) -> None:
        self.reporter.err(f"cjerr proxy: request failed: {type(error).__name__}: {scrub(str(error))}")


def base_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}{catalog.API_PREFIX}"


def _open(config: ProxyConfig, stdout: TextIO, stderr: TextIO) -> tuple[ProxyServer, limiter.Backend]:
    try:
        backend = limiter.open_backend(config.pacing_url)
    except ValueError as error:
        raise CliError(f"--pacing: {error}", ExitStatus.USAGE) from None
    except ImportError as error:
        raise CliError(f"--pacing: {error}", ExitStatus.CONFIG) from None
    except pacing.PacingUnavailable as error:
        raise CliError(f"--pacing: {error}", ExitStatus.NETWORK) from None
    reporter = Reporter(config, stdout, stderr)
    explain_response(b'{"code":200,"result":true}', 200)  # load the code table now, not on the first call's time
    try:
        server = ProxyServer((config.host.strip("[]"), config.port), Forwarder(config, backend), reporter)
    except OSError as error:
        backend.close()
        reporter.close()
        hint = " (try --port 0 for a free port)" if getattr(error, "errno", None) in (48, 98, 10048) else ""
        raise CliError(
            f"cannot listen on {config.host}:{config.port}: {error.strerror or error}{hint}", ExitStatus.USAGE
        ) from None
    return server, backend


def summary(config: ProxyConfig, backend: limiter.Backend) -> str:
    qps = f"{config.qps:g} calls/s per account" if config.qps else "no account pacing"
    extra = "".join(
        f"; {label} {value}"
        for label, value in (("journal", config.journal), ("recording into", config.record))
        if value
    )
    return (
        f"cjerr proxy: forwarding to {config.target}; {qps}; pacing: {backend.description}; retries {config.retries}"
        f"{extra}; Ctrl-C stops"
    )


def serve(config: ProxyConfig, stdout: TextIO, stderr: TextIO) -> None:
    """Run until interrupted. The base URL is the first line on stdout, then one line per CJ error."""
    server, backend = _open(config, stdout, stderr)
    reporter = server.reporter
    try:
        reporter.out(base_url(config.host.strip("[]"), int(server.server_address[1])))
        for warning in config.warnings:
            reporter.err(f"cjerr proxy: warning: {warning}")
        reporter.err(summary(config, backend))
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        server.forwarder.close()
        reporter.close()
        backend.close()
        reporter.err("cjerr proxy: stopped")


class RunningProxy:
    """A proxy serving in a thread of this process (for tests and benchmarks); ``close()`` stops it."""

    def __init__(self, server: ProxyServer, backend: limiter.Backend, thread: threading.Thread, host: str) -> None:
        self._server = server
        self._backend = backend
        self._thread = thread
        self.url = base_url(host, int(server.server_address[1]))

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
        self._server.forwarder.close()
        self._server.reporter.close()
        self._backend.close()


class _Discard:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def start(*, stdout: TextIO | None = None, stderr: TextIO | None = None, **options: Any) -> RunningProxy:
    """Start a proxy on a free port in a daemon thread; ``options`` are ``build_config``'s keywords."""
    options.setdefault("port", 0)
    config = build_config(**options)
    quiet = cast(TextIO, _Discard())
    server, backend = _open(config, stdout or quiet, stderr or quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return RunningProxy(server, backend, thread, config.host.strip("[]"))


@contextlib.contextmanager
def running(**options: Any) -> Iterator[str]:
    """``with running(target=mock_url) as base_url:`` a proxy for the block."""
    proxy = start(**options)
    try:
        yield proxy.url
    finally:
        proxy.close()
