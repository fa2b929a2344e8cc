"""Files on a NixOS-like /etc, end to end through parity's real docker transport and the
library's ``parity check`` (:func:`compare_spec_full`).

The container (tests/fixtures/nixos-etc, FROM debian:12) is not NixOS: it holds the layout
NixOS's activation leaves in /etc (``/etc/static`` -> a store ``-etc`` directory, entries linked
through it, a real copy with its own mode), made by hand; the script, transport and parsers are
parity's own. What a real NixOS host adds: a read-only store mount, store paths owned by root
with the store's 0444/0555 modes set by Nix itself, and generations switching /etc/static.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from parity.compare.against_spec import compare_spec_full
from parity.facts import CollectRequest, collect
from parity.facts.collectors import files
from parity.spec import load_spec_text

pytestmark = pytest.mark.docker

ETC = "/nix/store/0123456789abcdfghijklmnpqrsvwxyz-etc/etc"

SPEC = """\
parity: 1
name: nixos-like
base: debian:12
files:
  /etc/foo.conf:
    content: "setting = nixos\\n"
    mode: "{foo_mode}"
    owner: root
    group: root
  /etc/copied.conf:
    content: "copied = yes\\n"
    mode: "0640"
    owner: root
    group: adm
  /etc/plain-link:
    type: link
    target: copied.conf
  /etc/systemd/system:
    type: directory
drift:
  ignore:
    - path: "os/*"
      reason: the container is debian:12 dressed as NixOS; its os facts are not the point
"""



@pytest.fixture
def host(container_factory: Any, nixos_image: str) -> Any:
    return container_factory.start(nixos_image)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_links_into_the_store_are_judged_by_what_they_resolve_to(host: Any) -> None:
    paths = ("/etc/foo.conf", "/etc/bar-link", "/etc/copied.conf", "/etc/plain-link",
             "/etc/systemd/system", "/etc/absent.conf")
    facts = collect(f"docker://{host.name}", CollectRequest(paths=paths), timeout=60)
    f = facts.files
    assert f["/etc/foo.conf"] == {"type": "file", "mode": "0444", "owner": "root",
                                  "group": "root", "sha256": _sha("setting = nixos\n"),
                                  "target": "/etc/static/foo.conf"}
    assert f["/etc/bar-link"]["type"] == "file"
    assert f["/etc/bar-link"]["sha256"] == _sha("other = 1\n")
    # environment.etc with a mode: a real copy, reported as itself
    assert f["/etc/copied.conf"] == {"type": "file", "mode": "0640", "owner": "root",
                                     "group": "adm", "sha256": _sha("copied = yes\n"),
                                     "target": None}
    # a link that resolves outside the store is still a link
    assert f["/etc/plain-link"]["type"] == "link"
    assert f["/etc/plain-link"]["target"] == "copied.conf"
    assert f["/etc/plain-link"]["sha256"] is None
    # a linked directory (/etc/systemd/system -> /etc/static/... -> the store's units)
    assert f["/etc/systemd/system"]["type"] == "directory"
    assert f["/etc/systemd/system"]["target"] == "/etc/static/systemd/system"
    assert f["/etc/absent.conf"]["type"] == "absent"
    assert facts.warnings == []


def test_the_secret_of_a_linked_file_is_never_hashed(host: Any) -> None:
    request = CollectRequest(secret_paths=frozenset({"/etc/foo.conf"}))
    facts = collect(f"docker://{host.name}", request, timeout=60)
    assert facts.files["/etc/foo.conf"]["type"] == "file"
    assert facts.files["/etc/foo.conf"]["mode"] == "0444"
    assert facts.files["/etc/foo.conf"]["sha256"] is None


@pytest.mark.parametrize(("foo_mode", "findings"), [
    ("0444", []),
    # a spec that wants 0644 wants a copy (environment.etc.<n>.mode); the store's link is drift
    ("0644", [("file", "/etc/foo.conf", "mode", "0644", "0444")]),
])
def test_check_verdict(host: Any, foo_mode: str, findings: list[tuple[str, ...]]) -> None:
    spec = load_spec_text(SPEC.format(foo_mode=foo_mode))
    facts = collect(f"docker://{host.name}", CollectRequest.from_spec(spec), timeout=60)
    result = compare_spec_full(spec, facts)
    got = [(x.kind, x.name, x.field, x.expected, x.actual) for x in result.findings
           if x.kind == "file"]
    assert got == findings
    assert result.checked["file"] == 4


def test_the_store_is_where_the_links_lead(host: Any) -> None:
    """The fixture is what the tests above assume: /etc/static leads into the fake store."""
    code, out = host.exec_run(["readlink", "-f", "/etc/foo.conf"])
    assert code == 0 and out.decode().strip() == f"{ETC}/foo.conf"


def test_a_host_without_a_store_runs_the_old_batches(container_factory: Any,
                                                     base_image: str) -> None:
    """debian:12 has neither /etc/static nor /nix/store: no batch reads through a link, and a
    link into a would-be store path is a link."""
    box = container_factory.start(base_image)
    box.exec_run(["sh", "-c", "mkdir -p /nix-not/store && echo x > /nix-not/store/f && "
                              "ln -s /nix-not/store/f /etc/f"])
    request = CollectRequest(paths=("/etc/f",))
    script = 'have() { command -v "$1" >/dev/null 2>&1; }\nSYS=Linux\n' + files.snippet(request)
    code, out = box.exec_run(["sh", "-c", script])
    text = out.decode()
    assert code == 0 and "batch targetshex 0 " in text
    assert not any(k in text for k in ("ltype", "lstat", "resolvedhex", "lsha256"))
    facts = collect(f"docker://{box.name}", request, timeout=60)
    assert facts.files["/etc/f"]["type"] == "link"


def test_capture_leaves_the_generated_etc_alone(host: Any) -> None:
    """NixOS generates /etc from its configuration (links into /etc/static): no package
    database records it, so capture reads only the folders asked for, and says why."""
    from parity.compare.capture_files import DEFAULT_ROOTS
    from parity.compare.capture_remote import capture_files
    from parity.facts import resolve_hosts

    files = capture_files(resolve_hosts([f"docker://{host.name}"])[0],
                          (*DEFAULT_ROOTS, "/nix/store"), timeout=60)
    assert files.entries and all(p.startswith("/nix/store/") for p in files.entries)
    assert any("NixOS generates /etc" in n for n in files.notes)
