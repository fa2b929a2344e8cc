"""The requested paths: type, mode, owner, group, sha256 of regular files, target of links.

Per path the snippet prints lines tagged with the path's index in the request (never the path
itself, so names with spaces, quotes or newlines cannot confuse the parser). The type comes from
shell tests; then ONE ``stat -c`` (format letters BusyBox also knows: ``%a %u %g %U %G``), ONE
``readlink -z`` and ONE ``sha256sum -z`` run for all paths of a kind, not one process or two per
path: 300 declared files cost the host about 20 ms of CPU instead of half a second (bench
host_cost). A batch's lines are paired with the indices in order, and only when there are
exactly as many lines as paths (stat and sha256sum print one line per path they can read;
``-z`` keeps a file name with a newline from adding one); otherwise, and where a tool lacks
``-z`` (BusyBox), that kind falls back to one process per path (``sha256sum`` fed on stdin, so
its output never holds the name). A link's target is printed as hex (``od``), so a target
holding a newline or any other byte comes back exactly; on a host without ``od`` a target with
a newline is reported as unknown (``null``) with a warning. Links are not
followed: a link is
reported as a link with its target. Paths that do not exist are reported with type ``absent``;
``other`` covers sockets, devices and fifos. A file that cannot be read (permissions) has
``sha256: null``, and so has a secret path (``request.secret_paths``): its content is never
read, so no hash of a secret reaches a snapshot or a report.

On a Nix host (``/etc/static`` or ``/nix/store`` is a directory: NixOS, or a Linux with a Nix
store) links are also read through: ONE ``stat -L``, ONE ``readlink -f -z`` and ONE
``sha256sum -z`` batch over the links (``lstat``, ``resolvedhex``, ``lsha256`` lines), and a link
whose full resolution lies in ``/nix/store`` (or ``/etc/static``) is reported as the file or
directory it resolves to, with that file's mode, owner, group and sha256, its ``target`` kept
(:func:`_through_store`; docs/facts.md, "NixOS: files and services"). On any other host the
script is the one it always was.

On SmartOS (``$SYS = SunOS``) the same batches run with the platform's GNU ``stat`` and
``readlink``; hashes come from ``digest -a sha256`` (illumos has no sha256sum) and, where
``stat`` lacks ``-c``, mode and owner from ``ls -lnd``/``ls -ld`` (see ``_SUNOS``). The facts have
the same shape.
"""

from __future__ import annotations

import shlex
from typing import Any

from parity.facts.collectors import ParseError, excerpt, is_number, lines
from parity.facts.request import CollectRequest

KIND = "files"

