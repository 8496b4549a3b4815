"""CJTransport reads at most max_body bytes of an answer, decompressed size included: a 100 MB body and a small
gzip bomb from a real server on 127.0.0.1 are refused, and the client's peak memory (VmHWM) stays bounded."""

from __future__ import annotations

import functools
import gzip
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc")

ENVELOPE = json.dumps({"code": 200, "result": True, "message": "Success", "data": {"n": 1}, "requestId": "r"})
BIG = 100 * 1000 * 1000


@functools.cache
def _bomb() -> bytes:
    # Built when the test asks for it (half a second of zlib), not in every worker that collects this file.
    return gzip.compress(bytes(200 * 1000 * 1000), compresslevel=6)


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        try:
            if self.path.endswith("/big"):  # no Content-Length: the client finds out while reading
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Connection", "close")
                self.end_headers()
                piece = b"a" * (1000 * 1000)
                for _ in range(BIG // len(piece)):
                    self.wfile.write(piece)
            elif self.path.endswith("/announced"):
                self.send_response(200)
                self.send_header("Content-Length", str(BIG))
                self.end_headers()
                self.wfile.write(b"a" * 1000)
            else:
                body = _bomb() if self.path.endswith("/bomb") else gzip.compress(ENVELOPE.encode())
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


@pytest.fixture(scope="module")
def hostile() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api2.0/v1/product"
    server.shutdown()
    server.server_close()


CLIENT = """
import asyncio, json, sys
import httpx
from cj_errors.sdk.httpx_transport import AsyncCJTransport, CJTransport, ResponseTooLargeError

base = sys.argv[1]
state = sys.argv[2]
seen = {}
options = dict(qps=0, retries=2, state_dir=state)
with httpx.Client(transport=CJTransport(**options), timeout=60) as client:
    for name in ("big", "announced", "bomb"):
        try:
            client.get(f"{base}/{name}")
            seen[name] = "read"
        except ResponseTooLargeError as error:
            seen[name] = "refused: " + str(error)
    try:
        with client.stream("GET", f"{base}/big") as streamed:
            seen["stream"] = len(streamed.read())
    except ResponseTooLargeError:
        seen["stream"] = "refused"
    small = client.get(f"{base}/small")
    seen["small"] = [small.json()["code"], small.headers.get("content-encoding")]

async def run():
    async with httpx.AsyncClient(transport=AsyncCJTransport(**options), timeout=60) as client:
        try:
            await client.get(f"{base}/bomb")
            return "read"
        except ResponseTooLargeError:
            return "refused"
seen["async bomb"] = asyncio.run(run())
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        seen["peak_mib"] = int(line.split()[1]) / 1024
print(json.dumps(seen))
"""


def test_a_huge_body_and_a_gzip_bomb_are_refused_with_bounded_memory(hostile: str, tmp_path: Path) -> None:
    assert len(_bomb()) < 300_000  # 200 MB of zeros in a few hundred KB
    result = subprocess.run(
        [sys.executable, "-c", CLIENT, hostile, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["big"].startswith("refused: the body passed the 16,777,216-byte limit")
    assert seen["announced"].startswith("refused: the server announced a 100,000,000-byte body")
    assert seen["bomb"].startswith("refused: the body inflates past the 16,777,216-byte limit")
    assert seen["stream"] == "refused" and seen["async bomb"] == "refused"
    assert seen["small"] == [200, None]  # handed back decoded: reading it does not inflate it again
    assert seen["peak_mib"] < 100, seen  # before: 220 MiB for the 100 MB body, 410 MiB for the bomb
