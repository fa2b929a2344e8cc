"""Goal 1: one host, ``parity check`` against the same checks written as testinfra tests.

The host is a real container (``images/onehost``: debian:12 with nginx, cron, sshd, everyday
tools, application users, groups and files) running sshd bound to a 127.0.0.x address, so the
docker transport (``docker exec``) and the ssh transport reach the very same host. The spec is
taken from that container's live state (``parity snapshot`` with the candidate files), never
written by hand: about 100 packages pinned to their exact versions, 60 files with mode, owner,
group and content (``source:`` files copied out of the container, so their sha256 is compared),
20 users, 25 groups, the running services and the listening ports.

The testinfra side is what a testinfra user writes for the same checks: one pytest file of
parametrized tests (``host.package(n).is_installed`` and ``.version``, ``host.file(p)`` type,
mode, user, group, sha256sum, ``host.user(u)`` uid, gid, home, shell, ``host.group(g).gid``,
``host.service(s).is_running``/``is_enabled``, ``host.socket(...).is_listening``), run with
``python -m pytest --hosts=docker://NAME`` and ``--hosts=ssh://onehost --ssh-config=FILE``.
Over ssh testinfra's own ``ControlMaster=auto``/``ControlPersist`` is on and the ssh_config
names a ``ControlPath``, so one connection serves all its commands (what helps testinfra most).
Between runs the master is stopped (not timed), so every run of either side opens its own
connection, as a CI job would.

Correctness is checked every round (parity exit 0, pytest all passed) and once with a
deliberate drift (a changed file), where both must fail; a disagreement is a BenchError.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.suite.common import (
    PYTHON,
    BenchError,
    Context,
    Goal,
    Section,
    Timed,
    fmt_s,
    fmt_stats,
    interleave,
    md_table,
    ratio,
    run_measured,
    stats,
)
from bench.suite.hosts import SshHost, build_image, free_port, ssh_key, start_sshd

AREA = "onehost"
#: sshd and nginx listen here (loopback only; a less crowded address than 127.0.0.2)
ADDR = "127.0.0.31"
GOAL_RATIO = 80.0

#: how many of each resource the spec declares: (full, quick)
SIZES = {"packages": (100, 10), "files": (60, 6), "users": (20, 3), "groups": (25, 3)}

#: where candidate files come from; the application's own files go first
APP_FILES = ("/etc/app", "/opt/app/bin", "/srv/www", "/etc/cron.d/app-report",
             "/etc/sudoers.d/deploy-bot", "/etc/nginx/sites-available/app")
SYSTEM_FILES = ("/etc/ssh", "/etc/nginx", "/etc/default", "/etc/pam.d", "/etc/logrotate.d",
                "/etc/security", "/etc/cron.daily", "/usr/sbin/nginx", "/usr/sbin/sshd",
                "/usr/sbin/cron")
#: packages a reader of the spec expects to see (the host's purpose), then an even spread
KEY_PACKAGES = ("nginx", "openssh-server", "cron", "sudo", "curl", "rsync", "jq")
APP_USERS = ("alice", "bob", "carol", "dave", "erin", "deploy-bot", "queue", "appcache",
             "backupper", "auditor")
APP_GROUPS = ("web", "ops", "deploy", "dba", "audit", "backupops", "metrics", "logs",
              "svc-queue", "svc-cache")


def _pick(preferred: list[str], rest: list[str], n: int) -> list[str]:
    """``preferred`` first, then an even spread over ``rest``, ``n`` in all (deterministic)."""
    out = list(preferred)[:n]
    left = [x for x in rest if x not in out]
    need = n - len(out)
    if need > 0 and left:
        step = len(left) / need
        out += [left[int(i * step)] for i in range(min(need, len(left)))]
    return out


def _docker(*args: str, check: bool = True) -> str:
    p = subprocess.run(["docker", *args], capture_output=True, text=True, check=False)
    if check and p.returncode != 0:
        raise BenchError(f"docker {' '.join(args[:3])} failed: {p.stderr.strip()[:500]}")
    return p.stdout


# ---------------------------------------------------------------------------------------------
# the host and its spec


def start_host(ctx: Context) -> tuple[SshHost, int]:
    """The one container both transports check: sshd as PID 1, nginx on ADDR:<port>, cron."""
    image = build_image(ctx, "onehost")
    key = ssh_key(ctx)
    web = free_port(ADDR)
    setup = (f"printf 'server {{\\n  listen {ADDR}:{web};\\n  root /srv/www;\\n}}\\n' "
             "> /etc/nginx/sites-available/app && nginx && cron")
    host = start_sshd(ctx, image, key, addr=ADDR, area=AREA, setup=setup)
    return host, web


def ssh_config(ctx: Context, host: SshHost) -> Path:
    """The base config plus ``Host onehost`` with a ControlPath in the work folder: testinfra
    turns multiplexing on (ControlMaster=auto, ControlPersist=60s); parity turns it off."""
    base = ssh_key(ctx).config.read_text()
    cfg = ctx.workdir / "ssh_config.onehost"
    cfg.write_text(f"Host onehost\n  HostName {host.addr}\n  Port {host.port}\n"
                   f"  ControlPath {ctx.workdir}/cm-%C\n\n{base}")
    return cfg


def stop_master(cfg: Path) -> None:
    """Stop testinfra's ControlPersist master, if one runs (so no ssh process outlives us)."""
    subprocess.run(["ssh", "-F", str(cfg), "-O", "exit", "onehost"], capture_output=True,
                   check=False, timeout=10)


