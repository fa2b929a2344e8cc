"""Services: systemd's view where systemd runs, otherwise the strongest evidence there is.

On SmartOS (``$SYS = SunOS``) SMF says it all: :mod:`parity.facts.collectors.smf` (``svcs`` and
one ``svcprop``), with the same ``running``/``enabled`` plus ``state``, ``fmri`` and ``legacy``.

With systemd (``/run/systemd/system`` exists and ``systemctl`` is present) every service unit is
reported: ``running`` is ``ActiveState`` active/reloading, ``enabled`` is the unit-file state
(``enabled``/``enabled-runtime`` -> true, ``disabled``/``masked`` -> false, anything else such as
``static`` or ``indirect`` -> null, "not something one enables").

On NixOS (``/etc/static`` is a directory) that rule cannot answer:
NixOS acts on no [Install] section and its units are links into the store, so list-unit-files
says ``linked``/``static`` (``bad`` on old systemd) for units that do start at boot. There
``enabled`` comes from the ``.wants``/``.requires`` links NixOS writes for ``wantedBy`` (one
glob, ``@wants``): wanted -> true, masked -> false, anything else false unless systemd says
``enabled`` (:func:`_nix_enabled`). Without systemd the same links decide, and the units in
``/etc/systemd/system`` are listed (``unit``; ``unitmasked`` for a link to /dev/null).

Without systemd (containers, BusyBox, sysvinit, OpenRC) a service is running when any of this
evidence says so, checked in this order (docs/facts.md, "Service rules", is the contract):

1. the init script's own ``/etc/init.d/<name> status`` exits 0 (LSB), unless that 0 can only
   rest on a zombie (one carries a daemon name, no live process does); any other code, a
   timeout, or a script that handles no ``status`` is no answer;
2. ``/run/parity/<name>.pid`` (parity's container entrypoint writes it): running if the pid is a
   live process that is not a zombie, stopped otherwise (rule 3 is then not asked);
3. a live, non-zombie process whose ``comm`` (the kernel keeps 15 characters) is one of the
   service's daemon names: the name itself, what its init script names as its daemon
   (``DAEMON=``, ``start-stop-daemon --exec``/``--name`` ..., read by one ``grep`` over all
   scripts) and :data:`WELL_KNOWN_DAEMONS`. A process running an init script is named after
   the script (``sh /etc/init.d/app status`` is ``app`` to the kernel): one whose command line
   is ``... init.d/<comm>... status`` is a status probe (another check's, an admin's), never
   the daemon.

A status 3 does not outweigh rule 3, unlike testinfra's SysV rule: Debian's scripts look for
their own pid file, so a daemon started another way (``sshd -D`` as a container's command) is
"not running" to its script while it runs and listens.

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
without any of these is also listed when rule 3 finds its daemon running. The init scripts' own
lines reach the parser as grep prints them (``/etc/init.d/NAME:TEXT``); a script whose name
holds ``:`` or a newline is not read, so the name before the first ``:`` is the script's.
"""

from __future__ import annotations

import re
from typing import Any

from parity.facts.collectors import ParseError, excerpt, is_number, lines, parts, smf
from parity.facts.collectors.smf import SNIPPET as _SMF_SNIPPET
from parity.facts.request import CollectRequest
from parity.labels import PID_DIR, SERVICES_DIR

KIND = "services"

#: init.d entries that are not services
_NOT_SERVICES = {"README", "skeleton", "rc", "rcS", "rc.local", "functions", "halt", "reboot",
                 "single", "killprocs", "sendsigs", "umountfs", "umountroot", "bootlogs"}

#: init script lines that name a daemon: an assignment of one of the variables Debian's
#: skeleton and OpenRC use for it, any variable set to an absolute path (Docker's script says
#: ``DOCKERD=/usr/sbin/dockerd`` and ``--exec "$DOCKERD"``: only the option makes it the
#: daemon), or a ``start-stop-daemon`` option that names it
_DAEMON_LINES = (r"^[[:space:]]*(export[[:space:]]+)?(DAEMON|DAEMON_NAME|NAME|command|procname)="
                 r"|^[[:space:]]*(export[[:space:]]+)?[A-Za-z_][A-Za-z0-9_]*=[^[:space:]/]?/"
                 r"|--(exec|name)([[:space:]]|=)")
