"""CJ's known traps: local findings for requests that CJ answers with a code that does not say what is wrong.

Each finding that blocks sending (an ERROR) rests on a documented or observed CJ rule; what is only
likely is a WARNING. Called by validate (request bodies) and probe (the token), never sends anything.

* getAccessToken with ``{"email", "password"}``: the body of CJ's older docs; since 2025 CJ answers
  1600005 to it (https://developers.cjdropshipping.com/en/api/api2/api/auth.html takes ``{"apiKey"}``;
  reported in https://github.com/shopnex-ai/shopnex/issues/23).
* an apiKey that is not shaped like CJ's keys (``CJ<digits>@api@<32 hex>``): a warning, the shape is the
  documented example, not a published rule.
* an access token that carries ``Bearer`` or quotes: CJ-Access-Token takes the token exactly as
  getAccessToken issued it, so CJ answers 1600001.
* ``/webhook/set`` callback URLs that CJ refuses (http://, localhost, private addresses), by the rules of
  :func:`cj_errors.webhooks.check_url`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cj_errors.base import redact
from cj_errors.requests.findings import Finding, Severity
from cj_errors.table.catalog import Endpoint

LOGIN_PATH = "/authentication/getAccessToken"
WEBHOOK_SET_PATH = "/webhook/set"
_LEGACY_LOGIN_FIELDS = ("email", "password")


def with_body_findings(
    endpoint: Endpoint, body: Mapping[str, Any], findings: Sequence[Finding], *, local: bool = False
) -> list[Finding]:
    """``findings`` plus the traps of this endpoint's JSON body; ``local``: the request goes to loopback
    (a cjerr mock, which can accept local callback URLs with --allow-local-webhooks)."""
    if endpoint.path == LOGIN_PATH:
        added = _login_findings(body)
        if any(finding.likely_code == 1600005 and finding.severity is Severity.ERROR for finding in added):
            # "apiKey can not be empty" is true but beside the point: the body is the old one.
            findings = [finding for finding in findings if finding.field != "apiKey"]
        return [*findings, *added]
    if endpoint.path == WEBHOOK_SET_PATH:
        return [*findings, *_webhook_findings(body, local)]
    return list(findings)


def _login_findings(body: Mapping[str, Any]) -> list[Finding]:
    legacy = [name for name in _LEGACY_LOGIN_FIELDS if name in body]
    api_key = body.get("apiKey")
    findings: list[Finding] = []
    if legacy and not (isinstance(api_key, str) and api_key.strip()):
        findings.append(
            Finding(
                Severity.ERROR,
                f"getAccessToken no longer takes {' + '.join(legacy)} (the older docs' body): since 2025 CJ "
                'answers 1600005; send {"apiKey": "CJ<digits>@api@..."} from My CJ > Authorization > API',
                1600005,
                legacy[0],
            )
        )
    elif legacy:
        findings.append(
            Finding(
                Severity.WARNING,
                f"{' and '.join(legacy)} next to apiKey: CJ reads only apiKey now; drop them (they are credentials "
                "on the wire for nothing)",
                None,
                legacy[0],
            )
        )
    if isinstance(api_key, str) and api_key.strip():
        problem = redact.api_key_problem(api_key)
        if problem is not None:
            findings.append(Finding(Severity.WARNING, f"apiKey {problem}", 1600005, "apiKey"))
    return findings


def _webhook_findings(body: Mapping[str, Any], local: bool) -> list[Finding]:
    from cj_errors.requests.callback_urls import check_url, registration_error

    findings: list[Finding] = []
    for topic, setting in body.items():
        urls = setting.get("callbackUrls") if isinstance(setting, Mapping) else None
        if not isinstance(urls, list):
            continue
        if not urls and setting.get("type") == "CANCEL":
            # CJ's webhook page marks callbackUrls required (Y) for every topic and type, and documents no empty
            # list: switching a topic off is sent with its URL (https://developers.cjdropshipping.com/en/api/api2/
            # api/webhook.html).
            findings.append(
                Finding(
                    Severity.INFO,
                    f"{topic}: to switch a topic off, send type CANCEL with the callback URL it has (CJ's docs "
                    "require callbackUrls for every topic, CANCEL too)",
                    None,
                    f"{topic}.callbackUrls",
                )
            )
        for index, url in enumerate(urls[:20]):
            if not isinstance(url, str):
                continue
            name = f"{topic}.callbackUrls[{index}]"
            stand_in_accepts = local and registration_error(url, allow_local=True) is None
            accepted_here: list[tuple[str, int | None]] = []
            for finding in check_url(url).findings:
                if finding.severity == "error" and stand_in_accepts:
                    accepted_here.append((finding.message, finding.code))
                    continue
                if finding.severity == "error":
                    severity = Severity.ERROR
                elif finding.severity == "warning":
                    severity = Severity.WARNING
                else:
                    continue
                findings.append(Finding(severity, f"{name}: {finding.message}", finding.code, name))
            if accepted_here:
                # One warning per URL, however many of CJ's rules it breaks (http:// and loopback are both true
                # of http://127.0.0.1/...): the codes in the order CJ checks them, the reasons joined.
                first, *more = accepted_here
                reasons = " - also: ".join([first[0], *(f"{text} [{code}]" for text, code in more)])
                message = f"{name}: {reasons} (a cjerr mock with --allow-local-webhooks accepts it)"
                findings.append(Finding(Severity.WARNING, message, first[1], name))
    return findings


def token_findings(token: str | None, origin: str) -> list[Finding]:
    """An ERROR when the access token carries a "Bearer " prefix or quotes (CJ answers 1600001)."""
    if not token:
        return []
    where = origin or "the token source"
    if token.lower().startswith("bearer ") or token.lower() == "bearer":
        return [
            Finding(
                Severity.ERROR,
                f"the token from {where} starts with 'Bearer ': CJ-Access-Token takes the bare token as "
                "getAccessToken issued it, so CJ would answer 1600001; remove 'Bearer '",
                1600001,
            )
        ]
    if any(char in token for char in "\"'"):
        return [
            Finding(
                Severity.ERROR,
                f"the token from {where} contains quote characters: CJ-Access-Token takes the bare token, so CJ "
                "would answer 1600001; remove the quotes",
                1600001,
            )
        ]
    return []
