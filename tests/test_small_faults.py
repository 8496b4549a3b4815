"""Issue 26's smaller findings, each against real processes: the masking list and the mock's tokens, a token
echoed in a CJ message, the config folder under umask 000, concurrent credential writes, and inputs that
block or cannot be read (a FIFO without a writer, /proc/self/mem, ~nouser)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cj_errors.base import redact
from cj_errors.mock import start
from tests.conftest import cjerr_executable, clean_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes, FIFOs and flock")

HEX_TOKEN = "f59ac98193d64d62a9e887abea830369"  # CJ's older token shape: nothing to mask it by but knowing it


def test_tokens_the_mock_issues_do_not_grow_the_masking_list() -> None:
    mock = start(qps=0)
    try:
        import httpx

        before = len(redact._registered)
        issued = []
        with httpx.Client(timeout=10) as client:
            for number in range(200):
                key = f"CJ{1000000 + number}@api@{number:032x}"
                answer = client.post(mock.url + "/authentication/getAccessToken", json={"apiKey": key}).json()
                issued.append(answer["data"]["accessToken"])
        assert len(set(issued)) == 200
        assert len(redact._registered) == before  # masked by their shape instead
        assert all(token not in redact.scrub(f"sent {token} and {token}") for token in issued[:20])
        assert all(token not in json.dumps(entry) for entry in mock.requests() for token in issued[:5])
    finally:
        mock.close()


CLIENT = """
import sys, httpx
from cj_errors import raise_for_cj
base, token = sys.argv[1], sys.argv[2]
with httpx.Client(timeout=10) as client:
    answer = client.get(base + "/shopping/pay/getBalance", headers={"CJ-Access-Token": token})
try:
    raise_for_cj(answer)
except Exception as error:
    print(str(error))
    print(repr(error))
"""


def test_a_token_echoed_in_a_cj_message_is_masked_in_the_exception(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text(HEX_TOKEN + "\n", encoding="utf-8")
    mock = start(qps=0, token_file=str(tokens))
    try:
        mock.add_rule(fault="1600001", message=f"Invalid API token {HEX_TOKEN}, please check")
        # a fresh process: nothing registered the token there but the response it was sent with
        result = subprocess.run(
            [sys.executable, "-c", CLIENT, mock.url, HEX_TOKEN], capture_output=True, text=True, timeout=60
        )
    finally:
        mock.close()
    assert result.returncode == 0, result.stderr
    shown, represented = result.stdout.splitlines()
    assert shown.startswith("CJ 1600001: Invalid API token f59a...[redacted, 32 chars]")
    assert HEX_TOKEN not in result.stdout and "redacted" in represented


SAVE = """
import datetime as dt, sys
from cj_errors.account.credentials import CredentialStore, StoredLogin
store = CredentialStore()
now = dt.datetime.now(dt.timezone.utc)
for serial in range(int(sys.argv[2])):
    url = f"http://127.0.0.1:{9000 + int(sys.argv[1]) * 100 + serial}/api2.0/v1"
    store.save(StoredLogin(url, "A" * 40, None, None, None, now, account="CJ1"))
