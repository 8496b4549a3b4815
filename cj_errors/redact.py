"""Mask secrets everywhere cjerr prints: headers, JSON bodies and free text.

Tokens, API keys, refresh tokens and passwords never appear in full. Every
output path (dry run, curl, verbose, JSON, error messages) goes through here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# Compared case-insensitively, with '-' and '_' ignored.
SECRET_NAMES = frozenset(
    name.replace("-", "").replace("_", "").lower()
    for name in (
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
    )
)

# Shapes of CJ credentials, for text that did not come through a known field:
# API keys (CJ123@api@<32 hex>), 2025+ tokens (API@CJ123@CJ:<jwt>), bare JWTs.
_SECRET_SHAPES = re.compile(r"(?:API@CJ\w*@CJ:[\w.\-+/=]+)|(?:CJ\w*@api@\w+)|(?:eyJ[\w\-]+\.[\w\-]+(?:\.[\w\-]+)?)")
_FIELD_IN_TEXT = re.compile(
    r"(?i)([\"']?(?:cj-access-token|platformtoken|apikey|accesstoken|refreshtoken|password|authorization)[\"']?"
    r"\s*[:=]\s*[\"']?)([^\s\"',;&}]+)"
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
    """Remember a secret so that scrub() removes it from any text, whatever field it was in."""
    if secret and len(secret) >= 4:
        _registered.add(secret)


def scrub(text: str) -> str:
    """Remove registered secrets and anything shaped like a CJ credential from free text."""
    for secret in sorted(_registered, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, mask(secret))
    text = _FIELD_IN_TEXT.sub(lambda match: match.group(1) + _mask_unless_masked(match.group(2)), text)
    return _SECRET_SHAPES.sub(lambda match: _mask_unless_masked(match.group(0)), text)


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
