"""Installed packages with versions, from whichever package database the host has.

Order of preference: on a host that is not Linux (SmartOS, NetBSD, macOS), pkgsrc's
``pkg_info``; on NixOS (a ``/run/current-system``), the system's closure through ``nix-store``
(see :func:`_nix` and docs/facts.md, "NixOS hosts"); then dpkg's database (Debian, Ubuntu),
``rpm`` with an rpm database (Fedora, RHEL clones; BusyBox's ``rpm`` applet alone does not
count), Alpine's database file ``/lib/apk/db/installed`` (plain text, so it needs no tool at
all), then ``apk info -v``. Versions are reported exactly as the manager prints them (dpkg epoch and
revision, rpm ``epoch:version-release``, apk ``-rN``) so :func:`parity.versions.compare` can order
them with the distro's own rules. dpkg packages in a non-installed state (``config-files``,
``not-installed``, ``half-installed``) are left out. A line or record the parser cannot read is
skipped with a warning.

dpkg's database is read with one ``awk`` over ``/var/lib/dpkg/status``, printing exactly what
``dpkg-query -W -f='${Package}\\t${Version}\\t${Architecture}\\t${Status}\\n'`` prints (the same
file, in the same order): dpkg-query loads the whole database and needs about 10 MB of memory on
a host with 2,000 packages, awk about 2 MB (bench host_cost, "checking production must not hurt
production"). dpkg-query itself runs when dpkg has journal entries not yet merged into the
status file (``updates/``), when ``DPKG_ADMINDIR`` points elsewhere, or when there is no awk.

Where the manager records why a package is there, each package also gets ``auto``: ``true`` when
it was pulled in as a dependency (apt's ``/var/lib/apt/extended_states``, Alpine: absent from
``/etc/apk/world``). ``parity check --strict`` and ``parity capture`` use it so that a host is
judged on what someone chose to install, not on every library that came with it. rpm keeps no
such mark outside dnf's history database, so rpm packages carry no ``auto`` key.

pkgsrc (SmartOS zones: prefix ``/opt/local``; the SmartOS global zone: ``/opt/tools``; NetBSD
and others: ``/usr/pkg``, ``/opt/pkg``) is read with two ``pkg_info`` runs, whatever the number of
packages: ``pkg_info -a`` (every package, ``name-version`` then its comment) and ``pkg_info -u``
(the packages not marked ``automatic``: pkg_install's own test, the mark pkgin's ``keep`` and
``unkeep`` set). ``pkg_info`` is looked for in those prefixes first, since a non-interactive
PATH often lacks them; each one knows its own package database (``PKG_DBDIR``), so none has to
be named. A package token splits at its last ``-`` (``ca-certificates-20200601nb1``). ``pkgin
list`` would say the same but refreshes pkgin's own database as it runs: a collector writes
nothing. ``pkg_info`` records no architecture per package, so ``arch`` is ``null``.
"""

from __future__ import annotations

import re
from functools import cmp_to_key, partial
from typing import Any

from parity.facts.collectors import ParseError, excerpt, parts, split_lines
from parity.facts.request import CollectRequest
from parity.nix_version import compare as nix_compare
from parity.nix_version import split_store_path
from parity.pkgsrc_version import split_package

KIND = "packages"

#: dpkg states that mean "the package's files are on the system"
_DPKG_PRESENT = {"installed", "half-configured", "unpacked", "triggers-awaited",
                 "triggers-pending"}


#: where pkgsrc's pkg_info lives, in the order asked: the SmartOS global zone's tools, a
#: SmartOS zone's (and Joyent's illumos bootstrap), macOS's, NetBSD's pkgsrc and base system
PKGSRC_PKG_INFO = ("/opt/tools/sbin/pkg_info", "/opt/local/sbin/pkg_info",
                   "/opt/pkg/sbin/pkg_info", "/usr/pkg/sbin/pkg_info", "/usr/sbin/pkg_info")


