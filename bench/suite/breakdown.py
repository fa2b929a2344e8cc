"""Goal 2: where one host's time goes in ``parity check``, next to the physical floor.

The host and spec are the one_host area's (a realistic debian:12 container, a spec of about 200
resources taken from its live state), checked over docker and over ssh. Per transport, in
interleaved rounds:

* the whole process, ``parity check SPEC -H URL`` (what a user waits for);
* the same steps in one fresh process through the library (``check_phases.py``): imports (cli,
  spec, facts, compare, report), spec load, plan, transport setup, round trip, parse, compare,
  report; plus ``python -c pass`` for the interpreter's own start;
* the floor: one bare transport round trip (``docker exec HOST true``, ``ssh HOST true`` without
  multiplexing) plus the collection script's own time on the host (timed inside the host with
  ``date +%s%N`` around ``sh -c SCRIPT >/dev/null``).

Goal: whole-process ``parity check`` within 2x of (round trip + host script). ``-X importtime``
(self time summed per top-level package) and a pyinstrument profile of the whole process are
saved in the work folder; the profile's top lines go into the section's data.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from bench.suite.common import (
    PYTHON,
    REPO,
    BenchError,
    Context,
    Goal,
    Section,
    fmt_s,
    fmt_stats,
    interleave,
    md_table,
    run_measured,
    stats,
)
from bench.suite.one_host import (
    SIZES,
    collection_commands,
    derive_spec,
    host_script_seconds,
    ssh_config,
    start_host,
    stop_master,
)

AREA = "breakdown"
GOAL_FACTOR = 2.0
PHASES = Path(__file__).resolve().parent / "check_phases.py"


def _importtime(ctx: Context, spec: Path, url: str) -> tuple[float, list[tuple[str, float]]]:
    """Total import time and self time per top-level package, from ``-X importtime``."""
    t = run_measured([str(PYTHON), "-X", "importtime", "-m", "parity", "check", str(spec),
                      "-H", url])
    (ctx.workdir / "importtime.txt").write_bytes(t.stderr)
    per: dict[str, float] = defaultdict(float)
    for line in t.stderr.decode(errors="replace").splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+\d+ \|(\s*)(\S+)", line)
        if m:
            per[m.group(3).split(".")[0]] += int(m.group(1)) / 1e6
    total = sum(per.values())
    return total, sorted(per.items(), key=lambda kv: -kv[1])[:8]


def _profile(ctx: Context, spec: Path, url: str, label: str) -> list[str]:
    """A pyinstrument text profile of the whole process; returns its first tree lines."""
    out = ctx.workdir / f"profile-{label}.txt"
    t = run_measured([str(PYTHON), "-m", "pyinstrument", "-r", "text", "-o", str(out), "-m",
                      "parity", "check", str(spec), "-H", url])
    if not out.exists():
        raise BenchError(f"pyinstrument wrote no profile (exit {t.rc}): "
                         f"{t.stderr.decode()[-500:]}")
    lines = out.read_text().splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("Program:")), 0)
    tree = [ln.rstrip() for ln in lines[start + 1:] if ln.strip()]
    keep = [ln for ln in tree if not re.search(r"_find_and_load|_load_unlocked|exec_module|"
                                               r"_call_with_frames_removed", ln)]
    return keep[:22]


def run(ctx: Context) -> Section:
    rounds = ctx.rounds or 7
    host, _web = start_host(ctx)
    cfg = ssh_config(ctx, host)
    ctx.cleanup.add("ssh ControlMaster", lambda: stop_master(cfg))
    sizes = {k: v[0] for k, v in SIZES.items()}  # the full-size spec even in quick mode
    spec, picks = derive_spec(ctx, host, sizes)
    resources = sum(len(v) for v in picks.values())
    urls = {"docker": f"docker://{host.container}", "ssh": f"ssh://onehost?ssh_config={cfg}"}
    bare = {"docker": ["docker", "exec", host.container, "true"],
            "ssh": ["ssh", "-F", str(cfg), "-o", "BatchMode=yes", "-o", "ControlMaster=no",
                    "-o", "ControlPath=none", "onehost", "true"]}
    commands = collection_commands(spec)
    command = commands["all"]
    env_ok = run_measured([*ctx.parity(), "check", str(spec), "-H", urls["docker"]])
    if env_ok.rc != 0:
        raise BenchError(f"parity check of the host its spec was taken from exited {env_ok.rc}:"
                         f"\n{env_ok.text()[-1000:]}")

    phases: dict[str, list[dict[str, float]]] = {"docker": [], "ssh": []}

    def whole(transport: str) -> Callable[[], float]:
        def once() -> float:
            t = run_measured([*ctx.parity(), "check", str(spec), "-H", urls[transport]])
            if t.rc != 0:
                raise BenchError(f"parity check over {transport} exited {t.rc}: "
                                 f"{t.text()[-500:]}{t.stderr.decode()[-500:]}")
            return t.wall
        return once

    def phased(transport: str) -> Callable[[], float]:
        def once() -> float:
            t = run_measured([str(PYTHON), str(PHASES), str(spec), urls[transport]], cwd=REPO)
            if t.rc != 0:
                raise BenchError(f"check_phases over {transport} failed: "
                                 f"{t.stderr.decode()[-800:]}")
            got = json.loads(t.stdout)
            if got.get("exit_code") != 0:
                raise BenchError(f"check_phases over {transport}: the check found drift")
            phases[transport].append(got)
            return t.wall
        return once

    def measured(cmd: list[str]) -> Callable[[], float]:
        def once() -> float:
            t = run_measured(cmd)
            if t.rc != 0:
                raise BenchError(f"{' '.join(cmd[:4])} exited {t.rc}: {t.stderr.decode()[-300:]}")
            return t.wall
        return once

    ctx.log(f"{rounds} interleaved rounds over docker and ssh")
    res = interleave(rounds, {
        "check docker": whole("docker"),
        "check ssh": whole("ssh"),
        "phases docker": phased("docker"),
        "phases ssh": phased("ssh"),
        "python -c pass": measured([str(PYTHON), "-c", "pass"]),
        "docker exec true": measured(bare["docker"]),
        "ssh true": measured(bare["ssh"]),
        "script on host": lambda: host_script_seconds(host.container, command),
    }, log=ctx.log)

    # the script's time per fact kind (each kind's snippet alone, 3 runs, median): which part of
    # the host-side floor is which collector
    per_kind = {k: stats([host_script_seconds(host.container, c) for _ in range(3)])["median"]
                for k, c in commands.items() if k != "all"}
    imports_total, imports_top = _importtime(ctx, spec, urls["docker"])
    profile = {t: _profile(ctx, spec, urls[t], t) for t in ("docker", "ssh")}
    return _section(res, phases, imports_total, imports_top, profile, resources, rounds,
                    per_kind)


def _section(res: dict[str, list[float]], phases: dict[str, list[dict[str, float]]],
             imports_total: float, imports_top: list[tuple[str, float]],
             profile: dict[str, list[str]], resources: int, rounds: int,
             per_kind: dict[str, float]) -> Section:
    med = {k: stats(v)["median"] for k, v in res.items()}
    script = med["script on host"]
    floors = {"docker": med["docker exec true"] + script, "ssh": med["ssh true"] + script}
    names = [k for k in phases["docker"][0] if k not in ("bytes", "exit_code", "report_chars",
                                                         "total")]
    rows = [("interpreter start (`python -c pass`)", fmt_s(med["python -c pass"]),
             fmt_s(med["python -c pass"]))]
    data: dict = {"resources": resources, "rounds": rounds, "floor_s": floors,
                  "script_on_host_s": stats(res["script on host"]),
                  "import_self_time_by_package_s": {k: round(v, 4) for k, v in imports_top},
                  "import_total_s": round(imports_total, 4), "profile_excerpt": profile,
                  "runs": {k: stats(v) for k, v in res.items()}, "phases_median_s": {},
                  "script_on_host_per_kind_s": per_kind}
    for name in names:
        cells = []
        for t in ("docker", "ssh"):
            v = stats([p[name] for p in phases[t]])["median"]
            data["phases_median_s"].setdefault(t, {})[name] = v
            cells.append(fmt_s(v))
        rows.append((name, *cells))
    rows.append(("**sum of phases + interpreter**",
                 *(fmt_s(med["python -c pass"] + stats([p["total"] for p in phases[t]])["median"])
                   for t in ("docker", "ssh"))))
    rows.append(("**whole process `parity check`**",
                 *(fmt_stats(stats(res[f"check {t}"])) for t in ("docker", "ssh"))))
    rows.append(("floor: bare round trip (`docker exec true` / `ssh true`)",
                 fmt_s(med["docker exec true"]), fmt_s(med["ssh true"])))
    rows.append(("floor: collection script on the host", fmt_s(script), fmt_s(script)))
    rows.append(("**floor (round trip + script)**", fmt_s(floors["docker"]),
                 fmt_s(floors["ssh"])))
    goals = []
    for t in ("docker", "ssh"):
        factor = med[f"check {t}"] / floors[t]
        data[f"factor_{t}"] = round(factor, 2)
        met = factor <= GOAL_FACTOR
        p = data["phases_median_s"][t]
        imports = sum(v for k, v in p.items() if k.startswith("import:"))
        goals.append(Goal(
            id=f"one host breakdown, {t}", text="whole-process parity check within 2x of a bare "
            "round trip plus the host-side script time", target=f"<= {GOAL_FACTOR:.0f}x floor",
            measured=f"{factor:.2f}x ({fmt_s(med[f'check {t}'])} vs floor "
                     f"{fmt_s(floors[t])})", met=met,
            why="" if met else (
                f"{factor / GOAL_FACTOR:.2f}x over the goal; of parity's own time, imports take "
                f"{fmt_s(imports)} (spec: {fmt_s(p['import: spec (pydantic, ruamel.yaml)'])}), "
                f"spec load {fmt_s(p['spec load'])}, interpreter "
                f"{fmt_s(med['python -c pass'])}; see the import table")))
    top = md_table(("package", "import self time"), [(k, fmt_s(v)) for k, v in imports_top])
    excerpt = "\n".join(profile["docker"][:16])
    body = "\n".join([
        f"The one_host container and a spec of {resources} resources; medians of {rounds} "
        "interleaved rounds. Phases are timed in one fresh process through the library, in the "
        "CLI's order; the whole process may overlap some of them (imports during the round "
        "trip), so it can be shorter than their sum.",
        "",
        md_table(("phase", "docker", "ssh"), rows),
        "",
        "The collection script on the host, each fact kind's part run alone (median of 3): "
        + ", ".join(f"{k} {fmt_s(v)}" for k, v in sorted(per_kind.items(), key=lambda kv: -kv[1]))
        + ".",
        "",
        f"`-X importtime` of the whole process (docker): {fmt_s(imports_total)} of imports; "
        "self time summed per top-level package:",
        "",
        top,
        "",
        "pyinstrument, whole process over docker (top of the tree; full profiles in the work "
        "folder):",
        "",
        "```",
        excerpt,
        "```",
    ])
    return Section(key="breakdown", title="2. Where one host's time goes", body_md=body,
                   data=data, goals=goals,
                   knobs=["ssh: the client's default key exchange; no multiplexing for parity "
                          "or for the `ssh true` floor",
                          "the host-side script time is measured inside the container, so the "
                          "floor holds no transport cost twice",
                          "the container shares the machine's network namespace (--network "
                          "host, for sshd on loopback): the ports part of the script reads the "
                          "machine's whole socket table, which other load on the machine grows"])
