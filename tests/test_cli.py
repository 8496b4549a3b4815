"""lookup, list, explain and exit-codes through real subprocesses of the installed cjerr."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cj_errors.base.exits import ExitStatus
from tests.conftest import ROOT, Runner, cjerr_executable, clean_env

ANSI = re.compile(r"\x1b\[")


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("cjerr: ")
    return lines[0]


def test_lookup_found_prints_plain_text_when_piped(run: Runner) -> None:
    result = run("lookup", "1600200")
    assert result.returncode == 0
    assert result.stdout.startswith("1600200  Rate limit hit")
    assert "1. Wait for the window" in result.stdout
    assert "Too Many Requests, QPS limit is 1 time/1second" in result.stdout
    assert not ANSI.search(result.stdout)
    assert result.stderr == ""


def test_lookup_several_arguments_and_whitespace(run_here: Runner) -> None:
    result = run_here("lookup", " 1600200 ", "No permission")
    assert result.returncode == 0
    assert "1600200  Rate limit hit" in result.stdout and "1600001  Invalid API key" in result.stdout


def test_lookup_unknown_code_exits_not_found_with_family_hint(run: Runner) -> None:
    result = run("lookup", "1603999")
    assert result.returncode == ExitStatus.NOT_FOUND == 1
    assert "1603999  not in cjerr's code table" in result.stdout
    assert "1603xxx (order)" in result.stdout and "nearest:" in result.stdout


def test_lookup_any_unknown_among_several_is_not_found(run_here: Runner) -> None:
    assert run_here("lookup", "1600200", "no such message at all").returncode == 1


def test_lookup_reads_standard_input(run: Runner) -> None:
    result = run("lookup", "-", input="1600200\n\n  16900500  \n")
    assert result.returncode == 0
    assert "1600200  Rate limit hit" in result.stdout and "16900500  API points exhausted" in result.stdout


def test_lookup_empty_standard_input_is_a_usage_error(run_here: Runner) -> None:
    result = run_here("lookup", "-", input="")
    assert result.returncode == ExitStatus.USAGE
    _one_line_error(result)


@pytest.mark.parametrize(
    "args", [("lookup",), ("lookup", "--jsn", "1"), ("list", "--family", "nope"), ("explain", "--status", "700", "x")]
)
def test_usage_errors_are_one_line_and_exit_2(run: Runner, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == ExitStatus.USAGE
    assert _one_line_error(result)


LOOKUP_ENTRY_KEYS = {
    "code", "title", "family", "family_title", "outcome", "exit_code", "retry", "retryable", "retry_after_reset",
    "retry_advice", "min_wait_seconds", "max_attempts", "messages", "localized", "steps", "notes", "related", "doc_url",
}  # fmt: skip


def test_lookup_json_shape_is_pinned(run_here: Runner) -> None:
    result = run_here("lookup", "--json", "1600200", "1603999")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert set(data) == {"cjerr_schema", "command", "exit_code", "results"}
    assert (data["cjerr_schema"], data["command"], data["exit_code"]) == (3, "lookup", 1)
    found, missing = data["results"]
    assert set(found) == {
        "query",
        "kind",
        "found",
        "code",
        "matches",
        "family_guess",
        "suggestions",
        "known_outside",
        "read_as",
        "note",
        "did_you_mean",
    }
    assert set(found["matches"][0]) == LOOKUP_ENTRY_KEYS | {"reached_by"}
    assert found["matches"][0]["reached_by"] == [0] and missing["known_outside"] is None
    assert set(found["matches"][0]["messages"][0]) == {"text", "source", "source_title", "note", "belongs_to", "exact"}
    assert found["matches"][0]["outcome"] == "temporary" and found["matches"][0]["exit_code"] == 75
    assert missing["found"] is False and missing["family_guess"]["family"] == "order"
    assert [set(item) for item in missing["suggestions"]] == [{"code", "title"}] * 3


def test_color_always_uses_rich_and_escapes_markup(run_here: Runner) -> None:
    result = run_here("lookup", "--color", "always", "1600200")
    assert result.returncode == 0 and ANSI.search(result.stdout)
    body = '{"code": 1600300, "result": false, "message": "[bold red]injected[/bold red] Param error"}'
    explained = run_here("explain", "--color", "always", "-", input=body)
    assert "[bold red]injected[/bold red]" in ANSI.sub("", explained.stdout).replace("\x1b", "")


def test_no_color_and_color_never_stay_plain(run: Runner) -> None:
    assert not ANSI.search(run("lookup", "--color", "never", "1600200").stdout)
    assert not ANSI.search(run("lookup", "1600200", env={"NO_COLOR": "1"}).stdout)


def test_list_piped_is_code_tab_title(run_here: Runner) -> None:
    result = run_here("list")
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and len(lines) >= 90
    assert all(re.fullmatch(r"\d+\t[^\t]+", line) for line in lines)
    assert "1600200\tRate limit hit (too many requests)" in lines


def test_list_family_filter_and_json(run_here: Runner) -> None:
    quota = run_here("list", "--family", "quota").stdout.splitlines()
    assert [line.split("\t")[0] for line in quota] == ["429", "1600201", "16900500"]
    data = json.loads(run_here("list", "--family", "rate-limit", "--json").stdout)
    assert data["command"] == "list" and [entry["code"] for entry in data["codes"]] == [1600200]


def test_exit_codes_command_matches_the_enum(run_here: Runner) -> None:
    plain = run_here("exit-codes").stdout.splitlines()
    assert [int(line.split()[0]) for line in plain] == [int(status) for status in ExitStatus]
    data = json.loads(run_here("exit-codes", "--json").stdout)
    assert {row["exit_code"] for row in data["exit_codes"]} == {int(status) for status in ExitStatus}
    assert {row["name"] for row in data["exit_codes"]} >= {"quota", "auth", "temporary", "not_envelope"}


@pytest.mark.parametrize(
    ("body", "exit_code"),
    [
        ('{"code":200,"result":true,"message":"Success","data":{},"requestId":"r1"}', 0),
        ('{"code":0,"success":true,"message":null,"data":[]}', 0),
        ('{"result":true,"message":"Success","data":{}}', 0),
        ('{"code":1600001,"result":false,"message":"Invalid API key or access token."}', 77),
        (
            '{"code":16900500,"result":false,"message":"Insufficient API points. Used today: 1, Remaining: 0, '
            'Required: 10. x","data":null}',
            79,
        ),
        ('{"code":1600200,"message":"Too Many Requests, QPS limit is 1 time/1second"}', 75),
        ('{"code":1602001,"result":false,"message":"Product not found"}', 69),
        ("<html><body>502 Bad Gateway</body></html>", 76),
        ('{"code":1600200,"result":fal', 76),
        ("", 76),
    ],
)
def test_explain_exit_status_follows_the_outcome(run: Runner, body: str, exit_code: int) -> None:
    result = run("explain", "-", input=body)
    assert result.returncode == exit_code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_explain_shows_request_id_and_contradiction(run_here: Runner) -> None:
    body = '{"code":1600100,"result":false,"message":"Param error","data":null,"requestId":"ae543fd1-cdd7-4a61"}'
    result = run_here("explain", "-", input=body)
    assert "requestId:  ae543fd1-cdd7-4a61" in result.stdout
    assert "mismatch:" in result.stdout and "1600300" in result.stdout


def test_explain_many_responses_prints_a_summary(run_here: Runner, tmp_path: Path) -> None:
    log = tmp_path / "cj.log"
    log.write_text(
        '2026-11-01T10:00:00 INFO resp={"code":200,"result":true,"message":"Success","requestId":"a"}\n'
        '2026-11-01T10:00:01 WARN resp={"code":1600200,"result":false,"message":"Too Many Requests, QPS limit '
        'is 1 time/1second","requestId":"b"}\n'
        "not json at all\n"
        '{"code":1600200,"result":false,"message":"Too Many Requests, QPS limit is 1 time/1second"}\n'
        '{\n  "code": 1600001,\n  "result": false,\n  "message": "No permission"\n}\n'
    )
    result = run_here("explain", str(log))
    assert result.returncode == ExitStatus.AUTH
    assert "4 responses in" in result.stdout
    assert re.search(r"2\s+1600200\s+Rate limit hit .*\[retryable\]", result.stdout)
    assert re.search(r"1\s+1600001\s+Invalid API key or access token\s+\[not retryable\]", result.stdout)
    data = json.loads(run_here("explain", "--json", str(log)).stdout)
    assert data["summary"]["responses"] == 4
    assert {row["code"]: row["count"] for row in data["summary"]["codes"]} == {1600200: 2, 200: 1, 1600001: 1}


def test_explain_missing_file_is_no_input(run: Runner) -> None:
    result = run("explain", "/nonexistent/cj.log")
    assert result.returncode == ExitStatus.NO_INPUT
    assert "no such file" in _one_line_error(result)


def test_python_dash_m_runs_the_same_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cj_errors", "lookup", "1600300"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout.startswith("1600300  Parameter error")


PROBE_MODULES = "import sys; from cj_errors.cli.app import main\n"


@pytest.mark.parametrize("argv", [["lookup", "1600200"], ["list"], ["lookup", "--json", "16900500"]])
def test_lookup_and_list_import_neither_httpx_nor_rich(argv: list[str]) -> None:
    code = (
        "import sys\nfrom cj_errors.cli.app import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('httpx', 'rich', 'httpcore'))\n"
        "sys.stderr.write('LOADED=' + ','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert "LOADED=" in result.stderr
    assert result.stderr.split("LOADED=")[1] == ""


def test_explain_each_json_is_json_lines_ending_with_the_summary(run_here: Runner) -> None:
    body = '{"code":200,"result":true}\n{"code":1600200,"message":"x"}\n{"result":false,"message":"odd"}\n'
    result = run_here("explain", "--each", "--json", "-", input=body)
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [item.get("line") for item in objects[:-1]] == [1, 2, 3]
    assert objects[-1]["command"] == "explain" and objects[-1]["summary"]["responses"] == 3
    assert result.returncode == ExitStatus.API_ERROR


def test_summary_keeps_codeless_successes_and_failures_apart(run_here: Runner) -> None:
    body = '{"success":true,"message":"ok"}\n{"result":false,"message":"odd"}\n{"code":16900500}\n'
    result = run_here("explain", "-", input=body)
    assert re.search(r"1\s+200\s+Success\s+\[ok\]", result.stdout)
    assert re.search(r"1\s+-\s+failure without an error code\s+\[not retryable\]", result.stdout)
    assert re.search(r"1\s+16900500\s+API points exhausted for today\s+\[after 00:00 UTC reset\]", result.stdout)


def test_empty_lookup_query_is_a_usage_error(run_here: Runner) -> None:
    result = run_here("lookup", "")
    assert result.returncode == ExitStatus.USAGE
    _one_line_error(result)


# --- several queries: labelled, each code shown once --------------------------------------

SEVERAL = ("1600200", "1600001", "Too much request")


def test_several_queries_are_labelled_and_a_code_reached_twice_is_printed_once(run_here: Runner) -> None:
    result = run_here("lookup", *SEVERAL)
    assert result.returncode == 0
    out = result.stdout
    assert [line for line in out.splitlines() if line.startswith("query ")] == [
        'query 1: "1600200"',
        'query 2: "1600001"',
        'query 3: "Too much request"',
    ]
    assert out.count("\n1600200  Rate limit hit (too many requests)\n") == 1
    assert out.count("1. Wait for the window") == 1
    assert '  queries:  1 "1600200", 3 "Too much request"\n' in out
    assert out.rstrip().endswith(
        'query 3: "Too much request"\n1600200  Rate limit hit (too many requests): shown above, under query 1'
    )
    assert "queries:" not in out.split('query 2: "1600001"')[1]  # 1600001 was reached once


def test_one_query_has_no_label(run_here: Runner) -> None:
    out = run_here("lookup", "1600200").stdout
    assert out.startswith("1600200  Rate limit hit") and "query 1" not in out and "queries:" not in out


def test_several_queries_in_json_give_each_entry_once_and_say_who_reached_it(run_here: Runner) -> None:
    result = run_here("lookup", "--json", *SEVERAL)
    data = json.loads(result.stdout)
    first, second, third = data["results"]
    assert [r["query"] for r in data["results"]] == list(SEVERAL)
    assert first["matches"][0]["code"] == 1600200 and first["matches"][0]["reached_by"] == [0, 2]
    assert set(first["matches"][0]) == LOOKUP_ENTRY_KEYS | {"reached_by"}
    assert second["matches"][0]["reached_by"] == [1]
    reference = third["matches"][0]
    assert reference == {
        "code": 1600200,
        "title": "Rate limit hit (too many requests)",
        "family": "rate-limit",
        "outcome": "temporary",
        "exit_code": 75,
        "retry": "short_wait",
        "retryable": True,
        "retry_after_reset": False,
        "entry_in": 0,
        "reached_by": [0, 2],
    }
    assert result.stdout.count("Wait for the window") == 1


def test_several_queries_in_the_rich_panel_are_labelled_and_shown_once(run_here: Runner) -> None:
    result = run_here("lookup", "--color", "always", *SEVERAL)
    text = ANSI_SEQUENCE.sub("", result.stdout)
    assert result.returncode == 0
    for number, query in enumerate(SEVERAL, start=1):
        assert f'query {number}: "{query}"' in text
    assert text.count("Wait for the window") == 1
    assert "1600200  Rate limit hit (too many requests): shown above, under query 1" in text
    assert '1 "1600200", 3 "Too much request"' in text


ANSI_SEQUENCE = re.compile(r"\x1b\[[0-9;]*m")


# --- unknown codes --------------------------------------------------------------------------


def test_a_code_outside_every_range_gets_no_nearest_codes(run_here: Runner) -> None:
    result = run_here("lookup", "2000001", "300006", "404", "1234567")
    assert result.returncode == ExitStatus.NOT_FOUND
    assert "nearest:" not in result.stdout
    data = json.loads(run_here("lookup", "--json", "2000001", "1234567", "1603999").stdout)
    assert [r["suggestions"] for r in data["results"][:2]] == [[], []]
    assert len(data["results"][2]["suggestions"]) == 3  # inside 1603xxx, the nearest are still offered


def test_codes_clients_mention_outside_the_openapi_carry_a_sourced_note(run_here: Runner) -> None:
    out = run_here("lookup", "2000001", "300006").stdout
    assert "  known:    one client's notes call it the rate-limit code" in out and "1600200" in out
    assert "  source:   https://github.com/OpenSIN-Code/cj-dropshipping-skill" in out
    assert "  known:    a code of CJ's website login, not of the OpenAPI: wrong account or password" in out
    assert "  source:   https://github.com/CJ-dropshipping/api-mcp" in out
    data = json.loads(run_here("lookup", "--json", "300001").stdout)
    outside = data["results"][0]["known_outside"]
    assert outside["source"] == "https://github.com/CJ-dropshipping/api-mcp" and "account is locked" in outside["note"]
    assert json.loads(run_here("lookup", "--json", "1234567").stdout)["results"][0]["known_outside"] is None


# --- list and help ----------------------------------------------------------------------------


@pytest.mark.parametrize("family", ["Quota", "QUOTA", " quota "])
def test_list_family_takes_any_case(run_here: Runner, family: str) -> None:
    result = run_here("list", "--family", family)
    assert result.returncode == 0 and result.stdout == run_here("list", "--family", "quota").stdout
    data = json.loads(run_here("list", "--json", "-f", family).stdout)
    assert [entry["code"] for entry in data["codes"]] == [429, 1600201, 16900500]


@pytest.mark.parametrize(
    ("alias", "original"),
    [
        (["help"], ["--help"]),
        (["help", "lookup"], ["lookup", "--help"]),
        (["help", "explain"], ["explain", "--help"]),
        (["help", "auth", "login"], ["auth", "login", "--help"]),
    ],
)
def test_help_works_like_dash_dash_help(run_here: Runner, alias: list[str], original: list[str]) -> None:
    helped, direct = run_here(*alias), run_here(*original)
    assert (helped.returncode, helped.stdout, helped.stderr) == (0, direct.stdout, direct.stderr)
    assert "Usage: cjerr" in helped.stdout


def test_help_for_an_unknown_command_is_a_usage_error(run_here: Runner) -> None:
    result = run_here("help", "nope")
    assert result.returncode == ExitStatus.USAGE
    assert "nope" in _one_line_error(result)


def test_lookup_help_names_every_accepted_form(run_here: Runner) -> None:
    text = " ".join(run_here("lookup", "--help", env={"COLUMNS": "80"}).stdout.replace("│", " ").split())
    for form in ("1600200", "CJ1600200", '"code": 1600200', "16002", "1603xxx", "- for one query per line", "message"):
        assert form in text, form


def test_probe_help_shows_the_base_url_default_whole_at_80_columns(run_here: Runner) -> None:
    from cj_errors.table.catalog import BASE_URL

    lines = run_here("probe", "--help", env={"COLUMNS": "80"}).stdout.splitlines()
    assert any(BASE_URL in line for line in lines)
    assert all(len(line) <= 80 for line in lines)


def test_readme_documents_every_probe_option() -> None:
    import typer

    from cj_errors.cli.app import app

    readme = (ROOT / "docs" / "commands.md").read_text()  # the command reference (README is the front page)
    command = typer.main.get_command(app).commands["probe"]  # type: ignore[attr-defined]
    options = [name for param in command.params for name in param.opts if name.startswith("--")]
    assert "--insecure" in options
    assert [name for name in options if f"`{name}" not in readme and f" {name}" not in readme] == []


# --- explain --each --json ------------------------------------------------------------------

EACH_BODY = '{"code":200,"result":true}\n{"code":1600200,"message":"x"}\n{"code":1600200,"message":"y"}\n'


def test_each_json_lines_carry_the_schema_and_a_short_entry(run_here: Runner) -> None:
    result = run_here("explain", "--each", "--json", "-", input=EACH_BODY)
    *items, summary = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(items) == 3 and summary["command"] == "explain"
    for item in items:
        assert (item["cjerr_schema"], item["command"]) == (3, "explain")
        assert list(item)[:2] == ["cjerr_schema", "command"] and "exit_code" in item
    assert items[1]["entry"] == {
        "code": 1600200,
        "title": "Rate limit hit (too many requests)",
        "family": "rate-limit",
        "outcome": "temporary",
        "exit_code": 75,
        "retry": "short_wait",
        "retryable": True,
        "retry_after_reset": False,
    }
    assert "Wait for the window" not in result.stdout


def test_each_json_full_repeats_the_whole_entry(run_here: Runner) -> None:
    result = run_here("explain", "--each", "--json", "--full", "-", input=EACH_BODY)
    *items, _ = [json.loads(line) for line in result.stdout.splitlines()]
    looked_up = json.loads(run_here("lookup", "--json", "1600200").stdout)["results"][0]["matches"][0]
    looked_up.pop("reached_by")
    assert items[1]["entry"] == items[2]["entry"] == looked_up
    assert items[0]["cjerr_schema"] == 3 and result.returncode == ExitStatus.TEMPORARY
    compact = run_here("explain", "--each", "--json", "-", input=EACH_BODY).stdout
    assert len(compact) < len(result.stdout) / 2


@pytest.mark.parametrize("args", [("--full", "-"), ("--full", "--each", "-"), ("--full", "--json", "-")])
def test_full_without_each_json_is_a_usage_error(run_here: Runner, args: tuple[str, ...]) -> None:
    result = run_here("explain", *args, input=EACH_BODY)
    assert result.returncode == ExitStatus.USAGE
    assert "--full" in _one_line_error(result)


def test_exit_codes_piped_keep_one_aligned_line_per_code(run_here: Runner) -> None:
    lines = run_here("exit-codes").stdout.splitlines()
    assert len(lines) == len(ExitStatus)
    starts = {line.index(status.when) for line, status in zip(lines, ExitStatus, strict=True)}
    assert len(starts) == 1


@pytest.mark.parametrize("args", [["probe", "--help"], ["--help"], ["help", "explain"], ["list", "-h"]])
def test_piped_help_is_plain_and_loads_no_rich(tmp_path: Path, args: list[str]) -> None:
    from tests.conftest import clean_env

    script = (
        "import sys\n"
        f"sys.argv = ['cjerr', *{args!r}]\n"
        "from cj_errors.cli.app import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exiting:\n"
        "    code = exiting.code\n"
        "loaded = [name for name in ('rich', 'markdown_it', 'typer.rich_utils') if name in sys.modules]\n"
        "sys.stderr.write(f'{code} {loaded}')\n"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=clean_env(tmp_path))
    assert ran.stderr == "0 []", ran.stderr
    assert "Usage: cjerr" in ran.stdout and "Options:" in ran.stdout and "╭" not in ran.stdout


def test_forced_colour_keeps_the_help_panels(run: Runner) -> None:
    panels = run("probe", "--help", env={"FORCE_COLOR": "1", "COLUMNS": "100"})
    assert panels.returncode == 0 and "╭" in panels.stdout


# --- how the installed script ends (cli/process.end_process) ------------------------------------------------

_ENDING = """
import atexit, sys, threading, time
from cj_errors.cli.process import end_process
atexit.register(lambda: sys.stdout.write("atexit ran\\n"))
sys.stdout.write("buffered, not flushed\\n")
if sys.argv[1] == "thread":
    threading.Thread(target=lambda: (time.sleep(0.2), sys.stdout.write("thread finished\\n"))).start()
