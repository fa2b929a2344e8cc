"""Reports used by the reporter tests and goldens: every status, every change, hostile text."""

from __future__ import annotations

from parity.compare.finding import Finding
from parity.compare.result import HostReport, Report

H1, H2, H3 = "docker://shop-1", "ssh://deploy@127.0.0.2:2222", "docker://gone"


def drift_report() -> Report:
    findings = [
        Finding(H1, "package", "curl", None, ">=7.88", None, "missing"),
        Finding(H1, "package", "nginx", "version", "1.22.*", "1.18.0-6.1", "changed"),
        Finding(H1, "package", "linux-image-amd64", "version", "*", "6.1.0", "changed",
                ignored="kernels are managed by the platform team"),
        Finding(H1, "package", "htop", None, None, "3.2.2-2", "unexpected"),
        Finding(H1, "user", "app", "groups", ["deploy", "www-data"], ["app", "www-data"],
                "changed"),
        Finding(H1, "file", "/etc/odd|<name> & `x`.conf", "sha256", "a" * 64, "b" * 64,
                "changed"),
        Finding(H1, "file", "/etc/shop/release", "mode", "0644", "0666", "changed",
                baselined=True),
        Finding(H1, "port", "tcp/9999", None, None, ["127.0.0.1"], "unexpected"),
        Finding(H1, "service", "nginx", "running", True, False, "changed"),
    ]
    return Report(
        command="check", reference="examples/webapp/parity.yaml", role="prod", strict=True,
        baseline="baseline.json",
        results=[
            HostReport(H1, findings, checked={"package": 4, "user": 1, "file": 4, "port": 2,
                                              "service": 2, "group": 1, "sysctl": 1, "os": 2}),
            HostReport(H2, [], checked={"package": 4, "user": 1, "file": 4}),
        ],
        warnings=["ignore rule 'port/tcp/80' expired on 2024-06-30 and no longer applies "
                  "(legacy redirect); renew its expires date or remove it from drift.ignore"],
    )


def error_report() -> Report:
    rep = drift_report()
    rep.results.append(HostReport(H3, error="docker://gone: container not running (exit 1)"))
    return rep


def clean_report() -> Report:
    return Report(command="diff", reference="docker://a",
                  results=[HostReport("docker://b", [], checked={"package": 120, "user": 20})])


def hostile_report() -> Report:
    """Names a compromised host plants: screen clear, OSC 52, OSC 0, BEL, CR, U+2028, RLO, an
    undecodable byte, and backslashes (systemd's own ``\\x2d`` stays as it is)."""
    host = "ssh://web\x1b]0;pwned\x07"
    findings = [
        Finding(host, "package", "pkg\x1b[2J", "version", "1.0", "1.0\x1b]52;c;cm0gLXJmIH4=\x07",
                "changed"),
        Finding(host, "user", "u\x07ser", "home", "/home/u", "/home/evil\rgood", "changed"),
        Finding(host, "file", "/etc/a\u2028b\u202etxt.exe", None, None, "file", "unexpected"),
        Finding(host, "file", "/srv/caf" + b"\xe9".decode("utf-8", "surrogateescape"), "mode",
                "0644", "0600", "changed", ignored="legacy \x1b[31mred\x1b[0m app"),
        Finding(host, "service", "dev-disk-by\\x2duuid-1.device", "running", True, False,
                "changed"),
        Finding(host, "file", "C:\\temp\\x1b", "type", "file", "absent", "changed"),
    ]
    return Report(command="diff", reference="docker://ref", results=[
        HostReport(host, findings, checked={"package": 1, "user": 1, "file": 3, "service": 1}),
        HostReport("ssh://db", error="ssh://db: ssh failed: banner\x1b[2J\nsecond line\r\n")],
        warnings=["files collected on one side only, not compared: /etc/x\x1b]52;c;AA==\x07"])


CASES = {"drift": drift_report, "error": error_report, "clean": clean_report,
         "hostile": hostile_report}
