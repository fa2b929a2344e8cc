"""The nixos target: the module parses, and evaluates with nixpkgs' own ``lib.evalModules``.

Evaluation (tests/fixtures/nixos-options.nix) uses the vendored nixpkgs lib, declarations of the
NixOS options the module sets with NixOS's own types, and a stub ``pkgs``; ``--strict --json``
forces every value. So a value NixOS would refuse (a string uid, port 80000), an option NixOS
does not have or an attribute nixpkgs does not have fails here; the negative tests below edit a
rendered module to prove each of those really fails. Nix never reaches the network: no
substituters, an empty NIX_PATH, ``--readonly-mode`` (paths are hashed, not copied), and the
evaluated files use no fetchers.

Not checked here (needs a real nixpkgs and a NixOS build): what NixOS's modules do with these
values, and nixpkgs' real attribute versions.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from parity.nix_version import compare as nix_compare
from parity.render import plan_files, render_target
from parity.render.lang.systemd import command
from parity.render.nixos import MODULE, SERVICE_MODULES, glob_regex
from parity.spec import Spec, load_spec, load_spec_text
from parity.versions import parse_constraint, split_version
from tests.render import test_hostile as hostile
from tests.render.conftest import EXAMPLES, REPO

FIXTURE = REPO / "tests" / "fixtures" / "nixos-options.nix"
#: nix without network, channels or a build-users group (not needed for evaluation)
NIX = ["nix-instantiate", "--option", "substituters", "", "--option", "build-users-group", "",
       "--readonly-mode"]
ENV = {**os.environ, "NIX_PATH": ""}


def nix_eval(*, module: Path | None = None, flake: Path | None = None,
             versions: dict[str, str] | None = None,
             extra: list[dict[str, Any]] | None = None) -> subprocess.CompletedProcess[str]:
    args = [*NIX, "--eval", "--strict", "--json", str(FIXTURE)]
    if module is not None:
        args += ["--argstr", "modulePath", str(module)]
    if flake is not None:
        args += ["--argstr", "flakePath", str(flake)]
    args += ["--argstr", "versionsJSON", json.dumps(versions or {}),
             "--argstr", "extraJSON", json.dumps(extra or [])]
    return subprocess.run(args, capture_output=True, text=True, check=False, env=ENV)


def evaluate(module: Path, **kw: Any) -> dict[str, Any]:
    proc = nix_eval(module=module, **kw)
    assert proc.returncode == 0, f"evaluation of {module} failed:\n{proc.stderr}"
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def fails(module: Path, match: str) -> None:
    proc = nix_eval(module=module)
    assert proc.returncode != 0, f"{module} evaluated, expected an error matching {match!r}"
    assert match in proc.stderr, proc.stderr


def parse(path: Path) -> None:
    proc = subprocess.run([*NIX, "--parse", str(path)], capture_output=True, text=True,
                          check=False, env=ENV)
    assert proc.returncode == 0, proc.stderr


def spec_from(tmp: Path, doc: dict[str, Any], files: dict[str, str] | None = None) -> Spec:
    for rel, text in (files or {}).items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_text(text)
    text = json.dumps({"parity": 1, "name": "t", "base": "debian:12", **doc}, ensure_ascii=False)
    (tmp / "parity.yaml").write_text(text)
    return load_spec_text(text, tmp / "parity.yaml")


def render_module(spec: Spec, out: Path) -> Path:
    render_target(spec, "nixos", out)
    return out / MODULE


#: a spec exercising every branch of the target (test specs beside the examples)
EVERYTHING: dict[str, Any] = {
    "packages": {"nginx": "1.22.*", "curl": ">=7.88, <9", "git": "1:2.44.1-1", "less": "!=600",
                 "zsh": "*", "zlib1g:i386": "*"},
    "dev_packages": {"make": ">=4.3"},
    "groups": {"ops": {"gid": 1200}, "svc": {"system": True}},
    "users": {
        "alice": {"uid": 1005, "shell": "/usr/bin/zsh", "groups": ["ops", "4242"]},
        "low": {"uid": 500, "home": "/var/lib/low", "shell": "/bin/sh"},
        "svc": {"system": True, "home": "/var/lib/svc", "shell": "/usr/sbin/nologin"},
    },
    "files": {
        "/etc/app/a.conf": {"source": "files/a.conf", "mode": "0640", "owner": "svc",
                            "group": "4242"},
        "/etc/app/b.conf": {"content": "x = \"${HOME}\" \\ '' $\n", "owner": "root"},
        "/etc/app/secret.key": {"secret": True, "owner": "svc"},
        "/var/lib/app": {"type": "directory", "mode": "0750", "owner": "svc", "group": "svc"},
        "/var/lib/app/link": {"type": "link", "target": "../other dir"},
        "/srv/app/data.txt": {"content": "line1\nline2 ${x}\n", "mode": "0600"},
        "/srv/app/copied.bin": {"source": "files/a.conf"},
    },
    "env": {"A": "value with ${braces} and \"quotes\"", "B": "x", "S": {"secret": True}},
    "ports": [80, "53/udp", 8443],
    "sysctl": {"net.core.somaxconn": "1024", "net.core.rmem_max": "212992",
               "net.ipv4.ip_local_port_range": "32768 60999", "kernel.zero": "007"},
    "services": {"nginx": {}, "ssh": {"enabled": False}, "redis-server": {},
                 "worker": {"command": ["/bin/worker", "--name", "50% ${x}"]},
                 "idle": {"command": ["/bin/idle"], "enabled": False},
                 "mystery": {}},
    "repositories": [{"name": "extra", "url": "https://example.org/debian"}],
}


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> tuple[Spec, Path]:
    tmp = tmp_path_factory.mktemp("everything")
    spec = spec_from(tmp, EVERYTHING, {"files/a.conf": "a = 1\n"})
    return spec, render_module(spec, tmp / "out")


# -- parse and evaluate ---------------------------------------------------------------------------


@pytest.mark.nix
@pytest.mark.parametrize("example", EXAMPLES)
def test_example_module_parses(rendered: dict[tuple[str, str], Path], example: str) -> None:
    parse(rendered[(example, "nixos")] / MODULE)


@pytest.mark.nix
def test_test_spec_module_parses(everything: tuple[Spec, Path]) -> None:
    parse(everything[1])


@pytest.mark.nix
@pytest.mark.parametrize("example", EXAMPLES)
def test_example_module_evaluates(rendered: dict[tuple[str, str], Path],
                                  example_specs: dict[str, Spec], example: str) -> None:
    spec = example_specs[example]
    result = evaluate(rendered[(example, "nixos")] / MODULE)
    config = result["config"]
    assert result["failedAssertions"] == []
    assert set(config["users"]["users"]) == set(spec.model.users)
    assert set(spec.model.groups) <= set(config["users"]["groups"])
    assert config["environment"]["variables"] == spec.plain_env
    for secret in spec.secret_env:
        assert secret not in config["environment"]["variables"]
    ports = {(p.protocol, p.number) for p in spec.ports}
    firewall = config["networking"]["firewall"]
    assert {("tcp", p) for p in firewall["allowedTCPPorts"]} | {
        ("udp", p) for p in firewall["allowedUDPPorts"]} == ports
    etc = {f"/etc/{k}" for k in config["environment"]["etc"]}
    assert etc == {p for p, f in spec.model.files.items()
                   if p.startswith("/etc/") and f.type == "file" and not f.secret}


@pytest.mark.nix
def test_everything_evaluates_to_the_spec(everything: tuple[Spec, Path]) -> None:
    result = evaluate(everything[1])
    config = result["config"]
    assert result["failedAssertions"] == []
    assert result["warnings"] == [
        "parity: service mystery has no NixOS module parity knows and no command: in the spec; "
        "this module does not start it"]
    # packages: runtime only, mapped like the nix target; the multiarch package is left out
    names = sorted(p.split("-", 1)[1].rsplit("-", 1)[0]
                   for p in config["environment"]["systemPackages"])
    assert names == ["curl", "git", "less", "nginx", "zsh"]
    users = config["users"]["users"]
    assert users["alice"]["isNormalUser"] and not users["alice"]["isSystemUser"]
    assert users["alice"]["uid"] == 1005 and users["alice"]["group"] == "alice"
    assert users["alice"]["extraGroups"] == ["ops"]  # 4242 has no name: NixOS cannot add it
    assert users["alice"]["shell"].endswith("-zsh-5.9")
    assert config["programs"]["zsh"]["enable"] is True
    # uid 500 is a system account to NixOS whatever the spec says: isSystemUser, or its
    # assertion fails
    assert users["low"]["isSystemUser"] and not users["low"]["isNormalUser"]
    assert users["low"]["shell"] == "/bin/sh" and users["low"]["createHome"] is True
    assert users["svc"]["isSystemUser"] and users["svc"]["shell"].endswith("-shadow-4.14.6")
    groups = config["users"]["groups"]
    assert groups["ops"]["gid"] == 1200 and {"alice", "low", "svc", "ops"} <= set(groups)
    etc = config["environment"]["etc"]
    assert etc["app/a.conf"]["mode"] == "0640" and etc["app/a.conf"]["user"] == "svc"
    assert etc["app/a.conf"]["group"] == "+4242"
    assert etc["app/a.conf"]["source"].endswith("-a.conf")
    assert etc["app/b.conf"]["text"] == EVERYTHING["files"]["/etc/app/b.conf"]["content"]
    assert etc["app/b.conf"]["mode"] == "0644"  # owner given: a copy, or NixOS ignores it
    assert "app/secret.key" not in etc
    tmpfiles = config["systemd"]["tmpfiles"]["settings"]["10-parity"]
    assert tmpfiles["/etc/app/secret.key"]["f"] == {
        "type": "f", "mode": "0600", "user": "svc", "group": "-", "age": "-", "argument": ""}
    assert tmpfiles["/var/lib/app"]["d"]["mode"] == "0750"
    assert tmpfiles["/var/lib/app/link"]["L+"]["argument"] == "../other dir"
    script = config["system"]["activationScripts"]["parity-files"]
    assert script["deps"] == ["users", "groups"]
    lines = script["text"].splitlines()
    assert lines[0].startswith("install -D -T -m 0644 /nix/store/")
    assert lines[0].endswith("-a.conf /srv/app/copied.bin")
    assert lines[1].startswith("install -D -T -m 0600 /nix/store/")
    assert config["boot"]["kernel"]["sysctl"] == {
        "net.core.somaxconn": 1024, "net.core.rmem_max": 212992, "net.core.wmem_max": None,
        "net.ipv4.ip_local_port_range": "32768 60999", "kernel.zero": "007"}
    assert config["networking"]["firewall"] == {"allowedTCPPorts": [80, 8443],
                                                 "allowedUDPPorts": [53]}
    services = config["services"]
    assert services["nginx"]["enable"] and services["openssh"]["enable"]
    assert services["redis"]["servers"][""]["enable"]
    units = config["systemd"]["services"]
    assert units["sshd"]["wantedBy"] == []  # enabled: false
    assert units["worker"]["wantedBy"] == ["multi-user.target"]
    assert units["worker"]["serviceConfig"]["ExecStart"] == (
        '"/bin/worker" "--name" "50%% $${x}"')
    assert units["idle"]["wantedBy"] == []
    assert config["environment"]["variables"] == {"A": EVERYTHING["env"]["A"], "B": "x"}


def test_activation_writes_the_exact_bytes(everything: tuple[Spec, Path]) -> None:
    """The text a file outside /etc gets is the spec's content, byte for byte (what
    ``pkgs.writeText`` receives), not tmpfiles' argument with a newline appended."""
    text = everything[1].read_text()
    assert 'pkgs.writeText "parity-file" "line1\\nline2 \\${x}\\n"' in text


