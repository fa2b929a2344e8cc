# script
LC_ALL=C; LANG=C; export LC_ALL LANG
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
cd / || exit 1
have() { command -v "$1" >/dev/null 2>&1; }
M='@@parity-0123456789abcdef01234567@@'
NA="$M NA"
SYS=$(uname -s 2>/dev/null)
echo "$M BEGIN os"
(
if [ "$SYS" = SunOS ]; then
  printf 'uname %s\n' "$(uname -a)"
  if z=$(zonename 2>/dev/null); then printf 'zonename %s\n' "$z"; fi
  if [ -r /etc/product ]; then
    while IFS= read -r l || [ -n "$l" ]; do printf 'product %s\n' "$l"; done < /etc/product
  fi
  if [ -r /etc/release ]; then
    while IFS= read -r l || [ -n "$l" ]; do printf 'etcrelease %s\n' "$l"; done < /etc/release
  fi
else
u=$(uname -r -m)
echo "arch ${u##* }"
echo "kernel ${u% *}"
for f in /etc/os-release /usr/lib/os-release; do
  if [ -r "$f" ]; then
    while IFS= read -r l || [ -n "$l" ]; do printf 'release %s\n' "$l"; done < "$f"
    break
  fi
done
fi
) </dev/null
r=$?; echo; echo "$M END os $r"
echo "$M BEGIN packages"
(

pk=; NS=/run/current-system/sw/bin/nix-store
if [ "$SYS" != Linux ]; then
  for c in /opt/tools/sbin/pkg_info /opt/local/sbin/pkg_info /opt/pkg/sbin/pkg_info /usr/pkg/sbin/pkg_info /usr/sbin/pkg_info; do
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
) </dev/null
r=$?; echo; echo "$M END packages $r"
echo "$M BEGIN services"
(
if [ "$SYS" = SunOS ]; then
  echo "@init smf"
  if ! have svcs; then
    echo "$NA svcs not found"
  elif ! s=$(svcs -aH -o state,fmri 2>/dev/null); then
    echo "$NA svcs failed (is svc.configd running?)"
  else
    echo "@svcs"
    printf '%s\n' "$s"
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
elif [ -d /run/systemd/system ] && have systemctl; then
  echo "@init systemd"
  echo "@units"
  systemctl list-units --type=service --all --no-legend --no-pager --plain
  echo "@files"
  systemctl list-unit-files --type=service --no-legend --no-pager
  if [ -d /etc/static ]; then
    echo "@wants"
    nl='
'
    for f in /etc/systemd/system/*.wants/*.service /etc/systemd/system/*.requires/*.service; do
      n=${f##*/}; case $n in *"$nl"*) continue;; esac
      if [ -e "$f" ] && [ ! -c "$f" ]; then echo "wants $n"; fi
    done
  fi
else
  echo "@init none"
  # names come from file names: one with a newline in it could forge a line of this output
  nl='
