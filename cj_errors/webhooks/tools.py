"""The work behind ``cjerr webhook``: check a URL, send a sample, verify a capture, run a receiver.

Each function returns a result object for ``render_webhook``; none prints. Standard library only.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, cast

from cj_errors import webhooks
from cj_errors.base import limits, redact
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.base.httpguard import HeaderBudget, LocalServer, framing_problem, host_allowed, origin_allowed
from cj_errors.base.inputs import STDIN, read_bounded, shown_source

OPEN_ID_ENV = "CJ_OPEN_ID"


# --- the openId (the signing key) ------------------------------------------------------------


@dataclass(frozen=True)
class OpenId:
    value: str
    source: str  # "--open-id", "--open-id-file PATH", "$CJ_OPEN_ID"

    @property
    def shown(self) -> str:
        return f"{redact.mask(self.value)} (from {self.source})"


def resolve_open_id(
    given: str | None,
    file_name: str | None,
    *,
    environ: dict[str, str] | None = None,
    stdin_taken: bool = False,
    stored: Callable[[], tuple[str, str] | None] | None = None,
) -> OpenId | None:
    """The openId from ``--open-id``, ``--open-id-file``, ``$CJ_OPEN_ID`` or ``stored`` (in that order), registered
    as a secret. ``stored`` gives the stored login's openId and its base URL (cjerr auth login), asked last."""
    env = os.environ if environ is None else environ
    if given is not None and file_name is not None:
        raise CliError("give the openId once: --open-id or --open-id-file", ExitStatus.USAGE)
    found: OpenId | None = None
    if given is not None:
        found = OpenId(given.strip(), "--open-id")
    elif file_name is not None:
        if file_name == STDIN and stdin_taken:
            raise CliError(
                "--open-id-file - and the message both read standard input; put one in a file", ExitStatus.USAGE
            )
        data = read_bounded(file_name, limit=limits.OPEN_ID_FILE_BYTES, what="openId file", too_large=ExitStatus.CONFIG)
        try:
            lines = [line.strip() for line in data.decode("utf-8-sig").splitlines() if line.strip()]
        except UnicodeDecodeError:
            raise CliError(f"openId file {shown_source(file_name)} is not UTF-8 text", ExitStatus.CONFIG) from None
        if len(lines) != 1:
            raise CliError(
                f"openId file {shown_source(file_name)} must hold one line (the openId), not {len(lines)}",
                ExitStatus.CONFIG,
            )
        found = OpenId(lines[0], f"--open-id-file {shown_source(file_name)}")
    elif env.get(OPEN_ID_ENV, "").strip():
        found = OpenId(env[OPEN_ID_ENV].strip(), f"${OPEN_ID_ENV}")
    elif stored is not None and (login := stored()) is not None:
        found = OpenId(login[0].strip(), f"the stored login for {login[1]}")
    if found is None:
        return None
    if not found.value:
        raise CliError(f"the openId from {found.source} is empty", ExitStatus.USAGE)
    if any(not char.isprintable() or char.isspace() for char in found.value):
        raise CliError(f"the openId from {found.source} contains spaces or control characters", ExitStatus.USAGE)
    redact.register(found.value)
    return found


# --- check -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckReport:
    check: webhooks.UrlCheck
    resolve: bool
    sent: SendReport | None = None

    @property
    def exit_status(self) -> ExitStatus:
        if not self.check.accepted:
            return ExitStatus.INVALID_INPUT
        if self.sent is not None:
            return self.sent.exit_status
        return ExitStatus.SUCCESS


def check(
    url: str,
    *,
    resolve: bool,
    send: bool,
    open_id: OpenId | None,
    wait: float,
    resolver: webhooks.Resolver | None = None,
) -> CheckReport:
    """CJ's URL rules; with ``send``, and only when they pass, one signed ORDER test message too."""
    result = webhooks.check_url(url, resolve=resolver if resolver is not None and resolve else resolve)
    if not send or not result.accepted:
        return CheckReport(result, resolve)
    sent = send_message(url.strip(), "ORDER", "UPDATE", open_id, data=None, retries=0, wait=wait, verify_tls=True)
    return CheckReport(result, resolve, sent)


