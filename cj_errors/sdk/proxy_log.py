"""What ``cjerr proxy`` shows and keeps of each call: one explained line per CJ error as it happens (as
``stripe logs tail`` does), tokens masked, and a JSON Lines journal that ``cjerr explain`` reads.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import threading
from typing import Any, TextIO
from urllib.parse import parse_qsl, urlsplit

from cj_errors.base import limits
from cj_errors.base.errors import CliError
from cj_errors.base.escaping import escaped
from cj_errors.base.exits import ExitStatus
from cj_errors.base.redact import json_value, mask, scrub, sent_secrets
from cj_errors.sdk.forwarding import ProxyConfig, Result, catalog_relative
from cj_errors.sdk.recording import Recorder, canonical_query


class Reporter:
    """Event lines on stdout (a closed stdout stops them, not the proxy), the journal and the recordings."""

    def __init__(self, config: ProxyConfig, stdout: TextIO, stderr: TextIO) -> None:
        self._stdout: TextIO | None = stdout
        self._stderr = stderr
        self._lock = threading.Lock()
        self._journal: TextIO | None = None
        if config.journal is not None:
            try:
                handle = os.open(config.journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            except OSError as error:
                raise CliError(
                    f"cannot write the journal {config.journal}: {error.strerror or error}", ExitStatus.CONFIG
                ) from None
            self._journal = os.fdopen(handle, "a", encoding="utf-8")
        self._recorder: Recorder | None = None
        if config.record is not None:
            try:
                self._recorder = Recorder(config.record)
            except OSError as error:
                raise CliError(
                    f"cannot record into {config.record}: {error.strerror or error}", ExitStatus.CONFIG
                ) from None

    def out(self, text: str) -> None:
        with self._lock:
            if self._stdout is None:
                return
            try:
                self._stdout.write(text + "\n")
                self._stdout.flush()
            except (OSError, ValueError):
                self._stdout = None  # a closed pipe (| head): keep proxying, stop telling
                self.err("cjerr proxy: stdout is closed; event lines stop, the proxy goes on")

    def err(self, text: str) -> None:
        try:
            self._stderr.write(text + "\n")
            self._stderr.flush()
        except (OSError, ValueError):
            pass

    def call(self, method: str, target: str, token: str | None, body: bytes, result: Result, elapsed: float) -> None:
        """Show and keep one call; a failure here is reported on stderr, never raised into the server."""
        try:
            self._call(method, target, token, body, result, elapsed)
        except Exception as error:  # noqa: BLE001 - the answer went out; only the report of it is lost
            self.err(f"cjerr proxy: cannot report a call: {type(error).__name__}: {scrub(str(error))}")

    def _call(self, method: str, target: str, token: str | None, body: bytes, result: Result, elapsed: float) -> None:
        split = urlsplit(target)
        path = catalog_relative(split.path)
        # The call's own secrets, masked wherever CJ echoed them: its token, and what its body or query carries.
        secrets = [token or "", *sent_secrets(parse_qsl(split.query), body)]
        explanation = result.explanation
        code = explanation.code if explanation is not None else None
        failed = result.outcome != "answered" or (explanation is not None and not explanation.ok)
        if failed:
            self.out(_hidden(event_line(method, path, token, result), secrets))
        if self._journal is not None:
            entry = {
                "time": _now(),
                "method": method,
                "path": path,
                "query": canonical_query(split.query),
                "status": result.status,
                "code": code,
                "outcome": result.outcome,
                "tries": result.tries,
                "wait": round(result.waited, 3),
                "ms": round(elapsed * 1000, 1),
                "token": mask(token) if token else None,
                "body": _journal_body(result),
            }
            line = _hidden(json.dumps(entry), secrets)  # ASCII: a lone surrogate in a body cannot break the file
            with self._lock:
                try:
                    self._journal.write(line + "\n")
                    self._journal.flush()
                except (OSError, ValueError) as error:
                    self.err(f"cjerr proxy: cannot write the journal: {error}")
        if self._recorder is not None and result.outcome == "answered":
            try:
                headers = dict(result.headers)
                answer = _hidden_bytes(result.decoded, secrets)
                self._recorder.record(method, path, split.query, body, result.status, headers, answer)
            except OSError as error:
                self.err(f"cjerr proxy: cannot write a recording: {error}")

    def close(self) -> None:
        if self._journal is not None:
            with contextlib.suppress(OSError):
                self._journal.close()


def _hidden(text: str, secrets: list[str]) -> str:
    """``text`` with the call's own secrets masked wherever CJ echoed them (a 32-hex token has no shape to find)."""
    for secret in (secret.strip() for secret in secrets):
        if len(secret) >= 8:
            text = text.replace(secret, mask(secret))
    return text


def _hidden_bytes(body: bytes, secrets: list[str]) -> bytes:
    for secret in (secret.strip() for secret in secrets):
        if len(secret) >= 8:
            body = body.replace(secret.encode("utf-8", "replace"), mask(secret).encode())
    return body


def _journal_body(result: Result) -> Any:
    raw = result.decoded if result.outcome == "answered" else result.body
    if not raw:
        return None
    try:
        return json_value(json.loads(raw))
    except (ValueError, RecursionError):
        return scrub(raw[: limits.RECORDED_BODY_CHARS].decode("utf-8", "replace"))


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def event_line(method: str, path: str, token: str | None, result: Result) -> str:
    """One line per CJ error or proxy answer: when, what, CJ's code and message, what the proxy did."""
    stamp = datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3]
    explanation = result.explanation
    parts = [stamp, method, escaped(scrub(path)), "->"]
    if explanation is None:
        parts += [f"{result.status} {result.outcome}:", escaped(scrub(result.note))]
    else:
        code = explanation.code if explanation.code is not None else f"HTTP {result.status}"
        message = explanation.envelope.message if explanation.envelope is not None else None
        parts += [str(code), escaped(scrub(message or explanation.verdict))]
        title = explanation.entry.title if explanation.entry is not None else None
        if title and title != message:
            parts.append(f"({escaped(title)})")
        if result.note:
            parts.append(f"- {escaped(scrub(result.note))}")
    parts.append(f"tries={result.tries}")
    if result.waited:
        parts.append(f"waited={result.waited:.2f}s")
    parts.append(f"token={mask(token) if token else '-'}")
    if explanation is not None and explanation.request_id:
        parts.append(f"requestId={escaped(scrub(explanation.request_id))}")
    return " ".join(parts)
