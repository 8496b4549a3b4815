"""`cjerr mock` (Typer, thin): parse the options, build the mock's config, serve until Ctrl-C. Registered by
``cli.app``.
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from cj_errors.base.exits import ExitStatus


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
