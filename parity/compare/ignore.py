"""Ignore rules (``drift.ignore`` in the spec): silence known, accepted drift, with a reason.

A rule's ``path`` is an fnmatch glob over :attr:`Finding.path` (``kind/name/field``), matched
case-sensitively; ``*`` crosses ``/``, so ``file//etc/nginx/*`` covers every file below that folder
and ``package/linux-image-*`` every field of every kernel package. A rule applies through its
``expires`` date inclusive; from the next day on it no longer applies and every run warns, so
an accepted exception cannot quietly become permanent. Ignored findings stay in every report
(marked with the rule's reason) but never fail a check.
"""

from __future__ import annotations

import fnmatch
from dataclasses import replace
from datetime import date
from typing import Protocol

from parity.compare.finding import Finding
from parity.textsafe import quoted


class Rule(Protocol):
    path: str
    reason: str
    expires: date | None


def active_rules(rules: list[Rule], today: date) -> tuple[list[Rule], list[str]]:
    """Rules still in force, and one warning per expired rule."""
    active, warnings = [], []
    for rule in rules:
        if rule.expires is not None and today > rule.expires:
            warnings.append(
                f"ignore rule {quoted(rule.path)} expired on {rule.expires.isoformat()} and no "
                f"longer applies ({rule.reason}); renew its expires date or remove it from "
                "drift.ignore"
            )
        else:
            active.append(rule)
    return active, warnings


def apply_ignores(findings: list[Finding], rules: list[Rule],
                  today: date | None = None) -> tuple[list[Finding], list[str]]:
    """Mark findings matched by an active rule as ignored (first matching rule wins)."""
    active, warnings = active_rules(rules, today or date.today())
    out = []
    for f in findings:
        rule = next((r for r in active if fnmatch.fnmatchcase(f.path, r.path)), None)
        out.append(replace(f, ignored=rule.reason) if rule is not None and not f.ignored else f)
    return out, warnings