def derive_spec(ctx: Context, host: SshHost, sizes: dict[str, int]) -> tuple[Path, dict]:
    """Snapshot the live container and write a spec of what it holds: returns the spec's path
    and the picked resources (the testinfra side is generated from the same picks)."""
    name = host.container
    listing = _docker("exec", name, "find", *APP_FILES, *SYSTEM_FILES, "-xdev", "-type", "f",
                      "-size", "-2000k", check=False)
    found = sorted(set(listing.split()))
    app = [p for p in found if p.startswith(APP_FILES)]
    system = [p for p in found if not p.startswith(APP_FILES)]
    candidates = _pick(app, system, sizes["files"] + 10)  # a few spare for non-files
    snap = ctx.workdir / "snapshot.json"
    cmd = [*ctx.parity(), "snapshot", f"docker://{name}", "-o", str(snap)]
    for p in candidates:
        cmd += ["--path", p]
    t = run_measured(cmd)
    if t.rc != 0:
        raise BenchError(f"parity snapshot failed ({t.rc}): {t.stderr.decode()[-500:]}")
    facts = json.loads(snap.read_text())

    files = [p for p in candidates if facts["files"].get(p, {}).get("type") == "file"]
    files = files[:sizes["files"]]
    pkgs = sorted(facts["packages"])
    packages = _pick([p for p in KEY_PACKAGES if p in pkgs], pkgs, sizes["packages"])
    users = _pick([u for u in APP_USERS if u in facts["users"]], sorted(facts["users"]),
                  sizes["users"])
    groups = _pick([g for g in APP_GROUPS if g in facts["groups"]], sorted(facts["groups"]),
                   sizes["groups"])
    services = sorted(s for s, v in facts["services"].items() if v.get("running"))
    ports = sorted({v["port"] for v in facts["ports"].values()
                    if v["protocol"] == "tcp" and ADDR in v.get("addresses", [])})
    if not {"nginx", "cron", "ssh"} <= set(services) or len(ports) < 2:
        raise BenchError(f"the host is not in its expected state: running services {services}, "
                         f"ports on {ADDR}: {ports}")

    spec_dir = ctx.workdir / "spec"
    src = spec_dir / "files"
    src.mkdir(parents=True, exist_ok=True)
    # the declared content is what the host holds now: one tar stream out of the container
    tar = subprocess.run(["docker", "exec", name, "tar", "-cf", "-", *files],
                         capture_output=True, check=False)
    if tar.returncode != 0:
        raise BenchError(f"copying files out of {name} failed: {tar.stderr.decode()[-300:]}")
    subprocess.run(["tar", "-xf", "-", "-C", str(src)], input=tar.stdout, check=True)

    doc: dict[str, Any] = {
        "parity": 1, "name": "onehost", "base": f"debian:{facts['os'].get('release', '12')}",
        "description": "taken from the bench container's live state (bench/suite/one_host.py)",
        "packages": {p: f"={facts['packages'][p]['version']}" for p in packages},
        "services": {s: {"running": True, "enabled": bool(facts["services"][s].get("enabled"))}
                     for s in services},
        "groups": {g: {"gid": facts["groups"][g]["gid"]} for g in groups},
        "users": {u: {"uid": facts["users"][u]["uid"], "home": facts["users"][u]["home"],
                      "shell": facts["users"][u]["shell"],
                      "groups": sorted(facts["users"][u]["groups"])} for u in users},
        "files": {p: {"source": f"files{p}", "mode": facts["files"][p]["mode"],
                      "owner": facts["files"][p]["owner"], "group": facts["files"][p]["group"]}
                  for p in files},
        "ports": ports,
    }
    from ruamel.yaml import YAML

    spec = spec_dir / "parity.yaml"
    with spec.open("w") as fh:
        YAML().dump(doc, fh)
    picks = {
        "packages": [(p, facts["packages"][p]["version"]) for p in packages],
        "files": [(p, int(facts["files"][p]["mode"], 8), facts["files"][p]["owner"],
                   facts["files"][p]["group"], facts["files"][p]["sha256"]) for p in files],
        "users": [(u, facts["users"][u]["uid"], facts["users"][u]["gid"],
                   facts["users"][u]["home"], facts["users"][u]["shell"]) for u in users],
        "groups": [(g, facts["groups"][g]["gid"]) for g in groups],
        "services": [(s, bool(facts["services"][s].get("enabled"))) for s in services],
        "sockets": [f"tcp://{ADDR}:{p}" for p in ports],
    }
    return spec, picks