def snippet(request: CollectRequest) -> str:
    return r"""
pk=; NS=/run/current-system/sw/bin/nix-store
if [ "$SYS" != Linux ]; then
  for c in """ + " ".join(PKGSRC_PKG_INFO) + r"""; do
    if [ -x "$c" ]; then pk=$c; break; fi
  done
  if [ -z "$pk" ] && have pkg_info; then pk=pkg_info; fi
fi
if [ -n "$pk" ]; then
  echo "manager pkgsrc"
  "$pk" -a
  if u=$("$pk" -u); then echo "@auto pkgsrc-user"; printf '%s\n' "$u"; fi
elif [ -d /run/current-system ] && { [ -x "$NS" ] || have nix-store; }; then
  ns=nix-store; [ -x "$NS" ] && ns=$NS
  if c=$("$ns" -qR /run/current-system 2>/dev/null); then
    echo "manager nix"
    printf '%s\n' "$c"
    if s=$("$ns" -q --references /run/current-system/sw 2>/dev/null); then
      echo "@auto nix-selected"; printf '%s\n' "$s"
    fi
  else
    echo "$NA nix-store -qR /run/current-system failed (no access to the Nix database?)"
  fi
elif have dpkg-query; then
  echo "manager dpkg"
  d=/var/lib/dpkg; u=
  for f in "$d"/updates/[0-9]*; do [ -e "$f" ] && u=1; break; done
  if [ -z "$u" ] && [ -z "${DPKG_ADMINDIR:-}" ] && [ -r "$d/status" ] && have awk; then
    awk '
      function val() { v = substr($0, index($0, ":") + 1); sub(/^[ \t]+/, "", v)
                       sub(/[ \t]+$/, "", v); return v }
      /^Package:/ { p = val(); next }
      /^Version:/ { ver = val(); next }
      /^Architecture:/ { a = val(); next }
      /^Status:/ { s = val(); next }
      /^$/ { if (p != "") print p "\t" ver "\t" a "\t" s; p = ver = a = s = ""; next }
      END { if (p != "") print p "\t" ver "\t" a "\t" s }' "$d/status"
  else
    dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${Status}\n'
  fi
  echo "@auto apt"
  if [ -r /var/lib/apt/extended_states ]; then cat /var/lib/apt/extended_states; fi
elif have rpm && { [ -d /var/lib/rpm ] || [ -d /usr/lib/sysimage/rpm ]; }; then
  echo "manager rpm"
  rpm -qa --qf '%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\t'\
'install ok installed\n'
elif [ -r /lib/apk/db/installed ]; then
  echo "manager apk-db"
  cat /lib/apk/db/installed; echo
  echo "@auto apk-world"
  if [ -r /etc/apk/world ]; then cat /etc/apk/world; fi
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


def _tabbed(body: list[str], what: str, warnings: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for line in body:
        fields = line.split("\t")
        if len(fields) != 4 or not fields[0]:
            warnings.append(f"skipped {what} line {excerpt(line)}: not 4 tab-separated fields")
            continue
        name, version, arch, status = fields
        state = status.split()[-1] if status.split() else ""
        if state not in _DPKG_PRESENT:
            continue
        if what == "rpm" and name == "gpg-pubkey":
            continue  # imported signing keys, not software
        _add(out, name, version, arch if arch not in ("", "(none)") else None)
    return out


def _apk_db(body: list[str], warnings: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    record: dict[str, str] = {}

    def flush() -> None:
        if record:
            if "P" not in record or "V" not in record:
                warnings.append(f"skipped an apk database record without P: or V: "
                                f"{excerpt(str(record))}")
            else:
                _add(out, record["P"], record["V"], record.get("A"))
            record.clear()

    for line in body:
        if line == "":
            flush()
            continue
        key, colon, value = line.partition(":")
        if not colon or len(key) != 1:
            warnings.append(f"skipped apk database line {excerpt(line)}: not 'X:value'")
            continue
        if key in "PVA":
            record[key] = value
    flush()
    return out


_APK_VERSION = re.compile(r"^(?P<name>.+?)-(?P<version>[0-9][^-]*-r[0-9]+)$")


def _apk_info(body: list[str], warnings: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for line in body:
        m = _APK_VERSION.match(line.strip())
        if not m:
            warnings.append(f"skipped apk info line {excerpt(line)}: not name-version-rN")
            continue
        _add(out, m["name"], m["version"], None)
    return out


def _pkgsrc_tokens(body: list[str], what: str,
                   warnings: list[str]) -> list[tuple[str, str]]:
    """(name, version) of each ``name-version  comment`` line (``pkg_info -a``/``-u``)."""
    out = []
    for line in body:
        token = line.split(None, 1)[0] if line.split() else ""
        try:
            name, version = split_package(token)
            if not version:
                raise ValueError(token)
        except ValueError:
            warnings.append(f"skipped {what} line {excerpt(line)}: not 'name-version comment'")
            continue
        out.append((name, version))
    return out


def _pkgsrc(body: list[str], marks: list[str] | None,
            warnings: list[str]) -> dict[str, dict[str, Any]]:
    pkgs: dict[str, dict[str, Any]] = {}
    for name, version in _pkgsrc_tokens(body, "pkg_info -a", warnings):
        pkgs[name] = {"version": version, "arch": None}
    if marks is not None:
        chosen = {name for name, _ in _pkgsrc_tokens(marks, "pkg_info -u", warnings)}
        for name, info in pkgs.items():
            info["auto"] = name not in chosen
    return pkgs


#: store path names that are not software: sources and build recipes (never in a system's
#: runtime closure unless something refers to them, and then not a package of it)
_NIX_NOT_PACKAGES = re.compile(r"\.(drv|tar|tar\.[a-z0-9]+|tgz|tbz2?|txz|zip|patch|diff)$")


def _nix_entries(body: list[str], what: str, warnings: list[str],
                 versionless: set[str] | None) -> list[tuple[str, str, str]]:
    """(pname, version, output) of each store path that is a package (see :func:`_nix`); a
    path without a version counts only if its name is in ``versionless`` (``None``: always)."""
    out = []
    for line in body:
        path = line.strip()
        if not path:
            continue
        try:
            name = split_store_path(path)
        except ValueError as exc:
            warnings.append(f"skipped {what} line {excerpt(line)}: not a store path ({exc})")
            continue
        base = path.rsplit("/", 1)[-1]
        pname, output = name.pname, name.output or "out"
        if not name.version:
            # diff-closures' suffix rule would read nixos-rebuild as output "rebuild" of
            # "nixos"; with no version to split off either, the whole name is the package
            pname, output = base.split("-", 1)[1], "out"
            if versionless is not None and pname not in versionless:
                continue
        if _NIX_NOT_PACKAGES.search(base) or pname.startswith("nixos-system-"):
            continue
        out.append((pname, name.version, output))
    return out


def _nix_rank(chosen: set[str], a: str, b: str) -> int:
    """Which version of one pname keeps the plain key: selected first, then the newest by Nix's
    ordering, then (versions Nix calls equal: ``1.0`` and ``1.00``) by the string."""
    return (b in chosen) - (a in chosen) or nix_compare(b, a) or (a > b) - (a < b)


def _nix(body: list[str], marks: list[str] | None,
         warnings: list[str]) -> dict[str, dict[str, Any]]:
    """A NixOS system closure as packages (docs/facts.md, "NixOS packages").

    ``body`` is ``nix-store -qR /run/current-system``, ``marks`` the references of
    ``/run/current-system/sw`` (the system's ``environment.systemPackages``): those are
    ``auto: false``, the rest of the closure ``auto: true``. Store paths are read as ``nix store
    diff-closures`` groups them (:func:`parity.nix_version.split_store_path`: output suffix, then
    ``parseDrvName``); the outputs of one package become one entry, with ``outputs`` when there
    are several. Left out: paths without a version (``etc``, ``system-path``,
    ``unit-*.service``: generated configuration, which the files and services facts judge)
    unless the system selected one (``nixos-rebuild`` is a versionless script; its ``version``
    is ``""``), the system itself (``nixos-system-HOST-RELEASE``, whose release the os facts
    report), and sources and build recipes (``.drv``, tarballs, patches).

    One pname in several versions (two pythons) keeps every version: the selected one (else the
    newest, by Nix's ordering) is keyed ``pname``, each other ``pname@version``.
    """
    versions: dict[str, dict[str, set[str]]] = {}
    selected: set[tuple[str, str]] | None = None
    if marks is not None:
        # every selected path is a package, a versionless one too (nixos-rebuild, a script)
        selected = {(p, v) for p, v, _ in _nix_entries(marks, "nix-store -q --references",
                                                       warnings, None)}
    names = {p for p, v in selected or () if not v}
    for pname, version, output in _nix_entries(body, "nix-store -qR", warnings, names):
        versions.setdefault(pname, {}).setdefault(version, set()).add(output)
    if selected is not None:
        for pname, version in sorted(selected):
            if version not in versions.get(pname, {}):
                label = f"{pname}-{version}" if version else pname
                warnings.append(f"selected package {label} is not in the closure")
    pkgs: dict[str, dict[str, Any]] = {}
    for pname in sorted(versions):
        by_version = versions[pname]
        chosen = {v for v in by_version if selected is not None and (pname, v) in selected}
        ordered = sorted(by_version, key=cmp_to_key(partial(_nix_rank, chosen)))
        for i, version in enumerate(ordered):
            info: dict[str, Any] = {"version": version, "arch": None}
            if len(by_version[version]) > 1:
                info["outputs"] = sorted(by_version[version])
            if selected is not None:
                info["auto"] = (pname, version) not in selected
            pkgs[pname if i == 0 else f"{pname}@{version}"] = info
    return pkgs


def _apt_auto(body: list[str], warnings: list[str]) -> set[tuple[str, str | None]]:
    """(name, arch) pairs apt marked ``Auto-Installed: 1`` in its extended_states stanzas."""
    auto: set[tuple[str, str | None]] = set()
    stanza: dict[str, str] = {}
    for line in [*body, ""]:
        if not line.strip():
            if stanza.get("Auto-Installed") == "1" and "Package" in stanza:
                auto.add((stanza["Package"], stanza.get("Architecture")))
            stanza = {}
            continue
        key, colon, value = line.partition(":")
        if not colon:
            warnings.append(f"skipped apt extended_states line {excerpt(line)}: "
                            "not 'Key: value'")
            continue
        stanza[key.strip()] = value.strip()
    return auto


def _mark_apt(pkgs: dict[str, dict[str, Any]], auto: set[tuple[str, str | None]]) -> None:
    """Set ``auto`` per package. apt files an ``Architecture: all`` package under the native
    architecture (``nginx-common`` is recorded as ``amd64``), so those match on the name alone."""
    names = {name for name, _ in auto}
    for key, info in pkgs.items():
        name = key.split(":", 1)[0]
        info["auto"] = (name, info["arch"]) in auto or (name in names and (
            (name, None) in auto or info["arch"] == "all"))


def _mark_apk(pkgs: dict[str, dict[str, Any]], world: list[str]) -> None:
    wanted = {re.split(r"[=<>~@]", entry.strip(), maxsplit=1)[0] for entry in world}
    for key, info in pkgs.items():
        info["auto"] = key.split(":", 1)[0] not in wanted


def parse(text: str, request: CollectRequest,
          warnings: list[str] | None = None) -> dict[str, Any]:
    warnings = [] if warnings is None else warnings
    raw = split_lines(text)
    while raw and not raw[0].strip():
        raw.pop(0)
    if not raw:
        raise ParseError("packages output is empty")
    tag, _, manager = raw[0].partition(" ")
    if tag != "manager":
        raise ParseError(f"packages output does not start with the manager line: "
                         f"{excerpt(raw[0])}")
    listing: list[str] = []
    marks: list[str] | None = None
    for part in parts(raw[1:], ("@auto",)):
        if part.tag is None:
            listing = part.body
        else:
            marks = [ln for ln in part.body if ln.strip()] if manager != "dpkg" else part.body
    if manager == "apk-db":
        pkgs = _apk_db(listing, warnings)
        if marks is not None:
            _mark_apk(pkgs, marks)
        return pkgs
    body = [ln for ln in listing if ln.strip()]
    if manager in ("dpkg", "rpm"):
        pkgs = _tabbed(body, manager, warnings)
        if manager == "dpkg" and marks is not None:
            _mark_apt(pkgs, _apt_auto(marks, warnings))
        return pkgs
    if manager == "apk":
        return _apk_info(body, warnings)
    if manager == "pkgsrc":
        return _pkgsrc(body, marks, warnings)
    if manager == "nix":
        return _nix(body, marks, warnings)
    raise ParseError(f"unknown package manager {excerpt(manager)}")
