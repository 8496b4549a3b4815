"""Mask secrets everywhere cjerr prints: headers, JSON bodies and free text.

Tokens, API keys, refresh tokens and passwords never appear in full. Every
output path (dry run, curl, verbose, JSON, error messages) goes through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cj_errors.base import limits

# The names as written; words are split at '-', '_' and lower-to-upper case changes.
_SECRET_NAMES_WRITTEN = (
    "CJ-Access-Token",
    "platformToken",
    "apiKey",
    "accessToken",
    "refreshToken",
    "password",
    "Authorization",
    "Proxy-Authorization",
    "Cookie",
    "Set-Cookie",
    "token",
    "secret",
    "openId",  # the key CJ signs webhook messages with; a number in getAccessToken's answer
)
# Compared case-insensitively, with '-' and '_' ignored.
SECRET_NAMES = frozenset(name.replace("-", "").replace("_", "").lower() for name in _SECRET_NAMES_WRITTEN)

# Shapes of CJ credentials, for text that did not come through a known field:
# API keys (CJ123@api@<32 hex>), 2025+ tokens (API@CJ123@CJ:<jwt>), bare JWTs;
# also percent-encoded, as they appear in a URL when passed with -p (@ is %40, : is %3A).
_SECRET_SHAPES = re.compile(
    r"(?:API(?:@|%40)CJ\w*(?:@|%40)CJ(?::|%3A)[\w.\-+/=%]+)|(?:CJ\w*(?:@|%40)api(?:@|%40)\w+)"
    r"|(?:eyJ[\w\-]+\.[\w\-]+(?:\.[\w\-]+)?)"
)


# An API key as CJ's auth page shows it, CJ<account digits>@api@<32 hex>: `cjerr auth login` checks
# keys against it and the mock accepts keys by it, so the two never disagree.
API_KEY_SHAPE = re.compile(r"CJ(\d+)@api@[0-9A-Fa-f]{32}")


def api_key_problem(key: str) -> str | None:
    """Why ``key`` is not shaped like a CJ API key (CJ<digits>@api@<32 hex>); None when it is. Never quotes it."""
    if API_KEY_SHAPE.fullmatch(key):
        return None
    if key.startswith(("API@CJ", "eyJ")):
        return (
            "looks like an access token, not the API key: getAccessToken takes the key "
            "(CJ<digits>@api@<32 hex characters>) from My CJ > Authorization > API"
        )
    if "@" in key and "@api@" not in key:
        return (
            "looks like an email address or a password, not the API key: the email + password login stopped "
            "working in 2025 (CJ answers 1600005); getAccessToken now takes only the API key, "
            "CJ<digits>@api@<32 hex characters>"
        )
    if any(char in key for char in "\"' \t"):
        return "contains quotes or spaces; copy only the key itself (CJ<digits>@api@<32 hex characters>)"
    return f"does not have the form CJ<digits>@api@<32 hex characters> (it has {len(key)} characters)"


# The access tokens of CJ's older docs: 32 hexadecimal characters (f59ac98193d64d62a9e887abea830369).
_HEX_TOKEN = re.compile(r"[0-9a-fA-F]{32}")


def has_credential_shape(text: str) -> bool:
    """True when ``text`` is shaped like a real CJ credential: a 2025+ token, a JWT, an API key or 32 hex digits."""
    value = text.strip()
    return bool(_SECRET_SHAPES.fullmatch(value) or _HEX_TOKEN.fullmatch(value))


def _name_pattern(name: str) -> str:
    """``accessToken`` -> ``access[_-]?token``: any case, an optional '_' or '-' between the words."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)
    return "[_-]?".join(re.escape(word.lower()) for word in words)


# Single common words that prose uses ("token file", "access token: https://..."): in free text
# they count only as ``token=value`` or as a quoted key (``"token": "..."``), never as ``token: value``.
_PROSE_WORDS = frozenset({"token", "secret"})
_COMPOUND_NAMES = "|".join(
    _name_pattern(name)
    for name in sorted(_SECRET_NAMES_WRITTEN, key=len, reverse=True)
    if name.lower() not in _PROSE_WORDS
)
_PROSE_NAMES = "|".join(sorted(_PROSE_WORDS))
# Group 1 is the name and separator (kept), group 2 the value (masked).
_FIELD_IN_TEXT = re.compile(
    rf"(?i)((?:[\"']?(?:{_COMPOUND_NAMES})[\"']?\s*[:=]"
    rf"|[\"'](?:{_PROSE_NAMES})[\"']\s*[:=]"
    rf"|(?<![a-z0-9])(?:{_PROSE_NAMES})\s*=)"
    r"\s*[\"']?(?:bearer\s+|basic\s+)?)([^\s\"',;&}]+)"
)

_registered: set[str] = set()


def is_secret_name(name: str) -> bool:
    return name.replace("-", "").replace("_", "").lower() in SECRET_NAMES


def mask(value: str) -> str:
    """A recognisable but useless stand-in: the first 4 characters and the length."""
    if len(value) < 12:
        return "[redacted]"
    return f"{value[:4]}...[redacted, {len(value)} chars]"


