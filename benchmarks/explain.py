"""`cjerr explain` on a big log next to jq and a plain Python loop, measured in the same run.

    python benchmarks/explain.py                  # 1,000,000 lines, 5 interleaved rounds
    python benchmarks/explain.py --lines 200000 --rounds 3 --json

It writes two files of CJ envelopes into a temporary folder: JSON Lines, and the same
lines behind a log prefix (timestamp, level, logger). Each round runs every command
once in a rotating order, so drift in machine load hits them alike. Baselines:

- jq: `jq -r .code FILE | sort | uniq -c` (and, for the prefixed log, jq strips the
  prefix with `sub` before `fromjson`);
- a plain Python loop that `json.loads` every line and counts `code`.

Ratios are medians over the jq median; peak memory (max RSS) is reported per command.
No thresholds: this only prints. Standard library only; run it with the interpreter of
the environment cjerr is installed in.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

_MESSAGES = [
    (200, True, "Success"),
    (200, True, "Success"),
    (200, True, "Success"),
    (1600200, False, "Too Many Requests, QPS limit is 1 time/1second"),
    (1600001, False, "Invalid API key or access token"),
    (16900500, False, "Insufficient API points. Used today: 104890, Remaining: 0, Required: 10."),
    (1602001, False, "Product not found"),
    (1600300, False, "Param error"),
]
_PY_LOOP = (
    "import json,sys,collections\n"
    "c=collections.Counter()\n"
    "for line in open(sys.argv[1],encoding='utf-8'):\n"
    "    i=line.find('{')\n"
    "    c[json.loads(line[i:]).get('code')]+=1\n"
    "print(c)\n"
)


def write_logs(folder: Path, lines: int) -> tuple[Path, Path]:
    rng = random.Random(20261202)
    plain, prefixed = folder / "cj.jsonl", folder / "cj.log"
    with plain.open("w", encoding="utf-8") as jsonl, prefixed.open("w", encoding="utf-8") as log:
        for number in range(lines):
            code, result, message = _MESSAGES[number % len(_MESSAGES)]
            body = {
                "code": code,
                "result": result,
                "message": message,
                "data": {"pid": f"P{number}", "sku": f"CJ{number:08d}"} if result else None,
                "requestId": str(uuid.UUID(int=rng.getrandbits(128))),
            }
            line = json.dumps(body, separators=(",", ":"))
            jsonl.write(line + "\n")
            log.write(f"2026-08-18T09:41:{number % 60:02d}.123Z INFO cj.client response {line}\n")
    return plain, prefixed


def run_once(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one run, output discarded."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    jq = shutil.which("jq")
    cjerr = Path(sys.executable).with_name("cjerr")
    if jq is None:
        print("jq is not installed; it is the baseline", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        plain, prefixed = write_logs(Path(folder), options.lines)
        strip = 'sub("^[^{]*";"") | fromjson | .code'
        commands = {
            "jq JSONL": ["sh", "-c", f"{jq} -r .code '{plain}' | sort | uniq -c"],
            "python json.loads loop JSONL": [sys.executable, "-c", _PY_LOOP, str(plain)],
            "cjerr explain JSONL": [str(cjerr), "explain", str(plain)],
            "jq log": ["sh", "-c", f"{jq} -rR '{strip}' '{prefixed}' | sort | uniq -c"],
            "cjerr explain log": [str(cjerr), "explain", str(prefixed)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, int] = dict.fromkeys(commands, 0)
        names = list(commands)
        for round_number in range(options.rounds + 1):
            order = names[round_number % len(names) :] + names[: round_number % len(names)]
            for name in order:
                elapsed, peak = run_once(commands[name])
                if round_number:  # the first round warms caches and is discarded
                    times[name].append(elapsed)
                    peaks[name] = max(peaks[name], peak)
    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = {"JSONL": medians["jq JSONL"], "log": medians["jq log"]}
    rows = []
    for name, median in medians.items():
        kind = "log" if name.endswith("log") else "JSONL"
        rows.append(
            {
                "command": name,
                "median_s": round(median, 3),
                "ratio_to_jq": round(median / baseline[kind], 2),
                "peak_rss_mib": round(peaks[name] / 1024, 1),
            }
        )
    if options.json:
        print(json.dumps({"lines": options.lines, "rounds": options.rounds, "rows": rows}, indent=2))
    else:
        print(f"{options.lines:,} lines, {options.rounds} rounds (medians; ratio to jq on the same file)")
        for row in rows:
            figures = f"{row['median_s']:>7.3f} s  {row['ratio_to_jq']:>5.2f}x  {row['peak_rss_mib']:>6} MiB"
            print(f"  {row['command']:<30} {figures}")
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.exit(main())
