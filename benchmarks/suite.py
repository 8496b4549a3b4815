"""The test suite's wall time: as the README runs it (three workers per CPU) next to one process, same run.

    python benchmarks/suite.py                  # both runs, then the ratio and the slowest files
    python benchmarks/suite.py --only parallel  # just the README's way
    python benchmarks/suite.py --json

Each run is `python -m pytest -q -p no:cacheprovider` from the project folder with a
JUnit XML report in a temporary folder; the serial run adds `-n 0`. The report gives
the test counts and the time spent in each test file, summed over its tests (the
slowest files are where a fake clock or an in-process call would pay most). No
thresholds: this only prints. Needs the test extra (`pip install -e '.[test]'`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_suite(extra: list[str]) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *extra]
        started = time.perf_counter()
        finished = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - started
        tree = ElementTree.parse(report)
    counts: Counter[str] = Counter()
    per_file: Counter[str] = Counter()
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
        "exit": finished.returncode,
        "tests": dict(counts),
        "slowest_files": [(name, round(seconds, 1)) for name, seconds in per_file.most_common(10)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("parallel", "serial"), help="run the suite one way only")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    runs: dict[str, dict[str, object]] = {}
    if options.only != "serial":
        runs["parallel (README)"] = run_suite([])
    if options.only != "parallel":
        runs["serial (-n 0)"] = run_suite(["-n", "0"])
    ratio = None
    if len(runs) == 2:
        parallel, serial = runs.values()
        ratio = round(float(parallel["wall_s"]) / float(serial["wall_s"]), 2)  # type: ignore[arg-type]
    if options.json:
        print(json.dumps({"runs": runs, "parallel_to_serial": ratio}, indent=2))
        return 0
    for name, figures in runs.items():
        print(f"{name}: {figures['wall_s']} s, exit {figures['exit']}, {figures['tests']}")
        for file_name, seconds in figures["slowest_files"]:  # type: ignore[attr-defined]
            print(f"    {seconds:>7.1f} s  {file_name}")
    if ratio is not None:
        print(f"parallel / serial: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
