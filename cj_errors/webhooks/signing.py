"""How CJ signs a webhook delivery and how a receiver checks it.

Each message carries a ``sign`` header: the padded Base64 of HMAC-SHA256 over the raw request body, keyed by
the account's openId as a string (https://developers.cjdropshipping.com/en/api/start/webhook.html). The openId
is therefore a secret. Comparisons are constant-time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

SIGN_HEADER = "sign"


def _key(open_id: str | int) -> bytes:
    if isinstance(open_id, bool) or not isinstance(open_id, str | int):
        raise TypeError("open_id must be the account openId as a string (or an int)")
    text = str(open_id).strip()
    if not text:
        raise ValueError("open_id is empty")
    return text.encode("utf-8")


def check_key(open_id: str | int) -> None:
    """Raise now (ValueError) for an openId that cannot key a signature, rather than in a background thread."""
    _key(open_id)


def sign(body: bytes, open_id: str | int) -> str:
    """The ``sign`` header CJ sends with ``body``: padded Base64 of HMAC-SHA256 keyed by the openId string."""
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError("body must be the raw request body as bytes, exactly as received")
    digest = hmac.new(_key(open_id), bytes(body), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(body: bytes, open_id: str | int, signature: str | bytes | None) -> bool:
    """True when ``signature`` (the ``sign`` header) matches ``body``; compared in constant time.

    Pass the raw body bytes as received: parsing and re-serializing the JSON changes them.
    """
    if signature is None:
        return False
    given = signature.encode("utf-8", "replace") if isinstance(signature, str) else bytes(signature)
    expected = sign(body, open_id).encode("ascii")
    return hmac.compare_digest(expected, given.strip())


def signature_hints(body: bytes, open_id: str | int, signature: str) -> list[str]:
    """Why a signature may not match: the usual ways a capture or a receiver changes what was signed."""
    hints: list[str] = []
    given = signature.strip()
    digest = hmac.new(_key(open_id), body, hashlib.sha256).digest()
    if not given:
        return ["the signature is empty: read the `sign` header of the request"]
    if hmac.compare_digest(given.lower().encode("utf-8", "replace"), digest.hex().encode()):
        hints.append("the signature is hex; CJ sends Base64 (base64 of the raw HMAC-SHA256 bytes)")
    urlsafe = base64.urlsafe_b64encode(digest).decode()
    standard = base64.b64encode(digest).decode()
    if urlsafe != standard and hmac.compare_digest(given.encode("utf-8", "replace"), urlsafe.encode()):
        hints.append("the signature is URL-safe Base64 (- and _); CJ uses standard Base64 (+ and /)")
    if given.rstrip("=") == base64.b64encode(digest).decode().rstrip("=") and "=" not in given:
        hints.append("the signature lost its '=' padding; CJ sends padded Base64")
    for trimmed, what in ((body.rstrip(b"\r\n"), "a trailing newline"), (body.strip(), "surrounding whitespace")):
        if trimmed != body and verify(trimmed, open_id, given):
            hints.append(f"it matches once {what} is removed from the body: the capture added it")
            break
    if not hints:
        try:
            decoded = base64.b64decode(given, validate=True)
        except (binascii.Error, ValueError):
            hints.append("the signature is not Base64: is it the `sign` header's value?")
        else:
            if len(decoded) != 32:
                hints.append(f"the signature decodes to {len(decoded)} bytes; an HMAC-SHA256 has 32")
    if not hints:
        hints.extend(
            [
                "check the key: it is the openId of the CJ account (from getAccessToken or /setting/get), "
                "as a string, not the API key or the access token",
                "check the body: verify the raw bytes as received, before any JSON parsing or re-encoding",
            ]
        )
    return hints
