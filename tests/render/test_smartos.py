"""The smartos target: a ``vmadm create`` manifest, SMF manifests and a user-script per spec.

No SmartOS machine exists here. What is checked for real:

* every key of every rendered ``zone.json`` against the properties ``vmadm create`` accepts for
  the brand, with their types (``tests/fixtures/smartos-zone/vmadm-create-properties.json``,
  extracted from smartos-live's own ``proptable.js``, source named in the file);
* every SMF manifest against illumos' ``service_bundle.dtd.1`` (vendored with its CDDL header)
  with ``xmllint --dtdvalid``, and with lxml when it is installed;
* the user-script and every provisioning file it fetches with ``sh -n`` and ``bash -n``; the
  user-script's own fetch function (mdata-get into files, byte for byte) with a stand-in
  ``mdata-get`` that prints the zone.json values the way mdata-client's ``mdata_get.c`` does;
* the packages phase of the fetched ``provision.sh`` against stand-in ``pkgin``, ``pkg_admin``
  and ``pkg_info`` (ordering with :mod:`parity.pkgsrc_version`): the pkgsrc partial picks, pins
  and verifies versions. The illumos account and SMF functions run only on illumos.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from parity.errors import RenderError, SpecError, UsageError
from parity.render import plan_files, targets_for
from parity.render.smartos import smf_exec
from parity.render.zone import DEFAULT_IMAGES, NEWEST_RELEASE
from parity.spec import Spec, load_spec_text
from tests.render.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "smartos-zone"
DTD = FIXTURES / "service_bundle.dtd.1"
PROPERTIES = json.loads((FIXTURES / "vmadm-create-properties.json").read_text())

ZONE_SPEC = """\
parity: 1
name: zone1
base: smartos:23.4
packages:
  nginx: "1.2*"
  curl: ">=8,<9"
dev_packages:
  git: "*"
services:
  nginx: {running: true}
  api: {command: ["/opt/local/bin/python3.11", "-m", "http.server", "8000"], running: false}
users:
  api: {uid: 1500, home: /srv/api, shell: /usr/bin/bash, system: true}
env:
  RATIO: "50% & <more>"
files:
  /etc/zone1.conf: {source: zone1.conf, mode: "0640"}
  /etc/zone1/db_pw: {source: db_pw, mode: "0600"}
targets:
  smartos: {brand: joyent-minimal, memory: 512, quota: 5, alias: api-zone}
