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
        except UnicodeError as error:  # a label over 63 characters, or empty: refused before any query
            outcome["error"] = OSError(f"not a host name DNS can look up: {error}")

    worker = threading.Thread(target=work, name="cjerr-resolve", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError(f"no answer from the resolver within {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return list(outcome.get("addresses", []))


class _Findings(list[UrlFinding]):
    """The findings of one check, with the two kinds most rules add."""

    def error(self, message: str, code: int) -> None:
        self.append(UrlFinding("error", message, code))

    def warning(self, message: str, code: int | None = None) -> None:
        self.append(UrlFinding("warning", message, code))


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
    findings = _Findings()
    parts = _checked_text(url, findings)
    if parts is None or not parts.hostname:
        if parts is not None:
            findings.error("the URL has no host name", 1607000)
        return UrlCheck(url, None, tuple(findings))
    host = parts.hostname
    port = parts.port
    _check_parts(parts, findings)
    literal = ip_literal(host)
    if literal is not None:
        _check_literal(host, str(literal), findings)
        return UrlCheck(url, host, tuple(findings), (), "literal address")
    name = host.rstrip(".").lower()
    if is_loopback(name):
        findings.error(f"{host} is this machine; CJ refuses localhost and 127.0.0.1", 1607001)
        return UrlCheck(url, host, tuple(findings), (), "not tried")
    _check_name(host, name, findings)
    if not resolve or any(finding.code == 1607001 for finding in findings):
        return UrlCheck(url, host, tuple(findings), (), "not tried")
    lookup: Resolver = resolve if callable(resolve) else (lambda name: resolve_host(name, port, resolve_timeout))
    resolved, resolution = _check_resolved(host, lookup, findings)
    return UrlCheck(url, host, tuple(findings), resolved, resolution)


def _checked_text(url: str, findings: _Findings) -> urllib.parse.SplitResult | None:
    """The rules on the URL as text; its parts, or None when nothing more can be checked."""
    if not url.strip():
        findings.error("the URL is empty", 1607000)
        return None
    if url != url.strip():
        findings.error("the URL has spaces before or after it; CJ checks the text as sent", 1607002)
    text = url.strip()
    if any(not char.isprintable() or char.isspace() for char in text):
        findings.error("the URL contains spaces or control characters", 1607000)
    if len(text) > MAX_URL_LENGTH:
        findings.warning(
            f"the URL is {len(text)} characters long; CJ's documents give no limit for callbackUrls, but its "
            f"string fields are usually at most {MAX_URL_LENGTH}",
        )
    lowered = text.lower()
    if lowered.startswith("https%3a") or lowered.startswith("http%3a"):
        findings.error("the URL is percent-encoded; send it decoded (https://...)", 1607002)
        return None
    try:
        parts = urllib.parse.urlsplit(text)
        parts.port  # noqa: B018 (a bad port raises here, not later)
    except ValueError as problem:
        findings.error(f"not a valid URL: {problem}", 1607000)
        return None
    if not text.startswith("https://"):
        scheme = parts.scheme.lower()
        if scheme == "https":
            findings.error("the URL must start with exactly 'https://' (lower case, two slashes)", 1607002)
        elif scheme:
            findings.error(f"the scheme is {parts.scheme}://; CJ delivers over HTTPS only", 1607002)
        else:
            findings.error("the URL has no scheme; it must start with https://", 1607002)
    return parts


def _check_parts(parts: urllib.parse.SplitResult, findings: _Findings) -> None:
    if parts.username is not None or parts.password is not None:
        findings.warning(
            "the URL carries a user name or password; CJ's test may not send them, and they leak into logs"
        )
    if parts.fragment:
        findings.warning("the #fragment is never sent to the server; drop it")
    if parts.port is not None and parts.port != 443:
        findings.append(
            UrlFinding("note", f"port {parts.port}: make sure it is open to the internet, not only locally")
        )


def _check_literal(host: str, literal: str, findings: _Findings) -> None:
    literal_problem = address_problem(literal)
    if literal_problem:
        findings.error(f"{host} is {literal_problem}; CJ's servers cannot deliver to it", 1607001)
    elif literal != host.strip("[]"):
        findings.warning(f"{host} is an unusual way to write {literal}; write a host name")
    else:
        findings.warning("a bare IP address: CJ's TLS check needs a certificate for it; a host name is safer", 1606001)


def _check_name(host: str, name: str, findings: _Findings) -> None:
    suffix = next((end for end in _SPECIAL_SUFFIXES if name.endswith(end)), None)
    if suffix == ".localhost":
        findings.error(f"{host} is reserved for this machine (*.localhost); CJ cannot reach it", 1607001)
    elif suffix is not None or "." not in name:
        what = f"a {suffix} name" if suffix else "a single-label name"
        findings.error(f"{host} is {what}, which only resolves on a local network; CJ cannot reach it", 1607001)


def _check_resolved(host: str, lookup: Resolver, findings: _Findings) -> tuple[tuple[str, ...], str]:
    """Look ``host`` up and refuse addresses CJ cannot deliver to; (addresses, how the lookup went)."""
    try:
        resolved = tuple(lookup(host))
    except TimeoutError as problem:
        findings.append(UrlFinding("note", f"could not resolve {host}: {problem}; the name was not checked"))
        return (), f"failed: {problem}"
    except OSError as problem:
        reason = problem.strerror or str(problem) if isinstance(problem, socket.gaierror) else str(problem)
        findings.warning(f"{host} did not resolve here ({reason}); CJ must be able to resolve it publicly", 1606001)
        return (), f"failed: {reason}"
    for address in resolved:
        problem_text = address_problem(address)
        if problem_text:
            findings.error(f"{host} resolves to {address}, {problem_text}; CJ cannot deliver there", 1607001)
    return resolved, "resolved"


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
