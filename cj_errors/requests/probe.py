"""Chain plan -> validate -> send (with retries) -> explain into a ProbeOutcome.

Building and validating the request needs no network code; transport (and so
httpx) is imported only when a request is actually sent.
"""

from __future__ import annotations

import json
import shlex
import time
import urllib.parse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from cj_errors.base import inputs, limits, redact
from cj_errors.base.envvars import TOKEN_ENV
from cj_errors.base.errors import CliError
from cj_errors.base.escaping import escaped
from cj_errors.base.exits import ExitStatus
from cj_errors.reading import reconcile
from cj_errors.reading.explanation import Explanation, explain_response
from cj_errors.requests import idkinds, nospend, retrypolicy, traps
from cj_errors.requests.findings import Finding, Severity
from cj_errors.requests.inline_secrets import inline_body_findings, inline_query_findings
from cj_errors.requests.parts import (
    SEVERITY_RANK,
    after_first_prefix,
    check_path_safety,
    check_plain_http,
    clean_path,
    is_utf8,
    other_host_finding,
    parse_headers,
    parse_params,
    path_findings,
    read_body,
    refuse_userinfo,
    split_url,
    url_origin,
)
from cj_errors.requests.validate import RequestPlan, has_errors, validate
from cj_errors.table import catalog, cjwording
from cj_errors.table.model import Outcome

if TYPE_CHECKING:
    from cj_errors.requests.transport import HttpRequest, Network, RawResponse, Timeouts

TOKEN_HEADER = "CJ-Access-Token"
METHODS = ("GET", "POST", "PATCH", "DELETE", "PUT")
# Whether an answer is retried, how long to wait and how often is decided by retrypolicy (shared with the
# SDK transports), from the answer's Explanation (outcome, wait_seconds, max_attempts).


class ProbeOptions(NamedTuple):
    target: str
    method: str | None = None
    data: str | None = None
    params: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    base_url: str = catalog.BASE_URL
    token: str | None = None
    timeout: float = 30.0
    connect_timeout: float = 10.0
    retries: int = 2
    retry_mutating: bool = False
    force: bool = False
    allow_other_host: bool = False
    max_body: int = limits.RESPONSE_BODY_BYTES
    backoff: float = 0.5
    reconcile: bool = False
    allow_http: bool = False  # plain HTTP to a host that is not loopback (a stand-in), never with a real token
    token_origin: str = ""  # where the token came from, for messages ("--token-file", "$CJ_ACCESS_TOKEN", ...)
    token_file: str | None = None  # the --token-file path, so --curl can read the token from it too
    no_spend: str | None = None  # what turned the no-spend guard on ("--no-spend", "$CJERR_NO_SPEND", ...)


