"""A safe reader for the object literals that logs print: JSON, Python reprs and JavaScript.

Python's logging prints a dict as ``{'code': 1600200, 'result': False, ...}``; Node's
``console.log`` prints ``{ code: 1600200, message: 'Too Many Requests', data: null }``
over several lines, with ``[Object]`` for deep values. Neither is JSON, and neither
may be fed to ``eval``. This is a small recursive-descent reader for all three:
quoted or bare keys, single or double quotes, ``True``/``None``/``undefined``,
trailing commas, comments, and the placeholders Node's inspector writes. Nesting is
capped, numbers too long to be codes stay text, and strings are scanned by
regular expressions, so a hostile line costs time linear in its length.

Standard library only.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cj_errors.base import limits

# A JSON integer longer than this is kept as text: no CJ value is that long, and
# int() of thousands of digits is slow (and limited since Python 3.11).
MAX_INT_DIGITS = limits.INT_DIGITS


class LiteralError(ValueError):
    """The text at that position is not an object literal this reader understands."""


class LongNumber(str):
    """A number too long to convert safely; kept as its digits."""


def parse_int(digits: str) -> int | str:
    """int(), except for numbers longer than any CJ value (see ``LongNumber``)."""
    return int(digits) if len(digits.lstrip("-")) <= MAX_INT_DIGITS else LongNumber(digits)


_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.DOTALL)
_DOUBLE = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"', re.DOTALL)
_SINGLE = re.compile(r"'([^'\\]*(?:\\.[^'\\]*)*)'", re.DOTALL)
_BACKTICK = re.compile(r"`([^`\\]*(?:\\.[^`\\]*)*)`", re.DOTALL)
_NUMBER = re.compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)n?")
_NAME = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")
# What Node's inspector writes in place of values: [Object], [Array], [Function: f],
# [Circular *1], [Getter], and "<ref *1>" before a value that is referenced again.
_NODE_PLACEHOLDER = re.compile(r"\[(?:Object|Array|Function|Circular|Getter|Setter|class|AsyncFunction)\b[^\]\n]*\]")
_NODE_REF = re.compile(r"<ref \*\d+>\s*")
_NODE_PREFIX = re.compile(r"(?:\[Object: null prototype\]|[A-Z]\w*(?:\(\d+\))?)\s*(?=[{\[])")
_MORE_ITEMS = re.compile(r"\.\.\. \d+ more (?:items?|bytes?|characters?)")
_STRING_PREFIX = re.compile(r"[bBuUrRfF]{1,2}(?=['\"])")
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "0": "\0", "v": "\v"}
_NAMED_VALUES: dict[str, Any] = {
    "true": True,
    "false": False,
    "null": None,
    "True": True,
    "False": False,
    "None": None,
    "undefined": None,
    "NaN": None,
    "Infinity": None,
    "nil": None,
}


def _unescape(body: str) -> str:
    if "\\" not in body:
        return body

    def replace(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape[0] in "xuU" and len(escape) > 1:
            try:
                return chr(int(escape[1:], 16))
            except ValueError:
                return escape
        return _SIMPLE_ESCAPES.get(escape, escape)

    return _ESCAPE.sub(replace, body)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text

    def skip(self, position: int) -> int:
        return _SPACE.match(self.text, position).end()  # type: ignore[union-attr]  # matches empty

    def value(self, position: int, depth: int) -> tuple[Any, int]:
        if depth > limits.LITERAL_DEPTH:
            raise LiteralError("nested too deeply")
        text = self.text
        position = self.skip(position)
        if (ref := _NODE_REF.match(text, position)) is not None:
            position = ref.end()
        if (prefix := _NODE_PREFIX.match(text, position)) is not None:
            position = prefix.end()
        if position >= len(text):
            raise LiteralError("unexpected end")
        char = text[position]
        if char == "{":
            return self.mapping(position + 1, depth + 1)
        if char == "[":
            if (placeholder := _NODE_PLACEHOLDER.match(text, position)) is not None:
                return None, placeholder.end()
            return self.sequence(position + 1, depth + 1, "]")
        if char == "(":
            return self.sequence(position + 1, depth + 1, ")")
        if (prefix := _STRING_PREFIX.match(text, position)) is not None:
            position = prefix.end()
            char = text[position]
        if char in "\"'`":
            return self.string(position)
        if (number := _NUMBER.match(text, position)) is not None:
            return self.number(number.group()), number.end()
        if (name := _NAME.match(text, position)) is not None:
            word = name.group()
            end = name.end()
            if word in _NAMED_VALUES:
                return _NAMED_VALUES[word], end
            after = self.skip(end)
            if after < len(text) and text[after] == "(":
                # A Python constructor in a repr: Decimal('1.5'), datetime.datetime(2026, 1, 2).
                arguments, end = self.sequence(after + 1, depth + 1, ")")
                return (arguments[0] if len(arguments) == 1 else None), end
            return word, end  # a bare word as a value (an enum in a doc example: "productType": ALL)
        raise LiteralError(f"unexpected {char!r}")

    def string(self, position: int) -> tuple[str, int]:
        pattern = {'"': _DOUBLE, "'": _SINGLE, "`": _BACKTICK}[self.text[position]]
        match = pattern.match(self.text, position)
        if match is None:
            raise LiteralError("unterminated string")
        body = match.group(1)
        if self.text[position] == '"':
            try:
                return json.loads('"' + body + '"'), match.end()
            except ValueError:
                pass
        return _unescape(body), match.end()

    @staticmethod
    def number(token: str) -> int | float | str:
        token = token.rstrip("n")
        if token.lower().lstrip("+-").startswith("0x"):
            return int(token, 16)
        if re.fullmatch(r"[-+]?\d+", token):
            return parse_int(token.lstrip("+"))
        try:
            return float(token)
        except ValueError:
            raise LiteralError(f"bad number {token!r}") from None

    def key(self, position: int) -> tuple[str, int]:
        text = self.text
        if text[position] in "\"'`":
            return self.string(position)
        if (number := _NUMBER.match(text, position)) is not None:
            return number.group(), number.end()
        if (name := _NAME.match(text, position)) is not None:
            return name.group(), name.end()
        raise LiteralError("expected a key")

    def mapping(self, position: int, depth: int) -> tuple[dict[str, Any], int]:
        text = self.text
        result: dict[str, Any] = {}
        while True:
            position = self.skip(position)
            if position >= len(text):
                raise LiteralError("unterminated object")
            if text[position] == "}":
                return result, position + 1
            if (more := _MORE_ITEMS.match(text, position)) is not None:
                position = self.skip(more.end())
            else:
                key, position = self.key(position)
                position = self.skip(position)
                if text.startswith("=>", position):
                    position += 2
                elif position < len(text) and text[position] in ":=":
                    position += 1
                else:
                    raise LiteralError("expected ':' after a key")
                value, position = self.value(position, depth)
                result[str(key)] = value
                position = self.skip(position)
            if position < len(text) and text[position] == ",":
                position += 1
            elif position < len(text) and text[position] != "}":
                raise LiteralError("expected ',' or '}'")

    def sequence(self, position: int, depth: int, closing: str) -> tuple[list[Any], int]:
        text = self.text
        result: list[Any] = []
        while True:
            position = self.skip(position)
            if position >= len(text):
                raise LiteralError("unterminated list")
            if text[position] == closing:
                return result, position + 1
            if (more := _MORE_ITEMS.match(text, position)) is not None:
                position = self.skip(more.end())
            else:
                value, position = self.value(position, depth)
                result.append(value)
                position = self.skip(position)
            if position < len(text) and text[position] == ",":
                position += 1
            elif position < len(text) and text[position] != closing:
                raise LiteralError(f"expected ',' or {closing!r}")


def read_literal(text: str, position: int = 0) -> tuple[Any, int]:
    """The value that starts at ``position`` (white space skipped) and where it ends.

    Raises ``LiteralError`` when the text there is not a literal this reader knows.
    """
    try:
        return _Reader(text).value(position, 0)
    except (IndexError, RecursionError):
        raise LiteralError("malformed literal") from None
