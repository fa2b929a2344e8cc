"""The devcontainer target: valid by the published schema, faithful to the spec, and it builds.

The schema is vendored (``tests/fixtures/devcontainer/``, source commit in ``SOURCE.md``), so the
test needs no network. devcontainer.json is JSONC: parity writes only full-line ``//`` comments,
which :func:`strip_comments` removes before ``json.loads``.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from parity.cli import cli
from parity.render import check_target, plan_files, render_target
from parity.render.base import has_marker
from parity.spec import Spec, load_spec_text
from tests.helpers.docker import TEST_LABEL
from tests.render.conftest import EXAMPLES, REPO

SCHEMA = REPO / "tests" / "fixtures" / "devcontainer" / "devContainer.base.schema.json"


def strip_comments(text: str) -> str:
    """JSONC with full-line ``//`` comments -> JSON (comments inside a line are not handled:
    parity never writes them, and a string holding ``//`` must stay intact)."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def load_jsonc(data: bytes) -> dict[str, Any]:
    doc = json.loads(strip_comments(data.decode()))
    assert isinstance(doc, dict)
    return doc


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft201909Validator  # what the schema's $schema asks for
    cls.check_schema(schema)
    return cls(schema)


def devcontainer(spec: Spec) -> dict[str, Any]:
    return load_jsonc(plan_files(spec, "devcontainer")["devcontainer.json"])


def test_strip_comments_keeps_strings_with_slashes() -> None:
    text = '// a comment\n  // indented comment\n{"url": "https://example.org//x"}\n'
    assert json.loads(strip_comments(text)) == {"url": "https://example.org//x"}


@pytest.mark.parametrize("example", EXAMPLES)
def test_devcontainer_json_passes_the_published_schema(
        example_specs: dict[str, Spec], validator: jsonschema.protocols.Validator,
        example: str) -> None:
    doc = devcontainer(example_specs[example])
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []


@pytest.mark.parametrize("broken", [
    {"forwardPorts": ["not a port"]},
    {"overrideCommand": "false"},
    {"notADevcontainerKey": 1},
    {"build": {"context": "parity-context"}},  # no dockerfile
])
def test_schema_rejects_broken_documents(example_specs: dict[str, Spec],
                                         validator: jsonschema.protocols.Validator,
                                         broken: dict[str, Any]) -> None:
    """Negative control: the vendored schema, as validated here, really constrains documents."""
    doc = {**devcontainer(example_specs["webapp"]), **broken}
    assert not validator.is_valid(doc)


@pytest.mark.parametrize("example", EXAMPLES)
def test_devcontainer_means_what_the_spec_says(example_specs: dict[str, Spec],
                                               example: str) -> None:
    spec = example_specs[example]
    files = plan_files(spec, "devcontainer")
    doc = load_jsonc(files["devcontainer.json"])
    assert doc["name"] == spec.name
    build = doc["build"]
    assert build["args"] == {"PARITY_DEV": "1"}
    # both paths are relative to devcontainer.json's folder, and name files this target writes
    assert build["dockerfile"] in files
    assert Path(build["dockerfile"]).parent.as_posix() == build["context"]
    assert doc["overrideCommand"] is False  # the image's entrypoint starts the services
    assert doc["forwardPorts"] == [p.number for p in spec.ports if p.protocol == "tcp"]
    assert doc.get("containerEnv", {}) == spec.plain_env
    assert doc.get("remoteEnv", {}) == {k: f"${{localEnv:{k}}}" for k in spec.secret_env}
    assert sorted(doc.get("secrets", {})) == spec.secret_env
    people = [n for n, u in spec.model.users.items() if not u.system]
    assert doc.get("remoteUser") == (people[0] if len(people) == 1 else None)


def test_context_is_the_docker_context(example_specs: dict[str, Spec]) -> None:
    """VS Code builds byte for byte what ``parity up`` builds."""
    for spec in example_specs.values():
        docker = plan_files(spec, "docker")
        ours = plan_files(spec, "devcontainer")
        assert {f"parity-context/{k}": v for k, v in docker.items()} == {
            k: v for k, v in ours.items() if k != "devcontainer.json"}


def test_secret_values_never_written_and_sysctls_become_run_args(tmp_path: Path) -> None:
    spec = load_spec_text(
        "parity: 1\nname: app\nbase: debian:12\n"
        "env: {TOKEN: {secret: true}, MODE: dev}\n"
        "ports: [8080, 53/udp]\n"
        "users: {dev: {uid: 1000}, svc: {system: true}}\n"
        "sysctl: {net.core.somaxconn: '512', vm.swappiness: '1', kernel.shmmax: '68719476736'}\n",
        tmp_path / "parity.yaml")
    doc = devcontainer(spec)
    assert doc["remoteEnv"] == {"TOKEN": "${localEnv:TOKEN}"}
    assert doc["containerEnv"] == {"MODE": "dev"}
    assert doc["forwardPorts"] == [8080]  # VS Code forwards TCP only
    assert doc["remoteUser"] == "dev"
    # vm.* is machine-wide: a container cannot have its own value
    assert doc["runArgs"] == ["--sysctl=kernel.shmmax=68719476736",
                              "--sysctl=net.core.somaxconn=512"]


