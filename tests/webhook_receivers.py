"""Real HTTP receivers on 127.0.0.1 for the webhook tests: good, slow, failing, and one that checks `sign`."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cj_errors import webhooks


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: bytes
    valid: bool | None


@dataclass
class Behaviour:
    status: int = 200
    delay: float = 0.0
    open_id: str | None = None  # verify `sign` with this key; answer 401 when it does not match
    statuses: list[int] = field(default_factory=list)  # answers in turn, then `status`
    hold: threading.Event | None = None  # answer only once the test sets it (at most 30 s)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client hung up (a 3-second deadline); not a test failure


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        behaviour = server.behaviour
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        signature = self.headers.get("sign")
        valid = None if behaviour.open_id is None else webhooks.verify(body, behaviour.open_id, signature)
        with server.lock:
            server.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}, body, valid))
            status = behaviour.statuses.pop(0) if behaviour.statuses else behaviour.status
        if valid is False:
            status = 401
        if behaviour.hold is not None:
            behaviour.hold.wait(30)
        if behaviour.delay:
            time.sleep(behaviour.delay)
        payload = json.dumps({"ok": status == 200}).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass


@dataclass
class Receiver:
    url: str
    server: _Server

    @property
    def seen(self) -> list[Seen]:
        with self.server.lock:
            return list(self.server.seen)


@contextmanager
def receiver(**options: Any) -> Iterator[Receiver]:
    server = _Server(Behaviour(**options))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Receiver(f"http://127.0.0.1:{server.server_address[1]}/cj/webhook", server)
    finally:
        server.shutdown()
        server.server_close()