end_process(int(sys.argv[2]) if sys.argv[2].isdigit() else sys.argv[2])
"""


@pytest.mark.parametrize(
    ("case", "code", "status", "stdout", "stderr"),
    [
        # Without teardown, but what it would do for cjerr is still done: buffers flushed, atexit handlers run.
        ("plain", "3", 3, "buffered, not flushed\natexit ran\n", ""),
        ("plain", "0", 0, "buffered, not flushed\natexit ran\n", ""),
        # A thread still running gets the normal exit, which waits for it.
        ("thread", "0", 0, "buffered, not flushed\nthread finished\natexit ran\n", ""),
        # A code that is not a number: Python's own meaning (printed, status 1).
        ("plain", "bye", 1, "buffered, not flushed\natexit ran\n", "bye\n"),
    ],
)
def test_the_process_ends_with_its_buffers_flushed_and_atexit_run(
    case: str, code: str, status: int, stdout: str, stderr: str
) -> None:
    # Block-buffered stdout (no PYTHONUNBUFFERED), so that what is not flushed would be lost.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    ran = subprocess.run(
        [sys.executable, "-c", _ENDING, case, code], capture_output=True, text=True, timeout=60, env=env
    )
    assert (ran.returncode, ran.stdout, ran.stderr) == (status, stdout, stderr)


def test_the_installed_script_ends_without_teardown() -> None:
    from importlib.metadata import entry_points

    [script] = [point for point in entry_points(group="console_scripts") if point.name == "cjerr"]
    assert script.value == "cj_errors.cli.fastpath:main"

    def lookup_ending_with(entry: str) -> tuple[int, str, str]:
        # An object whose finalizer runs at teardown (module globals are cleared then) shows how the process ended.
        program = (
            "import sys\n"
            "class Marker:\n"
            "    def __del__(self):\n"
            "        sys.stderr.write('torn down\\n')\n"
            "marker = Marker()\n"
            "sys.argv = ['cjerr', 'lookup', '1600200']\n"
            f"from cj_errors.cli.fastpath import {entry}\n"
            f"{entry}()\n"
        )
        ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
        return ran.returncode, ran.stdout, ran.stderr

    status, stdout, stderr = lookup_ending_with("main")
    assert status == 0 and stdout.startswith("1600200") and stderr == ""
    assert lookup_ending_with("run_cli") == (0, stdout, "torn down\n")  # the same run, with teardown


@pytest.mark.parametrize(
    "argv",
    [
        ["probe", "/product/query", "-p", "pid=1", "--timeout", "nan"],
        ["probe", "/product/query", "-p", "pid=1", "--timeout", "inf"],
        ["probe", "/product/query", "-p", "pid=1", "--connect-timeout", "nan"],
        ["order", "SHOP-1", "--watch", "--interval", "nan"],
        ["order", "SHOP-1", "--watch", "--max-wait", "inf"],
        ["points", "plan", "--json", "--qps", "nan", "/product/query:10"],
        ["points", "plan", "--json", "--qps", "inf", "/product/query:10"],
        ["probe", "/product/query", "-p", "pid=1", "--timeout", "1e11"],  # overflowed the socket's clock: 70
        ["order", "SHOP-1", "--watch", "--interval", "1e12"],
    ],
)
def test_a_number_option_that_is_not_finite_is_a_usage_error(run: Runner, argv: list[str]) -> None:
    """NaN passes every 'at least' check and infinity every lower bound: before, these waited on NaN seconds
    (exit 68 or 70) or planned calls at 'nan calls a second' with exit 0 and "qps": Infinity, which is no JSON."""
    if argv[0] == "points":
        result = run(*argv)
        document = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in {result.stdout}"))
        assert document["exit_code"] == ExitStatus.USAGE
    else:  # nothing listens on port 9: had the value passed, the run would have tried to connect
        result = run(*argv, "--base-url", "http://127.0.0.1:9/api2.0/v1", env={"CJ_ACCESS_TOKEN": "token-1234"})
    assert result.returncode == ExitStatus.USAGE, result.stdout + result.stderr
    (line,) = result.stderr.splitlines()
    assert line.startswith("cjerr: ") and ("finite" in line or "too large" in line), line


def test_every_float_option_refuses_nan_and_infinity() -> None:
    """The rule holds for every number option of every command, including ones added later."""
    import typer

    from cj_errors.cli.app import app
    from cj_errors.cli.common import refuse_non_finite

    root = typer.main.get_command(app)
    refuse_non_finite(root)
    commands = [root]
    checked = 0
    while commands:
        command = commands.pop()
        commands.extend(getattr(command, "commands", {}).values())
        for param in command.params:
            if getattr(param.type, "name", "") in ("float", "float range"):
                checked += 1
                for word in ("nan", "NaN", "-nan"):  # passes every bound
                    with pytest.raises(Exception, match="finite"):
                        param.type.convert(word, param, None)
                for word in ("inf", "infinity", "-inf"):  # an upper or lower bound may say it first
                    with pytest.raises(Exception, match="finite|range"):
                        param.type.convert(word, param, None)
                with pytest.raises(Exception, match="too large|range"):
                    param.type.convert("1e10", param, None)
                low = getattr(param.type, "min", None) or 0.0
                assert param.type.convert(str(low + 1.5), param, None) == low + 1.5  # a finite value still passes
    assert checked >= 10


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("path", ["fast", "typer"])
@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["lookup", "1600200"], 141),  # a success whose output was lost: as for a reader that went away
        (["lookup", "99999999"], 1),  # a failure's status stands
        (["explain", "-"], 77),  # so does the outcome of an answer
    ],
)
def test_output_that_cannot_be_written_is_one_line_and_keeps_a_failing_status(
    tmp_path: Path, argv: list[str], status: int, path: str
) -> None:
    # Before: "internal error: OSError" (70), then Python's "Exception ignored" lines and exit 120.
    env = clean_env(tmp_path, {"CJERR_NO_FAST_PATH": "1"} if path == "typer" else {})
    body = b'{"code":1600001,"result":false,"message":"Invalid API key","data":null}\n'
    with open("/dev/full", "wb") as full:
        command = [cjerr_executable(), *argv]
        ran = subprocess.run(command, input=body, stdout=full, stderr=subprocess.PIPE, env=env, timeout=60)
    assert ran.returncode == status
    assert ran.stderr.decode() == "cjerr: could not write the output: No space left on device\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_the_process_ending_keeps_its_status_when_stdout_cannot_be_flushed() -> None:
    # The code says what became of a call (80 after a create): a full disk must not turn it into Python's 120.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    with open("/dev/full", "wb") as full:
        ran = subprocess.run(
            [sys.executable, "-c", _ENDING, "plain", "80"], stdout=full, stderr=subprocess.PIPE, env=env, timeout=60
        )
    assert (ran.returncode, ran.stderr) == (80, b"")
