#!/usr/bin/env bash
# Set up a Debian 12 machine (run as root) for parity's tests and examples. Idempotent: every
# step checks before it acts, so a rerun on a ready machine takes a few seconds.
#
#   1. apt packages (one `apt-get update`, only when something is missing)
#   2. .venv with `pip install -e '.[test,ansible,postgres,bench]'` (redone only when pyproject.toml or
#      the extras change)
#   3. dockerd without bridge/iptables (started only when `docker info` fails)
#   4. base image debian:12 from debootstrap (no registry here), for docker and podman
#   5. podman ulimits drop-in, so `podman run` works without CAP_SYS_RESOURCE
#
# Environment: PARITY_DEBIAN_MIRROR (debootstrap mirror, default deb.debian.org), PARITY_BASE_IMAGE
# (tag to create, default debian:12), XDG_CACHE_HOME (rootfs tarball cache, default ~/.cache),
# DOCKERD_LOG (default /var/log/dockerd.log).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/parity"
BASE_IMAGE="${PARITY_BASE_IMAGE:-debian:12}"
ROOTFS_TAR="$CACHE/debian-12-minbase.tar"
MIRROR="${PARITY_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
PODMAN_CONF=/etc/containers/containers.conf.d/50-parity-ulimits.conf
PODMAN_CONF_MARKER="# written by parity scripts/bootstrap.sh"
# Packages the test suite drives for real. --no-install-recommends keeps CI lean, so every
# recommended package a test relies on is listed explicitly: vagrant-libvirt is only a
# recommendation of vagrant, and `vagrant validate` of a libvirt Vagrantfile needs the plugin (a
# machine that had it from earlier once hid its absence). tests/test_infra.py checks that every
# tool a test marker needs is installed by this list.
APT_PACKAGES=(docker.io podman vagrant vagrant-libvirt ruby nix-bin appc-spec debootstrap
  debian-archive-keyring openssh-client git ca-certificates iproute2 xz-utils mount
  libxml2-utils  # xmllint: an independent XML parser for the JUnit tests
  chromium  # headless browser for the HTML report tests, driven by playwright
  postgresql  # a throwaway server for the fleet history tests: tests/fleet/conftest.py
  rpm  # rpm: the oracle for rpm version ordering (tests/test_versions_oracle.py)
  ksh  # ksh93, illumos' /bin/sh: the collectors' SmartOS branches run under it
  time)  # GNU time: peak RSS of the host-side collection (bench/suite/host_cost.py)