_FUNCTION = """\
nl='
'
# one path the slow way (a process or two per path): the fallback when a batch cannot be trusted
pstat() { echo "$1 stat $(stat -c '%a %u %g %U %G' -- "$2" 2>/dev/null)"; }
plink() {
  if have od; then
    h=$(readlink -- "$2" | od -An -v -tx1); echo "$1 targethex $(printf %s $h)"
  else
    h=$(readlink -- "$2")
    case $h in *"$nl"*) echo "$1 targetnl";; *) echo "$1 target $h";; esac
  fi
}
psha() { h=$(sha256sum < "$2" 2>/dev/null) && echo "$1 sha256 ${h%% *}"; return 0; }
# hashable INDEX: false for a secret path (listed in $nosha as ",I,J,"): its content is never read
hashable() { case $nosha in *",$1,"*) return 1;; esac; }
# pfiles PATH...: every requested path, its index being its position. Types come from shell
# tests (no process); then one stat, one readlink and one sha256sum run for all paths of a
# kind, instead of one or two processes per path. Each batch re-selects its paths with the same
# tests (sha256sum must never read a fifo or a device) and narrows the positional parameters
# to them by number, so no path's text is ever evaluated. A batch is printed only when its tool
# succeeded for every path, so its lines pair with its indices in order; otherwise (a path
# vanished, a tool lacks -z) that kind is done path by path
pfiles() {
  _i=0
  for p do
    if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory
    elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else t=absent; fi
    echo "$_i type $t"
    # on a Nix host, what a link resolves to (the tests follow links): no process
    if [ -n "$nixetc" ] && [ $t = link ]; then
      if [ -d "$p" ]; then echo "$_i ltype directory"; elif [ -f "$p" ]; then
      echo "$_i ltype file"; elif [ -e "$p" ]; then echo "$_i ltype other"; fi
    fi
    _i=$((_i + 1))
  done
  pbatch stat "$@"; pbatch link "$@"; pbatch sha "$@"
  if [ -n "$nixetc" ]; then pbatch lstat "$@"; pbatch resolve "$@"; pbatch lsha "$@"; fi
}
pbatch() {
  _k=$1; shift; _i=0 _ix= _a=
  for p do
    _i=$((_i + 1))
    case $_k in
      stat) [ -L "$p" ] || [ -e "$p" ];;
      link) [ -L "$p" ];;
      sha) [ ! -L "$p" ] && [ -f "$p" ] && [ -r "$p" ] && hashable $((_i - 1)) \\
             && have sha256sum;;
      lstat|resolve) [ -L "$p" ] && [ -e "$p" ];;
      lsha) [ -L "$p" ] && [ -f "$p" ] && [ -r "$p" ] && hashable $((_i - 1)) \\
             && have sha256sum;;
      *) false;;
    esac || continue
    _ix="${_ix:+$_ix,}$((_i - 1))"; _a="$_a \\"\\${$_i}\\""
  done
  [ -n "$_ix" ] || return 0
  eval "set -- $_a"  # only the selected paths: set -- "${1}" "${5}" ... (no path text in eval)
  case $_k in
    # lstat, resolve and lsha (Nix hosts only) are stat, link and sha through the links (stat -L,
    # readlink -f, and sha256sum, which reads through a link anyway), for the /etc entries NixOS
    # links to its store; each batch line says which it is
    stat|lstat)
      # one line per path, and every path answered when stat exits 0
      _l=; [ "$_k" = stat ] || _l=-L
      if _o=$(stat $_l -c '%a %u %g %U %G' -- "$@" 2>/dev/null); then
        printf 'batch %s %s\\n%s\\n' "$_k" "$_ix" "$_o"; return 0
      fi;;
    link|resolve)
      # NUL-terminated targets as hex (any byte of a target comes back exactly); a failure
      # (BusyBox has no -z) appends a '/', so the hex no longer ends with a NUL
      _l= _n=targetshex; [ "$_k" = link ] || { _l=-f; _n=resolvedhex; }
      if have od; then
        _o=$({ readlink $_l -z -- "$@" 2>/dev/null || printf /; } | od -An -v -tx1)
        case $_o in *" 00")
          printf 'batch %s %s ' "$_n" "$_ix"; printf %s $_o; echo; return 0;;
        esac
      fi;;
    sha|lsha)
      # -z: NUL ends each record and no name is escaped; tr makes one line per file. A
      # failure appends a '/', which no line of a regular file's hash can end with
      _n=sha256; [ "$_k" = sha ] || _n=lsha256
      if have tr; then
        _o=$({ sha256sum -z -- "$@" 2>/dev/null || printf /; } | tr '\\n\\0' '?\\n')
        case $_o in */|'') ;; *) printf 'batch %s %s\\n%s\\n' "$_n" "$_ix" "$_o"; return 0;; esac
      fi;;
  esac
  for p do
    _j=${_ix%%,*}; _ix=${_ix#"$_j"}; _ix=${_ix#,}
    case $_k in
      stat) pstat "$_j" "$p";; link) plink "$_j" "$p";; sha) psha "$_j" "$p";;
      lstat) echo "$_j lstat $(stat -L -c '%a %u %g %U %G' -- "$p" 2>/dev/null)";;
      resolve) have od || continue
        h=$(readlink -f -- "$p" | od -An -v -tx1); echo "$_j resolvedhex $(printf %s $h)";;
      lsha) h=$(sha256sum < "$p" 2>/dev/null) && echo "$_j lsha256 ${h%% *}";;
    esac
  done
}
"""