def test_two_people_means_no_remote_user(tmp_path: Path) -> None:
    spec = load_spec_text("parity: 1\nname: app\nbase: debian:12\n"
                          "users: {ann: {uid: 1000}, bob: {uid: 1001}}\n", tmp_path / "parity.yaml")
    doc = devcontainer(spec)
    assert "remoteUser" not in doc and "runArgs" not in doc and "remoteEnv" not in doc


def test_render_check_and_the_writers_marker(example_specs: dict[str, Spec],
                                             tmp_path: Path) -> None:
    """The ``//`` header is what lets a re-render replace the file and ``--check`` pass; a
    hand-written devcontainer.json (no header) is refused."""
    spec = example_specs["webapp"]
    out = tmp_path / ".devcontainer"
    render_target(spec, "devcontainer", out)
    data = (out / "devcontainer.json").read_bytes()
    assert data.startswith(b"// generated by parity from") and has_marker(data)
    assert check_target(spec, "devcontainer", out) == []
    render_target(spec, "devcontainer", out)  # ours: replaced without --force
    (out / "devcontainer.json").write_text('{"name": "mine", "image": "debian:12"}\n')
    assert check_target(spec, "devcontainer", out) == [f"differs: {out / 'devcontainer.json'}"]
    from parity.errors import RenderError
    with pytest.raises(RenderError, match="not written by parity"):
        render_target(spec, "devcontainer", out)


def test_cli_renders_into_dot_devcontainer_by_default(example_copy: Any) -> None:
    """Where VS Code looks: ``.devcontainer/devcontainer.json`` beside the spec."""
    spec_path = example_copy("pyservice")
    runner = CliRunner()
    result = runner.invoke(cli, ["render", str(spec_path), "-t", "devcontainer"])
    assert result.exit_code == 0, result.output
    folder = spec_path.parent / ".devcontainer"
    assert (folder / "devcontainer.json").is_file()
    assert (folder / "parity-context" / "Dockerfile").is_file()
    check = runner.invoke(cli, ["render", str(spec_path), "-t", "devcontainer", "--check"])
    assert check.exit_code == 0 and "up to date" in check.output


@pytest.mark.docker
@pytest.mark.slow
def test_devcontainer_builds_with_its_own_build_settings(example_specs: dict[str, Spec],
                                                         base_image: str,
                                                         tmp_path: Path) -> None:
    """Build exactly what devcontainer.json names (dockerfile, context, args), as the Dev
    Containers CLI would, and find the dev packages in the image; then start it with the json's
    ``runArgs`` and the image's own command (``overrideCommand: false``): it stays up (the
    entrypoint idles after starting the services) and has the spec's per-container sysctl."""
    spec = example_specs["webapp"]
    folder = tmp_path / ".devcontainer"
    render_target(spec, "devcontainer", folder)
    doc = load_jsonc((folder / "devcontainer.json").read_bytes())
    build = doc["build"]
    args = [a for k, v in build["args"].items() for a in ("--build-arg", f"{k}={v}")]
    name = f"parity-test-render-devcontainer-{uuid.uuid4().hex[:8]}"
    tag = f"{name}:dev"
    cmd = ["docker", "build", "--network", "host", "--label", f"{TEST_LABEL}=1", "-t", tag,
           "-f", str(folder / build["dockerfile"]), *args, str(folder / build["context"])]
    assert args == ["--build-arg", "PARITY_DEV=1"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr[-3000:]
        query = subprocess.run(
            ["docker", "run", "--rm", "--network", "none", "--label", f"{TEST_LABEL}=1",
             "--entrypoint", "dpkg-query", tag, "-W", "-f", "${Package} ${Status}\n",
             *sorted(spec.model.dev_packages)],
            capture_output=True, text=True, check=False)
        assert query.returncode == 0, query.stderr
        installed = dict(line.split(" ", 1) for line in query.stdout.splitlines())
        assert installed == dict.fromkeys(spec.model.dev_packages, "install ok installed")
        # --network none: this machine has no bridge; net.* sysctls need a namespace of their own
        subprocess.run(["docker", "run", "-d", "--name", name, "--network", "none",
                        "--label", f"{TEST_LABEL}=1", *doc["runArgs"], tag],
                       capture_output=True, text=True, check=True)
        somaxconn = subprocess.run(["docker", "exec", name, "cat",
                                    "/proc/sys/net/core/somaxconn"],
                                   capture_output=True, text=True, check=False)
        assert somaxconn.stdout.strip() == spec.model.sysctl["net.core.somaxconn"]
        running = subprocess.run(["docker", "inspect", "-f", "{{.State.Running}}", name],
                                 capture_output=True, text=True, check=False)
        assert running.stdout.strip() == "true"
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True, check=False)
