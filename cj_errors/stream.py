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
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from cj_errors import scan
from cj_errors.exits import ExitStatus
from cj_errors.explanation import MAX_DOCUMENT_BYTES, Explanation, explain_envelope, explain_response, preview
from cj_errors.model import Outcome

# A stream summary itemizes at most this many distinct codes (CJ has ~150), and
# keeps requestIds this long, so a hostile stream of ever-new codes stays bounded.
MAX_SUMMARY_CODES = 1000
_MAX_REQUEST_ID_CHARS = 128
# The body of one HTTP transcript kept for a preview when it holds no envelope.
_TRANSCRIPT_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class Item:
    """One response found in a stream, with the line it started on.

    ``readable`` is False for text that looks like a CJ body but could not be read.
    """

    line: int
    explanation: Explanation
    readable: bool = True


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

    def add(self, item: Item) -> None:
        explanation = item.explanation
        self.per_status[explanation.exit_status] += 1
        if not item.readable:
            self.unreadable += 1
            if self.first_unreadable_line is None:
                self.first_unreadable_line = item.line
            return
        # A success without a code counts with 200; a failure without one is None.
        key = explanation.code if explanation.code is not None else (200 if explanation.ok else None)
        self.responses += 1
        if explanation.outcome is Outcome.HELD:
            self.held += 1
            if self.first_held_line is None:
                self.first_held_line = item.line
        if key not in self.per_code and len(self.per_code) >= MAX_SUMMARY_CODES:
            self.untracked += 1
            return
        self.per_code[key] += 1
        self.first_line.setdefault(key, item.line)
        if explanation.request_id and key not in self.first_request_id:
            self.first_request_id[key] = explanation.request_id[:_MAX_REQUEST_ID_CHARS]

    @property
    def exit_status(self) -> ExitStatus:
        """The most pressing outcome seen: what a script should act on first."""
        if self.responses == 0 and self.unreadable == 0:
            return ExitStatus.NOT_ENVELOPE
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


HEAD_BYTES = 64 * 1024


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
        limit = size if size > 0 else MAX_DOCUMENT_BYTES
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


def read_lines(stream: LineSource, limit: int = MAX_DOCUMENT_BYTES) -> Iterator[tuple[str | None, bool]]:
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


@dataclass
class _Transcript:
    """One HTTP response in a transcript: its status, headers read so far, and its body."""

    line: int
    status: int
    content_type: str | None = None
    in_headers: bool = True
    body: bytearray = field(default_factory=bytearray)
    found: bool = False

    def keep(self, line: str) -> None:
        if len(self.body) < _TRANSCRIPT_BODY_BYTES:
            self.body.extend(line.encode("utf-8", errors="surrogateescape")[: _TRANSCRIPT_BODY_BYTES - len(self.body)])


def _transcript_item(transcript: _Transcript, now: dt.datetime | None) -> Item | None:
    """A transcript whose body held no envelope is explained from its status and body."""
    if transcript.found:
        return None
    explanation = explain_response(bytes(transcript.body).strip(), transcript.status, transcript.content_type, now)
    return Item(transcript.line, explanation)


# --- the stream ------------------------------------------------------------------------------


def _unreadable(text: str, http_status: int | None) -> Explanation:
    return Explanation(
        ok=False,
        verdict="looks like a CJ response, but it could not be read (truncated, or cut by the logger?)",
        exit_status=ExitStatus.NOT_ENVELOPE,
        http_status=http_status,
        retry="find the full body (the logger may cut long lines) and explain that",
        body_preview=preview(text.strip().encode("utf-8", errors="replace")),
    )


def explain_stream(
    lines: Iterable[tuple[str | None, bool]],
    summary: Summary,
    http_status: int | None = 200,
    now: dt.datetime | None = None,
) -> Iterator[Item]:
    """Explain every response in a stream of lines, updating ``summary`` as it goes."""
    pending: list[str] = []
    pending_size = 0
    pending_start = 0
    depth = _BracketDepth()
    transcript: _Transcript | None = None
    for number, (line, oversized) in enumerate(lines, start=1):
        summary.lines += 1
        if oversized or line is None:
            summary.oversized += 1
            continue
        if not pending and (status_line := _STATUS_LINE.match(line.rstrip("\r\n"))) is not None:
            if transcript is not None and (item := _transcript_item(transcript, now)) is not None:
                summary.add(item)
                yield item
            transcript = _Transcript(number, int(status_line.group(1)))
            continue
        if transcript is not None and transcript.in_headers:
            bare = line.strip()
            if bare in ("", "<"):
                transcript.in_headers = False
                continue
            if (header := _HEADER_LINE.match(bare)) is not None:
                if header.group(1).lower() == "content-type":
                    transcript.content_type = header.group(2).strip()
                continue
            if line.startswith(_CURL_NOISE):
                continue
            transcript.in_headers = False
        if transcript is not None:
            if line.startswith(_CURL_NOISE) and not pending:
                continue
            transcript.keep(line)
        status = transcript.status if transcript is not None else http_status
        if pending:
            pending.append(line)
            pending_size += len(line)
            depth.feed(line)
            if pending_size > MAX_DOCUMENT_BYTES:
                summary.oversized += 1
                pending, pending_size, depth = [], 0, _BracketDepth()
                continue
            if depth.depth > 0:
                continue
            text = "".join(pending)
            start, block_lines = pending_start, len(pending)
            pending, pending_size, depth = [], 0, _BracketDepth()
            documents = scan.documents_in(text)
        else:
            text, start, block_lines = line, number, 1
            documents = scan.documents_in(line)
            if not documents:
                opening = line.find("{")
                if opening == -1:
                    opening = line.find("[")
                if opening != -1:
                    depth.feed(line[opening:])
                    if depth.depth > 0 and not depth.quote:
                        pending, pending_size, pending_start = [line[opening:]], len(line), number
                        continue
                    depth = _BracketDepth()
        found = 0
        for document in documents:
            for value in _expand(document):
                for hit in scan.envelopes_in_document(value):
                    found += 1
                    item = Item(start, explain_envelope(hit.envelope, status, now))
                    summary.add(item)
                    yield item
        if not found and (salvaged := scan.envelope_from_log_text(text)) is not None:
            found = 1
            item = Item(start, explain_envelope(salvaged, status, now))
            summary.add(item)
            yield item
        if found:
            if transcript is not None:
                transcript.found = True
            continue
        if scan.looks_unreadable(text):
            item = Item(start, _unreadable(text, status), readable=False)
            summary.add(item)
            yield item
            continue
        summary.skipped_lines += block_lines
    if pending:
        text = "".join(pending)
        if scan.looks_unreadable(text):
            item = Item(pending_start, _unreadable(text, http_status), readable=False)
            summary.add(item)
            yield item
        else:
            summary.skipped_lines += len(pending)
    if transcript is not None and (item := _transcript_item(transcript, now)) is not None:
        summary.add(item)
        yield item
