"""ruff and mypy stay clean; their configuration lives in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_httpx_and_rich_imports_stay_in_their_modules() -> None:
    # The banned-api rule in pyproject.toml enforces this; prove the rule fires.
    probe = "import httpx\n"
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--stdin-filename", "cj_errors/example.py", "-"],
        input=probe,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "TID251" in result.stdout
