"""Shared fixtures: the installed cjerr, run as a real process in a clean environment."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# PYTHONDONTWRITEBYTECODE (set in many containers) would make every cjerr the suite
# starts compile the package from source, ~150 ms a process, and pytest rewrite every
# test module and plugin again in each worker. An installed cjerr has its bytecode
# (pip compiles it), so the suite lets Python keep it, here and in what it starts.
sys.dont_write_bytecode = False

# What clean_env keeps from a real cjerr process, also kept from this one: Typer reads FORCE_COLOR
# once, when it is imported, so an in-process call (tests/in_process.py) could not drop it later.
_NOT_PASSED_ON = ("CJ_", "CJERR_", "FORCE_COLOR", "NO_COLOR", "_CJERR", "_TYPER")
for _key in [key for key in os.environ if key.startswith(("FORCE_COLOR", "NO_COLOR"))]:
    del os.environ[_key]


# A suite started in the background of a shell without job control (`cmd &` in a script) inherits
# SIGINT ignored, and so would every cjerr it starts: the Ctrl-C tests would wait for ever. A handler
# set here is reset to the default in each child at exec, as in a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Much of the suite waits rather than computes: on servers that answer late, timeouts that must
# pass, processes starting. One worker per CPU leaves the CPUs idle through those waits; three keep
# them busy. Measured on 2 cores (whole suite, same commit): -n 2 171 s, -n 4 123 s, -n 6 108 s,
# -n 8 113 s. Capped because a test file runs in one worker (--dist loadfile).
_WORKERS_PER_CPU = 3
_MAX_WORKERS = 12


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """What ``-n auto`` (the addopts in pyproject.toml) means for this suite."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(_MAX_WORKERS, _WORKERS_PER_CPU * cpus)


# The files that take longest, longest first: xdist hands out whole files (--dist loadfile) in collection order
# (--no-loadscope-reorder in pyproject.toml), so these start at once and the short files fill the gaps after
# them. xdist's own order, most tests first, put the slowest files (few tests, each long) last, and one worker
# ran on alone at the end. From the per-file report of benchmarks/suite.py; a file not named keeps its place
# after these, and a name here that no longer exists is ignored.
LONGEST_FIRST = (
    "test_docs_install.py",
    "test_hostile.py",
    "test_mock.py",
    "test_completions.py",
    "test_fastpath.py",
    "test_auth.py",
    "test_proxy.py",
    "test_sdk_transport.py",
    "test_small_faults.py",
    "test_hostile_edges.py",
    "test_docs_live.py",
    "test_mock_state.py",
    "test_docs.py",
    "test_network_faults.py",
    "test_probe.py",
    "test_mock_store.py",
    "test_packaging.py",
    "test_webhooks.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest files first (see LONGEST_FIRST); the order within a file is kept."""
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def cjerr_executable() -> str:
    """The console script installed next to this interpreter (falls back to PATH)."""
    candidate = Path(sys.executable).with_name("cjerr")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("cjerr")
    if found is None:
        raise RuntimeError("cjerr is not installed; run: pip install -e '.[test]'")
    return found


def clean_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_NOT_PASSED_ON) and key != "PYTHONDONTWRITEBYTECODE"
    }
    env.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "TERM": "dumb", "COLUMNS": "100"})
    # `cjerr auth` must never write to the developer's real keyring: the file store, under ``home``.
    env.update({"CJERR_CREDENTIAL_STORE": "file", "APPDATA": str(home / "AppData")})
    env.update(extra or {})
    return env


@pytest.fixture(autouse=True)
def _private_credentials(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process tests too: the file store in a temporary config folder, never the real keyring or ~/.config."""
    config_home = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("CJERR_CREDENTIAL_STORE", "file")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    monkeypatch.setenv("APPDATA", str(config_home))


Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(tmp_path: Path) -> Runner:
    """run("lookup", "1600200", input=..., env={...}) -> CompletedProcess with text stdout/stderr."""
    executable = cjerr_executable()

    def _run(
        *args: str,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [executable, *args],
            input=input,
            capture_output=True,
            text=True,
            env=clean_env(tmp_path, env),
            timeout=timeout,
            stdin=None if input is not None else subprocess.DEVNULL,
        )

    return _run


@pytest.fixture
def run_here(tmp_path: Path) -> Runner:
    """``run``'s twin in this process (tests/in_process.py): same arguments, same CompletedProcess.

    For tests whose subject is what a command decides and prints; ``run`` stays for the process contract
    (exit codes as a script sees them, pipes, signals, environment read at start, import guards).
    """
    from tests.in_process import completed

    def _run_here(
        *args: str, input: str | None = None, env: Mapping[str, str] | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return completed(*args, home=tmp_path, input=input, env=env)

    return _run_here
