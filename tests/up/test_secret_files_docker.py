"""``secret: true`` files through ``parity up`` (real build, real container) and ``parity check``:
an absent secret is created empty and private, one a package wrote keeps its content, ``up``
names the empty ones, and the check judges them by mode and owner, never by content."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from parity.compare.check import run_check
from parity.spec import Spec, load_spec

from .helpers import infra_host, parity_cli, sweep, unique

pytestmark = [pytest.mark.docker, pytest.mark.slow]

# /etc/gshadow: written by Debian's passwd package (0640 root:shadow), as PostgreSQL writes
# its pg_hba.conf; the dev environment keeps that content and gets the pinned mode
SPEC = """\
parity: 1
name: secrets
base: debian:12
files:
  /etc/app/credentials:
    secret: true
    owner: root
    group: root
  /etc/gshadow:
    secret: true
    mode: "0600"
    owner: root
    group: root
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory,
        docker_client) -> Iterator[tuple[Spec, str, str]]:  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("secret-files")
    (root / "parity.yaml").write_text(SPEC)
    spec = load_spec(root / "parity.yaml")
    name = unique("secrets")
    try:
        proc = parity_cli("up", str(spec.path), "--name", name, "--network", "none")
        assert proc.returncode == 0, proc.stderr
        yield spec, name, proc.stderr
    finally:
        with contextlib.suppress(Exception):
            parity_cli("down", str(spec.path), "--name", name)
        sweep(docker_client, root)


def test_an_absent_secret_is_created_empty_and_private(env) -> None:  # type: ignore[no-untyped-def]
    _, name, _ = env
    creds = infra_host(f"docker://{name}").file("/etc/app/credentials")
    assert creds.is_file and creds.size == 0
    assert (creds.mode, creds.user, creds.group) == (0o600, "root", "root")


def test_a_secret_a_package_wrote_keeps_its_content(env) -> None:  # type: ignore[no-untyped-def]
    _, name, _ = env
    gshadow = infra_host(f"docker://{name}").file("/etc/gshadow")
    assert gshadow.content_string.startswith("root:")  # the passwd package's content
    assert (gshadow.mode, gshadow.user, gshadow.group) == (0o600, "root", "root")


def test_up_names_the_empty_secrets_once(env) -> None:  # type: ignore[no-untyped-def]
    _, _, stderr = env
    notes = [line for line in stderr.splitlines() if "no content in this environment" in line]
    assert len(notes) == 1, stderr
    assert "/etc/app/credentials has no content" in notes[0]
    assert "/etc/gshadow" not in notes[0]  # it has content
    assert "parity exec" in notes[0]


def test_check_judges_a_secret_by_mode_never_by_content(env) -> None:  # type: ignore[no-untyped-def]
    spec, name, _ = env
    host = infra_host(f"docker://{name}")
    assert host.run("printf 'dev password' > /etc/app/credentials").rc == 0
    assert host.run("echo 'extra:*::' >> /etc/gshadow").rc == 0
    report = run_check(spec, [f"docker://{name}"])
    assert report.results[0].error is None
    assert [f for f in report.results[0].findings if f.kind == "file"] == []

    # /etc/gshadow pins its mode; /etc/app/credentials pins none (0600 was only its start)
    assert host.run("chmod 0640 /etc/gshadow /etc/app/credentials").rc == 0
    try:
        report = run_check(spec, [f"docker://{name}"])
        assert [f.identity for f in report.results[0].findings if f.kind == "file"] == [
            ("file", "/etc/gshadow", "mode", "changed")]
    finally:
        host.run("chmod 0600 /etc/gshadow /etc/app/credentials")


def test_the_image_holds_no_content_for_a_secret(env, docker_client) -> None:  # type: ignore[no-untyped-def]
    """The environment's value lives in the container only: the image has the empty file."""
    _, name, _ = env
    image = docker_client.containers.get(name).image.id
    out = docker_client.containers.run(image, ["stat", "-c", "%s %a", "/etc/app/credentials"],
                                       entrypoint=[], network_mode="none", remove=True,
                                       labels={"org.parity.test": "1"})
    assert out.decode().split() == ["0", "600"]


def test_rendered_files_mention_no_secret_content(env) -> None:  # type: ignore[no-untyped-def]
    spec, _, _ = env
    rendered = Path(spec.root / ".parity")
    text = b"".join(p.read_bytes() for p in rendered.rglob("*") if p.is_file())
    assert b"parity_secret" in text  # the provisioning steps are there
    assert b"dev password" not in text


def test_secret_file_option_fills_the_created_container_only(env, tmp_path,
                                                           docker_client) -> None:  # type: ignore[no-untyped-def]
    spec, name, _ = env
    local = tmp_path / "dev-credentials"
    local.write_bytes(b"user=dev\npassword=local-only\n")
    proc = parity_cli("up", str(spec.path), "--name", name, "--network", "none", "--rebuild",
                      "--secret-file", f"/etc/app/credentials={local}")
    assert proc.returncode == 0, proc.stderr
    assert "no content in this environment" not in proc.stderr  # it has content now
    creds = infra_host(f"docker://{name}").file("/etc/app/credentials")
    assert creds.content == local.read_bytes()
    assert (creds.mode, creds.user, creds.group) == (0o600, "root", "root")  # as provisioned
    image = docker_client.containers.get(name).image.id
    out = docker_client.containers.run(image, ["stat", "-c", "%s", "/etc/app/credentials"],
                                       entrypoint=[], network_mode="none", remove=True,
                                       labels={"org.parity.test": "1"})
    assert out.decode().strip() == "0"  # the image never holds it
    written = b"".join(p.read_bytes() for p in spec.root.rglob("*") if p.is_file())
    assert b"local-only" not in written

    again = parity_cli("up", str(spec.path), "--name", name, "--network", "none",
                       "--secret-file", f"/etc/app/credentials={local}")
    assert again.returncode == 0, again.stderr
    assert "--secret-file fills a container when it is created" in again.stderr


def test_secret_file_option_needs_a_declared_secret(env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec, name, _ = env
    local = tmp_path / "x"
    local.write_text("hunter2")
    proc = parity_cli("up", str(spec.path), "--name", name, "--secret-file", f"/etc/hosts={local}")
    assert proc.returncode == 2
    assert "--secret-file /etc/hosts: the spec declares no secret file there" in proc.stderr
    assert "hunter2" not in proc.stderr
    proc = parity_cli("up", str(spec.path), "--name", name, "--secret-file",
                      f"/etc/app/credentials={tmp_path / 'missing'}")
    assert proc.returncode == 2 and "cannot read it" in proc.stderr


def test_a_secret_added_to_the_spec_is_applied_in_place(env) -> None:  # type: ignore[no-untyped-def]
    """Runs last: it edits the spec. The new secret is created empty, the existing one keeps
    the value the developer put in it."""
    spec, name, _ = env
    host = infra_host(f"docker://{name}")
    assert host.run("printf 'kept' > /etc/app/credentials").rc == 0
    spec.path.write_text(SPEC + "  /etc/app/token:\n    secret: true\n    mode: \"0640\"\n")
    proc = parity_cli("up", str(spec.path), "--name", name, "--network", "none")
    assert proc.returncode == 0, proc.stderr
    assert "in place" in proc.stderr, proc.stderr
    token = host.file("/etc/app/token")
    assert (token.size, token.mode) == (0, 0o640)
    assert host.file("/etc/app/credentials").content_string == "kept"
    note = next(line for line in proc.stderr.splitlines() if "no content" in line)
    assert note.startswith("note: /etc/app/token has no content")