#: SmartOS (``$SYS = SunOS``): GNU stat and readlink are in the platform's /usr/bin, so the
#: stat and link batches above run as they are; hashes come from illumos' ``digest`` (no
#: sha256sum). ``digest -v`` prints ``sha256 (NAME) = HASH`` a file (digest(1)): one line per file
#: unless a name holds a newline, so a batch with such a name goes path by path (``digest`` on
#: stdin prints the hash alone). Where stat lacks ``-c`` (a zone without the GNU tools), each path
#: is read from ``ls -lnd`` (mode bits and ids) and ``ls -ld`` (names), first line only.
_SUNOS = """\
if [ "$SYS" = SunOS ]; then
psha() { h=$(digest -a sha256 < "$2" 2>/dev/null) && echo "$1 sha256 $h"; return 0; }
if ! stat -c %a / >/dev/null 2>&1; then
  pstat() {
    _l=$(ls -lnd -- "$2" 2>/dev/null); echo "$1 lsn ${_l%%"$nl"*}"
    _l=$(ls -ld -- "$2" 2>/dev/null); echo "$1 lsl ${_l%%"$nl"*}"
  }
fi
pfiles() {
  _i=0
  for p do
    if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory
    elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else t=absent; fi
    echo "$_i type $t"; _i=$((_i + 1))
  done
  pbatch stat "$@"; pbatch link "$@"; pdigest "$@"
}
pdigest() {
  _i=0 _ix= _a= _one=
  for p do
    _i=$((_i + 1))
    [ ! -L "$p" ] && [ -f "$p" ] && [ -r "$p" ] && hashable $((_i - 1)) || continue
    case $p in *"$nl"*) _one=1;; esac
    _ix="${_ix:+$_ix,}$((_i - 1))"; _a="$_a \\"\\${$_i}\\""
  done
  [ -n "$_ix" ] || return 0
  eval "set -- $_a"
  if [ -z "$_one" ] && _o=$(digest -v -a sha256 -- "$@" 2>/dev/null); then
    printf 'batch digest %s\\n%s\\n' "$_ix" "$_o"; return 0
  fi
  for p do
    _j=${_ix%%,*}; _ix=${_ix#"$_j"}; _ix=${_ix#,}
    psha "$_j" "$p"
  done
}
fi
"""


#: Nix hosts (NixOS, or any Linux with a store): ``/etc/static`` or ``/nix/store`` is a directory.
#: Only there do the batches through links run (``lstat``, ``resolve``, ``lsha``); every other
#: Linux runs exactly the script it ran before
_NIX = """\
nixetc=
if [ "$SYS" != SunOS ] && { [ -d /etc/static ] || [ -d /nix/store ]; }; then nixetc=1; fi
"""
#: where NixOS places the files it manages: a link whose full resolution (``readlink -f``) lies
#: under one of these is NixOS's way of placing a file, judged by what it resolves to
STORE_PREFIXES = ("/nix/store/", "/etc/static/")

def snippet(request: CollectRequest) -> str:
    if not request.paths:
        return ":\n"
    args = " ".join(shlex.quote(p) for p in request.paths)
    secret = "".join(f"{i}," for i, p in enumerate(request.paths) if p in request.secret_paths)
    return _FUNCTION + _SUNOS + _NIX + f"nosha=,{secret}\npfiles {args}\n"


def _empty() -> dict[str, Any]:
    return {"type": "absent", "mode": None, "owner": None, "group": None, "sha256": None,
            "target": None}


def _stat(entry: dict[str, Any], value: str, path: str, warnings: list[str]) -> None:
    parts = value.split(" ")
    if not value.strip():
        return  # stat failed (permission denied on the parent): the rest stays unknown
    mode, uid, gid = [*parts, "", "", ""][:3]
    if not (is_number(mode) and is_number(uid) and is_number(gid)):
        warnings.append(f"{excerpt(path)}: unreadable stat line {excerpt(value)}")
        return
    entry["mode"] = mode.zfill(4)
    if len(parts) != 5:
        # an owner or group name with a space in it (a malformed /etc/passwd or /etc/group)
        warnings.append(f"{excerpt(path)}: owner and group names are ambiguous in "
                        f"{excerpt(value)}; reported as numeric ids")
        entry["owner"], entry["group"] = uid, gid
        return
    user, group = parts[3], parts[4]
    entry["owner"] = uid if user in ("UNKNOWN", "") else user
    entry["group"] = gid if group in ("UNKNOWN", "") else group


#: ``ls -l``'s permission letters, in order, and the mode bit each one sets; ``s``/``t`` set
#: the execute bit too, ``S``/``T`` only the special bit
_LS_BITS = ((1, "r", 0o400), (2, "w", 0o200), (4, "r", 0o040), (5, "w", 0o020),
            (7, "r", 0o004), (8, "w", 0o002))