class PreparedProbe(NamedTuple):
    """A fully built request: what would be sent, plus what validation found."""

    plan: RequestPlan
    url: str
    headers: tuple[tuple[str, str], ...]
    findings: tuple[Finding, ...]
    token: str | None
    body_from: str | None = None  # the @file path the body came from ("-": standard input); None: inline
    token_file: str | None = None
    token_origin: str = ""
    spend_refusal: str | None = None  # set when the no-spend guard refuses this call: it is never sent

    @property
    def blocked(self) -> bool:
        return has_errors(self.findings)

    def wire_headers(self) -> tuple[tuple[str, str], ...]:
        if self.token is None:
            return self.headers
        return (*self.headers, (TOKEN_HEADER, self.token))

    def shown_headers(self) -> list[tuple[str, str]]:
        return [
            (name, redact.mask(value) if redact.is_secret_name(name) else redact.scrub(value))
            for name, value in self.wire_headers()
        ]

    def shown_query(self) -> list[tuple[str, str]]:
        """The query parameters for display: values of secret names (accessToken=...) masked, the rest scrubbed."""
        return [(key, _shown_param(key, value)) for key, value in self.plan.query]

    def shown_url(self) -> str:
        """The URL for display: query values under secret names (?accessToken=...) masked, other secrets too."""
        base, separator, _ = self.url.partition("?")
        if not separator:
            return redact.scrub(self.url)
        pairs = [
            f"{urllib.parse.quote_plus(key)}="
            + (redact.mask(value) if redact.is_secret_name(key) else urllib.parse.quote_plus(value))
            for key, value in self.plan.query
        ]
        return redact.scrub(base + "?" + "&".join(pairs))

    def shown_body(self) -> Any:
        """The body for display: decoded and masked if JSON, escaped text otherwise."""
        return None if self.plan.body is None else body_for_display(self.plan.body)

    def curl(self) -> str:
        """The equivalent curl command; see curl_command() for the notes that go with it."""
        return self.curl_command().text

    def curl_command(self) -> CurlCommand:
        """A curl command that runs as printed and holds no secret.

        The token is read when the command runs, from ``$CJ_ACCESS_TOKEN`` (the variable cjerr reads) or from
        the --token-file it came from; a body from a file is read from that file; an inline body is
        shell-quoted as given. What cannot be both runnable and secret-free (a secret in the query string or
        in an inline body, a body from standard input) is masked or referred to, and a note says so.
        """
        notes: list[str] = []
        url = self.shown_url()
        if url != redact.scrub(self.url):
            notes.append("a secret in the query string is masked in the URL; put the real value back before running it")
        parts = ["curl", "-sS", "-X", self.plan.method, shlex.quote(url)]
        for name, value in self.headers:
            parts += ["-H", shlex.quote(f"{name}: {redact.scrub(value)}")]
        if self.token is not None:
            if self.token_file is not None and self.token_file != inputs.STDIN:
                # $(...) inside double quotes: the shell reads the file when the command runs.
                source = shlex.quote(inputs.shown_source(self.token_file))
                parts += ["-H", f'"{TOKEN_HEADER}: $(cat {source})"']
            else:
                parts += ["-H", f'"{TOKEN_HEADER}: ${TOKEN_ENV}"']
                if self.token_origin and self.token_origin != f"${TOKEN_ENV}":
                    notes.append(
                        f"the token came from {self.token_origin}; the command reads it from ${TOKEN_ENV}, "
                        f"so export {TOKEN_ENV} before running it"
                    )
        parts += self._curl_body(notes)
        return CurlCommand(" ".join(parts), tuple(notes))

    def _curl_body(self, notes: list[str]) -> list[str]:
        body = self.plan.body
        if body is None:
            return []
        if self.body_from == inputs.STDIN:
            notes.append("the body came from standard input: pipe the same body into the command")
            return ["--data-binary", "@-"]
        if self.body_from is not None:
            return ["--data-binary", shlex.quote("@" + inputs.shown_source(self.body_from))]
        try:
            text: str | None = body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and redact.scrub(text) == text:
            return ["--data-binary", shlex.quote(text)]
        notes.append("the body holds a secret, masked in the command; put the body in a file and use -d @file")
        shown = self.shown_body()
        masked = shown if isinstance(shown, str) else json.dumps(shown, ensure_ascii=False)
        return ["--data-binary", shlex.quote(masked)]


class CurlCommand(NamedTuple):
    text: str
    notes: tuple[str, ...] = ()


def _shown_param(key: str, value: str) -> str:
    return redact.mask(value) if redact.is_secret_name(key) else redact.scrub(value)


class Attempt(NamedTuple):
    number: int
    http_status: int | None
    elapsed: float
    verdict: str
    code: int | None = None
    error: str | None = None
    wait_after: float | None = None


class ProbeOutcome(NamedTuple):
    prepared: PreparedProbe
    sent: bool
    exit_status: ExitStatus
    attempts: tuple[Attempt, ...] = ()
    response: RawResponse | None = None
    explanation: Explanation | None = None
    transport_error: str | None = None
    notes: tuple[str, ...] = ()
    reconciliation: reconcile.Reconciliation | None = None
    unknown: bool = False  # a call that changes data got no answer (before any reconcile check)
    next_step: str | None = None  # what to do about an unknown outcome

    @property
    def shown_response_body(self) -> Any:
        """The response body as printed: decoded and masked if JSON, the escaped start of the text otherwise."""
        return None if self.response is None else body_for_display(self.response.body)

    @property
    def outcome(self) -> Outcome | None:
        """The outcome to act on: after a reconcile check, what it showed."""
        if self.reconciliation is not None and self.reconciliation.found is True:
            return Outcome.SUCCESS
        if self.reconciliation is not None and self.reconciliation.found is False:
            return Outcome.TEMPORARY
        if self.unknown:
            return Outcome.UNKNOWN
        if self.explanation is not None:
            return self.explanation.outcome
        return Outcome.TEMPORARY if self.exit_status is ExitStatus.TEMPORARY else None


