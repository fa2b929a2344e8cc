from __future__ import annotations

from datetime import date

from parity.compare.finding import Finding
from parity.compare.ignore import apply_ignores
from parity.spec.model import IgnoreRule

F = [
    Finding("h", "package", "linux-image-6.1.0-18-amd64", "version", "*", "1", "changed"),
    Finding("h", "file", "/etc/nginx/conf.d/shop.conf", "mode", "0644", "0666", "changed"),
    Finding("h", "file", "/etc/shop/release", None, {}, None, "missing"),
    Finding("h", "port", "tcp/80", None, None, ["0.0.0.0"], "unexpected"),
]


def test_globs_match_paths_across_slashes_first_rule_wins():
    rules = [IgnoreRule(path="package/linux-image-*", reason="kernels: platform team"),
             IgnoreRule(path="file//etc/nginx/*", reason="nginx tuned by ops"),
             IgnoreRule(path="file//etc/*", reason="broader, later")]
    out, warnings = apply_ignores(F, rules, date(2024, 1, 1))
    assert [f.ignored for f in out] == ["kernels: platform team", "nginx tuned by ops",
                                        "broader, later", None]
    assert warnings == []
    assert [f.fails for f in out] == [False, False, False, True]


def test_rule_applies_through_its_expiry_day_then_warns():
    rule = IgnoreRule(path="port/tcp/80", reason="legacy redirect", expires=date(2024, 6, 30))
    out, warnings = apply_ignores(F, [rule], date(2024, 6, 30))
    assert out[3].ignored == "legacy redirect" and warnings == []
    out, warnings = apply_ignores(F, [rule], date(2024, 7, 1))
    assert out[3].ignored is None
    assert warnings == ["ignore rule 'port/tcp/80' expired on 2024-06-30 and no longer applies "
                        "(legacy redirect); renew its expires date or remove it from "
                        "drift.ignore"]


def test_matching_is_case_sensitive():
    out, _ = apply_ignores(F, [IgnoreRule(path="PACKAGE/*", reason="x")], date(2024, 1, 1))
    assert all(f.ignored is None for f in out)
