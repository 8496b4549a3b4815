"""Chain plan -> validate -> send (with retries) -> explain into a ProbeOutcome.

Building and validating the request needs no network code; transport (and so
httpx) is imported only when a request is actually sent.
"""

from __future__ import annotations

import ipaddress
import json
import shlex
import sys
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from cj_errors import catalog, redact
from cj_errors.errors import CliError
from cj_errors.exits import ExitStatus
from cj_errors.explanation import Explanation, explain_response, printable
from cj_errors.validate import Finding, RequestPlan, has_errors, validate

if TYPE_CHECKING:
    from cj_errors.transport import RawResponse

TOKEN_HEADER = "CJ-Access-Token"
METHODS = ("GET", "POST", "PATCH", "DELETE", "PUT")
MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024
# CJ's docs: at most 3 tries for 1600000 (system busy).
_SYSTEM_BUSY_MAX_TRIES = 3
_RETRY_CODES = {1600000, 1600301, 1600200}
_QUOTA_CODES = {1600201, 16900500}
_RETRY_HTTP = {502, 503, 504}
_MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class ProbeOptions:
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
    max_body: int = 16 * 1024 * 1024
    backoff: float = 0.5


@dataclass(frozen=True)
class PreparedProbe:
    """A fully built request: what would be sent, plus what validation found."""

    plan: RequestPlan
    url: str
    headers: tuple[tuple[str, str], ...]
    findings: tuple[Finding, ...]
    token: str | None

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

    def shown_url(self) -> str:
        """The URL for display: a token passed as ?accessToken=... is masked too."""
        return redact.scrub(self.url)

    def shown_body(self) -> Any:
        """The body for display: decoded and masked if JSON, escaped text otherwise."""
        body = self.plan.body
        if body is None:
            return None
        try:
            return redact.json_value(json.loads(body))
        except (ValueError, RecursionError):
            return printable(redact.scrubbed_head(body[:6096].decode("utf-8", errors="replace"), 2000))

    def curl(self) -> str:
        parts = ["curl", "-sS", "-X", self.plan.method, shlex.quote(self.shown_url())]
        for name, value in self.shown_headers():
            parts += ["-H", shlex.quote(f"{name}: {value}")]
        shown = self.shown_body()
        if shown is not None:
            text = shown if isinstance(shown, str) else json.dumps(shown, ensure_ascii=False)
            parts += ["--data-raw", shlex.quote(text)]
        return " ".join(parts)


@dataclass(frozen=True)
class Attempt:
    number: int
    http_status: int | None
    elapsed: float
    verdict: str
    code: int | None = None
    error: str | None = None
    wait_after: float | None = None


@dataclass(frozen=True)
class ProbeOutcome:
    prepared: PreparedProbe
    sent: bool
    exit_status: ExitStatus
    attempts: tuple[Attempt, ...] = ()
    response: RawResponse | None = None
    explanation: Explanation | None = None
    transport_error: str | None = None
    notes: tuple[str, ...] = field(default=())


# --- building -------------------------------------------------------------------------


def _read_body(data: str, stdin: BinaryIO | None) -> bytes:
    if data.startswith("@"):
        source = data[1:]
        if source == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            body = stream.read(MAX_REQUEST_BODY_BYTES + 1)
        else:
            path = Path(source).expanduser()
            try:
                with path.open("rb") as handle:
                    body = handle.read(MAX_REQUEST_BODY_BYTES + 1)
            except FileNotFoundError:
                raise CliError(f"cannot read body file {source}: no such file", ExitStatus.NO_INPUT) from None
            except IsADirectoryError:
                raise CliError(f"cannot read body file {source}: it is a directory", ExitStatus.NO_INPUT) from None
            except OSError as error:
                raise CliError(
                    f"cannot read body file {source}: {error.strerror or error}", ExitStatus.NO_INPUT
                ) from None
        if len(body) > MAX_REQUEST_BODY_BYTES:
            raise CliError(f"the body is larger than {MAX_REQUEST_BODY_BYTES:,} bytes", ExitStatus.INVALID_INPUT)
        return body
    # Arguments that were not valid UTF-8 arrive with surrogates; keep the bytes so validation can point at them.
    return data.encode("utf-8", errors="surrogateescape")


def _parse_params(params: Sequence[str]) -> list[tuple[str, str]]:
    pairs = []
    for item in params:
        key, separator, value = item.partition("=")
        if not separator or not key:
            raise CliError(f"--param {item!r}: write it as key=value", ExitStatus.USAGE)
        pairs.append((key, value))
    return pairs


