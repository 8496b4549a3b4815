"""Typer commands: parse arguments, call the core, hand results to render.

No business logic lives here. ``main()`` owns the process edge: exit codes,
one-line errors, closed pipes and Ctrl-C.
"""

from __future__ import annotations

import copy
import os
import sys
from typing import Annotated

import typer

from cj_errors.base import inputs, limits
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.cli.auth import auth_app
from cj_errors.cli.common import ColorOption, JsonOption, new_app, refuse_non_finite, terminal_for
from cj_errors.cli.completers import complete_code, complete_endpoint, complete_family
from cj_errors.cli.lookup_command import is_pasted_text, show_lookup
from cj_errors.cli.mock import mock as mock_command
from cj_errors.cli.orders import order_command, points_app
from cj_errors.cli.probe import probe as probe_command
from cj_errors.cli.process import (
    buffer_stdout,
    fail,
    flush_output,
    json_command,
    output_failed,
    reserve_standard_streams,
    silence_stdout,
)
from cj_errors.cli.proxy import proxy as proxy_command
from cj_errors.cli.webhook import webhook_app
from cj_errors.output import renderer_for
from cj_errors.output.terminal import ColorChoice
from cj_errors.table import codes

app = new_app(
    "cjerr",
    "Explain CJ Dropshipping API 2.0 error codes and probe endpoints. Offline lookups; exit codes for scripts.",
    add_completion=True,
)


# --- shell completion callbacks (kept import-light: no httpx, no Rich) -------------


# --- shared options ---------------------------------------------------------------


def _version_callback(value: bool) -> None:
    if value:
        from cj_errors import _installed_version

        sys.stdout.write(f"cjerr {_installed_version()}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", "-V", help="Print the version and exit.", callback=_version_callback)
    ] = False,
) -> None:
    """Explain CJ Dropshipping API 2.0 error codes, validate and probe requests, and stand in for the API."""


# --- lookup / list / exit-codes ------------------------------------------------------


def _read_queries(arguments: list[str]) -> list[str]:
    queries: list[str] = []
    for argument in arguments:
        if argument == "-":
            queries.extend(line.strip() for line in _stdin_text().splitlines() if line.strip())
        else:
            queries.append(argument)
    return queries


def _stdin_text() -> str:
    # Bounded: `cjerr lookup - < /dev/zero` must end with a message, not take all the memory.
    data = inputs.read_bounded(
        inputs.STDIN,
        limit=limits.LOOKUP_STDIN_BYTES,
        what="the query list on",
        too_large=ExitStatus.USAGE,
        hint="for logs use 'cjerr explain -'",
    )
    return data.decode("utf-8", errors="replace")


