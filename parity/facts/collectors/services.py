"""Services: systemd's view where systemd runs, otherwise the strongest evidence there is.

With systemd (``/run/systemd/system`` exists and ``systemctl`` is present) every service unit is
reported: ``running`` is ``ActiveState`` active/reloading, ``enabled`` is the unit-file state
(``enabled``/``enabled-runtime`` -> true, ``disabled``/``masked`` -> false, anything else such as
``static`` or ``indirect`` -> null, "not something one enables").

Without systemd (containers, BusyBox, sysvinit, OpenRC) ``running`` is decided by the first of
these that gives an answer, strongest first (docs/facts.md, "Service rules", is the contract):

1. the init script's own ``/etc/init.d/<name> status`` (LSB: exit 0 running, 3 stopped; any
   other code, a timeout, or a script that handles no ``status`` at all gives no answer); a 0
   that can only rest on a zombie (one carries the name, no live process does) is "stopped";
2. ``/run/parity/<name>.pid`` (parity's container entrypoint writes it): running if the pid is a
   live process that is not a zombie, stopped otherwise;
3. a live, non-zombie process whose ``comm`` is the name (the kernel keeps 15 characters).

Names are kept exactly (a process named with ``\r``, an init script named with U+2028); a name
holding a newline cannot be told apart from two lines, so file names with one are left out
on the host and a process name is read up to its first newline. A line the parser does not
understand is skipped with a warning.

A zombie is a process that has exited and waits for its parent to reap it; in a container whose
PID 1 does not reap (``sleep infinity``), ``service cron stop`` leaves one named ``cron``, and
``kill -0`` still succeeds on it: it never counts. **enabled** is a parity service file
(``/etc/parity/services/<name>``), an rc start link ``/etc/rc?.d/S??<name>`` (``rcS.d``
included, as testinfra counts them) or an OpenRC runlevel entry ``/etc/runlevels/*/<name>``.

The script is the same whatever the request: every init script's status is asked (in
parallel, each bounded by ``timeout`` where the host has it, since some status scripts hang),
so the verdict on a service never depends on whether a spec declares it. A service is listed
when it has an init script, a parity service file, a start link or a pid file; a requested name
without any of these is also listed when rule 3 finds it running.
"""

from __future__ import annotations

import re
from typing import Any

from parity.facts.collectors import ParseError, excerpt, is_number, lines, parts
from parity.facts.request import CollectRequest
from parity.labels import PID_DIR, SERVICES_DIR

KIND = "services"

#: init.d entries that are not services
_NOT_SERVICES = {"README", "skeleton", "rc", "rcS", "rc.local", "functions", "halt", "reboot",
                 "single", "killprocs", "sendsigs", "umountfs", "umountroot", "bootlogs"}


