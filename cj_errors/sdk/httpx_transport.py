"""httpx transports that know CJ: they read each answer's body, retry what the code table allows, and pace calls.

::

    client = httpx.Client(base_url=BASE, headers={"CJ-Access-Token": token}, transport=CJTransport())
    data = cj_errors.raise_for_cj(client.get("/product/query", params={"pid": pid}))

A status-based retry layer cannot see that CJ answers most errors with HTTP 200. These transports explain
every answer with cjerr's table (``cj_errors.explain``) and follow ``cj_errors.requests.retrypolicy``, the same policy
``cjerr probe`` uses: only a temporary answer is retried (1600000 at most 3 tries, a bare 429 once, 1600200
after its QPS window), with doubling waits and jitter, never a call that changes data (unless
``retry_mutating``), never spent points or a used-up quota, never the token endpoints' own throttle. When
the retries are used up the last answer is returned as it is: ``raise_for_cj`` turns it into an exception.
A call that changes data (refreshAccessToken included: it replaces the token pair) whose connection timed
out or broke off after the request may have been sent raises ``OutcomeUnknownError`` (from the httpx
error): it may have worked, so it is neither retried nor reported as a network error that invites a resend.

Pacing (``cj_errors.sdk.pacing``): calls that carry the same ``CJ-Access-Token`` are spaced so that no second
holds more than ``qps`` of them, across threads, tasks and processes on the machine; getAccessToken and
refreshAccessToken follow their own stricter limit. A pace that would need a wait longer than
``max_pace_wait`` is not waited out: the call is not sent and ``RateLimitError`` is raised with
``retry_after``. ``budget`` is a ``PointsBudget``: the day's points spent, from the catalog's points per call.

Answers are read up to ``max_body`` bytes (default ``limits.RESPONSE_BODY_BYTES``, 16 MiB, as ``cjerr probe``),
the decompressed size included: a longer body, or a small gzip body that would inflate past it, raises
``ResponseTooLargeError`` instead of filling the memory. The answer handed back is decoded (its
``Content-Encoding`` dropped), so reading it does not inflate it a second time. ``client.stream()`` goes
through the same cap: a transport must read the body to judge it.

This module imports httpx; ``cj_errors`` loads it only when ``CJTransport`` or ``AsyncCJTransport`` is used.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Generator, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx

from cj_errors.base import limits, redact
from cj_errors.reading import reconcile
from cj_errors.reading.explanation import Explanation, explain_response
from cj_errors.requests import nospend, retrypolicy
from cj_errors.sdk import limiter, pacing
from cj_errors.sdk.budget import PointsBudget
from cj_errors.sdk.exceptions import NotEnvelopeError, OutcomeUnknownError, RateLimitError, outcome_unknown
from cj_errors.table import catalog

__all__ = ["AsyncCJTransport", "CJTransport", "ResponseTooLargeError"]


class ResponseTooLargeError(httpx.DecodingError):
    """An answer longer than the transport's ``max_body``, counted after decompression; it is not read further.

    Not a ``TransportError``, so it is never retried: the request was sent, and for a call that changes data
    its outcome is unknown.
    """


_SLICE_BYTES = 256  # compressed input decoded at a time: zlib inflates 256 bytes to about 264 KB at most

TOKEN_HEADER = "CJ-Access-Token"
_NETWORK_ERRORS: tuple[tuple[type[Exception], str, bool], ...] = (
    # (httpx exception, kind, retryable): as cj_errors.requests.transport names them for probe
    (httpx.ConnectTimeout, "timeout", True),
    (httpx.TimeoutException, "timeout", True),
    (httpx.ConnectError, "connect", True),
    (httpx.RemoteProtocolError, "dropped", True),
    (httpx.ReadError, "dropped", True),
    (httpx.WriteError, "dropped", True),
)

# Failures that happen before any byte of the request leaves: a call that changes data cannot have worked.
_NEVER_SENT: tuple[type[Exception], ...] = (
    httpx.ConnectTimeout,
    httpx.ConnectError,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
    httpx.ProxyError,
)


def catalog_path(url_path: str) -> str:
    """The path CJ routes on: what follows the first /api2.0/v1 (the whole path without one)."""
    index = url_path.find(catalog.API_PREFIX + "/")
    return url_path[index + len(catalog.API_PREFIX) :] if index != -1 else url_path


@dataclass(frozen=True)
class _Call:
    path: str
    endpoint: catalog.Endpoint | None
    mutating: bool
    pacer: limiter.Bucket | None
    token: str | None = None


class _Policy:
    """What the sync and async transports share: pacing, the retry decision and the points count."""

    def __init__(
        self,
        qps: float,
        retries: int,
        retry_mutating: bool,
        backoff: float,
        jitter: float,
        max_pace_wait: float | None,
        budget: PointsBudget | int | None,
        state_dir: Path | None,
        share_pacing: bool,
        rng: Callable[[], float],
        clock: Callable[[], float],
        pacing_url: str | None = None,
    ) -> None:
        if retries < 0:
            raise ValueError("retries cannot be negative")
        self.qps = qps
        self.max_tries = 1 + retries
        self.retry_mutating = retry_mutating
        self.backoff = backoff
        self.jitter = jitter
        self.max_pace_wait = max_pace_wait
        self.budget = budget if isinstance(budget, PointsBudget) else PointsBudget(budget)
        self.state_dir = state_dir
        self.share_pacing = share_pacing
        self.rng = rng
        self.clock = clock
        self.last_explanation: Explanation | None = None
        # pacing_url (else $CJERR_PACING_URL) names where the pace is shared: the lock file, memory: or redis://
        backend = limiter.open_backend(
            pacing_url or limiter.pacing_url_from_env(), state_dir=state_dir, share=share_pacing, clock=clock
        )
        self.limiter = limiter.Limiter(backend, qps)
        self.login_pacing: bool | None = None

    def plan(self, request: httpx.Request) -> _Call:
        redact.register(request.headers.get(TOKEN_HEADER))  # masked in any error it may be echoed in
        try:
            content: bytes | None = request.content
        except httpx.RequestNotRead:  # a streamed body: nothing to look into before it is sent
            content = None
        redact.register_sent(request.url.params.multi_items(), content)  # a refreshToken, say
        path = catalog_path(request.url.path)
        endpoint = catalog.find(path)
        mutating = catalog.is_mutating(endpoint, request.method)
        token = request.headers.get(TOKEN_HEADER)
        pacer = self.limiter.bucket_for(path, request.url.host, token, login_limit=self.login_pacing)
        return _Call(path, endpoint, mutating, pacer, token)

    def pace(self, call: _Call, allowance: float | None) -> float:
        """Book the call's next slot, waiting at most ``allowance`` (what is left of max_pace_wait)."""
        if call.pacer is None:
            return 0.0
        try:
            return call.pacer.reserve(allowance)
        except pacing.PaceRefused as refused:
            raise RateLimitError(
                f"not sent: {refused}; that is longer than max_pace_wait ({self.max_pace_wait:g} s)"
                + (
                    ", and every attempt counts against this endpoint's own throttle"
                    if call.path in pacing.AUTH_LIMITS
                    else ""
                ),
                retry_after=refused.wait,
            ) from None

    def judge(self, call: _Call, number: int, status: int, headers: httpx.Headers, body: bytes) -> float | None:
        """The wait before trying again, or None to return this answer."""
        self.budget.record(call.path)
        explanation = explain_response(body, status, headers.get("content-type"), path=call.path)
        self.last_explanation = explanation
        self.budget.observe(explanation.points)
        document = explanation.envelope.document if explanation.envelope is not None else None
        self.limiter.note_answer(call.path, call.token, call.pacer, explanation.limit, document)
        decision = retrypolicy.answer_decision(explanation, number, call.endpoint)
        minimum = decision.minimum_wait
        header = retrypolicy.retry_after_seconds(headers.get("retry-after"))
        if header is not None:
            minimum = max(minimum, header)
        return self._wait(call, number, decision.retry, minimum)

    def judge_error(self, call: _Call, number: int, error: Exception) -> float | None:
        kind, retryable = next(((k, r) for cls, k, r in _NETWORK_ERRORS if isinstance(error, cls)), ("other", False))
        decision = retrypolicy.error_decision(kind, retryable)
        return self._wait(call, number, decision.retry, decision.minimum_wait)

    def unknown(self, call: _Call, request: httpx.Request, error: Exception, sent: bool) -> OutcomeUnknownError | None:
        """The error to raise instead of ``error`` when a call that changes data may have been sent; else None."""
        if not call.mutating or not (sent or not isinstance(error, _NEVER_SENT)):
            return None
        what = f"got no answer ({type(error).__name__}: {str(error).splitlines()[0] if str(error) else 'no detail'})"
        return outcome_unknown(
            call.path, request.method, request.content, what, query=request.url.query.decode("ascii", "replace")
        )

    def not_tried_again(self, call: _Call, request: httpx.Request, refused: Exception) -> OutcomeUnknownError:
        """A retry the pace refused, after a try of a call that changes data that may have worked."""
        return outcome_unknown(
            call.path,
            request.method,
            request.content,
            f"was not tried again ({refused}) after a try that may have worked",
            query=request.url.query.decode("ascii", "replace"),
        )

    def doubtful(self, call: _Call) -> bool:
        """Whether the answer just judged leaves a call that changes data unknown (it may have worked)."""
        explanation = self.last_explanation
        return call.mutating and explanation is not None and reconcile.leaves_outcome_unknown(explanation)

    def after_doubt(self, call: _Call, request: httpx.Request) -> OutcomeUnknownError | None:
        """With retry_mutating: the last answer failed after an earlier try that may have worked."""
        explanation = self.last_explanation
        if not call.mutating or explanation is None or explanation.ok:
            return None
        return outcome_unknown(
            call.path,
            request.method,
            request.content,
            f"was tried again after a try that may have worked, and the last try failed ({explanation.verdict})",
            query=request.url.query.decode("ascii", "replace"),
            explanation=explanation,
        )

    def _wait(self, call: _Call, number: int, retry: bool, minimum: float) -> float | None:
        if not retry or number >= self.max_tries or retrypolicy.mutation_blocks(call.mutating, self.retry_mutating):
            return None
        return retrypolicy.backoff_wait(number, minimum, self.backoff, self.jitter, self.rng)