#: the variables whose value is the daemon itself (``NAME`` only resolves ``--name $NAME``)
_DAEMON_VARS = ("DAEMON", "DAEMON_NAME", "command", "procname")
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
_OPTION = re.compile(r"--(?:exec|name)(?:=|\s+)")
_WORD = re.compile(r"\"([^\"]*)\"|'([^']*)'|([^\s;|&<>()`]+)")
_VARIABLE = re.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")
#: a daemon started through an interpreter or a wrapper names that program, not the daemon:
#: any python3 would then count as the service running, so these names are never evidence
_NOT_DAEMONS = re.compile(r"^(sh|bash|dash|ash|busybox|env|su|sudo|runuser|nohup|nice|"
                          r"start-stop-daemon|python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|java|"
                          r"node|nodejs)$")

#: processes of services whose init scripts name no daemon parity can read (postgresql runs
#: pg_ctlcluster) or name it through variables it cannot resolve; docs/facts.md lists them
WELL_KNOWN_DAEMONS: dict[str, tuple[str, ...]] = {
    "apache2": ("apache2", "httpd"),
    "bind9": ("named",),
    "chrony": ("chronyd",),
    "cron": ("cron", "crond"),
    "dbus": ("dbus-daemon",),
    "mariadb": ("mariadbd", "mysqld"),
    "mysql": ("mysqld", "mariadbd"),
    "ntp": ("ntpd",),
    "openbsd-inetd": ("inetd",),
    "postfix": ("master",),
    "postgresql": ("postgres",),
    "rsyslog": ("rsyslogd",),
    "ssh": ("sshd",),
}
#: Debian's PHP-FPM packages: service php8.2-fpm runs php-fpm8.2
_PHP_FPM = re.compile(r"^php([0-9.]+)-fpm$")


#: the services NixOS starts at boot: the links its ``wantedBy``/``requiredBy`` write into
#: ``/etc/systemd/system/<unit>.wants/`` and ``.requires/`` (the link's name is the unit's),
#: read by one glob, no process; a link that resolves nowhere, or to /dev/null, wants nothing
_NIX_WANTS = """\
for f in /etc/systemd/system/*.wants/*.service /etc/systemd/system/*.requires/*.service; do
      n=${f##*/}; case $n in *"$nl"*) continue;; esac
      if [ -e "$f" ] && [ ! -c "$f" ]; then echo "wants $n"; fi
    done"""
#: NixOS's own marker: /etc/static, the generation's /etc. Not /nix/store alone: a Debian with
#: Nix installed enables units the usual way, and its ``static`` units must stay unknown
_NIX_TEST = "[ -d /etc/static ]"