def collection_commands(spec: Path) -> dict[str, str]:
    """The exact command ``parity check`` sends for ``spec`` (``"all"``), and one per fact kind
    (that kind's snippet alone), built by parity itself in a child process."""
    code = ("import json, sys\nfrom dataclasses import replace\n"
            "from parity.facts.request import CollectRequest\n"
            "from parity.facts.script import build_script\nfrom parity.spec import load_spec\n"
            "req = CollectRequest.from_spec(load_spec(sys.argv[1]))\n"
            "out = {'all': build_script(req).command(deadline=59)}\n"
            "for k in req.kinds:\n"
            "    out[k] = build_script(replace(req, kinds=(k,))).command(deadline=59)\n"
            "print(json.dumps(out))")
    p = subprocess.run([str(PYTHON), "-c", code, str(spec)], capture_output=True, text=True,
                       check=False)
    if p.returncode != 0:
        raise BenchError(f"building the collection script failed: {p.stderr[-500:]}")
    return json.loads(p.stdout)


def host_script_seconds(container: str, command: str) -> float:
    """The script's own wall time on the host, timed inside the host (no transport in it)."""
    timer = ('a=$(date +%s%N); sh -c "$1" >/dev/null 2>&1; b=$(date +%s%N); '
             'echo $((b - a))')
    p = subprocess.run(["docker", "exec", container, "sh", "-c", timer, "sh", command],
                       capture_output=True, text=True, check=False)
    if p.returncode != 0 or not p.stdout.strip().isdigit():
        raise BenchError(f"timing the script on the host failed: {p.stderr[-300:]}")
    return int(p.stdout.strip()) / 1e9


_TEST_FILE = '''\
"""The one_host benchmark's checks, written the way testinfra users write them (generated)."""

import pytest

PACKAGES = {packages!r}
FILES = {files!r}
USERS = {users!r}
GROUPS = {groups!r}
SERVICES = {services!r}
SOCKETS = {sockets!r}


@pytest.mark.parametrize("name,version", PACKAGES)
def test_package(host, name, version):
    pkg = host.package(name)
    assert pkg.is_installed
    assert pkg.version == version


@pytest.mark.parametrize("path,mode,user,group,sha256", FILES)
def test_file(host, path, mode, user, group, sha256):
    f = host.file(path)
    assert f.is_file
    assert f.mode == mode
    assert f.user == user
    assert f.group == group
    assert f.sha256sum == sha256


@pytest.mark.parametrize("name,uid,gid,home,shell", USERS)
def test_user(host, name, uid, gid, home, shell):
    u = host.user(name)
    assert u.uid == uid
    assert u.gid == gid
    assert u.home == home
    assert u.shell == shell


@pytest.mark.parametrize("name,gid", GROUPS)
def test_group(host, name, gid):
    assert host.group(name).gid == gid


@pytest.mark.parametrize("name,enabled", SERVICES)
def test_service(host, name, enabled):
    s = host.service(name)
    assert s.is_running
    assert s.is_enabled == enabled


@pytest.mark.parametrize("spec", SOCKETS)
def test_socket(host, spec):
    assert host.socket(spec).is_listening
'''


