"""Items a host held that could not be read (``Facts.warnings``) reach the report's warnings."""

from __future__ import annotations

from parity.compare.hosts import compare_hosts_full
from parity.facts.model import Facts


def test_host_vs_host_notes_name_each_sides_warnings() -> None:
    a = Facts(host="a", warnings=["users: skipped /etc/passwd line 'x': not 7 fields"])
    b = Facts(host="b", warnings=["groups: skipped /etc/group line 'y': not 4 fields"])
    notes = compare_hosts_full(a, b).notes
    assert "a: users: skipped /etc/passwd line 'x': not 7 fields" in notes
    assert "b: groups: skipped /etc/group line 'y': not 4 fields" in notes


def test_spec_check_notes_carry_the_hosts_warnings(webapp, clean):
    from parity.compare.against_spec import compare_spec_full

    clean.warnings = ["os: skipped os-release line 'junk': not KEY=value"]
    cmp = compare_spec_full(webapp, clean, "prod")
    assert f"{clean.host}: os: skipped os-release line 'junk': not KEY=value" in cmp.notes
    assert cmp.findings == []  # a warning is not drift
