"""Reading what the user names: bounded files and standard input, TOML, and loopback hosts.

Every file cjerr reads in full (token files, the config file, mock rules and
token files, probe's ``@file`` bodies) goes through :func:`read_bounded`, so
they all fail the same way with the same exit statuses:

* missing, a directory, unreadable -> ``ExitStatus.NO_INPUT`` (66);
* larger than the limit -> ``too_large`` (``ExitStatus.INVALID_INPUT``, 65, unless the caller says otherwise).

At most ``limit + 1`` bytes are ever read, so ``/dev/zero``, a FIFO or a huge
log named by mistake cannot eat the memory. Standard library only.
"""

from __future__ import annotations

import errno
import io
import ipaddress
import os
import socket
import stat
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

from cj_errors.base import limits
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus

STDIN = "-"


def shown_source(source: str) -> str:
    """How a source is named in messages: the path with ~ expanded, or "standard input"."""
    if source == STDIN:
        return "standard input"
    try:
        return str(Path(source).expanduser())
    except RuntimeError:  # ~nouser: shown as given
        return source


def _anonymous_pipe(path: str) -> bool:
    """True for a pipe with a writer by construction: /dev/stdin, /dev/fd/N of a process substitution."""
    return "pipe:[" in os.path.realpath(path) or path in ("/dev/stdin", "/proc/self/fd/0")


class _Prefixed(io.RawIOBase):
    """A descriptor read as a stream, with the bytes already taken from it put back in front."""

    def __init__(self, fd: int, head: bytes) -> None:
        self._fd = fd
        self._head = head

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
            return count
        data = os.read(self._fd, len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def fileno(self) -> int:
        return self._fd

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


def _await_writer(fd: int) -> bytes:
    """The first bytes of a named FIFO opened without blocking, or OSError when no writer came.

    Opening or polling a FIFO nobody opened for writing blocks forever; a non-blocking read instead answers
    EAGAIN when a writer is there, data when it wrote, and end of file when there is none. cjerr waits
    ``limits.FIFO_WRITER_WAIT_SECONDS`` for one.
    """
    deadline = time.monotonic() + limits.FIFO_WRITER_WAIT_SECONDS
    while True:
        try:
            head = os.read(fd, limits.FILE_CHUNK_BYTES)
        except BlockingIOError:
            return b""  # a writer has it open: read on, blocking
        if head:
            return head
        if time.monotonic() >= deadline:
            raise OSError(
                errno.EINVAL,
                f"it is a FIFO (named pipe) and nothing wrote to it within {limits.FIFO_WRITER_WAIT_SECONDS} s",
            )
        time.sleep(0.05)


def open_readable(source: str) -> BinaryIO:
    """``source`` (``~`` expanded) opened for reading, or ``OSError`` with a reason worded for the user.

    Never blocks on a named FIFO without a writer (``explain FIFO``, ``probe -d @FIFO``): it is opened
    without blocking, and refused when no writer comes within ``limits.FIFO_WRITER_WAIT_SECONDS``. A socket
    is refused. A file that cannot be read from its start (``/proc/self/mem``) fails here, before any
    output, and so does a directory. ``~nouser`` is an error, not a file name.
    """
    try:
        path = os.path.expanduser(source)
    except RuntimeError:
        path = source
    if path.startswith("~"):
        user = path[1:].split("/", 1)[0]
        raise OSError(errno.EINVAL, f"~{user} names no user on this machine")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISSOCK(mode):
            raise OSError(errno.EINVAL, "it is a socket, not a file")
        head = _await_writer(fd) if stat.S_ISFIFO(mode) and not _anonymous_pipe(path) else b""
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    # A file or device is read as a plain file object (seekable, as explain --follow needs); only a FIFO
    # whose first bytes were taken while waiting for its writer gets them put back in front.
    handle: BinaryIO = io.BufferedReader(_Prefixed(fd, head)) if head else os.fdopen(fd, "rb")
    try:
        if not stat.S_ISFIFO(mode) and isinstance(handle, io.BufferedReader):
            handle.peek(1)  # EIO (/proc/self/mem) or EISDIR surface here, as one line
    except BaseException:
        handle.close()
        raise
    return handle


def _read_at_most(stream: BinaryIO, count: int) -> bytes:
    """Up to ``count`` bytes; loops because a pipe or a raw stream may return less than asked."""
    chunks: list[bytes] = []
    remaining = count
    while remaining > 0:
        chunk = stream.read(min(remaining, limits.FILE_CHUNK_BYTES))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def unreadable_reason(error: OSError | ValueError) -> str:
    """Why a named file cannot be read, worded the same for every input cjerr reads (explain streams too)."""
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, IsADirectoryError) or isinstance(error, OSError) and error.errno == errno.EISDIR:
        return "it is a directory"
    if isinstance(error, ValueError):  # a NUL in the name (possible from a config file), or a closed stdin
        return "not a usable file name or stream"
    return error.strerror or str(error)