def write_tests(ctx: Context, picks: dict) -> Path:
    """The pytest file (and an empty pytest.ini, so no ini file above the work folder applies)."""
    folder = ctx.workdir / "testinfra"
    folder.mkdir(exist_ok=True)
    (folder / "pytest.ini").write_text("[pytest]\n")
    path = folder / "test_onehost.py"
    path.write_text(_TEST_FILE.format(**picks))
    return path


def count_tests(picks: dict) -> int:
    return sum(len(v) for v in picks.values())


# ---------------------------------------------------------------------------------------------
# the runs


_PASSED = re.compile(rb"(\d+) passed")
_FAILED = re.compile(rb"(\d+) failed")


def run_parity(ctx: Context, spec: Path, url: str) -> Timed:
    return run_measured([*ctx.parity(), "check", str(spec), "-H", url], timeout=300)


def run_testinfra(tests: Path, hosts_args: list[str], *select: str) -> Timed:
    return run_measured([str(PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                         *hosts_args, *select, str(tests)], cwd=tests.parent, timeout=1800)


def expect_ok(what: str, t: Timed, n_tests: int | None = None) -> None:
    """No drift: parity exits 0; pytest exits 0 with every test passed."""
    if n_tests is None:
        if t.rc != 0:
            raise BenchError(f"{what}: parity check exited {t.rc} on the host its spec was "
                             f"taken from:\n{t.text()[-1500:]}{t.stderr.decode()[-800:]}")
        return
    m = _PASSED.search(t.stdout)
    if t.rc != 0 or not m or int(m.group(1)) != n_tests:
        raise BenchError(f"{what}: testinfra did not pass all {n_tests} tests (exit {t.rc}):\n"
                         f"{t.text()[-1500:]}")


def expect_drift(what: str, par: Timed, ti: Timed, path: str) -> None:
    """With one changed file both must fail, and both must name it (BenchError otherwise)."""
    m = _FAILED.search(ti.stdout)
    problems = []
    if par.rc != 1 or path not in par.text():
        problems.append(f"parity exited {par.rc} (want 1, naming {path}):\n{par.text()[-800:]}")
    if ti.rc != 1 or not m or int(m.group(1)) != 1 or path not in ti.text():
        problems.append(f"testinfra exited {ti.rc} (want 1 failed test, naming {path}):\n"
                        f"{ti.text()[-800:]}")
    if problems:
        raise BenchError(f"{what}: parity and testinfra disagree on a drifted host: "
                         + "\n".join(problems))


def run(ctx: Context) -> Section:
    quick = ctx.quick
    rounds = ctx.rounds or 5
    sizes = {k: v[1 if quick else 0] for k, v in SIZES.items()}
    host, _web = start_host(ctx)
    cfg = ssh_config(ctx, host)
    ctx.cleanup.add("ssh ControlMaster", lambda: stop_master(cfg))
    spec, picks = derive_spec(ctx, host, sizes)
    tests = write_tests(ctx, picks)
    n_tests = count_tests(picks)
    n_resources = n_tests
    counts = {k: len(v) for k, v in picks.items()}
    ctx.log(f"spec: {counts} ({n_resources} resources), testinfra: {n_tests} tests")

    docker_url = f"docker://{host.container}"
    ssh_url = f"ssh://onehost?ssh_config={cfg}"
    ti_docker = [f"--hosts={docker_url}"]
    ti_ssh = ["--hosts=ssh://onehost", f"--ssh-config={cfg}"]

    # warm-up, not timed: page cache, docker's exec path, sshd's first fork; checks both agree
    expect_ok("parity docker (warm-up)", run_parity(ctx, spec, docker_url))
    expect_ok("parity ssh (warm-up)", run_parity(ctx, spec, ssh_url))
    expect_ok("parity asyncssh (warm-up)",
              run_parity(ctx, spec, ssh_url.replace("ssh://", "asyncssh://", 1)))

    cpu: dict[str, list[float]] = {}

    def timed(label: str, fn: Any, n: int | None) -> Any:
        def once() -> float:
            t = fn()
            expect_ok(label, t, n)
            cpu.setdefault(label, []).append(t.cpu)
            return t.wall
        return once

    def ti_ssh_run(*select: str) -> Timed:
        try:
            return run_testinfra(tests, ti_ssh, *select)
        finally:
            stop_master(cfg)  # each run opens its own connection (not timed)

    # the floor beside them: a bare round trip and the collection script's own time on the host
    command = collection_commands(spec)["all"]
    bare = {"docker": ["docker", "exec", host.container, "true"],
            "ssh": ["ssh", "-F", str(cfg), "-o", "BatchMode=yes", "-o", "ControlMaster=no",
                    "-o", "ControlPath=none", "onehost", "true"]}

    def floor(transport: str) -> Callable[[], float]:
        def once() -> float:
            t = run_measured(bare[transport])
            if t.rc != 0:
                raise BenchError(f"{transport} true exited {t.rc}: {t.stderr.decode()[-300:]}")
            return t.wall + host_script_seconds(host.container, command)
        return once

    # parity's in-process ssh client (asyncssh://, docs/facts.md) against the same testinfra run:
    # no ssh process, and the key exchange asyncssh negotiates (curve25519) instead of OpenSSH
    # 9's post-quantum hybrid, which is most of the OpenSSH client's CPU
    asyncssh_url = ssh_url.replace("ssh://", "asyncssh://", 1)
    bare["ssh, asyncssh"] = bare["ssh"]
    results: dict[str, dict[str, list[float]]] = {}
    for transport, p_url, ti_fn in (
            ("docker", docker_url, lambda: run_testinfra(tests, ti_docker)),
            ("ssh", ssh_url, ti_ssh_run),
            ("ssh, asyncssh", asyncssh_url, ti_ssh_run)):
        ctx.log(f"{transport}: {rounds} interleaved rounds")
        results[transport] = interleave(rounds, {
            "parity": timed(f"parity {transport}", lambda u=p_url: run_parity(ctx, spec, u),
                            None),
            "testinfra": timed(f"testinfra {transport}", ti_fn, n_tests),
            "floor": floor(transport),
        }, log=ctx.log)

    # one deliberate drift: a declared file's content changes; both sides must fail, naming it
    drifted = next(p for p, *_ in picks["files"] if p.startswith("/etc/app/"))
    _docker("exec", host.container, "sh", "-c",
            f"cp -p {drifted} /root/.drift-backup && echo drift >> {drifted}")
    try:
        for transport, p_url, ti_fn in (("docker", docker_url,
                                         lambda *k: run_testinfra(tests, ti_docker, *k)),
                                        ("ssh", ssh_url, ti_ssh_run)):
            expect_drift(f"drift over {transport}", run_parity(ctx, spec, p_url),
                         ti_fn("-k", "test_file"), drifted)
    finally:
        _docker("exec", host.container, "cp", "-p", "/root/.drift-backup", drifted, check=False)
    expect_ok("parity docker after the drift was undone", run_parity(ctx, spec, docker_url))

    return _section(results, cpu, counts, n_tests, rounds, drifted)


def _section(results: dict[str, dict[str, list[float]]], cpu: dict[str, list[float]],
             counts: dict[str, int], n_tests: int, rounds: int, drifted: str) -> Section:
    rows, goals, data = [], [], {"resources": counts, "tests": n_tests, "rounds": rounds,
                                 "drift_detected_by_both": drifted}
    for transport, res in results.items():
        r = ratio(res["testinfra"], res["parity"])
        at_floor = ratio(res["testinfra"], res["floor"])
        sp, st, sf = stats(res["parity"]), stats(res["testinfra"]), stats(res["floor"])
        cp, ct = stats(cpu[f"parity {transport}"]), stats(cpu[f"testinfra {transport}"])
        rows.append((transport, fmt_stats(sp), fmt_stats(st), f"{r:.1f}x",
                     f"{fmt_s(cp['median'])} / {fmt_s(ct['median'])}", fmt_s(sf["median"]),
                     f"{at_floor:.0f}x"))
        data[transport] = {"parity_s": sp, "testinfra_s": st, "ratio": round(r, 1),
                           "parity_cpu_s": cp, "testinfra_cpu_s": ct, "floor_s": sf,
                           "ratio_at_floor": round(at_floor, 1)}
        met = r >= GOAL_RATIO
        goals.append(Goal(
            id=f"one host, {transport}", text="parity check >= 80x faster than the same checks "
            "in testinfra", target=f">= {GOAL_RATIO:.0f}x",
            measured=f"{r:.1f}x (parity {fmt_s(sp['median'])}, testinfra "
                     f"{fmt_s(st['median'])})",
            met=met, why="" if met else (
                f"{GOAL_RATIO / r:.1f}x short: parity's whole process takes "
                f"{fmt_s(sp['median'])}, its floor (a bare {transport.split(',')[0]} round "
                f"trip plus the "
                f"collection script on the host) {fmt_s(sf['median'])}; a parity costing "
                f"nothing beyond that floor would be {at_floor:.0f}x faster than testinfra "
                f"({fmt_s(st['median'] / n_tests)} per testinfra test). The breakdown area "
                "shows where the rest goes")))
    body = "\n".join([
        f"One container (debian:12, nginx, cron, sshd, application users and files); a spec "
        f"taken from its live state: {counts['packages']} packages pinned to exact versions, "
        f"{counts['files']} files (mode, owner, group, sha256), {counts['users']} users, "
        f"{counts['groups']} groups, {counts['services']} services, {counts['sockets']} ports "
        f"({n_tests} resources). The same checks as {n_tests} parametrized testinfra tests. "
        f"{rounds} interleaved rounds per transport, whole processes, correctness checked "
        f"every round, plus one round with a changed file ({drifted}) where both failed.",
        "",
        md_table(("transport", "parity check", "pytest + testinfra", "ratio (medians)",
                  "CPU parity / testinfra (median)", "floor", "testinfra / floor"), rows),
        "",
        "Floor: a bare round trip (`docker exec HOST true`, `ssh HOST true` without "
        "multiplexing) plus the collection script's own time on the host, measured in the same "
        "rounds; the last column is the ratio a parity with no cost of its own would reach.",
    ])
    knobs = [
        "testinfra over ssh: ControlMaster=auto, ControlPersist=60s (testinfra's default) with "
        "a ControlPath in the work folder, so all its commands share one connection; parity "
        "uses ControlMaster=no (one command per host needs no master). The master is stopped "
        "after every testinfra run (not timed): each run of either side opens one connection",
        "testinfra runs with -q -p no:cacheprovider and an empty pytest.ini; no pytest -n "
        "(one host: a single-host user would not use xdist)",
        "testinfra over docker: `docker exec` per command (testinfra has no other way)",
        "testinfra checks each user's uid, gid, home and shell; parity's spec declares uid, "
        "home, shell and the group list (the same number of properties)",
        "testinfra's socket check names the address (tcp://ADDR:PORT); parity's spec only the "
        "port number",
        "ssh: the client's default key exchange (no KexAlgorithms in the ssh_config); the "
        "ControlPersist master's CPU is not in testinfra's CPU column (it detaches)",
        "the container runs with --network host (sshd on a loopback address), so the ports "
        "collector (parity) and ss (testinfra) read the machine's whole socket table: on a "
        "machine with thousands of other connections both sides' host-side time grows",
        "parity had one untimed warm-up run per transport (it also checks that the host "
        "passes its own spec); testinfra's first run is timed",
        "the drift round runs only testinfra's file tests (-k test_file: the drift is in a "
        "file) and the whole parity check; it is not timed",
    ]
    return Section(key="one_host", title="1. One host: parity check vs testinfra",
                   body_md=body, data=data, goals=goals, knobs=knobs)
