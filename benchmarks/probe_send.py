"""One `cjerr probe` send next to HTTPie's and curl's for the same call, measured in the same run.

    python benchmarks/probe_send.py                 # 15 interleaved rounds
    python benchmarks/probe_send.py --rounds 30 --json
    python benchmarks/probe_send.py --before /tmp/old   # also an earlier commit's cj_errors (see realistic.py)

A local server (a bare ThreadingHTTPServer on 127.0.0.1) answers every request with the same CJ
success envelope, so what is measured is each client: start-up, building the request, the TLS set-up
it does or skips for ``http://``, reading and printing the answer. The machine is shared, so CPU
seconds (the command and its children, from ``resource.getrusage(RUSAGE_CHILDREN)``) are reported
with wall seconds; the ratio is a row's median over HTTPie's. No thresholds: this only prints.
Standard library only; run it with the interpreter of the environment cjerr (and HTTPie) are installed in.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_BODY = json.dumps(
    {
        "code": 200,
        "result": True,
        "message": "Success",
        "data": {"pid": "04A22450-67F0-4617-A132-E7AE7F8963B0", "productNameEn": "Phone Case"},
        "requestId": "3ae12bcee9913ddcbc5eebcbc8b00a71",
    }
).encode()
_TOKEN = "benchmark-dummy-token"
_PID = "04A22450-67F0-4617-A132-E7AE7F8963B0"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(_BODY)))
        self.end_headers()
        self.wfile.write(_BODY)

    def log_message(self, *args: object) -> None:
        pass


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--before", metavar="DIR", help="also run cjerr with the package in DIR first on PYTHONPATH")
    options = parser.parse_args()
    folder = Path(sys.executable).parent
    cjerr, http = str(folder / "cjerr"), shutil.which("http", path=str(folder)) or shutil.which("http")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/api2.0/v1"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CJ_", "CJERR_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update({"NO_COLOR": "1", "CJ_ACCESS_TOKEN": _TOKEN})
    rows: dict[str, tuple[list[str], dict[str, str]]] = {
        "cjerr probe": ([cjerr, "probe", "--base-url", base, "/product/query", "-p", f"pid={_PID}"], env),
    }
    if options.before:
        path = os.pathsep.join(filter(None, (str(Path(options.before).resolve()), env.get("PYTHONPATH"))))
        rows["cjerr probe [before]"] = (rows["cjerr probe"][0], {**env, "PYTHONPATH": path})
    if http is not None:
        asked = [f"{base}/product/query", f"pid=={_PID}", f"CJ-Access-Token:{_TOKEN}"]
        rows["httpie"] = ([http, "--ignore-stdin", "GET", *asked], env)
    if (curl := shutil.which("curl")) is not None:
        rows["curl"] = ([curl, "-s", "-H", f"CJ-Access-Token: {_TOKEN}", f"{base}/product/query?pid={_PID}"], env)
    cpu: dict[str, list[float]] = {name: [] for name in rows}
    wall: dict[str, list[float]] = {name: [] for name in rows}
    codes: dict[str, set[int]] = {name: set() for name in rows}
    names = list(rows)
    try:
        for round_number in range(options.rounds + 1):
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                spent, elapsed, code = _run(*rows[name])
                codes[name].add(code)
                if round_number:
                    cpu[name].append(spent)
                    wall[name].append(elapsed)
    finally:
        server.shutdown()
    baseline = "httpie" if "httpie" in rows else "cjerr probe"
    table = []
    for name in rows:
        table.append(
            {
                "row": name,
                "cpu_ms": round(statistics.median(cpu[name]) * 1000, 1),
                "wall_ms": round(statistics.median(wall[name]) * 1000, 1),
                "cpu_ratio": round(statistics.median(cpu[name]) / statistics.median(cpu[baseline]), 2),
                "wall_ratio": round(statistics.median(wall[name]) / statistics.median(wall[baseline]), 2),
                "exit_codes": sorted(codes[name]),
            }
        )
    if options.json:
        print(json.dumps({"rounds": options.rounds, "baseline": baseline, "rows": table}, indent=2))
        return 0
    print(f"{options.rounds} rounds (medians; ratios to {baseline})")
    print(f"  {'':<22} {'CPU ms':>8} {'wall ms':>8} {'CPU x':>6} {'wall x':>6}  exit")
    for row in table:
        print(
            f"  {row['row']:<22} {row['cpu_ms']:>8.1f} {row['wall_ms']:>8.1f} {row['cpu_ratio']:>6.2f} "
            f"{row['wall_ratio']:>6.2f}  {row['exit_codes']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
