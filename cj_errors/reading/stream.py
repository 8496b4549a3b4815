"""Explain every response in a stream: JSON Lines, logs, pretty-printed bodies, HTTP transcripts.

Lines are read one at a time (a log of any size takes bounded memory), blocks
that span lines (a pretty-printed body, Node's multi-line ``console.log``) are
gathered by bracket depth, and ``curl -i``, ``curl -v`` and HTTPie output give
the HTTP status of the body that follows, so an HTML 429 or 502 is explained as
what it is. Finding envelopes inside a line is ``scan``'s job.

Standard library only.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from cj_errors.base import limits
from cj_errors.base.exits import ExitStatus
from cj_errors.reading import scan, shapes
from cj_errors.reading.explanation import (
    Envelope,
    Explanation,
    explain_envelope,
    explain_response,
    preview,
    request_id_text,
)
from cj_errors.table import cjwording
from cj_errors.table.model import Outcome

# A stream summary itemizes at most limits.SUMMARY_CODES distinct codes (CJ has ~150), so a hostile
# stream of ever-new codes stays bounded; tests lower this name.
MAX_SUMMARY_CODES = limits.SUMMARY_CODES


@dataclass(frozen=True)
class Item:
    """One response found in a stream, with the line it started on.

    ``readable`` is False for text that looks like a CJ body but could not be read.
    """

    line: int
    explanation: Explanation
    readable: bool = True
    # For a line read through the per-shape memo of ``explain --each``: a token naming its shape, the same
    # object for every line of that shape, whose explanations differ only in the requestId (renderers may
    # reuse their work).
    shape: object = field(default=None, compare=False)


class _Counted(NamedTuple):
    """What a summary keeps of one response."""

    key: int | None  # its code; a success without one counts with 200, a failure without one is None
    exit_status: ExitStatus
    held: bool

    @classmethod
    def of(cls, explanation: Explanation) -> _Counted:
        key = explanation.code if explanation.code is not None else (200 if explanation.ok else None)
        return cls(key, explanation.exit_status, explanation.outcome is Outcome.HELD)


@dataclass
class Summary:
    """Running counts over a stream; memory does not grow with the input."""

    responses: int = 0
    lines: int = 0
    skipped_lines: int = 0
    oversized: int = 0
    unreadable: int = 0  # looked like CJ bodies, could not be read
    first_unreadable_line: int | None = None
    encoding: str | None = None  # set when the input was not UTF-8 (UTF-16 from PowerShell's >)
    per_code: Counter[int | None] = field(default_factory=Counter)
    per_status: Counter[ExitStatus] = field(default_factory=Counter)
    first_request_id: dict[int | None, str] = field(default_factory=dict)
    first_line: dict[int | None, int] = field(default_factory=dict)
    untracked: int = 0  # responses whose code arrived after MAX_SUMMARY_CODES distinct codes
    held: int = 0  # success envelopes whose data says the order is held (counted under their code too)
    first_held_line: int | None = None
    # explain --summary: a log without any CJ response is "nothing to report" (0), not "not a CJ envelope" (76).
    empty_is_success: bool = False

    @property
    def nothing_to_report(self) -> bool:
        return self.responses == 0 and self.unreadable == 0

    def add(self, item: Item) -> None:
        explanation = item.explanation
        if not item.readable:
            self.per_status[explanation.exit_status] += 1
            self.unreadable += 1
            if self.first_unreadable_line is None:
                self.first_unreadable_line = item.line
            return
        self.count(_Counted.of(explanation), item.line, explanation.request_id)

    def count(self, counted: _Counted, line: int, request_id: object) -> None:
        """Count one response; ``request_id`` is its text, or a raw value read as the exact path would."""
        key = counted.key
        self.per_status[counted.exit_status] += 1
        self.responses += 1
        if counted.held:
            self.held += 1
            if self.first_held_line is None:
                self.first_held_line = line
        text = None
        if request_id is not None and key not in self.first_request_id:
            text = request_id if isinstance(request_id, str) else request_id_text(request_id)
        self._itemize(key, 1, line, text)

    def _itemize(self, key: int | None, count: int, line: int, request_id: str | None) -> None:
        """Count ``count`` responses of ``key`` under their code, first seen on ``line``, unless over the cap."""
        if key not in self.per_code and len(self.per_code) >= MAX_SUMMARY_CODES:
            self.untracked += count
            return
        self.per_code[key] += count
        self.first_line.setdefault(key, line)
        if request_id and key not in self.first_request_id:
            self.first_request_id[key] = request_id[: limits.REQUEST_ID_CHARS]

    def merge(self, later: Summary, lines_before: int) -> bool:
        """Add the summary of the lines that follow this one's (numbered from 1 there), as one pass would.

        False, changing nothing, when that cannot be exact: ``later`` dropped codes over the cap, which
        one pass might have itemized because they were already seen here.
        """
        if later.untracked or later.encoding != self.encoding and later.encoding is not None:
            return False
        self.responses += later.responses
        self.lines += later.lines
        self.skipped_lines += later.skipped_lines
        self.oversized += later.oversized
        self.unreadable += later.unreadable
        self.held += later.held
        self.per_status.update(later.per_status)
        if self.first_unreadable_line is None and later.first_unreadable_line is not None:
            self.first_unreadable_line = later.first_unreadable_line + lines_before
        if self.first_held_line is None and later.first_held_line is not None:
            self.first_held_line = later.first_held_line + lines_before
        for key, count in later.per_code.items():  # in the order one pass would have met them
            self._itemize(key, count, later.first_line[key] + lines_before, later.first_request_id.get(key))
        return True

    @property
    def exit_status(self) -> ExitStatus:
        """The most pressing outcome seen: what a script should act on first."""
        if self.nothing_to_report:
            return ExitStatus.SUCCESS if self.empty_is_success else ExitStatus.NOT_ENVELOPE
        for status in _SEVERITY:
            if self.per_status[status]:
                return status
        return ExitStatus.SUCCESS


# Most pressing first: a human must act on auth and quota; API errors need a
# code change; temporary trouble passes by itself.
_SEVERITY = (
    ExitStatus.AUTH,
    ExitStatus.QUOTA,
    ExitStatus.API_ERROR,
    ExitStatus.NOT_ENVELOPE,
    ExitStatus.TEMPORARY,
)


class LineSource(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


HEAD_BYTES = limits.SNIFF_HEAD_BYTES


class HeadRecorder:
    """Passes a binary stream through, keeping its first bytes for a preview when it holds no envelope."""

    def __init__(self, stream: LineSource) -> None:
        self._stream = stream
        self.head = bytearray()

    def readline(self, size: int = -1, /) -> bytes:
        chunk = self._stream.readline(size)
        if len(self.head) < HEAD_BYTES:
            self.head.extend(chunk[: HEAD_BYTES - len(self.head)])
        return chunk

    def read1(self, size: int = -1, /) -> bytes:
        chunk = self._stream.read1(size)  # type: ignore[attr-defined]  # only called when the stream has it
        if len(self.head) < HEAD_BYTES:
            self.head.extend(chunk[: HEAD_BYTES - len(self.head)])
        return chunk  # type: ignore[no-any-return]

    @property
    def chunked(self) -> bool:
        """True when the stream can be read a chunk at a time (files and pipes, not a followed file)."""
        return hasattr(self._stream, "read1")


class _Peekable(Protocol):
    def peek(self, size: int = 0, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


def sniff_encoding(head: bytes) -> str | None:
    """ "utf-16" for UTF-16 text (PowerShell's ``>`` writes it), with or without a BOM; None for UTF-8."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] != 0:
        return "utf-16-be"
    return None


class _Recoded:
    """Lines of a UTF-16 stream, handed on as UTF-8 bytes."""

    def __init__(self, stream: LineSource, encoding: str) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._pending = ""

    def readline(self, size: int = -1, /) -> bytes:
        limit = size if size > 0 else limits.DOCUMENT_BYTES
        while "\n" not in self._pending and len(self._pending) < limit:
            chunk = self._stream.readline(limit)
            if not chunk:
                self._pending += self._decoder.decode(b"", final=True)
                break
            self._pending += self._decoder.decode(chunk)
        cut = self._pending.find("\n") + 1 or min(len(self._pending), limit)
        line, self._pending = self._pending[:cut], self._pending[cut:]
        return line.encode("utf-8", errors="surrogateescape")


def decoded_lines(stream: _Peekable) -> tuple[LineSource, str | None]:
    """The stream as UTF-8 lines, and the encoding it was recoded from (None when it was UTF-8 already)."""
    encoding = sniff_encoding(stream.peek(4)[:4])
    if encoding is None:
        return stream, None
    return _Recoded(stream, encoding), encoding


def read_lines(stream: LineSource, limit: int = limits.DOCUMENT_BYTES) -> Iterator[tuple[str | None, bool]]:
    """Yield (line, oversized) from a binary stream without holding more than ``limit`` bytes.

    An oversized line is skipped to its end and reported as (None, True). A UTF-8 BOM is dropped.
    """
    first = True
    while True:
        chunk = stream.readline(limit + 1)
        if not chunk:
            return
        if first:
            chunk = chunk.removeprefix(codecs.BOM_UTF8)
            first = False
        if len(chunk) > limit and not chunk.endswith(b"\n"):
            while True:
                rest = stream.readline(limit)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None, True
            continue
        yield chunk.decode("utf-8", errors="replace"), False


# Yielded by a line source between two parts of one file (see ``halves``): not a line. Compared by
# identity; the readers never yield (None, False) themselves (an oversized line is (None, True)).
HANDOFF: tuple[str | None, bool] = (None, False)


def read_lines_in_chunks(
    read1: Callable[[int], bytes],
    limit: int = limits.DOCUMENT_BYTES,
    chunk: int = limits.READ_CHUNK_BYTES,
    *,
    at_start: bool = True,
) -> Iterator[tuple[str | None, bool]]:
    """``read_lines`` for a stream read ``chunk`` bytes at a time: the same lines, far fewer calls.

    ``read1`` returns what is there (up to ``chunk`` bytes), so a pipe is read as it comes.
    Lines are split and decoded a chunk at a time; a line over ``limit`` is (None, True).
    ``at_start=False`` reads on from the middle of a stream: no byte-order mark is looked for.
    """
    pending = b""
    skipping = False  # inside an oversized line, dropping bytes up to its newline
    first = at_start
    while True:
        data = read1(chunk)
        if not data:
            break
        if first:
            data = pending + data
            pending = b""
            if len(data) < len(codecs.BOM_UTF8) and codecs.BOM_UTF8.startswith(data):
                pending = data  # a BOM split across reads: wait for the rest
                continue
            data = data.removeprefix(codecs.BOM_UTF8)
            first = False
        cut = data.rfind(b"\n")
        if cut == -1:
            if not skipping:
                pending += data
                if len(pending) > limit:
                    pending, skipping = b"", True
                    yield None, True
            continue
        head_end = data.find(b"\n")
        if skipping:
            data, cut, skipping = data[head_end + 1 :], cut - head_end - 1, False
            head_end = data.find(b"\n")
        elif len(pending) + head_end > limit:
            yield None, True
            data, cut, pending = data[head_end + 1 :], cut - head_end - 1, b""
            head_end = data.find(b"\n")
        complete = pending + data[: cut + 1]
        pending = data[cut + 1 :]
        if len(complete) <= limit:  # the usual case: no line in it can be over the limit
            for line in complete.decode("utf-8", errors="replace").split("\n")[:-1]:
                yield line + "\n", False
        else:
            for raw in complete.split(b"\n")[:-1]:
                yield (None, True) if len(raw) > limit else (raw.decode("utf-8", errors="replace") + "\n", False)
        if len(pending) > limit:
            pending, skipping = b"", True
            yield None, True
    if first and pending:
        pending = pending.removeprefix(codecs.BOM_UTF8)
    if pending and not skipping:
        if len(pending) > limit:
            yield None, True
        else:
            yield pending.decode("utf-8", errors="replace"), False


class _BracketDepth:
    """Tracks {} / [] depth across lines, ignoring brackets inside single- or double-quoted strings."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""
        self.escaped = False

    def feed(self, text: str) -> None:
        for char in text:
            if self.quote:
                if self.escaped:
                    self.escaped = False
                elif char == "\\":
                    self.escaped = True
                elif char == self.quote:
                    self.quote = ""
                elif char == "\n" and self.quote == "'":
                    self.quote = ""  # an apostrophe in prose, not a string
            elif char in "\"'":
                self.quote = char
            elif char in "{[":
                self.depth += 1
            elif char in "}]":
                self.depth -= 1


def _expand(document: object) -> list[object]:
    """A top-level array of envelopes counts as several responses."""
    if isinstance(document, list) and document and all(isinstance(item, dict) for item in document):
        return list(document)
    return [document]


# --- HTTP transcripts: curl -i, curl -v, HTTPie ------------------------------------------

_STATUS_LINE = re.compile(r"^(?:< )?HTTP/\d(?:\.\d)? (\d{3})(?:\s.*)?$")
_HEADER_LINE = re.compile(r"^(?:< )?([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*)$")
_CURL_NOISE = ("* ", "> ", "{ ", "} ")


# curl -v's "> POST /api2.0/v1/... HTTP/2" (HTTPie -v prints it without the "> ").
_REQUEST_LINE = re.compile(r"^(?:> )?(GET|POST|PUT|PATCH|DELETE) (/\S*) HTTP/\d(?:\.\d)?$")
# What a line must start with to match them: most lines are spared the regular expressions.
_STATUS_STARTS = ("HTTP/", "< HTTP/")
_REQUEST_STARTS = ("> ", "GET ", "POST ", "PUT ", "PATCH ", "DELETE ")


@dataclass
class _Transcript:
    """One HTTP response in a transcript: its status, headers read so far, and its body."""

    line: int
    status: int
    request: tuple[str, str] | None = None  # (method, path) when the transcript shows the request
    content_type: str | None = None
    in_headers: bool = True
    body: bytearray = field(default_factory=bytearray)
    found: bool = False

    def keep(self, line: str) -> None:
        if len(self.body) < limits.TRANSCRIPT_BODY_BYTES:
            self.body.extend(
                line.encode("utf-8", errors="surrogateescape")[: limits.TRANSCRIPT_BODY_BYTES - len(self.body)]
            )


def _transcript_item(transcript: _Transcript, now: dt.datetime | None) -> Item | None:
    """A transcript whose body held no envelope is explained from its status and body."""
    if transcript.found:
        return None
    explanation = explain_response(bytes(transcript.body).strip(), transcript.status, transcript.content_type, now)
    return Item(transcript.line, _answered(explanation, transcript))


def _answered(explanation: Explanation, transcript: _Transcript | None) -> Explanation:
    """No CJ envelope, or a 5xx, to a request that changes data (as the transcript shows): outcome unknown."""
    if transcript is None or transcript.request is None:
        return explanation
    from cj_errors.reading import reconcile
    from cj_errors.table import catalog

    if not reconcile.leaves_outcome_unknown(explanation):
        return explanation
    method, target = transcript.request
    path = catalog.normalize_path(target)
    if not catalog.is_mutating(catalog.find(path), method):
        return explanation
    return reconcile.unknown_outcome(explanation, path)


# --- the stream ------------------------------------------------------------------------------


def _cut_short(explanation: Explanation, text: str) -> Explanation:
    """A CJ body that is cut off or malformed: exit 76 as documented, with the code its text names as a hint."""
    title = f"{explanation.code}: {explanation.entry.title}" if explanation.entry else str(explanation.code)
    cut = dataclasses.replace(
        explanation,
        ok=False,
        verdict=f"looks like a CJ response (code {title}), but it is cut short or malformed",
        exit_status=ExitStatus.NOT_ENVELOPE,
        outcome=None,
        retry="find the whole body (a logger may have cut it) and explain that; the code read from its text is a hint",
        body_preview=preview(text.strip().encode("utf-8", errors="replace")),
        wait_seconds=None,
        max_attempts=None,
    )
    return cut


def _unreadable(text: str, http_status: int | None) -> Explanation:
    return Explanation(
        ok=False,
        verdict="looks like a CJ response, but it could not be read (truncated, or cut by the logger?)",
        exit_status=ExitStatus.NOT_ENVELOPE,
        http_status=http_status,
        retry="find the full body (the logger may cut long lines) and explain that",
        body_preview=preview(text.strip().encode("utf-8", errors="replace")),
    )


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


class _Block:
    """A body spread over several lines, gathered until its brackets close, with the text before it."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.start = 0
        self.lead = ""  # the text before the opening brace on the first line ("error: CJ call failed: ... {")
        self.depth = _BracketDepth()

    def __bool__(self) -> bool:
        return bool(self.lines)

    def open(self, line: str, number: int) -> bool:
        """Start gathering at ``line`` when it opens a bracket that it does not close."""
        opening = line.find("{")
        if opening == -1:
            opening = line.find("[")
        if opening == -1:
            return False
        self.depth.feed(line[opening:])
        if self.depth.depth > 0 and not self.depth.quote:
            self.lines, self.size, self.start, self.lead = [line[opening:]], len(line), number, line[:opening]
            return True
        self.depth = _BracketDepth()
        return False

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.size += len(line)
        self.depth.feed(line)


def _items(
    text: str,
    documents: list[Any],
    start: int,
    status: int | None,
    transcript: _Transcript | None,
    now: dt.datetime | None,
) -> tuple[list[Item], bool]:
    """What one line or block holds, and whether a response was found in it: its envelopes, else a code or
    wording its text names, else a body that could not be read (not found), else nothing."""
    items = [
        Item(start, _answered(explain_envelope(hit.envelope, status, now), transcript))
        for hit in _hits(text, documents)
    ]
    if items:
        return items, True
    if (salvaged := scan.envelope_from_log_text(text)) is not None:
        explanation = _answered(explain_envelope(salvaged, status, now), transcript)
        if scan.BODY_CUT_NOTE in salvaged.problems:
            return [Item(start, _cut_short(explanation, text), readable=False)], True
        return [Item(start, explanation)], True
    if scan.looks_unreadable(text):
        return [Item(start, _unreadable(text, status), readable=False)], False
    return [], False


def _finish(transcript: _Transcript | None, summary: Summary, now: dt.datetime | None) -> Iterator[Item]:
    """The response a transcript holds, once it is complete (nothing when there is none)."""
    if transcript is not None and (item := _transcript_item(transcript, now)) is not None:
        summary.add(item)
        yield item


def _header_line(transcript: _Transcript, line: str) -> bool:
    """Take in a line of a transcript's headers; False when the headers have ended and the line is body."""
    bare = line.strip()
    if bare in ("", "<"):
        transcript.in_headers = False
        return True
    if (header := _HEADER_LINE.match(bare)) is not None:
        if header.group(1).lower() == "content-type":
            transcript.content_type = header.group(2).strip()
        return True
    if line.startswith(_CURL_NOISE):
        return True
    transcript.in_headers = False
    return False


def _ended_inside_a_body(
    pending: list[str], start: int, transcript: _Transcript | None, http_status: int | None, now: dt.datetime | None
) -> Item | None:
    """The input ended inside a body: a cut-off response still names its code, if it got that far."""
    text = "".join(pending)
    status = transcript.status if transcript is not None else http_status
    cut = scan.envelope_from_log_text(text)
    if cut is not None:
        kept = tuple(note for note in cut.problems if note not in (scan.LOG_TEXT_NOTE, scan.BODY_CUT_NOTE))
        problems = (*kept, "the body is cut short: the input ends before its closing brace (code read from its text)")
        explanation = explain_envelope(dataclasses.replace(cut, problems=problems), status, now)
        if transcript is not None:
            transcript.found = True
        return Item(start, _cut_short(explanation, text), readable=False)
    if scan.looks_unreadable(text):
        return Item(start, _unreadable(text, status), readable=False)
    return None


def _hits(text: str, documents: list[Any]) -> list[scan.Found]:
    """The envelopes in a line's (or block's) documents; in a line about a CJ call, any code with a message."""
    values = [value for document in documents for value in _expand(document)]
    hits = [hit for value in values for hit in scan.envelopes_in_document(value)]
    if not hits and values and scan.about_cj_call(text):
        hits = [hit for value in values for hit in scan.envelopes_in_document(value, about_cj=True)]
    return hits


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


def explain_stream(
    lines: Iterable[tuple[str | None, bool]],
    summary: Summary,
    http_status: int | None = 200,
    now: dt.datetime | None = None,
    *,
    count_only: bool = False,
    handoff: Callable[[Summary, int, bool], bool] | None = None,
) -> Iterator[Item]:
    """Explain every response in a stream of lines, updating ``summary`` as it goes.

    With ``count_only``, lines that hold one plain envelope of a shape already seen are counted
    without an Item (see ``shapes``): the summary is the same, and only the other items are yielded.
    At HANDOFF in ``lines``, ``handoff(summary, lines_read, clean)`` may take over the rest of the stream
    (True) and the reading ends there; ``clean`` says nothing read so far waits for more lines, and
    without it the answer must be False.
    """
    memo = _ShapeMemo(http_status, now) if count_only else None
    each_memo = None if count_only else _ItemMemo(http_status, now)
    block = _Block()
    transcript: _Transcript | None = None
    request: tuple[str, str] | None = None  # the last request line a transcript showed
    remaining = iter(lines)
    number = 0
    while True:
        if memo is not None and not block and transcript is None:
            number, next_pair = memo.run(remaining, number, summary)
        else:
            next_pair = next(remaining, None)
            number += 1
        if next_pair is None:
            break
        if next_pair is HANDOFF:
            number -= 1  # not a line
            clean = not block and transcript is None and request is None
            if handoff is not None and handoff(summary, number, clean):
                break
            continue
        line, oversized = next_pair
        summary.lines += 1
        if oversized or line is None:
            summary.oversized += 1
            continue
        if (
            not block
            and line.startswith(_STATUS_STARTS)
            and (status_line := _STATUS_LINE.match(line.rstrip("\r\n"))) is not None
        ):
            yield from _finish(transcript, summary, now)
            transcript, request = _Transcript(number, int(status_line.group(1)), request), None
            continue
        if (
            not block
            and line.startswith(_REQUEST_STARTS)
            and (asked := _REQUEST_LINE.match(line.rstrip("\r\n"))) is not None
        ):
            request = (asked.group(1), asked.group(2))
            summary.skipped_lines += 1
            continue
        if each_memo is not None and transcript is None and not block:
            if (item := each_memo.item(line, number)) is not None:
                if each_memo.counted is not None:
                    summary.count(each_memo.counted, number, item.explanation.request_id)
                else:
                    summary.add(item)
                yield item
                continue
        if transcript is not None and transcript.in_headers and _header_line(transcript, line):
            continue
        if transcript is not None and line.startswith(_CURL_NOISE) and not block:
            if line.startswith("* ") and transcript.body:
                # curl -v reports the connection after the body: the response is complete.
                yield from _finish(transcript, summary, now)
                transcript = None
            continue
        if transcript is not None:
            transcript.keep(line)
        status = transcript.status if transcript is not None else http_status
        if block:
            block.add(line)
            if block.size > limits.DOCUMENT_BYTES:
                summary.oversized += 1
                block = _Block()
                continue
            if block.depth.depth > 0:
                continue
            start, block_lines = block.start, len(block.lines)
            body = "".join(block.lines)
            documents = scan.documents_in(body)
            # A log line followed by its pretty-printed metadata (winston, pino-pretty, structlog) is one
            # record: the CJ wording may be on the first line, before the block.
            text, block = block.lead + body, _Block()
        else:
            text, start, block_lines = line, number, 1
            documents = scan.documents_in(line)
            if not documents and block.open(line, number):
                continue
        items, found = _items(text, documents, start, status, transcript, now)
        for item in items:
            summary.add(item)
            yield item
        if found:
            # A transcript's body holds one response: what follows is no longer under its status line.
            transcript = None
        elif not items:
            summary.skipped_lines += block_lines
    if memo is not None:
        memo.flush(summary)
    if block and (cut := _ended_inside_a_body(block.lines, block.start, transcript, http_status, now)) is not None:
        summary.add(cut)
        yield cut
    elif block:
        summary.skipped_lines += len(block.lines)
    yield from _finish(transcript, summary, now)
