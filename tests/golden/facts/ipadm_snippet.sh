# ipadm
if [ "$SYS" != SunOS ]; then
  echo "$NA ipadm is illumos'; Linux tunes the kernel with sysctl"
elif ! have ipadm; then
  echo "$NA ipadm not found on this SunOS host (ndd names differ and are not mapped)"
else
  o=$(ipadm show-prop -c -o proto,property,current 2>&1); st=$?
  if [ $st -ne 0 ] && ! printf '%s\n' "$o" | grep -q '^[a-z0-9]*:[a-z0-9_]*:'; then
    echo "$NA ipadm show-prop failed (exit $st): $(printf '%s\n' "$o" | head -n 1 | cut -c 1-200)"
    exit 0
  fi
  echo "@show $st"; printf '%s\n' "$o"
  o=$(ipadm show-prop -c -o proto,property,current -p _cwnd_max tcp 2>&1); echo "@show $?"; printf '%s\n' "$o"
  o=$(ipadm show-prop -c -o proto,property,current -p _x udp 2>&1); echo "@show $?"; printf '%s\n' "$o"
fi
# sysctl (its first line: the SunOS check)
if [ "$SYS" = SunOS ]; then echo "$NA sysctl is Linux's; on SmartOS declare network tunables under ipadm:"; exit 0; fi
if [ -d /proc/sys ]; then
  if [ -r /proc/sys/net/ipv4/ip_forward ] && [ -f /proc/sys/net/ipv4/ip_forward ]; then echo '@key 0'; cat /proc/sys/net/ipv4/ip_forward; echo; else echo '@missing 0'; fi
else echo "$NA /proc/sys is not mounted"; fi