# --- building -------------------------------------------------------------------------


def prepare(options: ProbeOptions, stdin: BinaryIO | None = None) -> PreparedProbe:
    """Turn CLI options into a request and its findings. Sends nothing."""
    for text in (options.base_url, options.target, *options.params):
        if not is_utf8(text):
            # A non-UTF-8 byte in argv arrives as a lone surrogate, which no URL can carry.
            raise CliError(f"{text!r} is not valid UTF-8 text", ExitStatus.INVALID_INPUT)
    base = split_url(options.base_url, "--base-url")
    refuse_userinfo(base, "--base-url")
    target = options.target.strip()
    query = parse_params(options.params)
    other_host = False
    is_url = target.lower().startswith(("http://", "https://"))
    if is_url:
        parts = split_url(target, "the URL")
        check_path_safety(parts.path)
        other_host = url_origin(parts) != url_origin(base)
        if other_host and not options.allow_other_host:
            raise CliError(
                f"refusing to send to {parts.hostname}: it is not the base URL's host ({base.hostname}); "
                "pass --allow-other-host if you mean it, or use --base-url",
                ExitStatus.CONFIG,
            )
        # After the host check: "https://cj-host@evil.example/..." is first of all another host.
        refuse_userinfo(parts, "the URL")
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + query
        origin = f"{parts.scheme}://{parts.netloc}"
        base_path, wire_path = "", clean_path(parts.path)
        scheme, host = parts.scheme, parts.hostname or ""
    else:
        if not target:
            raise CliError("give an endpoint path such as /product/query", ExitStatus.USAGE)
        # 'product/query?pid=1': the query string is kept, as for a full URL (and before -p values).
        target_path, _, target_query = target.split("#", 1)[0].partition("?")
        check_path_safety(target_path)
        query = urllib.parse.parse_qsl(target_query, keep_blank_values=True) + query
        origin = f"{base.scheme}://{base.netloc}"
        base_path = clean_path(base.path)
        endpoint_path = catalog.normalize_path(target_path)
        wire_path = clean_path(base_path + endpoint_path)
        scheme, host = base.scheme, base.hostname or ""
    # The catalog path is what CJ routes on: the part after the first /api2.0/v1 of the path sent.
    # Without one, look the bare path up anyway, so the request is still checked; path_findings says what to fix.
    after = after_first_prefix(wire_path)
    path = after if after is not None else wire_path
    url = origin + wire_path
    found_in_path = path_findings(origin, base_path, wire_path, from_base=not is_url)
    endpoint = catalog.find(path)
    body = read_body(options.data, stdin) if options.data is not None else None
    if options.method is not None:
        method = options.method.upper()
        if method not in METHODS:
            raise CliError(f"--method {options.method!r}: use one of {', '.join(METHODS)}", ExitStatus.USAGE)
    elif endpoint is not None:
        method = endpoint.method
    else:
        method = "POST" if body is not None else "GET"
    headers = parse_headers(options.headers)
    content_type = next((value for name, value in headers if name.lower() == "content-type"), None)
    if body is not None and content_type is None:
        headers.append(("Content-Type", "application/json"))
    headers.insert(0, ("Accept", "application/json"))
    token = options.token if endpoint is None or endpoint.needs_token else None
    extra_findings = [*found_in_path, *inline_body_findings(options.data), *inline_query_findings(query)]
    if token is not None and other_host:
        # --allow-other-host lets the request go there, but the CJ token stays with the base URL's host.
        token = None
        extra_findings.append(other_host_finding(host, endpoint))
    if token is not None and scheme == "http" and not inputs.is_loopback(host):
        check_plain_http(host, token, options.allow_http)
    extra_findings += traps.token_findings(token, options.token_origin)
    redact.register_sent(query, body)  # masked wherever a server echoes them
    if query:
        url += "?" + urllib.parse.urlencode(query)
    plan = RequestPlan(
        method=method,
        path=path,
        endpoint=endpoint,
        query=tuple(query),
        body=body,
        content_type=content_type,
        has_token=token is not None,
        local=inputs.is_loopback(host),
    )
    spend_refusal = None
    if options.no_spend is not None:
        reason = nospend.refusal(path, method, body)
        if reason is not None:
            spend_refusal = nospend.message(reason, options.no_spend)
            extra_findings.append(Finding(Severity.ERROR, spend_refusal))
    findings = validate(plan) + idkinds.findings(plan)
    if extra_findings and any(finding.likely_code == 1600002 for finding in extra_findings):
        # The token was given but held back: "no access token: give --token-file" would mislead.
        findings = [finding for finding in findings if finding.likely_code != 1600002]
    ordered = sorted([*extra_findings, *findings], key=lambda finding: SEVERITY_RANK[finding.severity])
    return PreparedProbe(
        plan=plan,
        url=url,
        headers=tuple(headers),
        findings=tuple(ordered),
        token=token,
        body_from=options.data[1:] if options.data is not None and options.data.startswith("@") else None,
        token_file=options.token_file,
        token_origin=options.token_origin,
        spend_refusal=spend_refusal,
    )


