"""pytest plugin (registered through the ``pytest11`` entry point): the ``cj_mock`` fixture.

``cj_mock`` is a ``cj_errors.mock.RunningMock``: a real mock on a free port in a thread of the test
process, with ``url`` (the base URL to give your client), ``requests(path)`` (the journal),
``count(path)``, ``min_gap(path)``, ``add_rule(...)``, ``reset()`` and ``state()``. The default mock has
no QPS limit; mark a test ``@pytest.mark.cj_mock(qps=1, balance=5)`` for other options (``build_config``'s
keywords).

Nothing here is imported by cjerr itself; the mock is loaded only when a test asks for the fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from cj_errors.mock import RunningMock


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cj_mock(**options): options of the cj_mock fixture (cjerr mock's keywords)")


@pytest.fixture
def cj_mock(request: pytest.FixtureRequest) -> Iterator[RunningMock]:
    """A live cjerr mock for one test; stopped afterwards."""
    from cj_errors.mock import start

    marker = request.node.get_closest_marker("cj_mock")
    options = {"qps": 0, **(marker.kwargs if marker is not None else {})}
    mock = start(**options)
    try:
        yield mock
    finally:
        mock.close()
