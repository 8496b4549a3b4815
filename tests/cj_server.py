"""A tiny scripted CJ-like server on 127.0.0.1 for probe tests.

Each test queues answers; the server replays them in order (the last one
repeats) and records every request it receives, which is how the tests prove
retry limits and that an invalid request is never sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from cj_errors.requests.probe import ProbeOutcome


@dataclass
class Answer:
    status: int = 200
    body: bytes | str | dict[str, object] = b""
    content_type: str = "application/json"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = 0.0  # wall-clock arrival time (time.time()), for pacing tests


class ScriptedServer:
    def __init__(self) -> None:
        self.answers: list[Answer] = [Answer(body={"code": 200, "result": True, "message": "Success", "data": {}})]
        self.received: list[Received] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                arrived = time.time()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with server._lock:
                    server.received.append(Received(self.command, self.path, dict(self.headers.items()), body, arrived))
                    index = min(len(server.received) - 1, len(server.answers) - 1)
                    answer = server.answers[index]
                if answer.delay:
                    time.sleep(answer.delay)
                payload = answer.body
                data = (
                    json.dumps(payload).encode()
                    if isinstance(payload, dict)
                    else (payload.encode() if isinstance(payload, str) else payload)
                )
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/api2.0/v1"

    def script(self, *answers: Answer) -> None:
        self.answers = list(answers)

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- the same script without a socket: an httpx.MockTransport and a fake clock ----------------------------------


class FakeClock:
    """A monotonic clock that only moves when ``sleep`` is called: waits are recorded and instant."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class ScriptedTransport:
    """Replays ``answers`` like ScriptedServer (the last one repeats) through ``httpx.MockTransport``.

    ``received`` holds the requests with the fake time they arrived at, which is how a test proves
    the retry count and the waits between attempts.
    """

    def __init__(self, *answers: Answer, clock: FakeClock) -> None:
        import httpx

        self.answers = list(answers) or [Answer(body={"code": 200, "result": True, "message": "Success"})]
        self.received: list[Received] = []
        self.clock = clock

        def handle(request: httpx.Request) -> httpx.Response:
            self.received.append(
                Received(request.method, request.url.raw_path.decode(), dict(request.headers), request.read(), clock())
            )
            answer = self.answers[min(len(self.received), len(self.answers)) - 1]
            payload = answer.body
            data = json.dumps(payload).encode() if isinstance(payload, dict) else payload
            content = data.encode() if isinstance(data, str) else data
            headers = {"Content-Type": answer.content_type, **answer.headers}
            return httpx.Response(answer.status, headers=headers, content=content)

        self.transport = httpx.MockTransport(handle)


@dataclass
class InProcessProbe:
    outcome: ProbeOutcome
    received: list[Received]
    sleeps: list[float]
    announced: list[str]
    stdout: str


def probe_in_process(target: str, *answers: Answer, token: str, **options: object) -> InProcessProbe:
    """prepare + send + the plain renderer, as ``cjerr probe`` does, with the network and the clock injected."""
    import io

    from cj_errors.output import render
    from cj_errors.output.terminal import Mode, Terminal
    from cj_errors.requests import probe

    clock = FakeClock()
    script = ScriptedTransport(*answers, clock=clock)
    path, _, query = target.partition("?")
    params = tuple(query.split("&")) if query else ()
    opts = probe.ProbeOptions(
        target=path,
        params=params,
        base_url="https://cj.example/api2.0/v1",
        token=token,
        **options,  # type: ignore[arg-type]
    )
    prepared = probe.prepare(opts)
    announced: list[str] = []
    outcome = probe.send(prepared, opts, announced.append, sleep=clock.sleep, clock=clock, transport=script.transport)
    out = io.StringIO()
    render.PlainRenderer(Terminal(Mode.PLAIN, out, io.StringIO())).probe(
        prepared, outcome, outcome.exit_status, show_request=False, verbose=False
    )
    return InProcessProbe(outcome, script.received, clock.sleeps, announced, out.getvalue())


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A scripted CJ stand-in on 127.0.0.1 for one test (import it into a test module to use it)."""
    with ScriptedServer() as running:
        yield running