def test_secrets_never_reach_the_module(tmp_path: Path) -> None:
    spec = spec_from(tmp_path, {"env": {"TOKEN": {"secret": True}},
                                "files": {"/etc/t.key": {"secret": True}}})
    text = plan_files(spec, "nixos")[MODULE].decode()
    assert "TOKEN =" not in text and "supply TOKEN at run time" in text
    assert '"/etc/t.key".f = { mode = "0600"; };' in text


# -- version constraints --------------------------------------------------------------------------


CASES = [  # constraint, nixpkgs version, whether NixOS evaluation must accept it
    ("1.22.*", "1.22.1", True), ("1.22.*", "1.24.0", False), ("1.22.*", "1.220", False),
    (">=7.88", "7.88", True), (">=7.88", "8.7.1", True), (">=7.88", "7.74.0", False),
    ("<9", "8.7.1", True), ("<9", "9.0", False), ("==2.44.1", "2.44.1", True),
    ("=1:2.44.1-1", "2.44.1", True), ("2.44.1-1", "2.44.2", False), ("!=600", "600", False),
    ("!=600", "643", True), (">1.0, <=2.0", "2.0", True), (">1.0, <=2.0", "2.0.1", False),
    ("1.2.*-3", "1.2.4", False), ("3.11.*", "3.11.9", True), ("17.*", "17.0.11+9", True),
]


