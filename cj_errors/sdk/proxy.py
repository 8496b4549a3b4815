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
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, TextIO, cast
from urllib.parse import urlsplit

from cj_errors.base import limits
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.base.httpguard import LocalServer
from cj_errors.base.inputs import is_loopback
from cj_errors.base.redact import scrub
from cj_errors.reading.explanation import explain_response
from cj_errors.requests import retrypolicy
from cj_errors.sdk import limiter, pacing
from cj_errors.sdk.forwarding import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    TOKEN_HEADER,
    Forwarder,
    ProxyConfig,
    Result,
    _own_answer,
)
from cj_errors.sdk.proxy_log import Reporter
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

OUTCOME_HEADER = "X-Cjerr-Outcome"
CODE_HEADER = "X-Cjerr-Code"
WAIT_HEADER = "X-Cjerr-Wait"
TRIES_HEADER = "X-Cjerr-Tries"
CJ_HOST = urlsplit(catalog.BASE_URL).hostname or ""


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


# --- what the proxy tells: event lines, the journal, recordings -------------------------------------------


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
        elif length is not None and (
            not (length.strip().isascii() and length.strip().isdecimal())
            or int(length) > limits.PROXY_REQUEST_BODY_BYTES
        ):
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
            # Kept before the app has its answer, so a script that reads the journal after a call finds it there;
            # reporting never raises (Reporter.call), so it cannot keep the answer from the app.
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