def _has_line_break(text: str) -> bool:
    return any(char in text for char in "\r\n\x00")


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse_headers(headers: Sequence[str]) -> list[tuple[str, str]]:
    pairs = []
    for item in headers:
        name, separator, value = item.partition(":")
        name, value = name.strip(), value.strip()
        if _has_line_break(item):
            raise CliError(
                "--header: line breaks or NUL in a header would inject headers; refused", ExitStatus.INVALID_INPUT
            )
        if (
            not separator
            or not name
            or not (name.isascii() and name.isprintable())
            or any(char in name for char in ' \t()<>@,;\\"/[]?={}')
        ):
            raise CliError(f"--header {redact.scrub(item)!r}: write it as 'Name: value'", ExitStatus.USAGE)
        if not value.isascii() or any(ord(char) < 32 and char != "\t" or ord(char) == 127 for char in value):
            # httpx sends header values as ASCII; it would fail later as a misleading "network failure".
            raise CliError(
                f"--header {name}: the value must be printable ASCII (no control characters)", ExitStatus.INVALID_INPUT
            )
        if redact.is_secret_name(name):
            raise CliError(
                f"the {name} header must not be given on the command line (it leaks into ps and shell "
                "history); use --token-file PATH (or -) or $CJ_ACCESS_TOKEN",
                ExitStatus.USAGE,
            )
        pairs.append((name, value))
    return pairs


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _split_url(url: str, what: str) -> urllib.parse.SplitResult:
    if _has_line_break(url) or any(char.isspace() for char in url):
        raise CliError(f"{what} contains whitespace or line breaks", ExitStatus.INVALID_INPUT)
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as error:
        # "Invalid IPv6 URL", "Port out of range 0-65535", NFKC-unsafe hosts such as "evil.example／x"
        raise CliError(f"{what} {url!r} is not a valid URL: {error}", ExitStatus.USAGE) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(f"{what} {url!r} is not an http(s) URL with a host", ExitStatus.USAGE)
    return parts


def _origin(parts: urllib.parse.SplitResult) -> tuple[str, str, int | None]:
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


def _check_path_safety(path: str) -> None:
    decoded = urllib.parse.unquote(urllib.parse.unquote(path))
    if _has_line_break(decoded) or "\\" in decoded:
        raise CliError("the path contains line breaks, NUL or backslashes", ExitStatus.INVALID_INPUT)
    if any(segment in ("..", ".") for segment in decoded.split("/")):
        raise CliError(
            f"the path {path!r} contains '..' or '.' segments; give the endpoint path itself", ExitStatus.INVALID_INPUT
        )


def prepare(options: ProbeOptions, stdin: BinaryIO | None = None) -> PreparedProbe:
    """Turn CLI options into a request and its findings. Sends nothing."""
    for text in (options.base_url, options.target, *options.params):
        if not _is_utf8(text):
            # A non-UTF-8 byte in argv arrives as a lone surrogate, which no URL can carry.
            raise CliError(f"{text!r} is not valid UTF-8 text", ExitStatus.INVALID_INPUT)
    base = _split_url(options.base_url, "--base-url")
    target = options.target.strip()
    query = _parse_params(options.params)
    if target.lower().startswith(("http://", "https://")):
        parts = _split_url(target, "the URL")
        _check_path_safety(parts.path)
        if _origin(parts) != _origin(base) and not options.allow_other_host:
            raise CliError(
                f"refusing to send to {parts.hostname}: it is not the base URL's host ({base.hostname}); "
                "pass --allow-other-host if you mean it, or use --base-url",
                ExitStatus.CONFIG,
            )
        query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + query
        path = catalog.normalize_path(parts.path)
        prefix = catalog.API_PREFIX if catalog.API_PREFIX in parts.path else ""
        url = f"{parts.scheme}://{parts.netloc}{prefix}{path}"
        scheme, host = parts.scheme, parts.hostname or ""
    else:
        if not target:
            raise CliError("give an endpoint path such as /product/query", ExitStatus.USAGE)
        _check_path_safety(target)
        path = catalog.normalize_path(target)
        url = options.base_url.rstrip("/") + path
        scheme, host = base.scheme, base.hostname or ""
    endpoint = catalog.find(path)
    body = _read_body(options.data, stdin) if options.data is not None else None
    if options.method is not None:
        method = options.method.upper()
        if method not in METHODS:
            raise CliError(f"--method {options.method!r}: use one of {', '.join(METHODS)}", ExitStatus.USAGE)
    elif endpoint is not None:
        method = endpoint.method
    else:
        method = "POST" if body is not None else "GET"
    headers = _parse_headers(options.headers)
    content_type = next((value for name, value in headers if name.lower() == "content-type"), None)
    if body is not None and content_type is None:
        headers.append(("Content-Type", "application/json"))
    headers.insert(0, ("Accept", "application/json"))
    token = options.token if endpoint is None or endpoint.needs_token else None
    if token is not None and scheme == "http" and not _is_loopback(host):
        raise CliError(
            f"refusing to send the access token over plain HTTP to {host}; use https (plain HTTP is only "
            "allowed to loopback, e.g. a local cjerr mock)",
            ExitStatus.CONFIG,
        )
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
    )
    return PreparedProbe(plan=plan, url=url, headers=tuple(headers), findings=tuple(validate(plan)), token=token)


