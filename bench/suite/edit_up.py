"""Issue 11: the edit–up loop. How long ``parity up`` takes after each kind of spec edit on a
running ``examples/webapp`` environment, and whether the result is the environment a clean
build of the same spec gives.

Whole process (the ``parity up`` CLI, wall time), on a tmp copy of ``examples/webapp`` with
``--network none`` and a unique ``--name parity-bench-<run id>-edit`` (image
``<name>:dev``), median of 5 rounds (1 with ``--quick``), one kind after the other:

``first`` a cold first up (``--no-cache`` when the parity under test has it, else a unique
``name:`` per round so no layer matches), ``noop``, ``file`` (a line of files/index.html),
``config`` (a comment appended to files/shop.conf, apart because a config file may restart a
service), ``add_package`` (one more small dev package per round) and ``remove_package`` (them
again, no goal), ``env`` (APP_ENV's value), ``group`` (a group with a fixed gid) and ``user``
(a user with a fixed uid, or app's shell).

Correctness after each kind: a clean build of the very same spec under a second name
(``--rebuild`` and, except with ``--quick``, ``--no-cache`` when available, else ``--force``),
then ``parity diff`` of the two environments (the spec's files and /etc/profile.d/parity.sh)
must find nothing, and both containers must carry the same environment variables (``parity
diff`` has no env fact; ``docker exec`` shows the container's). A mismatch fails the area after
all kinds ran, with the findings. Once per run (after ``first``) known drift is made in the
clean build and the check must report it, so a check that finds nothing is not a dead one.

Floors, in the built image: ``apt-get update`` + ``apt-get install jq`` (host network: the
package's own download and install, which no ``up`` can beat) and the services' start
(``pg_ctlcluster 15 main start`` probes the port three times 0.5 s apart).

Which parity runs: ``PARITY_BENCH_SRC=/path/to/tree`` (put on the children's PYTHONPATH;
default this checkout). ``PARITY_BENCH_WRITE_BEFORE=1`` saves the numbers as
``bench/results/edit_up-before.json``; otherwise that file, when present, gives the before
column, the before → after ratios and the ``first`` goal's target.
"""

from __future__ import annotations

import compileall
import itertools
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.suite import spec_edits as ed
from bench.suite.common import (
    BENCH_LABEL,
    LABEL,
    PYTHON,
    REPO,
    RUN_ID,
    BenchError,
    Context,
    Goal,
    Section,
    fmt_s,
    fmt_stats,
    machine,
    md_table,
    remove_containers,
    run_measured,
    stats,
    write_json,
)

EXAMPLE = REPO / "examples" / "webapp"
BEFORE = REPO / "bench" / "results" / "edit_up-before.json"
KINDS = ("first", "noop", "file", "config", "add_package", "remove_package", "env", "group",
         "user")
#: the issue's goals, seconds (``first``: no slower than the before median)
GOALS = {"file": 2.0, "add_package": 8.0, "env": 3.0, "group": 3.0, "user": 3.0}
GOAL_IDS = {"file": "11a", "add_package": "11b", "env": "11c", "group": "11d", "user": "11e",
            "first": "11f"}
#: files parity writes that the spec does not declare, compared too (the env for login shells)
EXTRA_PATHS = ("/etc/profile.d/parity.sh",)
UP_TIMEOUT = 1200.0
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Parity:
    """The parity under test: its source tree, the children's environment, its options."""

    src: Path
    env: dict[str, str]
    spec: Path
    has_no_cache: bool = False
    has_rebuild: bool = False
    #: the last lines ``up`` printed per kind (what it changed and how)
    said: dict[str, str] = field(default_factory=dict)
    #: the options of the clean builds (as the last comparison used them)
    clean_flags: list[str] = field(default_factory=list)

    def run(self, *args: str, timeout: float = UP_TIMEOUT, check: bool = True):  # -> Timed
        # Ctrl-C: parity gets SIGINT and time to remove what it half built (its own clean-up)
        t = run_measured([str(PYTHON), "-m", "parity", *args], env=self.env,
                         cwd=self.spec.parent, timeout=timeout, interrupt_grace=60)
        if check and t.rc != 0:
            raise BenchError(f"parity {' '.join(args)} exited {t.rc}:\n"
                             + t.stderr.decode(errors="replace")[-3000:])
        return t