# --- sending ----------------------------------------------------------------------------


def _retry_after(response: RawResponse) -> float | None:
    return retrypolicy.retry_after_seconds(response.header("retry-after"))


def qps_window(message: str | None) -> float | None:
    """The window, in seconds, of a "QPS limit is 1 time/300 seconds" message; None when it names none."""
    window = cjwording.qps_window(message)
    return window.seconds if window is not None else None


def _retry_reason(
    explanation: Explanation, tries: int, endpoint: catalog.Endpoint | None = None
) -> tuple[bool, float, str]:
    """(should retry, minimum wait, why) for a response that came back: the shared retry policy decides."""
    decision = retrypolicy.answer_decision(explanation, tries, endpoint)
    return decision.retry, decision.minimum_wait, decision.reason


Announce = Callable[[str], None]
Sleep = Callable[[float], None]


def _timeouts(options: ProbeOptions) -> Timeouts:
    from cj_errors.requests import transport

    return transport.Timeouts(connect=options.connect_timeout, read=options.timeout, total=options.timeout * 2)


class _Wire(NamedTuple):
    """How a probe reaches the world: the seams ``send`` takes, passed on to the reconcile check."""

    sleep: Sleep
    clock: Callable[[], float]
    verify: bool | str
    transport: Network | None

    def send(self, request: HttpRequest, timeouts: Timeouts, max_body: int) -> RawResponse:
        from cj_errors.requests import transport

        return transport.send(request, timeouts, max_body, self.verify, self.transport)


