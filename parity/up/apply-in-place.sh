# Run by `parity up` in a helper container, chrooted into the running environment: swap in the
# newly rendered provisioning tree, then run provision.sh with the phases given as arguments.
# usage: sh -c "$(cat apply-in-place.sh)" parity-apply PHASE...
# env:   PARITY_ROOT (/opt/parity), PARITY_ENTRYPOINT, PARITY_NONCE (a random word)
#
# The tree arrived as $PARITY_ROOT.new and $PARITY_ENTRYPOINT.new; mv replaces them, so the
# running entrypoint (sh reads its script as it goes) keeps its own, unlinked, copy.
# /etc is summarised before and after (paths, types, modes, owners, link targets, contents; not
# times, so a script that rewrites a file with the same bytes changes nothing); when it differs,
# the last line says so with the nonce, which nothing provision.sh runs can know (it is unset
# first), so no output of theirs can fake it; parity then restarts the services. find, stat -c
# (%N: the name and a link's target) and sha256sum: busybox has them too.
set -eu
nonce=$PARITY_NONCE
unset PARITY_NONCE
rm -rf "$PARITY_ROOT"
mv "$PARITY_ROOT.new" "$PARITY_ROOT"
mv -f "$PARITY_ENTRYPOINT.new" "$PARITY_ENTRYPOINT"
cd "$PARITY_ROOT"
[ $# -gt 0 ] || exit 0
# Left out, because no service reads them as configuration at start: ldconfig's index of
# libraries (rebuilt by every library install; running services have loaded theirs), and the
# account databases and their backups (looked up on every call through NSS, so a running
# service sees a new user or group as one started after it would).
etc() {
    find /etc -xdev ! -path /etc/ld.so.cache ! -path '/etc/passwd*' ! -path '/etc/group*' \
        ! -path '/etc/shadow*' ! -path '/etc/gshadow*' ! -path '/etc/subuid*' \
        ! -path '/etc/subgid*' ! -path /etc/.pwd.lock -exec stat -c '%f %u %g %N' {} + | sort
    find /etc -xdev -type f ! -path /etc/ld.so.cache ! -path '/etc/passwd*' \
        ! -path '/etc/group*' ! -path '/etc/shadow*' ! -path '/etc/gshadow*' \
        ! -path '/etc/subuid*' ! -path '/etc/subgid*' -exec sha256sum {} + | sort
}
before=$(etc)
sh "$PARITY_ROOT/provision.sh" "$@"
[ "$before" = "$(etc)" ] || echo "parity-apply: /etc changed $nonce"