def _parity(ctx: Context, spec: Path) -> Parity:
    src = Path(os.environ.get("PARITY_BENCH_SRC") or REPO).resolve()
    if not (src / "parity" / "__init__.py").is_file():
        raise BenchError(f"PARITY_BENCH_SRC={src} holds no parity/ package")
    if src != REPO:  # as after a pip install: bytecode compiled once, not in measured runs
        compileall.compile_dir(str(src / "parity"), quiet=1)
    env = {**ENV, "PYTHONPATH": str(src), "SECRET_KEY": "bench-edit-up-secret",
           "XDG_CACHE_HOME": str(ctx.workdir / "cache"),
           "PARITY_LOCK_DIR": str(ctx.workdir / "locks")}
    # cwd is the spec's folder: `python -m` puts the cwd first on sys.path, and a cwd inside
    # a checkout would import that checkout's parity whatever PYTHONPATH says
    which = subprocess.run([str(PYTHON), "-c", "import parity; print(parity.__file__)"],
                           env=env, cwd=spec.parent, capture_output=True, text=True, check=False)
    if not which.stdout.strip().startswith(str(src)):
        raise BenchError(f"the children import parity from {which.stdout.strip() or '?'}, "
                         f"not {src}: {which.stderr[-500:]}")
    p = Parity(src, env, spec)
    helptext = p.run("up", "--help", timeout=60).text()
    p.has_no_cache = "--no-cache" in helptext
    p.has_rebuild = "--rebuild" in helptext
    return p


def _git_head(tree: Path) -> str:
    return subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False).stdout.strip() or "?"


def _docker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=False)


def _remove_env(p: Parity, name: str) -> None:
    """``parity down``, then whatever a failed run may have left under the name."""
    p.run("down", str(p.spec), "--name", name, timeout=300, check=False)
    remove_containers(name)
    _docker("rmi", "-f", f"{name}:dev")


def _cold_name(n: int) -> str:
    """The spec ``name:`` of round ``n`` of a cold first up without ``--no-cache``."""
    return f"shop-{RUN_ID}-{n}"


def _remove_spec_images(spec: Path) -> None:
    """Images parity labelled with this tmp spec's path, and the intermediate images of builds
    of this run's unique spec names (leftovers of an interrupted build)."""
    ids = set(_docker("images", "-q", "--filter",
                      f"label=org.parity.spec-path={spec}").stdout.split())
    named = _docker("images", "-a", "-q", "--filter", "label=org.parity.spec-name").stdout.split()
    if named:
        fmt = '{{.Id}} {{index .Config.Labels "org.parity.spec-name"}}'
        for line in _docker("image", "inspect", "--format", fmt, *set(named)).stdout.splitlines():
            image, _, spec_name = line.partition(" ")
            if spec_name.startswith(_cold_name(0)[:-1]):
                ids.add(image)
    if ids:
        _docker("rmi", "-f", *sorted(ids))


# ---------------------------------------------------------------------------------------------
# floors


def _in_image(ctx: Context, image: str, network: str, script: str) -> list[float]:
    """Run ``script`` in a throwaway container of ``image`` (services not started); it prints
    ``date +%s.%N`` stamps on its last line, returned as the differences between them."""
    name = f"parity-bench-{RUN_ID}-floor"
    ctx.cleanup.add(f"container {name}", lambda: remove_containers(name))
    t = run_measured(["docker", "run", "--rm", "--name", name, "--network", network,
                      "--label", LABEL, "--label", BENCH_LABEL, "--entrypoint", "sh", image,
                      "-c", script], timeout=900)
    remove_containers(name)
    if t.rc != 0:
        raise BenchError(f"floor script in {image} exited {t.rc}: {t.stderr[-800:]!r}")
    stamps = [float(x) for x in t.text().strip().splitlines()[-1].split()]
    return [b - a for a, b in itertools.pairwise(stamps)]


APT_FLOOR = (
    "export DEBIAN_FRONTEND=noninteractive; s() { date +%s.%N; }; a=$(s); "
    "apt-get update -q >/dev/null; b=$(s); "
    "apt-get install -y -q --no-install-recommends jq >/dev/null; c=$(s); echo $a $b $c")
SERVICE_FLOOR = (
    "s() { date +%s.%N; }; a=$(s); pg_ctlcluster 15 main start; b=$(s); "
    "pg_ctlcluster 15 main stop; c=$(s); /etc/init.d/postgresql start >/dev/null; d=$(s); "
    "/etc/init.d/nginx start >/dev/null; e=$(s); echo $a $b $c $d $e")