"""


def zone_spec(tmp_path: Path, text: str = ZONE_SPEC) -> Spec:
    (tmp_path / "zone1.conf").write_text("no trailing newline = kept", encoding="utf-8")
    (tmp_path / "db_pw").write_text("a file whose key must not end in _pw\n")
    return load_spec_text(text, tmp_path / "parity.yaml")


def zone_json(files: dict[str, bytes]) -> dict[str, Any]:
    return json.loads(files["zone.json"])


def all_zone_files(example_specs: dict[str, Spec], tmp_path: Path) -> dict[str, dict[str, bytes]]:
    out = {name: plan_files(spec, "smartos") for name, spec in example_specs.items()}
    out["zone1"] = plan_files(zone_spec(tmp_path), "smartos")
    return out


# --- zone.json against vmadm's property table ----------------------------------------------

_TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "uuid": lambda v: isinstance(v, str) and re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", v) is not None,
    # proptable: "an object that has only string properties"
    "flat-object": lambda v: isinstance(v, dict) and all(
        isinstance(k, str) and isinstance(x, str) for k, x in v.items()),
}


def test_every_zone_manifest_has_only_properties_vmadm_create_takes(
        example_specs: dict[str, Spec], tmp_path: Path) -> None:
    for name, files in all_zone_files(example_specs, tmp_path).items():
        zone = zone_json(files)
        allowed = PROPERTIES["types"][zone["brand"]]
        for key, value in zone.items():
            assert key in allowed, f"{name}: vmadm create takes no {key!r} for {zone['brand']}"
            assert _TYPE_CHECKS[allowed[key]](value), f"{name}: {key} is not a {allowed[key]}"
        for key in PROPERTIES["required"][zone["brand"]]:
            assert key in zone, f"{name}: vmadm create requires {key}"


def test_zone_settings_and_default_images(example_specs: dict[str, Spec], tmp_path: Path) -> None:
    zone = zone_json(plan_files(zone_spec(tmp_path), "smartos"))
    assert {k: zone[k] for k in ("brand", "image_uuid", "alias", "hostname",
                                  "max_physical_memory", "quota")} == {
        "brand": "joyent-minimal", "image_uuid": "8adac45a-aca7-11ee-b53e-00151714048c",
        "alias": "api-zone", "hostname": "zone1", "max_physical_memory": 512, "quota": 5}
    # a Linux spec's zone: the newest base-64-lts parity knows, unless the spec names an image
    webapp = zone_json(plan_files(example_specs["webapp"], "smartos"))
    assert webapp["image_uuid"] == DEFAULT_IMAGES[NEWEST_RELEASE][0]
    assert webapp["brand"] == "joyent" and webapp["alias"] == "shop"
    own = zone_spec(tmp_path, ZONE_SPEC.replace(
        "brand: joyent-minimal", "image_uuid: 2f1dc911-6401-4fa4-8e9d-67ea2e39c271"))
    assert zone_json(plan_files(own, "smartos"))["image_uuid"] == \
        "2f1dc911-6401-4fa4-8e9d-67ea2e39c271"


# --- SMF manifests against illumos' DTD ----------------------------------------------------


def _manifests(example_specs: dict[str, Spec], tmp_path: Path) -> dict[str, bytes]:
    out = {f"{name}/{rel}": data
           for name, files in all_zone_files(example_specs, tmp_path).items()
           for rel, data in files.items() if rel.startswith("smf/")}
    assert {"pyservice/smf/api.xml", "zone1/smf/api.xml"} <= set(out)
    return out


@pytest.mark.xmllint
def test_smf_manifests_are_valid_against_the_service_bundle_dtd(
        example_specs: dict[str, Spec], tmp_path: Path) -> None:
    for name, data in _manifests(example_specs, tmp_path).items():
        path = tmp_path / name.replace("/", "_")
        path.write_bytes(data)
        proc = subprocess.run(["xmllint", "--noout", "--nonet", "--dtdvalid", str(DTD),
                               str(path)], capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{name}: {proc.stderr}"
    broken = tmp_path / "broken.xml"
    broken.write_bytes(_manifests(example_specs, tmp_path)["zone1/smf/api.xml"].replace(
        b' timeout_seconds="60"', b"", 1))
    proc = subprocess.run(["xmllint", "--noout", "--nonet", "--dtdvalid", str(DTD), str(broken)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "timeout_seconds" in proc.stderr  # the DTD does check


def test_smf_manifests_with_lxml(example_specs: dict[str, Spec], tmp_path: Path) -> None:
    etree = pytest.importorskip("lxml.etree")
    dtd = etree.DTD(str(DTD))
    for name, data in _manifests(example_specs, tmp_path).items():
        assert dtd.validate(etree.fromstring(data)), f"{name}: {dtd.error_log}"


def test_smf_manifest_runs_the_command_with_the_env(tmp_path: Path) -> None:
    from xml.etree import ElementTree

    files = plan_files(zone_spec(tmp_path), "smartos")
    root = ElementTree.fromstring(files["smf/api.xml"])
    service = root.find("service")
    assert service is not None and service.get("name") == "site/api"
    start = service.find("exec_method[@name='start']")
    assert start is not None
    assert start.get("exec") == "/opt/local/bin/python3.11 -m http.server 8000"
    # svc.startd runs `/sbin/sh -c "exec <exec>"` after expanding %-tokens
    assert smf_exec(["printf", "%s\n", "a b"]) == "printf '%%s\n' 'a b'"
    env = {e.get("name"): e.get("value") for e in service.iter("envvar")}
    assert env == {"RATIO": "50% & <more>"}
    # the manifest the zone imports is the one written beside zone.json
    step = zone_json(files)["customer_metadata"]["parity:steps/30-config/step.sh"]
    assert "svc:/site/api:default 1 0 /var/svc/manifest/site/api.xml" in step
    assert "parity_service nginx 1 1" in step


# --- the user-script and what it fetches ---------------------------------------------------


MDATA_GET = f"""#!/bin/sh
# mdata-client's mdata_get.c: prints the value, then a newline unless the value ends in one
exec {sys.executable} -c '
import json, sys
meta = json.load(open(sys.argv[1]))["customer_metadata"]
if sys.argv[2] not in meta:
    sys.stderr.write("No metadata for " + sys.argv[2] + chr(10)); sys.exit(1)
