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
from typing import Any, NamedTuple, Union

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


class BlockReader(NamedTuple):
    """msgspec's reading of a run of JSON Lines, for the caller to take each line's fields from (see ``fields``).

    ``read(lines)`` gives one object a line, with the attributes code, result, success, message, requestId,
    data and pointsInfo (ABSENT when the line lacks the key), or None for a line that is not one JSON object.
    ``data`` is a ``data_object`` for an object, equal to ``no_keys`` unless it holds one of DATA_KEYS (its
    other values are the JSON values, a list as a list of raw bytes).
    """

    read: Callable[[list[bytes]], list[Any]]
    data_object: type
    no_keys: object


_msgspec_readers: tuple[Callable[[str], Fields | None], BlockReader] | None = None


def reader() -> Callable[[str], Fields | None]:
    """A function reading the envelope fields of one JSON object's text, or None when it is not one."""
    readers = _with_msgspec()
    return readers[0] if readers is not None else _read_with_json


def block_reader(read: Callable[[str], Fields | None]) -> BlockReader | None:
    """For ``reader()``'s msgspec reader: a function reading a run of JSON Lines at once (see ``_with_msgspec``).

    None for any other reader: those read line by line.
    """
    readers = _with_msgspec() if read is not _read_with_json else None
    return readers[1] if readers is not None and readers[0] is read else None


def _with_msgspec() -> tuple[Callable[[str], Fields | None], BlockReader] | None:
    """The readers made with msgspec (once per process), or None without it."""
    global _msgspec_readers  # noqa: PLW0603 - made on first use: lookup and TAB never need msgspec
    if _msgspec_readers is not None:
        return _msgspec_readers
    try:
        import msgspec
    except ImportError:
        return None

    # Only these fields are decoded; msgspec skips the rest of the object. Of an object in ``data``, only
    # the keys that change what the answer means are looked at (their values stay raw bytes).
    # gc=False: what msgspec decodes cannot refer back to these objects, so they need no cycle collection (a run
    # of lines makes thousands at once, and tracking them would set the collector off over and over).
    data_keys = msgspec.defstruct("DataKeys", [(name, msgspec.Raw, ABSENT) for name in DATA_KEYS], gc=False)
    # A type built at run time (mypy cannot follow defstruct's class).
    data_type = Union[data_keys, list[msgspec.Raw], str, int, float, bool, None]  # type: ignore[valid-type]  # noqa: UP007
    envelope = msgspec.defstruct(
        "Envelope",
        [(name, Any, ABSENT) for name in ("code", "result", "success", "message", "requestId")]
        + [("data", data_type, ABSENT), ("pointsInfo", msgspec.Raw, ABSENT)],
        gc=False,
    )
    decode = msgspec.json.Decoder(envelope).decode
    errors = (msgspec.DecodeError, ValueError, RecursionError)
    no_keys = data_keys()  # a data object with none of DATA_KEYS compares equal to this

    def fields(found: Any) -> Fields | None:
        if found.pointsInfo is not ABSENT:
            return None  # top-level points figures: the exact path reads them
        data = found.data
        if type(data) is data_keys:
            if data != no_keys:
                return None
            data = True
        elif data is not ABSENT and data is not None:  # None for "data": null, True for any other data
            data = True
        return (found.code, found.result, found.success, found.message, found.requestId, data)

    def read(text: str) -> Fields | None:
        try:
            found: Any = decode(text)
        except errors:
            return None
        return fields(found)

    def read_block(lines: list[bytes]) -> list[Any]:
        """What ``read`` decodes of each line (bytes of valid UTF-8, without the newline), before ``fields``;
        None for a line ``read`` could not read whole (it may still hold an envelope after a log prefix)."""
        try:
            return list(map(decode, lines))  # the usual case: every line one JSON object
        except errors:
            pass
        found: list[Any] = []
        for line in lines:
            try:
                found.append(decode(line))
            except errors:
                found.append(None)
        return found

    _msgspec_readers = (read, BlockReader(read_block, data_keys, no_keys))
    return _msgspec_readers


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


__all__ = ["ABSENT", "DATA_KEYS", "MAX_SHAPES", "BlockReader", "Fields", "block_reader", "plain", "reader"]
