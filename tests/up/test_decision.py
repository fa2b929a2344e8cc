"""The up-to-date / stopped / stale / absent / conflict decision, without any host."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parity.up.decision import Decision, Observed, decide, format_uptime, freshness

SHA = "a" * 64
OTHER = "b" * 64


def observed(*, sha: str | None = SHA, running: bool = True, managed: bool = True) -> Observed:
    return Observed(target="docker", name="shop-dev", running=running, spec_sha256=sha,
                    url="docker://shop-dev", managed=managed)


@pytest.mark.parametrize(("found", "force", "expected"), [
    (None, False, Decision.ABSENT),
    (None, True, Decision.ABSENT),
    (observed(), False, Decision.UP_TO_DATE),
    (observed(running=False), False, Decision.STOPPED),
    (observed(sha=OTHER), False, Decision.STALE),
    (observed(sha=OTHER, running=False), False, Decision.STALE),
    # built before parity labelled images with a hash: cannot be trusted as current
    (observed(sha=None), False, Decision.STALE),
    (observed(), True, Decision.STALE),
    (observed(managed=False), False, Decision.CONFLICT),
    (observed(managed=False), True, Decision.CONFLICT),
])
def test_decide(found: Observed | None, force: bool, expected: Decision) -> None:
    assert decide(SHA, found, force=force) is expected


def test_freshness_for_status() -> None:
    assert freshness(SHA, None) is None
    assert freshness(SHA, observed()) == "up to date"
    assert freshness(SHA, observed(running=False)) == "up to date"
    assert freshness(SHA, observed(sha=OTHER)) == "stale"
    assert freshness(SHA, observed(managed=False)) is None


def test_uptime_only_while_running() -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    started = now - timedelta(minutes=5, seconds=3)
    env = Observed("docker", "x", True, SHA, started_at=started)
    assert env.uptime(now) == pytest.approx(303)
    assert Observed("docker", "x", False, SHA, started_at=started).uptime(now) is None
    assert Observed("docker", "x", True, SHA).uptime(now) is None


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "-"), (0, "0s"), (42.9, "42s"), (303, "5m 3s"), (7800, "2h 10m"),
    (3 * 86400 + 4 * 3600 + 59, "3d 4h"),
])
def test_format_uptime(seconds: float | None, text: str) -> None:
    assert format_uptime(seconds) == text