v = meta[sys.argv[2]]
sys.stdout.write(v if v.endswith(chr(10)) else v + chr(10))' "$ZONE_JSON" "$1"
"""


def _fetch_function(user_script: str) -> str:
    """The user-script's own parity_fetch, as it stands in the script."""
    match = re.search(r"^parity_fetch\(\) \{\n.*?^\}\n", user_script, re.M | re.S)
    assert match, "parity_fetch is missing from the user-script"
    return match.group(0)


def fetch_tree(files: dict[str, bytes], dest: Path, tmp_path: Path) -> Path:
    """Run the user-script's fetch for every path it names, with a stand-in mdata-get."""
    user_script = files["user-script.sh"].decode()
    bindir = tmp_path / "mdata-bin"
    bindir.mkdir(exist_ok=True)
    (bindir / "mdata-get").write_text(MDATA_GET)
    (bindir / "mdata-get").chmod(0o755)
    (tmp_path / "zone.json").write_bytes(files["zone.json"])
    fetches = re.findall(r"^parity_fetch .*$", user_script, re.M)
    script = (f"set -eu\nPARITY_ROOT={dest}\n{_fetch_function(user_script)}"
              + "".join(f"{line}\n" for line in fetches))
    proc = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=False,
                          env={**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}",
                               "ZONE_JSON": str(tmp_path / "zone.json")})
    assert proc.returncode == 0, proc.stderr
    return dest / "provision.sh"


def test_user_script_fetches_every_file_byte_for_byte(tmp_path: Path) -> None:
    if shutil.which("nawk") is None:
        pytest.skip("nawk is not installed (illumos has it; Debian: mawk or original-awk)")
    (tmp_path / "spec").mkdir()
    files = plan_files(zone_spec(tmp_path / "spec"), "smartos")
    metadata = zone_json(files)["customer_metadata"]
    assert metadata["user-script"].encode() == files["user-script.sh"]
    fetch_tree(files, tmp_path / "opt-parity", tmp_path)
    assert not [k for k in metadata if k.endswith("_pw")]  # the agent serves those elsewhere
    wanted = {k.removeprefix("parity:").removesuffix("~"): v for k, v in metadata.items()
              if k.startswith("parity:")}
    got = {p.relative_to(tmp_path / "opt-parity").as_posix(): p.read_text()
           for p in (tmp_path / "opt-parity").rglob("*") if p.is_file()}
    assert got == {k: v[:-1] for k, v in wanted.items()}  # each value is the file plus "\n"
    assert got["steps/30-config/src/zone1.conf"] == "no trailing newline = kept"
    assert got["steps/30-config/src/db_pw"] == "a file whose key must not end in _pw\n"


def test_user_script_and_tree_parse(example_specs: dict[str, Spec], tmp_path: Path) -> None:
    for name, files in all_zone_files(example_specs, tmp_path).items():
        scripts = {"user-script.sh": files["user-script.sh"].decode()}
        scripts |= {k: v for k, v in zone_json(files)["customer_metadata"].items()
                    if k.endswith(".sh") and "/src/" not in k}
        assert "parity:provision.sh" in scripts and "parity:steps/00-illumos/step.sh" in scripts
        for key, text in scripts.items():
            path = tmp_path / "parse.sh"
            path.write_text(text)
            for shell in ("sh", "bash"):
                proc = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True,
                                      check=False)
                assert proc.returncode == 0, f"{name} {key} ({shell}): {proc.stderr}"


def test_linux_spec_maps_names_and_names_each_dropped_pin(example_specs: dict[str, Spec]) -> None:
    files = plan_files(example_specs["webapp"], "smartos")
    script = files["user-script.sh"].decode()
    for line in ("package nginx 1.22.*: pin dropped", "package postgresql-15 15.*: pin dropped",
                 "package curl >=7.88: pin dropped", "sysctl net.core.somaxconn: left out"):
        assert line in script
    step = zone_json(files)["customer_metadata"]["parity:steps/10-packages/step.sh"]
    assert "parity_want postgresql15-server '*'" in step
    assert "parity_want mozilla-rootcerts-openssl '*'" in step
    pyservice = plan_files(example_specs["pyservice"], "smartos")
    meta = zone_json(pyservice)["customer_metadata"]
    # python3 and python3-venv are one pkgsrc package; tini has none; make is gmake
    assert meta["parity:steps/10-packages/step.sh"].count("parity_want python311 ") == 1
    assert "tini" not in meta["parity:steps/10-packages/step.sh"]
    assert "package tini: left out" in pyservice["user-script.sh"].decode()
    assert "parity_want gmake '*'" in meta["parity:steps/20-dev-packages/step.sh"]


