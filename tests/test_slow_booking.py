"""A booking that is slow itself (a Redis round trip, a contended lock file) is not a late wake-up."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from cj_errors.sdk import limiter
from cj_errors.sdk.httpx_transport import CJTransport


def test_take_turn_does_not_book_again_when_only_the_booking_was_slow() -> None:
    now = [0.0]
    bookings: list[float] = []

    class SlowBucket:  # a Redis 60 ms away: the wait it returns is counted from the server's clock, mid-trip
        calls, window, slowdown = 1, 1.0, 1.0

        def reserve(self, max_wait: float | None = None) -> float:
            now[0] += 0.06
            bookings.append(now[0])
            return 0.0

        def slow_down(self) -> None: ...

        def recover(self) -> None: ...

    limiter.take_turn(SlowBucket(), None, sleep=lambda s: now.__setitem__(0, now[0] + s), clock=lambda: now[0])
    assert len(bookings) == 1, f"booked {len(bookings)} slots for one call that waited for none"


def test_the_transport_does_not_book_again_when_only_the_booking_was_slow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    bookings: list[float] = []
    reserve = limiter._FileBucket.reserve

    def slow_reserve(self: limiter._FileBucket, max_wait: float | None = None) -> float:
        now[0] += 0.06  # a contended lock file or a slow disk
        bookings.append(now[0])
        return reserve(self, max_wait)

    monkeypatch.setattr(limiter._FileBucket, "reserve", slow_reserve)
    transport = CJTransport(
        qps=1,
        state_dir=tmp_path,
        sleep=lambda s: now.__setitem__(0, now[0] + s),
        jitter=0.0,
        clock=lambda: now[0],
        transport=httpx.MockTransport(
            lambda request: httpx.Response(200, json={"code": 200, "result": True, "message": "Success", "data": None})
        ),
    )
    with httpx.Client(
        base_url="https://developers.cjdropshipping.com/api2.0/v1",
        transport=transport,
        headers={"CJ-Access-Token": "API@CJ1@CJ:x.slow-booking.y"},
    ) as client:
        client.get("/product/query")
    assert len(bookings) == 1, f"booked {len(bookings)} slots for one call that waited for none"


def test_max_wait_bounds_the_whole_turn_not_each_booking() -> None:
    """Each wait ends 0.5 s late, so the call books again; the later bookings may wait only what is left of 10 s."""
    now = [0.0]
    allowances: list[float | None] = []

    class Bucket:
        calls, window, slowdown = 1, 1.0, 1.0

        def reserve(self, max_wait: float | None = None) -> float:
            allowances.append(max_wait)
            if max_wait is not None and max_wait < 4.0:
                raise limiter.pacing.PaceRefused(4.0, 1, 1.0)
            return 4.0

        def slow_down(self) -> None: ...

        def recover(self) -> None: ...

    def sleep(seconds: float) -> None:
        now[0] += seconds + 0.5

    with pytest.raises(limiter.pacing.PaceRefused):
        limiter.take_turn(Bucket(), 10.0, sleep=sleep, clock=lambda: now[0])
    # 10 s at first, 5.5 s after the first late wait of 4.5 s, 1 s after the second: refused, never 3 waits of 4 s.
    assert allowances == pytest.approx([10.0, 5.5, 1.0])