@pytest.mark.nix
def test_constraints_are_assertions_with_nix_ordering(tmp_path: Path) -> None:
    """One evaluation per nixpkgs version set: each package's assertion holds exactly when the
    constraint accepts the version under Nix's ordering (parity.nix_version, itself tested
    against builtins.compareVersions)."""
    packages = {f"p{i}": c for i, (c, _, _) in enumerate(CASES)}
    attrs = {f"p{i}": f"pkg{i}" for i in range(len(CASES))}
    spec = spec_from(tmp_path, {"packages": packages, "targets": {"nix": {"attrs": attrs}}})
    module = render_module(spec, tmp_path / "out")
    versions = {f"pkg{i}": v for i, (_, v, _) in enumerate(CASES)}
    result = evaluate(module, versions=versions)
    failed = {m.split()[1] for m in result["failedAssertions"]}
    assert failed == {f"p{i}" for i, (_, _, ok) in enumerate(CASES) if not ok}
    for message in result["failedAssertions"]:
        i = int(message.split()[1][1:])
        assert message.endswith(f"but pkgs.pkg{i} is {CASES[i][1]}")


def test_case_table_agrees_with_nix_version() -> None:
    """The expectations above, recomputed with parity's port of compareVersions (so the table
    is not just what the template happens to do)."""
    ops = {"==": lambda c: c == 0, "!=": lambda c: c != 0, ">=": lambda c: c >= 0,
           "<=": lambda c: c <= 0, ">": lambda c: c > 0, "<": lambda c: c < 0}
    for text, version, ok in CASES:
        results = []
        for clause in parse_constraint(text).clauses:
            if clause.op == "glob":
                regex = glob_regex(clause.version.split(":", 1)[-1])
                results.append(re.fullmatch(regex, version) is not None)
            else:
                want = split_version(clause.version, "deb")[1]
                results.append(ops[clause.op](nix_compare(version, want)))
        assert all(results) == ok, (text, version)


