"""Goal 4: what one check costs the checked host ("checking production must not hurt
production"): CPU time, peak memory and bytes transferred per collection, on the host.

Hosts: a minimal Debian (``debian:12``, asked for no files, as ``parity snapshot`` asks), the same
with the 300 declared files of ``images/bighost/paths.txt``, and the big host
(``images/bighost``: ``debian:12`` plus about 2,000 packages and those 300 files; a build of
several minutes, once, cached by content hash). ``--quick`` measures the two minimal hosts only
and says so: it must not start a multi-minute build.

How the host side is measured. The command is exactly what parity sends (``build_script`` for
the spec's request, wrapped by ``Script.command``); it runs inside the container's namespaces
through ``nsenter`` (mount, pid, network, uts, ipc, root and working directory), as a child of
the bench, so ``wait4`` returns the CPU of the whole process tree on the host (the shell, every
tool it starts, the init scripts' ``status`` runs) and the peak RSS of the largest single
process of it. ``nsenter`` itself is in that tree; its cost (``nsenter … /bin/sh -c true``) is
measured in the same rounds and reported as the floor. The cross-check runs parity's own
collection (``parity.facts.collect``, ``docker exec``) and reads the container's cgroup CPU
counter before and after: that counter sees everything the exec started inside the container.
Bytes transferred: the command (the script travels as the command line) plus its stdout.

Correctness (BenchError otherwise): the output parses with parity's parsers; the package count
equals the count read independently from ``/var/lib/dpkg/status``; every declared path has the
type, sha256 and link target its recipe gives; the facts collected through ``docker exec`` equal
those collected through the measuring wrapper.
"""

from __future__ import annotations

import hashlib
import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.suite import hosts
from bench.suite.common import (
    BenchError,
    Context,
    Goal,
    Section,
    Timed,
    fmt_s,
    interleave,
    md_table,
    run_measured,
    stats,
)

AREA = "host_cost"
IMAGE_DIR = hosts.IMAGES / "bighost"
PATHS_TXT = IMAGE_DIR / "paths.txt"
GOAL_CPU_S = 0.150
GOAL_RSS_MIB = 5.0
#: what ``docker exec`` gives a command: the image's PATH and root's HOME, nothing else
EXEC_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": "/root"}


@dataclass(frozen=True)
class Declared:
    kind: str  # file | dir | link | absent
    size: int
    path: str
    index: int  # 1-based line number (mkfiles.sh's $i)


def declared() -> list[Declared]:
    out = []
    for i, line in enumerate(PATHS_TXT.read_text().splitlines(), 1):
        kind, size, path = line.split(" ", 2)
        out.append(Declared(kind, int(size), path, i))
    return out


