"""Explaining a big log's repeated answers once: per stream, the explanation of each plain envelope shape
seen, for the summary (``_ShapeMemo``, counting without an item) and for ``--each`` (``_ItemMemo``, the
item again with its own requestId). Both are bounded and start afresh when full.

Standard library only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, NamedTuple

from cj_errors.reading import scan, shapes
from cj_errors.reading.explanation import (
    Envelope,
    Explanation,
    explain_envelope,
    request_id_text,
)
from cj_errors.reading.lines import ChunkedLines
from cj_errors.reading.results import Item, Summary, _Counted
from cj_errors.table import cjwording

_ABSENT = shapes.ABSENT


class _Shape:
    """A plain envelope shape the memo knows: what the exact path made of it, and lines counted but not yet
    in the summary (``settled``: its code is itemized, with a first requestId when its lines carry one)."""

    __slots__ = ("counted", "lines", "settled")

    def __init__(self, counted: _Counted) -> None:
        self.counted = counted
        self.lines = 0
        self.settled = False


class _RunReading:
    """What both memos do with a run of JSON Lines read in chunks: decode it with msgspec once, and when one of its
    lines goes to the exact path, give the rest back to ``ChunkedLines`` without decoding it again."""

    read_block: shapes.BlockReader | None
    # A run given back after one of its lines went to the exact path: the run, where the rest starts,
    # what msgspec read of the whole run, and the index of the rest's first line in that.
    resume: tuple[list[bytes], int, list[Any], int] | None = None

    def _decoded(self, run: list[bytes], start: int) -> tuple[list[Any], int]:
        """What msgspec read of ``run[start:]``, and the index of ``run[start]`` in it."""
        assert self.read_block is not None  # noqa: S101 - only called with one
        resume, self.resume = self.resume, None
        if resume is not None and resume[0] is run and resume[1] == start:
            return resume[2], resume[3]
        return self.read_block.read(run[start:] if start else run), 0

    def _give_back(self, lines: ChunkedLines, run: list[bytes], at: int, found: list[Any], index: int) -> None:
        """Give back the lines of ``run`` after ``run[at]`` (which is ``found[index]``), read already."""
        lines.give_back(run, at + 1)
        self.resume = (run, at + 1, found, index + 1)


class _ShapeMemo(_RunReading):
    """Per stream: what the exact path made of each plain envelope shape seen (bounded).

    ``run`` reads most lines of a big log, so its loops are written flat: no helper calls on
    the common path, where the line's shape and code are already known.
    """

    def __init__(self, http_status: int | None, now: dt.datetime | None) -> None:
        self.http_status = http_status
        self.now = now
        # None for a shape the exact path reads every time (not one plain top-level envelope).
        self.known: dict[tuple[Any, ...], _Shape | None] = {}
        self.shapes: list[_Shape] = []  # those in ``known``, whose lines ``flush`` adds to the summary
        self.read = shapes.reader()
        self.read_block = shapes.block_reader(self.read)

    def run(
        self, lines: Iterator[tuple[str | None, bool]], number: int, summary: Summary
    ) -> tuple[int, tuple[str | None, bool] | None]:
        """Count lines from ``lines`` while they are plain envelopes of known shapes.

        Returns the number of the last line taken and the first line it could not count (which
        the exact path reads next), or None at the end of the stream. Lines it counted are in
        ``summary.lines``; the returned one is not. JSON Lines read in chunks (``ChunkedLines``)
        are decoded a run at a time when msgspec is there; other lines one at a time.
        """
        if self.read_block is None or not isinstance(lines, ChunkedLines):
            return self._run_lines(lines, number, summary)
        while True:
            taken = lines.run()
            if taken is None:
                if not lines.has_split():
                    return number, None  # the end
                number, pair = self._run_lines(lines.split_lines(), number, summary)
                if pair is not None:
                    return number, pair
                continue
            run, start = taken
            found, index = self._decoded(run, start)
            number, stop = self._run_found(found, index, number, summary)
            if stop == len(found):
                continue
            # A line the run's reading does not settle (a new shape, odd values, a log prefix) is read on its
            # own, as a line read alone would be; the rest of the run is given back, read already.
            at = start + stop - index  # the line's index in ``run``
            self._give_back(lines, run, at, found, stop)
            alone = ((run[at].decode("utf-8", errors="replace") + "\n", False),)
            number, pair = self._run_lines(iter(alone), number, summary)
            if pair is not None:
                return number, pair

    def _run_found(self, found: list[Any], index: int, number: int, summary: Summary) -> tuple[int, int]:
        """Count the lines of a run from ``index`` on, from what msgspec read of them, while their shapes are known.

        Returns the number of the last line counted and the index of the first one not counted
        (``len(found)`` when all were).
        """
        assert self.read_block is not None  # noqa: S101 - only called with one
        data_object, no_keys = self.read_block.data_object, self.read_block.no_keys
        known = self.known
        first = number  # the lines counted are those numbered after it
        try:
            for line in found[index:] if index else found:
                if line is None:
                    break
                # As shapes' line reader has it: held orders and points figures are left to the exact path.
                data = line.data
                if type(data) is data_object:
                    if data != no_keys:
                        break
                    data = True
                elif data is not _ABSENT and data is not None:
                    data = True
                if line.pointsInfo is not _ABSENT:
                    break
                code, result, success, message, request_id = (
                    line.code, line.result, line.success, line.message, line.requestId,
                )  # fmt: skip
                if type(code) is int and type(result) is bool and success is _ABSENT and type(message) is str:
                    shape: tuple[Any, ...] = (code, result, message, request_id is _ABSENT, data)
                else:
                    shape = (
                        type(code), code, type(result), result, type(success), success, message,
                        request_id is _ABSENT, data, None,
                    )  # fmt: skip
                try:
                    entry = known[shape]
                except KeyError:  # live points figures, or a new shape (read on its own, to learn it)
                    entry = self._masked(shape, code, message)
                except TypeError:  # values no shape can hold: read on its own
                    break
                if entry is None:
                    break
                number += 1
                if entry.settled:
                    entry.lines += 1
                else:
                    self._count(entry, number, request_id, summary)
            else:
                return number, len(found)
        finally:
            summary.lines += number - first
        return number, index + number - first

    def _run_lines(
        self, lines: Iterator[tuple[str | None, bool]], number: int, summary: Summary
    ) -> tuple[int, tuple[str | None, bool] | None]:
        """``run`` for lines read one at a time."""
        read, known = self.read, self.known
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
                    entry = known[shape]
                except KeyError:
                    entry = self._unknown(shape, line, fields, summary)
                except TypeError:  # a list or object where a value belongs: unhashable, and not plain
                    return number, pair
                if entry is None:
                    return number, pair
                counted_lines += 1
                if entry.settled:
                    entry.lines += 1
                else:
                    self._count(entry, number, request_id, summary)
        finally:
            summary.lines += counted_lines
        return number, None

    @staticmethod
    def _count(entry: _Shape, number: int, request_id: object, summary: Summary) -> None:
        """Count a line of a shape whose code the summary has yet to itemize (or first requestId to keep)."""
        key = entry.counted.key
        if key in summary.per_code and (request_id is _ABSENT or key in summary.first_request_id):
            # From now on every line of this shape is only a number to add (the summary never forgets a code).
            entry.settled = True
            entry.lines += 1
        else:
            summary.count(entry.counted, number, None if request_id is _ABSENT else request_id)

    def _unknown(self, shape: tuple[Any, ...], line: str, fields: shapes.Fields, summary: Summary) -> _Shape | None:
        """The count for a shape the memo has not seen, when only live points figures make it new.

        Otherwise the shape is learnt and None sends this line to the exact path, which counts the
        first line of each shape itself. A full memo starts afresh rather than stop learning: a log
        that opens with thousands of one-off messages must not leave its common lines on the slow path.
        """
        known = self.known
        key = self._masked_key(shape, fields[0], fields[3])
        if key in known:
            return known[key]
        if len(known) >= shapes.MAX_SHAPES:
            self.flush(summary)
            known.clear()
            self.shapes.clear()
        counted = self._classify(line) if shapes.plain(fields) else None
        known[key] = entry = None if counted is None else _Shape(counted)
        if entry is not None:
            self.shapes.append(entry)
        return None

    @staticmethod
    def _masked_key(shape: tuple[Any, ...], code: object, message: object) -> tuple[Any, ...]:
        """``shape`` keyed on the wording of a points message, not on its figures ("Used today: 104890" grows
        with every call); other shapes as they are."""
        if type(message) is str and type(code) is int:
            masked = cjwording.points_masked(message)
            if masked is not None:
                at = 2 if len(shape) == 5 else 6  # where the message sits in either form of the key
                return (*shape[:at], masked, *shape[at + 1 :])
        return shape

    def _masked(self, shape: tuple[Any, ...], code: object, message: object) -> _Shape | None:
        """The known shape of a points message with other figures; None for a shape not known."""
        key = self._masked_key(shape, code, message)
        return self.known.get(key) if key is not shape else None

    def flush(self, summary: Summary) -> None:
        """Add the lines counted but not yet in the summary to it."""
        for entry in self.shapes:
            if entry.lines:
                summary.count_settled(entry.counted, entry.lines)
                entry.lines = 0

    def _classify(self, line: str) -> _Counted | None:
        """The exact path's reading of a line, if it is one top-level envelope and nothing else."""
        documents = scan.documents_in(line)
        if len(documents) != 1 or not isinstance(documents[0], dict):
            return None
        found = scan.envelopes_in_document(documents[0])
        if len(found) != 1 or found[0].nested:
            return None
        return _Counted.of(explain_envelope(found[0].envelope, self.http_status, self.now))