def floors(ctx: Context, image: str, rounds: int) -> dict[str, dict[str, float]]:
    apt: dict[str, list[float]] = {"apt-get update": [], "apt-get install jq": [],
                                   "update + install jq": []}
    svc: dict[str, list[float]] = {"pg_ctlcluster 15 main start": [],
                                   "/etc/init.d/postgresql start": [],
                                   "/etc/init.d/nginx start": []}
    for _ in range(rounds):
        update, install = _in_image(ctx, image, "host", APT_FLOOR)
        apt["apt-get update"].append(update)
        apt["apt-get install jq"].append(install)
        apt["update + install jq"].append(update + install)
        pg, _stop, pg_init, nginx = _in_image(ctx, image, "none", SERVICE_FLOOR)
        svc["pg_ctlcluster 15 main start"].append(pg)
        svc["/etc/init.d/postgresql start"].append(pg_init)
        svc["/etc/init.d/nginx start"].append(nginx)
    return {k: stats(v) for k, v in {**apt, **svc}.items()}


# ---------------------------------------------------------------------------------------------
# edits


def _editor(kind: str, spec: Path, added: list[str]) -> Callable[[int], str]:
    """The edit of round ``n`` of ``kind`` (applied to the files), returning its description."""
    files = spec.parent / "files"

    def spec_edit(change: Callable[[str], str]) -> None:
        spec.write_text(change(spec.read_text()))

    def edit(n: int) -> str:
        if kind == "first":
            return "none (cold)"
        if kind == "noop":
            return "none"
        if kind == "file":
            page = files / "index.html"
            page.write_text(ed.edit_line(page.read_text(), n))
            return f"index.html line {n}"
        if kind == "config":
            conf = files / "shop.conf"
            conf.write_text(ed.append_comment(conf.read_text(), n))
            return "shop.conf comment"
        if kind == "add_package":
            pkg = ed.DEV_PACKAGES[n % len(ed.DEV_PACKAGES)]
            spec_edit(lambda t: ed.add_dev_package(t, pkg))
            added.append(pkg)
            return f"+ {pkg}"
        if kind == "remove_package":
            pkg = added.pop()
            spec_edit(lambda t: ed.remove_dev_package(t, pkg))
            return f"- {pkg}"
        if kind == "env":
            spec_edit(lambda t: ed.set_env(t, "APP_ENV", f"bench-{n}"))
            return f"APP_ENV=bench-{n}"
        if kind == "group":
            spec_edit(lambda t: ed.add_group(t, f"benchg{n}", ed.GROUP_GID_BASE + n))
            return f"+ group benchg{n}"
        if kind == "user":
            text, what = ed.user_edit(spec.read_text(), n)
            spec.write_text(text)
            return what
        raise BenchError(f"unknown kind {kind}")
    return edit


# ---------------------------------------------------------------------------------------------
# correctness


def _container_env(name: str) -> list[str]:
    out = _docker("inspect", "--format", "{{json .Config.Env}}", name)
    if out.returncode != 0:
        raise BenchError(f"docker inspect {name}: {out.stderr.strip()}")
    return sorted(json.loads(out.stdout) or [])


def _diff(p: Parity, edited: str, clean: str) -> list[str]:
    """``parity diff`` of the two environments (the spec's files and EXTRA_PATHS) plus their
    containers' environment variables: one line per difference."""
    d = p.run("diff", f"docker://{edited}", f"docker://{clean}", "--spec", str(p.spec),
              "--format", "json", *[a for x in EXTRA_PATHS for a in ("--path", x)],
              timeout=300, check=False)
    if d.rc not in (0, 1):
        raise BenchError(f"parity diff exited {d.rc}: {d.stderr[-1500:]!r}")
    report = json.loads(d.stdout)
    diffs = [f"{f['path']}: {f['change']} ({f['expected']!r} -> {f['actual']!r})"
             + (f" [ignored: {f['ignored']}]" if f.get("ignored") else "")
             for h in report["hosts"] for f in h["findings"]]
    diffs += [f"host {h['host']}: {h['error']}" for h in report["hosts"] if h.get("error")]
    env_a, env_b = _container_env(edited), _container_env(clean)
    diffs += [f"env/{v.split('=', 1)[0]}: only in the edited environment ({v!r})"
              for v in env_a if v not in env_b]
    diffs += [f"env/{v.split('=', 1)[0]}: only in the clean build ({v!r})"
              for v in env_b if v not in env_a]
    return diffs


