"""``parity capture`` of a drifted Debian 12 host (tests/integration/capture_host/Dockerfile):
the files that differ from their packages come back with their exact bytes, modes, owners and
link targets; secrets are declared and their content is nowhere; what a spec cannot express is
named and left out; the folder loads, the host checks clean against it, and a second capture is
byte-identical."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers.docker import ContainerFactory, exec_ok

if TYPE_CHECKING:
    import docker
    from docker.models.containers import Container

pytestmark = [pytest.mark.docker, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CONTEXT = Path(__file__).resolve().parent / "capture_host"
#: what the image's secret files hold: no byte of either may reach the capture
SECRETS = ("hunter2-NEVER-COPY-ME", "tok-NEVER-COPY-ME-EITHER")


def parity(*args: str) -> subprocess.CompletedProcess[bytes]:
    """The real CLI in a subprocess, importing this checkout (bytes: every one is searched)."""
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          timeout=300, cwd=ROOT, env=env, check=False)


@pytest.fixture(scope="module")
def host(docker_client: docker.DockerClient, image_builder: Any) -> Iterator[Container]:
    factory = ContainerFactory(docker_client, "capture-files")
    container = factory.start(str(image_builder(CONTEXT, area="capture-files")))
    yield container
    factory.cleanup()


@pytest.fixture(scope="module")
def captured(host: Container, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("capture") / "prod" / "parity.yaml"
    res = parity("capture", f"docker://{host.name}", "--path", "/srv/app", "-o", str(out))
    assert res.returncode == 0, res.stderr.decode()
    from ruamel.yaml import YAML

    return {"out": out, "res": res, "doc": YAML(typ="safe").load(out.read_text()),
            "text": out.read_text()}


def _on_host(host: Container, path: str) -> bytes:
    result = host.exec_run(["cat", path])
    assert result.exit_code == 0
    return bytes(result.output)


def _stat(host: Container, path: str) -> list[str]:
    return exec_ok(host, ["stat", "-c", "%a %U %G", path]).split()


def test_changed_conffile_and_unowned_files_have_exact_bytes_modes_owners(
        host: Container, captured: dict[str, Any]) -> None:
    files = captured["doc"]["files"]
    folder = captured["out"].parent
    for path in ("/etc/nginx/nginx.conf", "/etc/nginx/sites-available/app", "/etc/app/app.conf",
                 "/etc/app/conf.d/listen.conf", "/srv/app/www/index.html",
                 "/srv/app/data/blob.bin"):
        entry = files[path]
        assert entry["source"] == "files" + path
        assert (folder / entry["source"]).read_bytes() == _on_host(host, path), path
        mode, owner, group = _stat(host, path)
        assert (entry["mode"], entry["owner"], entry["group"]) == (mode.zfill(4), owner, group)
    assert files["/etc/app/conf.d/listen.conf"]["owner"] == "appsvc"
    assert b"worker_processes 2;" in (folder / "files/etc/nginx/nginx.conf").read_bytes()
    # a directory is declared when it says something: not the default mode/owner, or empty
    assert files["/etc/app/conf.d"] == {"type": "directory", "mode": "0750", "owner": "root",
                                        "group": "appsvc"}
    assert files["/etc/app/empty"]["type"] == "directory"
    assert "/etc/app" not in files and "/srv/app/www" not in files
    # unchanged conffiles, excluded and generated paths are not captured
    for path in ("/etc/nginx/mime.types", "/etc/hostname", "/etc/passwd", "/etc/group",
                 "/etc/rc2.d/S01nginx", "/etc/alternatives/awk", "/etc/ld.so.cache",
                 "/etc/pam.d/common-auth"):
        assert path not in files, path
    assert "changed configuration file of package nginx-common (dpkg)" in captured["text"]


def test_link_targets_are_kept(captured: dict[str, Any]) -> None:
    files = captured["doc"]["files"]
    assert files["/etc/nginx/sites-enabled/app"] == {"type": "link",
                                                     "target": "../sites-available/app"}
    assert files["/srv/app/current"] == {"type": "link", "target": "www/index.html"}


def test_secrets_are_declared_and_their_content_is_nowhere(captured: dict[str, Any]) -> None:
    files = captured["doc"]["files"]
    assert files["/etc/app/credentials"] == {"secret": True, "mode": "0600", "owner": "root",
                                             "group": "root"}
    assert files["/etc/app/conf.d/env"]["secret"] is True
    text = captured["text"]
    assert "#   /etc/app/credentials: mode 0600: readable only by its owner" in text
    assert "#   /etc/app/conf.d/env: content looks like a credential" in text
    res = captured["res"]
    every = [res.stdout, res.stderr]
    every += [p.read_bytes() for p in captured["out"].parent.rglob("*") if p.is_file()]
    for secret in SECRETS:
        for data in every:
            assert secret.encode() not in data
            assert secret[:8].encode() not in data  # not even a prefix


def test_what_a_spec_cannot_express_is_named_and_left_out(captured: dict[str, Any]) -> None:
    files = captured["doc"]["files"]
    text = captured["text"]
    assert "/etc/app/control.fifo" not in files
    assert "#   files./etc/app/control.fifo: a fifo, which a spec cannot declare; left out" \
        in text
    assert "/srv/app/data/huge.bin" not in files
    assert "files./srv/app/data/huge.bin: 2000000 bytes, over the 1048576-byte limit" in text
    assert b"control.fifo" in captured["res"].stderr  # and a warning says so


def test_capture_validates_checks_clean_and_is_deterministic(
        host: Container, captured: dict[str, Any]) -> None:
    out: Path = captured["out"]
    assert parity("validate", str(out)).returncode == 0
    res = parity("check", str(out), "--host", f"docker://{host.name}", "--format", "json")
    doc = json.loads(res.stdout)
    assert [(h["status"], h["findings"]) for h in doc["hosts"]] == [("ok", [])], res.stderr
    assert res.returncode == 0
    again = out.parent.parent / "again" / "parity.yaml"
    res = parity("capture", f"docker://{host.name}", "--path", "/srv/app", "-o", str(again))
    assert res.returncode == 0, res.stderr.decode()

    def tree(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    assert tree(again.parent) == tree(out.parent)
    # a second capture into the same place needs --force, and leaves the first as it was
    res = parity("capture", f"docker://{host.name}", "-o", str(out))
    assert res.returncode == 2 and b"already exists" in res.stderr
    assert tree(out.parent) == tree(again.parent)


def test_stdout_capture_says_files_were_not_captured(host: Container) -> None:
    res = parity("capture", f"docker://{host.name}", "-o", "-")
    assert res.returncode == 0, res.stderr.decode()
    assert b"# Files are not captured: the spec went to stdout" in res.stdout
    assert b"files:" not in res.stdout
    res = parity("capture", f"docker://{host.name}", "--path", "/srv/app", "-o", "-")
    assert res.returncode == 2 and b"prints the spec only" in res.stderr