'
  name_ok() { case $1 in ''|.*|*"$nl"*) return 1;; esac; }
  # NixOS: its units are links in /etc/systemd/system, enabled by its .wants links
  if [ -d /etc/static ]; then
    for f in /etc/systemd/system/*.service; do
      n=${f##*/}; name_ok "$n" || continue
      if [ -c "$f" ]; then echo "unitmasked $n"; elif [ -e "$f" ]; then echo "unit $n"; fi
    done
    for f in /etc/systemd/system/*.wants/*.service /etc/systemd/system/*.requires/*.service; do
      n=${f##*/}; case $n in *"$nl"*) continue;; esac
      if [ -e "$f" ] && [ ! -c "$f" ]; then echo "wants $n"; fi
    done
  fi
  # $_s := State: of a process (a zombie is Z), empty when it is gone; no fork per process
  pstate() {
    _s=; while read -r _k _v _r; do [ "$_k" = State: ] && { _s=$_v; break; }; done       2>/dev/null < "/proc/$1/status"
  }
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
  handles_status() {
    if [ -n "$gs" ]; then case $gl in *"$nl$1$nl"*) return 0;; esac; return 1; fi
    if have grep; then grep -q -e status -e openrc-run "$1" 2>/dev/null; return; fi
    while IFS= read -r _l; do
      case $_l in *status*|*openrc-run*) return 0;; esac
    done 2>/dev/null < "$1"
    return 1
  }
  for f in /etc/parity/services/*; do
    n=${f##*/}; [ -e "$f" ] && name_ok "$n" && echo "parity $n"
  done
  for f in /etc/rc?.d/S*; do
    n=${f##*/}
    if { [ -e "$f" ] || [ -L "$f" ]; } && name_ok "$n"; then echo "rc $n"; fi
  done
  for f in /etc/runlevels/*/*; do
    n=${f##*/}
    if { [ -e "$f" ] || [ -L "$f" ]; } && name_ok "$n"; then echo "runlevel $n"; fi
  done
  for f in /run/parity/*.pid; do
    [ -r "$f" ] || continue
    n=${f##*/}; n=${n%.pid}; name_ok "$n" || continue
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
    n=${f##*/}
    [ -f "$f" ] && [ -x "$f" ] && name_ok "$n" || continue
    echo "initd $n"
    case " README bootlogs functions halt killprocs rc rc.local rcS reboot sendsigs single skeleton umountfs umountroot " in *" $n "*) continue;; esac
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
    [ $# -gt 0 ] && grep -H -E -e '^[[:space:]]*(export[[:space:]]+)?(DAEMON|DAEMON_NAME|NAME|command|procname)=|^[[:space:]]*(export[[:space:]]+)?[A-Za-z_][A-Za-z0-9_]*=[^[:space:]/]?/|--(exec|name)([[:space:]]|=)' -- "$@" 2>/dev/null
  fi
  # a process running an init script carries the script's name (the kernel names it after the
  # file executed, cut to 15 bytes): another check's status probe on this host, or an admin's
  # `service NAME status`, is not the daemon. Its cmdline (read drops the NULs) names the
  # script (/etc/init.d/NAME, /etc/rc.d/init.d/NAME) and ends in status; one gone meanwhile
  # reads empty. A script that backgrounds itself as the daemon (`start` loops) still counts
  for d in /proc/[0-9]*; do
    c=; read -r c 2>/dev/null < "$d/comm" && [ -n "$c" ] || continue
    pstate "${d#/proc/}"
    case $_s in
      '') ;;
      Z*|X*) echo "zombie $c";;
      *)
        if [ -f "/etc/init.d/$c" ] || [ ${#c} -ge 15 ]; then
          a=; read -r a 2>/dev/null < "$d/cmdline"
          case $a in ''|*"init.d/$c"*status) continue;; esac
        fi
        echo "proc $c";;
    esac
  done
fi
) </dev/null
r=$?; echo; echo "$M END services $r"
echo "$M BEGIN users"
(
if [ -r /etc/passwd ]; then
  echo "@passwd"; cat /etc/passwd; echo
  echo "@group"; [ -r /etc/group ] && cat /etc/group
else
  echo "$NA /etc/passwd is not readable"
fi
) </dev/null
r=$?; echo; echo "$M END users $r"
echo "$M BEGIN groups"
(
if [ -r /etc/group ]; then cat /etc/group; else echo "$NA /etc/group is not readable"; fi
) </dev/null
r=$?; echo; echo "$M END groups $r"
echo "$M BEGIN files"
(
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
      sha) [ ! -L "$p" ] && [ -f "$p" ] && [ -r "$p" ] && hashable $((_i - 1)) \
             && have sha256sum;;
      lstat|resolve) [ -L "$p" ] && [ -e "$p" ];;
      lsha) [ -L "$p" ] && [ -f "$p" ] && [ -r "$p" ] && hashable $((_i - 1)) \
             && have sha256sum;;
      *) false;;
    esac || continue
    _ix="${_ix:+$_ix,}$((_i - 1))"; _a="$_a \"\${$_i}\""
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
        printf 'batch %s %s\n%s\n' "$_k" "$_ix" "$_o"; return 0
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
        _o=$({ sha256sum -z -- "$@" 2>/dev/null || printf /; } | tr '\n\0' '?\n')
        case $_o in */|'') ;; *) printf 'batch %s %s\n%s\n' "$_n" "$_ix" "$_o"; return 0;; esac
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
    _ix="${_ix:+$_ix,}$((_i - 1))"; _a="$_a \"\${$_i}\""
  done
  [ -n "$_ix" ] || return 0
  eval "set -- $_a"
  if [ -z "$_one" ] && _o=$(digest -v -a sha256 -- "$@" 2>/dev/null); then
    printf 'batch digest %s\n%s\n' "$_ix" "$_o"; return 0
  fi
  for p do
    _j=${_ix%%,*}; _ix=${_ix#"$_j"}; _ix=${_ix#,}
    psha "$_j" "$p"
  done
}
fi
nixetc=
if [ "$SYS" != SunOS ] && { [ -d /etc/static ] || [ -d /nix/store ]; }; then nixetc=1; fi
nosha=,1,
pfiles /etc/passwd '/srv/it'"'"'s here' '/srv/a
b'
) </dev/null
r=$?; echo; echo "$M END files $r"
echo "$M BEGIN ports"
(
if [ "$SYS" = SunOS ]; then
  # illumos has no /proc/net: netstat, one run per address family (TCP and UDP sections)
  if have netstat; then
    echo "@netstat inet"; netstat -f inet -an 2>/dev/null
    echo "@netstat inet6"; netstat -f inet6 -an 2>/dev/null
  else
    echo "$NA netstat not found"
  fi
else
found=
for f in tcp tcp6 udp udp6; do
  if [ -r "/proc/net/$f" ]; then echo "@$f"; cat "/proc/net/$f"; echo; found=1; fi
done
[ -n "$found" ] || echo "$NA /proc/net is not readable"
fi
) </dev/null
r=$?; echo; echo "$M END ports $r"
echo "$M BEGIN sysctl"
(
if [ "$SYS" = SunOS ]; then echo "$NA sysctl is Linux's; on SmartOS declare network tunables under ipadm:"; exit 0; fi
if [ -d /proc/sys ]; then
  if [ -r /proc/sys/net/ipv4/ip_forward ] && [ -f /proc/sys/net/ipv4/ip_forward ]; then echo '@key 0'; cat /proc/sys/net/ipv4/ip_forward; echo; else echo '@missing 0'; fi
  if [ -r /proc/sys/net/ipv4/conf/eth0.100/forwarding ] && [ -f /proc/sys/net/ipv4/conf/eth0.100/forwarding ]; then echo '@key 1'; cat /proc/sys/net/ipv4/conf/eth0.100/forwarding; echo; else echo '@missing 1'; fi
else echo "$NA /proc/sys is not mounted"; fi
) </dev/null
r=$?; echo; echo "$M END sysctl $r"
echo "$M BEGIN ipadm"
(
:
) </dev/null
r=$?; echo; echo "$M END ipadm $r"
echo "$M DONE"

