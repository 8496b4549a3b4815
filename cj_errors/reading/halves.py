"""Counting a big file on two cores: a forked child counts the second half while this process counts the first.

Only for the summary of a regular file (``cjerr explain big.log``). The file is cut just after a
newline near its middle. The child counts from there to the end with a fresh summary and sends
it back; when this process reaches the cut, it takes the child's summary only if its own reading
is in a clean state there: no multi-line body open, no HTTP transcript or request line waiting
for its body. Otherwise it throws the child's work away and reads on itself, so the answer is
always the one a single pass gives (a test compares the two on files cut in awkward places).

POSIX only (``os.fork``); elsewhere, or with ``CJERR_CORES=1``, or on one CPU, a single pass runs.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import stat
import threading
from collections.abc import Callable, Iterator

from cj_errors.base import limits
from cj_errors.reading.lines import HEAD_BYTES, ChunkedLines, Pair, line_runs, read_lines_in_chunks
from cj_errors.reading.results import Item, Summary
from cj_errors.reading.stream import HANDOFF, explain_stream

SPLIT_MIN_BYTES = limits.SPLIT_MIN_BYTES
_CORES_VARIABLE = "CJERR_CORES"


def _cores() -> int:
    wanted = os.environ.get(_CORES_VARIABLE, "").strip()
    if wanted.isdigit():
        return int(wanted)
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _pread1(fd: int, start: int, parent: int) -> Callable[[int], bytes]:
    """read1 from ``start`` to the end of a file descriptor without moving its offset (both processes share it).

    It stops the child when ``parent`` is gone: nobody would read the count.
    """
    position = start

    def read1(size: int = -1) -> bytes:
        nonlocal position
        if os.getppid() != parent:
            os._exit(1)
        if size < 0:
            size = limits.READ_CHUNK_BYTES
        data = os.pread(fd, size, position)
        position += len(data)
        return data

    return read1


def cut_point(fd: int, size: int) -> int | None:
    """The offset just after the first newline at or after the middle of the file, if there is one before its end."""
    position = size // 2
    give_up = position + limits.DOCUMENT_BYTES  # a longer line is one oversized line anyway: no cut
    while position < min(size, give_up):
        data = os.pread(fd, limits.READ_CHUNK_BYTES, position)
        if not data:
            return None
        newline = data.find(b"\n")
        if newline != -1:
            cut = position + newline + 1
            return cut if cut < size else None
        position += len(data)
    return None


class SecondHalf:
    """A child process counting [cut, end of file); ``take`` merges its summary into ours, or refuses."""

    def __init__(self, fd: int, cut: int, http_status: int | None) -> None:
        self.cut = cut
        self.first_item: Item | None = None
        self._fd = fd
        self._reader, writer = os.pipe()
        parent = os.getpid()
        try:
            self._pid = os.fork()
        except OSError:
            os.close(self._reader)
            os.close(writer)
            raise
        if self._pid == 0:  # the child: count, send, and leave without running any parent cleanup
            os.close(self._reader)
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it quietly with the parent
                signal.signal(signal.SIGPIPE, signal.SIG_DFL)
                # It prints nothing, and must not keep the caller's pipes open after the parent has gone.
                quiet = os.open(os.devnull, os.O_RDWR)
                for standard in (0, 1, 2):
                    os.dup2(quiet, standard)
                summary = Summary()
                first: Item | None = None
                lines = read_lines_in_chunks(_pread1(fd, cut, parent), at_start=False)
                for item in explain_stream(lines, summary, http_status=http_status, count_only=True):
                    if first is None:
                        first = item
                payload = pickle.dumps((summary, first), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(writer, "wb") as pipe:
                    pipe.write(payload)
                code = 0
            except BaseException:  # noqa: BLE001 - any failure means "not taken"; the parent reads on itself
                code = 1
            finally:
                os._exit(code)
        os.close(writer)
        self._done = False

    def take(self, summary: Summary, lines_before: int) -> bool:
        """Merge the child's counts into ``summary``; False, changing nothing, when they cannot be taken.

        When taken, ``first_item`` is the first response the child found (None if it found none).
        """
        reader, self._reader = self._reader, -1  # the file object below closes it, whatever happens
        try:
            with os.fdopen(reader, "rb") as pipe:
                payload = pipe.read()
            _, status = os.waitpid(self._pid, 0)
        except (OSError, ChildProcessError):
            self._done = True
            return False
        self._done = True
        if os.waitstatus_to_exitcode(status) != 0 or not payload:
            return False
        theirs, first = pickle.loads(payload)  # noqa: S301 - our own child wrote it a moment ago
        if not summary.merge(theirs, lines_before):
            return False
        self.first_item = first
        return True

    def head(self, read_so_far: bytes) -> bytes:
        """The file's first HEAD_BYTES, as one pass would have recorded them, from what this process read."""
        missing = HEAD_BYTES - len(read_so_far)
        if missing <= 0:
            return read_so_far
        try:
            return read_so_far + os.pread(self._fd, missing, len(read_so_far))
        except OSError:
            return read_so_far

    def cancel(self) -> None:
        if self._done:
            return
        self._done = True
        if self._reader != -1:
            with contextlib.suppress(OSError):
                os.close(self._reader)
            self._reader = -1
        with contextlib.suppress(OSError, ChildProcessError):
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)


def start(handle: object, http_status: int | None, min_bytes: int | None = SPLIT_MIN_BYTES) -> SecondHalf | None:
    """A child counting the second half of ``handle``'s file, when it is a big regular file read from its start."""
    if min_bytes is None or not hasattr(os, "fork") or _cores() < 2:
        return None
    if threading.active_count() > 1:
        return None  # forking a process with other threads can copy a held lock into the child
    try:
        fd = handle.fileno()  # type: ignore[attr-defined]
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size < min_bytes or handle.tell() != 0:  # type: ignore[attr-defined]
            return None
        cut = cut_point(fd, info.st_size)
    except (AttributeError, OSError, ValueError):
        return None
    if cut is None:
        return None
    try:
        return SecondHalf(fd, cut, http_status)
    except OSError:
        return None


def lines_until(read1: Callable[[int], bytes], cut: int) -> ChunkedLines:
    """The lines of the first ``cut`` bytes, then HANDOFF, then (if the caller reads on) the rest."""
    taken = 0

    def bounded(size: int = -1) -> bytes:
        nonlocal taken
        if taken >= cut:
            return b""
        data = read1(min(size if size > 0 else limits.READ_CHUNK_BYTES, cut - taken))
        taken += len(data)
        return data

    def runs() -> Iterator[bytes | Pair]:
        yield from line_runs(bounded)
        if taken == cut:  # a file cut short meanwhile has no second half to take: read on as one pass would
            yield HANDOFF
        yield from line_runs(read1, at_start=False)

    return ChunkedLines(runs())
