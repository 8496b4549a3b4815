"""The README and docs/codes.md stay true: every example runs and shows what it claims."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cj_errors.base.exits import ExitStatus
from cj_errors.cli.app import app
from cj_errors.table.reference import render_codes_markdown
from tests.conftest import ROOT, cjerr_executable, clean_env

README = (ROOT / "README.md").read_text()
EXIT_ANNOTATION = re.compile(r"\s+#\s*exit (\d+)\s*$")


@dataclass
class Example:
    block: int
    command: str
    expected_exit: int
    expected_lines: list[str] = field(default_factory=list)


def console_examples() -> list[Example]:
    examples: list[Example] = []
    blocks = re.findall(r"```console\n(.*?)```", README, flags=re.DOTALL)
    for number, block in enumerate(blocks):
        for line in block.splitlines():
            if line.startswith("$ "):
                command = line[2:]
                annotation = EXIT_ANNOTATION.search(command)
                expected = int(annotation.group(1)) if annotation else 0
                command = EXIT_ANNOTATION.sub("", command)
                examples.append(Example(number, command, expected))
            elif examples and examples[-1].block == number and line.strip() != "...":
                examples[-1].expected_lines.append(line.rstrip())
    return examples


EXAMPLES = console_examples()


def test_readme_has_console_examples_for_every_command() -> None:
    commands = {info.name or info.callback.__name__.replace("_", "-") for info in app.registered_commands}
    commands |= {info.name for info in app.registered_groups if info.name}  # cjerr auth
    assert commands >= {"lookup", "list", "explain", "exit-codes", "endpoints", "probe"}
    for command in commands:
        assert f"cjerr {command}" in README, f"README does not show `cjerr {command}`"
    assert len(EXAMPLES) >= 12


@pytest.fixture(scope="module")
def example_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("readme")


def _subsequence(expected: list[str], actual: list[str]) -> list[str]:
    """Expected lines missing from ``actual`` (in order); empty when all are there."""
    position = 0
    for index, line in enumerate(expected):
        while position < len(actual) and actual[position] != line:
            position += 1
        if position == len(actual):
            return expected[index:]
        position += 1
    return []


# The examples of a block run in order in one folder (a file one writes, the next reads): the suite sends each
# test file to one worker (--dist loadfile in pyproject.toml), so they stay together and in order.
@pytest.mark.parametrize("example", EXAMPLES, ids=[example.command[:60] for example in EXAMPLES])
def test_readme_console_example(example: Example, example_dir: Path) -> None:
    env = clean_env(example_dir)
    env["PATH"] = str(Path(cjerr_executable()).parent) + os.pathsep + env["PATH"]
    # Exports earlier in the same block apply to later commands, as in one shell session.
    for earlier in EXAMPLES:
        if earlier is example:
            break
        if earlier.block == example.block and earlier.command.startswith("export "):
            name, _, value = earlier.command[len("export ") :].partition("=")
            env[name] = shlex.split(value)[0]
    result = subprocess.run(
        ["bash", "-c", "set -o pipefail; " + example.command if "| head" not in example.command else example.command],
        cwd=example_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == example.expected_exit, result.stdout + result.stderr
    actual = [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]
    assert _subsequence(example.expected_lines, actual) == [], result.stdout


def test_readme_python_example_prints_what_its_comments_say() -> None:
    block = re.search(r"```python\n(from cj_errors .*?)```", README, flags=re.DOTALL)
    assert block is not None
    code = block.group(1)
    expected = [match.strip() for match in re.findall(r"print\(.*\)\s+#\s*(.*)$", code, flags=re.MULTILINE)]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert [line.strip().replace('"', "'") for line in result.stdout.splitlines()] == [
        line.replace('"', "'") for line in expected
    ]


def test_readme_exit_code_table_matches_the_enum() -> None:
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \| (.+) \|$", README, flags=re.MULTILINE)
    table = {int(code): (summary.strip(), when.strip().replace("\\|", "|")) for code, summary, when in rows}
    assert table == {int(status): (status.summary, status.when) for status in ExitStatus}


def test_ci_runs_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(python3 -m venv .venv && .*?)\n```", README)
    assert len(commands) == 2, "README keeps two set-up commands"
    install_and_run, install_and_test = commands
    assert install_and_run.endswith("cjerr lookup 1600200")
    ci = (ROOT / ".ci" / "run").read_text()
    assert install_and_test in ci.splitlines()


def test_codes_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "codes.md").read_text()
    assert committed == render_codes_markdown(), "run: python -m cj_errors.table.reference > docs/codes.md"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to copy the tracked tree")
def test_readme_install_command_works_in_a_fresh_venv(tmp_path: Path) -> None:
    command = re.findall(r"```sh\n(python3 -m venv .venv && .*?)\n```", README)[0]
    copy = tmp_path / "cjerr"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".*cache"))
    result = subprocess.run(
        ["bash", "-c", command], cwd=copy, capture_output=True, text=True, timeout=600, env=clean_env(tmp_path)
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("1600200  Rate limit hit")


def test_readme_retry_demo_meets_1600200_from_a_live_mock(tmp_path: Path) -> None:
    block = re.search(r"```python\n(# retry_demo.py\n.*?)```", README, flags=re.DOTALL)
    assert block is not None
    script = tmp_path / "retry_demo.py"
    script.write_text(block.group(1))
    mock = subprocess.Popen(
        [cjerr_executable(), "mock", "--port", "0", "--fail", "1600200:0.5", "--seed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(tmp_path),
    )
    try:
        assert mock.stdout is not None
        base_url = mock.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api2.0/v1")
        result = subprocess.run(
            [sys.executable, str(script), base_url], capture_output=True, text=True, timeout=180, cwd=tmp_path
        )
    finally:
        mock.terminate()
        mock.communicate(timeout=30)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    pids = [line for line in lines if line.startswith("pid ")]
    assert len(pids) == 3 and all(line.split(" in ")[0].endswith(": code 200") for line in pids), lines
    assert any("1600200 on attempt 1, waiting 1 s" in line for line in lines)


def test_readme_sdk_client_meets_1600200_from_a_live_mock(tmp_path: Path) -> None:
    block = re.search(r"```python\n(# sdk_client.py\n.*?)```", README, flags=re.DOTALL)
    assert block is not None
    code = block.group(1)
    body = [line for line in code.splitlines() if line.strip() and not line.startswith(("#", "import", "from"))]
    assert len(body) <= 10, "the README promises a ten-line client"
    script = tmp_path / "sdk_client.py"
    script.write_text(code)
    token = "API@CJ1234567@CJ:eyJhbGciOiJIUzI1NiJ9.readme-example.signature"
    token_file = tmp_path / "token"
    token_file.write_text(token + "\n")
    env = clean_env(tmp_path, {"XDG_CACHE_HOME": str(tmp_path / "cache")})
    mock = subprocess.Popen(
        [
            cjerr_executable(),
            "mock",
            "--port",
            "0",
            "--token-file",
            str(token_file),
            "--fail",
            "1600200:0.3",
            "--seed",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert mock.stdout is not None
        base_url = mock.stdout.readline().strip()
        result = subprocess.run(
            [sys.executable, str(script), base_url],
            capture_output=True,
            text=True,
            timeout=180,
            cwd=tmp_path,
            env={**env, "CJ_ACCESS_TOKEN": token},
        )
    finally:
        mock.terminate()
        _, log = mock.communicate(timeout=30)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    pairs = [line.split(" -> ") for line in lines[:3]]
    assert len(pairs) == 3 and all(len(pair) == 2 and pair[0] == pair[1] for pair in pairs), result.stdout
    injected = log.count("fault=1600200")
    assert injected >= 1, "the seed must inject at least one 1600200 for the example to show anything"
    queries = [line for line in log.splitlines() if "/product/query" in line]
    listings = [line for line in log.splitlines() if "/product/list" in line]
    assert len(queries) + len(listings) == 4 + injected, "each injected 1600200 was retried once, nothing more"
    from cj_errors.sdk.budget import points_for

    spent = len(queries) * points_for("/product/query") + len(listings) * points_for("/product/list")
    assert lines[3] == f"points spent: {spent}"


def test_readme_reliability_counts_match_the_suite() -> None:
    from tests.test_hostile import EXAMPLES_PER_RUN

    assert f"Each run tries {EXAMPLES_PER_RUN:,} generated inputs" in README


def test_readme_test_suite_example_passes_with_the_cj_mock_fixture(tmp_path: Path) -> None:
    block = re.search(r"```python\n(# test_shop.py\n.*?)```", README, flags=re.DOTALL)
    assert block is not None
    (tmp_path / "test_shop.py").write_text(block.group(1))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_shop.py"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=clean_env(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def _readme_text_commands(start: str) -> list[str]:
    blocks = re.findall(r"```text\n(.*?)```", README, flags=re.DOTALL)
    return [line[2:] for block in blocks for line in block.splitlines() if line.startswith("$ " + start)]


def test_readme_mock_state_and_admin_examples_run(tmp_path: Path) -> None:
    (mock_command,) = [line for line in _readme_text_commands("cjerr mock") if "--state" in line]
    argv = shlex.split(mock_command)
    assert argv[:2] == ["cjerr", "mock"]
    with (tmp_path / "mock.err").open("w") as stderr:
        mock = subprocess.Popen(
            [cjerr_executable(), *argv[1:]],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            cwd=tmp_path,
            env=clean_env(tmp_path),
        )
    try:
        assert mock.stdout is not None
        base_url = mock.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:"), (tmp_path / "mock.err").read_text()
        port = base_url.split(":")[2].split("/")[0]
        assert (tmp_path / "shop.sqlite").stat().st_mode & 0o077 == 0
        admin = _readme_text_commands("http ")
        assert len(admin) == 3
        http = Path(sys.executable).with_name("http")
        outputs = []
        for line in admin:
            words = shlex.split(line.replace(":8765", f":{port}"))
            result = subprocess.run(
                [str(http), "--ignore-stdin", *words[1:]],
                capture_output=True,
                text=True,
                timeout=60,
                cwd=tmp_path,
                env=clean_env(tmp_path),
            )
            assert result.returncode == 0, result.stderr
            outputs.append(json.loads(result.stdout))
        added, journal, reset = outputs
        assert added["added"] == 1 and added["rules"][0]["path"] == "/shopping/pay/getBalance"
        assert journal == {"count": 0, "requests": []}
        assert reset == {"reset": True, "balance": 25.0}
    finally:
        mock.terminate()
        mock.communicate(timeout=30)


def test_readme_module_map_lists_every_module_once() -> None:
    """The Development section's map names each module in cj_errors/ and cj_errors/mock/, none twice, none gone."""
    block = README.split("<!-- module-map -->\n", 1)[1].split("<!-- /module-map -->", 1)[0]
    listed = re.findall(r"^- `([\w/]+\.py)`: \S", block, flags=re.MULTILINE)
    assert len(listed) == len(block.strip().splitlines()), "one module a line, written - `name.py`: what it does"
    package = ROOT / "cj_errors"
    present = sorted(str(path.relative_to(package)) for path in package.rglob("*.py"))
    assert sorted(listed) == present, {
        "missing from the map": sorted(set(present) - set(listed)),
        "stale in the map": sorted(set(listed) - set(present)),
        "listed twice": sorted({name for name in listed if listed.count(name) > 1}),
    }