#: drift made in the clean build once per run, which the check must report (else it is dead)
DRIFT = "echo drift >> /etc/shop/release && groupadd -g 1299 benchdrift"
DRIFT_FOUND = ("file//etc/shop/release/", "group/benchdrift")


def compare_with_clean(p: Parity, edited: str, clean: str, inject: bool = False,
                       from_scratch: bool = True) -> tuple[float, list[str]]:
    """Bring up a clean build of the spec as ``clean``, diff it against ``edited``; return the
    clean build's wall time and the differences found (empty: identical), then remove it.
    ``inject``: afterwards make known drift in the clean build and require the check to see
    it. ``from_scratch``: ``--no-cache`` where the parity has it (every step built again, so a
    wrong layer-cache key shows too); without it the clean build may reuse layers of earlier
    builds of the same inputs (``--quick``: minutes less)."""
    flags = (["--rebuild"] if p.has_rebuild else ["--force"]) + (
        ["--no-cache"] if p.has_no_cache and from_scratch else [])
    p.clean_flags = flags
    try:
        t = p.run("up", str(p.spec), "--name", clean, "--network", "none", *flags)
        diffs = _diff(p, edited, clean)
        if inject:
            ex = _docker("exec", clean, "sh", "-c", DRIFT)
            if ex.returncode != 0:
                raise BenchError(f"could not inject drift into {clean}: {ex.stderr[-500:]}")
            seen = _diff(p, edited, clean)
            missed = [d for d in DRIFT_FOUND if not any(s.startswith(d) for s in seen)]
            if missed:
                raise BenchError(f"the check missed injected drift {missed}; it found {seen}")
        return t.wall, diffs
    finally:
        _remove_env(p, clean)


# ---------------------------------------------------------------------------------------------
# the area


def _load_before() -> dict | None:
    try:
        return json.loads(BEFORE.read_text())
    except (OSError, ValueError):
        return None


def chosen_kinds(value: str | None) -> tuple[str, ...]:
    """The kinds ``PARITY_BENCH_KINDS`` names (comma-separated; default all), in KINDS order.
    ``remove_package`` removes what ``add_package`` added in the same run, so it needs it."""
    if not value or not value.strip():
        return KINDS
    wanted = {k.strip() for k in value.split(",") if k.strip()}
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise BenchError(f"PARITY_BENCH_KINDS: unknown kind(s) {', '.join(unknown)}; choose "
                         f"from {', '.join(KINDS)}")
    if "remove_package" in wanted and "add_package" not in wanted:
        raise BenchError("PARITY_BENCH_KINDS: remove_package needs add_package")
    return tuple(k for k in KINDS if k in wanted)


def merge_before(old: dict | None, new: dict) -> dict:
    """``new`` before-numbers over ``old``: a run of some kinds replaces those kinds' stats,
    checks, edits and words, keeps the others' (each kind keeps its own ``measured`` time)."""
    if not old:
        return new
    old = {**old, "measured_kinds": old.get("measured_kinds") or dict.fromkeys(
        old.get("stats", {}), old.get("measured"))}
    out = {**old, **{k: v for k, v in new.items() if not isinstance(v, dict)}}
    for key in ("stats", "checks", "edits", "said", "measured_kinds"):
        out[key] = {**old.get(key, {}), **new.get(key, {})}
    for key in ("floors", "machine", "options"):
        out[key] = new.get(key) or old.get(key, {})
    return out


