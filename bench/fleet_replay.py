"""A testinfra backend that replays a recorded real collection output, for the fleet benchmark.

``replay://web-0042`` is a simulated host: its backend's ``run(command)`` sleeps a realistic
latency (``PARITY_BENCH_LATENCY`` seconds, +-30 % jitter), then answers with the output the real
collection script printed on a real container (``bench/fleet/recording.json.gz``, made by
``bench/fleet_report.py --record``), re-keyed to the marker token of *this* script, with a few
per-host variations. Everything after the backend is parity's own code path: transport.run
(threaded backends), split_output, every collector's parser, check_facts, the history, every
output. Nothing is parsed or compared here.

Variations, deterministic per (host, run) so ten runs tell a believable story:

* a roll-out in progress: a share of the hosts still carries the old ``/etc/app/app.conf``
  (75 % done in run 1, 2 points more per run);
* 5 % of the hosts run an older nginx (a pinned package drifted), always the same hosts;
* about 3 % of the hosts per run have a changed ``/etc/app/flags.yaml`` (transient drift: new in
  one run, resolved in a later one);
* every host carries a few unpinned packages at other versions and one extra package (no
  finding without ``--strict``, but real parsing work and real heterogeneity);
* 2 % unreachable (connection refused after the latency) and 1 % hanging until the timeout.

The backend registers itself in ``testinfra.backend.BACKENDS`` (:func:`register`), so hosts
resolve through parity's real ``resolve_hosts`` and ``make_backend`` like any ``-H URL``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

from testinfra.backend.base import BaseBackend

HERE = Path(__file__).resolve().parent
RECORDING = HERE / "fleet" / "recording.json.gz"
_TOKEN = re.compile(r"@@parity-([0-9a-f]+)@@")

#: what the drifted hosts carry instead of the spec's file contents
OLD_APP_CONF = hashlib.sha256(b"listen: 8080\nworkers: 4\n").hexdigest()
NEW_FLAGS = "flags-{}".format


def register() -> None:
    """Make ``replay://`` a testinfra connection type (in this process)."""
    import testinfra.backend

    testinfra.backend.BACKENDS["replay"] = f"{__name__}.ReplayBackend"


@cache
def recording() -> dict[str, Any]:
    """The recorded output: ``token``, ``stdout``, ``paths`` (the request's, in order)."""
    path = Path(os.environ.get("PARITY_BENCH_RECORDING", RECORDING))
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)  # type: ignore[no-any-return]


@cache
def _parts() -> tuple[str, list[str], dict[str, int], str]:
    """The recorded output cut around its dpkg lines: text before, the lines (with an index by
    package name), text after; so a host's variant edits a list, not a 200 KB string."""
    rec = recording()
    head, sep, rest = rec["stdout"].partition(f"@@parity-{rec['token']}@@ BEGIN packages\n"
                                              "manager dpkg\n")
    body, auto, tail = rest.partition("@auto apt\n")
    lines = body.split("\n")
    index = {ln.split("\t", 1)[0]: i for i, ln in enumerate(lines) if ln.count("\t") == 3}
    return head + sep, lines, index, auto + tail


class ReplayBackend(BaseBackend):
    NAME = "replay"

    def __init__(self, hostname: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(hostname, *args, **kwargs)

    def run(self, command: str, *args: str, **kwargs: Any) -> Any:
        run = int(os.environ.get("PARITY_BENCH_RUN", "1"))
        latency = float(os.environ.get("PARITY_BENCH_LATENCY", "0.1"))
        rng = random.Random(f"{self.hostname}/{run}")
        time.sleep(latency * rng.uniform(0.7, 1.3))
        fate = rng.random()
        if fate < 0.01:
            time.sleep(3600)  # hangs: parity's per-host timeout ends the wait
        if fate < 0.03:
            raise ConnectionRefusedError(f"connect to host {self.hostname} port 22: "
                                         "Connection refused")
        match = _TOKEN.search(command)
        if match is None:
            raise RuntimeError("replay: the command carries no parity marker token")
        out = variant(self.hostname, run).replace(recording()["token"], match.group(1))
        return self.result(0, command.encode(), out.encode(), b"")


def _host_number(host: str) -> int:
    digits = re.sub(r"\D", "", host)
    return int(digits) if digits else 0


def variant(host: str, run: int) -> str:
    """The recorded output as host ``host`` prints it in run ``run``."""
    rec = recording()
    n = _host_number(host)
    stable = random.Random(host)
    head, lines, index, tail = _parts()
    lines = list(lines)
    changes = {}
    if n % 20 == 7:
        changes["nginx"] = "1.18.0-6.1+deb11u3"
    for name in stable.sample(sorted(index), 5):
        changes.setdefault(name, lines[index[name]].split("\t")[1] + "+b1")
    for name, version in changes.items():
        _, _, arch, status = lines[index[name]].split("\t")
        lines[index[name]] = f"{name}\t{version}\t{arch}\t{status}"
    extra = f"parity-bench-extra-{n % 7}\t1.0-1\tamd64\tinstall ok installed"
    out = head + extra + "\n" + "\n".join(lines) + tail
    paths: list[str] = rec["paths"]
    hashes: dict[str, str] = rec["sha256"]
    if n % 100 >= min(100, 75 + 2 * (run - 1)):
        out = _set_sha(out, paths, hashes, "/etc/app/app.conf", OLD_APP_CONF)
    if random.Random(f"{host}/{run}/flags").random() < 0.03:
        flags = hashlib.sha256(NEW_FLAGS(f"{host}/{run}").encode()).hexdigest()
        out = _set_sha(out, paths, hashes, "/etc/app/flags.yaml", flags)
    return out


def _set_sha(out: str, paths: list[str], hashes: dict[str, str], path: str, sha: str) -> str:
    index = paths.index(path)
    return out.replace(f"\n{index} sha256 {hashes[path]}\n", f"\n{index} sha256 {sha}\n", 1)
