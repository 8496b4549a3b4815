"""The core of ``cjerr explain``: open what the user named, stream it, decide what to show.

The source is a file, standard input, or a body given inline on the command line
(``cjerr explain '{"code":1600200}'``). ``--follow`` keeps reading a growing file,
as ``tail -f`` does. Standard library only.
"""

from __future__ import annotations

import dataclasses
import io
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from typing import BinaryIO, cast

from cj_errors.base import inputs
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.reading import halves
from cj_errors.reading.explanation import Explanation, explain_response
from cj_errors.reading.lines import HeadRecorder, LineSource, decoded_lines, read_lines, read_lines_in_chunks
from cj_errors.reading.results import Item, Summary
from cj_errors.reading.stream import explain_stream

FOLLOW_INTERVAL_SECONDS = 0.2
_INLINE_STARTS = ("{", "[", "HTTP/")


class FollowReader:
    """readline() over a file that keeps growing: waits at the end instead of stopping.

    A line is handed on only once it is complete, and a file that shrinks (rotated or
    truncated) is read again from its start. It never reports the end; Ctrl-C does.
    """

    def __init__(
        self,
        handle: BinaryIO,
        *,
        interval: float = FOLLOW_INTERVAL_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._handle = handle
        self._interval = interval
        self._sleep = sleep
        self._partial = b""

    def peek(self, size: int = 0, /) -> bytes:
        return b""  # followed files are read as UTF-8; sniffing happens before following starts

    def readline(self, size: int = -1, /) -> bytes:
        limit = size if size > 0 else 1 << 30
        while True:
            chunk = self._handle.readline(limit - len(self._partial))
            if chunk:
                self._partial += chunk
                if self._partial.endswith(b"\n") or len(self._partial) >= limit:
                    line, self._partial = self._partial, b""
                    return line
                continue
            try:
                if os.fstat(self._handle.fileno()).st_size < self._handle.tell():
                    self._handle.seek(0)
                    self._partial = b""
                    continue
            except (OSError, ValueError):
                pass
            self._sleep(self._interval)


@dataclasses.dataclass
class ExplainRun:
    """One explain run over one or more sources: the items as they are read, and one summary of them all."""

    sources: tuple[str, ...]
    http_status: int | None
    follow: bool = False
    # True when only the summary is shown: repeated plain lines are then counted, not explained one by one.
    count_only: bool = False
    summary: Summary = dataclasses.field(default_factory=Summary)
    first: Item | None = None
    # A file at least this big is counted on two cores (see ``halves``); None counts in one pass.
    split_min_bytes: int | None = halves.SPLIT_MIN_BYTES
    halves_taken: int = 0  # sources whose second half a second process counted
    # Called before each read of standard input that arrives live (see ``arrives_live``): it may wait for more.
    before_live_read: Callable[[], None] | None = None
    _head: bytes = b""

    def items(self) -> Iterator[tuple[str, Item]]:
        """(source, item) for every response, source by source, as they are read."""
        for source in self.sources:
            lines, encoding, handle = open_source(source, follow=self.follow)
            if encoding is not None:
                self.summary.encoding = encoding
            live = self.before_live_read is not None and source == "-" and arrives_live(self.sources)
            recorder = HeadRecorder(lines, self.before_live_read if live else None)
            status = self.http_status or 200
            chunked = recorder.chunked  # (a followed file is read a line at a time)
            # Not standard input: a caller may read on from where cjerr stopped, so its offset must end at the end.
            splittable = self.count_only and chunked and not encoding and source != "-"
            second_half = halves.start(lines, status, self.split_min_bytes) if splittable else None
            try:
                read: Iterator[tuple[str | None, bool]]
                if second_half is not None:
                    read = halves.lines_until(recorder.read1, second_half.cut)
                elif chunked:
                    read = read_lines_in_chunks(recorder.read1)
                else:
                    read = read_lines(recorder)
                handoff = self._handoff(second_half) if second_half is not None else None
                stream = explain_stream(
                    read, self.summary, http_status=status, count_only=self.count_only, handoff=handoff
                )
                for item in stream:
                    if self.first is None:
                        self.first = item
                    yield source, item
                if not self._head:
                    head = bytes(recorder.head)
                    self._head = second_half.head(head) if second_half is not None else head
            finally:
                if second_half is not None:
                    second_half.cancel()
                if source != "-":
                    handle.close()

    def _handoff(self, second_half: halves.SecondHalf) -> Callable[[Summary, int, bool], bool]:
        def take(summary: Summary, lines_before: int, clean: bool) -> bool:
            if not clean:
                second_half.cancel()  # this process reads on; the other core's work is not needed
                return False
            if not second_half.take(summary, lines_before):
                return False
            if self.first is None:
                self.first = second_half.first_item
            self.halves_taken += 1
            return True

        return take

    def single(self) -> Explanation | None:
        """The one explanation to show in full, when the input was one source holding at most one response."""
        if len(self.sources) > 1 or self.summary.responses + self.summary.unreadable > 1:
            return None
        if self.first is not None:
            explanation = self.first.explanation
        else:
            explanation = explain_response(self._head, self.http_status)
            if not _is_utf8(self._head):
                explanation = dataclasses.replace(
                    explanation,
                    retry="the input is not UTF-8 text: convert it (iconv -f ENCODING -t UTF-8) and explain it again",
                )
        if self.summary.encoding:
            note = (
                f"the input was {self.summary.encoding.upper()} text (PowerShell's > writes it); cjerr read it as such"
            )
            explanation = dataclasses.replace(explanation, hints=(*explanation.hints, note))
        return explanation


def arrives_live(sources: tuple[str, ...]) -> bool:
    """True when standard input is read and is not a regular file: a pipe or terminal whose lines come as
    they are written, so each explained line should be passed on at once."""
    if "-" not in sources:
        return False
    try:
        return not stat.S_ISREG(os.fstat(sys.stdin.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):
        return True


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start > len(data) - 4  # a character cut at the end of the preview is fine
    return True


def _looks_inline(source: str) -> bool:
    return source.lstrip().startswith(_INLINE_STARTS)


def _open_file(source: str) -> io.BufferedReader:
    try:
        return cast(io.BufferedReader, inputs.open_readable(source))
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read '{source}': {inputs.unreadable_reason(error)}", ExitStatus.NO_INPUT) from None


def check_sources(sources: tuple[str, ...], *, follow: bool = False) -> None:
    """Fail before any output when a named file is missing, or when the combination makes no sense."""
    if sources.count("-") > 1:
        raise CliError("standard input (-) can be read only once", ExitStatus.USAGE)
    if follow and (len(sources) != 1 or sources[0] == "-"):
        raise CliError("--follow watches one FILE; standard input is read to its end anyway", ExitStatus.USAGE)
    if follow and not os.path.exists(sources[0]) and _looks_inline(sources[0]):
        raise CliError("--follow watches a FILE; a body given inline is explained without it", ExitStatus.USAGE)
    for source in sources:
        if source == "-" or os.path.exists(source) and not os.path.isdir(source):
            continue
        if not os.path.exists(source) and _looks_inline(source):
            continue
        _open_file(source).close()  # raises the one-line error for a missing file or a directory


def open_source(source: str, *, follow: bool = False) -> tuple[LineSource, str | None, io.BufferedReader]:
    """``source`` (a path, ``-`` for standard input, or an inline body) as UTF-8 lines, and its encoding if recoded.

    The third value is the handle under the lines, to close when done (standard input is left open).
    """
    handle: io.BufferedReader
    if source == "-":
        stdin = sys.stdin.buffer
        handle = stdin if isinstance(stdin, io.BufferedReader) else io.BufferedReader(stdin)  # type: ignore[arg-type]
    elif not os.path.exists(source) and _looks_inline(source):
        handle = io.BufferedReader(io.BytesIO(source.encode("utf-8", errors="surrogateescape")))
    else:
        handle = _open_file(source)
    lines, encoding = decoded_lines(handle)
    if follow:
        if encoding is not None:
            raise CliError(f"--follow reads UTF-8 files; '{source}' is {encoding.upper()}", ExitStatus.USAGE)
        lines = FollowReader(handle)
    return lines, encoding, handle
