"""cjerr's console entry point called inside the test process, and the mock in a thread of it.

For tests whose subject is what a command decides and prints (an exit status, a
finding, no secret in any output, one clean line on stderr), not the process:
each call runs the same ``fastpath.run_cli`` the installed script's ``main`` runs, with the
same environment ``clean_env`` gives a real process (TZ applied, the working
folder if given), stdin and stdout as pipes (not a terminal), and ``SystemExit``
read as the exit status. It saves the interpreter start and the imports, about
0.2 s a call. ``completed`` is the same shaped like conftest's ``run`` (conftest's
``run_here``). Files that use it keep real ``cjerr`` processes where exit codes
as a script sees them, closed pipes, signals, encodings and the environment at
interpreter start are the subject.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import clean_env
from tests.hostile_servers import Ran, run_cjerr


@contextmanager
def _process_state(
    argv: list[str], environ: Mapping[str, str], stdin: bytes, cwd: Path | None = None
) -> Iterator[tuple[io.BytesIO, io.BytesIO]]:
    from cj_errors.base import redact
    from cj_errors.sdk import pacing

    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved = (sys.argv, sys.stdin, sys.stdout, sys.stderr)
    # What a process starts without: no secret registered for masking, no pacing remembered.
    # A secret left registered by an earlier call would hide a leak a fresh process shows.
    saved_secrets, saved_pacing = set(redact._registered), dict(pacing._MEMORY)
    redact._registered.clear()
    pacing._MEMORY.clear()
    out, err = io.BytesIO(), io.BytesIO()
    os.environ.clear()
    os.environ.update(environ)
    _tzset()  # a process reads TZ at start; time.localtime here only after tzset
    sys.argv = argv
    if cwd is not None:
        os.chdir(cwd)
    # What a real process gets on pipes: UTF-8, surrogateescape, block-buffered stdout.
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors="surrogateescape")
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", errors="surrogateescape", write_through=False)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", line_buffering=True)
    try:
        yield out, err
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except ValueError:  # closed by the code under test
                pass
        sys.argv, sys.stdin, sys.stdout, sys.stderr = saved
        redact._registered.clear()
        redact._registered.update(saved_secrets)
        pacing._MEMORY.clear()
        pacing._MEMORY.update(saved_pacing)
        os.environ.clear()
        os.environ.update(saved_env)
        _tzset()
        os.chdir(saved_cwd)


def _tzset() -> None:
    if hasattr(time, "tzset"):
        time.tzset()


def call_cjerr(
    *args: str | bytes,
    home: Path,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Ran:
    """Run ``cjerr ARGS`` in this process and return what a real run returns: status, stdout, stderr.

    A bytes argument becomes what Python makes of it at start on POSIX: ``os.fsdecode`` (surrogateescape).
    """
    from cj_errors.cli import fastpath

    argv = [arg if isinstance(arg, str) else os.fsdecode(arg) for arg in args]
    started = time.monotonic()
    status = 0
    with _process_state(["cjerr", *argv], clean_env(home, env), input or b"", cwd) as (out, err):
        try:
            fastpath.run_cli()
        except SystemExit as exiting:
            code = exiting.code
            status = code if isinstance(code, int) else (0 if code is None else 1)
        # Read while the wrappers live: once they are dropped, they close the buffers under them.
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    return Ran(tuple(argv), status, stdout, stderr, time.monotonic() - started)


def call_cjerr_checked(
    *args: str | bytes, home: Path, real: bool, input: bytes | None = None, env: Mapping[str, str] | None = None
) -> Ran:
    """``call_cjerr``, and when ``real`` also the installed cjerr as a process: both must give the same bytes."""
    called = call_cjerr(*args, home=home, input=input, env=env)
    if not real:
        return called
    ran = run_cjerr(*args, home=home, input=input, env=env, timeout=60)
    assert (called.returncode, called.stdout, called.stderr) == (ran.returncode, ran.stdout, ran.stderr), (
        f"in-process and real runs differ\nin process: {called.describe()}\nreal: {ran.describe()}"
    )
    return ran


def _text(data: bytes) -> str:
    # What subprocess.run(text=True) gives: strict UTF-8 (the locale's encoding here), universal newlines.
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def completed(
    *args: str,
    home: Path,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """``call_cjerr`` shaped like conftest's ``run``: text in, a CompletedProcess with text out."""
    ran = call_cjerr(*args, home=home, input=None if input is None else input.encode("utf-8"), env=env, cwd=cwd)
    return subprocess.CompletedProcess(["cjerr", *args], ran.returncode, _text(ran.stdout), _text(ran.stderr))


class OwnToken:
    """The token argument left out: send the mock's own ``token``."""


OWN_TOKEN = OwnToken()


class MockClient:
    """What tests call a running mock with, a ``cjerr mock`` process (tests/test_mock.py's ``Mock``) or a
    ``ThreadMock``: the log it writes (``stderr``, ``log_after``) and ``get``/``post``/``call`` with its token."""

    url: str
    client: httpx.Client
    token: str | None
    stderr_path: Path

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def log_after(self, text: str, timeout: float = 5.0) -> str:
        """The log once it holds ``text``: the mock writes a request's line just after sending the answer."""
        deadline = time.monotonic() + timeout
        while text not in self.stderr and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.stderr

    def get(self, path: str, token: str | OwnToken | None = OWN_TOKEN, **kwargs: Any) -> httpx.Response:
        return self.call("GET", path, token, **kwargs)

    def post(self, path: str, token: str | OwnToken | None = OWN_TOKEN, **kwargs: Any) -> httpx.Response:
        return self.call("POST", path, token, **kwargs)

    def call(self, method: str, path: str, token: str | OwnToken | None = OWN_TOKEN, **kwargs: Any) -> httpx.Response:
        """``token`` left out sends the mock's own ``token``; None sends none."""
        headers = dict(kwargs.pop("headers", {}))
        sent = self.token if isinstance(token, OwnToken) else token
        if sent is not None:
            headers["CJ-Access-Token"] = sent
        return self.client.request(method, self.url + path, headers=headers, **kwargs)


class ThreadMock(MockClient):
    """``cjerr mock`` serving from a thread of this process (``cj_errors.mock.start``), called as
    tests/test_mock.py's ``Mock`` is (``MockClient``).

    A real server on 127.0.0.1 all the same; what it saves is the interpreter and imports of a ``cjerr mock``
    process per test. Tests of the mock command itself (its options, Ctrl-C, its exit) keep launching it.
    """

    def __init__(self, directory: Path, *, token: str | None = None, **options: object) -> None:
        """``options``: ``cj_errors.mock.start``'s (``qps=0``...); ``token``: what ``get`` and ``post`` send."""
        from cj_errors.mock import start

        index = len(list(directory.glob("thread-mock-*.log")))
        self.stderr_path = directory / f"thread-mock-{index}.log"
        self._log = self.stderr_path.open("w", encoding="utf-8")
        try:
            self._running = start(log=self._log, **options)
        except BaseException:
            self._log.close()
            raise
        self.url = self._running.url
        self.client = httpx.Client(timeout=20)
        self.token = token

    def stop(self) -> None:
        self._running.close()
        self.client.close()
        self._log.close()
