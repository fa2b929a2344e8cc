"""A service the spec forbids (not running, not enabled) is satisfied by a host without it.

Its own module so the rule's cases stay together; the rest of spec-vs-host lives in
test_against_spec.py.
"""

from __future__ import annotations

import pytest

from parity.compare.against_spec import compare_spec
from parity.spec import Spec, load_spec_text


def _spec(tmp_path, running: bool, enabled: bool) -> Spec:
    flags = f"{{running: {str(running).lower()}, enabled: {str(enabled).lower()}}}"
    text = f"parity: 1\nname: t\nbase: debian:12\nservices:\n  telnetd: {flags}\n"
    return load_spec_text(text, tmp_path / "parity.yaml")


def test_forbidden_service_absent_is_satisfied(tmp_path, clean):
    spec = _spec(tmp_path, False, False)
    assert "telnetd" not in clean.services
    assert compare_spec(spec, clean) == []


def test_forbidden_service_present_and_running_is_drift(tmp_path, clean):
    spec = _spec(tmp_path, False, False)
    clean.services["telnetd"] = {"running": True, "enabled": True}
    assert {f.identity for f in compare_spec(spec, clean)} == {
        ("service", "telnetd", "running", "changed"),
        ("service", "telnetd", "enabled", "changed")}
    clean.services["telnetd"] = {"running": False, "enabled": False}
    assert compare_spec(spec, clean) == []


@pytest.mark.parametrize(("running", "enabled"), [(True, False), (False, True), (True, True)])
def test_wanted_service_absent_is_still_missing(tmp_path, clean, running, enabled):
    spec = _spec(tmp_path, running, enabled)
    assert {f.identity for f in compare_spec(spec, clean)} == {
        ("service", "telnetd", None, "missing")}
