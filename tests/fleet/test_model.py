"""The fleet report model: summary, exit codes, and a JSON form that round-trips."""

from __future__ import annotations

import json

import pytest

from parity.compare.finding import Finding
from parity.fleet.model import (
    FindingKey,
    FleetReport,
    HostOutcome,
    ResolvedFinding,
    RunSummary,
    TrackedFinding,
)


def sample() -> FleetReport:
    f1 = Finding("web1", "package", "curl", "version", ">=8", "7.88.1-10", "changed")
    f2 = Finding("web1", "file", "/etc/app.conf", "sha256", "a" * 64, "b" * 64, "changed",
                 ignored="platform team")
    return FleetReport(
        run_id="r2", started_at="2026-11-28T02:00:00Z", finished_at="2026-11-28T02:00:09Z",
        parity_version="0.1.0", specs={"web": "specs/web.yaml"},
        hosts=[
            HostOutcome("web1", "web", "prod", "drifted", seconds=0.4,
                        findings=[TrackedFinding(f1, new=True, first_seen="2026-11-28T02:00:00Z"),
                                  TrackedFinding(f2, new=False, first_seen="2026-11-20T02:00:00Z",
                                                 runs_seen=8)],
                        checked={"package": 3, "file": 1},
                        observed={"package": {"curl": "7.88.1-10"}, "file": {"/etc/app.conf":
                                                                             "b" * 64}}),
            HostOutcome("web2", "web", "prod", "clean", checked={"package": 3}),
            HostOutcome("web3", "web", "prod", "unreachable", error="ssh: connection refused"),
        ],
        resolved=[ResolvedFinding(FindingKey("web2", "user", "app", "shell"), "changed",
                                  "/bin/bash", "/bin/sh", "2026-11-27T02:00:00Z",
                                  "2026-11-27T02:00:00Z")],
        history=[RunSummary("r1", "2026-11-27T02:00:00Z", 3, 2, 0, 2, 2, 0),
                 RunSummary("r2", "2026-11-28T02:00:00Z", 3, 1, 1, 1, 1, 1)],
    )


def test_summary_counts() -> None:
    assert sample().summary() == {"hosts": 3, "clean": 1, "drifted": 1, "unreachable": 1,
                                  "findings": 1, "new": 1, "resolved": 1, "waived": 1}


@pytest.mark.parametrize(("fail_on", "code"), [("any", 3), ("new", 3), ("never", 0)])
def test_exit_codes_with_an_unreachable_host(fail_on: str, code: int) -> None:
    assert sample().exit_code(fail_on) == code  # type: ignore[arg-type]


def test_fail_on_new_ignores_old_drift() -> None:
    r = sample()
    r.hosts.pop()  # everything reachable
    assert r.exit_code("new") == 1
    r.hosts[0].findings[0].new = False
    assert r.exit_code("new") == 0
    assert r.exit_code("any") == 1


def test_json_round_trip() -> None:
    r = sample()
    doc = json.loads(json.dumps(r.to_dict()))
    assert FleetReport.from_dict(doc).to_dict() == r.to_dict()


@pytest.mark.parametrize("doc", [[], {"kind": "x"}, {"kind": "parity-fleet-report", "format": 9},
                                 {"kind": "parity-fleet-report", "format": 1}])
def test_malformed_json_is_a_value_error(doc: object) -> None:
    with pytest.raises(ValueError):
        FleetReport.from_dict(doc)


@pytest.mark.parametrize(("text", "iso"), [
    ("2026-11-28T02:00:00Z", "2026-11-28T02:00:00+00:00"),
    ("2026-11-28T02:00:00", "2026-11-28T02:00:00+00:00"),  # parity writes UTC
    ("2026-11-28T03:00:00+01:00", "2026-11-28T02:00:00+00:00"),
    ("2027-06-30", "2027-06-30T00:00:00+00:00"),
])
def test_parse_time_gives_aware_utc(text: str, iso: str) -> None:
    from parity.fleet.model import parse_time

    value = parse_time(text)
    assert value is not None and value.isoformat() == iso


@pytest.mark.parametrize("text", [None, "", "yesterday", 5])
def test_parse_time_of_nothing_or_garbage_is_none(text: object) -> None:
    from parity.fleet.model import parse_time

    assert parse_time(text) is None
