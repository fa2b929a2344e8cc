"""Installed packages with versions, from whichever package database the host has.

Order of preference: ``dpkg-query`` (Debian, Ubuntu), ``rpm`` with an rpm database (Fedora,
RHEL clones; BusyBox's ``rpm`` applet alone does not count), Alpine's
database file ``/lib/apk/db/installed`` (plain text, so it needs no tool at all), then
``apk info -v``. Versions are reported exactly as the manager prints them (dpkg epoch and
revision, rpm ``epoch:version-release``, apk ``-rN``) so :func:`parity.versions.compare` can order
them with the distro's own rules. dpkg packages in a non-installed state (``config-files``,
``not-installed``, ``half-installed``) are left out.
"""

from __future__ import annotations

import re
from typing import Any

from parity.facts.collectors import ParseError, lines
from parity.facts.request import CollectRequest

KIND = "packages"

#: dpkg states that mean "the package's files are on the system"
_DPKG_PRESENT = {"installed", "half-configured", "unpacked", "triggers-awaited",
                 "triggers-pending"}


def snippet(request: CollectRequest) -> str:
    return r"""
if have dpkg-query; then
  echo "manager dpkg"
  dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${Status}\n'
elif have rpm && { [ -d /var/lib/rpm ] || [ -d /usr/lib/sysimage/rpm ]; }; then
  echo "manager rpm"
  rpm -qa --qf '%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\t'\
'install ok installed\n'
elif [ -r /lib/apk/db/installed ]; then
  echo "manager apk-db"
  cat /lib/apk/db/installed
elif have apk; then
  echo "manager apk"
  apk info -v
else
  echo "$NA no package manager database found (dpkg-query, rpm, /lib/apk/db/installed)"
fi
"""


def _add(out: dict[str, dict[str, Any]], name: str, version: str, arch: str | None) -> None:
    """Record a package; a second architecture of the same name is keyed ``name:arch``."""
    if name in out and out[name]["arch"] != arch:
        out[f"{name}:{arch}"] = {"version": version, "arch": arch}
    else:
        out[name] = {"version": version, "arch": arch}


def _tabbed(body: list[str], what: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for line in body:
        parts = line.split("\t")
        if len(parts) != 4 or not parts[0]:
            raise ParseError(f"{what} line has not 4 tab-separated fields: {line!r}")
        name, version, arch, status = parts
        state = status.split()[-1] if status.split() else ""
        if state not in _DPKG_PRESENT:
            continue
        if what == "rpm" and name == "gpg-pubkey":
            continue  # imported signing keys, not software
        _add(out, name, version, arch if arch not in ("", "(none)") else None)
    return out


def _apk_db(body: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    record: dict[str, str] = {}

    def flush() -> None:
        if record:
            if "P" not in record or "V" not in record:
                raise ParseError(f"apk database record without P: or V: {record!r}")
            _add(out, record["P"], record["V"], record.get("A"))
            record.clear()

    for line in body:
        if line == "":
            flush()
            continue
        key, colon, value = line.partition(":")
        if not colon or len(key) != 1:
            raise ParseError(f"apk database line is not 'X:value': {line!r}")
        if key in "PVA":
            record[key] = value
    flush()
    return out


_APK_VERSION = re.compile(r"^(?P<name>.+?)-(?P<version>[0-9][^-]*-r[0-9]+)$")


def _apk_info(body: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for line in body:
        m = _APK_VERSION.match(line.strip())
        if not m:
            raise ParseError(f"apk info line is not name-version-rN: {line!r}")
        _add(out, m["name"], m["version"], None)
    return out


def parse(text: str, request: CollectRequest) -> dict[str, Any]:
    raw = [ln.rstrip("\r") for ln in text.splitlines()]
    while raw and not raw[0].strip():
        raw.pop(0)
    if not raw:
        raise ParseError("packages output is empty")
    tag, _, manager = raw[0].partition(" ")
    if tag != "manager":
        raise ParseError(f"packages output does not start with the manager line: {raw[0]!r}")
    if manager == "apk-db":
        return _apk_db(raw[1:])
    body = lines("\n".join(raw[1:]))
    if manager in ("dpkg", "rpm"):
        return _tabbed(body, manager)
    if manager == "apk":
        return _apk_info(body)
    raise ParseError(f"unknown package manager {manager!r}")
