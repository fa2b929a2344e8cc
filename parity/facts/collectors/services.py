"""Services: systemd's view where systemd runs, otherwise evidence gathered from files and /proc.

With systemd (``/run/systemd/system`` exists and ``systemctl`` is present) every service unit is
reported: ``running`` is ``ActiveState`` active/reloading, ``enabled`` is the unit-file state
(``enabled``/``enabled-runtime`` -> true, ``disabled``/``masked`` -> false, anything else such as
``static`` or ``indirect`` -> null, "not something one enables").

Without systemd (containers, BusyBox, sysvinit) a service is listed when there is any evidence of
it, and the rules are:

* **enabled** if ``/etc/parity/services/<name>`` exists (written by parity's provisioning for
  the container entrypoint) or a start link ``/etc/rc[2-5].d/S??<name>`` exists; else false.
* **running** if any of: ``/run/parity/<name>.pid`` holds the pid of a live process; the init
  script ``/etc/init.d/<name> status`` exits 0 (asked only for the names the request lists, as
  status scripts are the slowest probe); a process whose ``comm`` is the name (the kernel keeps
  15 characters of it) exists.
* **listed** if the name has an init script, a parity service file, an rc start link, a pid file,
  or is requested and found running.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from parity.facts.collectors import ParseError, lines
from parity.facts.request import CollectRequest
from parity.labels import PID_DIR, SERVICES_DIR

KIND = "services"

#: init.d entries that are not services
_NOT_SERVICES = {"README", "skeleton", "rc", "rcS", "rc.local", "functions", "halt", "reboot",
                 "single", "killprocs", "sendsigs", "umountfs", "umountroot", "bootlogs"}


def snippet(request: CollectRequest) -> str:
    names = " ".join(shlex.quote(n) for n in request.services)
    return f"""\
if [ -d /run/systemd/system ] && have systemctl; then
  echo "@init systemd"
  echo "@units"
  systemctl list-units --type=service --all --no-legend --no-pager --plain
  echo "@files"
  systemctl list-unit-files --type=service --no-legend --no-pager
else
  echo "@init none"
  for f in {SERVICES_DIR}/*; do [ -e "$f" ] && echo "parity ${{f##*/}}"; done
  for f in /etc/rc2.d/S* /etc/rc3.d/S* /etc/rc4.d/S* /etc/rc5.d/S*; do
    if [ -e "$f" ] || [ -L "$f" ]; then echo "rc ${{f##*/}}"; fi
  done
  for f in /etc/init.d/*; do [ -f "$f" ] && [ -x "$f" ] && echo "initd ${{f##*/}}"; done
  for f in {PID_DIR}/*.pid; do
    [ -r "$f" ] || continue
    pid=; read -r pid < "$f"; n=${{f##*/}}; n=${{n%.pid}}
    case "$pid" in ''|*[!0-9]*) echo "pid dead $n";; *)
      if [ -d "/proc/$pid" ]; then echo "pid live $n"; else echo "pid dead $n"; fi;; esac
  done
  for n in {names}; do
    if [ -f "/etc/init.d/$n" ] && [ -x "/etc/init.d/$n" ]; then
      "/etc/init.d/$n" status >/dev/null 2>&1; echo "status $? $n"
    fi
  done
  for d in /proc/[0-9]*; do
    c=; read -r c < "$d/comm" 2>/dev/null && [ -n "$c" ] && echo "proc $c"
  done
fi
"""


def _unit_name(unit: str) -> str | None:
    unit = unit.lstrip("●*").strip()
    if not unit.endswith(".service"):
        return None
    return unit[: -len(".service")]


_ENABLED = {"enabled": True, "enabled-runtime": True, "disabled": False, "masked": False,
            "masked-runtime": False}


def _systemd(body: list[str]) -> dict[str, Any]:
    out: dict[str, dict[str, Any]] = {}
    part = None
    for line in body:
        if line in ("@units", "@files"):
            part = line
            continue
        fields = line.split()
        if fields and fields[0] in ("●", "*"):
            fields = fields[1:]
        if not fields:
            continue
        name = _unit_name(fields[0])
        if name is None:
            if re.match(r"^\d+ (loaded )?unit", line) or "unit files listed" in line:
                continue  # a legend that slipped through --no-legend on old systemd
            raise ParseError(f"systemd line does not start with a .service unit: {line!r}")
        if part == "@units":
            if len(fields) < 4:
                raise ParseError(f"systemctl list-units line has fewer than 4 columns: {line!r}")
            load, active = fields[1], fields[2]
            entry = out.setdefault(name, {"running": False, "enabled": None})
            entry["running"] = active in ("active", "reloading")
            if load in ("not-found", "masked") and entry["enabled"] is None:
                entry["enabled"] = False
        elif part == "@files":
            if len(fields) < 2:
                raise ParseError(f"systemctl list-unit-files line lacks the state: {line!r}")
            entry = out.setdefault(name, {"running": False, "enabled": None})
            entry["enabled"] = _ENABLED.get(fields[1])
        else:
            raise ParseError(f"systemd output before @units/@files: {line!r}")
    return out


def _evidence(body: list[str], request: CollectRequest) -> dict[str, Any]:
    listed: set[str] = set()
    enabled: set[str] = set()
    running: set[str] = set()
    procs: set[str] = set()
    for line in body:
        tag, _, rest = line.partition(" ")
        if tag == "parity":
            listed.add(rest)
            enabled.add(rest)
        elif tag == "rc":
            m = re.match(r"^S\d\d(.+)$", rest)
            if m:
                listed.add(m[1])
                enabled.add(m[1])
        elif tag == "initd":
            if rest not in _NOT_SERVICES and not rest.startswith("."):
                listed.add(rest)
        elif tag == "pid":
            state, _, name = rest.partition(" ")
            listed.add(name)
            if state == "live":
                running.add(name)
        elif tag == "status":
            rc, _, name = rest.partition(" ")
            if rc == "0":
                running.add(name)
        elif tag == "proc":
            procs.add(rest)
        else:
            raise ParseError(f"unexpected line in services output: {line!r}")
    for name in {*listed, *request.services}:
        if name in procs or name[:15] in procs:
            running.add(name)
    listed |= running & set(request.services)
    return {n: {"running": n in running, "enabled": n in enabled} for n in sorted(listed)}


def parse(text: str, request: CollectRequest) -> dict[str, Any]:
    body = lines(text)
    if not body or not body[0].startswith("@init "):
        raise ParseError("services output does not start with the @init line")
    init = body[0].split(" ", 1)[1]
    if init == "systemd":
        return _systemd(body[1:])
    if init == "none":
        return _evidence(body[1:], request)
    raise ParseError(f"unknown init {init!r}")
