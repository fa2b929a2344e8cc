"""Hostile specs: every value either is rejected with a clear error or renders inert.

Names that reach commands (packages, users, services, env names, sysctl keys) must be rejected by
the loader; free text (env values, file paths and contents, commands, descriptions) must survive
every renderer verbatim: the files still parse with the real tools, executing the generated
shell writes exactly the hostile text, and no injected ``touch`` ever runs.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from parity.errors import ParityError, SpecError
from parity.render import TARGETS, render_target
from parity.spec import load_spec_text

PWNED = "/tmp/pwned-parity-render"
HOSTILE = [f"$(touch {PWNED})", f"`touch {PWNED}`", f"'; touch {PWNED}; '",
           f'"; touch {PWNED}; "', f"${{IFS}}touch${{IFS}}{PWNED}", f'#{{system("touch {PWNED}")}}',
           "\n", "\\", "${HOME}", "$", "'", '"', "%n", "*", "#", "\\'", "${", "''", "\"\""]
text = st.lists(st.one_of(st.sampled_from(HOSTILE),
                          st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                                                blacklist_characters="\x00"), max_size=6)),
                min_size=1, max_size=5).map("".join)
one_line = text.map(lambda t: "".join(c for c in t if ord(c) >= 0x20 and ord(c) != 0x7F) or "x")
RUBY_STUB = Path(__file__).with_name("vagrant_stub.rb")


def hostile_spec(values: list[str], content: str, path_part: str, words: list[str]) -> dict:
    return {
        "parity": 1, "name": "hostile", "base": "debian:12", "description": values[0],
        "env": {f"H{i}": v for i, v in enumerate(values)} | {"TOKEN": {"secret": True}},
        "files": {
            f"/srv/h/{path_part}": {"content": content, "mode": "0640"},
            f"/srv/h/link-{path_part}": {"type": "link", "target": f"/srv/{path_part}"},
            f"/srv/h/rel-{path_part}": {"type": "link", "target": f"-{path_part}/.."},
        },
        "services": {"svc": {"command": ["/bin/echo", *words]}},
        "ports": [8080],
        "targets": {"docker": {"cmd": words, "workdir": f"/srv/{path_part}"},
                    "aci": {"exec": ["/bin/echo", *words]}},
    }


def load(doc: dict, tmp: Path):  # type: ignore[no-untyped-def]
    text = json.dumps(doc, ensure_ascii=False)  # real UTF-8, as a person would write YAML
    (tmp / "parity.yaml").write_text(text)
    return load_spec_text(text, tmp / "parity.yaml")


def tool(argv: list[str], cwd: Path | None = None) -> None:
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{argv}:\n{proc.stdout}{proc.stderr}"


@pytest.mark.parametrize("section,doc", [
    ("packages", {"packages": {"$(touch /tmp/x)": "*"}}),
    ("packages", {"packages": {"nginx": "1.0; touch /tmp/x"}}),
    ("users", {"users": {"a`id`": {}}}),
    ("services", {"services": {"x;reboot": {}}}),
    ("env", {"env": {"A B": "1"}}),
    ("env", {"env": {"A": "line\nRUN touch /tmp/x"}}),
    ("sysctl", {"sysctl": {"kernel.x": "1$(id)"}}),
    ("repositories", {"repositories": [{"name": "r", "url": "https://x/$(id)"}]}),
    ("files", {"files": {"/etc/../x": {"content": "x"}}}),
    ("files", {"files": {"/etc/x": {"source": "../../etc/passwd"}}}),
])
def test_hostile_names_are_rejected(tmp_path: Path, section: str, doc: dict) -> None:
    with pytest.raises(SpecError) as exc:
        load({"parity": 1, "name": "h", "base": "debian:12", **doc}, tmp_path)
    assert f"{tmp_path / 'parity.yaml'}:" in str(exc.value) and section in str(exc.value)


@pytest.mark.nix
@pytest.mark.actool
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(values=st.lists(one_line, min_size=1, max_size=3), content=text, path_part=one_line,
       words=st.lists(one_line, min_size=1, max_size=3))
def test_hostile_values_render_to_files_that_parse(tmp_path_factory: pytest.TempPathFactory,
                                                   values: list[str], content: str,
                                                   path_part: str, words: list[str]) -> None:
    tmp = tmp_path_factory.mktemp("hostile")
    try:
        spec = load(hostile_spec(values, content, path_part.replace("/", "_"), words), tmp)
        for target in TARGETS:
            render_target(spec, target, tmp / target)
    except ParityError as exc:
        event("rejected: " + exc.message.splitlines()[0].split(": ", 1)[-1][:70])
        return  # rejected with a clear error: acceptable
    docker = tmp / "docker"
    for script in [docker / "provision.sh", docker / "entrypoint.sh",
                   *docker.glob("steps/*/step.sh")]:
        tool(["bash", "-n", str(script)])
        tool(["sh", "-n", str(script)])
    tool(["ruby", "-c", str(tmp / "vagrant" / "Vagrantfile")])
    tool(["ruby", str(RUBY_STUB), str(tmp / "vagrant" / "Vagrantfile")])  # executes it
    for name in ("flake.nix", "shell.nix"):
        tool(["nix-instantiate", "--parse", str(tmp / "nix" / name)])
    tool(["actool", "validate", "--type", "manifest", str(tmp / "aci" / "manifest")])
    parser = DockerfileParser(str(tmp / "docker" / "Dockerfile"))
    # dockerfile-parse splits the instructions but does not implement the builder's escapes
    # inside double quotes (\\ \" \$); test_lang checks the real builder on these values
    assert set(parser.envs) == set(spec.plain_env)
    raw = dict(re.findall(r'(H[0-9]+)="((?:[^"\\]|\\.)*)"', parser.content))
    assert {k: re.sub(r"\\(.)", r"\1", v) for k, v in raw.items()} == spec.plain_env
    cmd = [i["value"] for i in parser.structure if i["instruction"] == "CMD"]
    assert json.loads(cmd[0]) == words
    manifest = json.loads((tmp / "aci" / "manifest").read_text())
    assert manifest["app"]["exec"] == ["/bin/echo", *words]
    assert not Path(PWNED).exists()
    for folder in tmp.iterdir():
        for f in folder.rglob("*"):
            assert not f.is_file() or b"TOKEN=" not in f.read_bytes()


@pytest.fixture(scope="module")
def sandbox(docker_client, base_image: str, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A --network none container with a host folder at /work, for running rendered scripts."""
    from tests.helpers.docker import ContainerFactory

    work = tmp_path_factory.mktemp("sandbox")
    factory = ContainerFactory(docker_client, "render")
    container = factory.start(base_image, volumes={str(work): {"bind": "/work", "mode": "rw"}})
    yield container, work
    factory.cleanup()


