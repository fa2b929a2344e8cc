# ipadm
if [ "$SYS" != SunOS ]; then
  echo "$NA ipadm is illumos'; Linux tunes the kernel with sysctl"
elif ! have ipadm; then
  echo "$NA ipadm not found on this SunOS host (ndd names differ and are not mapped)"
else
  o=$(ipadm show-prop -c -o proto,property,current 2>&1); echo "@show $?"; printf '%s\n' "$o"
  o=$(ipadm show-prop -c -o proto,property,current -p _cwnd_max tcp 2>&1); echo "@show $?"; printf '%s\n' "$o"
  o=$(ipadm show-prop -c -o proto,property,current -p _x udp 2>&1); echo "@show $?"; printf '%s\n' "$o"
fi
# sysctl (its first line: the SunOS check)
if [ "$SYS" = SunOS ]; then echo "$NA sysctl is Linux's; on SmartOS declare network tunables under ipadm:"; exit 0; fi
if [ -d /proc/sys ]; then
  if [ -r /proc/sys/net/ipv4/ip_forward ] && [ -f /proc/sys/net/ipv4/ip_forward ]; then echo '@key 0'; cat /proc/sys/net/ipv4/ip_forward; echo; else echo '@missing 0'; fi
else echo "$NA /proc/sys is not mounted"; fi
