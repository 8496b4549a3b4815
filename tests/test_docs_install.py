"""The README's install command, run as written in a fresh venv on a copy of the project.

Apart from tests/test_docs.py because it is the suite's longest test (a venv and every dependency
installed): on its own, a worker starts it early and the rest of test_docs.py runs beside it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, clean_env

README = (ROOT / "README.md").read_text()


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