# --- send --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendReport:
    url: str
    topic: str
    message_type: str
    message_id: str
    body: bytes
    signed: bool
    open_id: OpenId | None
    delivery: webhooks.Delivery
    custom: str | None = None  # "params" or "message" when --data gave them
    notes: tuple[str, ...] = ()

    @property
    def exit_status(self) -> ExitStatus:
        if self.delivery.ok:
            return ExitStatus.SUCCESS
        last = self.delivery.last
        if last is not None and last.status is None and last.error_kind in ("connect", "dns", "tls", "invalid"):
            return ExitStatus.NETWORK
        return ExitStatus.API_ERROR

    @property
    def what_cj_does(self) -> list[str]:
        return webhooks.what_cj_does(self.delivery.last, retried=len(self.delivery.attempts) > 1)


def _read_data(data: str) -> bytes:
    if data.startswith("@"):
        source = data[1:] or STDIN
        return read_bounded(source, limit=limits.WEBHOOK_MESSAGE_BYTES, what="--data file")
    return data.encode("utf-8")


def build_body(
    topic: str, message_type: str, open_id: OpenId | None, data: str | None
) -> tuple[bytes, str, str, str, str | None]:
    """(body, topic, messageType, messageId, custom) for ``send``; --data gives params fields or a whole message."""
    try:
        found = webhooks.topic_named(topic)
        kind = message_type.strip().upper()
        key = open_id.value if open_id else None
        if data is None:
            document = webhooks.sample_message(found.name, kind, open_id=key)
            return webhooks.encode(document), found.name, kind, document["messageId"], None
        raw = _read_data(data)
        try:
            given = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as problem:
            raise CliError(f"--data is not JSON: {problem}", ExitStatus.INVALID_INPUT) from None
        if not isinstance(given, dict):
            raise CliError("--data must be a JSON object: params fields, or a whole message", ExitStatus.INVALID_INPUT)
        if "params" in given and "type" in given:
            # A whole message: sent byte for byte, so the signature covers exactly what the file holds.
            if given.get("type") != found.name:
                raise CliError(
                    f"--data holds a {given.get('type')!r} message but the topic is {found.name}", ExitStatus.USAGE
                )
            message_id = given.get("messageId")
            return raw, found.name, str(given.get("messageType")), str(message_id or ""), "message"
        document = webhooks.sample_message(found.name, kind, open_id=key, overrides=given)
        return webhooks.encode(document), found.name, kind, document["messageId"], "params"
    except webhooks.WebhookError as problem:
        raise CliError(str(problem), ExitStatus.USAGE) from None