@app.command()
def lookup(
    queries: Annotated[
        list[str],
        typer.Argument(
            metavar="CODE_OR_TEXT...",
            help='A code (1600200, CJ1600200, "code": 1600200), several in one argument ("1600200 1600201"), '
            "a prefix (16002) or mask (1603xxx), message text in any doc version's wording, a code with its "
            'message ("1602001 Product not found"), a pasted body or log line, or - for one query per line '
            "from stdin.",
            autocompletion=complete_code,
            show_default=False,
        ),
    ],
    brief: Annotated[
        bool, typer.Option("--brief", help="One line per code: code, title, outcome (exit status), retry advice.")
    ] = False,
    json_output: JsonOption = False,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Explain CJ codes: messages in every doc version, retry advice and numbered steps.

    Accepts a code (1600200, CJ1600200, "code": 1600200), a prefix (16002) or a mask (1603xxx).

    Also message text, a code with its message, a pasted body or log line, or - for one query per line from stdin.

    With several queries each answer names its query, and a code two queries reach is shown once.

    Exit 0 when every query is found, 1 when any is not (a family hint is still printed).

    Example: cjerr lookup 1600200 1603xxx "No permission"
    """
    if brief and json_output:
        raise CliError("--brief is a text layout and --json a document; choose one", ExitStatus.USAGE)
    terminal = terminal_for(json_output, color)
    if any(not query.strip() for query in queries):
        raise CliError("lookup got an empty query; give a code such as 1600200 or some message text", ExitStatus.USAGE)
    expanded = _read_queries(queries)
    if not expanded:
        raise CliError("lookup needs at least one code or text (standard input was empty)", ExitStatus.USAGE)
    raise typer.Exit(int(show_lookup(terminal, expanded, brief=brief)))


@app.command("list")
def list_codes(
    family: Annotated[
        str | None,
        typer.Option("--family", "-f", help="Only codes of this family.", autocompletion=complete_family),
    ] = None,
    json_output: JsonOption = False,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """List every code (CODE<TAB>title per line when piped).

    Example: cjerr list --family quota
    """
    terminal = terminal_for(json_output, color)
    key = codes.family_key(family) if family is not None else None
    if family is not None and key is None:
        known = ", ".join(codes.FAMILIES)
        raise CliError(f"unknown family {family.strip()[:40]!r}; known families: {known}", ExitStatus.USAGE)
    entries = codes.entries_in_family(key) if key else codes.all_entries()
    renderer_for(terminal).entries(entries)


@app.command("help")
def help_command(
    command: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[COMMAND]...", help="A command, or a group and its command (auth login).", show_default=False
        ),
    ] = None,
) -> None:
    """Show the help of cjerr, or of a command: cjerr help lookup is cjerr lookup --help.

    Example: cjerr help lookup
    """
    # The full application, not the one main() builds for this run: that holds only `help` itself.
    status = typer.main.get_command(app).main([*(command or ()), "--help"], prog_name="cjerr", standalone_mode=False)
    raise typer.Exit(int(status or 0))


@app.command("exit-codes")
def exit_codes(json_output: JsonOption = False) -> None:
    """Print the exit-code contract that scripts can rely on."""
    renderer_for(terminal_for(json_output, ColorChoice.NEVER)).exit_codes()


# --- endpoints / probe -------------------------------------------------------------


@app.command()
def endpoints(
    filter_text: Annotated[
        str,
        typer.Argument(
            metavar="[FILTER]",
            help="Only paths, groups or summaries containing this text.",
            autocompletion=complete_endpoint,
        ),
    ] = "",
    detail: Annotated[bool, typer.Option("--detail", help="Show fields, lengths and notes.")] = False,
    json_output: JsonOption = False,
    openapi: Annotated[
        bool, typer.Option("--openapi", help="Print the whole catalog as an OpenAPI 3.1 JSON document.")
    ] = False,
) -> None:
    """List the endpoint catalog that probe validates against (METHOD PATH<TAB>location<TAB>summary).

    Example: cjerr endpoints order --detail
    """
    from cj_errors.table import catalog

    if openapi:
        if filter_text or detail or json_output:
            raise typer.BadParameter("--openapi describes the whole catalog; give it alone", param_hint="--openapi")
        from cj_errors.requests.openapi import openapi_json

        terminal_for(True, ColorChoice.NEVER).stdout.write(openapi_json())
        return

    terminal = terminal_for(json_output, ColorChoice.NEVER)
    found = catalog.search(filter_text)
    renderer_for(terminal).endpoints(found, detail=detail or len(found) == 1)
    if not found:
        # The filter is echoed through the scrubbing stream: it may be a pasted token.
        terminal.stderr.write(f"cjerr: no endpoint matches {filter_text!r}\n")
        raise typer.Exit(int(ExitStatus.NOT_FOUND))


# --- explain ------------------------------------------------------------------------


@app.command()
def explain(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FILE|-|BODY]...",
            help="Files with envelopes, JSON Lines, logs or curl -i output; - for stdin (the default); "
            "or a body given inline.",
            show_default=False,
        ),
    ] = None,
    http_status: Annotated[
        int | None,
        typer.Option("--status", min=100, max=599, help="HTTP status the response came with (default 200)."),
    ] = None,
    each: Annotated[bool, typer.Option("--each", help="Also print one line per response as it is read.")] = False,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep reading FILE as it grows, like tail -f (implies --each).")
    ] = False,
    full: Annotated[
        bool,
        typer.Option("--full", help="With --each --json: repeat the whole table entry in every line, not a reference."),
    ] = False,
    summary_only: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="Always print the summary (also for one response); input with no CJ response exits 0, "
            "nothing to report.",
        ),
    ] = False,
    json_output: JsonOption = False,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Explain CJ response bodies by CJ's success rule, with the requestId support needs.

    Reads envelopes wherever they are: JSON, Python or JavaScript literals in log lines, records nested
    in JSON logs, escaped bodies, and curl -i / curl -v / HTTPie output (which gives the HTTP status).
    One response gets a full explanation; many get a summary per code.
    The exit status follows the most pressing outcome found.

    Example: cjerr explain response.json      curl -si ... | cjerr explain -      cjerr explain -f app.log
    """
    from cj_errors.reading import explain_input

    terminal = terminal_for(json_output, color)
    renderer = renderer_for(terminal)
    named = tuple(sources or ("-",))
    if "-" in named and sys.stdin.isatty():
        raise CliError(
            "explain reads a FILE or standard input; give a file, or pipe a response into 'cjerr explain -'",
            ExitStatus.USAGE,
        )
    each = each or follow
    if full and not (json_output and each):
        raise CliError(
            "--full changes the lines of --each --json (or --follow --json); give it with them", ExitStatus.USAGE
        )
    explain_input.check_sources(named, follow=follow)
    run = explain_input.ExplainRun(named, http_status, follow=follow, count_only=not each)
    run.summary.empty_is_success = summary_only
    several = len(named) > 1
    # Each line is passed on as soon as it is read when a file is followed or someone watches. Lines that
    # arrive live on standard input are passed on before cjerr waits for more (so nothing is held back), in
    # buffers as full as the input allows; a file read into a pipe or file gets full buffers.
    flush = follow or terminal.stdout.isatty()
    if each and not flush:
        run.before_live_read = terminal.stdout.flush
    try:
        for source, item in run.items():
            if each:
                renderer.item(item, source=source if several else None, full=full)
                if flush:
                    terminal.stdout.flush()
    except KeyboardInterrupt:
        if not follow:
            raise
        # Ctrl-C is how a follow ends, not a failure: summarize what was read and exit by it.
        renderer.summary(run.summary, one_line=True)
        raise typer.Exit(int(run.summary.exit_status)) from None
    single = run.single()
    if single is not None and not each and not summary_only:
        renderer.explanation(single)
        raise typer.Exit(int(single.exit_status))
    renderer.summary(run.summary, one_line=each)
    raise typer.Exit(int(run.summary.exit_status))


# --- probe and mock (cj_errors/cli/probe.py, cj_errors/cli/mock.py) ---------------------------

app.command("probe")(probe_command)
app.command("mock")(mock_command)

# --- auth (cj_errors/cli/auth.py) --------------------------------------------------------

app.add_typer(auth_app, name="auth")

# --- webhook (cj_errors/cli/webhook.py) -----------------------------------------------------

app.add_typer(webhook_app, name="webhook")

# --- order and points (cj_errors/cli/orders.py) -----------------------------------------------

app.command("order")(order_command)
app.add_typer(points_app, name="points")
# --- proxy (cj_errors/cli/proxy.py) -----------------------------------------------------------

app.command("proxy")(proxy_command)


# --- process edge ---------------------------------------------------------------------


def _command_name(info: typer.models.CommandInfo) -> str:
    if info.name:
        return info.name
    callback_name = getattr(info.callback, "__name__", "")
    return callback_name.replace("_", "-")


def _requested_command(argv: list[str], environ: dict[str, str]) -> str | None:
    """The subcommand this run is about, when it is certain; None means "build them all".

    For a TAB press, the words come from the shell (bash: COMP_WORDS/COMP_CWORD;
    zsh, fish, PowerShell: _TYPER_COMPLETE_ARGS), and the command word counts
    only once the cursor has moved past it.
    """
    if environ.get("_CJERR_COMPLETE"):
        if "COMP_WORDS" in environ:
            words = environ["COMP_WORDS"].split()
            cursor = int(environ.get("COMP_CWORD", "0") or 0)
            done = len(words) >= 2 and cursor >= 2
        else:
            text = environ.get("_TYPER_COMPLETE_ARGS", "")
            words = text.split()
            current = environ.get("_TYPER_COMPLETE_WORD_TO_COMPLETE")
            ends_word = text.endswith(" ") or (current is not None and current == "")
            done = len(words) >= 3 or (len(words) == 2 and ends_word)
        candidate = words[1] if done else None
    else:
        candidate = argv[0] if argv and not argv[0].startswith("-") else None
    names = {_command_name(info) for info in app.registered_commands}
    names |= {info.name for info in app.registered_groups if info.name}
    return candidate if candidate in names else None


def _app_for(argv: list[str], environ: dict[str, str]) -> typer.Typer:
    # Typer inspects every parameter of every command on each run (and each TAB
    # press); building only the requested command keeps startup near `import typer`.
    name = _requested_command(argv, environ)
    if name is None:
        return app
    focused = copy.copy(app)
    focused.registered_commands = [info for info in app.registered_commands if _command_name(info) == name]
    focused.registered_groups = [info for info in app.registered_groups if info.name == name]
    return focused


def _value_options(command_name: str) -> frozenset[str]:
    """The option names of a command that take a value (``--color WHEN``), from its Click definition."""
    group = typer.main.get_command(app)
    command = group.commands[command_name]  # type: ignore[attr-defined]
    return frozenset(
        name
        for param in command.params
        if param.param_type_name == "option" and not getattr(param, "is_flag", False)
        for name in (*param.opts, *param.secondary_opts)
    )


def _pasted_text_after_separator(argv: list[str]) -> list[str]:
    """`lookup` with a query such as "- 429 or ..." (a pasted markdown bullet): Click would read it as an
    option and stop with "No such option"; the options go first and every query after "--", in order."""
    if not argv or argv[0] != "lookup":
        return argv
    # Words after a "--" the user typed are queries already.
    end = argv.index("--") if "--" in argv else len(argv)
    before, after = argv[1:end], argv[end + 1 :]
    if not any(is_pasted_text(word) for word in before):
        return argv
    value_options = _value_options("lookup")
    options: list[str] = []
    queries: list[str] = []
    words = iter(before)
    for word in words:
        if word.startswith("-") and not is_pasted_text(word) and word != "-":
            options.append(word)
            if word in value_options:
                if (value := next(words, None)) is None:
                    return [argv[0], *options]  # so that Click says this option needs a value
                options.append(value)
        else:
            queries.append(word)
    return [argv[0], *options, "--", *queries, *after]


def _is_click_error(error: BaseException) -> bool:
    # Typer vendors Click from 0.26 on; duck-typing keeps this independent of
    # which Click the installed Typer uses.
    return hasattr(error, "exit_code") and hasattr(error, "format_message")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: run the app and turn every outcome into an exit status."""
    from cj_errors.cli.shellcomplete import plain_help_when_piped, use_plain_help

    use_plain_help()  # on a TAB press only: plain one-line descriptions, no Rich import
    reserve_standard_streams()  # again for `python -m cj_errors`, which does not come through the fast path
    buffer_stdout()
    given = sys.argv[1:] if argv is None else argv
    # With --json, a failure before any answer still prints one JSON document (process.fail).
    commands = frozenset(_command_name(info) for info in app.registered_commands)
    asked = json_command(given, commands, frozenset(info.name for info in app.registered_groups if info.name))
    try:
        arguments = _pasted_text_after_separator(given)
        plain_help_when_piped(arguments)
        click_command = typer.main.get_command(_app_for(arguments, dict(os.environ)))
        refuse_non_finite(click_command)
        result = click_command.main(args=arguments, prog_name="cjerr", standalone_mode=False)
        result = flush_output(result if isinstance(result, int) else 0)
    except SystemExit as exiting:
        # Typer (like Click) and Rich turn a closed pipe into SystemExit(1) raised
        # while handling the BrokenPipeError; the contract says 141.
        if isinstance(exiting.__context__, BrokenPipeError) or type(sys.stdout).__name__ == "PacifyFlushWrapper":
            silence_stdout()
            raise SystemExit(int(ExitStatus.BROKEN_PIPE)) from None
        raise
    except CliError as error:
        fail(error.message, error.status, json_command=asked)
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("\ncjerr: interrupted\n")
        raise SystemExit(int(ExitStatus.INTERRUPTED)) from None
    except BrokenPipeError:
        silence_stdout()
        raise SystemExit(int(ExitStatus.BROKEN_PIPE)) from None
    except RecursionError:
        fail("input is nested too deeply to process", ExitStatus.INVALID_INPUT, json_command=asked)
    except MemoryError:
        fail("out of memory while processing the input", ExitStatus.INTERNAL, json_command=asked)
    except Exception as error:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if (lost := output_failed(error)) is not None:
            raise SystemExit(lost) from None
        if type(error).__name__ == "NoArgsIsHelpError":
            sys.stdout.write(error.format_message() + "\n")  # type: ignore[attr-defined]
            raise SystemExit(int(ExitStatus.USAGE)) from None
        if _is_click_error(error):
            context = getattr(error, "ctx", None)
            command = context.command_path if context is not None else "cjerr"
            message = f"{error.format_message()} (see '{command} --help')"  # type: ignore[attr-defined]
            fail(message, ExitStatus.USAGE, json_command=asked)
        fail(f"internal error: {type(error).__name__}: {error}", ExitStatus.INTERNAL, json_command=asked)
    status = result if isinstance(result, int) else 0
    if status == ExitStatus.INTERRUPTED:
        # Typer catches Ctrl-C itself and returns 130; say so, as the handler above does.
        sys.stderr.write("\ncjerr: interrupted\n")
    raise SystemExit(status)