# --- sending ----------------------------------------------------------------------------


def _is_mutating(prepared: PreparedProbe) -> bool:
    endpoint = prepared.plan.endpoint
    if endpoint is not None:
        return endpoint.mutating
    return prepared.plan.method != "GET"


def _retry_after(response: RawResponse) -> float | None:
    value = response.header("retry-after")
    # isascii: "²" (a latin-1 header byte) passes isdigit() but not float().
    if value and value.strip().isascii() and value.strip().isdigit():
        return min(float(value.strip()), _MAX_RETRY_AFTER)
    return None


def _retry_reason(explanation: Explanation, tries: int) -> tuple[bool, float, str]:
    """(should retry, minimum wait, why) for a response that came back."""
    code = explanation.code
    status = explanation.http_status
    if code in _QUOTA_CODES or explanation.exit_status is ExitStatus.QUOTA:
        return False, 0.0, "quota or points exhausted: never retried before the 00:00 UTC reset"
    if code == 1600000 and tries >= _SYSTEM_BUSY_MAX_TRIES:
        return False, 0.0, "1600000 tried 3 times, the most CJ advises"
    if code in _RETRY_CODES:
        return True, 1.0 if code == 1600200 else 0.0, f"CJ {code}"
    if explanation.envelope is None and status in _RETRY_HTTP:
        return True, 0.0, f"HTTP {status}"
    if status == 429 and code is None:
        return True, 1.0, "HTTP 429"
    return False, 0.0, ""


Announce = Callable[[str], None]
Sleep = Callable[[float], None]


def send(
    prepared: PreparedProbe,
    options: ProbeOptions,
    announce: Announce,
    sleep: Sleep = time.sleep,
    verify: bool | str = True,
) -> ProbeOutcome:
    """Send with retries where repeating the same request can help; explain the last answer."""
    from cj_errors import transport

    request = transport.HttpRequest(prepared.plan.method, prepared.url, prepared.wire_headers(), prepared.plan.body)
    timeouts = transport.Timeouts(connect=options.connect_timeout, read=options.timeout, total=options.timeout * 2)
    max_tries = 1 + max(0, options.retries)
    mutating = _is_mutating(prepared)
    attempts: list[Attempt] = []
    notes: list[str] = []
    for number in range(1, max_tries + 1):
        response: RawResponse | None = None
        try:
            reply = transport.send(request, timeouts, options.max_body, verify)
        except transport.TransportError as error:
            should, minimum, reason = error.retryable, 0.0, error.kind
            attempt = Attempt(number, None, 0.0, f"no response: {error.message}", error=error.kind)
            last_error: transport.TransportError | None = error
            explanation = None
        else:
            response, last_error = reply, None
            explanation = explain_response(reply.body, reply.status, reply.content_type)
            should, minimum, reason = _retry_reason(explanation, number)
            attempt = Attempt(number, reply.status, reply.elapsed, explanation.verdict, explanation.code)
            retry_after = _retry_after(reply)
            if retry_after is not None:
                minimum = max(minimum, retry_after)
        more_allowed = number < max_tries
        if should and more_allowed and mutating and not options.retry_mutating:
            notes.append(
                f"not retrying {reason}: {prepared.plan.path} changes data, and repeating it could duplicate the "
                "effect; pass --retry-mutating to allow retries"
            )
            should = False
        if should and more_allowed:
            wait = max(minimum, options.backoff * 2 ** (number - 1))
            attempts.append(Attempt(**{**attempt.__dict__, "wait_after": wait}))
            announce(f"attempt {number} of {max_tries}: {attempt.verdict}; retrying in {wait:.1f} s ({reason})")
            sleep(wait)
            continue
        attempts.append(attempt)
        if should and not more_allowed and max_tries > 1:
            notes.append(f"gave up after {number} attempts ({reason})")
        if last_error is not None:
            status = ExitStatus.TEMPORARY if last_error.kind == "timeout" else ExitStatus.NETWORK
            if last_error.kind == "invalid":
                status = ExitStatus.INVALID_INPUT
            return ProbeOutcome(
                prepared, True, status, tuple(attempts), transport_error=last_error.message, notes=tuple(notes)
            )
        assert explanation is not None and response is not None
        if response.status in (301, 302, 303, 307, 308):
            location = response.header("location") or "?"
            notes.append(f"redirect to {redact.scrub(location)} not followed (a token must not follow it)")
        return ProbeOutcome(
            prepared, True, explanation.exit_status, tuple(attempts), response, explanation, notes=tuple(notes)
        )
    raise AssertionError("unreachable: the loop always returns")


def response_body_for_display(response: RawResponse) -> Any:
    """The response body, decoded and with secrets masked (getAccessToken returns tokens)."""
    try:
        return redact.json_value(json.loads(response.body))
    except (ValueError, RecursionError):
        return printable(redact.scrubbed_head(response.body[:6096].decode("utf-8", errors="replace"), 2000))
