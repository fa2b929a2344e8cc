"""Independent oracles: what the host's own tools (and testinfra) say, in parity's facts shape.

Every function here asks a real tool on a live host through a testinfra ``Host`` and returns the
answer shaped like the matching kind of :class:`parity.facts.Facts`, so a test can assert
``facts.<kind> == oracle(...)`` for *every* item rather than a sample. None of them reuses a
parity parser: the point is a second opinion that shares no code with the collector.

The tools are the administrator's reference answers: ``dpkg-query`` (a foreign-architecture
package spelled ``zlib1g:i386``, as apt spells it),
``apt-mark showauto``, ``getent``, ``id -nG``, ``stat``/``readlink``/``sha256sum``, ``ss``,
``sysctl -n`` and the init script's ``status`` exit code (LSB: 0 means running).
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from testinfra.host import Host

#: dpkg's "db:Status-Status" values meaning the package's files are on the system; a package
#: removed but not purged is ``config-files`` and is NOT installed
DPKG_PRESENT = {"installed", "half-configured", "unpacked", "triggers-awaited",
                "triggers-pending"}


def run_ok(host: Host, command: str) -> str:
    """stdout of ``command`` on ``host``; fails loudly (with stderr) on a non-zero exit."""
    out = host.run(command)
    assert out.rc == 0, f"{command!r} exited {out.rc}: {out.stderr}"
    return str(out.stdout)


def packages(host: Host) -> dict[str, dict[str, Any]]:
    """Installed packages per ``dpkg-query``, named the way apt names them: plain for the
    native architecture (``dpkg --print-architecture``) and ``all``, ``name:arch`` otherwise."""
    native = run_ok(host, "dpkg --print-architecture").strip()
    fmt = r"${Package}\t${Version}\t${Architecture}\t${db:Status-Status}\n"
    out: dict[str, dict[str, Any]] = {}
    for line in run_ok(host, f"dpkg-query -W -f '{fmt}'").splitlines():
        name, version, arch, state = line.split("\t")
        if state in DPKG_PRESENT:
            key = name if arch in (native, "all") else f"{name}:{arch}"
            out[key] = {"version": version, "arch": arch}
    return out


def dpkg_states(host: Host) -> dict[str, str]:
    """Every package dpkg knows, installed or not, with its status (``config-files``, ...)."""
    fmt = r"${Package}:${Architecture}\t${db:Status-Status}\n"
    rows = (line.split("\t") for line in run_ok(host, f"dpkg-query -W -f '{fmt}'").splitlines())
    return dict(rows)


def held(host: Host) -> set[str]:
    return set(run_ok(host, "apt-mark showhold").split())


def auto_installed(host: Host) -> set[str]:
    """``apt-mark showauto``: names (``pkg:arch`` for foreign ones) apt marked automatic."""
    return set(run_ok(host, "apt-mark showauto").split())


def passwd(host: Host) -> dict[str, dict[str, Any]]:
    """``getent passwd``: name -> uid, gid, home, shell."""
    out: dict[str, dict[str, Any]] = {}
    for line in run_ok(host, "getent passwd").splitlines():
        name, _pw, uid, gid, _gecos, home, shell = line.split(":")
        out[name] = {"uid": int(uid), "gid": int(gid), "home": home, "shell": shell}
    return out


def group_db(host: Host) -> dict[str, dict[str, Any]]:
    """``getent group``: name -> gid, sorted members."""
    out: dict[str, dict[str, Any]] = {}
    for line in run_ok(host, "getent group").splitlines():
        name, _pw, gid, members = line.split(":")
        out[name] = {"gid": int(gid), "members": sorted(m for m in members.split(",") if m)}
    return out


def id_groups(host: Host, user: str) -> list[str]:
    """``id -nG user``: primary group first, then the supplementary ones.

    A gid without a group entry is printed as its number (``5555``); ``id`` then exits 1 with
    "cannot find name for group ID", which is an answer here, not a failure.
    """
    out = host.run(f"id -nG -- {shlex.quote(user)}")
    if out.rc != 0:
        assert "cannot find name for group ID" in out.stderr, out.stderr
    return str(out.stdout).split()


def stat_path(host: Host, path: str) -> dict[str, Any]:
    """One path by ``stat``/``readlink``/``sha256sum``, in the facts' file shape.

    Owner and group are the names ``stat`` prints, or the number where the id has no name
    (``stat`` then prints ``UNKNOWN``).
    """
    q = shlex.quote(path)
    if host.run(f"test -e {q} || test -L {q}").rc != 0:
        return {"type": "absent", "mode": None, "owner": None, "group": None, "sha256": None,
                "target": None}
    ftype, mode, uid, gid, user, group = run_ok(
        host, f"stat -c '%F|%a|%u|%g|%U|%G' -- {q}").strip().split("|")
    kind = {"regular file": "file", "regular empty file": "file", "directory": "directory",
            "symbolic link": "link"}.get(ftype, "other")
    sha = None
    if kind == "file":
        sha = run_ok(host, f"sha256sum -- {q}").split()[0]
    target = run_ok(host, f"readlink -- {q}").rstrip("\n") if kind == "link" else None
    return {"type": kind, "mode": mode.zfill(4), "owner": uid if user == "UNKNOWN" else user,
            "group": gid if group == "UNKNOWN" else group, "sha256": sha, "target": target}


def listening(host: Host) -> dict[str, dict[str, Any]]:
    """``ss -H -ltnu``: listening TCP and unconnected (bound) UDP sockets, per ``proto/port``.

    ``ss`` prints an IPv6 wildcard socket as ``[::]`` (v6 only) or ``*`` (dual stack); both are
    the IPv6 any-address ``::``, the spelling of Python's :mod:`ipaddress` and /proc/net.
    """
    out: dict[str, dict[str, Any]] = {}
    for line in run_ok(host, "ss -H -ltnu").splitlines():
        cols = line.split()
        proto, local = cols[0], cols[4]
        addr, _, port = local.rpartition(":")
        addr = addr.strip("[]").split("%")[0]
        addr = "::" if addr in ("*", "::") else addr
        entry = out.setdefault(f"{proto}/{int(port)}",
                               {"protocol": proto, "port": int(port), "addresses": []})
        if addr not in entry["addresses"]:
            entry["addresses"].append(addr)
    for entry in out.values():
        entry["addresses"].sort()
    return out


def testinfra_listening(host: Host) -> set[str]:
    """``proto/port`` of every socket testinfra's Socket module calls listening."""
    keys = set()
    for url in host.socket.get_listening_sockets():
        proto, _, rest = url.partition("://")
        if proto in ("tcp", "udp"):
            keys.add(f"{proto}/{int(rest.rpartition(':')[2])}")
    return keys


def sysctl(host: Host, keys: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``sysctl -n`` per key, whitespace folded; keys the kernel does not have are left out."""
    out: dict[str, str] = {}
    for key in keys:
        res = host.run(f"sysctl -n -- {shlex.quote(key)}")
        if res.rc == 0:
            out[key] = " ".join(str(res.stdout).split())
    return out


def init_status(host: Host, service: str) -> int | None:
    """Exit status of ``/etc/init.d/<service> status`` (LSB: 0 running, 3 stopped), or None
    when there is no such init script."""
    script = f"/etc/init.d/{service}"
    if host.run(f"test -x {shlex.quote(script)}").rc != 0:
        return None
    return int(host.run(f"{shlex.quote(script)} status").rc)


def zombies(host: Host) -> set[str]:
    """Commands of the host's zombie processes (state ``Z``), from ``ps``."""
    rows = (line.split(None, 1) for line in run_ok(host, "ps -eo stat=,comm=").splitlines())
    return {comm.strip() for stat, comm in rows if stat.startswith("Z")}
