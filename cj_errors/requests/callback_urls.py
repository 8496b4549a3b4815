"""Which callback URLs CJ accepts in ``/webhook/set``: HTTPS, a public host, a sane length.

CJ refuses localhost and 127.0.0.1 (1607001) and any URL that does not start with ``https://`` (1607002)
(https://developers.cjdropshipping.com/en/api/api2/api/webhook.html). probe checks a /webhook/set body with
these rules before sending, and ``cjerr webhook check`` reports on one URL; both use this module.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cj_errors.base.inputs import ip_literal, is_loopback

MAX_URL_LENGTH = 200  # CJ's usual string length; the callbackUrls entry length is not documented


@dataclass(frozen=True)
class UrlFinding:
    severity: str  # "error": CJ refuses the URL; "warning": it may fail CJ's test; "note": information
    message: str
    code: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class UrlCheck:
    url: str
    host: str | None
    findings: tuple[UrlFinding, ...]
    resolved: tuple[str, ...] = ()
    resolution: str = "not tried"  # "not tried", "resolved", "failed: ...", "literal address"

    @property
    def accepted(self) -> bool:
        return not any(finding.severity == "error" for finding in self.findings)


Resolver = Callable[[str], Sequence[str]]
_SPECIAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet", ".corp", ".test")


def address_problem(address: str) -> str | None:
    """Why CJ cannot deliver to ``address`` (loopback, private, link-local...), or None for a public address."""
    if is_loopback(address):
        return "a loopback address"
    try:
        ip = ipaddress.ip_address(address.split("%")[0].strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified:
        return "the unspecified address (this machine)"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved:
        return "a reserved address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.IPv4Network("100.64.0.0/10"):
        return "a carrier-grade NAT address (100.64.0.0/10)"
    return None


def resolve_host(host: str, port: int | None, timeout: float = 2.0) -> list[str]:
    """The addresses ``host`` resolves to, within ``timeout`` seconds (getaddrinfo itself has no timeout).

    Raises ``OSError`` when the name does not resolve and ``TimeoutError`` when the resolver is too slow.
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
            outcome["addresses"] = sorted({str(info[4][0]) for info in infos})
        except OSError as error:
            outcome["error"] = error

    worker = threading.Thread(target=work, name="cjerr-resolve", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"no answer from the resolver within {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return list(outcome.get("addresses", []))


def check_url(
    url: str,
    *,
    resolve: bool | Resolver = False,
    resolve_timeout: float = 2.0,
) -> UrlCheck:
    """CJ's callback-URL rules, offline; each finding carries the code CJ would answer ``/webhook/set`` with.

    ``resolve``: False (the default) checks the text only; True also looks the host name up (with
    ``resolve_timeout``) and refuses names that point at loopback or private addresses; a callable
    ``host -> [address, ...]`` is used instead of the system resolver (for tests and for callers with
    their own DNS).
    """
    findings: list[UrlFinding] = []

    def error(message: str, code: int) -> None:
        findings.append(UrlFinding("error", message, code))

    def warning(message: str, code: int | None = None) -> None:
        findings.append(UrlFinding("warning", message, code))

    if not url.strip():
        error("the URL is empty", 1607000)
        return UrlCheck(url, None, tuple(findings))
    if url != url.strip():
        error("the URL has spaces before or after it; CJ checks the text as sent", 1607002)
    text = url.strip()
    if any(not char.isprintable() or char.isspace() for char in text):
        error("the URL contains spaces or control characters", 1607000)
    if len(text) > MAX_URL_LENGTH:
        warning(
            f"the URL is {len(text)} characters long; CJ's documents give no limit for callbackUrls, but its "
            f"string fields are usually at most {MAX_URL_LENGTH}",
        )
    lowered = text.lower()
    if lowered.startswith("https%3a") or lowered.startswith("http%3a"):
        error("the URL is percent-encoded; send it decoded (https://...)", 1607002)
        return UrlCheck(url, None, tuple(findings))
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError as problem:
        error(f"not a valid URL: {problem}", 1607000)
        return UrlCheck(url, None, tuple(findings))
    if not text.startswith("https://"):
        scheme = parts.scheme.lower()
        if scheme == "https":
            error("the URL must start with exactly 'https://' (lower case, two slashes)", 1607002)
        elif scheme:
            error(f"the scheme is {parts.scheme}://; CJ delivers over HTTPS only", 1607002)
        else:
            error("the URL has no scheme; it must start with https://", 1607002)
    host = parts.hostname
    if not host:
        error("the URL has no host name", 1607000)
        return UrlCheck(url, None, tuple(findings))
    if parts.username is not None or parts.password is not None:
        warning("the URL carries a user name or password; CJ's test may not send them, and they leak into logs")
    if parts.fragment:
        warning("the #fragment is never sent to the server; drop it")
    if port is not None and port != 443:
        findings.append(UrlFinding("note", f"port {port}: make sure it is open to the internet, not only locally"))
    literal = ip_literal(host)
    resolved: tuple[str, ...] = ()
    resolution = "not tried"
    if literal is not None:
        resolution = "literal address"
        literal_problem = address_problem(str(literal))
        if literal_problem:
            error(f"{host} is {literal_problem}; CJ's servers cannot deliver to it", 1607001)
        elif str(literal) != host.strip("[]"):
            warning(f"{host} is an unusual way to write {literal}; write a host name")
        else:
            warning("a bare IP address: CJ's TLS check needs a certificate for it; a host name is safer", 1606001)
        return UrlCheck(url, host, tuple(findings), resolved, resolution)
    name = host.rstrip(".").lower()
    if is_loopback(name):
        error(f"{host} is this machine; CJ refuses localhost and 127.0.0.1", 1607001)
        return UrlCheck(url, host, tuple(findings), resolved, resolution)
    suffix = next((end for end in _SPECIAL_SUFFIXES if name.endswith(end)), None)
    if suffix == ".localhost":
        error(f"{host} is reserved for this machine (*.localhost); CJ cannot reach it", 1607001)
    elif suffix is not None or "." not in name:
        what = f"a {suffix} name" if suffix else "a single-label name"
        error(f"{host} is {what}, which only resolves on a local network; CJ cannot reach it", 1607001)
    if resolve and not any(finding.code == 1607001 for finding in findings):
        lookup: Resolver = resolve if callable(resolve) else (lambda name: resolve_host(name, port, resolve_timeout))
        try:
            resolved = tuple(lookup(host))
            resolution = "resolved"
        except TimeoutError as problem:
            resolution = f"failed: {problem}"
            findings.append(UrlFinding("note", f"could not resolve {host}: {problem}; the name was not checked"))
        except OSError as problem:
            reason = problem.strerror or str(problem) if isinstance(problem, socket.gaierror) else str(problem)
            resolution = f"failed: {reason}"
            warning(f"{host} did not resolve here ({reason}); CJ must be able to resolve it publicly", 1606001)
        for address in resolved:
            problem_text = address_problem(address)
            if problem_text:
                error(f"{host} resolves to {address}, {problem_text}; CJ cannot deliver there", 1607001)
    return UrlCheck(url, host, tuple(findings), resolved, resolution)


def registration_error(url: str, *, allow_local: bool = False) -> int | None:
    """The code CJ's ``/webhook/set`` answers for ``url`` (1607000, 1607002, 1607001), or None when it passes.

    For a CJ stand-in: ``allow_local`` lets loopback URLs through, over http:// too, so a receiver on this
    machine can be registered; every other rule still applies. Text rules only: nothing is resolved.
    """
    result = check_url(url)
    loopback = result.host is not None and is_loopback(result.host)
    codes = [finding.code for finding in result.findings if finding.severity == "error" and finding.code]
    if allow_local and loopback:
        scheme = urllib.parse.urlsplit(url.strip()).scheme.lower() if url.strip() else ""
        codes = [code for code in codes if code != 1607001 and not (code == 1607002 and scheme in ("http", "https"))]
    for code in (1607000, 1607002, 1607001):
        if code in codes:
            return code
    return None