class _Collector:
    """The raw body as it arrives, refused once it passes ``cap`` (or when the server announces more)."""

    def __init__(self, response: httpx.Response, cap: int) -> None:
        self.cap = cap
        self.chunks: list[bytes] = []
        self.size = 0
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > cap:
            raise ResponseTooLargeError(f"the server announced a {int(declared):,}-byte body; the limit is {cap:,}")

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.cap:
            raise ResponseTooLargeError(f"the body passed the {self.cap:,}-byte limit; it was not read further")
        self.chunks.append(chunk)

    def raw(self) -> bytes:
        return b"".join(self.chunks)


class _Slices(httpx.SyncByteStream):
    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self._raw), _SLICE_BYTES):
            yield self._raw[start : start + _SLICE_BYTES]


def _decoded(response: httpx.Response, raw: bytes, cap: int) -> bytes | None:
    """The body as the caller will see it (gzip and the like undone), or None when it cannot be decoded.

    Compressed bodies are inflated a slice at a time and counted, so a gzip bomb stops at ``cap``.
    """
    if response.headers.get("content-encoding", "identity").strip().lower() in ("", "identity"):
        return raw
    copy = httpx.Response(response.status_code, headers=response.headers, stream=_Slices(raw))
    pieces: list[bytes] = []
    size = 0
    try:
        for piece in copy.iter_bytes():
            size += len(piece)
            if size > cap:
                raise ResponseTooLargeError(
                    f"the body inflates past the {cap:,}-byte limit ({len(raw):,} bytes compressed); not inflated"
                )
            pieces.append(piece)
    except httpx.DecodingError as error:
        if isinstance(error, ResponseTooLargeError):
            raise
        return None
    return b"".join(pieces)