class _Known(NamedTuple):
    """A shape ``explain --each`` has explained: its explanation, what the summary counts of it, a token naming
    the shape, and (in ``lines``, a one-item list) its lines counted but not yet in the summary."""

    template: Explanation
    counted: _Counted
    token: object
    lines: list[int]


class _ItemMemo(_RunReading):
    """Per stream, for ``explain --each``: the explanation of each plain envelope shape seen (bounded).

    A line holding one top-level envelope of a shape already explained gets that explanation with its
    own requestId; the first line of each shape is explained in full, and so is anything unusual
    (the reader returns None, a log prefix with brackets, values the memo cannot key on). JSON Lines
    read in chunks are read a run at a time with msgspec (``run``), as the summary's memo reads them.
    """

    def __init__(self, http_status: int | None, now: dt.datetime | None) -> None:
        self.http_status = http_status
        self.now = now
        self.known: dict[tuple[Any, ...], _Known | None] = {}
        self.tallied: list[_Known] = []  # shapes whose lines ``run`` counted but the summary does not have yet
        self.read = shapes.reader()
        self.read_block = shapes.block_reader(self.read)
        self.counted: _Counted | None = None  # of the item last returned, when it came from the memo

    def counted_item(self, line: str, number: int, summary: Summary) -> Item | None:
        """The item for ``line`` when its shape is known, already counted in ``summary``; None: the exact path."""
        item = self.item(line, number)
        if item is None:
            return None
        if self.counted is not None:
            summary.count(self.counted, number, item.request_id)
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
        self.counted = known.counted
        return _made(known, request_id, number)

    def run(
        self, lines: Iterator[tuple[str | None, bool]], number: int, summary: Summary, items: list[Item]
    ) -> tuple[int, tuple[str | None, bool] | None, bool]:
        """Add to ``items`` the items of the lines of the next run of ``lines``, while their shapes are known.

        Returns the number of the last line taken, the first line it did not make an item of (the caller
        reads it as usual; None when there is none), and whether the stream has ended. Lines it made items
        of are counted in ``summary``; the returned one is not. Only for ``ChunkedLines`` with msgspec (``runs``).
        """
        assert self.read_block is not None and isinstance(lines, ChunkedLines)  # noqa: S101 - see runs()
        taken = lines.run()
        if taken is None:
            pair = next(lines, None)  # split lines come first (or the end): the caller reads them as usual
            return number + (pair is not None), pair, pair is None
        run, start = taken
        found, index = self._decoded(run, start)
        data_object, no_keys = self.read_block.data_object, self.read_block.no_keys
        known_shapes, tallied = self.known, self.tallied
        if len(tallied) > shapes.MAX_SHAPES:  # a log of ever-new shapes: memory must not grow with it
            self.flush(summary)
            for settled in tallied:
                settled.lines[0] = -1  # unsettled: counted in the summary again until it settles anew
            tallied.clear()
        first = number
        try:
            for line in found[index:] if index else found:
                if line is None:
                    break
                # As shapes' line reader has it: held orders and points figures are left to the exact path.
                data = line.data
                if type(data) is data_object:
                    if data != no_keys:
                        break
                    data = True
                elif data is not _ABSENT and data is not None:
                    data = True
                if line.pointsInfo is not _ABSENT:
                    break
                code, result, success, message, request_id = (
                    line.code, line.result, line.success, line.message, line.requestId,
                )  # fmt: skip
                shape = (
                    type(code), code, type(result), result, type(success), success, type(message), message,
                    type(request_id), data,
                )  # fmt: skip
                try:
                    known = known_shapes[shape]
                except (KeyError, TypeError):  # a new shape (learnt as the caller reads it), or not plain
                    break
                if known is None:
                    break
                number += 1
                made = _made(known, request_id, number)
                tally = known.lines
                if tally[0] >= 0:
                    tally[0] += 1
                else:
                    # Not yet settled (see _ShapeMemo._count): counted now, and settled if that is all it needs.
                    counted = known.counted
                    request_text = made.request_id
                    summary.count(counted, number, request_text)
                    if counted.key in summary.per_code and (
                        not request_text or counted.key in summary.first_request_id
                    ):
                        tally[0] = 0
                        tallied.append(known)
                items.append(made)
            else:
                return number, None, False
        finally:
            summary.lines += number - first
        at = start + number - first  # the line's index in ``run`` (found[index] is run[start])
        self._give_back(lines, run, at, found, index + number - first)
        return number + 1, (run[at].decode("utf-8", errors="replace") + "\n", False), False

    def runs(self, lines: Iterator[tuple[str | None, bool]]) -> bool:
        """True when ``run`` can read ``lines``: JSON Lines read in chunks, with msgspec."""
        return self.read_block is not None and isinstance(lines, ChunkedLines)

    def flush(self, summary: Summary) -> None:
        """Add the lines ``run`` counted but did not add to the summary yet."""
        for known in self.tallied:
            if known.lines[0]:
                summary.count_settled(known.counted, known.lines[0])
                known.lines[0] = 0

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
        self.known[shape] = _Known(explanation, _Counted.of(explanation), object(), [-1])
        return Item(number, explanation)