def test_spec_overrides_pkgsrc_names(tmp_path: Path) -> None:
    text = ("parity: 1\nname: o\nbase: debian:12\npackages: {tini: '*', curl: '*', procps: '*'}\n"
            "targets: {smartos: {packages: {tini: dumb-init, curl: null}}}\n")
    meta = zone_json(plan_files(load_spec_text(text, tmp_path / "parity.yaml"), "smartos"))
    step = meta["customer_metadata"]["parity:steps/10-packages/step.sh"]
    assert "parity_want dumb-init '*'" in step
    assert "curl" not in step and "procps" not in step


def test_binary_source_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "blob.bin").write_bytes(b"\xff\x00\x01")
    spec = load_spec_text("parity: 1\nname: b\nbase: smartos:24.4\n"
                          "files: {/opt/blob: {source: blob.bin}}\n", tmp_path / "parity.yaml")
    with pytest.raises(RenderError, match=r"blob\.bin is not UTF-8 text"):
        plan_files(spec, "smartos")


# --- the packages phase against stand-in pkgsrc tools ---------------------------------------

VERCMP = (f"{sys.executable} -c 'import sys; from parity.versions import compare; "
          "print(compare(sys.argv[1], sys.argv[2], \"pkgsrc\"))'")

PKGIN = """#!/bin/sh
echo "pkgin $*" >> "$STATE/log"
avail() {
  printf '%s\\n' 'nginx-1.24.0nb3;Lightweight HTTP server' \\
      'nginx-1.25.3nb1;Lightweight HTTP server' 'nginx-1.30.0;Lightweight HTTP server' \\
      'nginx-devel-1.27.1;Development version' 'curl-8.6.0nb1;Client for URLs' \\
      'curl-8.11.1;Client for URLs' 'curl-9.0.0;Client for URLs' 'git-2.47.1;VCS'
}
case "$*" in
  "-y update") ;;
  "-p avail") avail ;;
  "-y install "*)  # NAME-VERSION as given; a bare NAME gets the version listed for it
    shift 2
    for a; do
      case $a in
        *-[0-9]*) echo "$a" ;;
        *) avail | grep "^$a-[0-9]" | tail -n 1 | cut -d';' -f1 ;;
      esac
    done >> "$STATE/installed" ;;
  *) echo "pkgin stand-in: unexpected $*" >&2; exit 2 ;;
esac
"""

PKG_ADMIN = """#!/bin/sh
# pkg_admin pmatch 'parity<OP><VERSION>' 'parity-<CANDIDATE>': exit 0 when it matches
[ "$1" = pmatch ] || { echo "pkg_admin stand-in: unexpected $*" >&2; exit 2; }
pat=${2#parity}; cand=${3#parity-}
case $pat in
  '<='*) op=le; v=${pat#<=} ;; '>='*) op=ge; v=${pat#>=} ;; '=='*) op=eq; v=${pat#==} ;;
  '!='*) op=ne; v=${pat#!=} ;; '<'*) op=lt; v=${pat#<} ;; '>'*) op=gt; v=${pat#>} ;;
esac
r=$(VERCMP "$cand" "$v")
case $op in
  lt) [ "$r" -lt 0 ] ;; le) [ "$r" -le 0 ] ;; eq) [ "$r" -eq 0 ] ;;
  ne) [ "$r" -ne 0 ] ;; ge) [ "$r" -ge 0 ] ;; gt) [ "$r" -gt 0 ] ;;
esac
"""

PKG_INFO = """#!/bin/sh
[ "$1" = -E ] || { echo "pkg_info stand-in: unexpected $*" >&2; exit 2; }
grep "^$2-[0-9]" "$STATE/installed" | head -n 1 | grep . || exit 1
"""


