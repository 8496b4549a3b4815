"""What TAB offers for codes, families, API paths and webhook topics: (value, description) pairs.

Used by the Typer command line and by the completion fast path, so both offer the same.
Read from ``_tab_table``, generated from the code table and the catalog (``tab_table``),
so a TAB press imports neither: every TAB press runs this. Standard library only.
"""

from __future__ import annotations

from cj_errors.cli import _tab_table


def complete_code(incomplete: str) -> list[tuple[str, str]]:
    prefix = incomplete.strip()
    return [(code, title) for code, title in _tab_table.CODES if code.startswith(prefix)]


def complete_family(incomplete: str) -> list[tuple[str, str]]:
    return [(key, description) for key, description in _tab_table.FAMILIES if key.startswith(incomplete)]


def complete_endpoint(incomplete: str) -> list[tuple[str, str]]:
    # Shells drop candidates that do not start with what was typed, so answer
    # "product/que" with "product/query" rather than "/product/query".
    strip = 1 if incomplete and not incomplete.startswith("/") else 0
    return [(path[strip:], summary) for path, summary in _tab_table.ENDPOINTS if path[strip:].startswith(incomplete)]


def complete_topic(incomplete: str) -> list[str]:
    return [name for name in _tab_table.TOPICS if name.startswith(incomplete.upper())]