def snippet(request: CollectRequest) -> str:
    """The same script whatever the request lists: the verdict for a service must not depend on
    whether a spec asked about it, or ``parity check`` and ``parity diff`` could disagree."""
    del request  # deliberately unused (see above)
    skip = " ".join(sorted(_NOT_SERVICES))
    return f"""\
if [ "$SYS" = SunOS ]; then
{_SMF_SNIPPET}elif [ -d /run/systemd/system ] && have systemctl; then
  echo "@init systemd"
  echo "@units"
  systemctl list-units --type=service --all --no-legend --no-pager --plain
  echo "@files"
  systemctl list-unit-files --type=service --no-legend --no-pager
  if {_NIX_TEST}; then
    echo "@wants"
    nl='
'
    {_NIX_WANTS}
  fi
else
  echo "@init none"
  # names come from file names: one with a newline in it could forge a line of this output
  nl='
'
  name_ok() {{ case $1 in ''|.*|*"$nl"*) return 1;; esac; }}
  # NixOS: its units are links in /etc/systemd/system, enabled by its .wants links
  if {_NIX_TEST}; then
    for f in /etc/systemd/system/*.service; do
      n=${{f##*/}}; name_ok "$n" || continue
      if [ -c "$f" ]; then echo "unitmasked $n"; elif [ -e "$f" ]; then echo "unit $n"; fi
    done
    {_NIX_WANTS}
  fi
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
  # what each init script names as its daemon (DAEMON=, --exec, --name ...): one grep over all
  # of them, after the parallel probes (grep's block writes must not interleave with theirs);
  # a script whose name holds grep's ":" separator or a newline is left out
  if have grep; then
    set --
    for f in /etc/init.d/*; do
      case $f in *:*|*"$nl"*) continue;; esac
      [ -f "$f" ] && set -- "$@" "$f"
    done
    [ $# -gt 0 ] && grep -H -E -e '{_DAEMON_LINES}' -- "$@" 2>/dev/null
  fi
  # a process running an init script carries the script's name (the kernel names it after the
  # file executed, cut to 15 bytes): another check's status probe on this host, or an admin's
  # `service NAME status`, is not the daemon. Its cmdline (read drops the NULs) names the
  # script (/etc/init.d/NAME, /etc/rc.d/init.d/NAME) and ends in status; one gone meanwhile
  # reads empty. A script that backgrounds itself as the daemon (`start` loops) still counts
  for d in /proc/[0-9]*; do
    c=; read -r c 2>/dev/null < "$d/comm" && [ -n "$c" ] || continue
    pstate "${{d#/proc/}}"
    case $_s in
      '') ;;
      Z*|X*) echo "zombie $c";;
      *)
        if [ -f "/etc/init.d/$c" ] || [ ${{#c}} -ge 15 ]; then
          a=; read -r a 2>/dev/null < "$d/cmdline"
          case $a in ''|*"init.d/$c"*status) continue;; esac
        fi
        echo "proc $c";;
    esac
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
    wanted: set[str] | None = None  # None: no @wants part, not NixOS
    masked: set[str] = set()
    for part in parts(body, ("@units", "@files", "@wants")):
        if part.tag is None:
            raise ParseError(f"systemd output before @units/@files: {excerpt(part.body[0])}")
        if part.tag == "@wants":
            wanted = set() if wanted is None else wanted
            wanted |= _wants(part.body, warnings)
            continue
        for line in part.body:
            _systemd_line(part.tag, line, out, warnings, masked)
    if wanted is not None:
        _nix_enabled(out, wanted, masked)
    return out


def _wants(body: list[str], warnings: list[str]) -> set[str]:
    """``wants NAME.service`` lines: the units NixOS's ``.wants``/``.requires`` links start."""
    out = set()
    for line in body:
        tag, _, unit = line.partition(" ")
        name = _unit_name(unit) if tag == "wants" else None
        if name is None:
            warnings.append(f"skipped unexpected .wants line {excerpt(line)}")
            continue
        out.add(name)
    return out


def _nix_enabled(out: dict[str, dict[str, Any]], wanted: set[str], masked: set[str]) -> None:
    """NixOS has no ``systemctl enable``: the units it writes carry no [Install] section, a
    packaged unit's is not acted on (nixpkgs#81138), and all live as links into the store, so
    ``list-unit-files`` calls them ``linked``, ``static`` or (old systemd) ``bad``, none of
    which says whether the unit starts at boot. What does is the
    ``.wants``/``.requires`` links NixOS writes for ``wantedBy``/``requiredBy``: a wanted unit
    is enabled, and any other is not (false, not unknown) unless systemd itself says
    ``enabled`` (``systemctl enable --runtime``). A masked unit is never enabled."""
    for name in wanted - out.keys():
        out[name] = {"running": False, "enabled": None}
    for name, entry in out.items():
        if name in masked:
            entry["enabled"] = False
        elif name in wanted:
            entry["enabled"] = True
        else:
            entry["enabled"] = entry["enabled"] is True


def _systemd_line(part: str, line: str, out: dict[str, dict[str, Any]],
                  warnings: list[str], masked: set[str]) -> None:
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
        if load == "masked":
            masked.add(name)
        if load in ("not-found", "masked") and entry["enabled"] is None:
            entry["enabled"] = False
    else:
        if len(fields) < 2:
            warnings.append(f"skipped systemctl list-unit-files line {excerpt(line)}: "
                            "no state")
            return
        entry = out.setdefault(name, {"running": False, "enabled": None})
        entry["enabled"] = _ENABLED.get(fields[1])
        if fields[1] in ("masked", "masked-runtime"):
            masked.add(name)


def _first_word(text: str) -> str | None:
    """The first shell word of ``text``: one quoted string, or a bare run up to a blank or an
    operator (enough for ``DAEMON=/usr/sbin/cron # comment`` and ``--exec "$DAEMON" --``)."""
    m = _WORD.match(text)
    if not m:
        return None
    word = next(g for g in m.groups() if g is not None)
    return word or None