def _copy(response: httpx.Response, request: httpx.Request, raw: bytes, decoded: bytes | None) -> httpx.Response:
    """The answer handed back: decoded (so the caller's read does not inflate it again), or raw if undecodable."""
    headers = httpx.Headers(response.headers)
    body = raw
    if decoded is not None and decoded is not raw:
        body = decoded
        del headers["content-encoding"]
        headers["content-length"] = str(len(body))
    return httpx.Response(
        response.status_code,
        headers=headers,
        stream=httpx.ByteStream(body),
        extensions=response.extensions,
        request=request,
    )


# --- one exchange, for the sync and the async transport alike ---------------------------------------
#
# The retry loop is written once, as a generator that says what it needs (sleep, send, read a body) and is
# told what happened; CJTransport and AsyncCJTransport only carry its steps out, blocking or awaiting.


@dataclass(frozen=True)
class _Sleep:
    seconds: float


@dataclass(frozen=True)
class _Read:
    response: httpx.Response  # read its raw body (at most max_body bytes) and close it; answer with the bytes


_SEND = object()  # send the request once; answer with the response, or with the httpx.TransportError raised


def _exchange(
    policy: _Policy, call: _Call, request: httpx.Request, max_body: int
) -> Generator[_Sleep | _Read | object, object, httpx.Response]:
    """Pace, send, judge and retry one request; the value it returns is the answer handed to the caller."""
    number = 0
    sent = False  # an earlier try of a call that changes data may have worked (only with retry_mutating)
    while True:
        number += 1
        try:
            for delay in limiter.turn_waits(partial(policy.pace, call), policy.max_pace_wait, clock=policy.clock):
                yield _Sleep(delay)
        except (RateLimitError, pacing.PacingUnavailable) as refused:
            if sent and call.mutating:  # an earlier try may have worked: "not sent" would invite a repeat
                raise policy.not_tried_again(call, request, refused) from refused
            raise
        outcome = yield _SEND
        if isinstance(outcome, httpx.TransportError):
            wait = policy.judge_error(call, number, outcome)
            if wait is None:
                unknown = policy.unknown(call, request, outcome, sent)
                if unknown is not None:
                    raise unknown from outcome
                raise outcome
            sent = sent or not isinstance(outcome, _NEVER_SENT)
            yield _Sleep(wait)
            continue
        assert isinstance(outcome, httpx.Response)
        if outcome.is_redirect:  # 301/302/303/307/308 with a Location
            try:
                yield _Read(outcome)  # read (bounded) and closed: no client gets it to follow
            except (httpx.TransportError, httpx.DecodingError):
                pass  # the redirect is the answer either way
            raise _redirect_error(call, request, outcome)
        raw: bytes | None = None
        decoded: bytes | None = None
        if outcome.is_stream_consumed:  # a chained transport that read the body itself
            body = outcome.content
            if len(body) > max_body:
                too_long = ResponseTooLargeError(f"the body passed the {max_body:,}-byte limit")
                unknown = policy.unknown(call, request, too_long, True)
                raise (unknown or too_long) from None
        else:
            try:
                read = yield _Read(outcome)
            except (httpx.TransportError, httpx.DecodingError) as broken:  # the body broke off, or was too long
                unknown = policy.unknown(call, request, broken, True)
                if unknown is not None:
                    raise unknown from broken
                raise
            assert isinstance(read, bytes)
            raw = read
            try:
                decoded = _decoded(outcome, raw, max_body)
            except ResponseTooLargeError as too_large:  # a gzip bomb: the answer cannot be read
                unknown = policy.unknown(call, request, too_large, True)
                raise (unknown or too_large) from None
            body = raw if decoded is None else decoded
        wait = policy.judge(call, number, outcome.status_code, outcome.headers, body)
        if wait is None:
            unknown = policy.after_doubt(call, request) if sent else None
            if unknown is None and raw is not None and decoded is None:
                # The caller's read would raise httpx.DecodingError, which says nothing of a change the call made.
                undecodable = httpx.DecodingError("the answer's Content-Encoding does not decode")
                unknown = policy.unknown(call, request, undecodable, True)
            if unknown is not None:
                raise unknown
            return outcome if raw is None else _copy(outcome, request, raw, decoded)
        sent = sent or policy.doubtful(call)
        yield _Sleep(wait)


