"""What a local check says about a request: a finding with its severity, and the code CJ would likely answer."""

from __future__ import annotations

import enum
from typing import NamedTuple


class Severity(str, enum.Enum):
    ERROR = "error"  # the request would fail; nothing is sent without --force
    WARNING = "warning"  # it may work, but probably not as intended
    INFO = "info"


class Finding(NamedTuple):
    severity: Severity
    message: str
    likely_code: int | None = None
    field: str | None = None
    detail: str = ""  # extra lines, e.g. the offending JSON line with a caret
