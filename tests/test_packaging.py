"""The package as PyPI would get it: metadata, one version, an sdist that carries and collects its tests."""

from __future__ import annotations

import email
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, cjerr_executable, clean_env

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


# What a checkout holds besides its source: the git folder, a venv, caches and earlier build output.
_NOT_SOURCE = (
    ".git",
    ".venv",
    "venv",
    "build",
    "dist",
    "*.egg-info",
    "cjerr-*",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    out = tmp_path_factory.mktemp("dist")
    # Built from a copy: setuptools writes build/, *.egg-info and a cjerr-<version>/ release tree into the
    # folder it builds, and other workers walk the checkout meanwhile (ruff check ., the structure tests).
    source = tmp_path_factory.mktemp("source") / "cjerr"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*_NOT_SOURCE), symlinks=True)
    ran = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    [sdist] = out.glob("*.tar.gz")
    [wheel] = out.glob("*.whl")
    return sdist, wheel, ran.stdout + ran.stderr


def test_building_gives_no_deprecation_warning(built: tuple[Path, Path, str]) -> None:
    assert "deprecat" not in built[2].lower(), [line for line in built[2].splitlines() if "eprecat" in line]


def test_the_wheel_metadata_names_license_version_and_classifiers(built: tuple[Path, Path, str]) -> None:
    with zipfile.ZipFile(built[1]) as wheel:
        [name] = [item for item in wheel.namelist() if item.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(wheel.read(name))
        assert any(item.endswith("licenses/LICENSE") for item in wheel.namelist())
        assert "cj_errors/mock/documented/examples.json" in wheel.namelist()  # the mock's documented shapes
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Version"] == PROJECT["version"]
    assert "Typing :: Typed" in metadata.get_all("Classifier")
    assert metadata["Keywords"]


def test_the_sdist_carries_and_collects_its_tests(built: tuple[Path, Path, str], tmp_path: Path) -> None:
    with tarfile.open(built[0]) as sdist:
        # The "data" filter (Python 3.11.4+) refuses links and paths outside the folder.
        safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        sdist.extractall(tmp_path, **safe)  # type: ignore[arg-type]
    [root] = tmp_path.iterdir()
    for needed in ("LICENSE", "tests/data/real_world.jsonl", "docs/codes.md", "completions/cjerr.fish", ".ci/run"):
        assert (root / needed).exists(), needed
    ran = subprocess.run(
        # -n 0: collect in one process (addopts would start a worker per CPU, each collecting it all again).
        # --assert=plain: importing each test module is what is checked; rewriting its asserts (uncached in a
        # fresh tree) would triple the time.
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-n", "0", "--assert=plain"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout[-3000:]
    collected = int(ran.stdout.strip().splitlines()[-1].split()[0])
    assert collected > 1000


def test_version_comes_from_the_installed_metadata(tmp_path: Path) -> None:
    ran = subprocess.run([cjerr_executable(), "--version"], capture_output=True, text=True, env=clean_env(tmp_path))
    assert ran.stdout == f"cjerr {PROJECT['version']}\n"


def test_dev_and_test_extras_carry_the_lint_and_test_tools() -> None:
    """`pip install -e '.[test]'` (the README's command) brings ruff and mypy, which the suite runs; `.[dev]` is all."""
    extras = PROJECT["optional-dependencies"]

    def names(extra: str) -> set[str]:
        found = set()
        for item in extras[extra]:
            name = re.split(r"[<>=;\[ ]", item, maxsplit=1)[0]
            found |= names_of(item[len(name) + 1 : item.index("]")]) if name == "cjerr" else {name}
        return found

    def names_of(listed: str) -> set[str]:
        return set().union(*(names(extra) for extra in listed.split(",")))

    assert {"ruff", "mypy"} <= names("lint")
    assert {"ruff", "mypy", "pytest", "hypothesis", "build", "keyring", "msgspec"} <= names("test")
    assert names("dev") == names("test")