def _redirect_error(call: _Call, request: httpx.Request, response: httpx.Response) -> Exception:
    """The error for a redirect: CJ's API sends none, and a client that followed it would send the call, with its
    CJ-Access-Token, to another address outside the pace (``cjerr proxy`` refuses them too)."""
    where = response.headers.get("location", "")[:200]
    what = f"was answered {response.status_code}, a redirect to {where}, which cjerr does not follow"
    if call.mutating:
        query = request.url.query.decode("ascii", "replace")
        return outcome_unknown(call.path, request.method, request.content, what, query=query)
    return NotEnvelopeError(f"{request.method} {call.path} {what}", http_status=response.status_code)


class _Options:
    def __init__(
        self,
        *,
        qps: float = 1.0,
        retries: int = 2,
        retry_mutating: bool = False,
        backoff: float = retrypolicy.DEFAULT_BACKOFF,
        jitter: float = 0.5,
        max_pace_wait: float | None = retrypolicy.LONGEST_WAIT,
        budget: PointsBudget | int | None = None,
        state_dir: Path | str | None = None,
        share_pacing: bool = True,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        pacing_url: str | None = None,
        max_body: int = limits.RESPONSE_BODY_BYTES,
        no_spend: bool | None = None,
    ) -> None:
        if max_body <= 0:
            raise ValueError("max_body must be a positive number of bytes")
        self.max_body = max_body
        self.no_spend = nospend.env_enabled() if no_spend is None else no_spend
        self._policy = _Policy(
            qps,
            retries,
            retry_mutating,
            backoff,
            jitter,
            max_pace_wait,
            budget,
            Path(state_dir) if state_dir is not None else None,
            share_pacing,
            rng,
            clock,
            pacing_url,
        )

    @property
    def budget(self) -> PointsBudget:
        """The day's points estimate for the calls sent through this transport."""
        return self._policy.budget

    @property
    def last_explanation(self) -> Explanation | None:
        """The explanation of the last answer this transport read."""
        return self._policy.last_explanation

    def _refuse_spending(self, request: httpx.Request, call: _Call) -> None:
        """no_spend (or $CJERR_NO_SPEND): a call that pays, confirms or deletes raises before it is sent."""
        if self.no_spend:
            reason = nospend.refusal(call.path, request.method, request.content)
            if reason is not None:
                raise nospend.SpendRefused(nospend.message(reason, "no_spend"))

    @property
    def login_pacing(self) -> bool | None:
        """True: keep CJ's token-endpoint limits on the client side; False: leave them to the server; None
        (default): keep them, except against a loopback base URL."""
        return self._policy.login_pacing

    @login_pacing.setter
    def login_pacing(self, value: bool | None) -> None:
        self._policy.login_pacing = value


