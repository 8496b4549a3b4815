"""A tiny scripted CJ-like server on 127.0.0.1 for probe tests.

Each test queues answers; the server replays them in order (the last one
repeats) and records every request it receives, which is how the tests prove
retry limits and that an invalid request is never sent.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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
