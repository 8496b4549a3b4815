"""`cjerr probe` (Typer, thin): parse the options, hand them to ``requests.probe`` (or the preflight, or the
stored login's send), print the outcome through the renderer. Registered by ``cli.app``.
"""

# No `from __future__ import annotations` here: Typer would then evaluate every option's annotation from
# its string on each run (about 2% of a send).
import sys
from typing import Annotated

import typer

from cj_errors.base import limits
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.cli.common import ColorOption, JsonOption, terminal_for
from cj_errors.cli.completers import complete_endpoint
from cj_errors.output import renderer_for
from cj_errors.output.terminal import ColorChoice


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
    from cj_errors.requests import probe as probing

    terminal = terminal_for(json_output, color)
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
    base, why = config.probe_base_url(base_url)  # --base-url, $CJERR_BASE_URL, config, the stored login, CJ's
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