class CJTransport(_Options, httpx.BaseTransport):
    """An ``httpx.BaseTransport`` for CJ: body-aware retries, pacing per token, a points estimate.

    ``transport`` is the transport to send through (default ``httpx.HTTPTransport()``); ``qps`` the calls a
    second per token (default 1, CJ's free tier; 0 turns pacing off); ``retries`` the retries where
    repeating can help (default 2); ``retry_mutating`` also retries calls that change data; ``backoff`` the
    first wait (doubling); ``jitter`` the share by which a wait may grow at random; ``max_pace_wait`` the
    longest pacing wait before a call is refused instead (None: no limit); ``budget`` a daily points total
    (or a ``PointsBudget``); ``state_dir`` where pacing keeps its shared state (default: the user's cache);
    ``no_spend`` refuses calls that pay, confirm or delete (``SpendRefused`` before sending; default: on
    when ``$CJERR_NO_SPEND`` is 1); ``pacing_url`` where the pace is shared (default ``$CJERR_PACING_URL``,
    else the lock file; ``redis://HOST:PORT/DB`` for a fleet of hosts; see ``cj_errors.sdk.limiter``);
    ``max_body`` the longest answer read, decompressed (default 16 MiB; longer raises ``ResponseTooLargeError``);
    ``sleep`` and ``clock`` (monotonic seconds, shared by every process on the machine: see ``pacing``) are the
    seams a test replaces, with ``transport=httpx.MockTransport(...)``, to run the policy without waiting.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        qps: float = 1.0,
        retries: int = 2,
        retry_mutating: bool = False,
        backoff: float = retrypolicy.DEFAULT_BACKOFF,
        jitter: float = 0.5,
        max_pace_wait: float | None = retrypolicy.LONGEST_WAIT,
        budget: PointsBudget | int | None = None,
        state_dir: Path | str | None = None,
        share_pacing: bool = True,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        no_spend: bool | None = None,
        pacing_url: str | None = None,
        max_body: int = limits.RESPONSE_BODY_BYTES,
    ) -> None:
        super().__init__(
            qps=qps,
            retries=retries,
            retry_mutating=retry_mutating,
            backoff=backoff,
            jitter=jitter,
            max_pace_wait=max_pace_wait,
            budget=budget,
            state_dir=state_dir,
            share_pacing=share_pacing,
            rng=rng,
            clock=clock,
            pacing_url=pacing_url,
            max_body=max_body,
            no_spend=no_spend,
        )
        self._inner = transport if transport is not None else httpx.HTTPTransport()
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        call = self._policy.plan(request)
        request.read()  # a body sent twice must be readable twice
        self._refuse_spending(request, call)
        steps = _exchange(self._policy, call, request, self.max_body)
        reply: object = None
        failure: Exception | None = None  # a body that could not be read, thrown into the exchange
        while True:
            try:
                step = steps.throw(failure) if failure is not None else steps.send(reply)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            failure = None
            if isinstance(step, _Sleep):
                self._sleep(step.seconds)
                reply = None
            elif isinstance(step, _Read):
                try:
                    collector = _Collector(step.response, self.max_body)
                    for chunk in step.response.iter_raw():
                        collector.add(chunk)
                    reply = collector.raw()
                except (httpx.TransportError, httpx.DecodingError) as error:
                    failure = error
                finally:
                    step.response.close()
            else:
                try:
                    reply = self._inner.handle_request(request)
                except httpx.TransportError as error:
                    reply = error

    def close(self) -> None:
        self._inner.close()


class AsyncCJTransport(_Options, httpx.AsyncBaseTransport):
    """The asyncio twin of ``CJTransport`` (same options; ``sleep`` is awaited, default ``asyncio.sleep``)."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        qps: float = 1.0,
        retries: int = 2,
        retry_mutating: bool = False,
        backoff: float = retrypolicy.DEFAULT_BACKOFF,
        jitter: float = 0.5,
        max_pace_wait: float | None = retrypolicy.LONGEST_WAIT,
        budget: PointsBudget | int | None = None,
        state_dir: Path | str | None = None,
        share_pacing: bool = True,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        no_spend: bool | None = None,
        pacing_url: str | None = None,
        max_body: int = limits.RESPONSE_BODY_BYTES,
    ) -> None:
        super().__init__(
            qps=qps,
            retries=retries,
            retry_mutating=retry_mutating,
            backoff=backoff,
            jitter=jitter,
            max_pace_wait=max_pace_wait,
            budget=budget,
            state_dir=state_dir,
            share_pacing=share_pacing,
            rng=rng,
            clock=clock,
            pacing_url=pacing_url,
            max_body=max_body,
            no_spend=no_spend,
        )
        self._inner = transport if transport is not None else httpx.AsyncHTTPTransport()
        self._sleep = sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call = self._policy.plan(request)
        await request.aread()
        self._refuse_spending(request, call)
        steps = _exchange(self._policy, call, request, self.max_body)
        reply: object = None
        failure: Exception | None = None  # a body that could not be read, thrown into the exchange
        while True:
            try:
                step = steps.throw(failure) if failure is not None else steps.send(reply)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            failure = None
            if isinstance(step, _Sleep):
                await self._sleep(step.seconds)
                reply = None
            elif isinstance(step, _Read):
                try:
                    collector = _Collector(step.response, self.max_body)
                    async for chunk in step.response.aiter_raw():
                        collector.add(chunk)
                    reply = collector.raw()
                except (httpx.TransportError, httpx.DecodingError) as error:
                    failure = error
                finally:
                    await step.response.aclose()
            else:
                try:
                    reply = await self._inner.handle_async_request(request)
                except httpx.TransportError as error:
                    reply = error

    async def aclose(self) -> None:
        await self._inner.aclose()