def run(ctx: Context) -> Section:
    kinds = chosen_kinds(os.environ.get("PARITY_BENCH_KINDS"))
    explicit = int(ctx.options.get("rounds") or 0)
    rounds = explicit or (1 if ctx.quick else 5)
    if rounds > len(ed.DEV_PACKAGES):
        raise BenchError(f"at most {len(ed.DEV_PACKAGES)} rounds (one new package each)")
    work = ctx.workdir / "webapp"
    if work.exists():
        shutil.rmtree(work)
    ctx.cleanup.add(f"folder {work}", lambda: shutil.rmtree(work, ignore_errors=True))
    shutil.copytree(EXAMPLE, work, ignore=shutil.ignore_patterns(".parity"))
    spec = work / "parity.yaml"
    p = _parity(ctx, spec)
    edited, clean = f"parity-bench-{RUN_ID}-edit", f"parity-bench-{RUN_ID}-clean"
    # registered before anything starts: removed on success, error and Ctrl-C alike
    ctx.cleanup.add("images of the spec copy", lambda: _remove_spec_images(spec))
    for name in (edited, clean):
        ctx.cleanup.add(f"environment {name}", lambda name=name: _remove_env(p, name))
    writing_before = os.environ.get("PARITY_BENCH_WRITE_BEFORE") == "1"
    before = None if writing_before else _load_before()
    ctx.log(f"edit_up: {edited}, parity from {p.src} ({_git_head(p.src)}), {rounds} round(s); "
            f"--no-cache {'yes' if p.has_no_cache else 'no'}, --rebuild "
            f"{'yes' if p.has_rebuild else 'no'}")

    common = [str(spec), "--name", edited, "--network", "none"]
    times: dict[str, list[float]] = {}
    edits: dict[str, list[str]] = {}
    checks: dict[str, dict] = {}
    mismatches: dict[str, list[str]] = {}
    floor: dict[str, dict[str, float]] = {}
    added: list[str] = []
    noop_said_nothing = True
    if "first" not in kinds:  # an environment to edit, and an image for the floors: not timed
        p.run("up", *common)
        floor = floors(ctx, f"{edited}:dev", min(rounds, 3))
    for kind in kinds:
        edit = _editor(kind, spec, added)
        for n in range(rounds):
            extra: list[str] = []
            if kind == "first":
                if n or _docker("inspect", edited).returncode == 0:
                    _remove_env(p, edited)  # absent again (image too), not timed
                if p.has_no_cache:
                    extra = ["--no-cache"]
                else:
                    spec.write_text(ed.set_name(spec.read_text(), _cold_name(n)))
            what = edit(n)
            t = p.run("up", *common, *extra)
            times.setdefault(kind, []).append(t.wall)
            edits.setdefault(kind, []).append(what)
            said = [ln for ln in t.stderr.decode(errors="replace").splitlines() if ln.strip()]
            p.said[kind] = "\n".join(said[-4:])
            if kind == "noop" and not any("nothing to do" in ln for ln in said):
                noop_said_nothing = False
            ctx.log(f"edit_up {kind} round {n + 1}/{rounds} ({what}): {fmt_s(t.wall)}")
        if kind == "first":
            ctx.log("edit_up: floors in the built image")
            floor = floors(ctx, f"{edited}:dev", min(rounds, 3))
        clean_wall, diffs = compare_with_clean(p, edited, clean, inject=kind == kinds[0],
                                               from_scratch=not ctx.quick)
        checks[kind] = {"clean_build_s": round(clean_wall, 3), "differences": len(diffs)}
        if diffs:
            mismatches[kind] = diffs
            ctx.log(f"edit_up {kind}: {len(diffs)} difference(s) from a clean build:\n  "
                    + "\n  ".join(diffs[:40]))
        else:
            ctx.log(f"edit_up {kind}: identical to a clean build ({fmt_s(clean_wall)})")

    st = {k: stats(v) for k, v in times.items()}
    mach = machine()
    if writing_before:
        now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        write_json(BEFORE, merge_before(_load_before() if kinds != KINDS else None, {
            "parity_src": str(p.src), "parity_commit": _git_head(p.src), "rounds": rounds,
            "quick": ctx.quick, "measured": now, "measured_kinds": dict.fromkeys(kinds, now),
            "machine": mach, "options": {"no_cache": p.has_no_cache,
                                         "rebuild": p.has_rebuild},
            "stats": st, "floors": floor, "checks": checks, "edits": edits,
            "said": p.said}))
        ctx.log(f"edit_up: wrote {BEFORE}")
    section = _section(p, rounds, st, floor, checks, edits, before, noop_said_nothing, mach)
    if mismatches:
        raise BenchError("edit_up: environments differ from a clean build of the same spec:\n"
                         + "\n".join(f"{k}:\n  " + "\n  ".join(v)
                                     for k, v in mismatches.items()))
    return section


