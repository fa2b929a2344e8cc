"""Docker fixtures and helpers shared by every integration test.

Loaded as a pytest plugin by ``tests/conftest.py``. Everything a test creates is named
``parity-test-<area>-<random>`` and labelled ``org.parity.test=1`` (other suites share this
daemon), and every container is removed at teardown even when the test fails. Containers get
``network_mode`` "none" or "host" only: this machine has no bridge network, and tests must not
reach anything beyond 127.0.0.0/8.

Images built from a directory are tagged by a hash of their content, so a rerun (or another
test module) reuses the image instead of rebuilding it, and docker's layer cache covers the rest.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import tools

if TYPE_CHECKING:
    import docker
    from docker.models.containers import Container

TEST_LABEL = "org.parity.test"
NETWORK_MODES = ("none", "host")
#: keeps a container without its own service alive for `docker exec`
IDLE_COMMAND = ["sleep", "infinity"]
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", re.IGNORECASE | re.MULTILINE)
_SKIP_PARTS = {"__pycache__", ".pytest_cache", ".git"}


def require(tool: str) -> None:
    """Skip the calling test when ``tool`` is unusable, or fail it under CI."""
    probe = tools.PROBES[tool]()
    if probe.ok:
        return
    if tools.in_ci():
        pytest.fail(f"{tool} is required under CI=true: {probe.reason}", pytrace=False)
    pytest.skip(probe.reason)


def unique_name(area: str) -> str:
    """``parity-test-<area>-<8 hex>``: unique across parallel suites on one daemon."""
    return f"parity-test-{area}-{uuid.uuid4().hex[:8]}"


def context_hash(
    client: docker.DockerClient,
    context: Path,
    dockerfile: str = "Dockerfile",
    buildargs: Mapping[str, str] | None = None,
) -> str:
    """Hash everything that decides a build's result: files, modes, build args, base image ids.

    The base images' ids are included so re-importing ``debian:12`` invalidates images built on
    the old one instead of silently testing against it.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in context.rglob("*") if not _SKIP_PARTS & set(p.parts)):
        rel = path.relative_to(context).as_posix()
        if path.is_symlink():
            digest.update(f"L {rel} -> {path.readlink()}\0".encode())
        elif path.is_file():
            digest.update(f"F {rel} {path.stat().st_mode & 0o777:o}\0".encode())
            digest.update(path.read_bytes())
    digest.update(f"dockerfile={dockerfile}\0".encode())
    for key, value in sorted((buildargs or {}).items()):
        digest.update(f"arg {key}={value}\0".encode())
    dockerfile_path = context / dockerfile
    if dockerfile_path.is_file():
        for ref in _FROM.findall(dockerfile_path.read_text()):
            digest.update(f"from {ref}={_image_id(client, ref)}\0".encode())
    return digest.hexdigest()[:16]


def _image_id(client: docker.DockerClient, ref: str) -> str:
    import docker.errors

    try:
        return str(client.images.get(ref).id)
    except docker.errors.ImageNotFound:
        return "absent"  # a build stage name, or an image the build will fail to find


def build_image(
    client: docker.DockerClient,
    context: Path | str,
    *,
    area: str,
    dockerfile: str = "Dockerfile",
    buildargs: Mapping[str, str] | None = None,
) -> str:
    """Build ``context`` with host networking, or reuse the image of an identical earlier build.

    Returns the tag ``parity-test-<area>:<content hash>``. A failed build fails the test with the
    end of the build log, which is where the reason is.
    """
    import docker.errors

    context = Path(context)
    tag = f"parity-test-{area}:{context_hash(client, context, dockerfile, buildargs)}"
    try:
        client.images.get(tag)
        return tag
    except docker.errors.ImageNotFound:
        pass
    try:
        client.images.build(
            path=str(context),
            dockerfile=dockerfile,
            tag=tag,
            buildargs=dict(buildargs or {}),
            labels={TEST_LABEL: "1"},
            network_mode="host",
            rm=True,
            forcerm=True,
        )
    except docker.errors.BuildError as exc:
        lines = [
            str(chunk.get("stream") or chunk.get("error") or "").rstrip() for chunk in exc.build_log
        ]
        tail = "\n".join(line for line in lines if line)[-3000:]
        pytest.fail(f"docker build of {context} failed: {exc.msg}\n{tail}", pytrace=False)
    return tag


