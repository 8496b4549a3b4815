"""Explain every response in a stream: JSON Lines, logs, pretty-printed bodies, HTTP transcripts.

Lines are read one at a time (a log of any size takes bounded memory), blocks
that span lines (a pretty-printed body, Node's multi-line ``console.log``) are
gathered by bracket depth, and ``curl -i``, ``curl -v`` and HTTPie output give
the HTTP status of the body that follows, so an HTML 429 or 502 is explained as
what it is. Finding envelopes inside a line is ``scan``'s job.

Standard library only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cj_errors.base import limits
from cj_errors.base.exits import ExitStatus
from cj_errors.reading import scan
from cj_errors.reading.explanation import (
    Explanation,
    explain_envelope,
    explain_response,
    preview,
)
from cj_errors.reading.memos import _ItemMemo, _ShapeMemo
from cj_errors.reading.results import Item, Summary

# Yielded by a line source between two parts of one file (see ``halves``): not a line. Compared by
# identity; the readers never yield (None, False) themselves (an oversized line is (None, True)).
HANDOFF: tuple[str | None, bool] = (None, False)


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


def _matched(pattern: re.Pattern[str], starts: tuple[str, ...], line: str) -> re.Match[str] | None:
    """``pattern`` on ``line`` (its line break left out), tried only when the line starts as it must."""
    return pattern.match(line.rstrip("\r\n")) if line.startswith(starts) else None


def _end(
    block: _Block, transcript: _Transcript | None, summary: Summary, http_status: int | None, now: dt.datetime | None
) -> Iterator[Item]:
    """What the end of the input leaves: a body it cut short, and a transcript's last response."""
    if block and (cut := _ended_inside_a_body(block.lines, block.start, transcript, http_status, now)) is not None:
        summary.add(cut)
        yield cut
    elif block:
        summary.skipped_lines += len(block.lines)
    yield from _finish(transcript, summary, now)


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
    runs = each_memo is not None and each_memo.runs(remaining)
    made: list[Item] = []  # items each_memo made of a run's lines
    number = 0
    while True:
        if memo is not None and not block and transcript is None:
            number, next_pair = memo.run(remaining, number, summary)
        elif runs and each_memo is not None and not block and transcript is None:
            number, next_pair, ended = each_memo.run(remaining, number, summary, made)
            yield from made
            made.clear()
            if next_pair is None and not ended:
                continue
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
        if not block and (status_line := _matched(_STATUS_LINE, _STATUS_STARTS, line)) is not None:
            yield from _finish(transcript, summary, now)
            transcript, request = _Transcript(number, int(status_line.group(1)), request), None
            continue
        if not block and (asked := _matched(_REQUEST_LINE, _REQUEST_STARTS, line)) is not None:
            request = (asked.group(1), asked.group(2))
            summary.skipped_lines += 1
            continue
        if each_memo is not None and transcript is None and not block:
            if (item := each_memo.counted_item(line, number, summary)) is not None:
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
    if each_memo is not None:
        each_memo.flush(summary)
    yield from _end(block, transcript, summary, http_status, now)