#: (illumos prints ``l`` for set-group-ID without group execute: mandatory locking, ls(1))
_LS_EXEC = ((3, 0o100, 0o4000, "sS"), (6, 0o010, 0o2000, "sSl"), (9, 0o001, 0o1000, "tT"))


def ls_mode(perms: str) -> str | None:
    """``-rwsr-xr-x`` (``ls -l``'s first field; illumos adds ``+`` for an ACL, ``@`` for
    extended attributes) -> ``"4755"``; ``None`` for letters ``ls`` does not print."""
    if len(perms) < 10 or perms[0] not in "-dlbcpsDP":
        return None
    mode = 0
    for pos, letter, bit in _LS_BITS:
        if perms[pos] == letter:
            mode |= bit
        elif perms[pos] != "-":
            return None
    for pos, xbit, special, letters in _LS_EXEC:
        c = perms[pos]
        if c in ("x", letters[0]):
            mode |= xbit
        if c in letters:
            mode |= special
        elif c not in "x-":
            return None
    return f"{mode:04o}"


def _ls(entry: dict[str, Any], field: str, value: str, path: str, warnings: list[str]) -> None:
    """``lsn``: ``ls -lnd`` (mode from the letters, numeric owner and group); ``lsl``: ``ls -ld``
    (the names, used when ``lsn`` was read)."""
    fields = value.split()
    if not value.strip():
        return  # ls failed: the rest stays unknown, as when stat fails
    if field == "lsn":
        mode = ls_mode(fields[0]) if fields else None
        if mode is None or len(fields) < 4 or not (is_number(fields[2])
                                                   and is_number(fields[3])):
            warnings.append(f"{excerpt(path)}: unreadable ls line {excerpt(value)}")
            return
        entry["mode"], entry["owner"], entry["group"] = mode, fields[2], fields[3]
    elif entry["mode"] is not None and len(fields) >= 4:
        entry["owner"], entry["group"] = fields[2], fields[3]


def _target(value: str, path: str, warnings: list[str]) -> str | None:
    """The link target from ``od``'s hex (readlink's own final newline dropped)."""
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        warnings.append(f"{excerpt(path)}: unreadable link target {excerpt(value)}")
        return None
    return raw.removesuffix(b"\n").decode("utf-8", "replace")


def _indices(text: str, request: CollectRequest) -> list[int]:
    idxs = text.split(",")
    if not all(is_number(i) and int(i) < len(request.paths) for i in idxs):
        raise ParseError(f"files output names an unknown path index: {excerpt(text)}")
    return [int(i) for i in idxs]


def _targets(value: str) -> list[str | None] | None:
    """The targets of a ``batch targetshex`` line: ``readlink -z`` as hex, each target ended by
    a NUL (no target can hold one), so the split is exact; ``None`` when unreadable."""
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        return None
    if not raw.endswith(b"\0"):
        return None
    return [t.decode("utf-8", "replace") for t in raw.split(b"\0")[:-1]]


def _field(entry: dict[str, Any], field: str, value: str, path: str, line: str,
           warnings: list[str]) -> None:
    if field == "type":
        if value not in ("file", "directory", "link", "other", "absent"):
            raise ParseError(f"unknown file type in {excerpt(line)}")
        entry["type"] = value
    elif field == "stat":
        _stat(entry, value, path, warnings)
    elif field in ("lsn", "lsl"):
        _ls(entry, field, value, path, warnings)
    elif field == "targethex":
        entry["target"] = _target(value, path, warnings)
    elif field == "target":
        entry["target"] = value
    elif field == "targetnl":
        warnings.append(f"{excerpt(path)}: the link target holds a newline and the host "
                        "has no od to print it exactly; reported as null")
    elif field == "sha256":
        if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
            warnings.append(f"{excerpt(path)}: sha256sum printed {excerpt(value)}, "
                            "not a sha256; reported as null")
            return
        entry["sha256"] = value
    else:
        raise ParseError(f"unexpected line in files output: {excerpt(line)}")


#: fields about what a link resolves to (Nix hosts), and the plain field each one fills
_THROUGH = {"ltype": "type", "lstat": "stat", "lsha256": "sha256", "resolvedhex": "resolved"}


