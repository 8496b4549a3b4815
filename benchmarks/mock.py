"""`cjerr mock` throughput next to a bare `ThreadingHTTPServer`, measured in the same run.

    python benchmarks/mock.py                       # 8 clients, 3 s per round, 3 rounds
    python benchmarks/mock.py --clients 8 --seconds 5 --rounds 5 --json
    python benchmarks/mock.py --path '/api2.0/v1/product/globalWarehouseList'   # another endpoint

Both servers run as their own processes on 127.0.0.1 and are driven by the same client
processes: each client keeps one HTTP/1.1 connection open and sends small GET requests as
fast as the answers come back, for a fixed time. Rounds alternate the two servers so drift
in machine load hits both alike.

- baseline: the standard library's `ThreadingHTTPServer`, one fixed JSON body per request
  (HTTP/1.1 keep-alive, Content-Length), no logging;
- cjerr mock: `cjerr mock --qps 0 --token-file FILE`, answering `GET /api2.0/v1/setting/get`
  with a token (a call that reads state and logs a line), stderr sent to /dev/null.

Figures are requests per second (medians over rounds) and the mock's ratio to the baseline.
No thresholds: this only prints. Standard library only; run it with the interpreter of the
environment cjerr is installed in.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_TOKEN = "benchmark-token-0001"
_PATH = "/api2.0/v1/setting/get"

_BARE_SERVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
BODY = b'{"code":200,"result":true,"message":"Success","data":{},"requestId":"fixed"}'
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes; no 40 ms delayed-ACK stall
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
server.daemon_threads = True
print("ready", flush=True)
server.serve_forever()
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _client(
    port: int, seconds: float, start_at: float, results: multiprocessing.Queue[tuple[int, int]], path: str = _PATH
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"CJ-Access-Token": _TOKEN}
    done = failed = 0
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                done += 1
            else:
                failed += 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            failed += 1
            connection.close()
    connection.close()
    results.put((done, failed))


def _wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(400):
        if process.poll() is not None:
            raise SystemExit(f"server exited early with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.025)
    raise SystemExit("server did not start listening")


def _measure(command: list[str], port: int, clients: int, seconds: float, path: str = _PATH) -> tuple[float, int]:
    """Requests per second answered with HTTP 200 by all clients together, and the failures."""
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_listening(port, server)
        results: multiprocessing.Queue[tuple[int, int]] = multiprocessing.Queue()
        start_at = time.time() + 0.3  # every client starts together, after all have forked
        workers = [
            multiprocessing.Process(target=_client, args=(port, seconds, start_at, results, path))
            for _ in range(clients)
        ]
        for worker in workers:
            worker.start()
        totals = [results.get(timeout=seconds + 60) for _ in workers]
        for worker in workers:
            worker.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    done = sum(ok for ok, _ in totals)
    failed = sum(bad for _, bad in totals)
    return done / seconds, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--path", default=_PATH, help="the GET target the mock answers (default: setting/get)")
    options = parser.parse_args()
    cjerr = Path(sys.executable).with_name("cjerr")
    with tempfile.TemporaryDirectory() as folder:
        token_file = Path(folder) / "tokens"
        token_file.write_text(_TOKEN + "\n", encoding="utf-8")
        os.chmod(token_file, 0o600)
        rates: dict[str, list[float]] = {"bare ThreadingHTTPServer": [], "cjerr mock": []}
        failures: dict[str, int] = dict.fromkeys(rates, 0)
        for round_number in range(options.rounds):
            names = list(rates) if round_number % 2 == 0 else list(reversed(rates))
            for name in names:
                port = _free_port()
                if name == "cjerr mock":
                    command = [str(cjerr), "mock", "--port", str(port), "--qps", "0", "--token-file", str(token_file)]
                else:
                    command = [sys.executable, "-c", _BARE_SERVER, str(port)]
                rate, failed = _measure(command, port, options.clients, options.seconds, options.path)
                rates[name].append(rate)
                failures[name] += failed
    medians = {name: statistics.median(values) for name, values in rates.items()}
    baseline = medians["bare ThreadingHTTPServer"]
    rows = [
        {
            "server": name,
            "requests_per_s": round(median),
            "ratio_to_bare": round(median / baseline, 2),
            "failed_requests": failures[name],
        }
        for name, median in medians.items()
    ]
    if options.json:
        figures = {"clients": options.clients, "seconds": options.seconds, "path": options.path, "rows": rows}
        print(json.dumps(figures, indent=2))
    else:
        print(f"{options.clients} clients, {options.seconds:g} s x {options.rounds} rounds (medians)")
        for row in rows:
            print(
                f"  {row['server']:<26} {row['requests_per_s']:>7} req/s  {row['ratio_to_bare']:>5.2f}x"
                f"  failed {row['failed_requests']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
