"""The lookup fast path prints exactly what the Typer command prints, and imports no framework.

Every case runs the installed cjerr twice, once with CJERR_NO_FAST_PATH=1 (the full
Typer CLI), and compares stdout, stderr and the exit status byte for byte.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cj_errors.base.exits import ExitStatus
from cj_errors.cli import fastpath
from cj_errors.table import codes
from tests.conftest import ROOT, cjerr_executable, clean_env
from tests.in_process import call_cjerr_checked

ALL_CODES = [str(entry.code) for entry in codes.all_entries()]
TEXTS = [
    "No permission",
    "Insufficient API points. Used today: 104890, Remaining: 0, Required: 10.",
    "1600300: APIkey is wrong, please check and try again",
    "Invaild API key",
    "Interface went away",
    "{'code': 1600001, 'result': False}",
    "1600200 1600201",
    "1603xxx",
    "16002",
    "1603999",
    "99999999",
    "令牌交换失败",
    "CJ1600200",
    '"code": 1600200',
    "\u201cProduct not found\u201d",
]


# Several queries: labelled, and a code that two of them reach shown once.
MULTI_QUERY = [
    ["lookup", "1600200", "1600001", "Too much request"],
    ["lookup", "--json", "1600200", "Too much request", "1600200"],
    ["lookup", "No permission", "1603xxx", "1603000", "1600001", "2000001", "1603999"],
    ["lookup", "1600200 1600201", "16900500", "Insufficient API points. Used today: 1, Remaining: 0, Required: 10."],
]
MULTI_QUERY_IDS = ["several", "several-json", "several-mixed", "several-in-one-argument"]


def _run(tmp_path: Path, args: list[str], *, full: bool, extra: dict[str, str] | None = None) -> tuple[int, str, str]:
    env = clean_env(tmp_path, {**(extra or {}), **({"CJERR_NO_FAST_PATH": "1"} if full else {})})
    ran = subprocess.run(
        [cjerr_executable(), *args], capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL
    )
    return ran.returncode, ran.stdout, ran.stderr


def _call(tmp_path: Path, *, full: bool, extra: dict[str, str], real: bool) -> tuple[int, bytes, bytes]:
    env = {**extra, **({"CJERR_NO_FAST_PATH": "1"} if full else {})}
    ran = call_cjerr_checked(home=tmp_path, env=env, real=real)
    return ran.returncode, ran.stdout, ran.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["lookup", *ALL_CODES],
        ["lookup", "--json", *ALL_CODES],
        ["lookup", *TEXTS],
        ["lookup", *TEXTS, "--json"],
        ["lookup", "1600200"],
        ["lookup", "not a cj wording at all, nothing like it"],
        ["lookup", "--brief", *ALL_CODES[:40], "9999999", "16002"],
        *MULTI_QUERY,
        ["list"],
        ["list", "--json"],
        ["exit-codes"],
        ["exit-codes", "--json"],
        ["endpoints"],
        ["endpoints", "--json"],
        ["endpoints", "order"],
        ["endpoints", "product/query", "--json"],
        ["endpoints", "no-such-endpoint-anywhere"],
    ],
    ids=[
        "codes",
        "codes-json",
        "texts",
        "texts-json",
        "one",
        "none",
        "brief",
        *MULTI_QUERY_IDS,
        "list",
        "list-json",
        "exit-codes",
        "exit-codes-json",
        "endpoints",
        "endpoints-json",
        "endpoints-filter",
        "endpoints-one-json",
        "endpoints-none",
    ],
)
def test_the_fast_path_prints_what_typer_prints(tmp_path: Path, args: list[str]) -> None:
    fast = _run(tmp_path, args, full=False)
    assert fast == _run(tmp_path, args, full=True)
    assert fast[0] in (ExitStatus.SUCCESS, ExitStatus.NOT_FOUND) and (fast[1] or fast[2])


@pytest.mark.parametrize(
    "args",
    [
        ["lookup", "1600200", "1603xxx", "Invaild API key"],
        ["lookup", "1600200", "1600001", "Too much request"],
        ["list"],
    ],
    ids=["mixed", "several", "list"],
)
@pytest.mark.parametrize("columns", ["100", "40"])
def test_the_rich_panel_is_the_same_too(tmp_path: Path, args: list[str], columns: str) -> None:
    colour = {"FORCE_COLOR": "1", "COLUMNS": columns, "TERM": "xterm"}
    fast = _run(tmp_path, args, full=False, extra=colour)
    assert fast == _run(tmp_path, args, full=True, extra=colour)
    assert "\x1b[" in fast[1]


def test_several_queries_are_labelled_and_deduplicated_on_the_fast_path(tmp_path: Path) -> None:
    status, out, _ = _run(tmp_path, MULTI_QUERY[0], full=False)
    assert status == 0 and out.count("1. Wait for the window") == 1
    assert 'query 3: "Too much request"\n1600200  Rate limit hit (too many requests): shown above, under query 1' in out


def test_a_closed_pipe_exits_141_quietly(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [cjerr_executable(), "lookup", *ALL_CODES * 5],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(tmp_path),
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    status = process.wait(timeout=60)
    errors = process.stderr.read()
    process.stderr.close()
    assert status == ExitStatus.BROKEN_PIPE and errors == b""


@pytest.mark.parametrize(
    "argv",
    [
        ["lookup"],
        ["lookup", "-"],
        ["lookup", "--color", "never", "1600200"],
        ["lookup", "-h"],
        ["lookup", " "],
        ["lookup", "--", "1600200"],
        ["list"],
        ["explain", "x"],
        [],
    ],
)
def test_anything_but_a_plain_lookup_goes_to_typer(argv: list[str]) -> None:
    assert fastpath.plain_lookup(argv, {}) is None


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["list"], ("list", False, "")),
        (["list", "--json"], ("list", True, "")),
        (["exit-codes", "--json"], ("exit-codes", True, "")),
        (["endpoints"], ("endpoints", False, "")),
        (["endpoints", "--json", "order"], ("endpoints", True, "order")),
        (["list", "--family", "quota"], None),
        (["list", "--json", "--color", "never"], None),
        (["list", "-h"], None),
        (["exit-codes", "x"], None),
        (["endpoints", "order", "--detail"], None),
        (["endpoints", "a", "b"], None),
        (["endpoints", "--openapi"], None),
        (["endpoints", " "], None),
    ],
)
def test_only_plain_listings_are_answered(argv: list[str], expected: tuple[str, bool, str] | None) -> None:
    assert fastpath.plain_listing(argv, {}) == expected
    assert fastpath.plain_listing(argv, {"CJERR_NO_FAST_PATH": "1"}) is None


def test_completion_and_the_switch_go_to_typer() -> None:
    assert fastpath.plain_lookup(["lookup", "1600200"], {}) == (["1600200"], False, False)
    assert fastpath.plain_lookup(["lookup", "1600200"], {"_CJERR_COMPLETE": "complete_bash"}) is None
    assert fastpath.plain_lookup(["lookup", "1600200"], {"CJERR_NO_FAST_PATH": "1"}) is None


@pytest.mark.parametrize(
    "argv",
    [
        ["lookup", "1600200", "--json"],
        ["lookup", "1600200", "--brief"],
        ["list"],
        ["exit-codes", "--json"],
        ["endpoints", "order"],
    ],
)
def test_the_fast_path_loads_no_framework(tmp_path: Path, argv: list[str]) -> None:
    script = (
        "import sys\n"
        f"sys.argv = ['cjerr', *{argv!r}]\n"
        "from cj_errors.cli import fastpath\n"
        "try:\n"
        "    fastpath.run_cli()\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [name for name in ('typer', 'click', 'rich', 'httpx') if name in sys.modules]\n"
        "sys.stderr.write(','.join(loaded))\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=clean_env(tmp_path))
    assert ran.stdout and ran.stderr == ""


# --- TAB completion -------------------------------------------------------------------------

LINES = [
    "cjerr lookup ",
    "cjerr lookup 16",
    "cjerr lookup 1600200",
    "cjerr lookup 99",
    "cjerr lookup 1600200 1603",
    "cjerr lookup --json 1602",
    "cjerr list --family ",
    "cjerr list --family q",
    "cjerr list -f au",
    "cjerr probe ",
    "cjerr probe /prod",
    "cjerr probe product/que",
    "cjerr endpoints shop",
    "cjerr lookup --co",
    "cjerr explain ",
    "cjerr ",
]


def _completion_env(shell: str, line: str) -> dict[str, str]:
    words = line.split()
    if shell == "bash":
        cursor = len(words) if line.endswith(" ") else len(words) - 1
        return {"_CJERR_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(cursor)}
    env = {"_CJERR_COMPLETE": f"complete_{shell}", "_TYPER_COMPLETE_ARGS": line}
    if shell == "fish":
        env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    if shell == "powershell":
        env["_TYPER_COMPLETE_WORD_TO_COMPLETE"] = "" if line.endswith(" ") else words[-1]
    return env


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
@pytest.mark.parametrize("line", LINES)
def test_a_tab_press_gets_what_typer_gives(tmp_path: Path, shell: str, line: str) -> None:
    # In this process; bash's also as real processes, which must print the same bytes
    # (test_completions.py presses TAB in the real shells).
    env = _completion_env(shell, line)
    fast = _call(tmp_path, full=False, extra=env, real=shell == "bash")
    assert fast == _call(tmp_path, full=True, extra=env, real=shell == "bash")
    assert fast[0] == 0


@pytest.mark.parametrize("line", ["cjerr lookup 16", "cjerr lookup 99"])
def test_fish_asks_whether_there_are_arguments(tmp_path: Path, line: str) -> None:
    env = {**_completion_env("fish", line), "_TYPER_COMPLETE_FISH_ACTION": "is-args"}
    fast = _run(tmp_path, [], full=False, extra=env)
    assert fast == _run(tmp_path, [], full=True, extra=env)


def test_the_common_tab_presses_are_answered_without_typer() -> None:
    bash = _completion_env("bash", "cjerr lookup 16002")
    assert fastpath.complete(bash) == ("1600200\n1600201\n", 0)
    assert fastpath.complete(_completion_env("zsh", "cjerr list --family quo")) is not None
    assert fastpath.complete(_completion_env("bash", "cjerr lookup --co")) == ("--color\n", 0)
    assert fastpath.complete({**bash, "COMP_WORDS": "cjerr lookup '16"}) is None  # quotes: Typer's


# TAB on commands, options and their values, answered from the generated command tree (cli/tab_commands.py).
# Each must print what Typer prints: the same candidates, order, descriptions and exit status, in every shell.
ANSWERED = [
    "cjerr ",
    "cjerr au",
    "cjerr auth ",
    "cjerr auth l",
    "cjerr auth -",
    "cjerr webhook s",
    "cjerr webhook ",
    "cjerr points ",
    "cjerr lookup",  # the cursor still on the command's name
    "cjerr -",  # the root's options, -h and --help in the order Click's set gives them
    "cjerr --v",
    "cjerr probe --",
    "cjerr probe -",
    "cjerr lookup --j",
    "cjerr lookup --json --",  # an option already given is not offered again
    "cjerr lookup --help --",
    "cjerr lookup 1600200 --brief --",
    "cjerr probe --param a -p b --",  # a repeatable option is offered again
    "cjerr lookup --color ",  # a Choice
    "cjerr lookup --color a",
    "cjerr lookup --color al --",
    "cjerr list --color --",  # --color lacks its value: Click counts it as not given
    "cjerr list --family --color ",  # --family took "--color" as its value; Click still completes --color's
    "cjerr list -f ",
    "cjerr list --family quota --",
    "cjerr lookup -- --",  # after --, a word with a dash is a query
    "cjerr lookup -- -",
    "cjerr lookup -- --color ",  # ...but Click still completes a value after an option name
    "cjerr exit-codes -- -",  # no argument left: the command's options, even after --
    "cjerr webhook send -- -",
    "cjerr explain -f -",
    "cjerr lookup -h ",
    "cjerr probe --method ",  # a value with nothing to offer
    "cjerr probe /product/query ",  # the argument is given
    "cjerr probe /product/query -",
    "cjerr probe -X GET /prod",
    "cjerr endpoints --detail shop",
    "cjerr endpoints shop -",
    "cjerr webhook send ",
    "cjerr webhook send OR",
    "cjerr webhook send or",  # the completer upper-cases, Typer then keeps only what starts with "or"
    "cjerr webhook send ORDER --",
    "cjerr webhook check --",
    "cjerr auth login --",
    "cjerr auth login --api-key-file ",
    "cjerr mock --rules ",  # a path: Typer offers nothing and the shell lists files
    "cjerr explain --status ",
    "cjerr help ",
    "cjerr points plan --",
    "cjerr proxy --",
    "cjerr order ",
    "cjerr nowhere-near",  # no command starts so
]
# Presses Click answers by rules this fast path does not follow: Typer's.
TO_TYPER = [
    "cjerr nosuch ",  # Click offers the root's commands again
    "cjerr --version ",  # the version callback prints while Click parses
    "cjerr lookup --nosuch --",
    "cjerr lookup -fx ",
    "cjerr auth --help ",
    "cjerr points plan /x:1 --d",
    "cjerr list --family=q",
]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "powershell"])
@pytest.mark.parametrize("line", ANSWERED + TO_TYPER)
def test_tab_on_commands_and_options_gets_what_typer_gives(tmp_path: Path, shell: str, line: str) -> None:
    env = _completion_env(shell, line)
    # Both paths in this process: the same string hashing, so -h and --help come in one order.
    answered = fastpath.complete(env)
    assert (answered is not None) == (line in ANSWERED)
    fast = _call(tmp_path, full=False, extra=env, real=False)
    assert fast == _call(tmp_path, full=True, extra=env, real=False)
    assert fast[0] == 0 and fast[1].endswith(b"\n")


@pytest.mark.parametrize("line", ["cjerr au", "cjerr auth --", "cjerr probe --method ", "cjerr webhook send or"])
def test_fish_asks_whether_commands_and_options_have_candidates(tmp_path: Path, line: str) -> None:
    env = {**_completion_env("fish", line), "_TYPER_COMPLETE_FISH_ACTION": "is-args"}
    assert fastpath.complete(env) is not None
    assert _call(tmp_path, full=False, extra=env, real=False) == _call(tmp_path, full=True, extra=env, real=False)


def _hash_seeds() -> list[str]:
    """Two PYTHONHASHSEED values under which Click lists -h and --help in opposite orders."""
    script = "print(list(set(['-h', '--help'])))"
    orders: dict[str, str] = {}
    for seed in map(str, range(40)):
        ran = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env={"PYTHONHASHSEED": seed}
        )
        orders.setdefault(ran.stdout, seed)
        if len(orders) == 2:
            return list(orders.values())
    pytest.fail(f"no two seeds in 0..39 order -h and --help differently: {orders}")


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_real_processes_list_options_in_the_order_typer_does(tmp_path: Path, shell: str) -> None:
    # Click orders -h and --help by string hashing, which differs between processes; under one
    # PYTHONHASHSEED both paths must print the same bytes, whichever order that seed gives.
    printed = set()
    for seed in _hash_seeds():
        for line in ("cjerr lookup -", "cjerr -", "cjerr auth ", "cjerr webhook send O"):
            env = {**_completion_env(shell, line), "PYTHONHASHSEED": seed}
            fast = _run(tmp_path, [], full=False, extra=env)
            assert fast == _run(tmp_path, [], full=True, extra=env), (seed, line)
            if line == "cjerr lookup -":
                printed.add(fast[1])
    assert len(printed) == 2  # the seeds did give both orders


def test_a_tab_press_loads_neither_the_code_table_nor_the_catalog(tmp_path: Path) -> None:
    # What TAB offers comes from the generated cj_errors/cli/_tab_table.py (see the next test).
    script = (
        "import sys\n"
        "from cj_errors.cli import fastpath\n"
        "try:\n"
        "    fastpath.run_cli()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('typer', 'click', 'rich', 'httpx', 'cj_errors.table.code_table', 'cj_errors.table.codes',\n"
        "         'cj_errors.table.catalog')\n"
        "sys.stderr.write(','.join(name for name in heavy if name in sys.modules))\n"
    )
    presses = (
        ("cjerr lookup 1600", "2"),
        ("cjerr list --family q", "3"),
        ("cjerr probe /prod", "2"),
        ("cjerr au", "1"),
        ("cjerr webhook ", "2"),
        ("cjerr probe --", "2"),
        ("cjerr lookup --color ", "3"),
    )
    for words, cursor in presses:
        env = clean_env(tmp_path, {"_CJERR_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": cursor})
        ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
        assert ran.stdout.strip() and ran.stderr == "", (words, ran.stderr)


def test_the_generated_tab_table_matches_the_code_table_the_catalog_and_the_app() -> None:
    from cj_errors.cli import tab_table

    committed = (ROOT / "cj_errors" / "cli" / "_tab_table.py").read_text(encoding="utf-8")
    assert committed == tab_table.render(), "run: python -m cj_errors.cli.tab_table > cj_errors/cli/_tab_table.py"


def test_a_query_that_starts_with_dash_space_is_text_for_the_fast_path() -> None:
    assert fastpath.plain_lookup(["lookup", "- Too Many Requests"], {}) == (["- Too Many Requests"], False, False)
    assert fastpath.plain_lookup(["lookup", "-x"], {}) is None


def test_random_presses_get_what_typer_gives(tmp_path: Path) -> None:
    # Seeded: words each command could meet (its options, their Choice values, "--", "-", -h, a stray word)
    # in random order, the last one cut anywhere, in a random shell. Typer must agree wherever the fast path answers.
    import random

    from cj_errors.cli import _tab_table

    pick = random.Random(29)
    answered = 0
    for _ in range(300):
        path = pick.choice(list(_tab_table.COMMANDS))
        params = _tab_table.COMMANDS[path][4]
        local = [word for param in params for word in (*param[1], *param[9])] + ["--", "-", "x", "-h", "--help", "16"]
        words = ["cjerr", *path.split(), *(pick.choice(local) for _ in range(pick.randint(0, 4)))]
        last = pick.choice([*local, ""])
        line = " ".join(words) + " " + last[: pick.randint(0, len(last))]
        env = _completion_env(pick.choice(["bash", "zsh", "fish", "powershell"]), line)
        if fastpath.complete(env) is None:
            continue
        answered += 1
        assert _call(tmp_path, full=False, extra=env, real=False) == _call(
            tmp_path, full=True, extra=env, real=False
        ), env
    assert answered > 150  # most presses are the fast path's, so the comparison is not empty
