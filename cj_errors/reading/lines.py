"""Reading what ``cjerr explain`` is given as lines: the encoding guessed from the start, lines of bounded
length, and a big file read in chunks. A log of any size takes bounded memory.

Standard library only.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from typing import Protocol

from cj_errors.base import limits


class LineSource(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


HEAD_BYTES = limits.SNIFF_HEAD_BYTES


class HeadRecorder:
    """Passes a binary stream through, keeping its first bytes for a preview when it holds no envelope."""

    def __init__(self, stream: LineSource, before_read: Callable[[], None] | None = None) -> None:
        self._stream = stream
        self.head = bytearray()
        # Called before each read, which may wait for input: explain passes on what it has printed so far.
        self._before_read = before_read

    def readline(self, size: int = -1, /) -> bytes:
        if self._before_read is not None:
            self._before_read()
        chunk = self._stream.readline(size)
        if len(self.head) < HEAD_BYTES:
            self.head.extend(chunk[: HEAD_BYTES - len(self.head)])
        return chunk

    def read1(self, size: int = -1, /) -> bytes:
        if self._before_read is not None:
            self._before_read()
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


Pair = tuple[str | None, bool]


def line_runs(
    read1: Callable[[int], bytes],
    limit: int = limits.DOCUMENT_BYTES,
    chunk: int = limits.READ_CHUNK_BYTES,
    *,
    at_start: bool = True,
) -> Iterator[bytes | Pair]:
    """What ``read_lines_in_chunks`` reads, a run at a time: ``bytes`` holding whole lines, each ending in a
    newline and none over ``limit`` (the usual case, not yet split or decoded), or one (line, oversized) pair.

    ``read1`` returns what is there (up to ``chunk`` bytes), so a pipe is read as it comes.
    ``at_start=False`` reads on from the middle of a stream: no byte-order mark is looked for.
    """
    pending: bytes | bytearray = b""
    skipping = False  # inside an oversized line, dropping bytes up to its newline
    first = at_start
    while True:
        data = read1(chunk)
        if not data:
            break
        if first:
            data = bytes(pending) + data  # (bytes here: only a byte-order mark's first bytes wait)
            pending = b""
            if len(data) < len(codecs.BOM_UTF8) and codecs.BOM_UTF8.startswith(data):
                pending = data  # a BOM split across reads: wait for the rest
                continue
            data = data.removeprefix(codecs.BOM_UTF8)
            first = False
        cut = data.rfind(b"\n")
        if cut == -1:
            if not skipping:
                if type(pending) is bytes:
                    pending = bytearray(pending)  # a line longer than a chunk: grown in place, not copied each time
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
        complete = pending + data[: cut + 1] if type(pending) is bytes else b"".join((pending, data[: cut + 1]))
        pending = data[cut + 1 :]
        if len(complete) <= limit:  # the usual case: no line in it can be over the limit
            if complete:
                yield complete
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


def _split(run: bytes) -> list[Pair]:
    return [(line + "\n", False) for line in run.decode("utf-8", errors="replace").split("\n")[:-1]]


class ChunkedLines:
    """(line, oversized) pairs from ``line_runs``; a reader that knows JSON Lines may take runs of lines as bytes.

    ``run()`` hands over the next run of whole lines, split but not decoded; the lines of it that reader
    leaves go back with ``give_back``, and ``run()`` (or iterating) gives them next. Iterating gives every
    line either way, in order, whatever was taken and given back.
    """

    def __init__(self, runs: Iterator[bytes | Pair]) -> None:
        self._runs = runs
        self._waiting: list[Pair] = []  # lines split and decoded, not yet handed out from _next on
        self._next = 0
        self._held: tuple[list[bytes], int] | None = None  # lines given back, from that index on

    def __iter__(self) -> ChunkedLines:
        return self

    def __next__(self) -> Pair:
        if self._next < len(self._waiting):
            self._next += 1
            return self._waiting[self._next - 1]
        if self._held is not None:
            held, start = self._held
            self._held = (held, start + 1) if start + 1 < len(held) else None
            return held[start].decode("utf-8", errors="replace") + "\n", False
        part = next(self._runs)
        if type(part) is bytes:
            self._waiting, self._next = _split(part), 1
            return self._waiting[0]
        return part  # type: ignore[return-value]  # not bytes: a pair

    def run(self) -> tuple[list[bytes], int] | None:
        """The lines of the next run (without their newlines, valid UTF-8), and the index of the first not yet read.

        None when split lines come first (``split_lines()``) or at the end (``split_lines()`` gives nothing).
        """
        if self._next < len(self._waiting):
            return None
        if self._held is not None:
            held, self._held = self._held, None
            return held
        part = next(self._runs, None)
        if part is None:
            return None
        if type(part) is not bytes:
            self._waiting, self._next = [part], 0  # type: ignore[list-item]  # not bytes: a pair
            return None
        if not part.isascii():
            try:
                part.decode("utf-8")
            except UnicodeDecodeError:  # decoding replaces bytes: only the decoded lines are what cjerr reads
                self._waiting, self._next = _split(part), 0
                return None
        lines = part.split(b"\n")
        lines.pop()  # the empty text after the last newline
        return lines, 0

    def give_back(self, lines: list[bytes], start: int) -> None:
        """The lines of a run from ``start`` on were not read: ``run()`` (or iterating) gives them next."""
        if start < len(lines):
            self._held = (lines, start)

    def has_split(self) -> bool:
        """True when split lines are waiting."""
        return self._next < len(self._waiting)

    def split_lines(self) -> Iterator[Pair]:
        """The split lines waiting, one by one (each handed out as it is taken)."""
        waiting = self._waiting
        while self._next < len(waiting):
            self._next += 1
            yield waiting[self._next - 1]


def read_lines_in_chunks(
    read1: Callable[[int], bytes],
    limit: int = limits.DOCUMENT_BYTES,
    chunk: int = limits.READ_CHUNK_BYTES,
    *,
    at_start: bool = True,
) -> ChunkedLines:
    """``read_lines`` for a stream read ``chunk`` bytes at a time: the same lines, far fewer calls.

    ``read1`` returns what is there (up to ``chunk`` bytes), so a pipe is read as it comes.
    Lines are split and decoded a chunk at a time; a line over ``limit`` is (None, True).
    ``at_start=False`` reads on from the middle of a stream: no byte-order mark is looked for.
    """
    return ChunkedLines(line_runs(read1, limit, chunk, at_start=at_start))
