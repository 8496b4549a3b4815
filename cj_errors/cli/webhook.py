"""`cjerr webhook`: check a callback URL, send signed sample messages, verify captures, receive (Typer, thin).

The core is cj_errors.webhooks.tools and cj_errors.webhooks, imported only when a command runs.
The openId is the key CJ signs every message with: it comes from --open-id-file, $CJ_OPEN_ID, or the stored
login (cjerr auth login keeps the openId CJ sends with the token); --open-id works too, with a warning, because a
command-line value shows in `ps` and shell history.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.cli.common import new_app, terminal_for
from cj_errors.cli.completers import complete_topic
from cj_errors.output.terminal import Terminal

if TYPE_CHECKING:
    from cj_errors.webhooks.tools import OpenId

webhook_app = new_app(
    "webhook",
    "Check a callback URL by CJ's rules, send signed sample messages, verify signatures, run a receiver.",
)

# What TAB offers after `webhook send` (cli/completers.py reads it from the generated _tab_table).
TOPIC_NAMES = (
    "ORDER",
    "PRODUCT",
    "VARIANT",
    "STOCK",
    "LOGISTIC",
    "ORDERSPLIT",
    "SOURCINGCREATE",
    "MAKEUP",
    "PRIVATE_ORDER",
)


JsonOption = Annotated[bool, typer.Option("--json", help="Print a stable JSON document (JSON Lines for listen).")]
OpenIdOption = Annotated[
    str | None,
    typer.Option("--open-id", metavar="ID", help="The account's openId (shows in ps: prefer --open-id-file)."),
]
OpenIdFileOption = Annotated[
    str | None,
    typer.Option(
        "--open-id-file",
        metavar="PATH|-",
        help="File holding the openId (the signing key). Else $CJ_OPEN_ID, else the stored login's (cjerr auth login).",
    ),
]


def _open_id(
    terminal: Terminal, given: str | None, file_name: str | None, *, stdin_taken: bool = False
) -> OpenId | None:
    from cj_errors.account import auth, credentials
    from cj_errors.webhooks import tools as webhook_tools

    def stored() -> tuple[str, str] | None:
        return auth.stored_open_id(credentials.CredentialStore())

    found = webhook_tools.resolve_open_id(given, file_name, stdin_taken=stdin_taken, stored=stored)
    if given is not None:
        terminal.stderr.write(
            "cjerr: warning: --open-id shows in ps and shell history, and the openId signs CJ's webhooks; "
            f"prefer --open-id-file or ${webhook_tools.OPEN_ID_ENV}\n"
        )
    return found


@webhook_app.command("check")
def check(
    url: Annotated[str, typer.Argument(metavar="URL", help="The callback URL you would give /webhook/set.")],
    no_resolve: Annotated[
        bool, typer.Option("--no-resolve", help="Do not look the host name up (text rules only).")
    ] = False,
    send: Annotated[
        bool,
        typer.Option("--send", help="When the rules pass, also POST a signed ORDER test message and time the answer."),
    ] = False,
    open_id: OpenIdOption = None,
    open_id_file: OpenIdFileOption = None,
    wait: Annotated[
        float, typer.Option("--wait", min=3.0, max=60.0, help="With --send: seconds to wait for a late answer.")
    ] = 10.0,
    json_output: JsonOption = False,
) -> None:
    """Check a callback URL by CJ's rules, offline; each finding names the code CJ would answer.

    https only (1607002); no localhost, loopback, private or link-local address (1607001), also for a
    name that resolves to one (the name is looked up with a 2-second limit unless --no-resolve).
    Exit 0 when CJ would accept the URL, 65 when not.

    Example: cjerr webhook check https://shop.example.com/cj/webhook
    """
    from cj_errors.output import renderer_for
    from cj_errors.webhooks import tools as webhook_tools

    terminal = terminal_for(json_output)
    key = _open_id(terminal, open_id, open_id_file) if send else None
    report = webhook_tools.check(url, resolve=not no_resolve, send=send, open_id=key, wait=wait)
    renderer_for(terminal).webhook_check(report)
    raise typer.Exit(int(report.exit_status))


@webhook_app.command("send")
def send(
    topic: Annotated[
        str,
        typer.Argument(
            metavar="TOPIC",
            help="ORDER, PRODUCT, VARIANT, STOCK, LOGISTIC, ORDERSPLIT, SOURCINGCREATE, MAKEUP or PRIVATE_ORDER.",
            autocompletion=complete_topic,
        ),
    ],
    to: Annotated[str, typer.Option("--to", metavar="URL", help="Where to POST the message (any http(s) URL).")],
    message_type: Annotated[
        str,
        typer.Option(
            "--message-type",
            "-t",
            help="INSERT, UPDATE or DELETE (ORDER also ORDER_CONNNECTED; MAKEUP INSERT, CANCEL, PAID).",
        ),
    ] = "UPDATE",
    data: Annotated[
        str | None,
        typer.Option(
            "--data", "-d", help="JSON: params fields to change, or a whole message; inline, @file or @- for stdin."
        ),
    ] = None,
    open_id: OpenIdOption = None,
    open_id_file: OpenIdFileOption = None,
    retries: Annotated[
        int, typer.Option("--retries", min=0, max=3, help="Retry a failed delivery like CJ does (up to 3).")
    ] = 0,
    wait: Annotated[
        float,
        typer.Option("--wait", min=3.0, max=60.0, help="Seconds to wait for a late answer (CJ gives up at 3)."),
    ] = 10.0,
    insecure: Annotated[
        bool, typer.Option("--insecure", help="Do not verify the receiver's TLS certificate (local test servers).")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """POST a realistic sample CJ message for TOPIC, signed like CJ signs it (header sign).

    This sends a real request to the URL you name (loopback receivers are the point of it).
    Exit 0 only for HTTP 200 within 3 s; 69 for a slower or non-200 answer, 68 when nothing answered.

    Example: cjerr webhook send ORDER --to http://127.0.0.1:8080/cj --open-id-file ~/.config/cjerr/open-id
    """
    from cj_errors.output import renderer_for
    from cj_errors.webhooks import tools as webhook_tools

    terminal = terminal_for(json_output)
    webhook_tools.check_target(to)
    stdin_taken = data == "@-"
    if open_id_file == "-" and stdin_taken:
        raise CliError(
            "--open-id-file - and --data @- would both read standard input; put one in a file", ExitStatus.USAGE
        )
    key = _open_id(terminal, open_id, open_id_file, stdin_taken=stdin_taken)
    report = webhook_tools.send_message(
        to, topic, message_type, key, data=data, retries=retries, wait=wait, verify_tls=not insecure
    )
    renderer_for(terminal).webhook_send(report)
    if report.exit_status is not ExitStatus.SUCCESS and not json_output:
        last = report.delivery.last
        terminal.stderr.write(f"cjerr: delivery failed: {last.verdict if last else 'nothing sent'}\n")
    raise typer.Exit(int(report.exit_status))


@webhook_app.command("verify")
def verify(
    source: Annotated[
        str, typer.Argument(metavar="FILE|-", help="The raw body as received (not re-encoded); - for stdin.")
    ],
    signature: Annotated[str, typer.Option("--sign", metavar="SIGNATURE", help="The sign header's value.")],
    open_id: OpenIdOption = None,
    open_id_file: OpenIdFileOption = None,
    json_output: JsonOption = False,
) -> None:
    """Check a captured message's sign header: Base64 HMAC-SHA256 of the raw body, keyed by the openId.

    Compared in constant time. Exit 0 when valid, 1 when not (with the likely reason).

    Example: cjerr webhook verify --sign "$SIGN" --open-id-file ~/.config/cjerr/open-id body.json
    """
    from cj_errors.output import renderer_for
    from cj_errors.webhooks import tools as webhook_tools

    terminal = terminal_for(json_output)
    key = _open_id(terminal, open_id, open_id_file, stdin_taken=source == "-")
    if key is None:
        raise CliError(
            f"verify needs the openId: --open-id-file PATH, ${webhook_tools.OPEN_ID_ENV} or a stored login "
            "(cjerr auth login)",
            ExitStatus.USAGE,
        )
    report = webhook_tools.verify_capture(source, signature, key)
    renderer_for(terminal).webhook_verify(report)
    raise typer.Exit(int(report.exit_status))


@webhook_app.command("listen")
def listen(
    port: Annotated[int, typer.Option("--port", "-p", min=0, max=65535, help="Port; 0 picks a free one.")] = 8080,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (warns unless loopback).")] = "127.0.0.1",
    status: Annotated[
        int, typer.Option("--status", min=100, max=599, help="HTTP status to answer (simulate failures).")
    ] = 200,
    delay: Annotated[
        float, typer.Option("--delay", min=0.0, max=60.0, help="Seconds to wait before answering (over 3 fails).")
    ] = 0.0,
    count: Annotated[int | None, typer.Option("--count", "-n", min=1, help="Stop after this many requests.")] = None,
    dedupe: Annotated[
        bool, typer.Option("--dedupe", help="Mark a messageId seen before as a duplicate (CJ retries deliveries).")
    ] = False,
    open_id: OpenIdOption = None,
    open_id_file: OpenIdFileOption = None,
    no_verify: Annotated[
        bool,
        typer.Option(
            "--no-verify", help="Receive without checking signatures; with --count, exit 0 for unchecked messages."
        ),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Receive webhook messages and print one line each: topic, messageType, ids, signature, answer.

    Prints its URL as the first line on stdout. The openId (file, $CJ_OPEN_ID or the stored login) checks
    signatures; without one they are not checked. With --count it exits 0 when every message was well-formed
    and validly signed (or, with --no-verify, well-formed), else 1; Ctrl-C stops it (exit 130).

    Example: cjerr webhook listen --port 8080 --open-id-file ~/.config/cjerr/open-id
    """
    from cj_errors.base.inputs import is_loopback
    from cj_errors.output import renderer_for
    from cj_errors.output import webhook as render_webhook
    from cj_errors.webhooks import tools as webhook_tools

    terminal = terminal_for(json_output)
    renderer = renderer_for(terminal)
    if no_verify and (open_id is not None or open_id_file is not None):
        raise CliError("--no-verify receives without the openId; give it or an openId, not both", ExitStatus.USAGE)
    key = None if no_verify else _open_id(terminal, open_id, open_id_file)
    options = webhook_tools.ListenOptions(
        host=host,
        port=port,
        status=status,
        delay=delay,
        count=count,
        open_id=key,
        no_verify=no_verify,
        dedupe=dedupe,
    )
    seen = {"messages": 0, "problems": 0}

    def ready(url: str) -> None:
        terminal.stdout.write(url + "\n")
        terminal.stdout.flush()
        if not is_loopback(host):
            terminal.stderr.write(f"cjerr: warning: listening on {host}, not loopback: other machines can post here\n")
        terminal.stderr.write(render_webhook.listen_checking_line(key.shown if key else None, no_verify, status))
        sys.stderr.flush()

    def received(item: webhook_tools.Received) -> None:
        seen["messages"] += 1
        seen["problems"] += 0 if item.ok else 1
        renderer.webhook_received(item)

    try:
        summary = webhook_tools.listen(options, ready, received)
    except KeyboardInterrupt:
        terminal.stderr.write(
            f"\ncjerr: interrupted after {seen['messages']} request(s), {seen['problems']} with problems\n"
        )
        sys.stderr.flush()
        raise SystemExit(int(ExitStatus.INTERRUPTED)) from None
    if summary.unchecked:
        terminal.stderr.write(render_webhook.listen_unchecked_line(summary.unchecked))
    raise typer.Exit(int(summary.exit_status))
