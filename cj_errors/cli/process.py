"""The process edge shared by the full CLI and its fast path: stdout buffering, closed pipes, one-line errors.

Standard library only: the fast path runs before Typer is imported.
"""

from __future__ import annotations

import atexit
import io
import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: every TAB press ends through here
if TYPE_CHECKING:
    from typing import NoReturn

    from cj_errors.base.exits import ExitStatus


def reserve_standard_streams() -> None:
    """Put /dev/null where standard input, output or error was closed at start (`<&-`, `>&-`, `2>&-`).

    Python leaves sys.stdin (or stdout, stderr) None then, and the first file cjerr opens would take the
    descriptor: a token store or a journal opened as descriptor 2 would receive what is written to stderr.
    Reserved, a closed input reads as empty and a closed output goes nowhere; the exit code is the command's.
    """
    for fd, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        if getattr(sys, name) is not None:
            continue
        try:
            os.fstat(fd)
            continue  # something else holds the descriptor now: never read or write it as a standard stream
        except OSError:
            pass
        try:
            opened = os.open(os.devnull, os.O_RDONLY if mode == "r" else os.O_WRONLY)
        except OSError:
            continue
        if opened != fd:  # a lower descriptor was closed too and took it: move it where it belongs
            os.dup2(opened, fd)
            os.close(opened)
        stream = open(fd, mode, encoding="utf-8", errors="surrogateescape", closefd=False)  # noqa: SIM115
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def fail(message: str, status: ExitStatus, *, json_command: str | None = None) -> NoReturn:
    """Print ``cjerr: message`` as one line on stderr and exit with ``status``.

    ``json_command`` (the command, when --json was asked for): stdout also gets one JSON document with
    ``exit_code`` and ``error``, so a script piping into jq reads a document, not nothing.
    """
    from cj_errors.base.escaping import escaped
    from cj_errors.base.redact import scrub

    if json_command is not None:
        from cj_errors.output.documents import error_document_text

        try:
            sys.stdout.write(error_document_text(json_command, status, scrub(message)))
            sys.stdout.flush()
        except (BrokenPipeError, OSError, ValueError):
            silence_stdout()
    # One line, whatever the message quotes (a file name or URL with a line break or an escape sequence).
    sys.stderr.write(f"cjerr: {escaped(scrub(message))}\n")
    sys.stderr.flush()
    raise SystemExit(int(status))


def end_process(code: object) -> NoReturn:
    """Exit with ``code`` without tearing the interpreter down.

    Freeing every module a run imported (Typer, httpx, the tables) is 10-15% of a short command's CPU: about
    25 ms of a 180 ms probe send, 6 ms of a 40 ms ``list``. What that teardown still does for cjerr is done
    here first: standard output and error flushed (what cannot be written is dropped, and the exit code
    stands), then the atexit handlers (logging, multiprocessing). cjerr closes the files it writes itself.
    While another thread runs, or for an exit code that is not a number, the normal exit runs instead.
    """
    if not isinstance(code, int | None) or _other_threads():
        raise SystemExit(code)
    try:
        _flush_standard_streams()
    except (OSError, ValueError):
        _drop_standard_output()  # the exit code stands: for a call that was sent it says what became of it
    atexit._run_exitfuncs()
    try:
        _flush_standard_streams()  # what a handler wrote
    except (OSError, ValueError):
        pass
    os._exit(code or 0)


def _drop_standard_output() -> None:
    """Point stdout and stderr at devnull where they cannot be written, so what is left of them goes nowhere."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            _to_devnull(stream)
            try:
                stream.flush()
            except (OSError, ValueError):
                pass


def _flush_standard_streams() -> None:
    for stream in (sys.stdout, sys.__stdout__, sys.stderr, sys.__stderr__):
        if stream is not None:
            stream.flush()


def _other_threads() -> bool:
    threading = sys.modules.get("threading")  # not imported: no thread was started through it
    return threading is not None and threading.active_count() > 1


def json_command(argv: list[str], commands: frozenset[str], groups: frozenset[str]) -> str | None:
    """The command a run with --json is about ("probe", "auth status"), or None without --json."""
    end = argv.index("--") if "--" in argv else len(argv)
    if "--json" not in argv[:end]:
        return None
    words = [word for word in argv[:end] if not word.startswith("-")]
    if not words or words[0] not in commands | groups:
        return "cjerr"
    if words[0] in groups and len(words) > 1:
        return f"{words[0]} {words[1]}"
    return words[0]


def silence_stdout() -> None:
    # After a closed pipe, point stdout at devnull so the interpreter's final
    # flush does not print "Exception ignored ... BrokenPipeError".
    _to_devnull(sys.stdout)


def _to_devnull(stream: object) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # type: ignore[attr-defined]
    except (OSError, ValueError, AttributeError):
        pass


def output_failed(error: BaseException) -> int | None:
    """When ``error``, raised while a command ran, is standard output failing (a full disk, an I/O error; a closed
    pipe is handled apart): ``settled_output``'s status for it (141). None otherwise.

    What could not be written is still buffered, so a flush that fails again says it was stdout. Without this the
    error read as "internal error" (70), and the interpreter's last flush failed again with "Exception ignored"
    lines and exit 120.
    """
    if not isinstance(error, OSError) or isinstance(error, BrokenPipeError):
        return None
    try:
        sys.stdout.flush()
        return None
    except OSError:
        pass
    except ValueError:
        return None
    return settled_output(error, 0)


def flush_output(status: int) -> int:
    """Flush what a command that ended with ``status`` printed, and return the status to exit with: ``status``,
    or ``settled_output``'s when stdout cannot be written. A closed pipe (BrokenPipeError) passes through."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        return settled_output(error, status)
    return status


def settled_output(error: OSError, status: int) -> int:
    """Stdout could not be written: one line on stderr, the rest dropped. A failing ``status`` stands (for a call
    the command made it says what became of it); a success whose output was lost is 141, as for a closed pipe."""
    from cj_errors.base.exits import ExitStatus  # only now: every TAB press ends through this module

    report_lost_output(error)
    return status or int(ExitStatus.BROKEN_PIPE)


def report_lost_output(error: OSError) -> None:
    """Say in one line on stderr that standard output could not be written, and drop what is left of it."""
    silence_stdout()
    try:
        sys.stderr.write(f"cjerr: could not write the output: {error.strerror or error}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def buffer_stdout() -> None:
    # With PYTHONUNBUFFERED=1 (common in containers) sys.stdout writes straight
    # to the raw file, and TextIOWrapper drops what a partial pipe write left
    # over: `cjerr list --json | head -1` silently lost output and exited 0. A
    # BufferedWriter finishes partial writes and raises BrokenPipeError instead.
    # Only the process's own stdout (not a test harness's capture), and on a
    # duplicate descriptor, so the original stream stays usable by anyone holding it.
    stream = sys.stdout
    if stream is not sys.__stdout__ or not isinstance(stream, io.TextIOWrapper):
        return
    if not isinstance(getattr(stream, "buffer", None), io.RawIOBase):
        return
    try:
        stream.flush()
        raw = io.FileIO(os.dup(stream.fileno()), "w")
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(raw), encoding=stream.encoding, errors=stream.errors, line_buffering=stream.line_buffering
        )
    except (OSError, ValueError):
        pass
