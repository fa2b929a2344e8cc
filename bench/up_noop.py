"""Benchmark: the no-op ``parity up`` (environment already running from the same spec).

    .venv/bin/python bench/up_noop.py --runs 10

Copies examples/webapp to a temp folder, brings it up once (build, timed separately), then runs
the real CLI ``parity up`` ``--runs`` times against the running environment, each a fresh process
(interpreter start, imports, spec load, one docker lookup). Removes the environment at the end
and prints one JSON line with the numbers and the machine. Target: under 3 s per no-op.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PARITY = [sys.executable, "-m", "parity"]


def machine() -> dict[str, object]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    mem_kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")))
    docker = subprocess.run(["docker", "version", "--format", "{{.Server.Version}}"],
                            capture_output=True, text=True, check=False).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_gib": round(mem_kib / 2**20, 1),
            "os": platform.platform(), "python": platform.python_version(), "docker": docker}


def run(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.monotonic()
    proc = subprocess.run([*PARITY, *args], capture_output=True, text=True, check=False,
                          env={**os.environ, "SECRET_KEY": "bench"})
    return time.monotonic() - start, proc


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    name = f"parity-bench-up-{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory(prefix="parity-bench-up-") as tmp:
        shutil.copytree(REPO / "examples" / "webapp", Path(tmp) / "webapp")
        spec = str(Path(tmp) / "webapp" / "parity.yaml")
        common = [spec, "--name", name, "--network", "none"]
        try:
            first, proc = run("up", *common)
            if proc.returncode != 0:
                raise SystemExit(f"first up failed:\n{proc.stderr[-3000:]}")
            times = []
            for _ in range(args.runs):
                took, proc = run("up", *common)
                if proc.returncode != 0 or "nothing to do" not in proc.stderr:
                    raise SystemExit(f"no-op up did not say so:\n{proc.stderr[-2000:]}")
                times.append(took)
            status_s, _ = run("status", spec)
        finally:
            run("down", spec, "--name", name)
    print(json.dumps({
        "first_up_s": round(first, 1), "runs": args.runs,
        "noop_min_s": round(min(times), 3), "noop_median_s": round(statistics.median(times), 3),
        "noop_max_s": round(max(times), 3), "status_s": round(status_s, 3),
        "target_s": 3.0, "ok": max(times) < 3.0, "machine": machine(),
    }))


if __name__ == "__main__":
    main()