@pytest.mark.nix
def test_webapp_fails_on_a_nixpkgs_with_other_versions(rendered: dict[tuple[str, str], Path]
                                                       ) -> None:
    result = evaluate(rendered[("webapp", "nixos")] / MODULE,
                      versions={"nginx": "1.26.0", "curl": "7.74.0"})
    assert sorted(result["failedAssertions"]) == [
        "parity: curl must be >=7.88 (the spec's constraint), but pkgs.curl is 7.74.0",
        "parity: nginx must be 1.22.* (the spec's constraint), but pkgs.nginx is 1.26.0"]


# -- negative controls: the harness really refuses what NixOS refuses -----------------------------


@pytest.fixture
def webapp_module(rendered: dict[tuple[str, str], Path], tmp_path: Path) -> Path:
    src = rendered[("webapp", "nixos")]
    text = (src / MODULE).read_text()
    (tmp_path / "nixos").mkdir()
    (tmp_path / "nixos" / "src").symlink_to(src / "nixos" / "src")
    (tmp_path / MODULE).write_text(text)
    return tmp_path / MODULE


def edit(module: Path, old: str, new: str) -> Path:
    text = module.read_text()
    assert old in text, old
    module.write_text(text.replace(old, new))
    return module


@pytest.mark.nix
@pytest.mark.parametrize(("old", "new", "error"), [
    ("uid = 1001;", 'uid = "1001";', "is not of type `null or signed integer'"),
    ("[ 5432 8080 ]", "[ 5432 80000 ]", "is not of type `16 bit unsigned integer"),
    ("allowedTCPPorts", "allowedTcpPorts", "networking.firewall.allowedTcpPorts' does not exist"),
    ("extraGroups", "extraGroup", "users.users.app.extraGroup' does not exist"),
    ("shell = pkgs.bashInteractive;", "shell = 1;", "users.users.app.shell"),
    ('mode = "0755";', "mode = 755;", "is not of type `string'"),
    ("pkgs.postgresql_15\n", "pkgs.postgresql-15\n", "postgresql-15"),
    ("services.nginx.enable", "services.ngnix.enable", "services.ngnix' does not exist"),
])
def test_harness_rejects(webapp_module: Path, old: str, new: str, error: str) -> None:
    evaluate(webapp_module)  # the unedited copy evaluates
    fails(edit(webapp_module, old, new), error)


