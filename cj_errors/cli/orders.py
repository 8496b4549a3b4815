"""`cjerr order`, `cjerr points plan` and the glue of `probe --preflight` (Typer, thin).

The cores are cj_errors.requests.orderstatus, cj_errors.requests.preflight and cj_errors.sdk.points_plan;
the text and documents are in cj_errors.output.orders.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
from typing import TYPE_CHECKING, Annotated

import typer

from cj_errors.base import inputs
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.output.terminal import Terminal, choose_terminal

if TYPE_CHECKING:
    from cj_errors.requests.probe import PreparedProbe
    from cj_errors.requests.reader import Reader

JsonOption = Annotated[bool, typer.Option("--json", help="Print a stable JSON document.")]
TokenFileOption = Annotated[
    str | None,
    typer.Option(
        "--token-file",
        help="File holding the access token, or - for stdin. Else $CJ_ACCESS_TOKEN, else the config file, "
        "else the stored login (cjerr auth login).",
    ),
]
BaseUrlOption = Annotated[
    str | None, typer.Option("--base-url", help="API base URL; env CJERR_BASE_URL; default CJ's own.")
]
InsecureOption = Annotated[
    bool, typer.Option("--insecure", help="Do not verify TLS certificates (never with real tokens).")
]

points_app = typer.Typer(
    help="Plan CJ API points: what a batch of calls costs, how long it takes and over how many days.",
    no_args_is_help=True,
)


def _write(terminal: Terminal, text: str, data: object, json_output: bool) -> None:
    if json_output:
        terminal.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        terminal.stdout.write(text)
    terminal.stdout.flush()


def _reader(base_url: str | None, token_file: str | None, insecure: bool, *, need_token: bool = True) -> Reader:
    """A paced reader with the token and base URL probe uses (cj_errors.account.config)."""
    from cj_errors.account import config
    from cj_errors.requests.reader import Reader
    from cj_errors.table import catalog

    base = base_url or config.default_base_url() or catalog.BASE_URL
    token = config.resolve_token(token_file, base_url=base)
    if token.token is None and need_token:
        raise CliError(
            "no access token: give --token-file PATH, set $CJ_ACCESS_TOKEN, or run cjerr auth login", ExitStatus.CONFIG
        )
    parts = urllib.parse.urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(f"--base-url {base!r} is not an http(s) URL with a host", ExitStatus.USAGE)
    if parts.scheme == "http" and not inputs.is_loopback(parts.hostname):
        raise CliError(
            f"refusing to send the access token over plain HTTP to {parts.hostname}; use https", ExitStatus.CONFIG
        )
    return Reader(base, token.token, verify=not insecure)


def order_command(
    ref: Annotated[str, typer.Argument(metavar="REF", help="Your orderNumber, or CJ's orderId.")],
    watch: Annotated[
        bool, typer.Option("--watch", help="Poll until the status or tracking number changes, then exit.")
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", min=1.0, help="--watch: seconds between looks (default 60).")
    ] = 60.0,
    max_wait: Annotated[
        float | None,
        typer.Option("--max-wait", min=1.0, help="--watch: give up after this many seconds (exit 75)."),
    ] = None,
    base_url: BaseUrlOption = None,
    token_file: TokenFileOption = None,
    insecure: InsecureOption = False,
    json_output: JsonOption = False,
) -> None:
    """Where an order is in CJ's lifecycle: status, holds, payment, logistics, tracking, the next step.

    Reads getOrderDetail and trackInfo, which cost no points. Exit 0 when found, 69 when CJ does not know
    the order, 75 when --max-wait passed with no change, 77 for a token CJ refuses, 68 with no answer.

    Example: cjerr order SHOP-1001
    """
    from cj_errors.output import orders as shown
    from cj_errors.requests import orderstatus

    terminal = choose_terminal(json_output=json_output)
    reader = _reader(base_url, token_file, insecure)
    if watch:

        def announce(report: orderstatus.OrderReport) -> None:
            status = report.status or "without a status"
            terminal.stderr.write(f"cjerr: order {report.ref} is {status}; looking again every {interval:g} s\n")
            sys.stderr.flush()

        report = orderstatus.watch(reader, ref, interval, max_wait, on_poll=announce)
    else:
        report = orderstatus.read_order(reader, ref)
    _write(terminal, shown.order_plain(report), shown.order_document(report), json_output)
    raise typer.Exit(int(report.exit_status))


@points_app.command("plan")
def plan_command(
    items: Annotated[
        list[str], typer.Argument(metavar="PATH:COUNT...", help="Endpoint and number of calls: /product/query:44000")
    ],
    daily: Annotated[
        int | None,
        typer.Option("--daily", min=1, help="Points a day (default 50,000, CJ's base; add your order conversion)."),
    ] = None,
    qps: Annotated[
        float | None, typer.Option("--qps", min=0.01, help="Calls a second (default: the account's, else 1).")
    ] = None,
    account: Annotated[
        bool, typer.Option("--account", help="Read the account's QPS and daily quotas (GET /setting/get, 0 points).")
    ] = False,
    base_url: BaseUrlOption = None,
    token_file: TokenFileOption = None,
    insecure: InsecureOption = False,
    json_output: JsonOption = False,
) -> None:
    """Points, time and days for a batch of calls, from the catalog's points per call. Offline unless --account.

    Points reset at 00:00 UTC. Exit 0; 2 for a malformed PATH:COUNT; 65 for a path not in the catalog.

    Example: cjerr points plan /product/listV2:440 /product/query:44000
    """
    from cj_errors.output import orders as shown
    from cj_errors.sdk import points_plan

    terminal = choose_terminal(json_output=json_output)
    points_plan.parse_items(items)
    reader = _reader(base_url, token_file, insecure) if account or token_file is not None else None
    plan = points_plan.plan_for(items, reader, daily_points=daily, qps=qps)
    _write(terminal, shown.plan_plain(plan), shown.plan_document(plan, ExitStatus.SUCCESS), json_output)


def run_preflight(prepared: PreparedProbe, terminal: Terminal, json_output: bool, insecure: bool) -> None:
    """`probe --preflight`: the read-only checks of a createOrderV2/V3 body; exit 65 when one blocks."""
    from cj_errors.output import orders as shown
    from cj_errors.requests import preflight
    from cj_errors.requests.reader import Reader, account_qps

    if prepared.blocked:  # the local findings first: nothing is asked of CJ about a body it would refuse anyway
        from cj_errors.output import renderer_for

        renderer_for(terminal).probe(
            prepared, None, ExitStatus.INVALID_INPUT, show_request=False, verbose=False, body_only=False
        )
        raise typer.Exit(int(ExitStatus.INVALID_INPUT))
    url = prepared.url.split("?")[0]
    base = url[: -len(prepared.plan.path)] if url.endswith(prepared.plan.path) else url
    reader = Reader(base, prepared.token, verify=not insecure)
    found, _settings = account_qps(reader)
    if found is not None:
        reader.qps = found
    report = preflight.run(reader, prepared.plan.path, prepared.plan.body)
    _write(terminal, shown.preflight_plain(report), shown.preflight_document(report), json_output)
    raise typer.Exit(int(report.exit_status))