def expected_sha256(d: Declared) -> str:
    """The hash of what mkfiles.sh writes: ``yes LINE | head -c SIZE``."""
    line = f"{d.index} {d.path} parity bench declared file\n".encode()
    data = (line * (d.size // len(line) + 1))[:d.size]
    return hashlib.sha256(data).hexdigest()


@dataclass
class Host:
    label: str
    container: str
    pid: str
    request: Any
    script: Any = None
    command: str = ""
    cpu: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    out_bytes: list[int] = field(default_factory=list)
    cgroup_cpu: list[float] = field(default_factory=list)
    exec_wall: list[float] = field(default_factory=list)
    facts: Any = None


def _docker(*args: str) -> str:
    p = subprocess.run(["docker", *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise BenchError(f"docker {' '.join(args[:3])} failed: {p.stderr.strip()}")
    return p.stdout


def _start(ctx: Context, image: str, with_files: bool) -> tuple[str, str]:
    name = hosts.start_container(ctx, image, area=AREA)
    if with_files and image == "debian:12":
        _docker("cp", str(IMAGE_DIR / "paths.txt"), f"{name}:/tmp/paths.txt")
        _docker("cp", str(IMAGE_DIR / "mkfiles.sh"), f"{name}:/tmp/mkfiles.sh")
        _docker("exec", name, "sh", "/tmp/mkfiles.sh", "/tmp/paths.txt")
        _docker("exec", name, "rm", "/tmp/paths.txt", "/tmp/mkfiles.sh")
    return name, _docker("inspect", "-f", "{{.State.Pid}}", name).strip()


def _nsenter(pid: str, command: str) -> list[str]:
    return ["nsenter", "-t", pid, "-m", "-u", "-i", "-n", "-p", "-r", "-w", "--",
            "/bin/sh", "-c", command]


def _cgroup_cpu_file(container: str) -> Path | None:
    """The container's cumulative CPU counter (cgroup v1 cpuacct or v2 cpu.stat)."""
    cid = _docker("inspect", "-f", "{{.Id}}", container).strip()
    for p in (Path(f"/sys/fs/cgroup/cpuacct/docker/{cid}/cpuacct.usage"),
              Path(f"/sys/fs/cgroup/cpu,cpuacct/docker/{cid}/cpuacct.usage"),
              Path(f"/sys/fs/cgroup/docker/{cid}/cpu.stat"),
              Path(f"/sys/fs/cgroup/system.slice/docker-{cid}.scope/cpu.stat")):
        if p.exists():
            return p
    return None


def _cgroup_seconds(path: Path) -> float:
    text = path.read_text()
    if path.name == "cpuacct.usage":
        return int(text) / 1e9
    usec = next(int(ln.split()[1]) for ln in text.splitlines() if ln.startswith("usage_usec"))
    return usec / 1e6


def measured(pid: str, command: str, workdir: Path) -> tuple[Timed, float]:
    """Run ``command`` in the container of ``pid``; the wait4 result and the peak RSS in MiB of
    the largest process of the command's tree.

    The peak RSS comes from GNU time (``%M``), not from our own wait4: a process forked from
    the bench's Python and then exec'd keeps Python's RSS high-water mark (~25 MiB) as its own
    ``ru_maxrss``; ``time`` is small, so the nsenter it forks reports only the script's."""
    out = workdir / "time.out"
    t = run_measured(["/usr/bin/time", "-f", "%M", "-o", str(out), *_nsenter(pid, command)],
                     env=EXEC_ENV, timeout=120)
    kib = int(out.read_text().split()[-1])
    return t, kib / 1024


def _measure(h: Host, workdir: Path) -> float:
    t, rss = measured(h.pid, h.command, workdir)
    if t.rc != 0:
        raise BenchError(f"{h.label}: the collection exited {t.rc}: {t.stderr[-400:]!r}")
    from parity.facts.collection import parse_output

    facts = parse_output(h.script, h.label, t.text())
    h.facts = h.facts or facts
    h.cpu.append(t.cpu)
    h.rss.append(rss)
    h.wall.append(t.wall)
    h.out_bytes.append(len(t.stdout))
    return t.cpu


def _via_parity(h: Host, cg: Path | None) -> float:
    """parity's own collection over ``docker exec``; the container's cgroup CPU delta."""
    from parity.facts import collect

    before = _cgroup_seconds(cg) if cg else 0.0
    t0 = time.perf_counter()
    facts = collect(f"docker://{h.container}", h.request)
    h.exec_wall.append(time.perf_counter() - t0)
    if cg:
        h.cgroup_cpu.append(_cgroup_seconds(cg) - before)
    for kind in ("packages", "files", "users", "groups", "os"):
        if facts.kind(kind) != h.facts.kind(kind):
            raise BenchError(f"{h.label}: {kind} differ between docker exec and the measuring "
                             "wrapper")
    return h.exec_wall[-1]


def _verify(h: Host, items: list[Declared]) -> None:
    f = h.facts
    if f.warnings:
        raise BenchError(f"{h.label}: the collection warned: {f.warnings[:3]}")
    status = _docker("exec", h.container, "cat", "/var/lib/dpkg/status")
    from parity.facts.collectors.packages import _DPKG_PRESENT

    present = sum(1 for stanza in status.split("\n\n") for ln in stanza.splitlines()
                  if ln.startswith("Status:") and ln.split()[-1] in _DPKG_PRESENT)
    if len(f.packages) != present:
        raise BenchError(f"{h.label}: {len(f.packages)} packages collected, "
                         f"/var/lib/dpkg/status has {present}")
    if f.os.get("distro") != "debian":
        raise BenchError(f"{h.label}: os facts wrong: {f.os}")
    for d in items if h.request.paths else []:
        got = f.files.get(d.path)
        want_type = {"dir": "directory"}.get(d.kind, d.kind)
        if got is None or got["type"] != want_type:
            raise BenchError(f"{h.label}: {d.path}: {got} is not a {want_type}")
        if d.kind == "file" and got["sha256"] != expected_sha256(d):
            raise BenchError(f"{h.label}: {d.path}: sha256 {got['sha256']} is wrong")
        if d.kind == "link" and got["target"] != f"/etc/target-{d.index}":
            raise BenchError(f"{h.label}: {d.path}: link target {got['target']!r} is wrong")


def _per_kind(ctx: Context, h: Host, rounds: int) -> dict[str, dict[str, float]]:
    """Each kind's snippet alone (plus the script's preamble), to show where the CPU goes."""
    from parity.facts.request import CollectRequest
    from parity.facts.script import build_script

    out: dict[str, dict[str, float]] = {}
    for kind in h.request.kinds:
        req = CollectRequest(paths=h.request.paths, kinds=(kind,))
        cmd = build_script(req).command(deadline=59)
        runs = [measured(h.pid, cmd, ctx.workdir) for _ in range(rounds)]
        out[kind] = {"cpu": statistics.median(t.cpu for t, _ in runs),
                     "rss": max(rss for _, rss in runs)}
    ctx.log(f"{h.label} per kind: " + ", ".join(f"{k} {fmt_s(v['cpu'])}"
                                                for k, v in out.items()))
    return out


def run(ctx: Context) -> Section:
    from parity.facts.request import CollectRequest
    from parity.facts.script import build_script

    items = declared()
    paths = tuple(d.path for d in items)
    plan = [("minimal debian:12, no files", "debian:12", ()),
            ("minimal debian:12, 300 files", "debian:12", paths)]
    if not ctx.quick:
        image = hosts.build_image(ctx, "bighost")
        plan.append(("~2,000 packages, 300 files", image, paths))
    hs: list[Host] = []
    for label, image, req_paths in plan:
        name, pid = _start(ctx, image, with_files=bool(req_paths))
        request = CollectRequest(paths=req_paths)
        script = build_script(request)
        hs.append(Host(label, name, pid, request, script, script.command(deadline=59)))
    # the largest host once more without the services kind: on a host without systemd that
    # kind runs every init script's own `status` (the service rules' strongest evidence), whose
    # cost is the host's scripts', not parity's; this row shows parity's own share
    big = hs[-1]
    no_svc = CollectRequest(paths=big.request.paths,
                            kinds=tuple(k for k in big.request.kinds if k != "services"))
    script = build_script(no_svc)
    rest = Host(f"{big.label}, all but services", big.container, big.pid, no_svc, script,
                script.command(deadline=59))
    hs.append(rest)
    floor_pid = hs[0].pid

    rounds = ctx.rounds or 10
    floor: list[tuple[Timed, float]] = []

    def measure_floor() -> float:
        floor.append(measured(floor_pid, "true", ctx.workdir))
        return floor[-1][0].cpu

    contenders = {h.label: (lambda h=h: _measure(h, ctx.workdir)) for h in hs}
    contenders["floor: time + nsenter + sh -c true"] = measure_floor
    interleave(1, contenders)  # warm the page cache (dpkg database, files): not counted
    for h in hs:
        h.cpu.clear(); h.rss.clear(); h.wall.clear(); h.out_bytes.clear()  # noqa: E702
    floor.clear()
    interleave(rounds, contenders, ctx.log)
    for h in hs:
        _verify(h, items)
        cg = _cgroup_cpu_file(h.container)
        for _ in range(max(2, rounds // 3)):
            _via_parity(h, cg)

    breakdown = _per_kind(ctx, big, 3 if ctx.quick else 5)

    fl_cpu = stats([t.cpu for t, _ in floor])
    fl_rss = max(rss for _, rss in floor)
    rows = []
    data: dict[str, Any] = {"floor": {"cpu": fl_cpu, "maxrss_mib": fl_rss}, "hosts": {}}
    for h in hs:
        cpu, rss = stats(h.cpu), stats(h.rss, 2)
        sent, got = len(h.command.encode()), statistics.median(h.out_bytes)
        cg = stats(h.cgroup_cpu) if h.cgroup_cpu else None
        rows.append((h.label, len(h.facts.packages), len(h.request.paths),
                     f"{fmt_s(cpu['median'])} ({fmt_s(cpu['min'])}–{fmt_s(cpu['max'])})",
                     fmt_s(cg["median"]) if cg else "n/a",
                     f"{rss['median']:.1f} MiB (max {rss['max']:.1f})",
                     f"{sent / 1024:.1f} KiB", f"{got / 1024:.0f} KiB",
                     fmt_s(statistics.median(h.exec_wall))))
        data["hosts"][h.label] = {"packages": len(h.facts.packages),
                                  "paths": len(h.request.paths), "cpu": cpu, "maxrss_mib": rss,
                                  "cgroup_cpu": cg, "bytes_sent": sent, "bytes_received": got,
                                  "docker_exec_wall": stats(h.exec_wall)}
    data["per_kind"] = {"host": big.label, "kinds": breakdown}
    body = [
        f"Per collection on the host, {rounds} interleaved rounds (after one warm-up), "
        "measured with wait4 around the exact command parity sends, run in the container's "
        "namespaces (nsenter). CPU: user+system of the whole process tree; memory: peak RSS "
        "of the largest single process (GNU time's %M); sent: the script (it travels as the "
        "command line); received: its output. cgroup CPU: the container's own counter around "
        "parity's real `docker exec` collection (the cross-check).",
        "",
        md_table(("host", "packages", "paths", "host CPU median (min–max)",
                  "cgroup CPU (docker exec)", "peak RSS", "sent", "received",
                  "parity collect wall"), rows),
        "",
        f"Floor (GNU time + nsenter + `sh -c true`, included in every row above): CPU "
        f"{fmt_s(fl_cpu['median'])}, peak RSS {fl_rss:.1f} MiB.",
        "",
        f"Where the CPU goes on \"{big.label}\" (each kind's snippet alone, median):",
        "",
        md_table(("kind", "host CPU", "peak RSS"),
                 [(k, fmt_s(v["cpu"]), f"{v['rss']:.1f} MiB") for k, v in breakdown.items()]),
    ]
    if ctx.quick:
        body += ["", "Quick mode: the ~2,000-package host is skipped (its image is a build of "
                 "several minutes); the goal below is judged on the largest host measured."]
    cpu_med, rss_med = statistics.median(big.cpu), statistics.median(big.rss)
    own_cpu, own_rss = statistics.median(rest.cpu), statistics.median(rest.rss)
    svc = breakdown.get("services", {"cpu": 0.0, "rss": 0.0})
    n_scripts = len(_docker("exec", big.container, "sh", "-c",
                            "grep -l -e status -e openrc-run /etc/init.d/* 2>/dev/null || :"
                            ).split())
    scripts_why = (f"services alone {fmt_s(svc['cpu'])} and {svc['rss']:.1f} MiB: without "
                   f"systemd the service rules ask every init script for its `status` "
                   f"({n_scripts} scripts here, each its own shell, some run perl or the "
                   f"daemon's config test); everything else {fmt_s(own_cpu)} and "
                   f"{own_rss:.1f} MiB")
    goals = [
        Goal("4a", f"host CPU per check, {big.label}", "< 150 ms",
             f"{fmt_s(cpu_med)} median ({cpu_med / GOAL_CPU_S:.2f}× the target; without "
             f"services {fmt_s(own_cpu)}; floor {fmt_s(fl_cpu['median'])})",
             cpu_med < GOAL_CPU_S,
             "" if cpu_med < GOAL_CPU_S else f"over by {fmt_s(cpu_med - GOAL_CPU_S)}; "
             + scripts_why),
        Goal("4b", f"host peak memory per check, {big.label}", "< 5 MB",
             f"{rss_med:.1f} MiB peak RSS of the largest process (without services "
             f"{own_rss:.1f} MiB; floor {fl_rss:.1f} MiB)", rss_med < GOAL_RSS_MIB,
             "" if rss_med < GOAL_RSS_MIB else scripts_why),
    ]
    return Section(key=AREA, title="The host's cost of being checked (goal 4)",
                   body_md="\n".join(body), data=data, goals=goals,
                   knobs=["the page cache is warm (one unmeasured collection first), as on a "
                          "host checked regularly",
                          "containers have no systemd: services come from init scripts' "
                          "`status` (a host with systemd asks systemctl instead)"])
