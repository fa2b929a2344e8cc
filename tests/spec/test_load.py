"""Loading and validating specs: every problem gets file:line:column, the key path and a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from parity.errors import ExitCode, SpecError
from parity.spec import load_spec, load_spec_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MINIMAL = "parity: 1\nname: app\nbase: debian:12\n"


def problems(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "parity.yaml"
    path.write_text(text)
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert info.value.exit_code == ExitCode.USAGE
    return info.value.problems


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir()
                                            if (p / "parity.yaml").is_file()))
def test_examples_are_valid(example: str) -> None:
    spec = load_spec(EXAMPLES / example / "parity.yaml")
    assert spec.distro.family == "apt"
    assert len(spec.sha256) == 64


def test_directory_argument_finds_parity_yaml() -> None:
    assert load_spec(EXAMPLES / "webapp").name == "shop"


def test_minimal_spec_defaults(tmp_path: Path) -> None:
    spec = load_spec_text(MINIMAL, tmp_path / "parity.yaml")
    assert spec.packages(dev=True) == {}
    assert spec.distro.docker_image == "debian:12"
    assert spec.ports == []


def test_unknown_key_gets_did_you_mean_with_position(tmp_path: Path) -> None:
    out = problems(MINIMAL + "pakages:\n  nginx: '*'\n", tmp_path)
    assert out == [f"{tmp_path}/parity.yaml:4:1: pakages: unknown key 'pakages'; "
                   "did you mean 'packages'?"]


def test_nested_unknown_key(tmp_path: Path) -> None:
    out = problems(MINIMAL + "users:\n  app:\n    uid: 1\n    hom: /x\n", tmp_path)
    assert len(out) == 1
    assert ":7:5: users.app.hom: unknown key 'hom'; did you mean 'home'?" in out[0]


def test_every_problem_reported_at_once_in_document_order(tmp_path: Path) -> None:
    text = MINIMAL + "packages:\n  nginx: '>>1'\nusers:\n  a$b: {}\nports: [0]\n"
    out = problems(text, tmp_path)
    assert [line.split(":")[1] for line in out] == ["5", "7", "8"]
    assert "packages.nginx" in out[0]
    assert "users.a$b" in out[1] and "account names" in out[1]
    assert "outside 1-65535" in out[2]


def test_wrong_type_names_the_type(tmp_path: Path) -> None:
    out = problems(MINIMAL + "users:\n  app: {uid: lots}\n", tmp_path)
    assert "users.app.uid" in out[0] and "'lots'" in out[0]


def test_duplicate_keys_are_rejected(tmp_path: Path) -> None:
    out = problems(MINIMAL + "packages:\n  nginx: '*'\n  nginx: '1.*'\n", tmp_path)
    assert ":6:3:" in out[0] and "nginx" in out[0] and "once" in out[0]


def test_malformed_yaml(tmp_path: Path) -> None:
    out = problems(MINIMAL + "packages: [unclosed\n", tmp_path)
    assert "invalid YAML" in out[0]
    assert out[0].startswith(f"{tmp_path}/parity.yaml:")


def test_unknown_distro_lists_known_ones(tmp_path: Path) -> None:
    out = problems("parity: 1\nname: app\nbase: plan9:4\n", tmp_path)
    assert out[0].startswith(f"{tmp_path}/parity.yaml:3:1: base: unknown distro 'plan9:4'")
    assert "debian:12" in out[0]


def test_unsupported_format_version(tmp_path: Path) -> None:
    out = problems("parity: 2\nname: app\nbase: debian:12\n", tmp_path)
    assert "format 2 is not supported" in out[0]


def test_missing_required_keys(tmp_path: Path) -> None:
    out = problems("parity: 1\n", tmp_path)
    assert any("name: required key is missing" in line for line in out)
    assert any("base: required key is missing" in line for line in out)


@pytest.mark.parametrize("text", ["", "- a\n- b\n"])
def test_empty_or_non_mapping(text: str, tmp_path: Path) -> None:
    out = problems(text, tmp_path)
    assert out[0].startswith(f"{tmp_path}/parity.yaml:1:1:")


def test_missing_spec_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path / "nope.yaml")
    assert "no such file" in info.value.problems[0]


def test_source_must_exist(tmp_path: Path) -> None:
    out = problems(MINIMAL + "files:\n  /etc/x: {source: files/x}\n", tmp_path)
    assert "file 'files/x' not found" in out[0] and ":5:" in out[0]


def test_source_may_not_escape_via_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.write_text("secret")
    spec_dir = tmp_path / "spec"
    spec_dir.mkdir()
    (spec_dir / "link").symlink_to(outside)
    path = spec_dir / "parity.yaml"
    path.write_text(MINIMAL + "files:\n  /etc/x: {source: link}\n")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert "points outside the spec's folder" in info.value.problems[0]


def test_dotdot_rejected(tmp_path: Path) -> None:
    out = problems(MINIMAL + "provision: [../evil.sh]\n", tmp_path)
    assert "may not contain '..'" in out[0]


def test_sha256_ignores_formatting_but_tracks_referenced_files(tmp_path: Path) -> None:
    (tmp_path / "a.conf").write_text("one")
    base = MINIMAL + "files:\n  /etc/a.conf: {source: a.conf}\n"
    path = tmp_path / "parity.yaml"
    path.write_text(base)
    first = load_spec(path).sha256
    path.write_text("# a comment\n" + base.replace("{source: a.conf}", "\n    source: a.conf"))
    assert load_spec(path).sha256 == first
    (tmp_path / "a.conf").write_text("two")
    assert load_spec(path).sha256 != first


def test_modes_normalise(tmp_path: Path) -> None:
    text = MINIMAL + "files:\n  /a: {content: x, mode: 644}\n  /b: {content: x, mode: '755'}\n"
    spec = load_spec_text(text, tmp_path / "parity.yaml")
    assert spec.model.files["/a"].mode == "0644"
    assert spec.model.files["/b"].mode == "0755"


def test_env_and_secrets(tmp_path: Path) -> None:
    text = MINIMAL + "env:\n  PORT: 8080\n  DEBUG: false\n  TOKEN: {secret: true}\n"
    spec = load_spec_text(text, tmp_path / "parity.yaml")
    assert spec.plain_env == {"DEBUG": "false", "PORT": "8080"}
    assert spec.secret_env == ["TOKEN"]


def test_dev_packages_only_in_dev(tmp_path: Path) -> None:
    text = MINIMAL + "packages: {nginx: '1.22.*'}\ndev_packages: {git: '*'}\n"
    spec = load_spec_text(text, tmp_path / "parity.yaml")
    assert set(spec.packages(dev=False)) == {"nginx"}
    assert set(spec.packages(dev=True)) == {"git", "nginx"}


def test_package_in_both_lists_is_an_error(tmp_path: Path) -> None:
    out = problems(MINIMAL + "packages: {git: '*'}\ndev_packages: {git: '*'}\n", tmp_path)
    assert "git listed in both" in out[0]


def test_ports_normalise(tmp_path: Path) -> None:
    spec = load_spec_text(MINIMAL + "ports: [80, '53/udp', '443/tcp', 80]\n",
                          tmp_path / "parity.yaml")
    assert [p.key for p in spec.ports] == ["tcp/80", "tcp/443", "udp/53"]


def test_unquoted_decimal_version_is_rejected(tmp_path: Path) -> None:
    """YAML reads ``python3: 3.10`` as the number 3.1; pinning that would be a silent mistake."""
    found = problems(MINIMAL + "packages:\n  python3: 3.10\n  curl: 7\n", tmp_path)
    assert found == [f"{tmp_path / 'parity.yaml'}:5:3: packages.python3: YAML reads 3.10 as "
                     "the number 3.1; quote versions: \"3.10\""]


def test_repository_name_is_a_valid_apt_file_name(tmp_path: Path) -> None:
    """apt ignores sources.list.d files whose names hold anything but letters, digits, _ - ."""
    found = problems(MINIMAL + "repositories:\n  - {name: 'pg+ext', url: 'https://x.org'}\n",
                     tmp_path)
    assert len(found) == 1
    assert "repositories.0.name: 'pg+ext' is not allowed here: repository names use letters, " \
           "digits and . _ - only" in found[0]


@pytest.mark.parametrize(("base", "expected"), [
    ("debian:12", "an ASCII-armoured OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)"),
    ("fedora:40", "an ASCII-armoured OpenPGP public key (-----BEGIN PGP PUBLIC KEY BLOCK-----)"),
    ("alpine:3.20", "a PEM public key (-----BEGIN PUBLIC KEY-----), as apk keys are"),
])
def test_repository_key_must_be_in_the_form_the_package_manager_reads(
        base: str, expected: str, tmp_path: Path) -> None:
    (tmp_path / "key.gpg").write_bytes(b"\x99\x01\x0d\x04binary keyring")
    text = (f"parity: 1\nname: app\nbase: {base}\n"
            "repositories:\n  - {name: x, url: 'https://x.org', key: key.gpg}\n")
    found = problems(text, tmp_path)
    assert len(found) == 1
    assert f"repositories.0.key: 'key.gpg' is not {expected}" in found[0]
    assert found[0].startswith(f"{tmp_path / 'parity.yaml'}:5:")


def test_armoured_key_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "key.asc").write_text("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nx\n")
    text = MINIMAL + "repositories:\n  - {name: x, url: 'https://x.org', key: key.asc}\n"
    assert load_spec_text(text, tmp_path / "parity.yaml").file_hashes


def test_mode_numbers_that_are_not_octal_are_rejected(tmp_path: Path) -> None:
    """``mode: 999`` used to become "1747" (999 written in octal); only 0o-numbers convert."""
    found = problems(MINIMAL + "files:\n  /a: {content: x, mode: 999}\n", tmp_path)
    assert len(found) == 1 and "files./a.mode: 999 is not an octal file mode" in found[0]
    spec = load_spec_text(MINIMAL + "files:\n  /b: {content: x, mode: 0o640}\n",
                          tmp_path / "parity.yaml")
    assert spec.model.files["/b"].mode == "0640"


def test_unquoted_numbers_keep_their_digits_in_env_and_sysctl(tmp_path: Path) -> None:
    text = MINIMAL + "env:\n  V: 1.10\n  N: 8080\n  B: true\nsysctl:\n  vm.x: 0.50\n"
    spec = load_spec_text(text, tmp_path / "parity.yaml")
    assert spec.plain_env == {"B": "true", "N": "8080", "V": "1.10"}
    assert spec.model.sysctl == {"vm.x": "0.50"}
