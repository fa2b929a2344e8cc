"""The test infrastructure itself: tool probes, the CI no-skip rule, golden files, docker fixtures.

If these break, every other suite either skips silently or leaks containers, so they get tests.
"""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.helpers import tools
from tests.helpers.docker import TEST_LABEL, ContainerFactory, exec_ok, require
from tests.helpers.golden import assert_golden


def ghost() -> tools.Probe:
    """A real probe of a binary that does not exist."""
    return tools._run(["parity-test-no-such-tool", "--version"])


def test_missing_tool_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tools.PROBES, "ghost", ghost)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        require("ghost")


def test_missing_tool_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(tools.PROBES, "ghost", ghost)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required under CI=true"):
        require("ghost")


def test_failing_command_probe_reports_its_error() -> None:
    probe = tools._run(["sh", "-c", "echo boom >&2; exit 3"])
    assert not probe.ok
    assert "boom" in probe.reason


def test_every_tool_marker_has_a_probe() -> None:
    pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    markers = pyproject["tool"]["pytest"]["ini_options"]["markers"]
    declared = {line.split(":")[0] for line in markers}
    assert set(tools.PROBES) == declared - {"slow"}


def test_the_repo_spec_lists_every_package_the_suite_needs() -> None:
    """scripts/bootstrap.sh installs exactly what parity.yaml lists, so a package a test needs
    must be there: a tool present on this machine from earlier must not hide its absence."""
    assert set(tools.PACKAGES) == set(tools.PROBES)
    missing = tools.missing_from_spec()
    assert not missing, "parity.yaml does not list: " + "; ".join(
        f"{pkg} (needed by {who})" for pkg, who in missing)


def test_a_package_missing_from_the_spec_is_named(tmp_path: Path) -> None:
    spec = (Path(__file__).parent.parent / "parity.yaml").read_text()
    assert "  rpm: " in spec
    (tmp_path / "parity.yaml").write_text(spec.replace("  rpm: ", "  # rpm: "))
    assert tools.missing_from_spec(tmp_path / "parity.yaml") == [
        ("rpm", "tests marked @pytest.mark.rpm")]


def test_bootstrap_has_no_package_list_of_its_own() -> None:
    """One list of packages, in parity.yaml: bootstrap runs the provisioning rendered from it."""
    text = (Path(__file__).parent.parent / "scripts" / "bootstrap.sh").read_text()
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "apt-get install" not in code and "APT_PACKAGES" not in code
    assert "parity-context/provision.sh" in code


def test_golden_roundtrip(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "out.txt"
    with pytest.raises(pytest.fail.Exception, match="missing"):
        assert_golden("one\n", path, update=False)
    assert_golden("one\n", path, update=True)
    assert path.read_text() == "one\n"
    assert_golden("one\n", path, update=False)
    with pytest.raises(pytest.fail.Exception, match=r"(?s)-one.*\+two"):
        assert_golden("two\n", path, update=False)


@pytest.mark.docker
def test_container_factory_labels_isolates_and_removes(docker_client, base_image) -> None:
    import docker.errors

    factory = ContainerFactory(docker_client, "infra")
    container = factory.start(base_image)
    assert container.name.startswith("parity-test-infra-")
    container.reload()
    assert container.labels[TEST_LABEL] == "1"
    assert container.attrs["HostConfig"]["NetworkMode"] == "none"
    # network none: only the loopback interface exists
    assert exec_ok(container, "ls /sys/class/net").split() == ["lo"]
    factory.cleanup()
    with pytest.raises(docker.errors.NotFound):
        docker_client.containers.get(container.id)


@pytest.mark.docker
def test_container_factory_refuses_bridge_networks(container_factory, base_image) -> None:
    with pytest.raises(ValueError, match="network must be one of"):
        container_factory.start(base_image, network="bridge")


@pytest.mark.docker
def test_image_builder_caches_by_content(image_builder, docker_client, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM debian:12\nCOPY hello.txt /hello.txt\n")
    (tmp_path / "hello.txt").write_text("hello\n")
    tag = image_builder(tmp_path, area="infra")
    assert tag.startswith("parity-test-infra:")
    image_id = docker_client.images.get(tag).id
    assert image_builder(tmp_path, area="infra") == tag
    assert docker_client.images.get(tag).id == image_id
    (tmp_path / "hello.txt").write_text("changed\n")
    changed = image_builder(tmp_path, area="infra")
    assert changed != tag
    for t in {tag, changed}:
        docker_client.images.remove(t, force=True)


@pytest.mark.docker
def test_failed_build_fails_with_the_log(image_builder, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM debian:12\nRUN echo parity-build-marker; exit 7\n")
    with pytest.raises(pytest.fail.Exception, match=r"(?s)failed.*parity-build-marker"):
        image_builder(tmp_path, area="infra")


@pytest.mark.podman
def test_podman_runs_and_builds_with_host_network(tmp_path: Path) -> None:
    run = subprocess.run(
        ["podman", "run", "--rm", "--network", "none", tools.BASE_IMAGE, "sh", "-c", "echo ok"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"
    (tmp_path / "Containerfile").write_text(f"FROM {tools.BASE_IMAGE}\nRUN echo built > /built\n")
    tag = f"localhost/parity-test-infra-podman:{tmp_path.name.lower()}"
    try:
        build = subprocess.run(
            ["podman", "build", "--network", "host", "-q", "-t", tag, str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert build.returncode == 0, build.stderr
        out = subprocess.run(
            ["podman", "run", "--rm", "--network", "none", tag, "cat", "/built"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert out.stdout.strip() == "built", out.stderr
    finally:
        subprocess.run(["podman", "rmi", "-f", tag], capture_output=True, check=False)
