"""Explaining a big log's repeated answers once: per stream, the explanation of each plain envelope shape
seen, for the summary (``_ShapeMemo``, counting without an item) and for ``--each`` (``_ItemMemo``, the
item again with its own requestId). Both are bounded and start afresh when full.

Standard library only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from cj_errors.reading import scan, shapes
from cj_errors.reading.explanation import (
    Envelope,
    Explanation,
    explain_envelope,
    request_id_text,
)
from cj_errors.reading.results import Item, Summary, _Counted
from cj_errors.table import cjwording

_ABSENT = shapes.ABSENT


class _ShapeMemo:
    """Per stream: what the exact path made of each plain envelope shape seen (bounded).

    ``run`` reads most lines of a big log, so it is written flat: no helper calls on the
    common path, where the line's shape and code are already known.
    """

    def __init__(self, http_status: int | None, now: dt.datetime | None) -> None:
        self.http_status = http_status
        self.now = now
        self.known: dict[tuple[Any, ...], _Counted | None] = {}
        self.read = shapes.reader()
        # Responses counted here but not yet in the summary (a plain dict is faster than its Counters).
        self.tally: defaultdict[_Counted, int] = defaultdict(int)

    def run(
        self, lines: Iterator[tuple[str | None, bool]], number: int, summary: Summary
    ) -> tuple[int, tuple[str | None, bool] | None]:
        """Count lines from ``lines`` while they are plain envelopes of known shapes.

        Returns the number of the last line taken and the first line it could not count (which
        the exact path reads next), or None at the end of the stream. Lines it counted are in
        ``summary.lines``; the returned one is not.
        """
        read, known, tally = self.read, self.known, self.tally
        per_code, first_ids = summary.per_code, summary.first_request_id
        counted_lines = 0
        try:
            for pair in lines:
                number += 1
                line = pair[0]
                if line is None:
                    return number, pair
                start = line.find("{")
                if start == -1:
                    return number, pair
                fields = read(line if start == 0 else line[start:])
                if fields is None:
                    return number, pair
                # (The reader leaves held orders and points figures in data to the exact path.)
                code, result, success, message, request_id, data = fields
                # Everything the explanation depends on but the requestId's value (and data, see above); the
                # types keep True apart from 1. The common shape gets a shorter key of its own length.
                if type(code) is int and type(result) is bool and success is _ABSENT and type(message) is str:
                    shape: tuple[Any, ...] = (code, result, message, request_id is _ABSENT, data)
                else:
                    shape = (
                        type(code), code, type(result), result, type(success), success, message,
                        request_id is _ABSENT, data, None,
                    )  # fmt: skip
                try:
                    counted = known[shape]
                except KeyError:
                    counted = self._unknown(shape, line, fields)
                except TypeError:  # a list or object where a value belongs: unhashable, and not plain
                    return number, pair
                if counted is None:
                    return number, pair
                key = counted.key
                if key in per_code and (request_id is _ABSENT or key in first_ids):
                    tally[counted] += 1
                else:
                    summary.count(counted, number, None if request_id is _ABSENT else request_id)
                counted_lines += 1
        finally:
            summary.lines += counted_lines
        return number, None

    def _unknown(self, shape: tuple[Any, ...], line: str, fields: shapes.Fields) -> _Counted | None:
        """The count for a shape the memo has not seen, when only live points figures make it new.

        Otherwise the shape is learnt and None sends this line to the exact path, which counts the
        first line of each shape itself. A full memo starts afresh rather than stop learning: a log
        that opens with thousands of one-off messages must not leave its common lines on the slow path.
        """
        known = self.known
        key = shape
        message = fields[3]
        if type(message) is str and type(fields[0]) is int:
            # "Used today: 104890" grows with every call: key on the wording, not on the figures.
            masked = cjwording.points_masked(message)
            if masked is not None:
                at = 2 if len(shape) == 5 else 6  # where the message sits in either form of the key
                key = (*shape[:at], masked, *shape[at + 1 :])
                if key in known:
                    return known[key]
        if len(known) >= shapes.MAX_SHAPES:
            known.clear()
        known[key] = self._classify(line) if shapes.plain(fields) else None
        return None

    def flush(self, summary: Summary) -> None:
        """Add the tallied responses to the summary."""
        for counted, number in self.tally.items():
            summary.per_code[counted.key] += number
            summary.per_status[counted.exit_status] += number
            summary.responses += number
        self.tally.clear()

    def _classify(self, line: str) -> _Counted | None:
        """The exact path's reading of a line, if it is one top-level envelope and nothing else."""
        documents = scan.documents_in(line)
        if len(documents) != 1 or not isinstance(documents[0], dict):
            return None
        found = scan.envelopes_in_document(documents[0])
        if len(found) != 1 or found[0].nested:
            return None
        return _Counted.of(explain_envelope(found[0].envelope, self.http_status, self.now))