def read_bounded(
    source: str,
    *,
    limit: int,
    what: str,
    stdin: BinaryIO | None = None,
    too_large: ExitStatus = ExitStatus.INVALID_INPUT,
    hint: str = "is it the right file?",
) -> bytes:
    """The bytes of ``source`` (a path, ``~`` expanded, or ``-`` for standard input), at most ``limit`` of them.

    ``what`` names the input in messages ("token file", "rules file", ...). Raises
    ``CliError``: ``NO_INPUT`` when the file is missing, a directory or unreadable;
    ``too_large`` when it holds more than ``limit`` bytes (the message ends with ``hint``).
    """
    shown = shown_source(source)
    try:
        if source == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            data = _read_at_most(stream, limit + 1)
        else:
            with open_readable(source) as handle:
                data = _read_at_most(handle, limit + 1)
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read {what} {shown}: {unreadable_reason(error)}", ExitStatus.NO_INPUT) from None
    if len(data) > limit:
        raise CliError(f"{what} {shown} is larger than {limit:,} bytes; {hint}", too_large)
    return data


def load_toml(data: bytes | str) -> dict[str, Any]:
    """Parse TOML; bytes are decoded as UTF-8 (a BOM is allowed).

    Raises ``ValueError``: ``tomllib.TOMLDecodeError`` or ``UnicodeDecodeError``, both subclasses.
    The message of either can quote the input, so scrub it before printing.
    """
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 only
        import tomli as tomllib
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    return dict(tomllib.loads(text))


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``host`` writes, or None for a name.

    ``[::1]`` and a zone (``fe80::1%eth0``) are read as the address; so are the forms resolvers read as
    IPv4 although they are not dotted quads (``127.1``, ``0x7f000001``, ``2130706433``).
    """
    name = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(name.split("%")[0])
    except ValueError:
        pass
    parts = name.split(".")
    if name and all(parts) and all(_numeric(part) for part in parts):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(name))
        except OSError:
            return None
    return None


def _numeric(part: str) -> bool:
    lowered = part.lower()
    if lowered.startswith("0x"):
        return len(lowered) > 2 and all(char in "0123456789abcdef" for char in lowered[2:])
    return part.isascii() and part.isdigit()


def is_loopback(host: str) -> bool:
    """True when ``host`` is this machine: ``localhost`` (any case, a trailing dot allowed) or a loopback address.

    Loopback addresses are ``127.0.0.0/8`` in any form a resolver reads (``127.1``, ``0x7f000001``),
    ``::1`` (with or without ``[]``, with a zone) and IPv4-mapped ``::ffff:127.0.0.1``. The one rule for
    sending secrets over plain HTTP (auth, probe), warning about a listener (mock, webhook listen) and
    refusing webhook URLs CJ refuses.
    """
    name = host.strip().strip("[]").lower()
    if name.removesuffix(".") == "localhost":
        return True
    address = ip_literal(name)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address is not None and address.is_loopback


__all__ = [
    "STDIN",
    "ip_literal",
    "is_loopback",
    "load_toml",
    "open_readable",
    "read_bounded",
    "read_text",
    "shown_source",
    "unreadable_reason",
]


def read_text(
    source: str,
    *,
    limit: int,
    what: str,
    invalid: ExitStatus,
    stdin: BinaryIO | None = None,
) -> str:
    """read_bounded, decoded as UTF-8 (a byte-order mark is dropped).

    Too large or not UTF-8 raise CliError with ``invalid``; missing or unreadable give NO_INPUT.
    """
    data = read_bounded(source, limit=limit, what=what, stdin=stdin, too_large=invalid)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"{what} {shown_source(source)} is not UTF-8 text", invalid) from None