@pytest.mark.nix
def test_harness_applies_nixos_user_assertions(webapp_module: Path) -> None:
    """A normal user with a system uid, or a user without a group, fails like NixOS does."""
    edit(webapp_module, "uid = 1001;", "uid = 999;")
    result = evaluate(webapp_module)
    assert result["failedAssertions"] == [
        "Exactly one of users.users.app.isSystemUser and users.users.app.isNormalUser must be set."]
    edit(webapp_module, 'group = "app";\n      extraGroups', "extraGroups")
    edit(webapp_module, "isNormalUser = true;", "isSystemUser = true;")
    assert evaluate(webapp_module)["failedAssertions"] == ["users.users.app.group is unset."]


@pytest.mark.nix
def test_harness_rejects_a_string_sysctl_where_nixos_wants_an_int(everything: tuple[Spec, Path],
                                                                   tmp_path: Path) -> None:
    module = tmp_path / "module.nix"
    module.write_text(everything[1].read_text())
    (tmp_path / "src").symlink_to(everything[1].parent / "src")
    evaluate(module)
    fails(edit(module, "= 212992;", '= "212992";'), "net.core.rmem_max")


# -- the flake ------------------------------------------------------------------------------------


@pytest.mark.nix
@pytest.mark.parametrize("example", EXAMPLES)
def test_flake_nixos_configuration_evaluates(example_specs: dict[str, Spec], tmp_path: Path,
                                             example: str) -> None:
    """``-t nix`` alone: the flake's nixosConfigurations.<name> takes the module rendered beside
    it and a stand-in machine, which evaluate together (``nixpkgs.lib.nixosSystem`` replaced by
    the harness's evalModules)."""
    spec = example_specs[example]
    render_target(spec, "nix", tmp_path)
    proc = nix_eval(flake=tmp_path / "flake.nix")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    config = result["config"]
    assert result["failedAssertions"] == []
    assert config["system"]["stateVersion"] == "24.05"
    assert config["boot"]["loader"]["grub"]["device"] == "nodev"
    assert config["fileSystems"]["/"] == {"device": "/dev/disk/by-label/nixos", "fsType": "ext4"}
    assert set(config["users"]["users"]) == set(spec.model.users)