def _section(p: Parity, rounds: int, st: dict[str, dict[str, float]],
             floor: dict[str, dict[str, float]], checks: dict[str, dict],
             edits: dict[str, list[str]], before: dict | None, noop_ok: bool,
             mach: dict) -> Section:
    bst: dict[str, dict[str, float]] = (before or {}).get("stats", {})
    rows = []
    for kind in (k for k in KINDS if k in st):
        s = st[kind]
        b = bst.get(kind)
        target = GOALS.get(kind)
        rows.append((f"`{kind}`", fmt_stats(s), fmt_s(b["median"]) if b else "–",
                     f"{b['median'] / s['median']:.1f}×" if b else "–",
                     f"≤ {fmt_s(target)}" if target else
                     ("≤ before" if kind == "first" else "–"),
                     fmt_s(checks[kind]["clean_build_s"]), checks[kind]["differences"],
                     "; ".join(dict.fromkeys(edits[kind]))[:70]))
    apt = floor.get("update + install jq")
    svc = floor.get("pg_ctlcluster 15 main start")
    floor_rows = [(f"`{k}`", fmt_stats(v)) for k, v in floor.items()]
    bmeta = ""
    if before:
        bm = before.get("machine", {})
        bmeta = (f" Before: parity at `{before.get('parity_commit')}`, measured "
                 f"{before.get('measured')}, {before.get('rounds')} round(s), on "
                 f"{bm.get('cpu', '?')} ({bm.get('cores', '?')} cores).")
    body = "\n".join([
        f"`parity up` of a tmp copy of `examples/webapp` after each kind of edit, whole "
        f"process, wall time, median (min–max) of {rounds} round(s); parity from `{p.src}` "
        f"(`{_git_head(p.src)}`; `--no-cache` {'used' if p.has_no_cache else 'absent'} for "
        f"`first`, clean builds with `{' '.join(p.clean_flags)}`). \"× faster\" is the "
        f"before median over this one. After each kind, a clean build of the same spec "
        f"under a second name and `parity diff` of the two (plus the containers' "
        f"environment variables): the differences column must be 0.{bmeta}",
        "",
        md_table(("edit", "after", "before", "× faster", "goal", "clean build",
                  "differences", "edits"), rows),
        "",
        "Floors, in the built image (min–max of the rounds): the package's own download and "
        "install (host network), and the services' start (Debian's `pg_ctlcluster` probes the "
        "port three times 0.5 s apart).",
        "",
        md_table(("floor", "median (min–max)"), floor_rows),
    ] + ([] if noop_ok else ["", "Note: a no-op `up` did not say \"nothing to do\"."]))
    goals = []
    for kind, target in GOALS.items():
        if kind not in st:
            continue
        med = st[kind]["median"]
        met = med <= target
        why = "" if met else f"over by {fmt_s(med - target)}"
        if kind == "add_package" and apt:
            why = (why + "; " if why else "") + (
                f"floor: apt-get update + install jq {fmt_s(apt['median'])}")
        elif svc and kind in ("env", "group", "user"):
            why = (why + "; " if why else "") + (
                f"floor if services restart: pg_ctlcluster start {fmt_s(svc['median'])}")
        goals.append(Goal(GOAL_IDS[kind], f"`parity up` after a {kind.replace('_', ' ')} edit",
                          f"≤ {fmt_s(target)}", f"{fmt_s(med)} median", met, why))
    first = st["first"]["median"] if "first" in st else None
    if first is None:
        pass
    elif "first" in bst:
        bf = bst["first"]["median"]
        goals.append(Goal(GOAL_IDS["first"], "cold first `parity up` no slower than before",
                          f"≤ {fmt_s(bf)} (before)", f"{fmt_s(first)} median ({first / bf:.2f}×)",
                          first <= bf, "" if first <= bf else f"slower by {fmt_s(first - bf)}"))
    else:
        goals.append(Goal(GOAL_IDS["first"], "cold first `parity up` no slower than before",
                          "≤ before", f"{fmt_s(first)} median", False,
                          f"no before numbers ({BEFORE.name} absent or being written)"))
    return Section(
        key="edit_up", title="The edit–up loop (issue 11)", body_md=body,
        data={"stats": st, "floors": floor, "checks": checks, "edits": edits, "said": p.said,
              "before": bst, "parity_src": str(p.src), "rounds": rounds,
              "options": {"no_cache": p.has_no_cache, "rebuild": p.has_rebuild,
                          "clean_build": p.clean_flags},
              "machine": {k: mach[k] for k in ("cpu", "cores", "mem_gib", "docker")}},
        goals=goals,
        knobs=["the layer cache is warm for every kind but `first` (a developer's machine); "
               "`first` is cold (`--no-cache`, or a unique spec name per round)",
               "`--network none` for the environments; the floors' apt runs use the host "
               "network, like parity's builds",
               "parity's spec and template caches live in the area's scratch folder (cold at "
               "the start, warm after the first up)"])