def _daemon_line(line: str, scripts: dict[str, _Script], warnings: list[str]) -> None:
    """One grep line ``/etc/init.d/NAME:TEXT`` (NAME holds no ``:``, the script sees to it)."""
    name, sep, text = line[len(_INITD):].partition(":")
    if not sep or not name:
        warnings.append(f"skipped unexpected init script line {excerpt(line)}")
        return
    script = scripts.setdefault(name, _Script())
    m = _ASSIGNMENT.match(text)
    if m and (word := _first_word(m[2])):
        script.assigned.setdefault(m[1], []).append(word)
    for m in _OPTION.finditer(text):
        if word := _first_word(text[m.end():]):
            script.options.append(word)


class _Script:
    """What one init script says about its daemon: variable values and option arguments."""

    def __init__(self) -> None:
        self.assigned: dict[str, list[str]] = {}
        self.options: list[str] = []

    def resolve(self, value: str) -> list[str]:
        """``value`` itself, or the values of the one variable it is (``$DAEMON``,
        ``${DAEMON}``); nothing for anything else with a ``$`` in it."""
        m = _VARIABLE.match(value)
        if m:
            return [v for v in self.assigned.get(m[1] or m[2], []) if "$" not in v]
        return [] if "$" in value else [value]

    def daemons(self) -> set[str]:
        named = [v for var in _DAEMON_VARS for v in self.assigned.get(var, [])]
        named += self.options
        out = set()
        for raw in named:
            for value in self.resolve(raw):
                base = value.rstrip("/").rsplit("/", 1)[-1]
                if base and not _NOT_DAEMONS.match(base):
                    out.add(base)
        return out


_INITD = "/etc/init.d/"


def daemon_names(name: str, script: _Script | None = None) -> set[str]:
    """The process names that are service ``name``'s daemon: what its init script names and
    the well-known table; the service's own name only when neither names one. (Service ``ssh``
    is the daemon ``sshd``: a user's ``ssh`` client, comm ``ssh``, is no evidence that it runs;
    nor is the ``docker`` CLI for the service whose script starts ``dockerd``.)"""
    out = set(WELL_KNOWN_DAEMONS.get(name, ()))
    m = _PHP_FPM.match(name)
    if m:
        out.add(f"php-fpm{m[1]}")
    if script is not None:
        out |= script.daemons()
    return out or {name}


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
    scripts: dict[str, _Script] = {}
    wanted: set[str] = set()  # NixOS: .wants/.requires links
    masked: set[str] = set()
    for line in body:
        if line.startswith(_INITD):
            _daemon_line(line, scripts, warnings)
            continue
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
        elif tag in ("unit", "unitmasked", "wants"):
            name = _unit_name(rest)
            if name is None:
                warnings.append(f"skipped unexpected unit line {excerpt(line)}")
                continue
            listed.add(name)
            {"unit": set(), "unitmasked": masked, "wants": wanted}[tag].add(name)
        elif tag == "proc":
            procs.add(rest)
        elif tag == "zombie":
            zombies.add(rest)
        else:
            warnings.append(f"skipped unexpected line {excerpt(line)}")

    def comms(name: str) -> set[str]:
        """The daemon's names as ``comm`` shows them (the kernel keeps 15 characters)."""
        return {n[:15] for n in daemon_names(name, scripts.get(name))}

    def daemon_runs(name: str) -> bool:
        return bool(comms(name) & procs)

    def on_zombie(name: str) -> bool:
        """LSB status scripts test a pid with ``kill -0``, which succeeds on a zombie: a daemon
        killed outright leaves its pid file and a zombie, and the script says "running". When
        a zombie carries one of the daemon's names (or the service's) and no live process of
        the daemon's names does, that answer rests on the zombie."""
        return bool((comms(name) | {name[:15]}) & zombies) and not daemon_runs(name)

    def running(name: str) -> bool:
        """Any evidence that it runs, strongest first (docs/facts.md, Service rules); a
        status 3 does not outweigh a live daemon: the script looked for its own pid file."""
        if status.get(name) == _LSB_RUNNING and not on_zombie(name):
            return True
        if name in pids:
            return pids[name] == "live"
        return daemon_runs(name)

    # a requested name with no other evidence is listed when a process of its name runs: the
    # verdict of every name is the same whether requested or not, only the listing differs
    listed |= {n for n in request.services if n not in listed and running(n)}
    enabled |= wanted - masked  # NixOS .wants links, as with systemd (_nix_enabled)
    return {n: {"running": running(n), "enabled": n in enabled and n not in masked}
            for n in sorted(listed)}


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
    if init == "smf":
        return smf.parse(body[1:], warnings)
    raise ParseError(f"unknown init {excerpt(init)}")