def send(
    prepared: PreparedProbe,
    options: ProbeOptions,
    announce: Announce,
    sleep: Sleep = time.sleep,
    verify: bool | str = True,
    clock: Callable[[], float] = time.monotonic,
    transport: Network | None = None,
) -> ProbeOutcome:
    """Send with retries where repeating the same request can help; explain the last answer.

    A call that changes data and got no answer (a read timeout, a dropped connection, HTTP 5xx) ends
    as an unknown outcome; with ``options.reconcile`` an order-creating call is then checked once.
    The seams: ``sleep`` waits, ``clock`` tells the time (monotonic), ``transport`` replaces the network
    (an ``httpx.MockTransport``), so the retry and pacing decisions are tested without waiting.
    """
    from cj_errors.requests import transport as network

    if prepared.spend_refusal is not None:
        raise CliError(prepared.spend_refusal, ExitStatus.INVALID_INPUT)  # --force does not lift it
    wire = _Wire(sleep, clock, verify, transport)
    request = network.HttpRequest(prepared.plan.method, prepared.url, prepared.wire_headers(), prepared.plan.body)
    timeouts = _timeouts(options)
    max_tries = 1 + max(0, options.retries)
    endpoint = prepared.plan.endpoint
    path = prepared.plan.path
    mutating = catalog.is_mutating(endpoint, prepared.plan.method)
    attempts: list[Attempt] = []
    notes: list[str] = []
    earlier_maybe = False  # with --retry-mutating: an earlier try may have worked
    for number in range(1, max_tries + 1):
        response: RawResponse | None = None
        try:
            reply = wire.send(request, timeouts, options.max_body)
        except network.Interrupted as interrupted:
            if not (mutating and (interrupted.maybe_sent or earlier_maybe)):
                raise  # nothing that changes data was sent: Ctrl-C stays an interruption (130)
            # Ctrl-C after the request went out is the same situation as a timeout: it may have worked.
            reason = "interrupted (Ctrl-C) after the request was sent"
            attempts.append(Attempt(number, None, 0.0, f"no response: {reason}", error="interrupted"))
            stopped = ProbeOutcome(
                prepared, True, ExitStatus.INTERRUPTED, tuple(attempts), transport_error=reason, notes=tuple(notes)
            )
            return _unknown_outcome(stopped, options, wire, wire.clock(), check=False)
        except network.TransportError as error:
            # A failure that repeating cannot fix (TLS, an invalid request) needs no "not retrying" note.
            should, minimum, reason = retrypolicy.error_decision(error.kind, error.retryable)
            attempt = Attempt(number, None, 0.0, f"no response: {error.message}", error=error.kind)
            last_error: network.TransportError | None = error
            explanation = None
        else:
            response, last_error = reply, None
            explanation = explain_response(reply.body, reply.status, reply.content_type, path=path)
            should, minimum, reason = _retry_reason(explanation, number, endpoint)
            attempt = Attempt(number, reply.status, reply.elapsed, explanation.verdict, explanation.code)
            retry_after = _retry_after(reply)
            if retry_after is not None:
                minimum = max(minimum, retry_after)
        last_ended = wire.clock()
        more_allowed = number < max_tries
        maybe_worked = mutating and (
            (last_error is not None and last_error.maybe_sent)
            or (explanation is not None and reconcile.leaves_outcome_unknown(explanation))
        )
        if not should and reason:
            if number > 1:
                notes.append(f"gave up after {number} attempts: {reason}")
            else:
                notes.append(f"not retrying: {reason}")
        if should and more_allowed and retrypolicy.mutation_blocks(mutating, options.retry_mutating):
            # After an answer that leaves the outcome unknown, no advice to allow repeats: check first.
            allow = "" if maybe_worked else "; pass --retry-mutating to allow retries"
            notes.append(
                f"not retrying {reason}: {prepared.plan.path} changes data, and repeating it could duplicate the "
                f"effect{allow}"
            )
            should = False
        if should and more_allowed:
            wait = retrypolicy.backoff_wait(number, minimum, options.backoff)
            attempts.append(attempt._replace(wait_after=wait))
            announce(f"attempt {number} of {max_tries}: {attempt.verdict}; retrying in {wait:.1f} s ({reason})")
            earlier_maybe = earlier_maybe or maybe_worked
            try:
                wire.sleep(wait)
            except KeyboardInterrupt:
                if not earlier_maybe:
                    raise
                reason = "interrupted (Ctrl-C) while waiting to retry, after a try that may have worked"
                stopped = ProbeOutcome(
                    prepared, True, ExitStatus.INTERRUPTED, tuple(attempts), transport_error=reason, notes=tuple(notes)
                )
                return _unknown_outcome(stopped, options, wire, wire.clock(), check=False)
            continue
        attempts.append(attempt)
        if should and not more_allowed and max_tries > 1:
            notes.append(f"gave up after {number} attempts ({reason}): --retries {options.retries} used up")
        if last_error is not None:
            status = ExitStatus.TEMPORARY if last_error.kind == "timeout" else ExitStatus.NETWORK
            if last_error.kind == "invalid":
                status = ExitStatus.INVALID_INPUT
            outcome = ProbeOutcome(
                prepared, True, status, tuple(attempts), transport_error=last_error.message, notes=tuple(notes)
            )
            unanswered = maybe_worked or earlier_maybe
        else:
            assert explanation is not None and response is not None
            if response.status in (301, 302, 303, 307, 308):
                location = response.header("location") or "?"
                notes.append(f"redirect to {redact.scrub(location)} not followed (a token must not follow it)")
            outcome = ProbeOutcome(
                prepared, True, explanation.exit_status, tuple(attempts), response, explanation, notes=tuple(notes)
            )
            # No readable CJ envelope, or HTTP 5xx: a proxy may have forwarded the call and answered for itself.
            # With --retry-mutating, an earlier try that may have worked leaves any failure after it unknown too.
            unanswered = maybe_worked or (earlier_maybe and not explanation.ok)
        if not unanswered:
            return outcome
        return _unknown_outcome(outcome, options, wire, last_ended)
    raise AssertionError("unreachable: the loop always returns")


