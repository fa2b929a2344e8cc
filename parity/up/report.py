"""What ``up`` and ``status`` print: one summary paragraph, a table, or JSON for scripts."""

from __future__ import annotations

from typing import Any

from parity.spec import Spec
from parity.up.decision import Decision
from parity.up.run import UpResult

STATUS_COLUMNS = (("TARGET", "target"), ("NAME", "name"), ("STATE", "state"),
                  ("SPEC", "freshness"), ("URL", "url"), ("UPTIME", "uptime"))


def up_summary(spec: Spec, result: UpResult) -> str:
    """One paragraph: what ``up`` did, and for a replaced environment what changed."""
    what = f"{result.target} environment {result.name}"
    short = spec.sha256[:12]
    took = f" in {result.seconds:.1f}s"
    if result.decision is Decision.UP_TO_DATE:
        return f"{what} is up to date (spec {short}), nothing to do."
    if result.decision is Decision.STOPPED:
        return f"{what} was stopped; started it again (spec {short} unchanged){took}."
    if result.decision is Decision.ABSENT:
        build = f"\nBuild: {'; '.join(result.steps)}." if result.steps else ""
        return f"{what} created from spec {short}{took}.{build}"
    old = (result.previous_sha256 or "unknown")[:12]
    if result.how == "in place":
        ran = ", ".join(result.steps) if result.steps else "nothing (no change reaches it)"
        services = ("services restarted" if result.restarted else "services kept running")
        head = (f"{what} updated in place: spec changed ({old} -> {short}){took}; ran "
                f"{ran}; {services}.")
    else:
        head = f"{what} replaced: spec changed ({old} -> {short}){took}."
        if result.steps:
            head += f"\nBuild: {'; '.join(result.steps)}."
        if result.not_in_place:
            head += "\nNot in place because: " + "; ".join(result.not_in_place) + "."
    if not result.changes_known:
        return head + "\nWhat changed is unknown: the previous spec was not recorded."
    if not result.changes:
        return head + "\nNo spec change (rebuilt on request)."
    return head + "\nChanges:\n" + "\n".join(f"  {line}" for line in result.changes)


def status_json(spec: Spec, rows: list[dict[str, Any]],
                catalog: dict[str, Any] | None = None) -> dict[str, Any]:
    doc = {"spec": str(spec.path), "spec_sha256": spec.sha256, "environments": rows}
    if catalog is not None:
        doc["catalog"] = catalog
    return doc


def status_text(spec: Spec, rows: list[dict[str, Any]],
                catalog: dict[str, Any] | None = None) -> str:
    """A table like ``docker ps``: one row per environment; errors, notes (what to do about an
    outdated box) and the box catalog's summary below it."""
    table = [[h for h, _ in STATUS_COLUMNS]]
    for row in rows:
        table.append([str(row.get(key) or "-") for _, key in STATUS_COLUMNS])
    widths = [max(len(r[i]) for r in table) for i in range(len(STATUS_COLUMNS))]
    lines = [f"spec {spec.path} (sha256 {spec.sha256[:12]})"]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
              for r in table]
    lines += [f"{row['target']}: {row['error']}" for row in rows if row.get("error")]
    lines += [f"{row['target']} {row['name']}: an in-place update did not finish; `parity up` "
              "rebuilds it" for row in rows if row.get("incomplete")]
    lines += [f"{row['target']} {row['name']}: {row['note']}" for row in rows if row.get("note")]
    if catalog is not None:
        from parity.boxes.status import catalog_line

        lines.append(catalog_line(catalog))
    return "\n".join(lines)