"""


def test_the_config_folder_is_private_under_umask_000_and_concurrent_saves_keep_every_entry(
    tmp_path: Path,
) -> None:
    env = clean_env(tmp_path)
    env.pop("XDG_CONFIG_HOME")  # ~/.config itself does not exist yet
    workers, saves = 6, 8
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SAVE, str(number), str(saves)],
            env=env,
            preexec_fn=lambda: os.umask(0),  # noqa: PLW1509 - the umask is the point
            stderr=subprocess.PIPE,
        )
        for number in range(workers)
    ]
    for process in processes:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
    config = tmp_path / ".config"
    assert stat.S_IMODE(config.stat().st_mode) == 0o700
    assert stat.S_IMODE((config / "cjerr").stat().st_mode) == 0o700
    stored = json.loads((config / "cjerr" / "credentials.json").read_text())
    assert len(stored["logins"]) == workers * saves  # none lost to a concurrent read-modify-write
    assert stat.S_IMODE((config / "cjerr" / "credentials.json").stat().st_mode) == 0o600


def _cjerr(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [cjerr_executable(), *args], capture_output=True, text=True, timeout=30, env=clean_env(tmp_path, env)
    )


def test_inputs_that_block_or_cannot_be_read_are_one_line_errors(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    explained = _cjerr(tmp_path, "explain", str(fifo))
    probed = _cjerr(tmp_path, "probe", "/shopping/order/createOrderV2", "-d", f"@{fifo}", "--dry-run")
    assert time.monotonic() - started < 20  # nobody ever writes to the FIFO: before, both waited forever
    for result in (explained, probed):
        assert result.returncode == 66, result.stderr
        assert "it is a FIFO (named pipe) and nothing wrote to it within 2 s" in result.stderr
    memory = _cjerr(tmp_path, "explain", "/proc/self/mem")
    assert (
        memory.returncode == 66 and memory.stderr.strip() == "cjerr: cannot read '/proc/self/mem': Input/output error"
    )
    config = tmp_path / "config.toml"
    config.write_text('token_file = "~nouser26/token"\n', encoding="utf-8")
    nouser = _cjerr(tmp_path, "probe", "/shopping/pay/getBalance", "--dry-run", env={"CJERR_CONFIG": str(config)})
    assert nouser.returncode == 66
    assert (
        nouser.stderr.strip()
        == "cjerr: cannot read token file ~nouser26/token: ~nouser26 names no user on this machine"
    )
    for result in (explained, probed, memory, nouser):
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    # a pipe with a writer (process substitution) is still read
    body = '{"code": 200, "result": true, "message": "Success", "data": null, "requestId": "r1"}'
    substituted = subprocess.run(
        ["bash", "-c", f"{cjerr_executable()} explain <(echo '{body}')"],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_env(tmp_path),
    )
    assert substituted.returncode == 0 and "CJ success" in substituted.stdout


def test_pacing_trusts_only_its_own_folder_and_files_and_the_monotonic_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cj_errors.sdk import pacing

    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    key = pacing.state_key("token", "T")
    # a planted slot a billion seconds ahead, and slots from an older wall-clock file, are ignored
    state = folder / f"pace-{key}.json"
    state.write_text(json.dumps({"slots": [time.monotonic() + 1e9] * 5000, "slowdown": 1.0}))
    pacer = pacing.Pacer(key, 1, 1.0, directory=folder)
    assert pacer.shared and pacer.clock is time.monotonic
    assert pacer.reserve(max_wait=0.5) == 0.0
    written = json.loads(state.read_text())
    assert written["clock"] == "monotonic" and len(written["slots"]) == 1
    # the wall clock stepped back an hour: the next booking waits one window, not an hour
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 3600)
    assert 0.0 < pacing.Pacer(key, 1, 1.0, directory=folder).reserve(max_wait=5) <= 1.1
    monkeypatch.undo()
    # a state file that is a link to another file: not followed, not truncated; pacing stays in-process
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    other = pacing.state_key("token", "U")
    (folder / f"pace-{other}.json").symlink_to(victim)
    linked = pacing.Pacer(other, 1, 1.0, directory=folder)
    assert not linked.shared and linked.reserve() == 0.0
    assert victim.read_text() == "keep me\n"
    # a folder others can write to is not trusted
    shared_folder = tmp_path / "open"
    shared_folder.mkdir()
    os.chmod(shared_folder, 0o777)
    assert not pacing.Pacer(key, 1, 1.0, directory=shared_folder).shared
    assert list(shared_folder.iterdir()) == []


def test_lookup_of_many_unmatched_lines_bounds_its_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The near-miss search was about 25 ms of CPU a line (16 MiB of such lines took hours); only the first
    # 1,000 queries of a run get it now. Counted, not timed: the search is replaced by one that counts.
    import random
    import string

    from cj_errors.base import limits
    from cj_errors.reading import pasted
    from tests.in_process import completed

    searched: list[str] = []
    monkeypatch.setattr(pasted, "similar", lambda text, *args, **kwargs: searched.append(text) or [])
    chooser = random.Random(26)
    words = lambda: " ".join(  # noqa: E731 - a line of made-up words that match no wording
        "".join(chooser.choice(string.ascii_lowercase) for _ in range(chooser.randint(3, 9))) for _ in range(12)
    )
    lines = [words() for _ in range(2000)]
    result = completed("lookup", "-", "--json", input="\n".join(lines) + "\n", home=tmp_path)
    assert searched == lines[: limits.LOOKUP_NEAR_MISS_QUERIES]
    document = json.loads(result.stdout)
    notes = [item.get("note") or "" for item in document["results"]]
    assert len(notes) == 2000 and "first 1,000 queries only" in notes[-1] and "first 1,000" not in notes[0]
