"""The docs' scripts against a live mock: docs/mock.md's retry demo, pytest example and state and admin
commands, docs/sdk.md's SDK client.

Apart from tests/test_docs.py, whose console examples run in order on one worker: these take a mock,
a Python process and their waits each, and run on another worker meanwhile.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import cjerr_executable, clean_env
from tests.test_docs import blocks, named_python_example, page

# --- docs/mock.md and docs/sdk.md against a live mock -----------------------------------------------


def test_retry_demo_meets_1600200_from_a_live_mock(tmp_path: Path) -> None:
    script = tmp_path / "retry_demo.py"
    script.write_text(named_python_example("retry_demo.py"))
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


def test_sdk_client_meets_1600200_from_a_live_mock(tmp_path: Path) -> None:
    code = named_python_example("sdk_client.py")
    body = [line for line in code.splitlines() if line.strip() and not line.startswith(("#", "import", "from"))]
    assert len(body) <= 10, "docs/sdk.md promises a ten-line client"
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


def test_test_suite_example_passes_with_the_cj_mock_fixture(tmp_path: Path) -> None:
    (tmp_path / "test_shop.py").write_text(named_python_example("test_shop.py"))
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


def _mock_page_text_commands(start: str) -> list[str]:
    """Commands shown in docs/mock.md's ```text blocks (not run as console examples: they need a live mock)."""
    return [
        line[2:]
        for block in blocks(page("docs/mock.md"), "text")
        for line in block.splitlines()
        if line.startswith("$ " + start)
    ]


def test_mock_state_and_admin_examples_run(tmp_path: Path) -> None:
    (mock_command,) = [line for line in _mock_page_text_commands("cjerr mock") if "--state" in line]
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
        admin = _mock_page_text_commands("http ")
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
