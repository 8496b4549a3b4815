"""The mock's options, checked once: ``build_config`` turns flags and files into a ``MockConfig``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cj_errors.account.paths import has_control_characters
from cj_errors.base import limits
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.base.inputs import read_text, shown_source
from cj_errors.base.redact import register
from cj_errors.mock.rules import Rule, load_rules, parse_fail, parse_seconds
from cj_errors.sdk.recording import Replay
from cj_errors.table import catalog

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
# CJ's auth page (2026) gives both tokens 180 days; older pages give the access token 15 days.
DEFAULT_TOKEN_TTL = 180 * 24 * 3600.0
DEFAULT_REFRESH_TTL = 180 * 24 * 3600.0
DEFAULT_BALANCE = 1000.0
MAX_BALANCE = 1e12


def load_tokens(path: Path | str) -> list[str]:
    """Access tokens to accept from the start: one per line (blank lines and # comments skipped).

    The statuses match probe's --token-file: missing or unreadable -> NO_INPUT; too large, not UTF-8,
    no token, or a token with control characters -> CONFIG.
    """
    source = str(path)
    name = shown_source(source)
    text = read_text(source, limit=limits.SECRET_FILE_BYTES, what="token file", invalid=ExitStatus.CONFIG)
    tokens: list[str] = []
    # Split on \n only: str.splitlines() would also split on \v, \f, \x1c... and hide them from the check below.
    for number, line in enumerate(text.split("\n"), start=1):
        token = line.strip()
        if not token or token.startswith("#"):
            continue
        if has_control_characters(token):
            raise CliError(f"token file {name} line {number}: the token contains control characters", ExitStatus.CONFIG)
        tokens.append(token)
    if not tokens:
        raise CliError(f"token file {name} is empty (it holds no token)", ExitStatus.CONFIG)
    for token in tokens:
        register(token)
    return tokens


@dataclass(frozen=True)
class MockConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    qps: int = 1  # per token per second; 0 = no limit
    points: int | None = None  # daily budget; None = unlimited
    latency: float = 0.0
    seed: int | None = None
    rules: tuple[Rule, ...] = ()
    tokens: tuple[str, ...] = ()
    accept_any_key: bool = False
    token_ttl: float = DEFAULT_TOKEN_TTL
    refresh_ttl: float = DEFAULT_REFRESH_TTL
    auth_throttle: float = 0.0  # seconds between getAccessToken calls per key; 0 = no throttle
    balance: float = DEFAULT_BALANCE
    state_file: str | None = None  # SQLite file; None keeps the state in memory
    allow_local_webhooks: bool = False  # /webhook/set takes loopback and http:// URLs (CJ refuses them)
    warnings: tuple[str, ...] = ()
    replay: Replay | None = None  # --replay DIR: recorded answers served first (cj_errors.sdk.recording)


def build_config(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    qps: int = 1,
    points: int | None = None,
    fail: Sequence[str] = (),
    latency: float = 0.0,
    seed: int | None = None,
    rules_file: Path | str | None = None,
    token_file: Path | str | None = None,
    accept_any_key: bool = False,
    token_ttl: float | None = None,
    refresh_ttl: float | None = None,
    auth_throttle: float = 0.0,
    balance: float = DEFAULT_BALANCE,
    state_file: Path | str | None = None,
    allow_local_webhooks: bool = False,
    replay_dir: Path | str | None = None,
) -> MockConfig:
    """Check the options and read the files; every problem is a one-line CliError.

    A bad option or ``--fail`` value is a usage error (exit 2); a bad rules file is invalid input (65).
    """
    if not host.strip():
        raise CliError("--host must not be empty", ExitStatus.USAGE)
    if not 0 <= port <= 65535:
        raise CliError(f"--port must be from 0 to 65535, got {port}", ExitStatus.USAGE)
    if qps < 0:
        raise CliError(f"--qps must be 0 (no limit) or more, got {qps}", ExitStatus.USAGE)
    if points is not None and points < 0:
        raise CliError(f"--points must be 0 or more, got {points}", ExitStatus.USAGE)
    try:
        latency = parse_seconds(str(latency), "--latency")
    except ValueError as error:
        raise CliError(str(error), ExitStatus.USAGE) from None
    ttl = DEFAULT_TOKEN_TTL if token_ttl is None else token_ttl
    if not ttl > 0 or math.isinf(ttl):
        raise CliError(f"--token-ttl must be more than 0 seconds, got {token_ttl}", ExitStatus.USAGE)
    refresh = DEFAULT_REFRESH_TTL if refresh_ttl is None else refresh_ttl
    if not refresh > 0 or math.isinf(refresh):
        raise CliError(f"--refresh-ttl must be more than 0 seconds, got {refresh_ttl}", ExitStatus.USAGE)
    if not 0 <= auth_throttle <= 24 * 3600:  # also rejects nan
        raise CliError(f"--auth-throttle must be from 0 to 86400 seconds, got {auth_throttle}", ExitStatus.USAGE)
    if not 0 <= balance <= MAX_BALANCE:
        raise CliError(f"--balance must be from 0 to {MAX_BALANCE:g}, got {balance}", ExitStatus.USAGE)
    rules: list[Rule] = []
    for spec in fail:
        try:
            rules.append(parse_fail(spec))
        except ValueError as error:
            raise CliError(f"--fail {spec}: {error}", ExitStatus.USAGE) from None
    if rules_file is not None:
        rules.extend(load_rules(rules_file))
    tokens = load_tokens(token_file) if token_file is not None else []
    try:
        replay = Replay.load(Path(replay_dir)) if replay_dir is not None else None
    except (OSError, ValueError) as error:
        raise CliError(f"--replay: {error}", ExitStatus.INVALID_INPUT) from None
    warnings = [
        f"{rule.origin}: path {rule.path} is not in the catalog; it only matches requests answered 1600101"
        for rule in rules
        if rule.path is not None and not any(char in rule.path for char in "*?[") and catalog.find(rule.path) is None
    ]
    return MockConfig(
        host=host.strip(),
        port=port,
        qps=qps,
        points=points,
        latency=latency,
        seed=seed,
        rules=tuple(rules),
        tokens=tuple(tokens),
        accept_any_key=accept_any_key,
        token_ttl=ttl,
        refresh_ttl=refresh,
        auth_throttle=float(auth_throttle),
        balance=round(float(balance), 2),
        state_file=str(state_file) if state_file is not None else None,
        allow_local_webhooks=allow_local_webhooks,
        warnings=tuple(warnings),
        replay=replay,
    )