# command (deadline 59)
s='LC_ALL=C; LANG=C; export LC_ALL LANG
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
cd / || exit 1
have() { command -v "$1" >/dev/null 2>&1; }
M='"'"'@@parity-0123456789abcdef01234567@@'"'"'
NA="$M NA"
SYS=$(uname -s 2>/dev/null)
echo "$M BEGIN os"
(
if [ "$SYS" = SunOS ]; then
  printf '"'"'uname %s\n'"'"' "$(uname -a)"
  if z=$(zonename 2>/dev/null); then printf '"'"'zonename %s\n'"'"' "$z"; fi
  if [ -r /etc/product ]; then
    while IFS= read -r l || [ -n "$l" ]; do printf '"'"'product %s\n'"'"' "$l"; done < /etc/product
  fi
  if [ -r /etc/release ]; then
    while IFS= read -r l || [ -n "$l" ]; do printf '"'"'etcrelease %s\n'"'"' "$l"; done < /etc/release
  fi
else
u=$(uname -r -m)
echo "arch ${u##* }"
echo "kernel ${u% *}"
for f in /etc/os-release /usr/lib/os-release; do
  if [ -r "$f" ]; then
    while IFS= read -r l || [ -n "$l" ]; do printf '"'"'release %s\n'"'"' "$l"; done < "$f"
    break
  fi
done
fi
) </dev/null
r=$?; echo; echo "$M END os $r"
echo "$M BEGIN packages"
(

pk=; NS=/run/current-system/sw/bin/nix-store
if [ "$SYS" != Linux ]; then
  for c in /opt/tools/sbin/pkg_info /opt/local/sbin/pkg_info /opt/pkg/sbin/pkg_info /usr/pkg/sbin/pkg_info /usr/sbin/pkg_info; do
    if [ -x "$c" ]; then pk=$c; break; fi
  done
  if [ -z "$pk" ] && have pkg_info; then pk=pkg_info; fi
fi
if [ -n "$pk" ]; then
  echo "manager pkgsrc"
  "$pk" -a
  if u=$("$pk" -u); then echo "@auto pkgsrc-user"; printf '"'"'%s\n'"'"' "$u"; fi
elif [ -d /run/current-system ] && { [ -x "$NS" ] || have nix-store; }; then
  ns=nix-store; [ -x "$NS" ] && ns=$NS
  if c=$("$ns" -qR /run/current-system 2>/dev/null); then
    echo "manager nix"
    printf '"'"'%s\n'"'"' "$c"
    if s=$("$ns" -q --references /run/current-system/sw 2>/dev/null); then
      echo "@auto nix-selected"; printf '"'"'%s\n'"'"' "$s"
    fi
  else
    echo "$NA nix-store -qR /run/current-system failed (no access to the Nix database?)"
  fi
elif have dpkg-query; then
  echo "manager dpkg"
  d=/var/lib/dpkg; u=
  for f in "$d"/updates/[0-9]*; do [ -e "$f" ] && u=1; break; done
  if [ -z "$u" ] && [ -z "${DPKG_ADMINDIR:-}" ] && [ -r "$d/status" ] && have awk; then
    awk '"'"'
      function val() { v = substr($0, index($0, ":") + 1); sub(/^[ \t]+/, "", v)
                       sub(/[ \t]+$/, "", v); return v }
      /^Package:/ { p = val(); next }
      /^Version:/ { ver = val(); next }
      /^Architecture:/ { a = val(); next }
      /^Status:/ { s = val(); next }
      /^$/ { if (p != "") print p "\t" ver "\t" a "\t" s; p = ver = a = s = ""; next }
      END { if (p != "") print p "\t" ver "\t" a "\t" s }'"'"' "$d/status"
  else
    dpkg-query -W -f='"'"'${Package}\t${Version}\t${Architecture}\t${Status}\n'"'"'
  fi
  echo "@auto apt"
  if [ -r /var/lib/apt/extended_states ]; then cat /var/lib/apt/extended_states; fi
elif have rpm && { [ -d /var/lib/rpm ] || [ -d /usr/lib/sysimage/rpm ]; }; then
  echo "manager rpm"
  rpm -qa --qf '"'"'%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\t%{ARCH}\t'"'"'\
'"'"'install ok installed\n'"'"'
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
) </dev/null
r=$?; echo; echo "$M END packages $r"
echo "$M BEGIN services"
(
if [ "$SYS" = SunOS ]; then
  echo "@init smf"
  if ! have svcs; then
    echo "$NA svcs not found"
  elif ! s=$(svcs -aH -o state,fmri 2>/dev/null); then
    echo "$NA svcs failed (is svc.configd running?)"
  else
    echo "@svcs"
    printf '"'"'%s\n'"'"' "$s"
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
elif [ -d /run/systemd/system ] && have systemctl; then
  echo "@init systemd"
  echo "@units"
  systemctl list-units --type=service --all --no-legend --no-pager --plain
  echo "@files"
  systemctl list-unit-files --type=service --no-legend --no-pager
  if [ -d /etc/static ]; then
    echo "@wants"
    nl='"'"'
'"'"'
    for f in /etc/systemd/system/*.wants/*.service /etc/systemd/system/*.requires/*.service; do
      n=${f##*/}; case $n in *"$nl"*) continue;; esac
      if [ -e "$f" ] && [ ! -c "$f" ]; then echo "wants $n"; fi
    done
  fi
