"""SMF, the service manager of SmartOS (illumos): the services collector's ``$SYS = SunOS`` branch.

Two processes for the whole host, however many services it has:

* ``svcs -aH -o state,fmri`` lists every instance with its state: ``online``, ``degraded``,
  ``offline``, ``maintenance``, ``disabled``, ``uninitialized``, and ``legacy_run`` for the
  rc scripts SMF only records (``lrc:/etc/rc2_d/S20sysetup``). A ``*`` after the state means the
  instance is on its way to another one (svcs(1)); the state shown is still the one it is in.
* ONE ``svcprop -c -f -p general/enabled FMRI...`` for every ``svc:`` instance svcs listed.
  ``general/enabled`` is what ``svcadm enable``/``disable`` set, the instance's setting for boot
  (a temporary ``svcadm disable -t`` leaves it true); ``-c`` reads the current values, not the
  running snapshot, as svcprop(1)'s own example for this property says. ``-f`` makes every
  answer carry the property's full FMRI (``svc:/network/ssh:default/:properties/general/enabled
  boolean true``), so the answers need no order and one FMRI that vanished between the two
  commands costs only its own line. An instance svcprop did not answer for has ``enabled: null``
  (unknown, never drift). Legacy ``lrc:`` services have no properties: ``enabled`` is null.

Facts: ``running`` (``online`` or ``degraded``; ``legacy_run`` for a legacy service),
``enabled``, ``state`` (as svcs printed it, without the ``*``), ``fmri`` and ``legacy``. Keys are
the names people write: the last part of the service name (``nginx`` for
``svc:/pkgsrc/nginx:default``); when a service has several instances its ``default`` instance
keeps that name and the others are ``name:instance`` (``physical:nwam``); when two different
services end in the same name (``svc:/network/dns/client`` and ``svc:/network/ldap/client``)
neither may claim it, and both are keyed by their FMRI. A legacy service is keyed by its script
name without the ``S``/``K`` and number (``lrc:/etc/rc2_d/S89PRESERVE`` -> ``PRESERVE``) unless
an SMF service has that name. A spec may name a service either way: the spec comparison finds
an FMRI-named service by the facts' ``fmri`` (:func:`find`).

An instance in ``maintenance`` is reported as not running, and the state is said in a warning,
so a report shows why a service the spec wants running is not. Lines the parser cannot read (no
``svc:``/``lrc:`` FMRI, a control character in one, a state svcs does not print) are skipped with
a warning.
"""

from __future__ import annotations

import re
from typing import Any

from parity.facts.collectors import excerpt, parts

#: the shell branch (POSIX sh, run by illumos' ksh93 as /bin/sh); indented for its ``if``
SNIPPET = """\
  echo "@init smf"
  if ! have svcs; then
    echo "$NA svcs not found"
  elif ! s=$(svcs -aH -o state,fmri 2>/dev/null); then
    echo "$NA svcs failed (is svc.configd running?)"
  else
    echo "@svcs"
    printf '%s\\n' "$s"
    # one svcprop for every svc: instance (lrc: services have no properties)
    set --
    while read -r _st _f; do
      case $_f in svc:/*) set -- "$@" "$_f";; esac
    done <<EOF
$s
EOF
    echo "@enabled"
    if [ $# -gt 0 ] && have svcprop; then
      svcprop -c -f -p general/enabled "$@" 2>/dev/null
    fi
  fi
"""

#: said once when svcprop answered for no instance (missing, or it failed)
NO_ENABLED = ("svcprop gave no general/enabled value: whether services are enabled is unknown "
              "(never drift)")

#: states svcs prints (svcs(1), smf(7)); ``-`` is an instance whose restarter set none yet
STATES = frozenset({"online", "degraded", "offline", "maintenance", "disabled",
                    "uninitialized", "legacy_run", "-"})
RUNNING = frozenset({"online", "degraded", "legacy_run"})

#: a component of an SMF name: what libscf accepts (letters, digits, ``-_.,``), starting with a
#: letter or digit; service names join components with ``/``
_PART = r"[A-Za-z0-9][A-Za-z0-9,._-]*"
SVC_FMRI = re.compile(rf"^svc:/(?P<service>{_PART}(?:/{_PART})*):(?P<instance>{_PART})$")
#: a legacy service: svc.startd names it after the script's path, ``.`` made ``_``
LRC_FMRI = re.compile(r"^lrc:/(?:[^/\x00-\x1f\x7f]+/)*(?P<script>[^/\x00-\x1f\x7f]+)$")
#: STATE, blanks, FMRI (svcs pads its columns with spaces; padding after the FMRI is dropped)
_SVCS_LINE = re.compile(r"^[ \t]*([^ \t]+)[ \t]+([^ \t].*?)[ \t]*$")
_RC_PREFIX = re.compile(r"^[SK][0-9][0-9]")
_PROPERTIES = "/:properties/"
#: an SMF property type as svcprop prints it (``boolean``, ``astring``, ``net_address_v4``)
_TYPE = re.compile(r"^[a-z][a-z0-9_]*$")