def _made(known: _Known, request_id: object, number: int) -> Item:
    """The item of a line of a known shape: its explanation with this line's requestId (made when first read)."""
    made = object.__new__(_MemoItem)  # without the frozen class's setattr calls
    made.__dict__.update(
        line=number,
        readable=True,
        shape=known.token,
        _template=known.template,
        _request_id=request_id_text(request_id) if request_id is not _ABSENT else None,
    )
    return made


class _MemoItem(Item):
    """An item of a known shape: ``explanation`` is the shape's with this line's requestId, made only when read
    (``explain --each --json`` prints the requestId and the shape's cached text, and never needs it)."""

    def __getattr__(self, name: str) -> Any:
        if name != "explanation":
            raise AttributeError(name)
        template: Explanation = self.__dict__["_template"]
        text = self.__dict__["_request_id"]
        envelope = template.envelope
        assert envelope is not None  # noqa: S101 - learnt only from envelopes
        if text != envelope.request_id:
            # dataclasses.replace, without its per-field work: the other fields are the template's, unchanged.
            copied = object.__new__(Envelope)
            copied.__dict__.update(envelope.__dict__, request_id=text, document=None)
            explanation = object.__new__(Explanation)
            explanation.__dict__.update(template.__dict__, envelope=copied)
            template = explanation
        object.__setattr__(self, "explanation", template)
        return template

    @property
    def request_id(self) -> str | None:
        text: str | None = self.__dict__["_request_id"]
        return text

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Item):
            return NotImplemented
        return (self.line, self.explanation, self.readable) == (other.line, other.explanation, other.readable)

    __hash__ = Item.__hash__