def send_message(
    url: str,
    topic: str,
    message_type: str,
    open_id: OpenId | None,
    *,
    data: str | None,
    retries: int,
    wait: float,
    verify_tls: bool,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Post one signed message as CJ would, with up to ``retries`` of CJ's retries."""
    body, name, kind, message_id, custom = build_body(topic, message_type, open_id, data)
    notes: list[str] = []
    if open_id is None:
        notes.append(f"not signed: no openId (give --open-id-file or ${OPEN_ID_ENV}); CJ always sends `sign`")
    signature = webhooks.sign(body, open_id.value) if open_id else None
    attempts: list[webhooks.Attempt] = []
    for number in range(1, retries + 2):
        if number > 1:
            sleep(webhooks.DEFAULT_RETRY_DELAYS[min(number - 2, len(webhooks.DEFAULT_RETRY_DELAYS) - 1)])
        attempt = webhooks.post_signed(url, body, signature, wait=wait, verify_tls=verify_tls, number=number)
        attempts.append(attempt)
        if attempt.ok:
            break
    delivery = webhooks.Delivery(url, name, kind, message_id, len(body), tuple(attempts))
    return SendReport(url, name, kind, message_id, body, signature is not None, open_id, delivery, custom, tuple(notes))


def check_target(url: str) -> None:
    """``send`` and ``listen`` need an http(s) URL with a host; say so before anything is sent."""
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises for a bad port
    except ValueError as problem:
        raise CliError(f"--to {url!r} is not a usable URL: {problem}", ExitStatus.USAGE) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CliError(f"--to needs an http:// or https:// URL with a host, not {url!r}", ExitStatus.USAGE)
    if any(not char.isprintable() or char.isspace() for char in url):
        raise CliError("--to contains spaces or control characters", ExitStatus.USAGE)


# --- verify ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyReport:
    source: str
    body_bytes: int
    valid: bool
    open_id: OpenId
    hints: tuple[str, ...]
    message: webhooks.ReceivedMessage | None

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.SUCCESS if self.valid else ExitStatus.NOT_FOUND


def verify_capture(source: str, signature: str, open_id: OpenId) -> VerifyReport:
    body = read_bounded(source, limit=limits.WEBHOOK_MESSAGE_BYTES, what="message file")
    valid = webhooks.verify(body, open_id.value, signature)
    hints = () if valid else tuple(webhooks.signature_hints(body, open_id.value, signature))
    received = webhooks.read_message(body, signature, open_id.value, content_type=None)
    return VerifyReport(shown_source(source), len(body), valid, open_id, hints, received)


# --- listen ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One request the receiver got, as it was judged and answered."""

    at: float
    method: str
    path: str
    body_bytes: int
    message: webhooks.ReceivedMessage
    answered: int
    duplicate: bool = False  # with --dedupe: a messageId already received (CJ retries deliveries)

    @property
    def ok(self) -> bool:
        return self.method == "POST" and self.message.ok


@dataclass
class ListenOptions:
    host: str = "127.0.0.1"
    port: int = 0
    status: int = 200
    delay: float = 0.0
    count: int | None = None
    open_id: OpenId | None = None
    # Without an openId a signature cannot be checked; only --no-verify makes "not checked" count as fine.
    no_verify: bool = False
    dedupe: bool = False


@dataclass
class _State:
    """What the receiver keeps: counts, and with --dedupe the last messageIds. Messages themselves are handed
    to ``on_message`` and forgotten, so a receiver left running keeps the same size."""

    options: ListenOptions
    on_message: Callable[[Received], None]
    messages: int = 0
    problems: int = 0
    unchecked: int = 0  # well-formed, but nobody checked the signature (no openId)
    seen: OrderedDict[str, None] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: threading.Event = field(default_factory=threading.Event)
    failure: BaseException | None = None

    def first_time(self, message_id: str) -> bool:
        """True the first time ``message_id`` is seen (the last ``limits.LISTEN_MESSAGE_IDS`` are remembered)."""
        with self.lock:
            if message_id in self.seen:
                self.seen.move_to_end(message_id)
                return False
            self.seen[message_id] = None
            while len(self.seen) > limits.LISTEN_MESSAGE_IDS:
                self.seen.popitem(last=False)
            return True


def _refused(reason: str) -> webhooks.ReceivedMessage:
    return webhooks.ReceivedMessage(None, None, None, (), "", (reason,), "not checked")


class _ReceiverHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cjerr-webhook-listen"
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per message comes from on_message

    @property
    def _state(self) -> _State:
        return cast(_Receiver, self.server).state

    def parse_request(self) -> bool:
        stream = self.rfile  # headers over limits.HTTP_HEADER_BYTES: 431 from the standard library
        self.rfile = cast(Any, HeaderBudget(stream))
        try:
            return super().parse_request()
        finally:
            self.rfile = stream

    def _refuse(self, status: int, reason: str) -> None:
        self.close_connection = True
        self._record(Received(time.time(), self.command, self.path, 0, _refused(reason), status))
        self._answer(status, {"received": False, "reason": reason})

    def _guarded(self) -> bool:
        """False (after answering) when the request is not one a local receiver should read."""
        if not host_allowed(self.headers.get("Host"), self._state.options.host):
            self._refuse(403, "Host does not name this machine (a DNS-rebinding page?)")
            return False
        if not origin_allowed(self.headers.get("Origin")):
            self._refuse(403, "sent by a web page on another origin; CJ sends no Origin")
            return False
        problem = framing_problem(self.headers.items())
        if problem is not None:
            self._refuse(400, problem)
            return False
        return True

    def do_POST(self) -> None:
        if not self._guarded():
            return
        length = self.headers.get("Content-Length", "")
        if not (length.strip().isascii() and length.strip().isdecimal()):
            self._answer(411, {"received": False, "reason": "Content-Length required"})
            return
        size = int(length)
        if size > limits.WEBHOOK_MESSAGE_BYTES:
            self.close_connection = True
            self._answer(413, {"received": False, "reason": f"body over {limits.WEBHOOK_MESSAGE_BYTES} bytes"})
            return
        body = self.rfile.read(size)
        options = self._state.options
        signatures = self.headers.get_all(webhooks.SIGN_HEADER) or []
        if len(signatures) > 1:
            self._refuse(400, f"{len(signatures)} {webhooks.SIGN_HEADER} headers; CJ sends one")
            return
        key = options.open_id.value if options.open_id else None
        judged = webhooks.read_message(
            body, signatures[0] if signatures else None, key, content_type=self.headers.get("Content-Type", "")
        )
        status = options.status
        if judged.signature in ("invalid", "missing"):
            status = 401  # a forged or unsigned message is not acknowledged, whatever --status says
        duplicate = False
        if options.dedupe and status == 401:
            pass  # an unsigned copy must not mark the real message as seen
        elif options.dedupe and judged.message_id:
            duplicate = not self._state.first_time(judged.message_id)
        self._record(Received(time.time(), "POST", self.path, len(body), judged, status, duplicate))
        if options.delay:
            time.sleep(options.delay)
        self._answer(status, {"received": status == 200, **({"duplicate": True} if duplicate else {})})

    def do_GET(self) -> None:
        if not self._guarded():
            return
        empty = webhooks.ReceivedMessage(None, None, None, (), "", ("CJ only POSTs",), "not checked")
        self._record(Received(time.time(), self.command, self.path, 0, empty, 405))
        self._answer(405, {"received": False, "reason": "CJ delivers webhooks with POST"})

    do_PUT = do_DELETE = do_PATCH = do_GET

    def _record(self, item: Received) -> None:
        state = self._state
        with state.lock:
            if state.done.is_set():
                return
            state.messages += 1
            state.problems += 0 if item.ok else 1
            state.unchecked += 1 if item.ok and item.message.signature == "not checked" else 0
            try:
                state.on_message(item)
            except BrokenPipeError as closed:  # the reader of stdout went away: stop, and say so in the main thread
                state.failure = closed
                state.done.set()
                return
            if state.options.count is not None and state.messages >= state.options.count:
                state.done.set()

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the sender gave up (CJ hangs up after 3 s)


class _Receiver(LocalServer):
    """The shared local server, holding the receiver's state; a sender's failure mid-request is not reported."""

    def __init__(self, address: tuple[str, int], state: _State) -> None:
        self.state = state
        super().__init__(address, _ReceiverHandler)


@dataclass
class ListenSummary:
    messages: int
    problems: int
    unchecked_messages: int = 0
    no_verify: bool = False

    @property
    def unchecked(self) -> int:
        """Messages whose signature nobody checked (no openId), when --no-verify did not say that is fine."""
        return 0 if self.no_verify else self.unchecked_messages

    @property
    def exit_status(self) -> ExitStatus:
        # 0 promises "well-formed and validly signed": a signature nobody checked is not that.
        return ExitStatus.SUCCESS if self.problems == 0 and self.unchecked == 0 else ExitStatus.NOT_FOUND


def listen(
    options: ListenOptions,
    on_ready: Callable[[str], None],
    on_message: Callable[[Received], None],
) -> ListenSummary:
    """Receive messages until ``options.count`` arrived (or forever; Ctrl-C raises KeyboardInterrupt)."""
    state = _State(options, on_message)
    bind = options.host.strip("[]")
    try:
        server = _Receiver((bind, options.port), state)
    except OSError as error:
        hint = " (try --port 0 for a free port)" if getattr(error, "errno", None) in (48, 98, 10048) else ""
        reason = error.strerror or str(error)
        raise CliError(f"cannot listen on {options.host}:{options.port}: {reason}{hint}", ExitStatus.USAGE) from None
    worker = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    try:
        port = int(server.server_address[1])
        shown = f"[{bind}]" if ":" in bind else bind
        worker.start()
        on_ready(f"http://{shown}:{port}/")
        while not state.done.wait(0.2):
            pass
        # Let the last answer go out before the server closes.
        time.sleep(0.05 + options.delay)
    finally:
        server.shutdown()
        server.server_close()
    if state.failure is not None:
        raise state.failure
    with state.lock:
        return ListenSummary(state.messages, state.problems, state.unchecked, no_verify=options.no_verify)