def _route(out: dict[str, dict[str, Any]], through: dict[str, dict[str, Any]], path: str,
           field: str, value: str, line: str, warnings: list[str]) -> None:
    """One path's field into its entry, or (a ``_THROUGH`` field) into what its link resolves
    to; ``digest`` is SmartOS' ``sha256``."""
    if field in _THROUGH:
        seen = through.setdefault(path, _empty())
        if field == "resolvedhex":
            seen["resolved"] = _target(value, path, warnings)
        else:
            _field(seen, _THROUGH[field], value, path, line, warnings)
        return
    _field(out.setdefault(path, _empty()), "sha256" if field == "digest" else field, value,
           path, line, warnings)


def _through_store(entry: dict[str, Any], seen: dict[str, Any]) -> None:
    """A link that resolves into the Nix store becomes the file (or directory) it resolves to:
    NixOS places ``environment.etc`` entries that way, and a reader of ``/etc/foo.conf`` gets
    the store file's content and permissions. Its ``target`` (what ``readlink`` says, e.g.
    ``/etc/static/foo.conf``) is kept for the record; the store path itself is not reported,
    since its hash changes with every other /etc entry of the generation and would make every
    such file differ between two hosts. Any other link stays a link."""
    resolved = seen.get("resolved")
    if entry["type"] != "link" or not isinstance(resolved, str):
        return
    if not resolved.startswith(STORE_PREFIXES) or seen["type"] not in ("file", "directory"):
        return
    entry["type"] = seen["type"]
    for key in ("mode", "owner", "group", "sha256"):
        entry[key] = seen[key]


def parse(text: str, request: CollectRequest,
          warnings: list[str] | None = None) -> dict[str, Any]:
    """Lines are ``INDEX FIELD VALUE`` (one path's fact) or a batch: ``batch stat I,J,...``,
    ``batch sha256 I,J,...`` and (SmartOS) ``batch digest I,J,...`` followed by one line of
    the tool's output per index, in order, or ``batch targetshex I,J,... HEX``. The script
    prints nothing else, and no host value can make a line of its own (targets are hex, names
    are not printed or cannot hold a newline), so any other line means the output is not ours
    (:class:`ParseError`). Odd values are per-path warnings."""
    warnings = [] if warnings is None else warnings
    out: dict[str, dict[str, Any]] = {}
    through: dict[str, dict[str, Any]] = {}  # Nix hosts: what a link resolves to
    body = lines(text)
    pos = 0
    while pos < len(body):
        line = body[pos]
        pos += 1
        idx, _, rest = line.partition(" ")
        field, _, value = rest.partition(" ")
        if idx == "batch":
            if field in ("targetshex", "resolvedhex"):
                idx_text, _, hexed = value.partition(" ")
                idxs = _indices(idx_text, request)
                targets = _targets(hexed)
                if targets is None or len(targets) != len(idxs):
                    raise ParseError(f"unreadable link targets in {excerpt(line)}")
                for i, target in zip(idxs, targets, strict=True):
                    if field == "targetshex":
                        out.setdefault(request.paths[i], _empty())["target"] = target
                    else:
                        through.setdefault(request.paths[i], _empty())["resolved"] = target
                continue
            if field not in ("stat", "sha256", "digest", "lstat", "lsha256"):
                raise ParseError(f"unexpected line in files output: {excerpt(line)}")
            idxs = _indices(value, request)
            values = body[pos:pos + len(idxs)]
            pos += len(idxs)
            if len(values) != len(idxs):
                raise ParseError(f"files output ends inside a batch: {excerpt(line)}")
            for i, v in zip(idxs, values, strict=True):
                path = request.paths[i]
                # sha256sum's line is "HASH  NAME", digest's "sha256 (NAME) = HASH": the name
                # is not ours to read
                if field in ("sha256", "lsha256"):
                    v = v.split(" ", 1)[0]
                elif field == "digest":
                    v = v.rpartition(" = ")[2]
                _route(out, through, path, field, v, line, warnings)
            continue
        if not is_number(idx) or int(idx) >= len(request.paths):
            raise ParseError(f"files output names an unknown path index: {excerpt(line)}")
        _route(out, through, request.paths[int(idx)], field, value, line, warnings)
    for path, seen in through.items():
        if path in out:
            _through_store(out[path], seen)
    for path in request.secret_paths & out.keys():
        out[path]["sha256"] = None  # never kept, whatever the output said
    missing = [p for p in request.paths if p not in out]
    if missing:
        raise ParseError(f"files output lacks {len(missing)} requested path(s), "
                         f"e.g. {excerpt(missing[0])}")
    return out