say() { printf '[bootstrap] %s\n' "$*"; }
die() { printf '[bootstrap] error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

mkdir -p "$CACHE"
# Several checkouts (or engineers) may bootstrap at once; apt, pip and image imports must not race.
exec 9>"$CACHE/bootstrap.lock"
flock 9

# ---------------------------------------------------------------- 1. apt packages
APT_UPDATED=0
apt_install() {
  is_root || die "need root to install: $*"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    # a broken third-party source must not stop us when the Debian mirror answers
    apt-get update -qq || say "warning: apt-get update reported errors; trying to install anyway"
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}"
else
  say "apt packages: all ${#APT_PACKAGES[@]} present"
fi

# ---------------------------------------------------------------- 2. python venv
# whichever python3 comes first in PATH (pyenv on the dev VM, /usr/bin/python3 on plain Debian)
command -v python3 >/dev/null || apt_install python3 python3-venv
PY=$(command -v python3)
VENV="$ROOT/.venv"
if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  say "removing broken $VENV"
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV with $PY ($("$PY" --version 2>&1))"
  if ! "$PY" -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    apt_install python3-venv
    "$PY" -m venv "$VENV"
  fi
fi
STAMP="$VENV/.parity-bootstrap"
EXTRAS="test,ansible,postgres,bench"
want="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-64) [$EXTRAS] $("$VENV/bin/python" --version 2>&1)"
if [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ] \
    || ! "$VENV/bin/python" -c 'import parity, pytest, ansible.release' 2>/dev/null; then
  say "pip install -e '.[$EXTRAS]' (takes a minute on a fresh venv)"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT[$EXTRAS]"
  printf '%s' "$want" >"$STAMP"
else
  say "venv: up to date ($VENV)"
fi

# ---------------------------------------------------------------- 3. docker daemon
if docker info >/dev/null 2>&1; then
  say "docker: daemon running"
else
  is_root || die "docker daemon is not running and starting it needs root"
  say "docker: starting dockerd --bridge=none --iptables=false (log: $DOCKERD_LOG)"
  # a docker0 left by an earlier daemon with a bridge makes dockerd refuse to start
  ip link del docker0 2>/dev/null || true
  # setsid + closed fds: the daemon must outlive this script and not hold its lock or pipes
  setsid dockerd --bridge=none --iptables=false </dev/null >>"$DOCKERD_LOG" 2>&1 9>&- &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { tail -n 20 "$DOCKERD_LOG" >&2; die "dockerd did not come up in 60 s"; }
  say "docker: ready"
fi

# ---------------------------------------------------------------- 4. base image debian:12
make_rootfs_tar() {
  [ -s "$ROOTFS_TAR" ] && return 0
  is_root || die "debootstrap needs root"
  local dir
  dir=$(mktemp -d /var/tmp/parity-rootfs.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -rf '$dir'" EXIT
  say "debootstrap --variant=minbase bookworm from $MIRROR (about 30 s)"
  debootstrap --variant=minbase bookworm "$dir" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -n 20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/debootstrap.log)"; }
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar --numeric-owner -C "$dir" -cf "$ROOTFS_TAR.tmp" .
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$dir"
  trap - EXIT
  say "cached rootfs: $ROOTFS_TAR"
}

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  say "docker: image $BASE_IMAGE present"
else
  make_rootfs_tar
  say "docker import $BASE_IMAGE"
  docker import - "$BASE_IMAGE" <"$ROOTFS_TAR" >/dev/null
fi

# ---------------------------------------------------------------- 5. podman
# Without CAP_SYS_RESOURCE (containers, some CI runners) runc cannot raise rlimits, and podman's
# root defaults (nofile 1048576) exceed the hard limit: "error setting rlimit type 7". Podman
# also lowers its own nproc to 32768, so container values must stay at or below both.
cap() { # cap LIMIT MAX -> min(limit, max), "unlimited" counting as infinite
  if [ "$1" = unlimited ] || [ "$1" -gt "$2" ]; then echo "$2"; else echo "$1"; fi
}
nofile=$(cap "$(ulimit -Hn)" 1048576)
nproc=$(cap "$(ulimit -Hu)" 32768)
conf="$PODMAN_CONF_MARKER
# Container ulimits no higher than this machine's hard limits (nofile $nofile, nproc $nproc),
# so runc can set them without CAP_SYS_RESOURCE. Delete this file to return to podman's defaults.
[containers]
default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]
"
if [ -e "$PODMAN_CONF" ] && ! head -n 1 "$PODMAN_CONF" | grep -qF "$PODMAN_CONF_MARKER"; then
  say "podman: leaving $PODMAN_CONF alone (not written by us)"
elif [ "$(cat "$PODMAN_CONF" 2>/dev/null)" != "$(printf '%s' "$conf")" ]; then
  is_root || die "need root to write $PODMAN_CONF"
  mkdir -p "$(dirname "$PODMAN_CONF")"
  printf '%s' "$conf" >"$PODMAN_CONF.tmp" && mv "$PODMAN_CONF.tmp" "$PODMAN_CONF"
  say "podman: wrote $PODMAN_CONF (nofile=$nofile nproc=$nproc)"
fi

if podman image exists "$BASE_IMAGE" 2>/dev/null; then
  say "podman: image $BASE_IMAGE present"
elif [ -s "$ROOTFS_TAR" ]; then
  say "podman import $BASE_IMAGE"
  podman import -q "$ROOTFS_TAR" "$BASE_IMAGE" >/dev/null
else
  # podman has its own store; the docker image is the same rootfs, so copy it over
  say "podman: loading $BASE_IMAGE from docker"
  docker save "$BASE_IMAGE" | podman load -q >/dev/null
fi
if podman run --rm --network none "$BASE_IMAGE" true >/dev/null 2>&1; then
  say "podman: run works"
else
  say "warning: 'podman run --network none $BASE_IMAGE true' fails; podman tests will fail in CI:"
  podman run --rm --network none "$BASE_IMAGE" true 2>&1 | tail -n 3 | sed 's/^/[bootstrap]   /' || true
fi

say "ready: $("$VENV/bin/python" --version 2>&1), docker $(docker version -f '{{.Server.Version}}' 2>/dev/null), podman $(podman version -f '{{.Client.Version}}' 2>/dev/null)"
