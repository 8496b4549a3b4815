"""What the user typed, made into the parts of a request: the body (inline, @file, @-), query parameters,
headers, and the URL with its path checked against the catalog's /api2.0/v1 prefix. Each part is refused or
flagged here, before probe plans a send: a user name in a URL, a line break in a header, a path that
escapes the API prefix, plain HTTP to a host that is not a local stand-in.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO

from cj_errors.base import inputs, limits, redact
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.requests.findings import Finding, Severity
from cj_errors.table import catalog

if TYPE_CHECKING:
    pass


def read_body(data: str, stdin: BinaryIO | None) -> bytes:
    if data.startswith("@"):
        return inputs.read_bounded(data[1:], limit=limits.REQUEST_BODY_BYTES, what="body file", stdin=stdin)
    # Arguments that were not valid UTF-8 arrive with surrogates; keep the bytes so validation can point at them.
    return data.encode("utf-8", errors="surrogateescape")


def parse_params(params: Sequence[str]) -> list[tuple[str, str]]:
    pairs = []
    for item in params:
        key, separator, value = item.partition("=")
        if not separator or not key:
            raise CliError(f"--param {item!r}: write it as key=value", ExitStatus.USAGE)
        pairs.append((key, value))
    return pairs


def has_line_break(text: str) -> bool:
    return any(char in text for char in "\r\n\x00")


def is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_headers(headers: Sequence[str]) -> list[tuple[str, str]]:
    pairs = []
    for item in headers:
        name, separator, value = item.partition(":")
        name, value = name.strip(), value.strip()
        if has_line_break(item):
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


_USERINFO = re.compile(r"(?<=//)[^/?#]*@")


def split_url(url: str, what: str) -> urllib.parse.SplitResult:
    if has_line_break(url) or any(char.isspace() for char in url):
        raise CliError(f"{what} contains whitespace or line breaks", ExitStatus.INVALID_INPUT)
    # Messages below quote the URL: never with a password in it.
    shown = _USERINFO.sub("", url)
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as error:
        # "Invalid IPv6 URL", "Port out of range 0-65535", NFKC-unsafe hosts such as "evil.example／x"
        raise CliError(f"{what} {shown!r} is not a valid URL: {error}", ExitStatus.USAGE) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(f"{what} {shown!r} is not an http(s) URL with a host", ExitStatus.USAGE)
    return parts


def refuse_userinfo(parts: urllib.parse.SplitResult, what: str) -> None:
    """user:password@host in a URL: refused, and the message does not repeat it."""
    if "@" in parts.netloc:
        raise CliError(
            f"{what} contains a user name or password (user:password@host); remove it: CJ takes the access "
            "token from --token-file or $CJ_ACCESS_TOKEN, never from the URL",
            ExitStatus.USAGE,
        )


def url_origin(parts: urllib.parse.SplitResult) -> tuple[str, str, int | None]:
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


def check_path_safety(path: str) -> None:
    decoded = urllib.parse.unquote(urllib.parse.unquote(path))
    if has_line_break(decoded) or "\\" in decoded:
        raise CliError("the path contains line breaks, NUL or backslashes", ExitStatus.INVALID_INPUT)
    if any(segment in ("..", ".") for segment in decoded.split("/")):
        raise CliError(
            f"the path {path!r} contains '..' or '.' segments; give the endpoint path itself", ExitStatus.INVALID_INPUT
        )


def clean_path(path: str) -> str:
    """A URL path without empty segments (duplicate or trailing slashes): "/api2.0/v1/product/query"."""
    return "/" + "/".join(path_segments(path))


def path_segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


PREFIX_SEGMENTS = tuple(path_segments(catalog.API_PREFIX))  # ("api2.0", "v1")


def prefix_positions(segments: Sequence[str]) -> list[int]:
    """Indexes of the segments where API_PREFIX starts (case-sensitive, as CJ routes)."""
    size = len(PREFIX_SEGMENTS)
    return [index for index in range(len(segments)) if tuple(segments[index : index + size]) == PREFIX_SEGMENTS]


def after_first_prefix(path: str) -> str | None:
    """The catalog path CJ routes on: what follows the first API_PREFIX, or None without one."""
    segments = path_segments(path)
    positions = prefix_positions(segments)
    if not positions:
        return None
    return "/" + "/".join(segments[positions[0] + len(PREFIX_SEGMENTS) :])


def join_segments(segments: Sequence[str]) -> str:
    return "".join("/" + segment for segment in segments)


def path_findings(origin: str, base_path: str, wire_path: str, from_base: bool) -> list[Finding]:
    """An ERROR when the path that would be sent does not name API_PREFIX exactly once (CJ: 1600101)."""
    prefix, size = catalog.API_PREFIX, len(PREFIX_SEGMENTS)
    segments = path_segments(wire_path)
    positions = prefix_positions(segments)
    if len(positions) == 1:
        return []
    # The endpoint part: after the last prefix, or the whole path when there is none.
    rest = join_segments(segments[positions[-1] + size :]) if positions else wire_path.rstrip("/")
    before = join_segments(segments[: positions[0]]) if positions else ""
    times = "has no " + prefix if not positions else f"names {prefix} {len(positions)} times"
    base_segments = path_segments(base_path)
    base_positions = prefix_positions(base_segments)
    if from_base and len(base_positions) != 1:
        if base_positions:
            fixed = origin + join_segments(base_segments[: base_positions[0]]) + prefix
        elif any(segment.lower().startswith("api") or re.fullmatch(r"[vV]\d+", segment) for segment in base_segments):
            fixed = origin + prefix  # "/api", "/api2.0", "/v1": a wrong version of the prefix
        else:
            fixed = origin + join_segments(base_segments) + prefix  # a proxy path in front of the prefix
        return [
            Finding(
                Severity.ERROR,
                f"--base-url {origin}{join_segments(base_segments)} {times} in its path, so CJ would get "
                f'{wire_path} and answer 1600101 "Interface not found"; use --base-url {fixed}',
                1600101,
            )
        ]
    if from_base:
        return [
            Finding(
                Severity.ERROR,
                f"the path sent would be {wire_path}, which {times}: CJ would answer 1600101 "
                f'"Interface not found"; give the endpoint path once: {rest or "/"}',
                1600101,
            )
        ]
    return [
        Finding(
            Severity.ERROR,
            f'the URL path {wire_path} {times}, so CJ would answer 1600101 "Interface not found"; '
            f"use {origin}{before}{prefix}{rest}",
            1600101,
        )
    ]


SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def other_host_finding(host: str, endpoint: catalog.Endpoint | None) -> Finding:
    return Finding(
        Severity.WARNING,
        f"the token is not sent to {host}; set --base-url to that host if you mean to",
        1600002 if endpoint is None or endpoint.needs_token else None,
    )


def check_plain_http(host: str, token: str, allow_http: bool) -> None:
    """The token over plain HTTP: to loopback always (checked by the caller); elsewhere only with --allow-http,
    for a stand-in such as a mock in docker-compose, and never a token shaped like one CJ issues."""
    if not allow_http:
        raise CliError(
            f"refusing to send the access token over plain HTTP to {host}; use https (plain HTTP is only "
            "allowed to loopback, e.g. a local cjerr mock, or with --allow-http to a stand-in and a test token)",
            ExitStatus.CONFIG,
        )
    if redact.has_credential_shape(token):
        raise CliError(
            f"refusing to send the access token over plain HTTP to {host}: it is shaped like a real CJ token, "
            "and --allow-http is for stand-ins; give the stand-in a test token (cjerr mock --token-file)",
            ExitStatus.CONFIG,
        )
