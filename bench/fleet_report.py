"""Benchmark: ``parity report`` over 1,000 simulated hosts, ten runs into one SQLite history.

    .venv/bin/python bench/fleet_report.py              # 10 runs x 1000 hosts, results in JSON
    .venv/bin/python bench/fleet_report.py --record     # re-record the real output (docker)
    .venv/bin/python bench/fleet_report.py --runs 1 --profile   # cProfile of one run

Each run is a fresh ``python`` process running the real CLI (``parity report SPEC -H
replay://web-0001 ... --db sqlite:///… --html --json --metrics --junit --markdown``), like a
nightly cron job; the only difference from production is the transport: ``replay://`` hosts
(bench/fleet_replay.py) answer with an output recorded from a real container, after a 100 ms
+-30 % sleep, with per-host variations and 2-3 % unreachable or hanging hosts. Per run it
measures the process's wall time (interpreter start to exit, in the parent) and its peak RSS
(``getrusage(RUSAGE_SELF)`` in the child at its end; it starts no processes), and prints one
JSON line; the whole result goes to
``bench/results/fleet_report.json`` (``--out``).

``--record`` builds ``parity-bench-fleet:1`` (bench/fleet/Dockerfile: debian:12 plus about 1,800
packages; ``docker build --network host``), starts one container of it (``--network none``,
labelled org.parity.test=1, removed at the end), installs what the spec declares, runs the real
collection script over ``docker exec`` and stores its raw stdout in
``bench/fleet/recording.json.gz``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

SPEC = HERE / "fleet" / "parity.yaml"
IMAGE = "parity-bench-fleet:1"
OUTPUTS = {"html": "report.html", "json": "report.json", "metrics": "parity.prom",
           "junit": "junit.xml", "markdown": "report.md"}


# --- recording -------------------------------------------------------------------------------


SETUP = r"""
set -e
mkdir -p /etc/app
printf 'listen: 8080\nworkers: 8\n' > /etc/app/app.conf
printf 'checkout_v2: true\n' > /etc/app/flags.yaml
chmod 0644 /etc/app/app.conf /etc/app/flags.yaml
getent group deploy >/dev/null || groupadd -g 1100 deploy
id app >/dev/null 2>&1 || useradd -u 1001 -m -d /srv/app -s /bin/bash -G deploy app
service nginx start >/dev/null
service cron start >/dev/null
"""


def record(build: bool = True) -> None:
    """Build the image, start one container, collect it for real, store the raw output."""
    from parity.facts import CollectRequest, transport
    from parity.facts.backends import make_backend
    from parity.facts.collection import parse_output
    from parity.facts.script import build_script
    from parity.spec import load_spec

    if build:
        subprocess.run(["docker", "build", "--network", "host", "-t", IMAGE,
                        str(HERE / "fleet")], check=True)
    name = f"parity-bench-fleet-{uuid.uuid4().hex[:6]}"
    subprocess.run(["docker", "run", "-d", "--network", "none", "--label", "org.parity.test=1",
                    "--name", name, IMAGE, "sleep", "infinity"], check=True, capture_output=True)
    try:
        subprocess.run(["docker", "exec", name, "sh", "-c", SETUP], check=True)
        request = CollectRequest.from_spec(load_spec(str(SPEC)))
        script = build_script(request)
        out = transport.run(make_backend(f"docker://{name}"), script.command(deadline=60), 90)
        stdout = out.stdout.decode("utf-8")
        facts = parse_output(script, "recorded", stdout)
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
    doc = {"token": script.token, "stdout": stdout, "paths": list(request.paths),
           "sha256": {p: facts.files[p]["sha256"] for p in request.paths
                      if facts.files[p].get("sha256")},
           "image": IMAGE, "recorded_at": facts.collected_at,
           "packages": len(facts.packages)}
    target = HERE / "fleet" / "recording.json.gz"
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump(doc, f)
    print(json.dumps({"recorded": str(target.relative_to(ROOT)), "packages": len(facts.packages),
                      "bytes": len(stdout)}))


# --- one run (the child process) ---------------------------------------------------------------


def child(args: argparse.Namespace) -> None:
    """One ``parity report`` run, in this process, through the real CLI."""
    import fleet_replay

    fleet_replay.register()
    os.environ["PARITY_BENCH_RUN"] = str(args.run)
    os.environ["PARITY_BENCH_LATENCY"] = str(args.latency)
    work = Path(args.workdir)
    argv = ["report", str(SPEC), "--db", f"sqlite:///{work / 'history.db'}",
            "--timeout", str(args.timeout), "--fail-on", "never"]
    if args.jobs:
        argv += ["--jobs", str(args.jobs)]
    for name, file in OUTPUTS.items():
        argv += [f"--{name}", str(work / file)]
    for i in range(1, args.hosts + 1):
        argv += ["-H", f"replay://web-{i:04d}"]
    from parity.cli import main

    phases = _time_phases()
    start = time.monotonic()
    code = 0
    if args.profile:
        import cProfile

        prof = cProfile.Profile()
        try:
            prof.runcall(main, argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
        prof.dump_stats(str(work / f"profile-run{args.run}.pstats"))
    else:
        try:
            main(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
    wall = time.monotonic() - start
    use = resource.getrusage(resource.RUSAGE_SELF)
    (work / f"child-run{args.run}.json").write_text(json.dumps(
        {"report_s": round(wall, 3), "exit": code, "phases_s": phases,
         "cpu_s": round(use.ru_utime + use.ru_stime, 2), "sys_s": round(use.ru_stime, 2),
         "minor_faults": use.ru_minflt,
         "peak_rss_mib": round(use.ru_maxrss / 1024, 1)}))


def _time_phases() -> dict[str, float]:
    """Wrap (not replace) the three stages ``parity.fleet.flow.report`` calls with timers:
    collect + compare (``run_report``), the history write, and rendering + writing the
    outputs. The returned dict fills in as they run."""
    import parity.fleet.flow as flow
    import parity.fleet.outputs as outputs

    phases: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*a: Any, **kw: Any) -> Any:
            t = time.monotonic()
            try:
                return fn(*a, **kw)
            finally:
                phases[name] = round(time.monotonic() - t, 3)
        return wrapper

    flow.run_report = timed("collect_compare", flow.run_report)
    flow.History.record = timed("history", flow.History.record)
    outputs.write_outputs = timed("outputs", outputs.write_outputs)
    return phases


# --- the benchmark (the parent) ----------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = next((ln.split(":", 1)[1].strip() for ln in
                Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name")),
               "unknown")
    mem = next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines()
               if ln.startswith("MemTotal"))
    load = Path("/proc/loadavg").read_text().split()[:3]
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(int(mem) / 1024 ** 2, 1),
            "kernel": platform.release(), "python": platform.python_version(),
            "loadavg_before": load}


def run_one(args: argparse.Namespace, work: Path, run: int) -> dict[str, Any]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", "--run", str(run),
            "--workdir", str(work), "--hosts", str(args.hosts), "--latency", str(args.latency),
            "--timeout", str(args.timeout)]
    if args.jobs:
        argv += ["--jobs", str(args.jobs)]
    if args.profile:
        argv.append("--profile")
    start = time.monotonic()
    proc = subprocess.Popen(argv, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = proc.communicate()
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"run {run} failed (exit {proc.returncode}):\n{err.decode()[-3000:]}")
    inner = json.loads((work / f"child-run{run}.json").read_text())
    report = json.loads((work / OUTPUTS["json"]).read_text())
    sizes = {name: (work / file).stat().st_size for name, file in OUTPUTS.items()}
    return {"run": run, "wall_s": round(wall, 2), "report_s": inner["report_s"],
            "peak_rss_mib": inner["peak_rss_mib"], "cpu_s": inner["cpu_s"],
            "sys_s": inner["sys_s"], "minor_faults": inner["minor_faults"],
            "phases_s": inner["phases_s"], "summary": report["summary"],
            "history_runs": len(report["history"]), "exit": inner["exit"],
            "db_mib": round((work / "history.db").stat().st_size / 2 ** 20, 1),
            "sizes_kib": {k: round(v / 1024) for k, v in sizes.items()},
            "stderr_tail": err.decode()[-200:].strip()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=None, help="parity's --jobs (default: its own)")
    ap.add_argument("--timeout", type=float, default=10.0, help="parity's --timeout per host")
    ap.add_argument("--latency", type=float, default=0.1, help="seconds per host (+-30 %%)")
    ap.add_argument("--workdir", help="keep the history and outputs here (default: a temp dir)")
    ap.add_argument("--out", default=str(HERE / "results" / "fleet_report.json"))
    ap.add_argument("--label", default="", help="a note stored with the result")
    ap.add_argument("--profile", action="store_true", help="cProfile each run (.pstats in workdir)")
    ap.add_argument("--record", action="store_true", help="re-record the output (needs docker)")
    ap.add_argument("--no-build", action="store_true", help="--record from the built image")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--run", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.record:
        record(build=not args.no_build)
        return
    if args.child:
        child(args)
        return
    work = Path(args.workdir or tempfile.mkdtemp(prefix="parity-bench-fleet-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "history.db").unlink(missing_ok=True)
    info = machine()
    runs = []
    for run in range(1, args.runs + 1):
        res = run_one(args, work, run)
        runs.append(res)
        print(json.dumps(res), flush=True)
    first, last = runs[0]["wall_s"], runs[-1]["wall_s"]
    result = {
        "label": args.label, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": info, "hosts": args.hosts, "runs": args.runs, "jobs": args.jobs,
        "timeout_s": args.timeout, "latency_s": args.latency,
        "wall_s": {"first": first, "last": last, "max": max(r["wall_s"] for r in runs),
                   "min": min(r["wall_s"] for r in runs)},
        "peak_rss_mib_max": max(r["peak_rss_mib"] for r in runs),
        "last_vs_first": round(last / first, 3),
        "targets": {"wall_under_30s": max(r["wall_s"] for r in runs) < 30,
                    "rss_under_1gib": max(r["peak_rss_mib"] for r in runs) < 1024,
                    "tenth_within_20pct": last <= first * 1.2},
        "per_run": runs, "workdir": str(work),
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("wall_s", "peak_rss_mib_max", "last_vs_first",
                                             "targets")}))


if __name__ == "__main__":
    main()
