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
import ipaddress
import socket
import sys
from pathlib import Path
from typing import Any, BinaryIO

from cj_errors.base import limits
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus

STDIN = "-"


def shown_source(source: str) -> str:
    """How a source is named in messages: the path with ~ expanded, or "standard input"."""
    return "standard input" if source == STDIN else str(Path(source).expanduser())


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
            with Path(source).expanduser().open("rb") as handle:
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
