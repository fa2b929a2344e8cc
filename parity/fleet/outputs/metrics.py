"""The fleet report as Prometheus metrics (``parity report --metrics``), in the text exposition
format node_exporter's textfile collector reads (the run writes the file atomically).

Series (all gauges, no timestamps: the textfile collector refuses samples that carry one):

* ``parity_hosts{state}``: hosts clean, drifted and unreachable (all three, zeros included)
* ``parity_findings{host,kind,change}``: failing findings per host, kind and change
  (ignored and baselined findings are counted in ``parity_findings_waived``)
* ``parity_findings_new`` / ``parity_findings_resolved`` / ``parity_findings_waived``
* ``parity_last_run_timestamp_seconds``: when the run finished (Unix time)
* ``parity_run_duration_seconds``: the run's wall time
* ``parity_host_collect_seconds{host}``: each host's collection wall time (unreachable hosts too:
  a timeout shows as its length)

Label values are a host's name and a finding's kind and change exactly as parity holds them
(this is data, like the JSON report, not text for a terminal), escaped as the format requires:
backslash, double quote and newline. A name with bytes that are not UTF-8 (held as
``surrogateescape`` surrogates) gets ``\\xNN`` for each such byte (any other lone surrogate
``\\uNNNN``), since the file must be UTF-8.
Two hosts with the same display name are merged (a duplicate series would make the collector
drop the whole file).

The lines are assembled here rather than in a template: the format is a data serialisation with
its own escaping, like the JUnit writer's XML tree.
"""

from __future__ import annotations

import re
from collections import Counter

from parity.fleet.model import FleetReport, parse_time

STATES = ("clean", "drifted", "unreachable")

HELP = {
    "parity_hosts": "Hosts in the last parity report, by state.",
    "parity_findings": "Failing drift findings in the last parity report, per host, kind and "
                       "change.",
    "parity_findings_new": "Failing findings not present in each host's previous run.",
    "parity_findings_resolved": "Findings open in each host's previous run and gone in this one.",
    "parity_findings_waived": "Findings reported but not failing (ignore rules, baseline).",
    "parity_last_run_timestamp_seconds": "When the last parity report run finished, Unix time.",
    "parity_run_duration_seconds": "Wall time of the last parity report run.",
    "parity_host_collect_seconds": "Wall time spent collecting each host's facts.",
}


def render(report: FleetReport) -> str:
    s = report.summary()
    findings: Counter[tuple[str, str, str]] = Counter()
    collect: dict[str, float] = {}
    for h in report.hosts:
        host = utf8(h.host)  # merged on the written name: two hosts may write the same one
        collect[host] = max(collect.get(host, 0.0), h.seconds)
        for t in h.failing:
            findings[(host, utf8(t.finding.kind), utf8(t.finding.change))] += 1
    out: list[str] = []
    _family(out, "parity_hosts", [({"state": st}, s[st]) for st in STATES])
    _family(out, "parity_findings",
            [({"host": host, "kind": kind, "change": change}, n)
             for (host, kind, change), n in sorted(findings.items())])
    _family(out, "parity_findings_new", [({}, s["new"])])
    _family(out, "parity_findings_resolved", [({}, s["resolved"])])
    _family(out, "parity_findings_waived", [({}, s["waived"])])
    started, finished = _unix(report.started_at), _unix(report.finished_at)
    if finished is not None:
        _family(out, "parity_last_run_timestamp_seconds", [({}, finished)])
    if started is not None and finished is not None:
        _family(out, "parity_run_duration_seconds", [({}, max(0.0, finished - started))])
    _family(out, "parity_host_collect_seconds",
            [({"host": host}, secs) for host, secs in sorted(collect.items())])
    return "\n".join(out) + "\n"


def _family(out: list[str], name: str, samples: list[tuple[dict[str, str], float]]) -> None:
    out.append(f"# HELP {name} {HELP[name]}")
    out.append(f"# TYPE {name} gauge")
    for labels, value in samples:
        body = ",".join(f'{k}="{label_value(v)}"' for k, v in labels.items())
        out.append(f"{name}{{{body}}} {_number(value)}" if body else f"{name} {_number(value)}")


def label_value(text: str) -> str:
    """``text`` (already :func:`utf8`) as a label value: ``\\``, ``"`` and newline escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


#: lone surrogates: an undecodable byte held by ``surrogateescape`` (U+DC80-U+DCFF), or any other
#: (which no UTF-8 file can hold)
_SURROGATE = re.compile("[\ud800-\udfff]")


def utf8(text: str) -> str:
    """``text`` with its lone surrogates spelled out, so the file can be written as UTF-8."""
    return _SURROGATE.sub(_unsurrogate, text)


def _unsurrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _unix(text: str) -> float | None:
    value = parse_time(text)
    return value.timestamp() if value else None
