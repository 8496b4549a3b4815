"""What a terminal shows: the Rich panel at narrow widths, colour choices, exit-codes columns, mock Ctrl-C.

Terminal cases run the installed cjerr on a real pseudo-terminal (pty) of a given size, the way a user's
shell runs it; the others force the panel with --color always, as a user can.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
from pathlib import Path

import pytest

from cj_errors.base.exits import ExitStatus
from cj_errors.output import plain
from cj_errors.table import codes
from tests.conftest import Runner, cjerr_executable, clean_env

ANSI = re.compile(r"\x1b\[[0-9;]*m")
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|4[0-7])(?:;[0-9;]*)?m")


def on_a_terminal(
    tmp_path: Path, args: list[str], *, columns: int, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run cjerr with stdout on a pty ``columns`` wide; (exit status, what the terminal received)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    extra = {"TERM": "xterm-256color", "COLUMNS": str(columns), **(env or {})}
    process = subprocess.Popen(
        [cjerr_executable(), *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env=clean_env(tmp_path, extra),
    )
    os.close(follower)
    received = bytearray()
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower side closed: the process has ended
            break
        if not chunk:
            break
        received.extend(chunk)
    os.close(leader)
    status = process.wait(timeout=60)
    assert process.stderr is not None
    assert process.stderr.read() == b""
    process.stderr.close()
    return status, received.decode("utf-8").replace("\r\n", "\n")


def _inside_panel(text: str) -> str:
    """The words of the panels, border characters removed and lines joined."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", ANSI.sub("", text)).split())


# --- the panel at 40 columns ------------------------------------------------------------------


def test_at_40_columns_titles_stay_whole_and_links_unbroken(tmp_path: Path) -> None:
    status, text = on_a_terminal(tmp_path, ["lookup", "1600001", "1600200"], columns=40)
    plain = ANSI.sub("", text)
    assert status == 0
    lines = plain.splitlines()
    link_lines = [line for line in lines if line.startswith(("docs: ", "link: "))]
    assert all(len(line) <= 40 for line in lines if line not in link_lines)
    for code in (1600001, 1600200):
        entry = codes.get(code)
        assert entry is not None
        assert entry.title in _inside_panel(text)  # whole, though wrapped inside the panel
        assert "…" not in plain
        assert f"docs: {entry.doc}" in lines
    message_url = "https://developers.cjdropshipping.cn/en/api/api2/api/auth.html#_1-1-get-access-token-post"
    assert f"link: {message_url}" in lines


def test_a_wide_terminal_keeps_title_and_docs_in_the_panel(tmp_path: Path) -> None:
    status, text = on_a_terminal(tmp_path, ["lookup", "1600200"], columns=120)
    lines = ANSI.sub("", text).splitlines()
    entry = codes.get(1600200)
    assert entry is not None
    assert lines[0].startswith(f"╭─ 1600200  {entry.title} ")
    assert any(line.startswith("│ docs") and entry.doc in line for line in lines)
    assert not any(line.startswith("docs: ") for line in lines)


def test_an_explanation_verdict_too_long_for_the_border_wraps_inside(tmp_path: Path) -> None:
    body = '{"code":1600100,"result":false,"message":"Param error"}'
    status, text = on_a_terminal(tmp_path, ["explain", body], columns=40)
    assert status == ExitStatus.API_ERROR
    plain = ANSI.sub("", text)
    assert plain.splitlines()[0].startswith("╭─ code 1600100 ")
    assert "CJ error 1600100: Interface offline" in _inside_panel(text)


# --- backticks and {param} --------------------------------------------------------------------


def test_the_panel_renders_code_spans_and_placeholders(run: Runner) -> None:
    result = run("lookup", "--color", "always", "1600200", "1600001", env={"COLUMNS": "200", "TERM": "xterm"})
    text = result.stdout
    plain = ANSI.sub("", text)
    assert "Too much request‹param›" in plain and "{param}" not in plain
    assert "`" not in plain  # the table's steps use `code` spans; none shows raw
    assert "\x1b[1;36mCJ-Access-Token\x1b[0m" in text  # in code style
    assert "\x1b[2;3m‹param›" in text or "\x1b[3;2m‹param›" in text  # dim italic
    piped = run("lookup", "1600200").stdout  # plain text keeps them as they are
    assert "Too much request{param}" in piped and "`GET /setting/get`" in piped


# --- colour choices keep the layout -----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env"), [(["--color", "never"], {}), ([], {"NO_COLOR": "1"})], ids=["color-never", "NO_COLOR"]
)
def test_no_colour_on_a_terminal_keeps_the_panel(tmp_path: Path, args: list[str], env: dict[str, str]) -> None:
    status, text = on_a_terminal(tmp_path, ["lookup", *args, "1600200"], columns=80, env=env)
    assert status == 0
    assert text.startswith("╭─ 1600200") or ANSI.sub("", text).startswith("╭─ 1600200")
    assert "│ family" in ANSI.sub("", text)
    assert not COLOUR.search(text), "no colour codes"


def test_a_terminal_gets_the_coloured_panel_by_default(tmp_path: Path) -> None:
    status, text = on_a_terminal(tmp_path, ["lookup", "1600200"], columns=80)
    assert status == 0 and COLOUR.search(text) and "╭─" in text


def test_the_family_line_says_the_same_in_plain_and_in_the_panel(run: Runner) -> None:
    for code in (1600200, 1600001, 16900500):
        entry = codes.get(code)
        assert entry is not None
        family = plain.family_text(entry)
        assert f"  family:   {family}\n" in run("lookup", str(code)).stdout
        panel = ANSI.sub(
            "", run("lookup", "--color", "always", str(code), env={"COLUMNS": "200", "TERM": "xterm"}).stdout
        )
        assert f"│ family    {family} " in panel


# --- exit-codes -------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [75, 80])
def test_exit_codes_columns_line_up_on_a_terminal(tmp_path: Path, columns: int) -> None:
    status, text = on_a_terminal(tmp_path, ["exit-codes"], columns=columns)
    assert status == 0
    lines = text.splitlines()
    assert all(len(line) <= columns for line in lines)
    rows = [line for line in lines if re.match(r"\s*\d+  ", line)]
    assert [int(line.split()[0]) for line in rows] == [int(status) for status in ExitStatus]
    # Every line's text columns start at the same places: the summary at 6, what it covers after it.
    when_column = {len(line) - len(line[6:].split("  ", 1)[1].lstrip()) for line in rows if "  " in line[6:]}
    assert len(when_column) == 1
    (start,) = when_column
    for line in lines:
        if line not in rows:
            assert line[:6].strip() == "" and (line[start - 2 : start] == "  " or line[6] != " ")
    joined = " ".join(" ".join(line[start:] for line in lines).split())
    for exit_status in ExitStatus:
        assert " ".join(exit_status.when.split()[:3]) in joined


# --- the mock's Ctrl-C ------------------------------------------------------------------------


def test_ctrl_c_in_the_mock_prints_one_line(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [cjerr_executable(), "mock", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(tmp_path),
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith("http://127.0.0.1:")
    assert process.stderr.readline().startswith("cjerr mock: ")  # the summary: it is serving now
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == ExitStatus.INTERRUPTED
    assert rest == "cjerr mock: stopped\n"
