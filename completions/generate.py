"""Regenerate the shell completion scripts in this folder from the cjerr application.

    python completions/generate.py           # rewrite cjerr.bash, _cjerr, cjerr.fish, cjerr.ps1
    python completions/generate.py --check   # exit 1 (and write nothing) if a committed file is stale

Each script is exactly what ``cjerr --show-completion SHELL`` prints, which is also
what ``cjerr --install-completion SHELL`` writes into a user's home. The scripts are
thin shims: on every TAB they run ``cjerr`` again with ``_CJERR_COMPLETE`` set, so
they never need regenerating when codes change, only when Typer's templates or the
program name do.

``_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION`` makes ``--show-completion`` take the
shell as an argument instead of guessing the caller's shell with shellingham, so the
output does not depend on who runs this script. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent

# shell name accepted by --show-completion -> file in completions/
SCRIPTS: dict[str, str] = {
    "bash": "cjerr.bash",
    "zsh": "_cjerr",
    "fish": "cjerr.fish",
    "powershell": "cjerr.ps1",
}


def find_cjerr() -> str:
    """The cjerr console script of the running interpreter's environment, else the one on PATH."""
    name = "cjerr.exe" if os.name == "nt" else "cjerr"
    for scripts_dir in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        candidate = scripts_dir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    on_path = shutil.which("cjerr")
    if on_path is None:
        raise SystemExit("generate.py: cannot find the 'cjerr' command; install the package (pip install -e .)")
    return on_path


def render(shell: str, cjerr: str) -> bytes:
    """The completion script for one shell, as the application prints it."""
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    for variable in ("_CJERR_COMPLETE", "_TYPER_COMPLETE_ARGS", "COMP_WORDS", "COMP_CWORD"):
        env.pop(variable, None)
    result = subprocess.run(
        [cjerr, "--show-completion", shell],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
        timeout=60,
    )
    if result.returncode != 0 or not result.stdout.strip():
        stderr = result.stderr.decode(errors="replace").strip()
        raise SystemExit(f"generate.py: 'cjerr --show-completion {shell}' failed (exit {result.returncode}): {stderr}")
    return result.stdout.replace(b"\r\n", b"\n")


def render_all(cjerr: str | None = None) -> dict[str, bytes]:
    """File name -> contents for every shell."""
    program = cjerr or find_cjerr()
    return {file_name: render(shell, program) for shell, file_name in SCRIPTS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate completions/* from the cjerr application.")
    parser.add_argument("--check", action="store_true", help="Only compare; exit 1 if any file differs.")
    parser.add_argument("--cjerr", metavar="PATH", help="The cjerr executable to ask (default: this venv's).")
    parser.add_argument("--output", metavar="DIR", type=Path, default=HERE, help="Folder to write (default: here).")
    options = parser.parse_args(argv)

    stale: list[str] = []
    for file_name, content in render_all(options.cjerr).items():
        target = options.output / file_name
        current = target.read_bytes() if target.is_file() else None
        if current == content:
            continue
        stale.append(file_name)
        if not options.check:
            target.write_bytes(content)
            sys.stdout.write(f"wrote {target}\n")
    if options.check and stale:
        sys.stderr.write(f"generate.py: out of date: {', '.join(stale)}; run 'python completions/generate.py'\n")
        return 1
    if not stale:
        sys.stdout.write("completions are up to date\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
