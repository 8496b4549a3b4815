"""`cjerr lookup` answered before Typer is imported: the most frequent call, at the cost of Python alone.

The command line is defined once, in Typer (cli.py). This module takes only the plain
form, `cjerr lookup CODE_OR_TEXT... [--json | --brief]` (and a bare `list` or `exit-codes`, or
`endpoints [FILTER]`, with `--json` or not), runs the same core as the Typer command
(``show_lookup``) and prints through the same renderers, so output and exit status are
byte for byte the same (tests/test_fastpath.py compares both paths). Anything else (an
option, `-` for stdin, an empty query, a TAB press, any other command) returns None and
the full CLI runs. Set CJERR_NO_FAST_PATH=1 to always take the full CLI.

Standard library only.
"""

from __future__ import annotations

import os
import sys

from cj_errors.cli.lookup_command import is_pasted_text, show_lookup

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: a TAB press pays for every import
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


def plain_lookup(argv: Sequence[str], environ: Mapping[str, str]) -> tuple[list[str], bool, bool] | None:
    """(queries, --json, --brief) when ``argv`` is a plain lookup the fast path answers; None otherwise."""
    if environ.get("CJERR_NO_FAST_PATH") or environ.get("_CJERR_COMPLETE") or not argv or argv[0] != "lookup":
        return None
    words = list(argv[1:])
    json_output, brief = "--json" in words, "--brief" in words
    queries = [word for word in words if word not in ("--json", "--brief")]
    if json_output and brief:
        return None  # the full CLI says these two do not go together
    if not queries or any((word.startswith("-") and not is_pasted_text(word)) or not word.strip() for word in queries):
        return None
    return queries, json_output, brief


# Listings answered here in their plain form: `list [--json]`, `exit-codes [--json]`, `endpoints [FILTER] [--json]`.
_LISTINGS = ("list", "exit-codes", "endpoints")


def plain_listing(argv: Sequence[str], environ: Mapping[str, str]) -> tuple[str, bool, str] | None:
    """(command, --json, filter) when ``argv`` is a bare ``list`` or ``exit-codes``, or ``endpoints`` with at
    most one plain filter word (each with --json or not); else None."""
    if environ.get("CJERR_NO_FAST_PATH") or environ.get("_CJERR_COMPLETE") or not argv or argv[0] not in _LISTINGS:
        return None
    words = list(argv[1:])
    json_output = "--json" in words
    if json_output:
        words.remove("--json")
    if not words:
        return argv[0], json_output, ""
    if argv[0] == "endpoints" and len(words) == 1 and words[0].strip() and not words[0].startswith("-"):
        return argv[0], json_output, words[0]
    return None


def _show_listing(command: str, json_output: bool, filter_text: str) -> int:
    """What the Typer commands `list`, `exit-codes` and `endpoints` do without other options (cli/app.py)."""
    from cj_errors.output import renderer_for
    from cj_errors.output.terminal import ColorChoice, choose_terminal

    if command == "list":
        from cj_errors.table import codes

        renderer_for(choose_terminal(json_output=json_output)).entries(codes.all_entries())
        return 0
    terminal = choose_terminal(json_output=json_output, color=ColorChoice.NEVER)
    if command == "exit-codes":
        renderer_for(terminal).exit_codes()
        return 0
    from cj_errors.base.exits import ExitStatus
    from cj_errors.table import catalog

    found = catalog.search(filter_text)
    renderer_for(terminal).endpoints(found, detail=len(found) == 1)
    if not found:
        terminal.stderr.write(f"cjerr: no endpoint matches {filter_text!r}\n")
        return int(ExitStatus.NOT_FOUND)
    return 0


def run(argv: Sequence[str], environ: Mapping[str, str]) -> int | None:
    """Answer a plain lookup, list or exit-codes and return its exit status, or None when the full CLI must run."""
    listing = plain_listing(argv, environ)
    plain = plain_lookup(argv, environ) if listing is None else None
    if plain is None and listing is None:
        return None
    from cj_errors.base.exits import ExitStatus
    from cj_errors.cli.process import buffer_stdout, fail, flush_output, output_failed, silence_stdout
    from cj_errors.output.terminal import choose_terminal

    buffer_stdout()
    try:
        if listing is not None:
            status: int = _show_listing(*listing)
        else:
            assert plain is not None  # noqa: S101 - one of the two is set
            queries, json_output, brief = plain
            status = show_lookup(choose_terminal(json_output=json_output), queries, brief=brief)
        status = flush_output(int(status))
    except BrokenPipeError:
        silence_stdout()
        return int(ExitStatus.BROKEN_PIPE)
    except KeyboardInterrupt:
        sys.stderr.write("\ncjerr: interrupted\n")
        return int(ExitStatus.INTERRUPTED)
    except RecursionError:
        fail("input is nested too deeply to process", ExitStatus.INVALID_INPUT)
    except MemoryError:
        fail("out of memory while processing the input", ExitStatus.INTERNAL)
    except Exception as error:  # noqa: BLE001 - as in cli.main: one line, never a traceback
        if (lost := output_failed(error)) is not None:
            return lost
        fail(f"internal error: {type(error).__name__}: {error}", ExitStatus.INTERNAL)
    return int(status)


