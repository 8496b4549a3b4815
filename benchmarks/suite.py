"""The test suite's wall and CPU time: as the README runs it (three workers per CPU) next to one process, same run.

    python benchmarks/suite.py                  # both runs, then the ratio and the slowest files
    python benchmarks/suite.py --only parallel  # just the README's way
    python benchmarks/suite.py --json
    python benchmarks/suite.py --only parallel --baseline 192d847  # against the suite as issue 15 found it
    python benchmarks/suite.py --only parallel --baseline c987cc5 --baseline 330e678  # against two earlier suites

Each run is `python -m pytest -q -p no:cacheprovider` from the project folder with a
JUnit XML report in a temporary folder; the serial run adds `-n 0`. `--baseline REV`
also runs the suite of an earlier commit, the way that commit ran it (its own
pytest options), from `git archive REV` in a temporary folder with its own venv
(installing takes a minute), after the other runs so the two never share the CPUs;
the ratios compare wall times and CPU times, and the test counts show whether the
faster suite still runs as many cases. `--baseline` may be given more than once;
each earlier suite runs after the others, in the order given. 192d847 is main when
the speed issue was filed, a serial suite measured then at about 230 s; c987cc5 is
main when issue 29 was filed (112-120 s, 1,667 tests).

CPU time is the user and system time of pytest and every process it waited for
(its workers and the cjerr processes they start): on a machine other jobs share,
wall time follows their load, CPU time much less so.

The report gives the test counts and the time spent in each test file, summed over
its tests (the slowest files are where a fake clock or an in-process call would pay
most). No thresholds: this only prints. Needs the test extra (`pip install -e '.[test]'`).
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_suite(extra: list[str], project: Path = ROOT, python: str = sys.executable) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.xml"
        command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *extra]
        cpu_before = _children_cpu()
        started = time.perf_counter()
        finished = subprocess.run(command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
        tree = ElementTree.parse(report)
    counts: Counter[str] = Counter()
    per_file: defaultdict[str, float] = defaultdict(float)
    for case in tree.iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
            elif child.tag == "skipped":
                outcome = "skipped or xfailed"
        counts[outcome] += 1
        # classname is tests.test_cli, or tests.test_cli.TestSomething for a test in a class
        parts = case.get("classname", "?").split(".")
        if len(parts) > 2 and parts[-1][:1].isupper():
            parts = parts[:-1]
        per_file["/".join(parts) + ".py"] += float(case.get("time", 0))
    return {
        "wall_s": round(elapsed, 1),
        "cpu_s": round(cpu, 1),
        "exit": finished.returncode,
        "tests": dict(counts),
        "slowest_files": [
            (name, round(seconds, 1)) for name, seconds in sorted(per_file.items(), key=lambda item: -item[1])[:10]
        ],
    }


def _children_cpu() -> float:
    """User and system seconds of every finished process this one waited for (and of theirs, once waited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class BaselineError(Exception):
    """The earlier commit could not be set up; the message says why."""


def commit_of(revision: str) -> str:
    """The commit a revision names, checked before any run takes minutes."""
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], cwd=ROOT, capture_output=True, text=True
    )
    if found.returncode != 0:
        raise BaselineError(f"{revision!r} names no commit in this repository")
    return found.stdout.strip()


def run_baseline(revision: str, commit: str) -> dict[str, object]:
    """The suite of an earlier commit, installed in a venv of its own, run the way it ran then."""
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "project"
        project.mkdir()
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(project)], input=archive, check=True)
        subprocess.run([sys.executable, "-m", "venv", ".venv"], cwd=project, check=True)
        python = str(project / ".venv" / "bin" / "python")
        installed = subprocess.run(
            [python, "-m", "pip", "install", "-q", "-e", ".[test]"], cwd=project, capture_output=True, text=True
        )
        if installed.returncode != 0:
            raise BaselineError(f"installing {revision} failed:\n{installed.stdout}{installed.stderr}")
        figures = run_suite([], project, python)
    figures["revision"], figures["commit"] = revision, commit
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("parallel", "serial"), help="run the suite one way only")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--baseline",
        metavar="REV",
        action="append",
        default=[],
        help="also run the suite of an earlier commit, last (may be given more than once)",
    )
    options = parser.parse_args()
    # Started from a script's `cmd &`, SIGINT arrives ignored and every process below inherits it; an
    # earlier commit's suite cannot undo that itself, and its Ctrl-C tests would wait for their timeout.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        commits = [(revision, commit_of(revision)) for revision in options.baseline]
    except BaselineError as error:
        print(f"suite.py: {error}", file=sys.stderr)
        return 2
    runs: dict[str, dict[str, object]] = {}
    if options.only != "serial":
        runs["parallel (README)"] = run_suite([])
    if options.only != "parallel":
        runs["serial (-n 0)"] = run_suite(["-n", "0"])
    ratios: dict[str, float] = {}
    if len(runs) == 2:
        parallel, serial = runs.values()
        ratios["parallel / serial"] = round(float(parallel["wall_s"]) / float(serial["wall_s"]), 2)  # type: ignore[arg-type]
    ours = list(runs.items())
    for revision, commit in commits:
        try:
            baseline = run_baseline(revision, commit)
        except BaselineError as error:
            print(f"suite.py: {error}", file=sys.stderr)
            return 1
        for name, figures in ours:
            for measure in ("wall_s", "cpu_s"):
                ratio = float(figures[measure]) / max(float(baseline[measure]), 0.1)  # type: ignore[arg-type]
                ratios[f"{name} / {revision} ({measure[:-2]})"] = round(ratio, 2)
        runs[f"baseline {revision}"] = baseline
    if options.json:
        serial_ratio = ratios.get("parallel / serial")
        print(json.dumps({"runs": runs, "parallel_to_serial": serial_ratio, "ratios": ratios}, indent=2))
        return 0
    for name, figures in runs.items():
        print(
            f"{name}: {figures['wall_s']} s wall, {figures['cpu_s']} s CPU, exit {figures['exit']}, {figures['tests']}"
        )
        for file_name, seconds in figures["slowest_files"]:  # type: ignore[attr-defined]
            print(f"    {seconds:>7.1f} s  {file_name}")
    for name, ratio in ratios.items():
        print(f"{name}: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
