#!/bin/sh
# Create the declared files listed in paths.txt (one "TYPE SIZE PATH" per line): regular files
# of SIZE bytes of deterministic pseudo-random text, directories, symlinks; "absent" lines are
# paths the spec declares and the host lacks. Shared by the image build (bighost) and by the
# minimal host, which runs it at start (bench/suite/host_cost.py), so both hosts answer the
# same 300-path request.
set -eu
i=0
while read -r type size path; do
  i=$((i + 1))
  case $type in
    file)
      mkdir -p "$(dirname "$path")"
      # deterministic content: the line number and path repeated up to SIZE bytes
      yes "$i $path parity bench declared file" | head -c "$size" > "$path"
      chmod "$(( i % 3 == 0 ? 600 : 644 ))" "$path" 2>/dev/null || chmod 644 "$path"
      ;;
    dir) mkdir -p "$path" ;;
    link) mkdir -p "$(dirname "$path")"; ln -sfn "/etc/target-$i" "$path" ;;
    absent) : ;;
  esac
done < "${1:-/usr/local/share/parity-bench/paths.txt}"