def exec_ok(container: Container, command: str | list[str]) -> str:
    """Run ``command`` in ``container``; return its output, failing the test on a non-zero exit."""
    argv = ["sh", "-c", command] if isinstance(command, str) else command
    result = container.exec_run(argv)
    output = result.output.decode(errors="replace")
    if result.exit_code != 0:
        pytest.fail(f"{argv!r} exited {result.exit_code} in {container.name}:\n{output}")
    return output


class ContainerFactory:
    """Starts labelled, uniquely named containers and removes all of them in :meth:`cleanup`."""

    def __init__(self, client: docker.DockerClient, area: str = "tmp") -> None:
        self.client = client
        self.area = area
        self.containers: list[Container] = []

    def start(
        self,
        image: str,
        command: str | list[str] | None = None,
        *,
        network: str = "none",
        name: str | None = None,
        labels: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Container:
        """Run ``image`` detached; ``command`` defaults to sleeping, for ``docker exec`` tests.

        ``network`` is "none" or "host" (nothing else exists here); extra keyword arguments go
        to ``client.containers.run`` (``environment``, ``volumes``, ``user``, ...).
        """
        if network not in NETWORK_MODES:
            raise ValueError(f"network must be one of {NETWORK_MODES}, not {network!r}")
        container = self.client.containers.run(
            image,
            command if command is not None else IDLE_COMMAND,
            name=name or unique_name(self.area),
            labels={TEST_LABEL: "1", **(labels or {})},
            network_mode=network,
            detach=True,
            **kwargs,
        )
        self.containers.append(container)
        return container

    def cleanup(self) -> None:
        """Force-remove every container started here; already-gone ones are fine."""
        import docker.errors

        while self.containers:
            container = self.containers.pop()
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True, v=True)


# ------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    """A docker SDK client for the local daemon (skips, or fails under CI, when there is none)."""
    require("docker")
    import docker

    client = docker.from_env(timeout=300)
    yield client
    client.close()


@pytest.fixture(scope="session")
def base_image(docker_client: docker.DockerClient) -> str:
    """``debian:12``, which scripts/bootstrap.sh imports (nothing can be pulled here)."""
    import docker.errors

    try:
        docker_client.images.get(tools.BASE_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.fail(
            f"docker image {tools.BASE_IMAGE} is missing: run scripts/bootstrap.sh", pytrace=False
        )
    return tools.BASE_IMAGE


def _area(request: pytest.FixtureRequest) -> str:
    """Name containers after the test's folder (tests/render/... -> "render")."""
    path = Path(str(request.node.path))
    parts = path.parent.parts
    area = parts[parts.index("tests") + 1] if "tests" in parts[:-1] else path.parent.name
    return re.sub(r"[^a-z0-9-]", "-", area.lower()) or "tmp"


@pytest.fixture
def container_factory(
    docker_client: docker.DockerClient, request: pytest.FixtureRequest
) -> Iterator[ContainerFactory]:
    """Start containers for one test; they are removed when it ends, pass or fail."""
    factory = ContainerFactory(docker_client, _area(request))
    request.addfinalizer(factory.cleanup)
    yield factory


@pytest.fixture(scope="session")
def session_container_factory(
    docker_client: docker.DockerClient, request: pytest.FixtureRequest
) -> Iterator[ContainerFactory]:
    """Like ``container_factory`` but kept for the whole run, for hosts many tests share."""
    factory = ContainerFactory(docker_client, "session")
    request.addfinalizer(factory.cleanup)
    yield factory


@pytest.fixture(scope="session")
def image_builder(docker_client: docker.DockerClient) -> Callable[..., str]:
    """``image_builder(context_dir, area=..., dockerfile=..., buildargs=...) -> tag``."""

    def build(context: Path | str, **kwargs: Any) -> str:
        kwargs.setdefault("area", "img")
        return build_image(docker_client, context, **kwargs)

    return build


#: fixtures that need the daemon: tests using them get the ``docker`` marker automatically
DOCKER_FIXTURES = frozenset(
    {
        "docker_client",
        "base_image",
        "container_factory",
        "session_container_factory",
        "image_builder",
    }
)
