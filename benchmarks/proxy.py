"""What `cjerr proxy` costs and what it buys, as ratios.

    python benchmarks/proxy.py                           # 200 calls for latency; a fleet of 8 at 2 QPS for 6 s
    python benchmarks/proxy.py --calls 500 --workers 8 --qps 2 --seconds 10 --json

1. Added latency: the same GET (`/setting/get` with a token) sent one at a time straight to `cjerr mock --qps 0`
   and through `cjerr proxy --qps 0 --pacing memory:` in front of it, alternating, one keep-alive connection
   each. Reported: p50 and p99 of each, and proxy/direct for both.
2. Fleet: `--workers` client processes split over two proxies sharing one Redis (`--pacing redis://`, when
   redis-server is installed; else the lock file, one machine), each sending calls as fast as answers come
   for `--seconds`, to a mock enforcing `--qps` per token. Reported: calls answered per second over the account's
   limit (the closer to 1.0 the better), 1600200 answers the mock gave (0 is the goal), and the tightest
   spacing: the shortest time that held qps+1 calls at the mock (at least 1 s means the limit held).

Standard library only; run it with the interpreter of the environment cjerr is installed in.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

_TOKEN = "API@CJ1234567@CJ:benchmark-token-0001"
_CJERR = str(Path(sys.executable).with_name("cjerr"))


def _start(args: list[str], env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [_CJERR, *args, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _timed_calls(base: str, count: int) -> list[float]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        connection.request("GET", parts.path + "/setting/get", headers={"CJ-Access-Token": _TOKEN})
        connection.getresponse().read()
        times.append(time.perf_counter() - started)
    connection.close()
    return times


def latency(calls: int, folder: Path) -> dict[str, float]:
    tokens = folder / "tokens"
    tokens.write_text(_TOKEN + "\n")
    mock, mock_url = _start(["mock", "--qps", "0", "--token-file", str(tokens)])
    proxy, proxy_url = _start(["proxy", "--to", mock_url, "--qps", "0", "--pacing", "memory:"])
    try:
        _timed_calls(mock_url, 20), _timed_calls(proxy_url, 20)  # warm up
        direct: list[float] = []
        proxied: list[float] = []
        for _ in range(5):
            direct += _timed_calls(mock_url, calls // 5)
            proxied += _timed_calls(proxy_url, calls // 5)
    finally:
        for process in (proxy, mock):
            process.terminate()
            process.wait(timeout=30)
    result = {
        "direct_p50_ms": _percentile(direct, 0.5) * 1000,
        "direct_p99_ms": _percentile(direct, 0.99) * 1000,
        "proxy_p50_ms": _percentile(proxied, 0.5) * 1000,
        "proxy_p99_ms": _percentile(proxied, 0.99) * 1000,
    }
    result["p50_ratio"] = result["proxy_p50_ms"] / result["direct_p50_ms"]
    result["p99_ratio"] = result["proxy_p99_ms"] / result["direct_p99_ms"]
    return result


_WORKER = """
import sys, time, urllib.request, urllib.error
base, token, until = sys.argv[1], sys.argv[2], float(sys.argv[3])
count = 0
while time.time() < until:
    request = urllib.request.Request(base + "/setting/get", headers={"CJ-Access-Token": token})
    try:
        urllib.request.urlopen(request, timeout=60).read()
    except urllib.error.HTTPError:
        pass
    count += 1
print(count)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fleet(workers: int, qps: int, seconds: float, folder: Path) -> dict[str, float | str | int]:
    tokens = folder / "tokens"
    tokens.write_text(_TOKEN + "\n")
    redis_server = shutil.which("redis-server")
    started: list[subprocess.Popen[str]] = []
    pacing = f"file:///{folder}/pace"
    if redis_server is not None:
        port = _free_port()
        redis = subprocess.Popen(
            [redis_server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(folder)],
            stdout=subprocess.DEVNULL,
            text=True,
        )
        started.append(redis)
        time.sleep(0.5)
        pacing = f"redis://127.0.0.1:{port}/0"
    try:
        mock, mock_url = _start(["mock", "--qps", str(qps), "--token-file", str(tokens)])
        started.append(mock)
        proxies = []
        for _ in range(2):
            proxy, url = _start(["proxy", "--to", mock_url, "--qps", str(qps), "--pacing", pacing])
            started.append(proxy)
            proxies.append(url)
        until = time.time() + seconds
        clients = [
            subprocess.Popen(
                [sys.executable, "-c", _WORKER, proxies[number % 2], _TOKEN, str(until)],
                stdout=subprocess.PIPE,
                text=True,
            )
            for number in range(workers)
        ]
        for client in clients:
            client.communicate(timeout=seconds + 120)
        admin = mock_url.removesuffix("/api2.0/v1") + "/__cjerr/requests?path=/setting/get"
        with urllib.request.urlopen(admin, timeout=30) as answer:
            seen = json.loads(answer.read())["requests"]
    finally:
        for process in reversed(started):
            process.terminate()
            process.wait(timeout=30)
    moments = sorted(float(entry["at"]) for entry in seen)
    answered = [entry for entry in seen if entry["code"] == 200]
    span = moments[-1] - moments[0] if len(moments) > 1 else seconds
    tightest = min((moments[i + qps] - moments[i] for i in range(len(moments) - qps)), default=float("inf"))
    return {
        "pacing": "redis" if redis_server else "lock file",
        "workers": workers,
        "qps": qps,
        "calls": len(seen),
        "answered_200": len(answered),
        "code_1600200": sum(1 for entry in seen if entry["code"] == 1600200),
        "tightest_span_for_qps_plus_1_calls_s": round(tightest, 3),
        "limit_ratio": round(len(answered) / span / qps, 3) if span > 0 else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--qps", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        report = {
            "latency": latency(options.calls, folder),
            "fleet": fleet(options.workers, options.qps, options.seconds, folder),
        }
    if options.json:
        print(json.dumps(report, indent=1))
        return
    lat, flt = report["latency"], report["fleet"]
    print(
        f"latency per call: direct p50 {lat['direct_p50_ms']:.2f} ms p99 {lat['direct_p99_ms']:.2f} ms; "
        f"through the proxy p50 {lat['proxy_p50_ms']:.2f} ms p99 {lat['proxy_p99_ms']:.2f} ms; "
        f"ratio p50 {lat['p50_ratio']:.2f}x p99 {lat['p99_ratio']:.2f}x"
    )
    print(
        f"fleet ({flt['pacing']}): {flt['workers']} workers over 2 proxies at {flt['qps']} QPS: {flt['calls']} calls, "
        f"{flt['answered_200']} answered 200, {flt['code_1600200']} x 1600200; tightest span for "
        f"{int(flt['qps']) + 1} calls {flt['tightest_span_for_qps_plus_1_calls_s']} s; "
        f"{flt['limit_ratio']:.3f} of the account's limit used"
    )


if __name__ == "__main__":
    main()
