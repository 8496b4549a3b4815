"""cj_errors.base.inputs: the one bounded reader, TOML and loopback; and config.py, which uses them."""

from __future__ import annotations

import io
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from cj_errors.account import config
from cj_errors.base import inputs
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus

TOKEN = "API@CJ4242@CJ:eyJhbGciOiJIUzI1NiJ9.INPUTS-SENTINEL-TOKEN-5b1e.signature"


def _fails(status: ExitStatus, source: str, **kwargs: object) -> str:
    with pytest.raises(CliError) as raised:
        inputs.read_bounded(source, **kwargs)  # type: ignore[arg-type]
    assert raised.value.status is status, raised.value.message
    assert "\n" not in raised.value.message
    return raised.value.message


class _Endless(io.RawIOBase):
    """A stream that never ends and counts what was taken from it."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        size = min(len(buffer), 1000)  # short reads, like a pipe
        buffer[:size] = b"z" * size
        self.taken += size
        return size


# --- read_bounded -----------------------------------------------------------------------------


def test_reads_a_file_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_bytes(b"x" * 100)
    assert inputs.read_bounded(str(path), limit=100, what="test file") == b"x" * 100
    assert inputs.read_bounded(str(path), limit=1000, what="test file") == b"x" * 100
    path.write_bytes(b"")
    assert inputs.read_bounded(str(path), limit=10, what="test file") == b""


def test_one_byte_over_the_limit_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_bytes(b"x" * 101)
    said = _fails(ExitStatus.INVALID_INPUT, str(path), limit=100, what="test file")
    assert said == f"test file {path} is larger than 100 bytes; is it the right file?"
    said = _fails(ExitStatus.CONFIG, str(path), limit=100, what="token file", too_large=ExitStatus.CONFIG)
    assert said.startswith("token file ")
    assert "1,048,576 bytes" in _fails(
        ExitStatus.INVALID_INPUT, str(_big(tmp_path, 1024 * 1024 + 1)), limit=1024 * 1024, what="x"
    )


def _big(tmp_path: Path, size: int) -> Path:
    path = tmp_path / "big"
    path.write_bytes(b"b" * size)
    return path


def test_missing_directory_and_bad_names_are_no_input(tmp_path: Path) -> None:
    missing = tmp_path / "absent"
    said = _fails(ExitStatus.NO_INPUT, str(missing), limit=10, what="rules file")
    assert said == f"cannot read rules file {missing}: no such file"
    assert "it is a directory" in _fails(ExitStatus.NO_INPUT, str(tmp_path), limit=10, what="rules file")
    assert "Not a directory" in _fails(ExitStatus.NO_INPUT, str(_big(tmp_path, 1) / "x"), limit=10, what="f")
    assert "file name" in _fails(ExitStatus.NO_INPUT, "bad\x00name", limit=10, what="token file")


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_unreadable_file_is_no_input(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.write_text("x")
    locked.chmod(0)
    try:
        assert "Permission denied" in _fails(ExitStatus.NO_INPUT, str(locked), limit=10, what="config file")
    finally:
        locked.chmod(0o600)


def test_tilde_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "token").write_bytes(b"abc")
    assert inputs.read_bounded("~/token", limit=10, what="token file") == b"abc"
    assert str(tmp_path / "absent") in _fails(ExitStatus.NO_INPUT, "~/absent", limit=10, what="token file")


def test_standard_input_is_read_bounded() -> None:
    assert inputs.read_bounded("-", limit=10, what="body", stdin=io.BytesIO(b"hello")) == b"hello"
    endless = _Endless()
    said = _fails(ExitStatus.INVALID_INPUT, "-", limit=5000, what="body", stdin=io.BufferedReader(endless))
    assert said == "body standard input is larger than 5,000 bytes; is it the right file?"
    assert endless.taken <= 5000 + 1 + io.DEFAULT_BUFFER_SIZE  # never more than limit + 1 (plus one buffer fill)
    raw = _Endless()
    _fails(ExitStatus.INVALID_INPUT, "-", limit=5000, what="body", stdin=raw)  # type: ignore[arg-type]
    assert raw.taken == 5001  # short reads are collected, and no more than limit + 1 is taken


def test_closed_standard_input_is_no_input() -> None:
    closed = io.BytesIO(b"x")
    closed.close()
    _fails(ExitStatus.NO_INPUT, "-", limit=10, what="token file", stdin=closed)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_too_large_quickly() -> None:
    started = time.monotonic()
    _fails(ExitStatus.INVALID_INPUT, "/dev/zero", limit=16 * 1024 * 1024, what="body file")
    assert time.monotonic() - started < 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_with_an_endless_writer_is_too_large(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def write_forever() -> None:
        try:
            with fifo.open("wb") as writer:
                while True:
                    writer.write(b"f" * 65536)
        except (BrokenPipeError, OSError):
            pass  # the reader stopped after limit + 1 bytes

    thread = threading.Thread(target=write_forever, daemon=True)
    thread.start()
    _fails(ExitStatus.INVALID_INPUT, str(fifo), limit=100_000, what="rules file")
    thread.join(timeout=10)
    assert not thread.is_alive()

    small = threading.Thread(target=lambda: fifo.write_bytes(b"short"), daemon=True)
    small.start()
    assert inputs.read_bounded(str(fifo), limit=100, what="rules file") == b"short"
    small.join(timeout=10)


# --- load_toml and is_loopback ------------------------------------------------------------------


def test_load_toml() -> None:
    assert inputs.load_toml(b'a = "b"\n') == {"a": "b"}
    assert inputs.load_toml('a = "b"\n') == {"a": "b"}
    assert inputs.load_toml(b"\xef\xbb\xbfa = 1\n") == {"a": 1}  # a BOM from a Windows editor
    assert inputs.load_toml("\ufeffa = 1\n") == {"a": 1}
    for bad in (b'a = "unterminated\n', b'a = "\xff"\n', "[[rules]\n"):
        with pytest.raises(ValueError):
            inputs.load_toml(bad)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LocalHost", True),
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.1", False),
        ("example.com", False),
        ("localhost.example.com", False),
        ("", False),
        # Where the copies in probe, webhooks and inputs disagreed:
        ("LOCALHOST", True),  # probe: case-sensitive
        ("localhost.", True),  # probe: no trailing dot
        ("LocalHost.", True),
        ("127.1", True),  # probe, inputs: only dotted quads (webhooks read the short forms)
        ("0x7f000001", True),
        ("2130706433", True),
        ("::ffff:127.0.0.1", True),  # probe, inputs: IPv4-mapped loopback was not loopback
        ("[::ffff:7f00:1]", True),
        ("::1%lo", True),
        ("localhost..", False),
        ("foo.localhost", False),  # reserved for this machine, but not known to resolve here
        ("127.0.0.1.nip.io", False),
        ("::ffff:10.0.0.1", False),
        ("\uff11\uff12\uff17.0.0.1", False),  # full-width digits are not an address
        ("0x", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert inputs.is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["LOCALHOST", "localhost.", "127.1", "[::ffff:127.0.0.1]", "127.0.0.1", "example.com"])
def test_probe_auth_and_webhooks_share_the_loopback_rule(host: str) -> None:
    """probe refused a token over http to LOCALHOST, localhost. or [::ffff:127.0.0.1]; auth and the mock's
    /webhook/set accepted some of them. All three now ask inputs.is_loopback."""
    from cj_errors import webhooks
    from cj_errors.account import tokens
    from cj_errors.requests import probe

    loopback = inputs.is_loopback(host)
    url = f"http://{host}:9/api2.0/v1"
    try:
        probe.prepare(probe.ProbeOptions(target="/product/query", params=("pid=1",), base_url=url, token="t" * 20))
        probe_allows = True
    except CliError as error:
        assert error.status is ExitStatus.CONFIG, error.message
        probe_allows = False
    try:
        tokens._check_url(url)
        auth_allows = True
    except CliError:
        auth_allows = False
    registration = webhooks.registration_error(f"http://{host}:9/cj", allow_local=True)
    assert probe_allows is auth_allows is loopback
    assert (registration is None) is loopback


def test_one_implementation_of_each() -> None:
    from cj_errors.mock import app, rules, server

    assert server.is_loopback is inputs.is_loopback and rules.load_toml is inputs.load_toml
    assert not any(hasattr(module, "_load_toml") for module in (rules, server, config))
    assert not hasattr(app, "_EXTRA_METHODS")


# --- config.py on top of it ---------------------------------------------------------------------


def _config_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / ".config"), **extra}


def test_missing_default_config_is_fine_but_a_named_one_is_not(tmp_path: Path) -> None:
    assert config.load_config(_config_env(tmp_path)).values == {}
    with pytest.raises(CliError) as raised:
        config.load_config(_config_env(tmp_path, CJERR_CONFIG=str(tmp_path / "absent.toml")))
    assert raised.value.status is ExitStatus.NO_INPUT
    assert raised.value.message.endswith("no such file (from $CJERR_CONFIG)")


def test_default_config_that_is_a_directory_is_no_input(tmp_path: Path) -> None:
    (tmp_path / ".config" / "cjerr" / "config.toml").mkdir(parents=True)
    with pytest.raises(CliError) as raised:
        config.load_config(_config_env(tmp_path))
    assert raised.value.status is ExitStatus.NO_INPUT and "it is a directory" in raised.value.message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_config_is_a_config_problem(tmp_path: Path) -> None:
    with pytest.raises(CliError) as raised:
        config.load_config(_config_env(tmp_path, CJERR_CONFIG="/dev/zero"))
    assert raised.value.status is ExitStatus.CONFIG and "larger than 1,048,576 bytes" in raised.value.message


def test_config_with_a_bom_and_a_token_file(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_bytes(b"\xef\xbb\xbf" + TOKEN.encode() + b"\r\n")
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + f'token_file = "{token}"\n'.encode())
    found = config.resolve_token(None, _config_env(tmp_path, CJERR_CONFIG=str(path)))
    assert found.token == TOKEN and found.origin.startswith("token_file in ")


@pytest.mark.parametrize(
    ("content", "status", "said"),
    [
        (b"", ExitStatus.CONFIG, "is empty"),
        (b" \n\n", ExitStatus.CONFIG, "is empty"),
        (b"\xff" + TOKEN.encode(), ExitStatus.CONFIG, "not UTF-8"),
        (TOKEN.encode() + b"\nsecond\n", ExitStatus.CONFIG, "more than one line"),
        (TOKEN.encode() + b"\x01", ExitStatus.CONFIG, "control characters"),
        (b"t" * (64 * 1024 + 1), ExitStatus.CONFIG, "larger than 65,536 bytes"),
    ],
)
def test_probe_token_file_statuses(tmp_path: Path, content: bytes, status: ExitStatus, said: str) -> None:
    path = tmp_path / "token"
    path.write_bytes(content)
    for source, stdin in ((str(path), None), ("-", io.BytesIO(content))):
        with pytest.raises(CliError) as raised:
            config.resolve_token(source, _config_env(tmp_path), stdin=stdin)
        assert raised.value.status is status and said in raised.value.message, raised.value.message


def test_probe_token_file_missing_or_directory_is_no_input(tmp_path: Path) -> None:
    for source, said in ((str(tmp_path / "absent"), "no such file"), (str(tmp_path), "it is a directory")):
        with pytest.raises(CliError) as raised:
            config.resolve_token(source, _config_env(tmp_path))
        assert raised.value.status is ExitStatus.NO_INPUT
        assert raised.value.message == f"cannot read token file {source}: {said}"
