"""``parity check SPEC -H URL`` cut into its phases, in one fresh process, through the library.

Run as a script (``python bench/suite/check_phases.py SPEC URL``) by the breakdown area: it
imports nothing of parity before the clock starts, then does what ``parity check`` does, one
step at a time and in the order the CLI needs them, and prints one JSON object of seconds per
phase (plus the bytes the host sent). The interpreter's own start is measured apart
(``python -c pass``), since no code runs before it.

The steps are the CLI's, called sequentially: the CLI may overlap some of them (imports during
the round trip), so their sum can exceed the whole process's wall time.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402


def main(spec_path: str, url: str) -> dict[str, float | int]:
    out: dict[str, float | int] = {}
    last = T0

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        out[name] = now - last
        last = now

    import click  # noqa: F401  (the CLI's own frame: click, parity.cli)

    import parity.cli
    import parity.cli.check_cmds
    lap("import: cli (click)")
    from parity.spec import load_spec
    lap("import: spec (pydantic, ruamel.yaml)")
    from parity.facts import CollectRequest, resolve_hosts, transport
    from parity.facts.collection import parse_output
    from parity.facts.script import build_script
    lap("import: facts")
    import parity.compare.against_spec  # check_facts imports it lazily
    from parity.compare.check import CheckOptions, check_facts
    lap("import: compare")
    import parity.report.text  # noqa: F401
    from parity.report import render_report
    lap("import: report")

    spec = load_spec(spec_path)
    lap("spec load")
    (target,) = resolve_hosts([url], spec=spec)
    request = CollectRequest.from_spec(spec)
    script = build_script(request)
    command = script.command(deadline=59)
    lap("plan (hosts, script)")
    backend = target.backend()
    lap("transport setup")
    res = transport.run(backend, command, 60)
    lap("round trip (connect, script on host, transfer)")
    out["bytes"] = len(res.stdout)
    facts = parse_output(script, target.name, res.stdout.decode("utf-8", "replace"))
    lap("parse")
    report = check_facts(spec, [facts], CheckOptions())
    lap("compare")
    text = render_report(report, "text")
    lap("report")
    out["exit_code"] = int(report.exit_code)
    out["report_chars"] = len(text)
    out["total"] = time.perf_counter() - T0
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
