#!/bin/sh
# parity's pre-merge drift check, shared by the GitHub action (github/action.yml) and the GitLab
# template (gitlab/parity-drift.gitlab-ci.yml), so that what CI runs can be run and tested
# locally: validate the spec, check the committed rendered files, bring the dev environment up,
# check it (JUnit + Markdown reports), and always take it down again.
#
# Inputs (environment):
#   PARITY            the parity command (default: parity)
#   PARITY_SPEC       spec file or folder (default: parity.yaml)
#   PARITY_HOSTS      hosts to check, space separated (default: the environment `up` made: dev,
#                     or docker://$PARITY_NAME checked with --role dev when PARITY_NAME is given,
#                     since a spec's own `hosts: dev:` entry would win over the name)
#   PARITY_TARGETS    render targets whose committed files must be current, space separated
#                     (default: none)
#   PARITY_NAME       container name for up and down (default: parity's, <spec name>-dev)
#   PARITY_JUNIT      JUnit report path (default: parity-drift.xml)
#   PARITY_MARKDOWN   Markdown report path (default: parity-drift.md)
#   PARITY_RETRY_TIMEOUT  how long check waits for the environment to converge (default: 60s)
#   PARITY_CHECK_ARGS extra arguments for `parity check` (word-split)
#   PARITY_SUMMARY    file the Markdown report is appended to (default: $GITHUB_STEP_SUMMARY)
#
# Exit status: that of validate or render --check if they fail, of up if it fails, else that of
# the JUnit check run (0 no drift, 1 drift, 3 a host not checked); `down` has run in every case
# once `up` was attempted.
set -eu

parity=${PARITY:-parity}
spec=${PARITY_SPEC:-parity.yaml}
role_args=
if [ -n "${PARITY_HOSTS:-}" ]; then
    hosts=$PARITY_HOSTS
elif [ -n "${PARITY_NAME:-}" ]; then
    hosts="docker://$PARITY_NAME"
    role_args="--role dev"
else
    hosts=dev
fi
targets=${PARITY_TARGETS:-}
junit=${PARITY_JUNIT:-parity-drift.xml}
markdown=${PARITY_MARKDOWN:-parity-drift.md}
retry=${PARITY_RETRY_TIMEOUT:-60s}
extra=${PARITY_CHECK_ARGS:-}
summary=${PARITY_SUMMARY:-${GITHUB_STEP_SUMMARY:-}}

# runs "$@" with --name when PARITY_NAME is given (up and down; check has no --name)
named() {
    if [ -n "${PARITY_NAME:-}" ]; then
        "$@" --name "$PARITY_NAME"
    else
        "$@"
    fi
}

echo "parity drift check: validate $spec" >&2
$parity validate --spec "$spec"

for target in $targets; do
    echo "parity drift check: render --check -t $target" >&2
    $parity render --spec "$spec" -t "$target" --check
done

host_args=
for host in $hosts; do
    host_args="$host_args -H $host"
done

down() {
    echo "parity drift check: down" >&2
    named $parity down --spec "$spec" || echo "parity drift check: down failed" >&2
}
# a cancelled job still removes its environment
trap 'down; exit 130' INT TERM

echo "parity drift check: up --network none" >&2
status=0
named $parity up --spec "$spec" --network none >&2 || status=$?
if [ "$status" -ne 0 ]; then
    down
    exit "$status"
fi

# the JUnit run waits for convergence; the Markdown run then judges the settled environment
# (no retry, so it is quick). The *_args and $extra are split into words on purpose.
# shellcheck disable=SC2086
$parity check --spec "$spec" $host_args $role_args --retry-timeout "$retry" $extra \
    --format junit -o "$junit" || status=$?
# shellcheck disable=SC2086
$parity check --spec "$spec" $host_args $role_args $extra --format markdown -o "$markdown" \
    || true

if [ -n "$summary" ] && [ -f "$markdown" ]; then
    cat "$markdown" >>"$summary"
fi

down
exit "$status"
