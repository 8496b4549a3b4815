"""A warning for secrets typed into a command line: ``probe -d '{"apiKey": "..."}'``, ``-p refreshToken=...``.

What is typed on a command line stays in the shell history and shows in ``ps``
to every user of the machine. The body still goes out (it is a warning, not an
error); the finding says how to keep the secret off the command line.
"""

from __future__ import annotations

import re

from cj_errors.base.redact import is_secret_name
from cj_errors.requests.findings import Finding, Severity

# The names CJ's token endpoints take secrets under, as JSON keys (quoted or not).
_SECRET_KEY = re.compile(r"""(?<![\w])["']?(apiKey|password|refreshToken)["']?\s*:""", re.IGNORECASE)


def inline_body_findings(data: str | None) -> list[Finding]:
    """A WARNING when an inline ``-d`` body (not ``@file`` or ``@-``) holds an apiKey, password or refreshToken."""
    if data is None or data.startswith("@"):
        return []
    names: list[str] = []
    for match in _SECRET_KEY.finditer(data):
        if match.group(1) not in names:
            names.append(match.group(1))
    advice = "put the body in a file and pass -d @file (or -d @- for standard input), or let 'cjerr auth login' "
    return _typed_secrets("the -d body on the command line", names, advice + "handle the API key and tokens")


def inline_query_findings(pairs: list[tuple[str, str]]) -> list[Finding]:
    """A WARNING when a query parameter typed on the command line (-p or the path's query) has a secret's name."""
    names: list[str] = []
    for name, value in pairs:
        if value and is_secret_name(name) and name not in names:
            names.append(name)
    advice = "give the access token with --token-file, $CJ_ACCESS_TOKEN or 'cjerr auth login', and other secrets "
    return _typed_secrets("the query typed on the command line", names, advice + "in a -d @file body")


def _typed_secrets(where: str, names: list[str], advice: str) -> list[Finding]:
    """The warning for secrets ``names`` in ``where``, a part of the command line, or none when there are none."""
    if not names:
        return []
    held = " and ".join(names)
    message = f"{where} holds {held}: it stays in your shell history and shows in ps; "
    return [Finding(Severity.WARNING, message + advice, None, field=names[0])]
