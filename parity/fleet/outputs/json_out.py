"""The JSON output: :meth:`FleetReport.to_dict`, documented in docs/reports.md.

Exact, not sanitised: host names and values are kept as the host reported them (JSON escapes
what needs escaping); a consumer that prints them must sanitise, as parity's own outputs do.
"""

from __future__ import annotations

import json

from parity.fleet.model import FleetReport


def render(report: FleetReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=True, default=str) + "\n"