class _ItemMemo:
    """Per stream, for ``explain --each``: the explanation of each plain envelope shape seen (bounded).

    A line holding one top-level envelope of a shape already explained gets that explanation with its
    own requestId; the first line of each shape is explained in full, and so is anything unusual
    (the reader returns None, a log prefix with brackets, values the memo cannot key on).
    """

    def __init__(self, http_status: int | None, now: dt.datetime | None) -> None:
        self.http_status = http_status
        self.now = now
        # Per shape: its explanation, what the summary counts of it, and a token naming the shape.
        self.known: dict[tuple[Any, ...], tuple[Explanation, _Counted, object] | None] = {}
        self.read = shapes.reader()
        self.counted: _Counted | None = None  # of the item last returned, when it came from the memo

    def counted_item(self, line: str, number: int, summary: Summary) -> Item | None:
        """The item for ``line`` when its shape is known, already counted in ``summary``; None: the exact path."""
        item = self.item(line, number)
        if item is None:
            return None
        if self.counted is not None:
            summary.count(self.counted, number, item.explanation.request_id)
        else:
            summary.add(item)
        return item

    def item(self, line: str, number: int) -> Item | None:
        """The item for ``line`` when its shape is known; None sends the line to the exact path."""
        self.counted = None
        start = line.find("{")
        if start == -1 or "[" in line[:start]:
            return None
        fields = self.read(line if start == 0 else line[start:])
        if fields is None:
            return None
        request_id = fields[4]
        code, result, success, message = fields[:4]
        # Types keep True apart from 1 and 200.0 from 200; the message is kept as it is (its figures are printed).
        shape = (
            type(code), code, type(result), result, type(success), success, type(message), message,
            type(request_id), fields[5],
        )  # fmt: skip
        try:
            known = self.known[shape]
        except KeyError:
            return self._learn(shape, line, fields, number)
        except TypeError:  # unhashable: not plain
            return None
        if known is None:
            return None
        template, self.counted, token = known
        envelope = template.envelope
        assert envelope is not None  # noqa: S101 - learnt only from envelopes
        text = request_id_text(request_id) if request_id is not _ABSENT else None
        if text != envelope.request_id:
            # dataclasses.replace, without its per-field work: the other fields are the template's, unchanged.
            copied = object.__new__(Envelope)
            copied.__dict__.update(envelope.__dict__, request_id=text, document=None)
            explanation = object.__new__(Explanation)
            explanation.__dict__.update(template.__dict__, envelope=copied)
            template = explanation
        made = object.__new__(Item)  # Item(number, template, shape=token), without the frozen class's setattr calls
        made.__dict__.update(line=number, explanation=template, readable=True, shape=token)
        return made

    def _learn(self, shape: tuple[Any, ...], line: str, fields: shapes.Fields, number: int) -> Item | None:
        """The exact path's item for the first line of a shape, remembered for the next lines of that shape.

        None (the exact path reads the line) when the line is not one top-level envelope and nothing else.
        """
        if len(self.known) >= shapes.MAX_SHAPES:
            self.known.clear()
        explanation = None
        if shapes.plain(fields):
            documents = scan.documents_in(line)
            if len(documents) == 1 and isinstance(documents[0], dict):
                found = scan.envelopes_in_document(documents[0])
                if len(found) == 1 and not found[0].nested:
                    explanation = explain_envelope(found[0].envelope, self.http_status, self.now)
        if explanation is not None and explanation.reset_at is not None:
            # "Resets in 7 h 36 min" changes as a followed log is read (and live points figures make most
            # such messages new anyway): explained afresh each time, and not remembered.
            return Item(number, explanation)
        if explanation is None:
            self.known[shape] = None
            return None
        self.known[shape] = (explanation, _Counted.of(explanation), object())
        return Item(number, explanation)
