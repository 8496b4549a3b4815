"""Paced read calls to CJ for the commands that look things up (`order`, `probe --preflight`).

Each call waits for the account's QPS (one call a second unless told otherwise), is tried once more after a
temporary answer (1600200 after its window), and counts the points it cost from the catalog. A call that
got no answer raises ``CliError`` (68, or 75 for a timeout); CJ's own errors come back to the caller to judge.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cj_errors.base import limits
from cj_errors.base.errors import CliError
from cj_errors.base.exits import ExitStatus
from cj_errors.reading.explanation import Explanation, explain_response
from cj_errors.table import catalog

if TYPE_CHECKING:
    from cj_errors.requests.transport import Network

TOKEN_HEADER = "CJ-Access-Token"
_LONGEST_RETRY_WAIT = 10.0


@dataclass(frozen=True)
class Answer:
    """One call's answer: the explanation and the envelope's ``data`` (None when it had none)."""

    path: str
    explanation: Explanation
    data: Any

    @property
    def ok(self) -> bool:
        return self.explanation.exit_status is ExitStatus.SUCCESS

    @property
    def message(self) -> str:
        envelope = self.explanation.envelope
        text = envelope.message if envelope is not None else None
        return text if isinstance(text, str) else ""


@dataclass
class Reader:
    """Reads from CJ at ``base_url`` with ``token``; ``sleep``, ``clock`` and ``transport`` are the test seams."""

    base_url: str
    token: str | None
    qps: float = 1.0
    verify: bool | str = True
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    transport: Network | None = None
    calls: list[tuple[str, int]] = field(default_factory=list)  # (path, points) of every call sent
    _last: float | None = None

    @property
    def points(self) -> int:
        return sum(points for _path, points in self.calls)

    def _pace(self) -> None:
        if self.qps <= 0 or self._last is None:
            return
        wait = self._last + 1.0 / self.qps - self.clock()
        if wait > 0:
            self.sleep(wait)

    def get(self, path: str, query: Sequence[tuple[str, str]] = ()) -> Answer:
        return self.call("GET", path, query=query)

    def post(self, path: str, body: Any) -> Answer:
        return self.call("POST", path, body=json.dumps(body).encode("utf-8"))

    def call(self, method: str, path: str, query: Sequence[tuple[str, str]] = (), body: bytes | None = None) -> Answer:
        from cj_errors.requests import transport as network

        url = self.base_url.rstrip("/") + path + ("?" + urllib.parse.urlencode(list(query)) if query else "")
        headers: list[tuple[str, str]] = [("Accept", "application/json")]
        if body is not None:
            headers.append(("Content-Type", "application/json"))
        if self.token is not None:
            headers.append((TOKEN_HEADER, self.token))
        request = network.HttpRequest(method, url, tuple(headers), body)
        timeouts = network.Timeouts(connect=min(10.0, self.timeout), read=self.timeout, total=self.timeout * 2)
        endpoint = catalog.find(path)
        for attempt in (1, 2):
            self._pace()
            try:
                reply = network.send(request, timeouts, limits.RESPONSE_BODY_BYTES, self.verify, self.transport)
            except network.TransportError as error:
                status = ExitStatus.TEMPORARY if error.kind == "timeout" else ExitStatus.NETWORK
                raise CliError(f"{path}: no answer: {error.message}", status) from None
            finally:
                self._last = self.clock()
            self.calls.append((path, endpoint.points if endpoint is not None else 0))
            explanation = explain_response(reply.body, reply.status, reply.content_type, path=path)
            wait = explanation.wait_seconds or 1.0
            if attempt == 1 and explanation.retryable and wait <= _LONGEST_RETRY_WAIT:
                self.sleep(wait)
                continue
            return Answer(path, explanation, _data(reply.body))
        raise AssertionError("unreachable: the second attempt always returns")


def _data(body: bytes) -> Any:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return value.get("data") if isinstance(value, dict) else None


def refuse(answer: Answer) -> CliError:
    """A CJ answer the command cannot go on from (auth, points, quota, not an envelope) as a one-line error."""
    explanation = answer.explanation
    code = f" {explanation.code}" if explanation.code is not None else ""
    return CliError(f"{answer.path}: CJ answered{code}: {explanation.verdict}", explanation.exit_status)


def account_qps(reader: Reader) -> tuple[float | None, dict[str, Any] | None]:
    """The account's QPS and settings from /setting/get (costs no points); (None, None) when CJ would not say."""
    answer = reader.get("/setting/get")
    if not answer.ok or not isinstance(answer.data, dict):
        if answer.explanation.exit_status in (ExitStatus.AUTH, ExitStatus.NOT_ENVELOPE):
            raise refuse(answer)
        return None, None
    setting = answer.data.get("setting")
    qps = setting.get("qpsLimit") if isinstance(setting, dict) else None
    if isinstance(qps, bool) or not isinstance(qps, int | float):
        return None, answer.data
    return float(qps), answer.data
