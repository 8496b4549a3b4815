"""`cjerr auth`: log in with the API key, show, refresh and log out (Typer, thin).

The core is cj_errors.account.auth and cj_errors.account.credentials, imported only when a
command runs, so building this sub-app costs no more than its parameters.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.cli.common import JsonOption, new_app, terminal_for
from cj_errors.output.terminal import Terminal

if TYPE_CHECKING:
    from cj_errors.account.auth import AuthReport

auth_app = new_app(
    "auth",
    "Get, show, refresh and drop the CJ access token that probe uses (stored in the keyring or a 0600 file).",
)

BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="API base (default: the stored login's, else $CJERR_BASE_URL, else https://developers.cjdropshipping.com"
        "/api2.0/v1).",
    ),
]


def _announcer(terminal: Terminal) -> Callable[[str], None]:
    def announce(line: str) -> None:
        terminal.stderr.write(f"cjerr: {line}\n")
        sys.stderr.flush()

    return announce


def _finish(terminal: Terminal, report: AuthReport) -> None:
    from cj_errors.output import renderer_for

    renderer_for(terminal).auth(report)
    raise typer.Exit(int(report.exit_status))


def _prompt_for_key() -> str:
    import getpass

    try:
        return getpass.getpass("CJ API key (input hidden): ")
    except EOFError:
        raise CliError("no API key was typed", ExitStatus.USAGE) from None


@auth_app.command()
def login(
    api_key_file: Annotated[
        str | None,
        typer.Option(
            "--api-key-file",
            metavar="PATH|-",
            help="File holding the API key, or - for stdin. Without it, a hidden prompt on a terminal.",
        ),
    ] = None,
    base_url: BaseUrlOption = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Call getAccessToken even within CJ's 5-minute window or with an odd key."),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Exchange the API key (CJ<digits>@api@<32 hex>) for a token pair and store it.

    Within 5 minutes of the last login the stored pair is reused (CJ allows getAccessToken once per
    300 s); --force calls anyway. The key never comes from a command-line value.

    Example: cjerr auth login --api-key-file ~/.config/cjerr/api-key
    """
    from cj_errors.account import auth, credentials

    terminal = terminal_for(json_output)
    store = credentials.CredentialStore()
    url = auth.resolve_base_url(base_url, store)
    interactive = sys.stdin.isatty()

    def read_key() -> str:
        return auth.read_api_key(api_key_file, interactive=interactive, prompt=_prompt_for_key)

    report = auth.login(
        store,
        url,
        read_key,
        key_given=api_key_file is not None,
        force=force,
        announce=_announcer(terminal),
    )
    _finish(terminal, report)


@auth_app.command()
def status(
    base_url: BaseUrlOption = None,
    check: Annotated[
        bool, typer.Option("--check", help="Also call /setting/get: is the token accepted, qpsLimit and quotas.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Show the stored login: masked token, account, expiry in UTC and local time, where it is kept.

    Exit 0 when a usable token is stored (an expired access token with a valid refresh token counts),
    77 when none is, or when --check finds CJ refusing it.
    """
    from cj_errors.account import auth, credentials

    terminal = terminal_for(json_output)
    store = credentials.CredentialStore()
    url = auth.resolve_base_url(base_url, store)
    _finish(terminal, auth.status(store, url, check=check, announce=_announcer(terminal)))


@auth_app.command()
def refresh(base_url: BaseUrlOption = None, json_output: JsonOption = False) -> None:
    """Get a new access token with the stored refresh token (CJ returns the same pair within 24 hours)."""
    from cj_errors.account import auth, credentials

    terminal = terminal_for(json_output)
    store = credentials.CredentialStore()
    url = auth.resolve_base_url(base_url, store)
    _finish(terminal, auth.refresh(store, url, announce=_announcer(terminal)))


@auth_app.command()
def logout(
    base_url: BaseUrlOption = None,
    local_only: Annotated[
        bool, typer.Option("--local-only", help="Only delete the stored pair; do not call CJ's logout.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Call CJ's logout (both tokens stop working), then delete the stored pair."""
    from cj_errors.account import auth, credentials

    terminal = terminal_for(json_output)
    store = credentials.CredentialStore()
    url = auth.resolve_base_url(base_url, store)
    report = auth.logout(store, url, local_only=local_only, announce=_announcer(terminal))
    _finish(terminal, report)


@auth_app.command()
def token(
    base_url: BaseUrlOption = None,
    open_id: Annotated[
        bool, typer.Option("--open-id", help="Print the stored openId (the webhook signing key) instead.")
    ] = False,
) -> None:
    """Print the stored access token in full, for scripts: TOKEN=$(cjerr auth token). Like gh auth token.

    Exit 77 when no login is stored or the access token has expired (nothing is printed then).

    Example: curl -H "CJ-Access-Token: $(cjerr auth token)" ...
    """
    from cj_errors.account import auth, credentials
    from cj_errors.output.auth import print_secret

    store = credentials.CredentialStore()
    found = auth.stored_secret(store, auth.resolve_base_url(base_url, store), open_id=open_id)
    if found.value is None:
        raise CliError(found.error or "nothing stored", found.exit_status)
    print_secret(found.value)