def test_packages_phase_picks_pins_and_verifies_with_pkgsrc_tools(tmp_path: Path) -> None:
    if shutil.which("nawk") is None:
        pytest.skip("nawk is not installed")
    (tmp_path / "spec").mkdir()
    files = plan_files(zone_spec(tmp_path / "spec"), "smartos")
    script = fetch_tree(files, tmp_path / "opt-parity", tmp_path)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for name, text in {"pkgin": PKGIN, "pkg_admin": PKG_ADMIN, "pkg_info": PKG_INFO}.items():
        (bindir / name).write_text(text.replace("VERCMP", VERCMP))
        (bindir / name).chmod(0o755)
    state = tmp_path / "state"
    state.mkdir()
    (state / "installed").write_text("")
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "STATE": str(state),
           "PYTHONPATH": str(REPO)}
    proc = subprocess.run(["sh", str(script), "packages"], capture_output=True, text=True,
                          check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    # dewey: 1.25.3nb1 is the highest 1.2*; curl 8.11.1 > 8.6.0nb1 (no string ordering)
    assert (state / "installed").read_text().split() == ["curl-8.11.1", "nginx-1.25.3nb1"]
    assert "nginx: 1.25.3nb1 satisfies 1.2*" in proc.stderr
    proc = subprocess.run(["sh", str(script), "dev-packages"], capture_output=True, text=True,
                          check=False, env={**env, "PARITY_DEV": "1"})
    assert proc.returncode == 0, proc.stderr
    assert (state / "installed").read_text().split()[-1] == "git-2.47.1"


# --- spec model and CLI ---------------------------------------------------------------------


@pytest.mark.parametrize(("setting", "message"), [
    ("image_uuid: not-a-uuid", "is not an image UUID"),
    ("image_uuid: 8ADAC45A-ACA7-11EE-B53E-00151714048C", "is not an image UUID"),
    ("brand: lx", "'joyent' or 'joyent-minimal'"),
    ("memory: 64", "greater than or equal to 128"),
    ("alias: 'a b'", "targets.smartos.alias"),
])
def test_bad_smartos_settings_are_clear_errors(setting: str, message: str,
                                               tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec_text(f"parity: 1\nname: x\nbase: smartos:23.4\n"
                       f"targets:\n  smartos: {{{setting}}}\n", tmp_path / "parity.yaml")
    assert message in str(info.value)
    assert "targets.smartos" in str(info.value)


def test_all_renders_the_targets_of_the_base(example_specs: dict[str, Spec],
                                             tmp_path: Path) -> None:
    assert targets_for(zone_spec(tmp_path)) == ["smartos"]
    assert "smartos" not in targets_for(example_specs["webapp"])
    with pytest.raises(UsageError, match="SmartOS zone image"):
        plan_files(zone_spec(tmp_path), "docker")


def test_cli_renders_smartos(example_copy: Any, tmp_path: Path) -> None:
    spec_path = example_copy("webapp")
    out = tmp_path / "zone"
    proc = subprocess.run([sys.executable, "-m", "parity", "render", str(spec_path), "-t",
                           "smartos", "-d", str(out)], capture_output=True, text=True,
                          check=False, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["user-script.sh", "zone.json"]
    assert os.access(out / "user-script.sh", os.X_OK)
    check = subprocess.run([sys.executable, "-m", "parity", "render", str(spec_path), "-t",
                            "smartos", "-d", str(out), "--check"], capture_output=True,
                           text=True, check=False, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert check.returncode == 0, check.stdout + check.stderr


# --- the whole user-script in a stand-in zone (docker) ---------------------------------------


def test_user_script_provisions_a_stand_in_zone(tmp_path: Path, image_builder: Any,
                                                container_factory: Any) -> None:
    """The rendered user-script runs as a zone would run it, in a Debian container whose zone
    tools are stand-ins (tests/fixtures/smartos-zone/container): fetch, every phase, the
    marker that makes the next boot a no-op."""
    (tmp_path / "spec").mkdir()
    text = ZONE_SPEC.replace('nginx: "1.2*"', 'nginx: "*"').replace('curl: ">=8,<9"', 'curl: "*"')
    files = plan_files(zone_spec(tmp_path / "spec", text), "smartos")
    context = tmp_path / "context"
    shutil.copytree(FIXTURES / "container", context)
    for key, value in zone_json(files)["customer_metadata"].items():
        dest = context / "mdata" / key
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(value, encoding="utf-8")
    zone = container_factory.start(image_builder(context, area="smartos-zone"))

    def run(command: str) -> tuple[int, str]:
        result = zone.exec_run(["sh", "-c", command])
        return result.exit_code, result.output.decode(errors="replace")

    boot = "/opt/local/bin/mdata-get user-script > /tmp/user-script && sh /tmp/user-script"
    code, output = run(boot)
    assert code == 0, output
    assert run("cat /var/lib/standin/installed")[1].split() == [
        "curl-8.11.1", "nginx-1.25.3nb1", "git-2.47.1"]
    assert run("stat -c '%a %U %s' /etc/zone1.conf; cat /etc/zone1.conf")[1] == \
        "640 root 26\nno trailing newline = kept"
    assert run("cat /etc/zone1/db_pw")[1] == "a file whose key must not end in _pw\n"
    assert run("getent passwd api | cut -d: -f1,3,6,7")[1] == "api:1500:/srv/api:/usr/bin/bash\n"
    assert run("id -gn api")[1] == "api\n"
    assert run("tail -n 1 /etc/profile")[1] == ". /etc/profile.d/parity.sh\n"
    assert "export RATIO='50% & <more>'" in run("cat /etc/profile.d/parity.sh")[1]
    smf_log = run("cat /var/lib/standin/smf.log")[1].splitlines()
    assert smf_log == [
        "svccfg import /var/svc/manifest/site/api.xml",
        "svcadm enable svc:/site/api:default", "svcadm disable -t svc:/site/api:default",
        "svcadm enable nginx"]
    assert run("cat /var/svc/manifest/site/api.xml")[1].encode() == files["smf/api.xml"]
    # the next boot: provisioned already, nothing runs again
    code, output = run(boot)
    assert code == 0 and output == "", output
    assert len(run("cat /var/lib/standin/smf.log")[1].splitlines()) == 4


# --- ipadm: the zone's network tunables -------------------------------------------------------

IPADM = """#!/bin/sh
echo "ipadm $*" >> "$STATE/log"
case "$*" in
  "show-prop -c -o current -p smallest_anon_port tcp") echo 32768 ;;
  "show-prop -c -o current -p max_buf tcp") echo 1048576 ;;
  "set-prop -p "*) ;;
  *) echo "ipadm stand-in: unexpected $*" >&2; exit 2 ;;
esac
"""


def test_ipadm_phase_sets_only_what_differs(tmp_path: Path) -> None:
    """The spec's ipadm: section becomes ``ipadm set-prop`` (persistent) in the zone, and a
    property already at its value is left alone (the user-script runs at every boot)."""
    (tmp_path / "spec").mkdir()
    spec = load_spec_text("parity: 1\nname: tun\nbase: smartos:23.4\n"
                          "ipadm: {tcp: {smallest_anon_port: 32768, max_buf: 2097152}}\n",
                          tmp_path / "spec" / "parity.yaml")
    files = plan_files(spec, "smartos")
    script = fetch_tree(files, tmp_path / "opt-parity", tmp_path)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "ipadm").write_text(IPADM)
    (bindir / "ipadm").chmod(0o755)
    state = tmp_path / "state"
    state.mkdir()
    env = {**os.environ, "PATH": f"{bindir}:{os.environ['PATH']}", "STATE": str(state)}
    proc = subprocess.run(["sh", str(script), "ipadm"], capture_output=True, text=True,
                          check=False, env=env)
    assert proc.returncode == 0, proc.stderr
    calls = (state / "log").read_text().splitlines()
    assert [c for c in calls if "set-prop" in c] == ["ipadm set-prop -p max_buf=2097152 tcp"]


def test_linux_sysctl_is_named_as_left_out(tmp_path: Path) -> None:
    spec = load_spec_text("parity: 1\nname: l\nbase: debian:12\n"
                          "sysctl: {net.core.somaxconn: 1024}\n", tmp_path / "parity.yaml")
    script = plan_files(spec, "smartos")["user-script.sh"].decode()
    assert "sysctl net.core.somaxconn: left out" in script and "ipadm:" in script