def parse(body: list[str], warnings: list[str]) -> dict[str, dict[str, Any]]:
    """The ``@svcs`` and ``@enabled`` parts -> ``{key: {running, enabled, state, fmri,
    legacy}}``."""
    entries: dict[str, dict[str, Any]] = {}  # fmri -> entry, in svcs's order
    enabled: dict[str, bool] = {}
    for part in parts(body, ("@svcs", "@enabled")):
        for line in part.body:
            if part.tag == "@svcs":
                _svcs_line(line, entries, warnings)
            elif part.tag == "@enabled":
                _enabled_line(line, enabled, warnings)
            else:
                warnings.append(f"skipped unexpected SMF line {excerpt(line)}")
    for fmri, entry in entries.items():
        if not entry["legacy"]:
            entry["enabled"] = enabled.get(fmri)
    if not enabled and any(not e["legacy"] for e in entries.values()):
        # no svcprop, or it failed: say so once, or "enabled" would be unknown without a word
        warnings.append(NO_ENABLED)
    out = {}
    for key, entry in _keys(entries).items():
        out[key] = entry
        if entry["state"] == "maintenance":
            warnings.append(f"service {key} ({entry['fmri']}) is in maintenance: SMF stopped it "
                            "and will not restart it until someone clears it (svcadm clear)")
    return dict(sorted(out.items()))


def _svcs_line(line: str, entries: dict[str, dict[str, Any]], warnings: list[str]) -> None:
    m = _SVCS_LINE.match(line)
    state, fmri = (m[1].removesuffix("*"), m[2]) if m else ("", "")
    legacy = fmri.startswith("lrc:/")
    if not (SVC_FMRI.match(fmri) or (legacy and LRC_FMRI.match(fmri))):
        warnings.append(f"skipped svcs line {excerpt(line)}: no service FMRI")
        return
    if state not in STATES:
        warnings.append(f"skipped svcs line {excerpt(line)}: unknown state")
        return
    if fmri in entries:
        warnings.append(f"skipped svcs line {excerpt(line)}: {excerpt(fmri)} listed twice")
        return
    entries[fmri] = {"running": state in RUNNING, "enabled": None, "state": state,
                     "fmri": fmri, "legacy": legacy}


def property_line(line: str) -> tuple[str, str, str, list[str]] | None:
    """One line of ``svcprop -f``: ``<entity>/:properties/<pg>/<prop> <type> <values...>`` ->
    (entity FMRI, ``pg/prop``, type, values as printed, shell-quoted); ``None`` for anything
    else."""
    designator, _, rest = line.partition(" ")
    entity, sep, prop = designator.partition(_PROPERTIES)
    ptype, _, values = rest.partition(" ")
    if not (sep and "/" in prop and entity.startswith("svc:/") and _TYPE.match(ptype)):
        return None
    return entity, prop, ptype, values.split(" ") if values else []


def _enabled_line(line: str, enabled: dict[str, bool], warnings: list[str]) -> None:
    """``svc:/network/ssh:default/:properties/general/enabled boolean true`` (svcprop -f)."""
    got = property_line(line)
    if got and got[1:] in (("general/enabled", "boolean", ["true"]),
                           ("general/enabled", "boolean", ["false"])):
        enabled[got[0]] = got[3] == ["true"]
    else:
        warnings.append(f"skipped svcprop line {excerpt(line)}: not general/enabled")


def _keys(entries: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each entry under the name people write (see the module's docstring)."""
    services: dict[str, set[str]] = {}  # short name -> service paths ending in it
    instances: dict[str, list[str]] = {}  # service path -> its instances
    for fmri in entries:
        m = SVC_FMRI.match(fmri)
        if m:
            services.setdefault(m["service"].rsplit("/", 1)[-1], set()).add(m["service"])
            instances.setdefault(m["service"], []).append(m["instance"])
    out: dict[str, dict[str, Any]] = {}
    legacy = []
    for fmri, entry in entries.items():
        m = SVC_FMRI.match(fmri)
        if m is None:
            legacy.append((fmri, entry))
            continue
        short = m["service"].rsplit("/", 1)[-1]
        if len(services[short]) > 1:
            key = fmri
        elif m["instance"] == "default" or len(instances[m["service"]]) == 1:
            key = short
        else:
            key = f"{short}:{m['instance']}"
        out[fmri if key in out else key] = entry
    for fmri, entry in legacy:
        m = LRC_FMRI.match(fmri)
        script = m["script"] if m else fmri
        name = _RC_PREFIX.sub("", script) or script
        out[fmri if name in out or name in services else name] = entry
    return out


def find(facts: dict[str, dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The service a spec names by FMRI (``svc:/pkgsrc/nginx:default``, or the service's FMRI
    without instance for its ``default`` one), looked up by the facts' ``fmri``; ``None`` for a
    name that is no FMRI or that no service has."""
    if not name.startswith(("svc:/", "lrc:/")):
        return None
    wanted = {name} if SVC_FMRI.match(name) or name.startswith("lrc:/") else {name + ":default"}
    for item in facts.values():
        if item.get("fmri") in wanted:
            return item
    return None
