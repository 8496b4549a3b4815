"""Decide once how output should look: Rich, plain text or JSON.

Rich is only used for an interactive terminal; pipes get plain text with no
escape codes, so scripts and `grep` see stable lines.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Callable, Mapping
from typing import NamedTuple, TextIO, cast


class ColorChoice(str, enum.Enum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class Mode(str, enum.Enum):
    RICH = "rich"
    PLAIN = "plain"
    JSON = "json"


class Terminal(NamedTuple):
    """Where output goes and in what form; tests build one over StringIO."""

    mode: Mode
    stdout: TextIO
    stderr: TextIO
    color: bool = False
    width: int | None = None


class ScrubbingStream:
    """Masks secrets in everything written through it: the last line of redaction.

    Response bodies and messages can echo a token (getAccessToken returns them),
    so every byte cjerr prints passes here, whatever renderer produced it.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._scrub: Callable[..., str] | None = None  # redact.scrub, imported on the first write

    def write(self, text: str) -> int:
        if self._scrub is None:
            from cj_errors.base.redact import scrub

            self._scrub = scrub
        clean = self._scrub(text, fields=False)
        try:
            self._stream.write(clean)
        except UnicodeEncodeError:
            # A lone surrogate ("\ud800" is valid JSON; a non-UTF-8 argv byte arrives as
            # "\udcff") or a character the terminal's encoding lacks: print it escaped.
            encoding = self.encoding
            self._stream.write(clean.encode(encoding, "backslashreplace").decode(encoding, "replace"))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return _isatty(self._stream)

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", "utf-8") or "utf-8"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def same_destination(first: TextIO, second: TextIO) -> bool:
    """True when both streams write to the same file, pipe or terminal (``2>&1``, or both on one tty)."""
    try:
        return os.path.samestat(os.fstat(first.fileno()), os.fstat(second.fileno()))
    except (AttributeError, ValueError, OSError):
        return False


def choose_terminal(
    *,
    json_output: bool = False,
    color: ColorChoice = ColorChoice.AUTO,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> Terminal:
    out = cast(TextIO, ScrubbingStream(stdout if stdout is not None else sys.stdout))
    err = cast(TextIO, ScrubbingStream(stderr if stderr is not None else sys.stderr))
    env = os.environ if environ is None else environ
    if json_output:
        return Terminal(Mode.JSON, out, err)
    if color is ColorChoice.ALWAYS or (color is ColorChoice.AUTO and env.get("FORCE_COLOR")):
        return Terminal(Mode.RICH, out, err, color=True)
    # The layout follows the terminal; colour is a separate choice. --color never and NO_COLOR (no-color.org:
    # only a non-empty value counts) drop colour only: a terminal still gets the panel, without colour.
    if env.get("TERM") == "dumb" or not _isatty(out):
        return Terminal(Mode.PLAIN, out, err)
    colour = color is not ColorChoice.NEVER and not env.get("NO_COLOR")
    return Terminal(Mode.RICH, out, err, color=colour)