def test_flake_and_target_agree_on_the_module_path(example_specs: dict[str, Spec]) -> None:
    spec = example_specs["webapp"]
    flake = plan_files(spec, "nix")["flake.nix"].decode()
    assert f"nixosModules.default = ./{MODULE};" in flake
    assert f"nixosConfigurations.{spec.name} = nixpkgs.lib.nixosSystem" in flake
    nixos = plan_files(spec, "nixos")
    assert MODULE in nixos
    nix = plan_files(spec, "nix")
    assert {k: v for k, v in nix.items() if k.startswith("nixos/")} == nixos


def test_state_version_follows_the_nixpkgs_branch(tmp_path: Path) -> None:
    for ref, want in [("github:NixOS/nixpkgs/nixos-23.11", 'system.stateVersion = "23.11";'),
                      ("github:NixOS/nixpkgs/nixos-unstable",
                       "system.stateVersion = nixpkgs.lib.trivial.release;"),
                      ("github:NixOS/nixpkgs",
                       "system.stateVersion = nixpkgs.lib.trivial.release;")]:
        spec = spec_from(tmp_path, {"targets": {"nix": {"nixpkgs": ref}}})
        assert want in plan_files(spec, "nix")["flake.nix"].decode()


def test_repo_flake_is_rendered_from_the_repo_spec() -> None:
    """The repository's own flake.nix and nixos/module.nix are what parity.yaml renders."""
    spec = load_spec(REPO / "parity.yaml")
    planned = plan_files(spec, "nix")
    for rel in ("flake.nix", MODULE):
        assert (REPO / rel).read_bytes() == planned[rel], rel


def test_service_table_units_are_distinct_per_module() -> None:
    """Aliases (ssh/sshd/openssh) share one module and unit; each module has one unit."""
    units: dict[tuple[str, ...], str] = {}
    for service in SERVICE_MODULES.values():
        assert units.setdefault(service.option, service.unit) == service.unit


# -- hostile text ----------------------------------------------------------------------------------


@pytest.mark.nix
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=hostile.text, value=hostile.one_line, path=hostile.one_line.filter(
    lambda p: p not in (".", "..") and "/" not in p), word=hostile.one_line)
def test_hostile_text_evaluates_verbatim(tmp_path: Path, content: str, value: str, path: str,
                                         word: str) -> None:
    """Free text reaches NixOS's values unchanged: file contents (under /etc and outside),
    env values, link targets, paths and command words (the last through systemd's escaping)."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    spec = spec_from(folder, {
        "env": {"V": value},
        "files": {f"/etc/h/{path}": {"content": content},
                  f"/srv/h/{path}": {"content": content, "mode": "0640"},
                  f"/srv/l/{path}": {"type": "link", "target": path}},
        "services": {"svc": {"command": ["/bin/echo", word]}},
    })
    config = evaluate(render_module(spec, folder / "out"))["config"]
    assert config["environment"]["variables"] == {"V": value}
    assert config["environment"]["etc"][f"h/{path}"]["text"] == content
    assert config["systemd"]["tmpfiles"]["settings"]["10-parity"][f"/srv/l/{path}"]["L+"][
        "argument"] == path
    assert config["systemd"]["services"]["svc"]["serviceConfig"]["ExecStart"] == command(
        ["/bin/echo", word])
    install = shlex.split(config["system"]["activationScripts"]["parity-files"]["text"])
    assert install[:5] == ["install", "-D", "-T", "-m", "0640"]
    assert install[-1] == f"/srv/h/{path}"
