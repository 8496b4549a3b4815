"""Counting the common lines of a big log fast: classify each distinct envelope shape once.

A log of a million CJ answers repeats a handful of shapes (code, result, message)
that differ only in their ``requestId`` and ``data``. For a line that holds one
plain envelope and nothing else (JSON Lines, or one JSON object after a log
prefix), this reads just the envelope fields, looks the shape up in a memo, and
counts it; the first line of each shape is explained in full by the exact path,
so the counts are the same. Anything unusual (a second object, nested records,
a held order, points figures in the body, odd values) returns None, and the
caller takes the exact path for that line. Points figures in the message
("Used today: N") are masked before the shape is looked up (see the memo in
``stream``), so live figures do not make every quota answer a new shape.

With msgspec (a dependency where it has wheels; ``cjerr[fast]`` elsewhere) the
fields are decoded without building the rest of the line; without it, the
standard library's decoder gives the same answers, more slowly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Union

from cj_errors.base import limits
from cj_errors.reading import literals

ABSENT: Any = object()  # a key the line does not have
# read_plain_line leaves lines with content that changes what a success or a limit answer means
# (held orders, points figures) or that the exact path reads differently (a second "code") to it.
MAX_SHAPES = limits.SHAPES
# Keys of ``data`` that make a success a held order (``held``) or carry points figures (``cjwording``):
# a line whose data has one is left to the exact path. Only the top level of ``data`` is read there.
DATA_KEYS = frozenset({"interceptOrderReasons", "interceptOrders", "logisticsMiss", "submitSuccess", "pointsInfo"})
_MAX_CODE = 10**literals.MAX_INT_DIGITS


# What a reader returns: (code, result, success, message, requestId, data), ABSENT for a missing key,
# with data reduced to ABSENT, None (null) or True (anything else).
Fields = tuple[Any, Any, Any, Any, Any, Any]


def _plain(value: Any) -> bool:
    """A value both decoders read the same way and the memo can key on."""
    if value is ABSENT or value is None or isinstance(value, (bool, str)):
        return True
    if isinstance(value, int):
        return bool(-_MAX_CODE < value < _MAX_CODE)
    return isinstance(value, float)


def reader() -> Callable[[str], Fields | None]:
    """A function reading the envelope fields of one JSON object's text, or None when it is not one."""
    try:
        import msgspec
    except ImportError:
        return _read_with_json

    # Only these fields are decoded; msgspec skips the rest of the object. Of an object in ``data``, only
    # the keys that change what the answer means are looked at (their values stay raw bytes).
    data_keys = msgspec.defstruct("DataKeys", [(name, msgspec.Raw, ABSENT) for name in DATA_KEYS])
    # A type built at run time (mypy cannot follow defstruct's class).
    data_type = Union[data_keys, list[msgspec.Raw], str, int, float, bool, None]  # type: ignore[valid-type]  # noqa: UP007
    envelope = msgspec.defstruct(
        "Envelope",
        [(name, Any, ABSENT) for name in ("code", "result", "success", "message", "requestId")]
        + [("data", data_type, ABSENT), ("pointsInfo", msgspec.Raw, ABSENT)],
    )
    decode = msgspec.json.Decoder(envelope).decode
    errors = (msgspec.DecodeError, ValueError, RecursionError)
    check = tuple(DATA_KEYS)

    def read(text: str) -> Fields | None:
        try:
            found: Any = decode(text)
        except errors:
            return None
        if found.pointsInfo is not ABSENT:
            return None  # top-level points figures: the exact path reads them
        data = found.data
        if type(data) is data_keys:
            for name in check:
                if getattr(data, name) is not ABSENT:
                    return None
            data = True
        elif data is not ABSENT and data is not None:  # None for "data": null, True for any other data
            data = True
        return (found.code, found.result, found.success, found.message, found.requestId, data)

    return read


_DECODER = json.JSONDecoder(parse_int=literals.parse_int)


def _read_with_json(text: str) -> Fields | None:
    try:
        document, end = _DECODER.raw_decode(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or (end != len(text) and not text[end:].isspace()):
        return None
    if "pointsInfo" in document:
        return None
    get = document.get
    data = get("data", ABSENT)
    if type(data) is dict and not DATA_KEYS.isdisjoint(data):
        return None
    kind = data if data is ABSENT or data is None else True
    return (
        get("code", ABSENT),
        get("result", ABSENT),
        get("success", ABSENT),
        get("message", ABSENT),
        get("requestId", ABSENT),
        kind,
    )


def plain(fields: Fields) -> bool:
    """True when every envelope value is one both decoders read alike and the memo can key on."""
    return all(_plain(value) for value in fields[:5])


__all__ = ["ABSENT", "DATA_KEYS", "MAX_SHAPES", "Fields", "plain", "reader"]
