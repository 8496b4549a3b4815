"""Typer commands: parse arguments, call the core, hand results to render.

No business logic lives here. ``main()`` owns the process edge: exit codes,
one-line errors, closed pipes and Ctrl-C.
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cj_errors.base import inputs, limits
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.cli.auth import auth_app
from cj_errors.cli.common import ColorOption, JsonOption, new_app, terminal_for
from cj_errors.cli.completers import complete_code, complete_endpoint, complete_family
from cj_errors.cli.lookup_command import is_pasted_text, show_lookup
from cj_errors.cli.orders import order_command, points_app
from cj_errors.cli.process import buffer_stdout, fail, json_command, silence_stdout
from cj_errors.cli.proxy import proxy as proxy_command
from cj_errors.cli.webhook import webhook_app
from cj_errors.output import renderer_for
from cj_errors.output.terminal import ColorChoice, Terminal
from cj_errors.table import codes

app = new_app(
    "cjerr",
    "Explain CJ Dropshipping API 2.0 error codes and probe endpoints. Offline lookups; exit codes for scripts.",
    add_completion=True,
)


# --- shell completion callbacks (kept import-light: no httpx, no Rich) -------------


# --- shared options ---------------------------------------------------------------


def _terminal(json_output: bool, color: ColorChoice) -> Terminal:
    return terminal_for(json_output, color)


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
    terminal = _terminal(json_output, color)
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
    terminal = _terminal(json_output, color)
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
    renderer_for(_terminal(json_output, ColorChoice.NEVER)).exit_codes()


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

        _terminal(True, ColorChoice.NEVER).stdout.write(openapi_json())
        return

    terminal = _terminal(json_output, ColorChoice.NEVER)
    found = catalog.search(filter_text)
    renderer_for(terminal).endpoints(found, detail=detail or len(found) == 1)
    if not found:
        # The filter is echoed through the scrubbing stream: it may be a pasted token.
        terminal.stderr.write(f"cjerr: no endpoint matches {filter_text!r}\n")
        raise typer.Exit(int(ExitStatus.NOT_FOUND))


@app.command()
def probe(
    target: Annotated[
        str,
        typer.Argument(
            metavar="PATH_OR_URL",
            help="/product/query, product/query, /api2.0/v1/... or a full URL.",
            autocompletion=complete_endpoint,
        ),
    ],
    method: Annotated[
        str | None,
        typer.Option("--method", "-X", help="HTTP method (default: the catalog's; else GET, or POST with a body)."),
    ] = None,
    data: Annotated[str | None, typer.Option("--data", "-d", help="JSON body: inline, @file, or @- for stdin.")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Query parameter key=value; repeat a key for a list.")
    ] = None,
    header: Annotated[list[str] | None, typer.Option("--header", "-H", help="Extra header 'Name: value'.")] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="API base URL; env CJERR_BASE_URL; the default is given above."),
    ] = None,
    token_file: Annotated[
        str | None,
        typer.Option(
            "--token-file",
            help="File holding the access token, or - for stdin. Else $CJ_ACCESS_TOKEN, else the config file, "
            "else the stored login (cjerr auth login).",
        ),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Read timeout in seconds.")] = 30.0,
    connect_timeout: Annotated[float, typer.Option("--connect-timeout", min=0.1, help="Connect timeout.")] = 10.0,
    retries: Annotated[
        int,
        typer.Option("--retries", min=0, max=10, help="Retries where repeating can help (1600000 at most 3 tries)."),
    ] = 2,
    retry_mutating: Annotated[
        bool, typer.Option("--retry-mutating", help="Also retry calls that create, pay, confirm or delete.")
    ] = False,
    reconcile: Annotated[
        bool,
        typer.Option(
            "--reconcile",
            help="After a create-order call that got no answer, look the order up once by its orderNumber.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Validate and show the request; send nothing.")
    ] = False,
    curl: Annotated[
        bool,
        typer.Option(
            "--curl",
            help="Print an equivalent curl command that runs as printed (the token read from $CJ_ACCESS_TOKEN).",
        ),
    ] = False,
    body: Annotated[
        bool,
        typer.Option(
            "--body", "-b", help="Print only the response's data as JSON (for jq) after a CJ success; else nothing."
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Send even when validation finds errors.")] = False,
    allow_other_host: Annotated[
        bool, typer.Option("--allow-other-host", help="Allow a full URL on a host other than the base URL's.")
    ] = False,
    allow_http: Annotated[
        bool,
        typer.Option(
            "--allow-http", help="Allow plain HTTP to a stand-in that is not loopback (never with a real CJ token)."
        ),
    ] = False,
    max_body: Annotated[
        int, typer.Option("--max-body", min=1024, help="Largest response body accepted, in bytes.")
    ] = limits.RESPONSE_BODY_BYTES,
    insecure: Annotated[
        bool, typer.Option("--insecure", help="Do not verify TLS certificates (never with real tokens).")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show the request and the raw response.")] = False,
    no_spend: Annotated[
        bool,
        typer.Option(
            "--no-spend",
            help="Refuse calls that spend money or cannot be undone (pay, confirm, delete), exit 65; "
            "also $CJERR_NO_SPEND=1 or no_spend = true in the config file.",
        ),
    ] = False,
    preflight: Annotated[
        bool,
        typer.Option(
            "--preflight",
            help="createOrderV2/V3: check variants, stock, the freight quote and the orderNumber with CJ; "
            "never send the create. Exit 65 on a blocking finding.",
        ),
    ] = False,
    json_output: JsonOption = False,
    color: ColorOption = ColorChoice.AUTO,
) -> None:
    """Validate a request locally, send it, and explain what CJ answered.

    Nothing is sent when validation finds errors (exit 65) unless --force is given.

    The API base is https://developers.cjdropshipping.com/api2.0/v1 unless --base-url or CJERR_BASE_URL gives another.

    Example: cjerr probe /product/query -p pid=04A22450-67F0-4617-A132-E7AE7F8963B0
    """
    from cj_errors.account import config
    from cj_errors.account.auth import probe_base_url
    from cj_errors.requests import probe as probing

    terminal = _terminal(json_output, color)
    chosen = [name for name, given in (("--curl", curl), ("--body", body), ("--json", json_output)) if given]
    if len(chosen) > 1:
        raise CliError(f"{' and '.join(chosen)} each choose what stdout gets; give one", ExitStatus.USAGE)
    if body and dry_run:
        raise CliError("--body prints the response's data and --dry-run sends nothing; choose one", ExitStatus.USAGE)
    if token_file == "-" and data == "@-":
        raise CliError(
            "--token-file - and --data @- would both read standard input; put one in a file", ExitStatus.USAGE
        )
    for warning in config.config_warnings():
        terminal.stderr.write(f"cjerr: warning: {warning}\n")
    base, why = probe_base_url(base_url)  # --base-url, $CJERR_BASE_URL, config, the stored login, CJ's
    if why:
        terminal.stderr.write(f"cjerr: note: {why}\n")
    token = config.resolve_token(token_file, base_url=base)  # the stored login (cjerr auth login) comes last
    options = probing.ProbeOptions(
        target=target,
        method=method,
        data=data,
        params=tuple(param or ()),
        headers=tuple(header or ()),
        base_url=base,
        token=token.token,
        timeout=timeout,
        connect_timeout=connect_timeout,
        retries=retries,
        retry_mutating=retry_mutating,
        reconcile=reconcile,
        force=force,
        allow_other_host=allow_other_host,
        max_body=max_body,
        allow_http=allow_http,
        token_origin=token.origin,
        token_file=token_file,
        no_spend=config.no_spend(no_spend),
    )
    prepared = probing.prepare(options)
    if preflight:
        from cj_errors.cli.orders import run_preflight

        if dry_run or curl or body:
            raise CliError(
                "--preflight reads from CJ and prints its own report; drop --dry-run, --curl and --body",
                ExitStatus.USAGE,
            )

        run_preflight(prepared, terminal, json_output, insecure)
    if curl:
        status = renderer_for(terminal).curl(prepared, force=force)
        raise typer.Exit(int(status))
    if dry_run or (prepared.blocked and (not force or prepared.spend_refusal is not None)):
        status = ExitStatus.INVALID_INPUT if prepared.blocked else ExitStatus.SUCCESS
        renderer_for(terminal).probe(prepared, None, status, show_request=True, verbose=verbose, body_only=body)
        raise typer.Exit(int(status))

    def announce(line: str) -> None:
        terminal.stderr.write(f"cjerr: {line}\n")
        sys.stderr.flush()

    if token.login is not None:
        from cj_errors.account import session

        # Refreshed once when its stored expiry has passed or CJ answers 1600001; never for other token sources.
        outcome = session.send_with_login(prepared, options, token.login, announce, verify=not insecure)
    else:
        outcome = probing.send(prepared, options, announce, verify=not insecure)
    renderer_for(terminal).probe(
        prepared, outcome, outcome.exit_status, show_request=verbose, verbose=verbose, body_only=body
    )
    raise typer.Exit(int(outcome.exit_status))


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

    terminal = _terminal(json_output, color)
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
    # Each line is passed on as soon as it is read when lines arrive live or someone watches; a file read
    # into a pipe or file gets full buffers.
    flush = follow or terminal.stdout.isatty() or explain_input.arrives_live(named)
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


@app.command()
def mock(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (warns unless loopback).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port; 0 picks a free one.")] = 8765,
    qps: Annotated[int, typer.Option("--qps", min=0, help="Requests per second per token; 0 = no limit.")] = 1,
    points: Annotated[
        int | None, typer.Option("--points", min=0, help="Daily points budget (catalog costs); default unlimited.")
    ] = None,
    fail: Annotated[
        list[str] | None,
        typer.Option(
            "--fail",
            metavar="FAULT[:RATE[:PATH]]",
            help="Inject a fault (repeatable): a CJ code, http429, http500, http502, http503, http504, html, "
            "empty, drop or slow:SECONDS. Example: --fail 1600000:0.3",
        ),
    ] = None,
    latency: Annotated[float, typer.Option("--latency", min=0, help="Seconds added to every answer.")] = 0.0,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for the fault dice (repeatable runs).")] = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="JSON or TOML fault rules (see docs/mock.md).")] = None,
    token_file: Annotated[
        Path | None, typer.Option("--token-file", help="Accept the access token(s) in this file, one per line.")
    ] = None,
    accept_any_key: Annotated[
        bool, typer.Option("--accept-any-key", help="getAccessToken accepts any non-empty apiKey.")
    ] = False,
    token_ttl: Annotated[
        float | None, typer.Option("--token-ttl", min=0.001, help="Access token life in seconds (default 180 days).")
    ] = None,
    refresh_ttl: Annotated[
        float | None,
        typer.Option("--refresh-ttl", min=0.001, help="Refresh token life in seconds (default 180 days)."),
    ] = None,
    auth_throttle: Annotated[
        float,
        typer.Option(
            "--auth-throttle", min=0, help="getAccessToken once per SECONDS per key (0 = off).", metavar="SECONDS"
        ),
    ] = 0.0,
    balance: Annotated[
        float, typer.Option("--balance", min=0, help="Starting account balance in USD.", metavar="AMOUNT")
    ] = 1000.0,
    state: Annotated[
        Path | None, typer.Option("--state", help="Keep orders, balance and tokens in this SQLite file (0600).")
    ] = None,
    allow_local_webhooks: Annotated[
        bool,
        typer.Option(
            "--allow-local-webhooks",
            help="Let /webhook/set register loopback and http:// URLs, and deliver signed messages to them.",
        ),
    ] = False,
    replay: Annotated[
        Path | None, typer.Option("--replay", metavar="DIR", help="Serve answers cjerr proxy --record wrote first.")
    ] = None,
) -> None:
    """Run a local, stateful stand-in for the CJ API that can answer with any error code.

    Prints the base URL as the first line on stdout; logs one line per request on stderr. Ctrl-C stops it.
    Orders, balance and tokens persist with --state; the admin API is under /__cjerr/.

    Example: cjerr mock --port 0 --fail 1600200:0.5 --seed 1
    """
    from cj_errors import mock as mocking

    settings = mocking.build_config(
        host=host,
        port=port,
        qps=qps,
        points=points,
        fail=tuple(fail or ()),
        latency=latency,
        seed=seed,
        rules_file=rules,
        token_file=token_file,
        accept_any_key=accept_any_key,
        token_ttl=token_ttl,
        refresh_ttl=refresh_ttl,
        auth_throttle=auth_throttle,
        balance=balance,
        state_file=state,
        allow_local_webhooks=allow_local_webhooks,
        replay_dir=replay,
    )
    try:
        mocking.serve(settings, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        # Ctrl-C is how a mock ends: serve() has said "cjerr mock: stopped", and that one line is enough.
        raise SystemExit(int(ExitStatus.INTERRUPTED)) from None


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
    buffer_stdout()
    given = sys.argv[1:] if argv is None else argv
    # With --json, a failure before any answer still prints one JSON document (process.fail).
    commands = frozenset(_command_name(info) for info in app.registered_commands)
    asked = json_command(given, commands, frozenset(info.name for info in app.registered_groups if info.name))
    try:
        arguments = _pasted_text_after_separator(given)
        plain_help_when_piped(arguments)
        result = _app_for(arguments, dict(os.environ))(args=arguments, prog_name="cjerr", standalone_mode=False)
        sys.stdout.flush()
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
