"""Every distro family renders, and its package-manager partial drives provision.sh correctly.

Only Debian's tools exist on this machine, so for dnf and apk the package manager's commands are
small stand-ins on ``PATH`` that print what the real ones print (``dnf repoquery``, ``apk
policy``, ``apk list -I``) and order versions with :func:`parity.versions.compare`. What runs for
real is the rendered shell: parsing those outputs, choosing the highest allowed version, the
family's pin syntax (``name-ver`` / ``name=ver``) and the post-install check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parity.distros import DISTROS
from parity.errors import UsageError
from parity.render import TARGETS, plan_files
from parity.spec import Spec, load_spec_text
from tests.helpers.provision import provisioning_text, write_provisioning

PGP_KEY = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nx\n-----END PGP PUBLIC KEY BLOCK-----\n"
KEYS = {"apt": PGP_KEY, "dnf": PGP_KEY, "pkgsrc": PGP_KEY,
        "nix": "cache.example.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=\n",
        "apk": "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n"}


def family_spec(base: str, tmp_path: Path, packages: str = "  nginx: '1.2*'\n") -> Spec:
    family = DISTROS[base].family
    key = "alpine-devel@example.org-5d3f.rsa.pub" if family == "apk" else "extra.asc"
    (tmp_path / key).write_text(KEYS[family])
    text = (
        f"parity: 1\nname: fam\nbase: {base}\n"
        f"repositories:\n  - {{name: extra, url: 'https://repo.example.org/x', key: '{key}'}}\n"
        f"packages:\n{packages}dev_packages: {{git: '*'}}\n"
        "groups: {deploy: {gid: 1100}}\n"
        "users: {app: {uid: 1001, groups: [deploy]}}\n"
        "files: {/etc/fam.conf: {content: \"a\\n\"}}\n"
        "sysctl: {net.core.somaxconn: 1024}\n"
        "services: {nginx: {running: true}}\n"
    )
    return load_spec_text(text, tmp_path / "parity.yaml")


@pytest.mark.parametrize("base", sorted(DISTROS))
def test_every_distro_renders_every_target(base: str, tmp_path: Path) -> None:
    spec = family_spec(base, tmp_path)
    distro = DISTROS[base]
    imageless = distro.docker_image is None
    for target in TARGETS:
        if imageless and target not in distro.own_targets:
            with pytest.raises(UsageError, match=f"it is {distro.kind}; render it with -t"):
                plan_files(spec, target)
            continue
        files = plan_files(spec, target)
        assert files, target
    if distro.family == "nix":
        return  # no provisioning script: a NixOS system is its module (tests/render/test_nixos*)
    if imageless:
        # a SmartOS zone's provisioning is its user-script and the files its customer_metadata
        # carries (tests/render/test_smartos.py runs them)
        zone = plan_files(spec, "smartos")
        metadata = json.loads(zone["zone.json"])["customer_metadata"]
        assert metadata["user-script"].encode() == zone["user-script.sh"]
        (tmp_path / "zone").mkdir()
        scripts = {"user-script.sh": metadata["user-script"]} | {
            k.removeprefix("parity:").replace("/", "_"): v for k, v in metadata.items()
            if k.startswith("parity:") and k.endswith(".sh") and "/src/" not in k}
        for name, text in scripts.items():
            (tmp_path / "zone" / name).write_text(text)
    else:
        write_provisioning(spec, tmp_path / "ctx")
    for script in (tmp_path / ("zone" if imageless else "ctx")).rglob("*.sh"):
        for shell in ("sh", "bash"):
            proc = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True,
                                  check=False)
            assert proc.returncode == 0, proc.stderr


def test_nixos_base_renders_only_the_nix_targets(tmp_path: Path) -> None:
    spec = family_spec("nixos:24.05", tmp_path)
    with pytest.raises(UsageError) as err:
        plan_files(spec, "docker")
    assert str(err.value).startswith(
        "base nixos:24.05 has no docker form: it is a NixOS system; render it with -t nix or "
        "-t nixos")
    from parity.render import targets_for

    assert targets_for(spec) == ["nix", "nixos"]
    assert targets_for(family_spec("smartos:23.4", tmp_path)) == ["smartos"]
    assert "nix" in targets_for(family_spec("debian:12", tmp_path))
    assert "smartos" not in targets_for(family_spec("debian:12", tmp_path))


def test_a_family_without_a_partial_has_no_provision_script(tmp_path: Path) -> None:
    """Nix has no provisioning partial: asking for provision.sh anyway is refused by name, not
    a template error."""
    from parity.render.context import provision_context

    with pytest.raises(UsageError, match="nix package family has no provisioning script"):
        provision_context(family_spec("nixos:24.05", tmp_path))


def test_apk_keeps_the_key_file_name(tmp_path: Path) -> None:
    """apk finds a repository's key by the file name in the index signature, so a renamed key
    makes every signature untrusted."""
    script = provisioning_text(family_spec("alpine:3.20", tmp_path)).encode()
    assert b"/etc/apk/keys/alpine-devel@example.org-5d3f.rsa.pub" in script


VERCMP = f"""{sys.executable} -c '
import sys
from parity.versions import compare
print(compare(sys.argv[1], sys.argv[2], sys.argv[3]))' """