def snippet(request: CollectRequest) -> str:
    """The same script whatever the request lists: the verdict for a service must not depend on
    whether a spec asked about it, or ``parity check`` and ``parity diff`` could disagree."""
    del request  # deliberately unused (see above)
    skip = " ".join(sorted(_NOT_SERVICES))
    return f"""\
if [ -d /run/systemd/system ] && have systemctl; then
  echo "@init systemd"
  echo "@units"
  systemctl list-units --type=service --all --no-legend --no-pager --plain
  echo "@files"
  systemctl list-unit-files --type=service --no-legend --no-pager
else
  echo "@init none"
  # names come from file names: one with a newline in it could forge a line of this output
  nl='
'
  name_ok() {{ case $1 in ''|.*|*"$nl"*) return 1;; esac; }}
  # $_s := State: of a process (a zombie is Z), empty when it is gone; no fork per process
  pstate() {{
    _s=; while read -r _k _v _r; do [ "$_k" = State: ] && {{ _s=$_v; break; }}; done \
      2>/dev/null < "/proc/$1/status"
  }}
  # a status request means something only to scripts that handle one (LSB or OpenRC); one
  # grep -l over every init script answers for all of them (a process per script cost the host
  # a millisecond each), unless a script's name holds a newline (it could forge a line of
  # grep's list): then each script is asked on its own
  gl= gs=
  if have grep; then
    gs=1
    for f in /etc/init.d/*; do case $f in *"$nl"*) gs=;; esac; done
    [ -n "$gs" ] && gl=$nl$(grep -l -e status -e openrc-run -- /etc/init.d/* 2>/dev/null)$nl
  fi
  handles_status() {{
    if [ -n "$gs" ]; then case $gl in *"$nl$1$nl"*) return 0;; esac; return 1; fi
    if have grep; then grep -q -e status -e openrc-run "$1" 2>/dev/null; return; fi
    while IFS= read -r _l; do
      case $_l in *status*|*openrc-run*) return 0;; esac
    done 2>/dev/null < "$1"
    return 1
  }}
  for f in {SERVICES_DIR}/*; do
    n=${{f##*/}}; [ -e "$f" ] && name_ok "$n" && echo "parity $n"
  done
  for f in /etc/rc?.d/S*; do
    n=${{f##*/}}
    if {{ [ -e "$f" ] || [ -L "$f" ]; }} && name_ok "$n"; then echo "rc $n"; fi
  done
  for f in /etc/runlevels/*/*; do
    n=${{f##*/}}
    if {{ [ -e "$f" ] || [ -L "$f" ]; }} && name_ok "$n"; then echo "runlevel $n"; fi
  done
  for f in {PID_DIR}/*.pid; do
    [ -r "$f" ] || continue
    n=${{f##*/}}; n=${{n%.pid}}; name_ok "$n" || continue
    pid=; read -r pid _ < "$f"
    case "$pid" in ''|*[!0-9]*) echo "pid dead $n"; continue;; esac
    pstate "$pid"
    case $_s in
      '') echo "pid dead $n";;
      Z*|X*) echo "pid zombie $n";;
      *) echo "pid live $n";;
    esac
  done
  # every init script's own status, in parallel and bounded: some status scripts hang
  T=; if timeout -s KILL 5 true 2>/dev/null; then T="timeout -s KILL 5"; fi
  for f in /etc/init.d/*; do
    n=${{f##*/}}
    [ -f "$f" ] && [ -x "$f" ] && name_ok "$n" || continue
    echo "initd $n"
    case " {skip} " in *" $n "*) continue;; esac
    handles_status "$f" || continue
    ( $T "$f" status >/dev/null 2>&1 </dev/null; echo "status $? $n" ) &
  done
  wait
  for d in /proc/[0-9]*; do
    c=; read -r c 2>/dev/null < "$d/comm" && [ -n "$c" ] || continue
    pstate "${{d#/proc/}}"
    case $_s in '') ;; Z*|X*) echo "zombie $c";; *) echo "proc $c";; esac
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


def _systemd(body: list[str], warnings: list[str]) -> dict[str, Any]:
    out: dict[str, dict[str, Any]] = {}
    for part in parts(body, ("@units", "@files")):
        if part.tag is None:
            raise ParseError(f"systemd output before @units/@files: {excerpt(part.body[0])}")
        for line in part.body:
            _systemd_line(part.tag, line, out, warnings)
    return out


def _systemd_line(part: str, line: str, out: dict[str, dict[str, Any]],
                  warnings: list[str]) -> None:
    fields = line.split()
    if fields and fields[0] in ("●", "*"):
        fields = fields[1:]
    if not fields:
        return
    name = _unit_name(fields[0])
    if name is None:
        if re.match(r"^\d+ (loaded )?unit", line) or "unit files listed" in line:
            return  # a legend that slipped through --no-legend on old systemd
        warnings.append(f"skipped systemctl line {excerpt(line)}: no .service unit")
        return
    if part == "@units":
        if len(fields) < 4:
            warnings.append(f"skipped systemctl list-units line {excerpt(line)}: "
                            "fewer than 4 columns")
            return
        load, active = fields[1], fields[2]
        entry = out.setdefault(name, {"running": False, "enabled": None})
        entry["running"] = active in ("active", "reloading")
        if load in ("not-found", "masked") and entry["enabled"] is None:
            entry["enabled"] = False
    else:
        if len(fields) < 2:
            warnings.append(f"skipped systemctl list-unit-files line {excerpt(line)}: "
                            "no state")
            return
        entry = out.setdefault(name, {"running": False, "enabled": None})
        entry["enabled"] = _ENABLED.get(fields[1])


#: LSB exit codes of ``status`` that settle the question; any other code (1 "dead, pid file
#: left", 4 "unknown", a usage error, a timeout) leaves it to the weaker evidence
_LSB_RUNNING, _LSB_STOPPED = "0", "3"


def _evidence(body: list[str], request: CollectRequest, warnings: list[str]) -> dict[str, Any]:
    listed: set[str] = set()
    enabled: set[str] = set()
    status: dict[str, str] = {}
    pids: dict[str, str] = {}
    procs: set[str] = set()
    zombies: set[str] = set()
    for line in body:
        tag, _, rest = line.partition(" ")
        if tag == "parity":
            listed.add(rest)
            enabled.add(rest)
        elif tag == "rc":
            m = re.match(r"^S\d\d(.+)$", rest)
            if m and m[1] not in _NOT_SERVICES:  # rc1.d's S..single is no service
                listed.add(m[1])
                enabled.add(m[1])
        elif tag == "runlevel":
            listed.add(rest)
            enabled.add(rest)
        elif tag == "initd":
            if rest not in _NOT_SERVICES and not rest.startswith("."):
                listed.add(rest)
        elif tag == "pid":
            state, _, name = rest.partition(" ")
            if state not in ("live", "dead", "zombie") or not name:
                warnings.append(f"skipped unexpected pid file line {excerpt(line)}")
                continue
            listed.add(name)
            pids[name] = state
        elif tag == "status":
            rc, _, name = rest.partition(" ")
            if not is_number(rc) or not name:
                warnings.append(f"skipped unexpected status line {excerpt(line)}")
                continue
            status[name] = rc
        elif tag == "proc":
            procs.add(rest)
        elif tag == "zombie":
            zombies.add(rest)
        else:
            warnings.append(f"skipped unexpected line {excerpt(line)}")

    def on_zombie(name: str) -> bool:
        """LSB status scripts test a pid with ``kill -0``, which succeeds on a zombie: a daemon
        killed outright leaves its pid file and a zombie, and the script says "running". When
        a zombie carries the name and no live process does, that answer rests on the zombie."""
        short = name[:15]
        return (name in zombies or short in zombies) and not (name in procs or short in procs)

    def running(name: str) -> bool:
        """The first evidence that settles it, strongest first (docs/facts.md, Service rules)."""
        rc = status.get(name)
        if rc == _LSB_RUNNING and on_zombie(name):
            return False
        if rc in (_LSB_RUNNING, _LSB_STOPPED):
            return rc == _LSB_RUNNING
        if name in pids:
            return pids[name] == "live"
        return name in procs or name[:15] in procs

    # a requested name with no other evidence is listed when a process of its name runs: the
    # verdict of every name is the same whether requested or not, only the listing differs
    listed |= {n for n in request.services if n not in listed and running(n)}
    return {n: {"running": running(n), "enabled": n in enabled} for n in sorted(listed)}


def parse(text: str, request: CollectRequest,
          warnings: list[str] | None = None) -> dict[str, Any]:
    warnings = [] if warnings is None else warnings
    body = lines(text)
    if not body or not body[0].startswith("@init "):
        raise ParseError("services output does not start with the @init line")
    init = body[0].split(" ", 1)[1]
    if init == "systemd":
        return _systemd(body[1:], warnings)
    if init == "none":
        return _evidence(body[1:], request, warnings)
    raise ParseError(f"unknown init {excerpt(init)}")
