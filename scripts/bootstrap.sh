#!/usr/bin/env bash
# Set up a Debian 12 machine (run as root) for parity's tests and examples. Idempotent: every
# step checks before it acts, so a rerun on a ready machine takes a few seconds.
#
#   1. what parity.yaml describes (packages, dev packages, the dev user, the podman ulimits
#      drop-in, env): parity-context/provision.sh, the provisioning script rendered from the
#      repo's parity.yaml and committed, so this works before parity is installed. It is the
#      same script `vagrant up` and `parity up parity.yaml` run; there is no other package list.
#      PARITY_KEEP_INSTALLED=1: packages already there at an allowed version are left alone, and
#      nothing is downloaded when nothing is missing.
#   2. .venv with `pip install -e '.[test,ansible,postgres,bench]'` (redone only when pyproject.toml or
#      the extras change)
#   3. dockerd without bridge/iptables (started only when `docker info` fails)
#   4. base image debian:12 from debootstrap (no registry here), for docker and podman
#
# After editing parity.yaml, render it again (`parity render parity.yaml -t vagrant -d .`): this
# script runs the committed render, and `scripts/test` fails while that is stale.
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
PROVISION="$ROOT/parity-context/provision.sh"
PROVISION_LOG="$CACHE/provision.log"

say() { printf '[bootstrap] %s\n' "$*"; }
die() { printf '[bootstrap] error: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }
# need COMMAND PACKAGE WHY: a command this script itself runs; its package comes from parity.yaml
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  die "$1 is not installed, and $3 needs it: parity.yaml must list the package $2 (then render" \
    "it again: parity render parity.yaml -t vagrant -d .)"
}

mkdir -p "$CACHE"
# Several checkouts (or engineers) may bootstrap at once; apt, pip and image imports must not race.
exec 9>"$CACHE/bootstrap.lock"
flock 9

# ---------------------------------------------------------------- 1. what parity.yaml describes
[ -f "$PROVISION" ] || die "$PROVISION is missing: render it with parity render parity.yaml -t vagrant -d ."
if is_root; then
  say "provisioning from parity.yaml: parity-context/provision.sh (apt output: $PROVISION_LOG)"
  # its own progress lines ("parity: ...", on stderr) are shown, apt's output goes to the log
  if ! PARITY_DEV=1 PARITY_KEEP_INSTALLED=1 sh "$PROVISION" 2>&1 >"$PROVISION_LOG" \
      | sed -u 's/^/[bootstrap]   /'; then
    tail -n 20 "$PROVISION_LOG" | sed 's/^/[bootstrap]   /' >&2
    die "parity-context/provision.sh failed (its log: $PROVISION_LOG)"
  fi
else
  say "warning: not root, so not provisioning from parity.yaml; see what this machine lacks with:" \
    ".venv/bin/parity check parity.yaml -H local:// --role dev"
fi

# ---------------------------------------------------------------- 2. python venv
# whichever python3 comes first in PATH (pyenv on the dev VM, /usr/bin/python3 on plain Debian)
need python3 python3 "the test suite's .venv"
PY=$(command -v python3)
VENV="$ROOT/.venv"
if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  say "removing broken $VENV"
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV with $PY ($("$PY" --version 2>&1))"
  if ! "$PY" -m venv "$VENV"; then
    rm -rf "$VENV"
    die "$PY -m venv failed: on Debian, parity.yaml must list python3-venv for the python3 it lists"
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

# step 1 ran the committed render: say so now if parity.yaml changed since it was made
if ! "$VENV/bin/parity" render "$ROOT/parity.yaml" -t vagrant -d "$ROOT" --check >/dev/null 2>&1; then
  say "warning: parity.yaml changed since parity-context/ was rendered, so this machine was" \
    "provisioned from the old render. Run: .venv/bin/parity render parity.yaml -t vagrant -d ." \
    "(and -t nix), then this script again."
fi

# ---------------------------------------------------------------- 3. docker daemon
if docker info >/dev/null 2>&1; then
  say "docker: daemon running"
else
  is_root || die "docker daemon is not running and starting it needs root"
  need dockerd docker.io "the docker, vagrant and ssh tests"
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
  need debootstrap debootstrap "the base image $BASE_IMAGE (no registry here)"
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
# (its ulimits drop-in is a file of parity.yaml, written in step 1)
need podman podman "the podman tests"
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