# --- stand-ins: same output formats as the real tools -----------------------------------------

DNF = """#!/bin/sh
echo "dnf $*" >> "$STATE/log"
case "$*" in
  *repoquery*nginx) printf '0:1.20.1-14.el9\\n1:1.24.0-2.fc40\\n0:1.26.3-1.fc40\\n' ;;
  *repoquery*curl) printf '\\n0:8.6.0-7.fc40\\n\\n0:9.0.0-1.fc40\\n' ;;
  *" install "*)
    for a; do case $a in -*|install) ;; *) echo "$a" >> "$STATE/installed" ;; esac; done ;;
esac
exit 0
"""

RPM = """#!/bin/sh
case "$1" in
  --eval)  # "%{lua: print(rpm.vercmp('A', 'B'))}"
    a=${2#*vercmp(\\'}; a=${a%%\\'*}; b=${2#*, \\'}; b=${b%%\\'*}
    exec VERCMP "$a" "$b" rpm ;;
  -q)
    for name; do :; done
    line=$(grep "^$name-[0-9]" "$STATE/installed" | head -n 1)
    if [ -n "$line" ]; then echo "${line#"$name"-}"
    else echo "package $name is not installed"; fi ;;
esac
"""

APK = """#!/bin/sh
echo "apk $*" >> "$STATE/log"
case "$1" in
  policy) case "$2" in
    nginx) printf '%s\\n' 'nginx policy:' '  1.24.0-r15:' '    https://x/v3.20/main' \\
        '  1.26.2-r0:' '    lib/apk/db/installed' '    https://x/v3.20/main' \\
        '  1.27.1-r0:' '    https://x/edge/main' ;;
    curl) printf 'curl policy:\\n  8.9.1-r1:\\n    https://x/v3.20/main\\n' ;;
  esac ;;
  version)
    r=$(VERCMP "$3" "$4" apk)
    case $r in -1) echo '<' ;; 0) echo '=' ;; 1) echo '>' ;; esac ;;
  add) for a; do case $a in -*|add) ;; *) echo "$a" >> "$STATE/installed" ;; esac; done ;;
  list)
    line=$(grep "^$3=" "$STATE/installed" | head -n 1)
    if [ -n "$line" ]; then echo "$3-${line#*=} x86_64 {$3} (MIT) [installed]"; fi ;;
esac
exit 0
"""


def run_packages_phase(base: str, packages: str, tools: dict[str, str],
                       tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    (tmp_path / "spec").mkdir()
    spec = family_spec(base, tmp_path / "spec", packages)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name, text in tools.items():
        (bindir / name).write_text(text.replace("VERCMP", VERCMP))
        (bindir / name).chmod(0o755)
    state = tmp_path / "state"
    state.mkdir()
    (state / "installed").write_text("")
    script = write_provisioning(spec, tmp_path / "ctx")
    proc = subprocess.run(
        ["sh", str(script), "packages"], capture_output=True, text=True, check=False,
        env={**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "STATE": str(state),
             "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    return proc, state


def test_dnf_partial_picks_pins_and_verifies(tmp_path: Path) -> None:
    proc, state = run_packages_phase(
        "fedora:40", "  nginx: '1.2*'\n  curl: '>=8,<9'\n", {"dnf": DNF, "rpm": RPM}, tmp_path)
    assert proc.returncode == 0, proc.stderr
    # the epoch-1 build is the highest 1.2* version; dnf pins NAME-[EPOCH:]VERSION-RELEASE
    assert (state / "installed").read_text().split() == ["curl-8.6.0-7.fc40",
                                                         "nginx-1:1.24.0-2.fc40"]
    assert "nginx: 1:1.24.0-2.fc40 satisfies 1.2*" in proc.stderr


def test_dnf_partial_reports_what_is_available(tmp_path: Path) -> None:
    proc, state = run_packages_phase("fedora:40", "  curl: '>=10'\n", {"dnf": DNF, "rpm": RPM},
                                     tmp_path)
    assert proc.returncode == 1
    assert "no available version satisfies the spec for:" in proc.stderr
    assert "curl (>=10): available: 8.6.0-7.fc40 9.0.0-1.fc40" in proc.stderr
    assert (state / "installed").read_text() == ""


def test_apk_partial_picks_pins_and_verifies(tmp_path: Path) -> None:
    proc, state = run_packages_phase(
        "alpine:3.20", "  nginx: '<1.27'\n  curl: '8.9.*'\n", {"apk": APK}, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (state / "installed").read_text().split() == ["curl=8.9.1-r1", "nginx=1.26.2-r0"]
    assert "apk update -q" in (state / "log").read_text()
