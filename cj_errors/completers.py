"""What TAB offers for codes, families and API paths: (value, description) pairs.

Used by the Typer command line and by the completion fast path, so both offer the same.
Standard library only: every TAB press runs this.
"""

from __future__ import annotations

from cj_errors import codes


def complete_code(incomplete: str) -> list[tuple[str, str]]:
    prefix = incomplete.strip()
    return [(str(entry.code), entry.title) for entry in codes.all_entries() if str(entry.code).startswith(prefix)]


def complete_family(incomplete: str) -> list[tuple[str, str]]:
    return [(key, family.description) for key, family in codes.FAMILIES.items() if key.startswith(incomplete)]


def complete_endpoint(incomplete: str) -> list[tuple[str, str]]:
    from cj_errors import catalog

    # Shells drop candidates that do not start with what was typed, so answer
    # "product/que" with "product/query" rather than "/product/query".
    strip = 1 if incomplete and not incomplete.startswith("/") else 0
    return [
        (endpoint.path[strip:], f"{endpoint.method} {endpoint.summary}")
        for endpoint in catalog.ENDPOINTS
        if endpoint.path[strip:].startswith(incomplete)
    ]
