"""Send one HTTP request with httpx: the only module that imports httpx.

Bounded in time (connect and read timeouts plus a total deadline, so a server
trickling one byte a second cannot hold us) and in size (Content-Length is
checked before reading, and the body is counted while it streams).
Redirects are not followed, so a token can never travel to another host.
"""

from __future__ import annotations

import os
import ssl
import time
from typing import NamedTuple

import httpx

from cj_errors.base import limits
from cj_errors.base.redact import scrub


class Timeouts(NamedTuple):
    connect: float = 10.0
    read: float = 30.0
    total: float = 60.0


class HttpRequest(NamedTuple):
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None = None


class RawResponse(NamedTuple):
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    elapsed: float

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    @property
    def content_type(self) -> str | None:
        return self.header("content-type")


class Interrupted(KeyboardInterrupt):
    """Ctrl-C while a request was under way. ``maybe_sent``: its bytes had started to go out, so a call that
    changes data may have taken effect. Still a KeyboardInterrupt for every caller that does not look closer."""

    def __init__(self, maybe_sent: bool) -> None:
        super().__init__()
        self.maybe_sent = maybe_sent


class TransportError(Exception):
    """The request did not produce a complete response.

    ``kind`` is one of: timeout, connect, dns, tls, dropped, too_large, invalid. ``maybe_sent`` is False
    when the request certainly never reached the server (no connection was made), so a call that changes
    data cannot have taken effect; True when it may have (a read timeout, a connection that broke off).
    """

    RETRYABLE = frozenset({"timeout", "connect", "dropped"})
    _NEVER_SENT = frozenset({"connect", "dns", "tls", "invalid"})

    def __init__(self, kind: str, message: str, maybe_sent: bool | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.maybe_sent = kind not in self._NEVER_SENT if maybe_sent is None else maybe_sent

    @property
    def retryable(self) -> bool:
        return self.kind in self.RETRYABLE


def _describe_connect_error(error: Exception) -> TransportError:
    text = str(error)
    cause = error.__cause__ or error.__context__
    if isinstance(cause, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in text:
        return TransportError("tls", f"TLS certificate not trusted: {_first_line(text)}")
    if isinstance(cause, ssl.SSLError) or "SSL" in text or "TLS" in text:
        return TransportError("tls", f"TLS handshake failed: {_first_line(text)}")
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return TransportError("dns", f"cannot resolve the host name: {_first_line(text)}")
    return TransportError("connect", f"cannot connect: {_first_line(text) or type(error).__name__}")


def _first_line(text: str) -> str:
    return scrub(text.strip().splitlines()[0]) if text.strip() else ""


# What stands in for the network: an httpx transport (``httpx.MockTransport`` in tests).
Network = httpx.BaseTransport


def plain_http_transport() -> httpx.HTTPTransport:
    """httpx's transport for an ``http://`` URL, without loading the certificate store.

    httpx.Client builds a TLS context with the system's certificates up front, even for a request that
    never uses TLS (a probe of the local mock): tens of milliseconds. This one is only ever given a plain
    ``http://`` request, redirects are not followed, and proxies from the environment keep their own
    transports (verified as usual), so no TLS connection goes through it unverified.
    """
    return httpx.HTTPTransport(verify=False)


def _proxy_from_environment() -> bool:
    """A proxy named in the environment for http:// URLs. httpx honours it only when it builds the transport
    itself, so a request that should go through it keeps httpx's own (and pays for the certificate store)."""
    return any(os.environ.get(name) for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"))


DEFAULT_TIMEOUTS = Timeouts()


def send(
    request: HttpRequest,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    max_body_bytes: int = limits.RESPONSE_BODY_BYTES,
    verify: bool | str = True,
    transport: Network | None = None,
) -> RawResponse:
    """Send ``request`` once; raise TransportError on any failure to get a whole response.

    ``transport`` replaces the network (an ``httpx.MockTransport`` in tests); by default httpx's own.
    """
    started = time.monotonic()
    deadline = started + timeouts.total
    writing: list[str] = []  # httpcore's trace: the request's first bytes were handed to the socket

    def trace(event: str, info: object) -> None:
        if event.endswith("send_request_headers.started"):
            writing.append(event)

    read_timeout = min(timeouts.read, timeouts.total)
    timeout = httpx.Timeout(
        connect=min(timeouts.connect, timeouts.total), read=read_timeout, write=read_timeout, pool=read_timeout
    )
    replaced = transport is not None  # a test's transport gives no trace of what was written
    if transport is None and request.url[:7].lower() == "http://" and not _proxy_from_environment():
        transport = plain_http_transport()
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False, verify=verify, transport=transport) as client,
            client.stream(
                request.method,
                request.url,
                headers=list(request.headers),
                content=request.body,
                extensions={"trace": trace},
            ) as reply,
        ):
            declared = reply.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_body_bytes:
                raise TransportError(
                    "too_large",
                    f"the server announced a {int(declared):,}-byte body; the limit is {max_body_bytes:,} bytes "
                    "(raise it with --max-body)",
                )
            chunks: list[bytes] = []
            received = 0
            for chunk in reply.iter_bytes():
                received += len(chunk)
                if received > max_body_bytes:
                    raise TransportError("too_large", f"the body passed the {max_body_bytes:,}-byte limit")
                if time.monotonic() > deadline:
                    raise TransportError(
                        "timeout", f"no complete answer within {timeouts.total:g} s (the body was still arriving)"
                    )
                chunks.append(chunk)
            return RawResponse(
                status=reply.status_code,
                reason=reply.reason_phrase,
                headers=tuple(reply.headers.items()),
                body=b"".join(chunks),
                elapsed=time.monotonic() - started,
            )
    except TransportError:
        raise
    except KeyboardInterrupt:
        # A replaced transport (tests) gives no trace: take the request as sent.
        raise Interrupted(maybe_sent=bool(writing) or replaced) from None
    except httpx.ConnectTimeout:
        raise TransportError(
            "timeout", f"connecting took longer than {timeouts.connect:g} s", maybe_sent=False
        ) from None
    except httpx.TimeoutException:
        raise TransportError("timeout", f"no answer within the {read_timeout:g} s read timeout") from None
    except httpx.ConnectError as error:
        raise _describe_connect_error(error) from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
        raise TransportError(
            "dropped", f"the connection broke off: {_first_line(str(error)) or 'closed early'}"
        ) from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError) as error:
        raise TransportError("invalid", f"the request cannot be sent: {_first_line(str(error))}") from None
    except httpx.DecodingError as error:
        # The answer came (so the request was sent) but its body could not be decoded: a corrupt gzip, say.
        raise TransportError("dropped", f"the answer could not be decoded: {_first_line(str(error))}") from None
    except httpx.HTTPError as error:
        sent = bool(writing) or replaced
        raise TransportError("connect", f"{type(error).__name__}: {_first_line(str(error))}", sent) from None
    except ssl.SSLError as error:
        raise TransportError("tls", f"TLS failed: {_first_line(str(error))}") from None
    except (OSError, ValueError) as error:
        raise TransportError("connect", f"{type(error).__name__}: {_first_line(str(error))}") from None