else
  echo "@init none"
  # names come from file names: one with a newline in it could forge a line of this output
  nl='"'"'
'"'"'
  name_ok() { case $1 in '"'"''"'"'|.*|*"$nl"*) return 1;; esac; }
  # NixOS: its units are links in /etc/systemd/system, enabled by its .wants links
  if [ -d /etc/static ]; then
    for f in /etc/systemd/system/*.service; do
      n=${f##*/}; name_ok "$n" || continue
      if [ -c "$f" ]; then echo "unitmasked $n"; elif [ -e "$f" ]; then echo "unit $n"; fi
    done
    for f in /etc/systemd/system/*.wants/*.service /etc/systemd/system/*.requires/*.service; do
      n=${f##*/}; case $n in *"$nl"*) continue;; esac
      if [ -e "$f" ] && [ ! -c "$f" ]; then echo "wants $n"; fi
    done
  fi
  # $_s := State: of a process (a zombie is Z), empty when it is gone; no fork per process
  pstate() {
    _s=; while read -r _k _v _r; do [ "$_k" = State: ] && { _s=$_v; break; }; done       2>/dev/null < "/proc/$1/status"
  }
  # a status request means something only to scripts that handle one (LSB or OpenRC); one
  # grep -l over every init script answers for all of them (a process per script cost the host
  # a millisecond each), unless a script'"'"'s name holds a newline (it could forge a line of
  # grep'"'"'s list): then each script is asked on its own
  gl= gs=
  if have grep; then
    gs=1
    for f in /etc/init.d/*; do case $f in *"$nl"*) gs=;; esac; done
    [ -n "$gs" ] && gl=$nl$(grep -l -e status -e openrc-run -- /etc/init.d/* 2>/dev/null)$nl
  fi
  handles_status() {
    if [ -n "$gs" ]; then case $gl in *"$nl$1$nl"*) return 0;; esac; return 1; fi
    if have grep; then grep -q -e status -e openrc-run "$1" 2>/dev/null; return; fi
    while IFS= read -r _l; do
      case $_l in *status*|*openrc-run*) return 0;; esac
    done 2>/dev/null < "$1"
    return 1
  }
  for f in /etc/parity/services/*; do
    n=${f##*/}; [ -e "$f" ] && name_ok "$n" && echo "parity $n"
  done
  for f in /etc/rc?.d/S*; do
    n=${f##*/}
    if { [ -e "$f" ] || [ -L "$f" ]; } && name_ok "$n"; then echo "rc $n"; fi
  done
  for f in /etc/runlevels/*/*; do
    n=${f##*/}
    if { [ -e "$f" ] || [ -L "$f" ]; } && name_ok "$n"; then echo "runlevel $n"; fi
  done
  for f in /run/parity/*.pid; do
    [ -r "$f" ] || continue
    n=${f##*/}; n=${n%.pid}; name_ok "$n" || continue
    pid=; read -r pid _ < "$f"
    case "$pid" in '"'"''"'"'|*[!0-9]*) echo "pid dead $n"; continue;; esac
    pstate "$pid"
    case $_s in
      '"'"''"'"') echo "pid dead $n";;
      Z*|X*) echo "pid zombie $n";;
      *) echo "pid live $n";;
    esac
  done
  # every init script'"'"'s own status, in parallel and bounded: some status scripts hang
  T=; if timeout -s KILL 5 true 2>/dev/null; then T="timeout -s KILL 5"; fi
  for f in /etc/init.d/*; do
    n=${f##*/}
    [ -f "$f" ] && [ -x "$f" ] && name_ok "$n" || continue
    echo "initd $n"
    case " README bootlogs functions halt killprocs rc rc.local rcS reboot sendsigs single skeleton umountfs umountroot " in *" $n "*) continue;; esac
    handles_status "$f" || continue
    ( $T "$f" status >/dev/null 2>&1 </dev/null; echo "status $? $n" ) &
  done
  wait
  # what each init script names as its daemon (DAEMON=, --exec, --name ...): one grep over all
  # of them, after the parallel probes (grep'"'"'s block writes must not interleave with theirs);
  # a script whose name holds grep'"'"'s ":" separator or a newline is left out
  if have grep; then
    set --
    for f in /etc/init.d/*; do
      case $f in *:*|*"$nl"*) continue;; esac
      [ -f "$f" ] && set -- "$@" "$f"
    done
    [ $# -gt 0 ] && grep -H -E -e '"'"'^[[:space:]]*(export[[:space:]]+)?(DAEMON|DAEMON_NAME|NAME|command|procname)=|^[[:space:]]*(export[[:space:]]+)?[A-Za-z_][A-Za-z0-9_]*=[^[:space:]/]?/|--(exec|name)([[:space:]]|=)'"'"' -- "$@" 2>/dev/null
  fi
  # a process running an init script carries the script'"'"'s name (the kernel names it after the
  # file executed, cut to 15 bytes): another check'"'"'s status probe on this host, or an admin'"'"'s
  # `service NAME status`, is not the daemon. Its cmdline (read drops the NULs) names the
  # script (/etc/init.d/NAME, /etc/rc.d/init.d/NAME) and ends in status; one gone meanwhile
  # reads empty. A script that backgrounds itself as the daemon (`start` loops) still counts
  for d in /proc/[0-9]*; do
    c=; read -r c 2>/dev/null < "$d/comm" && [ -n "$c" ] || continue
    pstate "${d#/proc/}"
    case $_s in
      '"'"''"'"') ;;
      Z*|X*) echo "zombie $c";;
      *)
        if [ -f "/etc/init.d/$c" ] || [ ${#c} -ge 15 ]; then
          a=; read -r a 2>/dev/null < "$d/cmdline"
          case $a in '"'"''"'"'|*"init.d/$c"*status) continue;; esac
        fi
        echo "proc $c";;
    esac
  done
fi
) </dev/null
r=$?; echo; echo "$M END services $r"
echo "$M BEGIN users"
(
if [ -r /etc/passwd ]; then
  echo "@passwd"; cat /etc/passwd; echo
  echo "@group"; [ -r /etc/group ] && cat /etc/group
else
  echo "$NA /etc/passwd is not readable"
fi
) </dev/null
r=$?; echo; echo "$M END users $r"
echo "$M BEGIN groups"
(
if [ -r /etc/group ]; then cat /etc/group; else echo "$NA /etc/group is not readable"; fi
) </dev/null
r=$?; echo; echo "$M END groups $r"
echo "$M BEGIN files"
(
nl='"'"'
'"'"'
# one path the slow way (a process or two per path): the fallback when a batch cannot be trusted
pstat() { echo "$1 stat $(stat -c '"'"'%a %u %g %U %G'"'"' -- "$2" 2>/dev/null)"; }
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
# to them by number, so no path'"'"'s text is ever evaluated. A batch is printed only when its tool
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
      sha) [ ! -L "$p" ] && [ -f "$p" ] && [ -r "$p" ] && hashable $((_i - 1)) \
             && have sha256sum;;
      lstat|resolve) [ -L "$p" ] && [ -e "$p" ];;
      lsha) [ -L "$p" ] && [ -f "$p" ] && [ -r "$p" ] && hashable $((_i - 1)) \
             && have sha256sum;;
      *) false;;
    esac || continue
    _ix="${_ix:+$_ix,}$((_i - 1))"; _a="$_a \"\${$_i}\""
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
      if _o=$(stat $_l -c '"'"'%a %u %g %U %G'"'"' -- "$@" 2>/dev/null); then
        printf '"'"'batch %s %s\n%s\n'"'"' "$_k" "$_ix" "$_o"; return 0
      fi;;
    link|resolve)
      # NUL-terminated targets as hex (any byte of a target comes back exactly); a failure
      # (BusyBox has no -z) appends a '"'"'/'"'"', so the hex no longer ends with a NUL
      _l= _n=targetshex; [ "$_k" = link ] || { _l=-f; _n=resolvedhex; }
      if have od; then
        _o=$({ readlink $_l -z -- "$@" 2>/dev/null || printf /; } | od -An -v -tx1)
        case $_o in *" 00")
          printf '"'"'batch %s %s '"'"' "$_n" "$_ix"; printf %s $_o; echo; return 0;;
        esac
      fi;;
    sha|lsha)
      # -z: NUL ends each record and no name is escaped; tr makes one line per file. A
      # failure appends a '"'"'/'"'"', which no line of a regular file'"'"'s hash can end with
      _n=sha256; [ "$_k" = sha ] || _n=lsha256
      if have tr; then
        _o=$({ sha256sum -z -- "$@" 2>/dev/null || printf /; } | tr '"'"'\n\0'"'"' '"'"'?\n'"'"')
        case $_o in */|'"'"''"'"') ;; *) printf '"'"'batch %s %s\n%s\n'"'"' "$_n" "$_ix" "$_o"; return 0;; esac
      fi;;
  esac
  for p do
    _j=${_ix%%,*}; _ix=${_ix#"$_j"}; _ix=${_ix#,}
    case $_k in
      stat) pstat "$_j" "$p";; link) plink "$_j" "$p";; sha) psha "$_j" "$p";;
      lstat) echo "$_j lstat $(stat -L -c '"'"'%a %u %g %U %G'"'"' -- "$p" 2>/dev/null)";;
      resolve) have od || continue
        h=$(readlink -f -- "$p" | od -An -v -tx1); echo "$_j resolvedhex $(printf %s $h)";;
      lsha) h=$(sha256sum < "$p" 2>/dev/null) && echo "$_j lsha256 ${h%% *}";;
    esac
  done
}
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
    _ix="${_ix:+$_ix,}$((_i - 1))"; _a="$_a \"\${$_i}\""
  done
  [ -n "$_ix" ] || return 0
  eval "set -- $_a"
  if [ -z "$_one" ] && _o=$(digest -v -a sha256 -- "$@" 2>/dev/null); then
    printf '"'"'batch digest %s\n%s\n'"'"' "$_ix" "$_o"; return 0
  fi
  for p do
    _j=${_ix%%,*}; _ix=${_ix#"$_j"}; _ix=${_ix#,}
    psha "$_j" "$p"
  done
}
fi
nixetc=
if [ "$SYS" != SunOS ] && { [ -d /etc/static ] || [ -d /nix/store ]; }; then nixetc=1; fi
nosha=,1,
pfiles /etc/passwd '"'"'/srv/it'"'"'"'"'"'"'"'"'s here'"'"' '"'"'/srv/a
b'"'"'
) </dev/null
r=$?; echo; echo "$M END files $r"
echo "$M BEGIN ports"
(
if [ "$SYS" = SunOS ]; then
  # illumos has no /proc/net: netstat, one run per address family (TCP and UDP sections)
  if have netstat; then
    echo "@netstat inet"; netstat -f inet -an 2>/dev/null
    echo "@netstat inet6"; netstat -f inet6 -an 2>/dev/null
  else
    echo "$NA netstat not found"
  fi
else
found=
for f in tcp tcp6 udp udp6; do
  if [ -r "/proc/net/$f" ]; then echo "@$f"; cat "/proc/net/$f"; echo; found=1; fi
done
[ -n "$found" ] || echo "$NA /proc/net is not readable"
fi
) </dev/null
r=$?; echo; echo "$M END ports $r"
echo "$M BEGIN sysctl"
(
if [ "$SYS" = SunOS ]; then echo "$NA sysctl is Linux'"'"'s; on SmartOS declare network tunables under ipadm:"; exit 0; fi
if [ -d /proc/sys ]; then
  if [ -r /proc/sys/net/ipv4/ip_forward ] && [ -f /proc/sys/net/ipv4/ip_forward ]; then echo '"'"'@key 0'"'"'; cat /proc/sys/net/ipv4/ip_forward; echo; else echo '"'"'@missing 0'"'"'; fi
  if [ -r /proc/sys/net/ipv4/conf/eth0.100/forwarding ] && [ -f /proc/sys/net/ipv4/conf/eth0.100/forwarding ]; then echo '"'"'@key 1'"'"'; cat /proc/sys/net/ipv4/conf/eth0.100/forwarding; echo; else echo '"'"'@missing 1'"'"'; fi
else echo "$NA /proc/sys is not mounted"; fi
) </dev/null
r=$?; echo; echo "$M END sysctl $r"
echo "$M BEGIN ipadm"
(
:
) </dev/null
r=$?; echo; echo "$M END ipadm $r"
echo "$M DONE"
'; if timeout -s KILL 5 true 2>/dev/null; then exec timeout -s KILL 59 /bin/sh -c "$s"; fi; exec /bin/sh -c "$s"
