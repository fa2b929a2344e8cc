# script
LC_ALL=C; LANG=C; export LC_ALL LANG
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
cd / || exit 1
have() { command -v "$1" >/dev/null 2>&1; }
M='@@parity-0123456789abcdef01234567@@'
NA="$M NA"
echo "$M BEGIN os"
(
echo "arch $(uname -m)"
echo "kernel $(uname -r)"
for f in /etc/os-release /usr/lib/os-release; do
  if [ -r "$f" ]; then sed 's/^/release /' "$f"; break; fi
done
) </dev/null
r=$?; echo; echo "$M END os $r"
echo "$M BEGIN packages"
(

if have dpkg-query; then
  echo "manager dpkg"
  dpkg-query -W -f='${Package}\t${Version}\t${Architecture}\t${Status}\n'
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
  name_ok() { case $1 in ''|.*|*"$nl"*) return 1;; esac; }
  # $_s := State: of a process (a zombie is Z), empty when it is gone; no fork per process
  pstate() {
    _s=; while read -r _k _v _r; do [ "$_k" = State: ] && { _s=$_v; break; }; done       2>/dev/null < "/proc/$1/status"
  }
  # a status request means something only to scripts that handle one (LSB or OpenRC)
  handles_status() {
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
  for d in /proc/[0-9]*; do
    c=; read -r c 2>/dev/null < "$d/comm" && [ -n "$c" ] || continue
    pstate "${d#/proc/}"
    case $_s in '') ;; Z*|X*) echo "zombie $c";; *) echo "proc $c";; esac
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
pf() {
  if [ -L "$2" ]; then t=link; elif [ -d "$2" ]; then t=directory
  elif [ -f "$2" ]; then t=file; elif [ -e "$2" ]; then t=other; else t=absent; fi
  echo "$1 type $t"
  [ "$t" = absent ] && return 0
  echo "$1 stat $(stat -c '%a %u %g %U %G' -- "$2" 2>/dev/null)"
  if [ "$t" = link ]; then
    if have od; then
      h=$(readlink -- "$2" | od -An -v -tx1); echo "$1 targethex $(printf %s $h)"
    else
      h=$(readlink -- "$2")
      case $h in *"$nl"*) echo "$1 targetnl";; *) echo "$1 target $h";; esac
    fi
  fi
  if [ "$t" = file ] && [ -r "$2" ] && have sha256sum; then
    h=$(sha256sum < "$2" 2>/dev/null) && echo "$1 sha256 ${h%% *}"
  fi
  return 0
}
pf 0 /etc/passwd
pf 1 '/srv/it'"'"'s here'
pf 2 '/srv/a
b'
) </dev/null
r=$?; echo; echo "$M END files $r"
echo "$M BEGIN ports"
(
found=
for f in tcp tcp6 udp udp6; do
  if [ -r "/proc/net/$f" ]; then echo "@$f"; cat "/proc/net/$f"; echo; found=1; fi
done
[ -n "$found" ] || echo "$NA /proc/net is not readable"
) </dev/null
r=$?; echo; echo "$M END ports $r"
echo "$M BEGIN sysctl"
(
if [ -d /proc/sys ]; then
  if [ -r /proc/sys/net/ipv4/ip_forward ] && [ -f /proc/sys/net/ipv4/ip_forward ]; then echo '@key 0'; cat /proc/sys/net/ipv4/ip_forward; echo; else echo '@missing 0'; fi
  if [ -r /proc/sys/net/ipv4/conf/eth0.100/forwarding ] && [ -f /proc/sys/net/ipv4/conf/eth0.100/forwarding ]; then echo '@key 1'; cat /proc/sys/net/ipv4/conf/eth0.100/forwarding; echo; else echo '@missing 1'; fi
else echo "$NA /proc/sys is not mounted"; fi
) </dev/null
r=$?; echo; echo "$M END sysctl $r"
echo "$M DONE"

