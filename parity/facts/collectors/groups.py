"""Local groups from ``/etc/group``: gid and explicit members; odd lines are skipped, with a
warning."""

from __future__ import annotations

from typing import Any

from parity.facts.collectors import lines
from parity.facts.collectors.users import parse_group_file
from parity.facts.request import CollectRequest

KIND = "groups"


def snippet(request: CollectRequest) -> str:
    return """\
if [ -r /etc/group ]; then cat /etc/group; else echo "$NA /etc/group is not readable"; fi
"""


def parse(text: str, request: CollectRequest,
          warnings: list[str] | None = None) -> dict[str, Any]:
    return parse_group_file(lines(text), [] if warnings is None else warnings)