# --- TAB completion ------------------------------------------------------------------------
# Commands, options, Choice values, codes, families, paths and topics, from the generated
# _tab_table (cli/tab_commands.py follows Click's steps over it). The words come as Typer's
# completion protocol sends them (bash: COMP_WORDS and COMP_CWORD; zsh, fish, PowerShell:
# _TYPER_COMPLETE_ARGS), and the answer is printed in Typer's format for that shell. Quotes,
# backslashes or "=" in the words, a press tab_commands cannot follow exactly, or any other
# shell fall through to Typer.

_SHELLS = ("complete_bash", "complete_zsh", "complete_fish", "complete_powershell", "complete_pwsh")
_PLAIN_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_.-")


def _completion_words(environ: Mapping[str, str]) -> tuple[list[str], str] | None:
    """(the words before the one being completed, that word) as Typer reads them, for plain words only."""
    request = environ.get("_CJERR_COMPLETE", "")
    if request == "complete_bash":
        text, cursor = environ.get("COMP_WORDS", ""), environ.get("COMP_CWORD", "")
        if not (cursor.isascii() and cursor.isdigit()):  # "²" is a digit to isdigit, not to int
            return None
        words = text.split()
        index = int(cursor)
        arguments, incomplete = words[1:index], (words[index] if index < len(words) else "")
    elif request in ("complete_zsh", "complete_fish"):
        text = environ.get("_TYPER_COMPLETE_ARGS", "")
        arguments = text.split()[1:]
        incomplete = arguments.pop() if arguments and not text.endswith(" ") else ""
    elif request in ("complete_powershell", "complete_pwsh"):
        text = environ.get("_TYPER_COMPLETE_ARGS", "")
        incomplete = environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE", "")
        words = text.split()
        arguments = words[1:-1] if incomplete else words[1:]
    else:
        return None
    if not set(text + incomplete) <= _PLAIN_WORD | {" "}:
        return None
    return arguments, incomplete


def _zsh_escape(text: str) -> str:
    return text.replace('"', '""').replace("'", "''").replace("$", "\\$").replace("`", "\\`").replace(":", r"\\:")


def complete(environ: Mapping[str, str]) -> tuple[str, int] | None:
    """(what to print, exit status) for a TAB press the fast path answers; None sends it to Typer."""
    request = environ.get("_CJERR_COMPLETE", "")
    if environ.get("CJERR_NO_FAST_PATH") or request not in _SHELLS:
        return None
    words = _completion_words(environ)
    if words is None:
        return None
    from cj_errors.cli.tab_commands import candidates as tab_candidates

    candidates = tab_candidates(*words)
    if candidates is None:
        return None
    from cj_errors.cli.shellcomplete import plain_help, zsh_help

    if request == "complete_bash":
        return "\n".join(value for value, _ in candidates) + "\n", 0
    if request == "complete_zsh":
        if not candidates:
            return "_files\n", 0
        items = "\n".join(
            f'"{_zsh_escape(value)}":"{zsh_help(_zsh_escape(help_text))}"' if help_text else f'"{_zsh_escape(value)}"'
            for value, help_text in candidates
        )
        return f"_arguments '*: :(({items}))'\n", 0
    if request == "complete_fish":
        action = environ.get("_TYPER_COMPLETE_FISH_ACTION", "")
        if action == "is-args":
            return "", 0 if candidates else 1
        if action != "get-args":
            return "\n", 0
        lines = [
            f"{value}\t{plain_help(' '.join(help_text.split()))}" if help_text else value
            for value, help_text in candidates
        ]
        return "\n".join(lines) + "\n", 0
    lines = [f"{value}:::{plain_help(help_text) if help_text else ' '}" for value, help_text in candidates]
    return "\n".join(lines) + "\n", 0


def main() -> None:
    """Console-script entry point: ``run_cli`` in a process of its own, ended without the interpreter's
    teardown (``process.end_process``)."""
    try:
        run_cli()
    except SystemExit as exiting:
        from cj_errors.cli.process import end_process

        end_process(exiting.code)


def run_cli() -> None:
    """The fast path when it applies, else the full CLI; ends in SystemExit with the exit status, as any
    Python program would (tests call it in their own process)."""
    from cj_errors.cli.process import reserve_standard_streams

    reserve_standard_streams()
    answer = complete(os.environ)
    if answer is not None:
        text, completion_status = answer
        sys.stdout.write(text)
        sys.stdout.flush()
        raise SystemExit(completion_status)
    status = run(sys.argv[1:], os.environ)
    if status is not None:
        raise SystemExit(status)
    from cj_errors.cli.app import main as full_cli

    full_cli()
