"""`cjerr mock` throughput and CPU per request next to a bare `ThreadingHTTPServer`, measured in the same run.

    python benchmarks/mock.py                       # 8 clients, 3 s per round, 3 rounds
    python benchmarks/mock.py --clients 1           # one keep-alive connection
    python benchmarks/mock.py --clients 8 --seconds 5 --rounds 5 --json
    python benchmarks/mock.py --path '/api2.0/v1/product/listV2?size=20'   # another endpoint
    python benchmarks/mock.py --before /tmp/old     # also an earlier commit's cj_errors, in the same run
    python benchmarks/mock.py --path '/api2.0/v1/product/listV2?size=20' --bare-body mock   # as many bytes

All servers run as their own processes on 127.0.0.1 and are driven by the same client
processes: each client keeps one HTTP/1.1 connection open and sends small GET requests as
fast as the answers come back, for a fixed time. Every round runs every server once, in an
order rotated by one each round, so drift in machine load hits them alike; figures are
medians over rounds.

- baseline: the standard library's `ThreadingHTTPServer`, one fixed JSON body per request
  (HTTP/1.1 keep-alive, Content-Length), no logging; the body is 80 bytes, or with `--bare-body mock`
  the bytes the mock answered to one GET of `--path` (a listV2 page of 20 is 8 KB, which costs the
  clients, who share the cores with the server, more to read than the baseline's 80 bytes);
- cjerr mock: `cjerr mock --qps 0 --token-file FILE`, answering `GET /api2.0/v1/setting/get`
  with a token (a call that reads state and logs a line), stderr sent to /dev/null;
- cjerr mock [before] (with `--before DIR`): the same with the package in DIR first on
  PYTHONPATH, e.g. `git -C REPO archive main cj_errors | tar -x -C DIR`.

Two figures per server: requests per second answered with HTTP 200 (wall clock: the clients
compete with the server for the cores, so it moves with the machine's load), and the server
process's CPU time (user + system, all threads, read from /proc around the timed window) per
request, which depends far less on how busy the rest of the machine is. Ratios are to the bare
server: the row's rate over the bare server's, and the bare server's CPU per request over the
row's (1.0 = as cheap as the bare server; 0.5 = twice the CPU per request). On a machine without
/proc the CPU columns are empty. No thresholds: this only prints. Standard library only; run it
with the interpreter of the environment cjerr is installed in.
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
_BARE = "bare ThreadingHTTPServer"
_MOCK = "cjerr mock"
_BEFORE = "cjerr mock [before]"

_BARE_SERVER = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
BODY = b'{"code":200,"result":true,"message":"Success","data":{},"requestId":"fixed"}'
if len(sys.argv) > 2:  # --bare-body mock: the bytes the mock answered, from a file
    with open(sys.argv[1], "rb") as source:
        BODY = source.read()
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
server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[-1])), Handler)
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


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU of process ``pid`` (every thread) so far, or None without /proc."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime and stime, fields 14 and 15 of stat(5)


def _measure(
    command: list[str], env: dict[str, str], port: int, clients: int, seconds: float, path: str = _PATH
) -> tuple[float, int, float | None]:
    """Requests per second answered with HTTP 200 by all clients together, the failures, and the server's
    CPU seconds per answered request over the timed window (None without /proc)."""
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
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
        time.sleep(max(start_at - time.time(), 0.0))
        cpu_before = _cpu_seconds(server.pid)
        totals = [results.get(timeout=seconds + 60) for _ in workers]
        cpu_after = _cpu_seconds(server.pid)
        for worker in workers:
            worker.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    done = sum(ok for ok, _ in totals)
    failed = sum(bad for _, bad in totals)
    cpu = None if cpu_before is None or cpu_after is None or not done else (cpu_after - cpu_before) / done
    return done / seconds, failed, cpu


def _mock_answer(command: list[str], path: str) -> bytes:
    """The body the mock answers to one GET of ``path`` (for ``--bare-body mock``)."""
    port = _free_port()
    server = subprocess.Popen([*command, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_listening(port, server)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", path, headers={"CJ-Access-Token": _TOKEN})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        if response.status != 200:
            raise SystemExit(f"the mock answered {path} with HTTP {response.status}")
        return body
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="keep-alive connections, one client process each")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--path", default=_PATH, help="the GET target the mock answers (default: setting/get)")
    parser.add_argument(
        "--before",
        metavar="DIR",
        help="also run the mock with the package found in DIR first on PYTHONPATH, e.g. an earlier commit's "
        "source: git archive COMMIT cj_errors | tar -x -C DIR",
    )
    parser.add_argument(
        "--bare-body",
        choices=("small", "mock"),
        default="small",
        help="what the bare server answers: its small fixed body (default), or the bytes the mock answers to "
        "--path, so both send as much (a big listV2 page costs the clients as much as the server)",
    )
    options = parser.parse_args()
    cjerr = Path(sys.executable).with_name("cjerr")
    with tempfile.TemporaryDirectory() as folder:
        token_file = Path(folder) / "tokens"
        token_file.write_text(_TOKEN + "\n", encoding="utf-8")
        os.chmod(token_file, 0o600)
        env = dict(os.environ)
        servers: dict[str, tuple[list[str], dict[str, str]]] = {
            _BARE: ([sys.executable, "-c", _BARE_SERVER], env),
            _MOCK: ([str(cjerr), "mock", "--qps", "0", "--token-file", str(token_file), "--port"], env),
        }
        if options.bare_body == "mock":
            body_file = Path(folder) / "body"
            body_file.write_bytes(_mock_answer(servers[_MOCK][0], options.path))
            servers[_BARE] = ([*servers[_BARE][0], str(body_file)], env)
        if options.before:
            before = str(Path(options.before).resolve())
            if not (Path(before) / "cj_errors" / "__init__.py").is_file():
                parser.error(f"--before {options.before}: no cj_errors package there")
            path = os.pathsep.join(filter(None, (before, env.get("PYTHONPATH"))))
            servers[_BEFORE] = (servers[_MOCK][0], {**env, "PYTHONPATH": path})
        rates: dict[str, list[float]] = {name: [] for name in servers}
        cpus: dict[str, list[float]] = {name: [] for name in servers}
        failures: dict[str, int] = dict.fromkeys(servers, 0)
        names = list(servers)
        for round_number in range(options.rounds):
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                port = _free_port()
                command, command_env = servers[name]
                rate, failed, cpu = _measure(
                    [*command, str(port)], command_env, port, options.clients, options.seconds, options.path
                )
                rates[name].append(rate)
                if cpu is not None:
                    cpus[name].append(cpu)
                failures[name] += failed
    medians = {name: statistics.median(values) for name, values in rates.items()}
    cpu_medians = {name: statistics.median(values) if values else None for name, values in cpus.items()}
    baseline, cpu_baseline = medians[_BARE], cpu_medians[_BARE]
    rows = []
    for name, median in medians.items():
        cpu = cpu_medians[name]
        rows.append(
            {
                "server": name,
                "requests_per_s": round(median),
                "ratio_to_bare": round(median / baseline, 2),
                "cpu_us_per_request": None if cpu is None else round(cpu * 1e6, 1),
                "cpu_ratio_to_bare": None if cpu is None or cpu_baseline is None else round(cpu_baseline / cpu, 2),
                "failed_requests": failures[name],
            }
        )
    if options.json:
        figures = {
            "clients": options.clients,
            "seconds": options.seconds,
            "path": options.path,
            "bare_body": options.bare_body,
            "rows": rows,
        }
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{options.clients} clients, {options.seconds:g} s x {options.rounds} rounds (medians), {options.path},"
            f" bare body {options.bare_body}"
        )
        print(f"  {'':<26} {'req/s':>7} {'x bare':>6} {'CPU µs/req':>10} {'x bare':>6}")
        for row in rows:
            cpu_text = "-" if row["cpu_us_per_request"] is None else f"{row['cpu_us_per_request']:.1f}"
            cpu_ratio = "-" if row["cpu_ratio_to_bare"] is None else f"{row['cpu_ratio_to_bare']:.2f}"
            print(
                f"  {row['server']:<26} {row['requests_per_s']:>7} {row['ratio_to_bare']:>6.2f} {cpu_text:>10}"
                f" {cpu_ratio:>6}  failed {row['failed_requests']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
