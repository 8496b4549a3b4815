"""Hostile input at cjerr's process edge and around secrets: closed pipes, Ctrl-C, unreadable and endless
files, and no secret in any output of explain, lookup, probe or auth.

Split from tests/test_hostile.py (the generated inputs through the library and the CLI), so the two halves
run on two workers; the generated inputs here count in its EXAMPLES_PER_RUN. Real ``cjerr`` processes where
the process is the subject; loops over outputs call the entry point in this process, a sample of them also
as a real process that must print the same bytes (tests/in_process.py).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cj_errors.base import escaping, redact
from cj_errors.base.exits import ExitStatus
from cj_errors.cli import app as cli
from cj_errors.output import plain
from cj_errors.output.terminal import ScrubbingStream
from cj_errors.reading import explanation
from cj_errors.requests import validate
from tests.conftest import cjerr_executable, clean_env
from tests.hostile_servers import (
    API_KEY,
    REFRESH_TOKEN,
    SHAPED_API_KEY,
    TOKEN,
    RawServer,
    answers,
    assert_clean,
    assert_fails_with_one_line,
    assert_no_leak,
    closed_pipe,
    echoes_token,
    echoes_token_as_text,
    interrupt,
    issues_sentinel_tokens,
    leaked,
    popen_cjerr,
    rejects_key_with_echo,
    run_cjerr,
    wait_until_blocked_reading,
)
from tests.in_process import call_cjerr, call_cjerr_checked
from tests.test_hostile import EXPLAIN_STATUSES, fast

# --- process level: closed pipes, Ctrl-C, unreadable files ------------------------------------


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_list_into_head_in_a_real_shell_pipeline(tmp_path: Path, unbuffered: bool) -> None:
    env = clean_env(tmp_path, {"PYTHONUNBUFFERED": "1"} if unbuffered else None)
    if not unbuffered:
        env.pop("PYTHONUNBUFFERED", None)
    cjerr = cjerr_executable()
    script = (
        f'"{cjerr}" list --json 2>"$D/json.err" | head -1 >/dev/null; echo "json ${{PIPESTATUS[0]}}"\n'
        f'{{ echo first; sleep 0.3; "{cjerr}" list 2>"$D/late.err"; }} | head -1 >/dev/null\n'
        'echo "late ${PIPESTATUS[0]}"\n'
        f'"{cjerr}" list 2>"$D/plain.err" | head -1 >/dev/null; echo "plain ${{PIPESTATUS[0]}}"\n'
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env={**env, "D": str(tmp_path)}, timeout=60
    )
    statuses = dict(line.split() for line in result.stdout.splitlines())
    # list --json is 170 kB, more than a pipe holds: cjerr is still writing when head exits.
    assert statuses["json"] == "141", result
    # The reader is gone before cjerr writes a byte.
    assert statuses["late"] == "141", result
    # list is 4 kB: it usually fits in the pipe before head exits, and then nothing was lost (0).
    assert statuses["plain"] in {"0", "141"}, result
    for name in ("json", "late", "plain"):
        assert (tmp_path / f"{name}.err").read_text() == "", name


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--json"],
        ["list", "--color", "always"],
        ["lookup", "1600200", "--color", "always"],
        ["exit-codes"],
        ["endpoints"],
        ["--help"],
        ["--version"],
    ],
    ids=lambda args: " ".join(args),
)
@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
def test_closed_stdout_exits_141_without_a_traceback(tmp_path: Path, args: list[str], unbuffered: bool) -> None:
    write_end = closed_pipe()
    env = {"PYTHONUNBUFFERED": "1"} if unbuffered else {"PYTHONUNBUFFERED": ""}
    try:
        process = popen_cjerr(
            *args, home=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=write_end, stderr=subprocess.PIPE
        )
    finally:
        os.close(write_end)
    _, err = process.communicate(timeout=30)
    assert process.returncode == ExitStatus.BROKEN_PIPE, err
    assert err == b""


def test_reading_one_line_then_closing_exits_141(tmp_path: Path) -> None:
    process = popen_cjerr(
        "list", "--json", home=tmp_path, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=30) == ExitStatus.BROKEN_PIPE
    assert first == b"{\n" and err == b""


def test_ctrl_c_while_explain_waits_on_stdin(tmp_path: Path) -> None:
    process = popen_cjerr(
        "explain", "-", home=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    wait_until_blocked_reading(process.pid)
    out, err = interrupt(process)
    if process.stdin is not None:
        process.stdin.close()
    assert process.returncode == ExitStatus.INTERRUPTED
    assert "Traceback" not in err.decode()
    assert [line for line in err.decode().splitlines() if line.strip()] == ["cjerr: interrupted"]


def _unreadable_cases(tmp_path: Path) -> list[tuple[list[str], dict[str, str], ExitStatus, str]]:
    missing = str(tmp_path / "missing")
    directory = str(tmp_path)
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text('access_token = "unterminated\n')
    binary_toml = tmp_path / "binary.toml"
    binary_toml.write_bytes(b'access_token = "\xff\xfe"\n')
    wrong_type = tmp_path / "wrong.toml"
    wrong_type.write_text('access_token = ["a", "list"]\n')
    empty_token = tmp_path / "empty-token"
    empty_token.write_text("\n")
    two_lines = tmp_path / "two-lines"
    two_lines.write_text("first\nsecond\n")
    probe_args = ["probe", "--dry-run", "/product/query", "-p", "pid=1"]
    return [
        (["explain", missing], {}, ExitStatus.NO_INPUT, "no such file"),
        (["explain", directory], {}, ExitStatus.NO_INPUT, "directory"),
        ([*probe_args[:3], "-d", f"@{missing}"], {"CJ_ACCESS_TOKEN": "t" * 20}, ExitStatus.NO_INPUT, "no such file"),
        ([*probe_args[:3], "-d", f"@{directory}"], {"CJ_ACCESS_TOKEN": "t" * 20}, ExitStatus.NO_INPUT, "directory"),
        ([*probe_args, "--token-file", missing], {}, ExitStatus.NO_INPUT, "no such file"),
        ([*probe_args, "--token-file", directory], {}, ExitStatus.NO_INPUT, "directory"),
        ([*probe_args, "--token-file", str(empty_token)], {}, ExitStatus.CONFIG, "empty"),
        ([*probe_args, "--token-file", str(two_lines)], {}, ExitStatus.CONFIG, "more than one line"),
        (probe_args, {"CJERR_CONFIG": missing}, ExitStatus.NO_INPUT, "no such file"),
        (probe_args, {"CJERR_CONFIG": directory}, ExitStatus.NO_INPUT, "it is a directory"),
        (probe_args, {"CJERR_CONFIG": str(bad_toml)}, ExitStatus.CONFIG, "not valid TOML"),
        (probe_args, {"CJERR_CONFIG": str(binary_toml)}, ExitStatus.CONFIG, "not valid TOML"),
        (probe_args, {"CJERR_CONFIG": str(wrong_type)}, ExitStatus.CONFIG, "must be a string"),
        (["explain", str(tmp_path / "line\nbreak\x1b[2J")], {}, ExitStatus.NO_INPUT, "no such file"),
    ]


def test_missing_or_unreadable_files_give_one_clear_line(tmp_path: Path) -> None:
    for index, (args, env, status, said) in enumerate(_unreadable_cases(tmp_path)):
        # Every fourth case also as a real process, which must print the same bytes.
        ran = call_cjerr_checked(*args, home=tmp_path, env=env, real=index % 4 == 0)
        line = assert_fails_with_one_line(ran, status)
        assert said in line, ran.describe()
        assert "\x1b" not in line


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_endless_inputs_are_read_in_bounded_memory_and_time(tmp_path: Path) -> None:
    zero = "/dev/zero"
    probe_args = ["probe", "--dry-run", "/product/query", "-p", "pid=1"]
    token = {"CJ_ACCESS_TOKEN": "t" * 20}
    for args, env, stdin, status, said in [
        (["lookup", "-"], {}, Path(zero), ExitStatus.USAGE, "standard input"),
        (probe_args, {"CJERR_CONFIG": zero}, None, ExitStatus.CONFIG, "larger than"),
        ([*probe_args, "--token-file", zero], {}, None, ExitStatus.CONFIG, "larger than"),
        ([*probe_args[:3], "-d", f"@{zero}"], token, None, ExitStatus.INVALID_INPUT, "larger than"),
        ([*probe_args[:3], "-d", "@-"], token, Path(zero), ExitStatus.INVALID_INPUT, "larger than"),
    ]:
        ran = run_cjerr(*args, home=tmp_path, env=env, stdin_file=stdin, timeout=30)
        assert said in assert_fails_with_one_line(ran, status), ran.describe()
        assert ran.elapsed < 15


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway")
def test_chmod_000_files_give_one_clear_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.write_text('access_token = "x"\n')
    locked.chmod(0)
    try:
        for args, env in [
            (["explain", str(locked)], {}),
            (["probe", "-n", "/product/query", "-p", "pid=1", "--token-file", str(locked)], {}),
            (["probe", "-n", "/product/query", "-p", "pid=1"], {"CJERR_CONFIG": str(locked)}),
            (["probe", "-n", "/product/query", "-d", f"@{locked}"], {"CJ_ACCESS_TOKEN": "t" * 20}),
        ]:
            line = assert_fails_with_one_line(run_cjerr(*args, home=tmp_path, env=env, timeout=30), ExitStatus.NO_INPUT)
            assert "ermission denied" in line
    finally:
        locked.chmod(0o600)


# --- secrets ---------------------------------------------------------------------------------

secret_mix = st.builds(
    lambda before, secret, after, field: f"{before}{field}{secret}{after}",
    st.text(max_size=60),
    st.sampled_from([TOKEN, API_KEY]),
    st.text(alphabet=st.characters(blacklist_categories=("L", "N")), max_size=10) | st.text(max_size=10),
    st.sampled_from(["", '"apiKey":"', "accessToken=", "CJ-Access-Token: ", "password: ", " "]),
)


@fast("secrets_text")
@given(text=secret_mix, cut=st.integers(min_value=0, max_value=300))
def test_masking_survives_cuts_and_wraps(text: str, cut: int) -> None:
    redact.register(TOKEN)
    # What the renderers do to a text: cut it, escape it, print it through the scrubbing stream.
    for shown in (
        redact.scrubbed_head(text, cut),
        explanation.preview(text.encode("utf-8", "surrogatepass"), limit=max(cut, 1)),
        escaping.escaped(redact.scrub(text), keep_line_breaks=True)[:cut],
    ):
        stream = io.StringIO()
        ScrubbingStream(stream).write(shown)
        assert not leaked(stream.getvalue()), (text, cut, stream.getvalue())


@fast("secrets_caret")
@given(
    pad=st.integers(min_value=0, max_value=160),
    secret=st.sampled_from([TOKEN, API_KEY]),
    field=st.sampled_from(["apiKey", "accessToken", "refreshToken", "password", "note"]),
    breakage=st.sampled_from([" oops}", ",}", '"', "}}", " NaN}", "\x01}"]),
)
def test_json_error_caret_never_shows_part_of_a_secret(pad: int, secret: str, field: str, breakage: str) -> None:
    body = f'{{"{field}":"{secret}","a":"{"x" * pad}"{breakage}'
    _, findings = validate.parse_json_body(body.encode())
    shown = plain.findings_plain(findings)
    assert not leaked(shown), shown


def test_unexpected_transport_exception_is_one_line_without_the_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cj_errors.requests import transport

    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError(f"socket died while sending {TOKEN} with key {API_KEY}\nsecond line {TOKEN}")

    monkeypatch.setattr(transport, "send", explode)
    monkeypatch.setenv("CJ_ACCESS_TOKEN", TOKEN)
    for flags in ([], ["--json"], ["--verbose"]):
        with pytest.raises(SystemExit) as exited:
            cli.main(["probe", "/product/query", "-p", "pid=1", "--base-url", "http://127.0.0.1:9/api2.0/v1", *flags])
        assert exited.value.code == ExitStatus.INTERNAL
        captured = capsys.readouterr()
        assert not leaked(captured.out) and not leaked(captured.err), captured
        lines = [line for line in captured.err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("cjerr: internal error: RuntimeError"), lines


# A 30-column terminal makes Rich wrap long words; the token in the environment is registered for masking.
NARROW_WITH_TOKEN = {"COLUMNS": "30", "CJ_ACCESS_TOKEN": TOKEN}
OUTPUT_FLAGS = [[], ["--verbose"], ["--json"], ["--dry-run"], ["--curl"], ["--dry-run", "--verbose", "--json"]]


@pytest.fixture(scope="module")
def echo_server() -> Iterator[RawServer]:
    with RawServer(echoes_token) as server:
        yield server


@pytest.mark.parametrize("flags", OUTPUT_FLAGS, ids=lambda flags: " ".join(flags) or "plain")
@pytest.mark.parametrize("source", ["token-file", "env", "config"])
def test_token_never_printed_by_probe(tmp_path: Path, echo_server: RawServer, flags: list[str], source: str) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    config = tmp_path / "config.toml"
    config.write_text(f'access_token = "{TOKEN}"\n')
    extra, env = {
        "token-file": (["--token-file", str(token_file)], {}),
        "env": ([], {"CJ_ACCESS_TOKEN": TOKEN}),
        "config": ([], {"CJERR_CONFIG": str(config)}),
    }[source]
    ran = call_cjerr_checked(
        "probe", "/product/query", "-p", "pid=1", "-p", f"note={API_KEY}", "-H", f"X-Trace: {TOKEN}",
        "--base-url", echo_server.base_url, "--retries", "0", *extra, *flags,
        home=tmp_path, env=env, real=flags == OUTPUT_FLAGS[0],  # plain output also as a real process
    )  # fmt: skip
    assert_clean(ran, {0, ExitStatus.AUTH})
    assert_no_leak(ran)


@pytest.mark.parametrize("flags", OUTPUT_FLAGS, ids=lambda flags: " ".join(flags) or "plain")
def test_api_key_never_printed_for_get_access_token(tmp_path: Path, flags: list[str]) -> None:
    bodies = [
        json.dumps({"apiKey": API_KEY}),
        '{"apiKey":"' + API_KEY + '", }',  # invalid JSON that quotes the key
        '{"apiKey":"' + API_KEY + '","a":"' + "x" * 20 + '" oops}',  # the caret cuts into the key
        '{"apiKey":' + API_KEY + "}",
        '{"password":"' + API_KEY + '","apiKey":"' + API_KEY + '\x01"}',
    ]
    for index, body in enumerate(bodies):
        ran = call_cjerr_checked(
            "probe", "/authentication/getAccessToken", "-d", body, "--dry-run", *flags, home=tmp_path, real=index == 0
        )
        assert_clean(ran, {0, ExitStatus.INVALID_INPUT})
        assert_no_leak(ran)


def test_secrets_never_printed_by_explain_lookup_endpoints_list(tmp_path: Path) -> None:
    envelope_text = json.dumps(
        {
            "code": 1600001,
            "result": False,
            "message": f"Invalid token {TOKEN} for key {API_KEY} " + "x" * 250 + TOKEN,
            "requestId": TOKEN,
            "data": {"accessToken": TOKEN, "refreshToken": API_KEY},
        }
    )
    streams = [
        envelope_text.encode(),
        (envelope_text + "\n" + envelope_text + "\n").encode(),
        ("x" * 190 + TOKEN + " not json " + API_KEY).encode(),
        ('{"code":1600001,"message":"' + TOKEN).encode(),
        json.dumps({"note": "x" * 180 + TOKEN + API_KEY}).encode(),
        json.dumps({"code": 1600001, "message": ["x" * 180 + TOKEN, API_KEY]}).encode(),
    ]
    # Every case in this process; every fourth also as a real process, which must print the same bytes.
    runs = 0
    for data in streams:
        for flags in ([], ["--json"], ["--each"], ["--color", "always"], ["--status", "401"]):
            ran = call_cjerr_checked(
                "explain", *flags, "-", home=tmp_path, input=data, env=NARROW_WITH_TOKEN, real=runs % 4 == 0
            )
            runs += 1
            assert_clean(ran, EXPLAIN_STATUSES)
            assert_no_leak(ran)
    for args in (
        ["lookup", TOKEN, API_KEY, "x" * 70 + TOKEN],
        ["lookup", "--json", TOKEN, API_KEY],
        ["lookup", "--color", "always", TOKEN, API_KEY],
        ["endpoints", TOKEN],
        ["endpoints", "--json", API_KEY],
        ["list", "--family", TOKEN],
        ["explain", str(tmp_path / TOKEN)],
        ["probe", "-n", f"https://evil.example/?t={TOKEN}"],
        ["probe", "-n", "/product/query", "-p", f"accessToken={TOKEN}", "-p", f"pid={API_KEY}", "--curl"],
        ["probe", "-n", f"/product/query?accessToken={TOKEN}&pid={API_KEY}", "--json"],
        ["list", "--json"],
        ["exit-codes", "--json"],
        ["--version"],
        ["probe", "--help"],
    ):
        ran = call_cjerr_checked(*args, home=tmp_path, env=NARROW_WITH_TOKEN, real=runs % 4 == 0)
        runs += 1
        assert_clean(ran, {0, 1, 2, ExitStatus.NO_INPUT, ExitStatus.CONFIG, ExitStatus.INVALID_INPUT})
        assert_no_leak(ran)


def test_secrets_in_bad_token_and_config_files_never_printed(tmp_path: Path) -> None:
    probe_args = ["probe", "--dry-run", "/product/query", "-p", "pid=1"]
    cases: list[tuple[str, bytes, str]] = [
        ("token", f"{TOKEN}\nsecond line {API_KEY}\n".encode(), "--token-file"),
        ("token", f"{TOKEN}\x01\n".encode(), "--token-file"),
        ("token", b"\xff" + TOKEN.encode(), "--token-file"),
        ("config", f'access_token = "{TOKEN}\n'.encode(), "config"),  # the bad line holds the token
        ("config", f"access_token = {TOKEN}\n".encode(), "config"),
        ("config", f'access_token = "{TOKEN}"\napi_key = {API_KEY}\n'.encode(), "config"),
        ("config", f'access_token = "{TOKEN}"\naccess_token = "{TOKEN}"\n'.encode(), "config"),
        ("config", f'token_file = "/nonexistent/{TOKEN}"\n'.encode(), "config"),
        ("config", f'access_token = "{TOKEN}\\u0001"\n'.encode(), "config"),
    ]
    for index, (kind, content, how) in enumerate(cases):
        path = tmp_path / kind
        path.write_bytes(content)
        args, env = (
            ([*probe_args, "--token-file", str(path)], {})
            if how == "--token-file"
            else (probe_args, {"CJERR_CONFIG": str(path)})
        )
        ran = call_cjerr_checked(*args, home=tmp_path, env=env, real=index % 3 == 0)
        assert_fails_with_one_line(ran, ran.returncode)
        assert ran.returncode in {ExitStatus.NO_INPUT, ExitStatus.CONFIG}, ran.describe()
        assert_no_leak(ran)
    ran = run_cjerr("probe", *probe_args[1:], "--token-file", "-", home=tmp_path, input=TOKEN.encode(), timeout=30)
    assert_clean(ran, 0)
    assert_no_leak(ran)


def test_server_echoing_secrets_in_text_headers_and_redirects(tmp_path: Path) -> None:
    with (
        RawServer(echoes_token_as_text) as text_server,
        RawServer(
            answers(
                302, json.dumps({"code": 200, "data": {"accessToken": TOKEN}}).encode(), {"Location": f"/x?{TOKEN}"}
            )
        ) as redirect_server,
    ):
        for server in (text_server, redirect_server):
            for flags in OUTPUT_FLAGS[:3]:
                ran = call_cjerr_checked(
                    "probe", "/product/query", "-p", "pid=1", "--base-url", server.base_url, "--retries", "0", *flags,
                    home=tmp_path, env={"CJ_ACCESS_TOKEN": TOKEN}, real=not flags,
                )  # fmt: skip
                assert_clean(ran, {0, ExitStatus.API_ERROR, ExitStatus.TEMPORARY, ExitStatus.NOT_ENVELOPE})
                assert_no_leak(ran)


# --- cjerr auth ------------------------------------------------------------------------------

AUTH_OK = {0}


def test_auth_never_prints_the_api_key_or_the_tokens(tmp_path: Path) -> None:
    """Every auth subcommand, output flag and key source, against a server that hands out and echoes secrets."""
    key_file = tmp_path / "api-key"
    key_file.write_text(SHAPED_API_KEY + "\n")
    with RawServer(issues_sentinel_tokens) as server:
        base = ["--base-url", server.base_url]
        steps: list[tuple[list[str], bytes | None, set[int]]] = [
            (["auth", "login", *base, "--api-key-file", str(key_file)], None, AUTH_OK),
            (["auth", "login", *base, "--api-key-file", "-", "--json"], SHAPED_API_KEY.encode(), AUTH_OK),  # reuse
            (["auth", "login", *base, "--api-key-file", "-", "--force", "--json"], SHAPED_API_KEY.encode(), AUTH_OK),
            (["auth", "login", *base, "--api-key-file", str(key_file), "--force"], None, AUTH_OK),
            (["auth", "status"], None, AUTH_OK),
            (["auth", "status", "--json"], None, AUTH_OK),
            (["auth", "status", "--check"], None, AUTH_OK),
            (["auth", "status", "--check", "--json"], None, AUTH_OK),
            (["auth", "refresh"], None, AUTH_OK),
            (["auth", "refresh", "--json"], None, AUTH_OK),
            (["probe", *base, "/product/query", "-p", "pid=1", "--verbose", "--retries", "0"], None, {77}),
            (["probe", *base, "/product/query", "-p", "pid=1", "--json", "--retries", "0"], None, {77}),
            (["probe", *base, "/product/query", "-p", "pid=1", "--curl"], None, AUTH_OK),
            (["auth", "logout", "--json"], None, AUTH_OK),  # 1600001, the token quoted: deleted all the same
            (["auth", "login", *base, "--api-key-file", str(key_file), "--force"], None, AUTH_OK),
            (["auth", "logout", "--local-only"], None, AUTH_OK),
        ]
        for index, (args, stdin, statuses) in enumerate(steps):
            # Each step changes the store, so it runs once: every fourth as a real process, the rest in this one.
            if index % 4 == 0:
                ran = run_cjerr(*args, home=tmp_path, input=stdin, timeout=60)
            else:
                ran = call_cjerr(*args, home=tmp_path, input=stdin)
            if "probe" in args and "--curl" not in args:
                # probe also announces its one refresh on stderr: several "cjerr: " lines are expected there
                assert ran.returncode in statuses and "Traceback" not in ran.err, ran.describe()
            else:
                assert_clean(ran, statuses)
            assert_no_leak(ran)
        stored = (tmp_path / ".config" / "cjerr" / "credentials.json").read_text()
        assert TOKEN not in stored and REFRESH_TOKEN not in stored, "logged out: the pair is gone"
        assert SHAPED_API_KEY not in stored


def test_auth_errors_never_print_the_api_key(tmp_path: Path) -> None:
    key_file = tmp_path / "api-key"
    bad_file = tmp_path / "bad-key"
    key_file.write_text(SHAPED_API_KEY)
    bad_file.write_text(API_KEY)  # not the shape login wants
    with RawServer(rejects_key_with_echo) as rejecting:
        cases: list[tuple[list[str], bytes | None, int]] = [
            (["auth", "login", "--base-url", rejecting.base_url, "--api-key-file", str(key_file)], None, 77),
            (["auth", "login", "--base-url", rejecting.base_url, "--api-key-file", "-", "--json"],
             SHAPED_API_KEY.encode(), 77),
            (["auth", "login", "--base-url", rejecting.base_url, "--api-key-file", str(bad_file)], None, 65),
            (["auth", "login", "--base-url", rejecting.base_url, "--api-key-file", "-"], API_KEY.encode(), 65),
            (["auth", "login", "--base-url", rejecting.base_url, "--api-key-file", str(bad_file), "--force"], None, 77),
            (["auth", "login", "--base-url", rejecting.base_url, "--api-key", SHAPED_API_KEY], None, 2),
            (["auth", "login", "--base-url", rejecting.base_url, f"--api-key={SHAPED_API_KEY}"], None, 2),
            (["auth", "login", "--base-url", rejecting.base_url, SHAPED_API_KEY], None, 2),
            (["auth", "login", "--base-url", f"http://evil.example/{SHAPED_API_KEY}", "--api-key-file", str(key_file)],
             None, 78),
            (["auth", "login", "--base-url", "http://127.0.0.1:9/api2.0/v1", "--api-key-file", str(key_file)],
             None, 68),
        ]  # fmt: skip
        for index, (args, stdin, status) in enumerate(cases):
            # Every third case also as a real process, which must print the same bytes.
            ran = call_cjerr_checked(*args, home=tmp_path, input=stdin, real=index % 3 == 0)
            assert_fails_with_one_line(ran, status)
            assert_no_leak(ran)


def test_corrupted_store_holding_tokens_is_one_line_without_them(tmp_path: Path) -> None:
    path = tmp_path / ".config" / "cjerr" / "credentials.json"
    path.parent.mkdir(parents=True)
    for content in (
        f'{{"cjerr_credentials": 1, "logins": {{"x": {{"secrets": {{"access_token": "{TOKEN}\x01"}}}}}}',
        f'{{"cjerr_credentials": 1, "current": "{TOKEN}", "logins": {{"https://a/api2.0/v1": '
        f'{{"issued_at": "{TOKEN}", "secrets": {{"access_token": "{TOKEN}"}}}}}}}}',
        f"{TOKEN} {SHAPED_API_KEY}",
    ):
        path.write_text(content)
        for args in (["auth", "status", "--base-url", "https://a/api2.0/v1"], ["auth", "status", "--json"]):
            ran = call_cjerr_checked(*args, home=tmp_path, real="--json" in args)
            assert_fails_with_one_line(ran, ExitStatus.CONFIG)
            assert_no_leak(ran)


def test_unexpected_exception_during_login_is_one_line_without_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cj_errors.requests import transport

    def explode(*args: object, **kwargs: object) -> object:
        raise RuntimeError(f"socket died sending {SHAPED_API_KEY} and {TOKEN}")

    key_file = tmp_path / "api-key"
    key_file.write_text(SHAPED_API_KEY)
    monkeypatch.setattr(transport, "send", explode)
    with pytest.raises(SystemExit) as exited:
        cli.main(["auth", "login", "--base-url", "http://127.0.0.1:9/api2.0/v1", "--api-key-file", str(key_file)])
    assert exited.value.code == ExitStatus.INTERNAL
    captured = capsys.readouterr()
    assert not leaked(captured.out) and not leaked(captured.err), captured
    assert captured.err.startswith("cjerr: internal error: RuntimeError")


def test_every_reader_words_a_missing_file_and_a_directory_alike(tmp_path: Path) -> None:
    """explain said "no such file" and "it is a directory" while token, config and rules files said
    "it does not exist" and "Is a directory"; now every reader gives the one reason for each."""
    token = {"CJ_ACCESS_TOKEN": "t" * 20}
    probe_args = ["probe", "--dry-run", "/product/query", "-p", "pid=1"]
    runs = 0
    for target, reason in ((str(tmp_path / "missing"), "no such file"), (str(tmp_path), "it is a directory")):
        for args, env in [
            (["explain", target], {}),
            (["probe", "--dry-run", "/product/query", "-d", f"@{target}"], token),
            ([*probe_args, "--token-file", target], {}),
            (probe_args, {"CJERR_CONFIG": target}),
            (["mock", "--port", "0", "--rules", target], {}),
            (["webhook", "send", "ORDER", "--to", "http://127.0.0.1:9/", "-d", f"@{target}"], {}),
        ]:
            # Every third case also as a real process, which must print the same bytes.
            ran = call_cjerr_checked(*args, home=tmp_path, env=env, real=runs % 3 == 0)
            runs += 1
            line = assert_fails_with_one_line(ran, ExitStatus.NO_INPUT)
            assert line.endswith(f": {reason}") or f": {reason} (" in line, (args, line)


@pytest.mark.parametrize(
    ("args", "closed", "status"),
    [
        (["list"], 1, ExitStatus.SUCCESS),
        (["lookup", "1600200"], 1, ExitStatus.SUCCESS),
        (["lookup", "9999999"], 1, ExitStatus.NOT_FOUND),
        (["exit-codes", "--json"], 1, ExitStatus.SUCCESS),
        (["lookup", "-"], 0, ExitStatus.USAGE),
        (["explain", "-"], 0, ExitStatus.NOT_ENVELOPE),
        (["explain", "missing.json"], 2, ExitStatus.NO_INPUT),
        (["probe", "/product/query", "-p", "pid=1", "-n"], 2, ExitStatus.INVALID_INPUT),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else str(value),
)
def test_a_standard_stream_closed_at_start_is_neither_a_crash_nor_an_odd_status(
    tmp_path: Path, args: list[str], closed: int, status: ExitStatus
) -> None:
    """`cjerr list >&-`, `cjerr lookup - <&-`, `cjerr explain FILE 2>&-`: before, stdin or stdout closed at start
    was an AttributeError on None (exit 70), stderr closed exit 1. Closed, a stream reads empty or writes nowhere,
    and the exit code is the command's own."""
    process = subprocess.Popen(
        [cjerr_executable(), *args],
        env=clean_env(tmp_path, {}),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(closed),  # noqa: PLW1509 - only closes one descriptor before exec
    )
    out, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    assert b"Traceback" not in err and b"internal error" not in err
    if closed != 2:
        assert len(err.splitlines()) <= 1, err
    if closed == 1:
        assert out == b""
