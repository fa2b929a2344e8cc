"""Benchmark: collect N docker containers with a bounded pool; report wall time and peak RSS.

    .venv/bin/python bench/collect_hosts.py --hosts 50 --jobs 16

Starts N idle debian:12 containers (network none, named parity-bench-facts-*), collects them all
with :func:`parity.facts.collect_many`, removes them, and prints one JSON line. Peak RSS is this
process (the pool) plus, separately, its children (the ``docker exec`` clients), from getrusage.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parity.facts import CollectRequest, collect_many


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--jobs", type=int, default=16)
    ap.add_argument("--image", default="debian:12")
    args = ap.parse_args()
    prefix = f"parity-bench-facts-{uuid.uuid4().hex[:6]}"
    names = [f"{prefix}-{i}" for i in range(args.hosts)]
    try:
        for n in names:
            subprocess.run(["docker", "run", "-d", "--network", "none", "--label",
                            "org.parity.test=1", "--name", n, args.image, "sleep", "infinity"],
                           check=True, capture_output=True)
        request = CollectRequest(paths=("/etc/passwd", "/etc/hostname", "/etc/os-release"),
                                 sysctl=("net.ipv4.ip_forward",), services=("cron",))
        start = time.monotonic()
        results = collect_many([f"docker://{n}" for n in names], request, jobs=args.jobs,
                               timeout=120, progress=False)
        wall = time.monotonic() - start
    finally:
        subprocess.run(["docker", "rm", "-f", *names], capture_output=True, check=False)
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    ok = sum(r.ok for r in results)
    per_host = [r.seconds for r in results]
    print(json.dumps({
        "hosts": args.hosts, "jobs": args.jobs, "ok": ok, "wall_s": round(wall, 2),
        "hosts_per_s": round(args.hosts / wall, 1),
        "per_host_s_median": round(sorted(per_host)[len(per_host) // 2], 3),
        "peak_rss_mib_parity": round(me, 1), "peak_rss_mib_largest_child": round(kids, 1),
        "extrapolated_1000_hosts_s": round(1000 / (args.hosts / wall), 1),
        "errors": [r.error for r in results if not r.ok][:3],
    }))


if __name__ == "__main__":
    main()