# command (deadline 59)
s='LC_ALL=C; LANG=C; export LC_ALL LANG
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH; export PATH
cd / || exit 1
have() { command -v "$1" >/dev/null 2>&1; }
M='"'"'@@parity-0123456789abcdef01234567@@'"'"'
NA="$M NA"
echo "$M BEGIN os"
(
echo "arch $(uname -m)"
echo "kernel $(uname -r)"
for f in /etc/os-release /usr/lib/os-release; do
  if [ -r "$f" ]; then sed '"'"'s/^/release /'"'"' "$f"; break; fi
done
) </dev/null
r=$?; echo; echo "$M END os $r"
echo "$M BEGIN packages"
(

if have dpkg-query; then
  echo "manager dpkg"
  dpkg-query -W -f='"'"'${Package}\t${Version}\t${Architecture}\t${Status}\n'"'"'
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
if [ -d /run/systemd/system ] && have systemctl; then
  echo "@init systemd"
  echo "@units"
  systemctl list-units --type=service --all --no-legend --no-pager --plain
  echo "@files"
  systemctl list-unit-files --type=service --no-legend --no-pager
else
  echo "@init none"
  # names come from file names: one with a newline in it could forge a line of this output
  nl='"'"'
'"'"'
  name_ok() { case $1 in '"'"''"'"'|.*|*"$nl"*) return 1;; esac; }
  # $_s := State: of a process (a zombie is Z), empty when it is gone; no fork per process
  pstate() {
    _s=; while read -r _k _v _r; do [ "$_k" = State: ] && { _s=$_v; break; }; done       2>/dev/null < "/proc/$1/status"
  }
  # a status request means something only to scripts that handle one (LSB or OpenRC)
  handles_status() {
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
  for d in /proc/[0-9]*; do
    c=; read -r c 2>/dev/null < "$d/comm" && [ -n "$c" ] || continue
    pstate "${d#/proc/}"
    case $_s in '"'"''"'"') ;; Z*|X*) echo "zombie $c";; *) echo "proc $c";; esac
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
pf() {
  if [ -L "$2" ]; then t=link; elif [ -d "$2" ]; then t=directory
  elif [ -f "$2" ]; then t=file; elif [ -e "$2" ]; then t=other; else t=absent; fi
  echo "$1 type $t"
  [ "$t" = absent ] && return 0
  echo "$1 stat $(stat -c '"'"'%a %u %g %U %G'"'"' -- "$2" 2>/dev/null)"
  if [ "$t" = link ]; then
    if have od; then
      h=$(readlink -- "$2" | od -An -v -tx1); echo "$1 targethex $(printf %s $h)"
    else
      h=$(readlink -- "$2")
      case $h in *"$nl"*) echo "$1 targetnl";; *) echo "$1 target $h";; esac
    fi
  fi
  if [ "$t" = file ] && [ -r "$2" ] && have sha256sum; then
    h=$(sha256sum < "$2" 2>/dev/null) && echo "$1 sha256 ${h%% *}"
  fi
  return 0
}
pf 0 /etc/passwd
pf 1 '"'"'/srv/it'"'"'"'"'"'"'"'"'s here'"'"'
pf 2 '"'"'/srv/a
b'"'"'
) </dev/null
r=$?; echo; echo "$M END files $r"
echo "$M BEGIN ports"
(
found=
for f in tcp tcp6 udp udp6; do
  if [ -r "/proc/net/$f" ]; then echo "@$f"; cat "/proc/net/$f"; echo; found=1; fi
done
[ -n "$found" ] || echo "$NA /proc/net is not readable"
) </dev/null
r=$?; echo; echo "$M END ports $r"
echo "$M BEGIN sysctl"
(
if [ -d /proc/sys ]; then
  if [ -r /proc/sys/net/ipv4/ip_forward ] && [ -f /proc/sys/net/ipv4/ip_forward ]; then echo '"'"'@key 0'"'"'; cat /proc/sys/net/ipv4/ip_forward; echo; else echo '"'"'@missing 0'"'"'; fi
  if [ -r /proc/sys/net/ipv4/conf/eth0.100/forwarding ] && [ -f /proc/sys/net/ipv4/conf/eth0.100/forwarding ]; then echo '"'"'@key 1'"'"'; cat /proc/sys/net/ipv4/conf/eth0.100/forwarding; echo; else echo '"'"'@missing 1'"'"'; fi
else echo "$NA /proc/sys is not mounted"; fi
) </dev/null
r=$?; echo; echo "$M END sysctl $r"
echo "$M DONE"
'; if timeout -s KILL 5 true 2>/dev/null; then exec timeout -s KILL 59 /bin/sh -c "$s"; fi; exec /bin/sh -c "$s"
