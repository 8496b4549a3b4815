"""Plain text and JSON documents for ``cjerr webhook``, printed by the renderers of ``render``; standard library only.

Everything goes out through the terminal's scrubbing streams, and the openId is registered as a
secret before any of this runs, so it never appears in full.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from cj_errors.base import redact
from cj_errors.base.escaping import escaped
from cj_errors.base.exits import ExitStatus
from cj_errors.output import documents
from cj_errors.output.plain import _count

if TYPE_CHECKING:
    from cj_errors import webhooks
    from cj_errors.webhooks.tools import CheckReport, Received, SendReport, VerifyReport


def _joined(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def _finding_line(finding: webhooks.UrlFinding) -> str:
    code = f" [{finding.code}]" if finding.code else ""
    return f"{finding.severity:<8}{code} {finding.message}"


# --- check ---------------------------------------------------------------------------------


def check_to_dict(report: CheckReport) -> dict[str, Any]:
    result = report.check
    return {
        "url": result.url,
        "host": result.host,
        "accepted": result.accepted,
        "findings": [finding.as_dict() for finding in result.findings],
        "resolution": result.resolution,
        "resolved": list(result.resolved),
        "sent": send_to_dict(report.sent) if report.sent is not None else None,
    }


def check_document(report: CheckReport) -> dict[str, Any]:
    return documents.document("webhook check", report.exit_status, **check_to_dict(report))


def check_plain(report: CheckReport) -> str:
    result = report.check
    lines = [_finding_line(finding) for finding in result.findings]
    if result.resolved:
        lines.append(f"resolved {result.host} to {', '.join(result.resolved)}")
    elif result.resolution == "not tried" and report.resolve is False and result.accepted:
        lines.append("note     the host name was not resolved (--no-resolve)")
    if result.accepted:
        lines.append("CJ's URL rules pass: /webhook/set would accept this URL if it answers HTTP 200 within 3 s")
    else:
        codes = sorted({finding.code for finding in result.findings if finding.severity == "error" and finding.code})
        lines.append(
            f"CJ would refuse this URL ({', '.join(str(code) for code in codes)}): see cjerr lookup CODE for the fix"
        )
    text = _joined(lines)
    if report.sent is not None:
        text += "\n" + send_plain(report.sent, heading="test message")
    return text


# --- send ----------------------------------------------------------------------------------


def send_to_dict(report: SendReport) -> dict[str, Any]:
    return {
        "url": report.url,
        "topic": report.topic,
        "messageType": report.message_type,
        "messageId": report.message_id,
        "body_bytes": len(report.body),
        "signed": report.signed,
        "open_id": redact.mask(report.open_id.value) if report.open_id else None,
        "custom": report.custom,
        "ok": report.delivery.ok,
        "attempts": [attempt.as_dict() for attempt in report.delivery.attempts],
        "what_cj_does": report.what_cj_does,
        "notes": list(report.notes),
    }


def send_document(report: SendReport) -> dict[str, Any]:
    return documents.document("webhook send", report.exit_status, **send_to_dict(report))


def send_plain(report: SendReport, *, heading: str = "sent") -> str:
    key = report.open_id.shown if report.open_id else "none"
    custom = {"params": " (params from --data)", "message": " (the message from --data, as is)"}.get(
        report.custom or "", ""
    )
    lines = [
        f"{heading}: {report.topic} {report.message_type}{custom} to {report.url}",
        f"  messageId: {report.message_id}",
        f"  body:      {len(report.body)} bytes, Content-Type: application/json",
        f"  sign:      {'HMAC-SHA256 with openId ' + key if report.signed else 'not signed'}",
    ]
    for attempt in report.delivery.attempts:
        label = "answer" if len(report.delivery.attempts) == 1 else f"try {attempt.number}"
        lines.append(f"  {label + ':':<11}{attempt.verdict}")
    lines.extend(f"  note:      {note}" for note in report.notes)
    if not report.delivery.ok:
        for index, sentence in enumerate(report.what_cj_does):
            lines.append(f"  {'CJ:' if index == 0 else '':<11}{sentence}")
    status = report.exit_status
    if status is ExitStatus.SUCCESS:
        lines.append("ok: CJ would count this delivery as a success")
    elif status is ExitStatus.NETWORK:
        lines.append(f"exit {int(status)}: nothing answered at {report.url}")
    else:
        lines.append(f"exit {int(status)}: the receiver's answer fails CJ's rule (HTTP 200 within 3 s)")
    return _joined(lines)


# --- verify --------------------------------------------------------------------------------


def verify_document(report: VerifyReport) -> dict[str, Any]:
    received = report.message
    return documents.document(
        "webhook verify",
        report.exit_status,
        source=report.source,
        body_bytes=report.body_bytes,
        valid=report.valid,
        open_id=redact.mask(report.open_id.value),
        hints=list(report.hints),
        topic=received.topic if received else None,
        messageType=received.message_type if received else None,
        messageId=received.message_id if received else None,
    )


def verify_plain(report: VerifyReport) -> str:
    received = report.message
    verdict = "valid" if report.valid else "INVALID"
    lines = [
        f"signature {verdict}: HMAC-SHA256 of the {report.body_bytes} bytes of {report.source}, "
        f"keyed by openId {report.open_id.shown}"
    ]
    if received is not None and received.topic:
        lines.append(f"  message: {received.topic} {received.message_type} messageId {received.message_id}")
    lines.extend(f"  hint:    {hint}" for hint in report.hints)
    return _joined(lines)


# --- listen --------------------------------------------------------------------------------


def received_to_dict(item: Received) -> dict[str, Any]:
    judged = item.message
    return {
        "received_at": datetime.datetime.fromtimestamp(item.at, datetime.timezone.utc).isoformat(),
        "method": item.method,
        "path": item.path,
        "body_bytes": item.body_bytes,
        "topic": judged.topic,
        "messageType": judged.message_type,
        "messageId": judged.message_id,
        "ids": dict(judged.ids),
        "detail": judged.detail,
        "signature": judged.signature,
        "problems": list(judged.problems),
        "answered": item.answered,
        "duplicate": item.duplicate,
        "message": redact.json_value(judged.document) if judged.document is not None else None,
    }


def received_line(item: Received) -> str:
    judged = item.message
    clock = datetime.datetime.fromtimestamp(item.at).strftime("%H:%M:%S")
    if item.method != "POST":
        return escaped(f"{clock}  {item.method} {item.path}: not a delivery (CJ only POSTs)  -> {item.answered}")
    parts = [clock, f"{judged.topic or '?'} {judged.message_type or '?'}"]
    ids = " ".join(f"{name}={value}" for name, value in judged.ids)
    if ids:
        parts.append(ids)
    if judged.detail:
        parts.append(judged.detail)
    parts.append(f"sign {judged.signature}")
    if item.duplicate:
        parts.append("duplicate (messageId seen before)")
    if judged.problems:
        parts.append("problems: " + "; ".join(judged.problems))
    parts.append(f"-> {item.answered}")
    return escaped("  ".join(parts))  # the path and the message's fields come from the network


def listen_checking_line(open_id_shown: str | None, no_verify: bool, status: int) -> str:
    """The stderr line `webhook listen` starts with: how signatures are judged and what it answers."""
    if open_id_shown is not None:
        checking = f"verifying with openId {open_id_shown}"
    elif no_verify:
        checking = "signatures not checked (--no-verify)"
    else:
        checking = (
            "signatures not checked (no openId: give --open-id-file, $CJ_OPEN_ID or run 'cjerr auth login'; "
            "--count then exits 1 unless --no-verify)"
        )
    return f"cjerr: webhook listen: {checking}; answering {status}; Ctrl-C stops\n"


def listen_unchecked_line(count: int) -> str:
    """Why a --count run whose messages were all well-formed still exits 1: nobody checked their signatures."""
    return (
        f"cjerr: {_count(count, 'message')} arrived with the signature not checked (no openId): exit 1; "
        "give the openId (--open-id-file, $CJ_OPEN_ID, 'cjerr auth login') or --no-verify\n"
    )
