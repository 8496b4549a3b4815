"""Where the access token and defaults come from: a token file, the environment, or the config file.

Never from a plain command-line value, which would leak into `ps` and shell
history. The config file is TOML:

    access_token = "..."          # or: token_file = "~/.config/cjerr/token"
    base_url = "https://developers.cjdropshipping.com/api2.0/v1"
    no_spend = true               # probe refuses pay, confirm and delete calls (as --no-spend)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from cj_errors.account.paths import config_dir, has_control_characters
from cj_errors.base import inputs, limits, redact
from cj_errors.base.envvars import BASE_URL_ENV, CONFIG_ENV, NO_SPEND_ENV, TOKEN_ENV
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus

if TYPE_CHECKING:
    from cj_errors.account.credentials import StoredLogin


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The config file: $CJERR_CONFIG, else config.toml in config_dir()."""
    env = os.environ if environ is None else environ
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV]).expanduser()
    return config_dir(env) / "config.toml"


class Config(NamedTuple):
    path: Path
    values: Mapping[str, Any]


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Read the config file; a missing default file is fine, a named or malformed one is an error."""
    env = os.environ if environ is None else environ
    path = config_path(env)
    from_env = bool(env.get(CONFIG_ENV))
    if not from_env and _is_missing(path):
        return Config(path, {})
    try:
        # Bounded: $CJERR_CONFIG pointing at a log, a FIFO or /dev/zero must not eat the memory.
        data = inputs.read_bounded(
            str(path), limit=limits.CONFIG_FILE_BYTES, what="config file", too_large=ExitStatus.CONFIG
        )
    except CliError as error:
        if from_env and error.status is ExitStatus.NO_INPUT:
            raise CliError(f"{error.message} (from ${CONFIG_ENV})", error.status) from None
        raise
    try:
        values = inputs.load_toml(data)
    except ValueError as error:  # TOMLDecodeError and UnicodeDecodeError
        # The message of a TOML error can quote the line, which may hold the token.
        detail = redact.scrub(str(error).splitlines()[0]) if str(error) else "not valid TOML"
        raise CliError(f"config file {path} is not valid TOML: {detail}", ExitStatus.CONFIG) from None
    return Config(path, values)


def _is_missing(path: Path) -> bool:
    """True when nothing is at ``path`` (the default config file is optional); unreadable is not missing."""
    try:
        path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return True
    except (OSError, ValueError):
        return False
    return False


def _read_secret_file(source: str, stdin: BinaryIO | None = None) -> str:
    """The one token in a token file (``-``: standard input).

    Missing or unreadable: NO_INPUT. Too large, empty, not UTF-8, more than one line: CONFIG
    (control characters are refused in resolve_token, whatever the token came from).
    """
    text = inputs.read_text(
        source, limit=limits.SECRET_FILE_BYTES, what="token file", invalid=ExitStatus.CONFIG, stdin=stdin
    )
    where = inputs.shown_source(source)
    token = text.strip()
    if not token:
        raise CliError(f"token file {where} is empty", ExitStatus.CONFIG)
    if "\n" in token or "\r" in token:
        raise CliError(
            f"token file {where} holds more than one line; put only the access token in it", ExitStatus.CONFIG
        )
    return token


class TokenSource(NamedTuple):
    token: str | None
    origin: str  # for messages: "--token-file", "$CJ_ACCESS_TOKEN", "config file ...", "stored login", "none"
    login: StoredLogin | None = None  # set when the token is the stored login's (cjerr auth login)


def resolve_token(
    token_file: str | None,
    environ: Mapping[str, str] | None = None,
    stdin: BinaryIO | None = None,
    base_url: str | None = None,
) -> TokenSource:
    """The access token, by precedence: --token-file, $CJ_ACCESS_TOKEN, the config file, then the stored login.

    The stored login (``cjerr auth login``) is asked only when ``base_url`` is given, and only the
    login stored for that base URL counts: a token never goes to a host it was not issued for.
    """
    env = os.environ if environ is None else environ
    if token_file is not None:
        token = _read_secret_file(token_file, stdin)
        origin = "--token-file"
    elif env.get(TOKEN_ENV, "").strip():
        token = env[TOKEN_ENV].strip()
        origin = f"${TOKEN_ENV}"
    else:
        config = load_config(env)
        value = config.values.get("access_token")
        file_value = config.values.get("token_file")
        for key, found in (("access_token", value), ("token_file", file_value)):
            if found is not None and not isinstance(found, str):
                # e.g. access_token = ["..."]: silently ignoring it would report "no access token".
                raise CliError(f"config file {config.path}: {key} must be a string", ExitStatus.CONFIG)
        if isinstance(value, str) and value.strip():
            token, origin = value.strip(), f"config file {config.path}"
        elif isinstance(file_value, str) and file_value.strip():
            token, origin = _read_secret_file(file_value.strip()), f"token_file in {config.path}"
        elif base_url is not None:
            from cj_errors.account.credentials import CredentialStore

            login = CredentialStore(env).load(base_url)
            if login is None:
                return TokenSource(None, "none")
            return TokenSource(login.access_token, "stored login", login)
        else:
            return TokenSource(None, "none")
    if has_control_characters(token):
        raise CliError(f"the token from {origin} contains control characters", ExitStatus.CONFIG)
    redact.register(token)
    return TokenSource(token, origin)


# The keys the config file may hold; any other is reported, since a misspelt key is silently unused.
KNOWN_KEYS = ("access_token", "token_file", "base_url", "no_spend")


def default_base_url(environ: Mapping[str, str] | None = None) -> str | None:
    """$CJERR_BASE_URL, else the config file's base_url, else None (CJ's own)."""
    env = os.environ if environ is None else environ
    if env.get(BASE_URL_ENV):
        return env[BASE_URL_ENV]
    config = load_config(env)
    value = config.values.get("base_url")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise CliError(f"config file {config.path}: base_url must be a non-empty string", ExitStatus.CONFIG)
    return value.strip()


def probe_base_url(given: str | None, environ: Mapping[str, str] | None = None) -> tuple[str, str | None]:
    """probe's base URL and, when it is not the obvious one, a note saying where it came from.

    --base-url, else $CJERR_BASE_URL or the config file, else the current stored login's (so that
    `cjerr auth login --base-url URL` followed by `cjerr probe ...` talks to URL), else CJ's.
    """
    chosen = given or default_base_url(environ)
    if chosen:
        return chosen, None
    from cj_errors.account.credentials import CredentialStore, normalize_base_url  # only now: it costs probe time
    from cj_errors.table.catalog import BASE_URL

    current = CredentialStore(environ).current_base_url()
    if current and current != normalize_base_url(BASE_URL):
        return current, f"base URL {current}: the stored login's (cjerr auth login); --base-url picks another"
    return BASE_URL, None


def config_warnings(environ: Mapping[str, str] | None = None) -> list[str]:
    """One line per key of the config file that cjerr does not read (with the closest known key, if any)."""
    import difflib

    config = load_config(environ)
    warnings = []
    for key in config.values:
        if key in KNOWN_KEYS:
            continue
        close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else f" (it reads {', '.join(KNOWN_KEYS)})"
        shown = redact.scrub(str(key))[:60]
        warnings.append(f"config file {config.path}: unknown key {shown!r} is ignored{hint}")
    return warnings


def no_spend(flag: bool, environ: Mapping[str, str] | None = None) -> str | None:
    """What turns the no-spend guard on, for messages (--no-spend, $CJERR_NO_SPEND, the config file); else None."""
    from cj_errors.requests import nospend

    env = os.environ if environ is None else environ
    if flag:
        return "--no-spend"
    if nospend.env_enabled(env):
        return f"${NO_SPEND_ENV}"
    config = load_config(env)
    value = config.values.get("no_spend")
    if value is None:
        return None
    if not isinstance(value, bool):
        raise CliError(f"config file {config.path}: no_spend must be true or false", ExitStatus.CONFIG)
    return f"no_spend in {config.path}" if value else None