@pytest.mark.docker
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(values=st.lists(one_line, min_size=1, max_size=3), content=text, path_part=one_line,
       words=st.lists(one_line, min_size=1, max_size=3))
def test_hostile_values_execute_inert(sandbox, values: list[str], content: str,  # type: ignore[no-untyped-def]
                                      path_part: str, words: list[str]) -> None:
    container, work = sandbox
    case = work / f"case{len(list(work.iterdir()))}"
    case.mkdir()
    part = path_part.replace("/", "_")
    try:
        spec = load(hostile_spec(values, content, part, words), case)
        render_target(spec, "docker", case / "out")
    except ParityError as exc:
        event("rejected: " + exc.message.splitlines()[0].split(": ", 1)[-1][:70])
        return
    rel = f"/work/{case.name}/out"

    def run(argv: list[str]) -> bytes:
        result = container.exec_run(argv)
        assert result.exit_code == 0, result.output.decode(errors="replace")
        return bytes(result.output)

    run(["sh", f"{rel}/provision.sh", "files", "env", "services"])
    run(["sh", f"{rel}/entrypoint.sh", "true"])
    for name, value in spec.plain_env.items():
        got = run(["sh", "-c", f'. /etc/profile.d/parity.sh && printf %s "${name}"'])
        assert got.decode() == value
    assert run(["cat", f"/srv/h/{part}"]).decode() == content
    assert run(["stat", "-c", "%a", f"/srv/h/{part}"]).decode().strip() == "640"
    assert run(["readlink", f"/srv/h/link-{part}"]).decode().rstrip("\n") == f"/srv/{part}"
    # a relative target, starting with "-" on purpose: stored as written, never an option
    assert run(["readlink", f"/srv/h/rel-{part}"]).decode().rstrip("\n") == f"-{part}/.."
    run(["sh", "-c", "sleep 0.2"])
    assert container.exec_run(["test", "-e", PWNED]).exit_code != 0, "an injected command ran"