def check_command(prepared: PreparedProbe, options: ProbeOptions, key: str | None) -> str | None:
    """The cjerr command that only reads and shows whether the unanswered call took effect, or None."""
    path = prepared.plan.path
    target = reconcile.check_target(path, key)
    if target is None:
        return None
    base = prepared.url.split("?", 1)[0]
    if not base.endswith(path):
        return None
    base = base[: -len(path)]
    return reconcile.check_command(target, None if base == catalog.BASE_URL else base, options.token_file)


def _unknown_outcome(
    outcome: ProbeOutcome, options: ProbeOptions, wire: _Wire, last_ended: float, *, check: bool = True
) -> ProbeOutcome:
    """A call that changes data got no answer: say so, name a check that only reads, and reconcile if asked."""
    prepared = outcome.prepared
    path = prepared.plan.path
    query = urllib.parse.urlsplit(prepared.url).query
    key = reconcile.order_key(path, prepared.plan.body, query)
    step = reconcile.next_step(path, key, command=check_command(prepared, options, key))
    notes = list(outcome.notes)
    notes.append(f"outcome unknown: {path} changes data and got no answer that says whether it worked; {step}")
    explanation = outcome.explanation
    if explanation is not None:
        explanation = reconcile.unknown_outcome(explanation, path, key, command=check_command(prepared, options, key))
    result = outcome._replace(
        exit_status=ExitStatus.OUTCOME_UNKNOWN,
        explanation=explanation,
        unknown=True,
        next_step=step,
        notes=tuple(notes),
    )
    if not options.reconcile:
        return result
    if not check:
        notes.append("--reconcile: not checked, the run was interrupted; run the check above")
        return result._replace(notes=tuple(notes))
    if path not in reconcile.ORDER_CREATING:
        notes.append("--reconcile checks order creation only (createOrderV2/V3); check this call's effect yourself")
        return result._replace(notes=tuple(notes))
    if key is None:
        notes.append("--reconcile: the request body has no orderNumber to look the order up by")
        return result._replace(notes=tuple(notes))
    try:
        checked = _reconcile(prepared, options, key, wire, last_ended)
    except KeyboardInterrupt:
        notes.append("--reconcile: the check was interrupted (Ctrl-C); run the check above")
        return result._replace(notes=tuple(notes))
    notes.append(f"reconcile: {checked.summary}")
    return result._replace(exit_status=checked.exit_status, reconciliation=checked, notes=tuple(notes))


def _reconcile(
    prepared: PreparedProbe, options: ProbeOptions, number: str, wire: _Wire, last_ended: float
) -> reconcile.Reconciliation:
    """One paced getOrderDetail call for ``number``."""
    url = reconcile.detail_url(prepared.url, prepared.plan.path, number)
    if url is None:
        return reconcile.failed(number, "", "cannot build the getOrderDetail URL from the request's URL", 0.0)
    shown = redact.scrub(url)
    waited = reconcile.pace(last_ended, wire.sleep, wire.clock)
    headers = [("Accept", "application/json")]
    if prepared.token is not None:
        headers.append((TOKEN_HEADER, prepared.token))
    from cj_errors.requests import transport as network

    request = network.HttpRequest("GET", url, tuple(headers), None)
    try:
        reply = wire.send(request, _timeouts(options), options.max_body)
    except network.TransportError as error:
        return reconcile.failed(number, shown, error.message, waited)
    explanation = explain_response(reply.body, reply.status, reply.content_type, path=reconcile.DETAIL_PATH)
    return reconcile.judge(number, shown, explanation, waited)


def body_for_display(body: bytes) -> Any:
    """A request or response body for display: decoded and masked if JSON, the escaped start of the text otherwise.

    Secrets are masked either way (getAccessToken answers with tokens).
    """
    try:
        return redact.json_value(json.loads(body))
    except (ValueError, RecursionError):
        head = body[: limits.SHOWN_BODY_CHARS + limits.SCRUB_WINDOW_CHARS].decode("utf-8", errors="replace")
        return escaped(redact.scrubbed_head(head, limits.SHOWN_BODY_CHARS), keep_line_breaks=True)


def response_body_for_display(response: RawResponse) -> Any:
    """The response body, decoded and with secrets masked (getAccessToken returns tokens)."""
    return body_for_display(response.body)