def register(secret: str | None) -> None:
    """Remember a secret so that scrub() removes it from any text, whatever field it was in.

    A secret scrub() already masks by its shape (a 2025+ token, a JWT, an API key) is not remembered: the
    list is searched for every text scrubbed, and a mock issuing thousands of tokens would make each scrub
    slower (0.37 ms became 7.7 ms at 10,000 tokens). Only other shapes (32-hex tokens, openIds) join it.
    """
    if secret and len(secret) >= 4 and not _SECRET_SHAPES.fullmatch(secret):
        # Imported here: urllib.parse (with ipaddress) is most of this module's import cost, and
        # lookup, list and TAB never register a secret.
        import urllib.parse

        # The percent-encoded forms too: a URL carries the secret that way.
        _registered.update({secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)})


def sent_secrets(query: Iterable[tuple[str, str]], body: bytes | None) -> list[str]:
    """The secrets a request carries under a secret name (a body's refreshToken, a query's token).

    A server may echo one in an error message; free text is masked only by shape and by value, and a
    refresh token of the older 32-hex shape matches no shape, so its value is what finds it.
    """
    found = [value for name, value in query if is_secret_name(name) and len(value) >= 8]
    if not body or b":" not in body:
        return found
    import json  # here: lookup, list and TAB never send a request

    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return found
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for name, value in item.items():
                if isinstance(value, str) and is_secret_name(str(name)) and len(value) >= 8:
                    found.append(value)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def register_sent(query: Iterable[tuple[str, str]], body: bytes | None) -> None:
    """register() each of sent_secrets(), for probe and the SDK transports (the proxy hides them per call)."""
    for secret in sent_secrets(query, body):
        register(secret)


def scrub(text: str, *, fields: bool = True) -> str:
    """Remove registered secrets and anything shaped like a CJ credential from free text.

    ``fields=False`` skips the ``apiKey: value`` pattern, which also matches cjerr's own
    documentation ("apiKey: string(64)") and the escape codes after "Authorization:" in
    Rich output; the output stream uses it, after the data was scrubbed in full.
    """
    if _registered:
        for secret in sorted(_registered, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, mask(secret))
    # Each pattern needs a character most texts lack (a field needs ":" or "=", a credential "@", "%40" or
    # "eyJ"): looking for those first spares a regex pass over every requestId and message of a big log.
    if fields and (":" in text or "=" in text):
        text = _FIELD_IN_TEXT.sub(lambda match: match.group(1) + _mask_unless_masked(match.group(2)), text)
    if "@" in text or ("%" in text and "%40" in text) or _has_jwt_start(text):
        text = _SECRET_SHAPES.sub(lambda match: _mask_unless_masked(match.group(0)), text)
    return text


def scrubs_to_itself(text: str) -> bool:
    """True when scrub() would return ``text`` unchanged for sure: letters and digits only (every pattern needs
    a character that is neither: "@", ".", ":" or "="), and no registered secret to look for."""
    return text.isalnum() and not _registered


def _has_jwt_start(text: str) -> bool:
    """``"eyJ" in text``, faster on long text: a one-character search runs at memchr speed, a three-character
    one about twenty times slower, and most lines hold no "J" or only a few ("CJ")."""
    at = text.find("J", 2)
    while at != -1:
        if text[at - 2 : at] == "ey":
            return True
        at = text.find("J", at + 1)
    return False


def scrubbed_head(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``text``, masked before the cut (a cut secret is no longer recognisable)."""
    return scrub(text[: limit + limits.SCRUB_WINDOW_CHARS])[:limit]


def blank(text: str) -> str:
    """Like scrub(), but each secret becomes '*' characters of its own length, so columns stay put.

    For text that is clipped after masking (a caret under a JSON error): scrub()
    cannot recognise the tail of a key whose head was clipped away.
    """
    spans = [match.span(2) for match in _FIELD_IN_TEXT.finditer(text)]
    spans += [match.span() for match in _SECRET_SHAPES.finditer(text)]
    for secret in _registered:
        start = text.find(secret)
        while start != -1:
            spans.append((start, start + len(secret)))
            start = text.find(secret, start + 1)
    pieces: list[str] = []
    done = 0
    for start, end in sorted(spans):
        if end > done:
            start = max(start, done)
            pieces += [text[done:start], "*" * (end - start)]
            done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _mask_unless_masked(value: str) -> str:
    return value if value.startswith("[redacted") or "...[redacted" in value else mask(value)


def headers(values: Mapping[str, str]) -> dict[str, str]:
    return {name: (mask(value) if is_secret_name(name) else scrub(value)) for name, value in values.items()}


def json_value(value: Any) -> Any:
    """A copy of a decoded JSON value with every secret field masked (no recursion limit)."""
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while stack:
        source, parent, key = stack.pop()
        if isinstance(source, dict):
            copy: dict[Any, Any] = {}
            parent[key] = copy
            for name, item in source.items():
                if isinstance(name, str) and is_secret_name(name) and isinstance(item, str):
                    copy[name] = mask(item)
                elif isinstance(name, str) and is_secret_name(name) and isinstance(item, int | float):
                    # numbers too (openId is a number); booleans say nothing secret and stay
                    copy[name] = item if isinstance(item, bool) else mask(str(item))
                else:
                    copy[name] = None
                    stack.append((item, copy, name))
        elif isinstance(source, list):
            items: list[Any] = [None] * len(source)
            parent[key] = items
            stack.extend((item, items, index) for index, item in enumerate(source))
        elif isinstance(source, str):
            parent[key] = scrub(source)
        else:
            parent[key] = source
    return root[0]
