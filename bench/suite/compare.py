"""Goal 5: the comparison itself, in process: a host-vs-host diff of two snapshots and the
spec-vs-host check of a host, each with 2,000 packages, 500 files and 200 users (plus their
groups), under 20 ms each.

Why in process: the comparison is what runs after the facts arrive, for every host of a fleet;
interpreter start and collection are measured elsewhere (the cli and one-host areas). The facts
are generated with the shapes the collectors produce (Debian versions, 64-hex sha256s, groups with
members), so deepdiff and the version rules see realistic values. Differences of every kind are
injected and the bench fails (BenchError) unless the findings are exactly those differences.
The timed calls are what ``parity diff A.json B.json`` and ``parity check`` run after loading or
collecting: :func:`parity.compare.check.diff_facts` and :func:`~parity.compare.check.check_facts`
(comparison, ignore rules, report assembly).
"""

from __future__ import annotations

import copy
import gc
import hashlib
import random
import time
from pathlib import Path
from typing import Any

from bench.suite.common import (
    BenchError,
    Context,
    Goal,
    Section,
    fmt_s,
    md_table,
    stats,
)

N_PACKAGES, N_FILES, N_USERS = 2000, 500, 200
GOAL_S = 0.020


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def make_facts(host: str, rng: random.Random) -> Any:
    """A host of the size goal 5 names, with the collectors' value shapes."""
    from parity.facts.model import Facts

    packages = {}
    for i in range(N_PACKAGES):
        epoch = "1:" if i % 17 == 0 else ""
        packages[f"pkg{i:04d}-{rng.choice(['lib', 'bin', 'data', 'dev'])}"] = {
            "version": f"{epoch}{rng.randint(0, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 9)}"
                       f"-{rng.randint(1, 9)}+deb12u{rng.randint(1, 3)}",
            "arch": "all" if i % 5 == 0 else "amd64", "auto": i % 3 != 0}
    groups: dict[str, dict[str, Any]] = {}
    users: dict[str, dict[str, Any]] = {}
    for i in range(N_USERS):
        groups[f"user{i:03d}"] = {"gid": 2000 + i, "members": []}
    for i in range(N_USERS // 4):  # 50 shared groups with several members each
        groups[f"team{i:02d}"] = {"gid": 3000 + i,
                                  "members": sorted(f"user{j:03d}" for j in
                                                    rng.sample(range(N_USERS), 6))}
    for i in range(N_USERS):
        name = f"user{i:03d}"
        member_of = sorted(g for g, rec in groups.items() if name in rec["members"])
        users[name] = {"uid": 2000 + i, "gid": 2000 + i, "home": f"/home/{name}",
                       "shell": "/bin/bash" if i % 4 else "/usr/sbin/nologin",
                       "groups": [name, *member_of]}
    files: dict[str, dict[str, Any]] = {}
    for i in range(N_FILES):
        path = f"/etc/app{i // 50:02d}/conf{i:03d}.conf"
        if i % 25 == 0:
            files[path] = {"type": "link", "mode": "0777", "owner": "root", "group": "root",
                           "sha256": None, "target": f"/opt/app/conf{i:03d}"}
        elif i % 25 == 1:
            files[path] = {"type": "directory", "mode": "0755", "owner": "root",
                           "group": "root", "sha256": None, "target": None}
        else:
            files[path] = {"type": "file", "mode": "0644" if i % 3 else "0600",
                           "owner": f"user{i % N_USERS:03d}", "group": "root",
                           "sha256": _sha(f"content {i}"), "target": None}
    return Facts(
        host=host,
        os={"distro": "debian", "release": "12", "codename": "bookworm", "arch": "x86_64",
            "kernel": "6.1.0-18-amd64", "family": "apt", "version": "12"},
        packages=packages, users=users, groups=groups, files=files,
        services={f"svc{i:02d}": {"running": i % 2 == 0, "enabled": i % 3 != 0}
                  for i in range(30)},
        ports={f"tcp/{p}": {"protocol": "tcp", "port": p, "addresses": ["0.0.0.0", "::"]}
               for p in (22, 80, 443, 5432, 8080)},
        sysctl={"net.core.somaxconn": "4096", "vm.swappiness": "60"},
        collected_at="2026-01-01T00:00:00Z")


Key = tuple[str, str, str | None, str]


def inject(b: Any, rng: random.Random) -> set[Key]:
    """Change ``b`` in place; return the (kind, name, field, change) findings a diff must give."""
    want: set[Key] = set()
    pkgs = sorted(b.packages)
    for name in rng.sample(pkgs, 20):
        b.packages[name]["version"] += "+b1"
        want.add(("package", name, "version", "changed"))
    rest = [p for p in pkgs if ("package", p, "version", "changed") not in want]
    for name in rng.sample(rest, 10):
        del b.packages[name]
        want.add(("package", name, None, "missing"))
    for i in range(10):
        b.packages[f"extra{i}"] = {"version": "1.0-1", "arch": "amd64", "auto": False}
        want.add(("package", f"extra{i}", None, "unexpected"))
    # auto marks are bookkeeping: flipping them must NOT show
    for name in rng.sample(sorted(b.packages), 30):
        b.packages[name]["auto"] = not b.packages[name]["auto"]
    plain = [p for p, f in b.files.items() if f["type"] == "file"]
    picked = rng.sample(plain, 25)
    for path in picked[:10]:
        b.files[path]["sha256"] = _sha(path + "edited")
        want.add(("file", path, "sha256", "changed"))
    for path in picked[10:20]:
        b.files[path]["mode"] = "0666"
        want.add(("file", path, "mode", "changed"))
    for path in picked[20:]:
        b.files[path] = {"type": "absent", "mode": None, "owner": None, "group": None,
                         "sha256": None, "target": None}
        want.add(("file", path, "type", "changed"))
    users = rng.sample(sorted(b.users), 12)
    for name in users[:5]:
        b.users[name]["shell"] = "/bin/zsh"
        want.add(("user", name, "shell", "changed"))
    for name in users[5:10]:
        b.users[name]["groups"] = [*b.users[name]["groups"], "docker"]
        want.add(("user", name, "groups", "changed"))
    for name in users[10:]:
        b.users[name]["uid"] += 10_000
        want.add(("user", name, "uid", "changed"))
    b.groups["docker"] = {"gid": 999, "members": sorted(users[5:10])}
    want.add(("group", "docker", None, "unexpected"))
    b.services["svc03"]["running"] = not b.services["svc03"]["running"]
    want.add(("service", "svc03", "running", "changed"))
    b.ports["tcp/9000"] = {"protocol": "tcp", "port": 9000, "addresses": ["127.0.0.1"]}
    want.add(("port", "tcp/9000", None, "unexpected"))
    b.sysctl["vm.swappiness"] = "10"
    want.add(("sysctl", "vm.swappiness", None, "changed"))
    # reordering lists is no change (group members, addresses)
    for rec in b.groups.values():
        rec["members"] = list(reversed(rec["members"]))
    return want


def write_spec(facts: Any, folder: Path) -> tuple[Path, set[Key]]:
    """A parity.yaml declaring what ``facts`` holds (2,000 packages with constraints of every
    form, 500 files, 200 users and their groups), with a few declarations the host breaks."""
    import json

    want: set[Key] = set()
    pkgs: dict[str, str] = {}
    for i, (name, rec) in enumerate(sorted(facts.packages.items())):
        v = rec["version"]
        upstream = v.split(":", 1)[-1].split("-", 1)[0]
        pkgs[name] = ["*", f"{upstream.rsplit('.', 1)[0]}.*", f">={upstream}", v][i % 4]
    broken = sorted(pkgs)[7::250]  # 8 packages pinned to versions the host does not have
    for name in broken:
        pkgs[name] = ">=99"
        want.add(("package", name, "version", "changed"))
    pkgs["not-installed-anywhere"] = "*"
    want.add(("package", "not-installed-anywhere", None, "missing"))
    files: dict[str, Any] = {}
    for i, (path, rec) in enumerate(sorted(facts.files.items())):
        if rec["type"] == "link":
            files[path] = {"type": "link", "target": rec["target"]}
        elif rec["type"] == "directory":
            files[path] = {"type": "directory", "mode": rec["mode"], "owner": rec["owner"]}
        else:
            entry: dict[str, Any] = {"mode": rec["mode"], "owner": rec["owner"],
                                     "group": rec["group"]}
            if i % 2 == 0:  # content the host's sha256 is the hash of
                entry["content"] = f"content {int(path[-8:-5])}"
            if i % 97 == 5:
                entry["mode"] = "0640"
                want.add(("file", path, "mode", "changed"))
            files[path] = entry
    users = {n: {"uid": u["uid"], "home": u["home"], "shell": u["shell"],
                 "groups": u["groups"][1:]} for n, u in facts.users.items()}
    users["user007"]["shell"] = "/bin/sh"
    want.add(("user", "user007", "shell", "changed"))
    groups = {n: {"gid": g["gid"]} for n, g in facts.groups.items()}
    doc = {"parity": 1, "name": "bench", "base": "debian:12", "packages": pkgs,
           "users": users, "groups": groups, "files": files,
           "services": {n: {"running": s["running"], "enabled": s["enabled"]}
                        for n, s in facts.services.items()},
           "ports": [22, 80, 443], "sysctl": {"net.core.somaxconn": "4096"}}
    path = folder / "parity.yaml"
    path.write_text(json.dumps(doc, indent=1))  # JSON is YAML; the loader is the same
    return path, want


def _keys(report: Any) -> set[Key]:
    return {(f.kind, f.name, f.field, f.change) for f in report.all_findings()}


def _check_exact(what: str, got: set[Key], want: set[Key]) -> None:
    if got != want:
        raise BenchError(f"{what}: findings differ from the injected differences; "
                         f"unexpected {sorted(got - want, key=str)[:5]}, "
                         f"not found {sorted(want - got, key=str)[:5]}")


def _timed(fn: Any, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def run(ctx: Context) -> Section:
    from parity.compare.check import CheckOptions, check_facts, diff_facts
    from parity.spec import load_spec

    rng = random.Random(5)
    a = make_facts("a", rng)
    b = copy.deepcopy(a)
    b.host = "b"
    want_diff = inject(b, random.Random(6))
    spec_path, want_check = write_spec(a, ctx.workdir)
    spec = load_spec(spec_path)

    _check_exact("diff", _keys(diff_facts(a, b, spec)), want_diff)
    _check_exact("check", _keys(check_facts(spec, [a], CheckOptions())), want_check)

    n = 15 if ctx.quick else 60
    rounds = max(ctx.rounds or (3 if ctx.quick else 5), 1)
    runs: dict[str, list[float]] = {"diff": [], "check": [], "floor": []}
    # the floor: one deep copy of one side, i.e. touching every value once in Python
    work = {"diff": lambda: diff_facts(a, b, spec),
            "check": lambda: check_facts(spec, [a], CheckOptions()),
            "floor": lambda: copy.deepcopy(a)}
    gc_was = gc.isenabled()
    for r in range(rounds):  # interleaved: diff, check, floor / floor, check, diff ...
        order = list(work) if r % 2 == 0 else list(reversed(work))
        for name in order:
            runs[name] += _timed(work[name], max(1, n // rounds))
    assert gc.isenabled() == gc_was
    st = {k: stats(v, 5) for k, v in runs.items()}
    ctx.log(f"compare: diff {fmt_s(st['diff']['median'])}, check {fmt_s(st['check']['median'])}")

    rows = [("diff (host vs host, `diff_facts`)", len(want_diff), *_cells(st["diff"])),
            ("check (spec vs host, `check_facts`)", len(want_check), *_cells(st["check"])),
            ("floor: `copy.deepcopy` of one side", "-", *_cells(st["floor"]))]
    body = (f"In process, {N_PACKAGES:,} packages, {N_FILES} files and {N_USERS} users "
            f"(+{len(a.groups)} groups) per side; {st['diff']['n']} timed calls each, "
            "interleaved, garbage collector on (as in the CLI). Findings verified to be exactly "
            "the injected differences.\n\n"
            + md_table(("comparison", "findings", "median", "min", "max"), rows))
    goals = [_goal("5a", "diff of two snapshots", st["diff"], st["floor"]),
             _goal("5b", "spec-vs-host comparison", st["check"], st["floor"])]
    return Section(key="compare", title="Comparison in process (goal 5)", body_md=body,
                   data={"stats": st, "findings": {"diff": len(want_diff),
                                                   "check": len(want_check)},
                         "sizes": {"packages": N_PACKAGES, "files": N_FILES,
                                   "users": N_USERS, "groups": len(a.groups)}},
                   goals=goals,
                   knobs=["in process, warm (the first call, which imports deepdiff and "
                          "the version libraries, is not timed)"])


def _cells(st: dict[str, float]) -> tuple[str, str, str]:
    return fmt_s(st["median"]), fmt_s(st["min"]), fmt_s(st["max"])


def _goal(gid: str, what: str, st: dict[str, float], floor: dict[str, float]) -> Goal:
    met = st["median"] < GOAL_S
    return Goal(gid, f"{what}, 2,000 packages / 500 files / 200 users", "< 20 ms",
                f"{fmt_s(st['median'])} median ({st['median'] / GOAL_S:.2f}× the target; "
                f"floor {fmt_s(floor['median'])})", met,
                "" if met else f"{fmt_s(st['median'] - GOAL_S)} over")
