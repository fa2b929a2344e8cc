"""Fleet reports for the output tests: a small realistic one, a hostile one, a 1,000-host one.

Built in Python from the model (parity/fleet/model.py) so every output test renders exactly the
object ``parity report`` hands it, without a history or a fleet behind it.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from parity.compare.finding import Finding
from parity.fleet.model import (
    FindingKey,
    FleetReport,
    HostOutcome,
    ResolvedFinding,
    RunSummary,
    TrackedFinding,
)

#: what the hostile sample plants in every kind of name: markup, a script end, an HTML comment
#: opener, controls (screen clear, BEL, CR/LF), a bidi override and an undecodable byte
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
NASTY_TAIL = "<!--\x1b[2J\x07\r\n\u202e" + b"\xff".decode("utf-8", "surrogateescape")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


SPEC_CONF = sha("cassandra.yaml v2")
OLD_CONF = sha("cassandra.yaml v1")
SPEC_APP = sha("app.conf")


def _history(n: int, hosts: int, last: RunSummary | None = None) -> list[RunSummary]:
    runs = [RunSummary(f"r{i}", f"2026-11-{20 + i:02d}T02:00:00Z", hosts, max(0, 4 - i // 2),
                       i % 2, 6 - i // 2, 1 + i % 3, i % 2) for i in range(1, n)]
    return [*runs, last] if last else runs


def small() -> FleetReport:
    """Five hosts, two specs: drift (new and old), waived findings, a resolved finding, a clean
    host, an unreachable host, a roll-out half done, ignore rules (one expired), a baseline."""
    t0 = "2026-11-28T02:00:00Z"

    def tracked(f: Finding, new: bool = True, first: str = t0, runs: int = 1) -> TrackedFinding:
        return TrackedFinding(f, new=new, first_seen=first, runs_seen=runs)

    db1 = HostOutcome(
        "db1", "cassandra", "prod", "drifted", seconds=1.25, collected_at="2026-11-28T02:00:03Z",
        findings=[
            tracked(Finding("db1", "file", "/etc/cassandra/cassandra.yaml", "sha256", SPEC_CONF,
                            OLD_CONF, "changed"), new=False, first="2026-11-25T02:00:00Z",
                    runs=4),
            tracked(Finding("db1", "package", "openjdk-17-jre-headless", "version", ">=17.0.9",
                            "17.0.8+7-1~deb12u1", "changed")),
            tracked(Finding("db1", "service", "cassandra", "running", True, False, "changed")),
        ],
        checked={"package": 2, "file": 1, "service": 1},
        observed={"package": {"cassandra": "4.1.3", "openjdk-17-jre-headless":
                              "17.0.8+7-1~deb12u1"},
                  "file": {"/etc/cassandra/cassandra.yaml": OLD_CONF}})
    db2 = HostOutcome(
        "db2", "cassandra", "prod", "drifted", seconds=0.9, collected_at="2026-11-28T02:00:02Z",
        findings=[
            tracked(Finding("db2", "file", "/etc/cassandra/cassandra.yaml", "sha256", SPEC_CONF,
                            OLD_CONF, "changed"), new=False, first="2026-11-25T02:00:00Z",
                    runs=4),
            tracked(Finding("db2", "package", "htop", None, None, "3.2.2-2", "unexpected"),
                    new=False, first="2026-11-27T02:00:00Z", runs=2),
        ],
        checked={"package": 2, "file": 1, "service": 1},
        observed={"package": {"cassandra": "4.1.3", "openjdk-17-jre-headless": "17.0.9+9-1"},
                  "file": {"/etc/cassandra/cassandra.yaml": OLD_CONF}})
    db3 = HostOutcome(
        "db3", "cassandra", "prod", "clean", seconds=1.0, collected_at="2026-11-28T02:00:02Z",
        checked={"package": 2, "file": 1, "service": 1},
        observed={"package": {"cassandra": "4.1.4", "openjdk-17-jre-headless": "17.0.9+9-1"},
                  "file": {"/etc/cassandra/cassandra.yaml": SPEC_CONF}})
    web1 = HostOutcome(
        "web1", "web", "prod", "drifted", seconds=0.4, collected_at="2026-11-28T02:00:01Z",
        findings=[
            tracked(Finding("web1", "package", "curl", "version", ">=8", "7.88.1-10", "changed")),
            tracked(Finding("web1", "file", "/etc/app.conf", "mode", "0644", "0666", "changed",
                            ignored="platform team owns modes"), new=False,
                    first="2026-11-20T02:00:00Z", runs=8),
            tracked(Finding("web1", "port", "tcp/9999", None, None, ["0.0.0.0"], "unexpected",
                            baselined=True), new=False, first="2026-11-21T02:00:00Z", runs=7),
        ],
        checked={"package": 3, "file": 1, "port": 2},
        observed={"package": {"curl": "7.88.1-10", "nginx": "1.22.1-9"},
                  "file": {"/etc/app.conf": SPEC_APP}})
    web2 = HostOutcome("web2", "web", "prod", "clean", seconds=0.5,
                       collected_at="2026-11-28T02:00:01Z", checked={"package": 3, "file": 1},
                       observed={"package": {"curl": "8.5.0-2", "nginx": "1.22.1-9"},
                                 "file": {"/etc/app.conf": SPEC_APP}})
    web3 = HostOutcome("web3", "web", "prod", "unreachable", seconds=10.0,
                       error="ssh: connect to host web3 port 22: Connection timed out")
    report = FleetReport(
        run_id="r8", started_at=t0, finished_at="2026-11-28T02:00:12Z", parity_version="0.1.0",
        specs={"cassandra": "specs/cassandra.yaml", "web": "specs/web.yaml"},
        hosts=[db1, db2, db3, web1, web2, web3],
        resolved=[ResolvedFinding(FindingKey("web2", "user", "app", "shell"), "changed",
                                  "/bin/bash", "/bin/sh", "2026-11-26T02:00:00Z",
                                  "2026-11-27T02:00:00Z")],
        ignore_rules=[
            {"path": "file/*/mode", "reason": "platform team owns modes", "expires": "2027-06-30",
             "spec": "web"},
            {"path": "port/tcp/80", "reason": "legacy redirect", "expires": "2026-06-30",
             "spec": "web"},
            {"path": "package/linux-image-*", "reason": "kernels follow the platform cadence",
             "expires": None, "spec": "cassandra"},
        ],
        baseline="baselines/web.json",
        warnings=["ignore rule 'port/tcp/80' expired on 2026-06-30 and no longer applies "
                  "(legacy redirect); renew its expires date or remove it from drift.ignore"],
    )
    s = report.summary()
    report.history = _history(8, 6, RunSummary("r8", t0, s["hosts"], s["drifted"],
                                                 s["unreachable"], s["findings"], s["new"],
                                                 s["resolved"]))
    return report


def hostile() -> FleetReport:
    """The small sample with a host, a package, a path, a spec, an error, a run id and an ignore
    reason that try markup, script injection and terminal control sequences."""
    rep = small()
    evil_host = f"{XSS_IMG}{NASTY_TAIL}"
    script_host = XSS_SCRIPT
    f1 = Finding(evil_host, "package", XSS_IMG, "version", f">={XSS_SCRIPT}", XSS_IMG,
                 "changed")
    f2 = Finding(evil_host, "file", f"/etc/{XSS_SCRIPT}{NASTY_TAIL}", "sha256", SPEC_APP,
                 OLD_CONF, "changed", ignored=f"reason {XSS_IMG}")
    rep.hosts.append(HostOutcome(
        evil_host, "web", "prod", "drifted", seconds=0.3, collected_at="2026-11-28T02:00:01Z",
        findings=[TrackedFinding(f1), TrackedFinding(f2, new=False,
                                                     first_seen="2026-11-27T02:00:00Z",
                                                     runs_seen=2)],
        checked={"package": 3, "file": 2},
        observed={"package": {XSS_IMG: XSS_IMG, "curl": "8.5.0-2"},
                  "file": {f"/etc/{XSS_SCRIPT}{NASTY_TAIL}": OLD_CONF}}))
    rep.hosts.append(HostOutcome(script_host, "web", "prod", "unreachable",
                                 error=f"ssh: {XSS_IMG}\n{XSS_SCRIPT}\x1b]52;c;cm0=\x07"))
    rep.resolved.append(ResolvedFinding(FindingKey(script_host, "user", XSS_IMG, "shell"),
                                        "changed", XSS_SCRIPT, XSS_IMG, None, None))
    rep.ignore_rules.append({"path": f"package/{XSS_IMG}", "reason": XSS_SCRIPT,
                             "expires": XSS_IMG, "spec": "web"})
    rep.specs[XSS_IMG] = XSS_SCRIPT
    rep.warnings.append(f"warning {XSS_SCRIPT} {NASTY_TAIL}")
    rep.baseline = XSS_IMG
    rep.history[0].run_id = f"{XSS_SCRIPT}<!--"
    return rep


def fleet(n: int = 1000, seed: int = 9) -> FleetReport:
    """``n`` hosts of one spec in a cassandra.yaml roll-out: about 70 % carry the new file, a
    few dozen packages pinned per host, ~10 % with version drift, ~3 % unreachable; 30 runs of
    history. Big enough to measure the HTML's size and the page's filtering on."""
    rnd = random.Random(seed)
    t0 = "2026-11-28T02:00:00Z"
    packages = {f"lib{i:02d}": f"1.{i}.0-1" for i in range(40)}
    hosts = []
    for i in range(n):
        name = f"cass-{i:04d}.prod.example.net"
        if rnd.random() < 0.03:
            hosts.append(HostOutcome(name, "cassandra", "prod", "unreachable", seconds=30.0,
                                     error="timed out after 30 s"))
            continue
        findings, observed_pk = [], dict(packages)
        conf = SPEC_CONF if rnd.random() < 0.7 else OLD_CONF
        if conf != SPEC_CONF:
            findings.append(TrackedFinding(
                Finding(name, "file", "/etc/cassandra/cassandra.yaml", "sha256", SPEC_CONF, conf,
                        "changed"), new=rnd.random() < 0.1, first_seen="2026-11-20T02:00:00Z",
                runs_seen=rnd.randint(1, 9)))
        if rnd.random() < 0.1:
            pk = f"lib{rnd.randrange(40):02d}"
            observed_pk[pk] = "0.9.0-1"
            findings.append(TrackedFinding(
                Finding(name, "package", pk, "version", f"={packages[pk]}", "0.9.0-1",
                        "changed"), new=rnd.random() < 0.5, first_seen=t0))
        if rnd.random() < 0.05:
            findings.append(TrackedFinding(
                Finding(name, "service", "cassandra", "running", True, False, "changed")))
        hosts.append(HostOutcome(
            name, "cassandra", "prod", "drifted" if findings else "clean",
            seconds=round(rnd.uniform(0.05, 0.4), 3), collected_at=t0, findings=findings,
            checked={"package": 2000, "file": 12, "service": 3},
            observed={"package": observed_pk,
                      "file": {"/etc/cassandra/cassandra.yaml": conf,
                               **{f"/etc/cassandra/conf.d/{j}.yaml": sha(str(j))
                                  for j in range(10)}}}))
    report = FleetReport(run_id="r30", started_at=t0, finished_at="2026-11-28T02:00:29Z",
                         parity_version="0.1.0", specs={"cassandra": "specs/cassandra.yaml"},
                         hosts=hosts)
    s = report.summary()
    night = datetime.fromisoformat(t0)
    report.history = [RunSummary(f"r{i}", (night - timedelta(days=30 - i)).strftime(
                                     "%Y-%m-%dT%H:%M:%SZ"),
                                 n, 700 - 10 * i, 20 + i % 5, 800 - 12 * i, 10 + i % 7, 12)
                      for i in range(1, 30)]
    report.history.append(RunSummary("r30", t0, n, s["drifted"], s["unreachable"],
                                     s["findings"], s["new"], s["resolved"]))
    return report
