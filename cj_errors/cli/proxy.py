"""`cjerr proxy`: a local proxy in front of CJ that paces, retries safely and explains (Typer, thin).

The core is cj_errors.sdk.proxy, imported only when the command runs.
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from cj_errors.base.exits import ExitStatus
from cj_errors.cli.process import silence_stdout


def proxy(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="BASE_URL",
            help="Where calls go: https://developers.cjdropshipping.com/api2.0/v1, or a loopback server such as "
            "cjerr mock.",
        ),
    ],
    host: Annotated[str, typer.Option("--host", help="Address to listen on (warns unless loopback).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port; 0 picks a free one.")] = 8780,
    qps: Annotated[
        float, typer.Option("--qps", min=0, help="Calls a second per CJ account, for the whole fleet; 0 = no pacing.")
    ] = 1.0,
    pacing_url: Annotated[
        str | None,
        typer.Option(
            "--pacing",
            metavar="URL",
            envvar="CJERR_PACING_URL",
            show_envvar=False,
            help="Where the pace is shared: file: (default, this machine), memory: or redis://HOST:PORT/DB (all "
            "hosts); else $CJERR_PACING_URL.",
        ),
    ] = None,
    journal: Annotated[
        Path | None, typer.Option("--journal", metavar="FILE", help="Append one JSON line per call (cjerr explain).")
    ] = None,
    record: Annotated[
        Path | None,
        typer.Option("--record", metavar="DIR", help="Write masked request/answer pairs for cjerr mock --replay."),
    ] = None,
    retries: Annotated[
        int, typer.Option("--retries", min=0, max=10, help="Retries where the retry policy allows one.")
    ] = 2,
    max_pace_wait: Annotated[
        float,
        typer.Option("--max-pace-wait", min=0, help="Longest pacing wait in seconds; longer answers 429 not-sent."),
    ] = 10.0,
    timeout: Annotated[float, typer.Option("--timeout", min=0.001, help="Seconds to wait for CJ's answer.")] = 30.0,
    allow_any_host: Annotated[
        bool,
        typer.Option("--allow-any-host", help="Forward to a --to host that is neither CJ's nor this machine."),
    ] = False,
) -> None:
    """Run a local proxy for apps in any language: shared pacing, safe retries, one line per CJ error.

    Prints its base URL as the first line on stdout, then one explained line per CJ error. Answers pass
    through byte for byte with X-Cjerr-Outcome, X-Cjerr-Code, X-Cjerr-Wait and X-Cjerr-Tries added
    (docs/proxy.md). Ctrl-C stops it.

    Example: cjerr proxy --to https://developers.cjdropshipping.com/api2.0/v1 --journal cj.jsonl
    """
    from cj_errors.sdk import proxy as proxying

    config = proxying.build_config(
        target=to,
        host=host,
        port=port,
        qps=qps,
        pacing_url=pacing_url,
        journal=journal,
        record=record,
        retries=retries,
        max_pace_wait=max_pace_wait,
        timeout=timeout,
        allow_any_host=allow_any_host,
    )
    try:
        proxying.serve(config, sys.stdout, sys.stderr)
    except KeyboardInterrupt:
        # Ctrl-C is how a proxy ends: serve() has said "cjerr proxy: stopped". A stdout closed earlier
        # (| head -1) must not fail the interpreter's last flush.
        silence_stdout()
        raise SystemExit(int(ExitStatus.INTERRUPTED)) from None
