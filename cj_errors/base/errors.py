"""Errors that carry an exit status; ``cli.main`` prints them as one line."""

from __future__ import annotations

from cj_errors.base.exits import ExitStatus


class CliError(Exception):
    """A problem the user can fix, with the exit status the contract gives it."""

    def __init__(self, message: str, status: ExitStatus) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
