"""provision.sh's files phase, run for real on paths under tmp_path (no container needed).

The drift checker only judges what a file entry pins (see ``parity.compare.expect``): an entry
without ``source``/``content`` pins no content, one without ``mode`` pins no mode. Provisioning
must not change what the spec leaves open, or it would wipe a package's config file to set its
owner, or turn ``/tmp`` into 0755.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
import subprocess
from pathlib import Path

import pytest

from parity.spec import load_spec_text
from tests.helpers.provision import write_provisioning

OWNER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name
#: chown to arbitrary ids needs root (CI and the dev container run the suite as root)
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="chown to other ids needs root")


def provision_files(tmp_path: Path, entries: dict[str, str],
                    own: bool = True) -> subprocess.CompletedProcess[str]:
    """Render a spec whose ``files:`` are ``entries`` (path -> flow mapping; with ``own`` each
    gets the test user as owner and group) and run its files phase twice (the second run must
    change nothing and succeed too)."""
    pin = f", owner: {OWNER}, group: {GROUP}" if own else ""
    lines = "".join(f"  {path}: {{{body}{pin}}}\n" for path, body in entries.items())
    spec_dir = tmp_path / "spec"
    spec_dir.mkdir(exist_ok=True)
    spec = load_spec_text(f"parity: 1\nname: f\nbase: debian:12\nfiles:\n{lines}",
                          spec_dir / "parity.yaml")
    script = write_provisioning(spec, spec_dir / "ctx")
    first = subprocess.run(["sh", str(script), "files"], capture_output=True, text=True,
                           check=False)
    if first.returncode != 0:
        return first
    return subprocess.run(["sh", str(script), "files"], capture_output=True, text=True,
                          check=False)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_file_without_content_keeps_its_content(tmp_path: Path) -> None:
    conf = tmp_path / "etc" / "app.conf"
    conf.parent.mkdir()
    conf.write_text("listen 80;\n")
    proc = provision_files(tmp_path, {str(conf): 'mode: "0600"'})
    assert proc.returncode == 0, proc.stderr
    assert conf.read_text() == "listen 80;\n"
    assert mode(conf) == 0o600


def test_file_without_content_is_created_empty_when_missing(tmp_path: Path) -> None:
    log = tmp_path / "var" / "log" / "app.log"
    proc = provision_files(tmp_path, {str(log): "type: file"})
    assert proc.returncode == 0, proc.stderr
    assert log.read_text() == ""
    assert mode(log) == 0o644


def test_directory_without_mode_keeps_an_existing_mode(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    new = tmp_path / "new" / "dir"
    proc = provision_files(tmp_path, {str(shared): "type: directory",
                                      str(new): "type: directory"})
    assert proc.returncode == 0, proc.stderr
    assert mode(shared) == 0o1777
    assert mode(new) == 0o755


def test_directory_mode_is_enforced_when_given(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    proc = provision_files(tmp_path, {str(data): 'type: directory, mode: "0700"'})
    assert proc.returncode == 0, proc.stderr
    assert mode(data) == 0o700


def test_content_and_mode(tmp_path: Path) -> None:
    dest = tmp_path / "a" / "b" / "c.txt"
    proc = provision_files(tmp_path, {str(dest): 'content: "x $HOME `id`\\n"'})
    assert proc.returncode == 0, proc.stderr
    assert dest.read_text() == "x $HOME `id`\n"
    assert mode(dest) == 0o644


def test_link_replaces_an_empty_directory(tmp_path: Path) -> None:
    link = tmp_path / "current"
    link.mkdir()
    proc = provision_files(tmp_path, {str(link): f"type: link, target: {tmp_path}"})
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink()
    assert link.readlink() == tmp_path


def test_link_never_lands_inside_a_directory_with_files(tmp_path: Path) -> None:
    """``ln -sfn TARGET DIR`` would quietly create DIR/<name>; the spec asked for DIR itself."""
    busy = tmp_path / "sites-enabled"
    busy.mkdir()
    (busy / "default").write_text("x")
    proc = provision_files(tmp_path, {str(busy): "type: link, target: /etc"})
    assert proc.returncode == 1
    assert f"{busy} is a directory with files in it" in proc.stderr
    assert sorted(p.name for p in busy.iterdir()) == ["default"]


def owner_of(path: Path) -> tuple[int, int]:
    st = path.lstat()
    return st.st_uid, st.st_gid


@needs_root
def test_unpinned_owner_and_mode_survive_a_content_change(tmp_path: Path) -> None:
    """No owner/group/mode in the spec: the check does not compare them, so provisioning must
    not change them either, not even when it replaces the content."""
    conf = tmp_path / "app.conf"
    conf.write_text("old\n")
    os.chown(conf, 4242, 4343)
    conf.chmod(0o4750)
    proc = provision_files(tmp_path, {str(conf): 'content: "new\\n"'}, own=False)
    assert proc.returncode == 0, proc.stderr
    assert conf.read_text() == "new\n"
    assert owner_of(conf) == (4242, 4343)
    assert mode(conf) == 0o4750  # chown clears set-id bits; the mode is put back


@needs_root
def test_only_the_pinned_half_of_the_ownership_is_set(tmp_path: Path) -> None:
    data, logs = tmp_path / "data", tmp_path / "logs"
    for d in (data, logs):
        d.mkdir()
        os.chown(d, 4242, 4343)
    proc = provision_files(tmp_path, {str(data): "type: directory, group: 5555",
                                      str(logs): "type: directory, owner: 6666"}, own=False)
    assert proc.returncode == 0, proc.stderr
    assert owner_of(data) == (4242, 5555)
    assert owner_of(logs) == (6666, 4343)


@needs_root
def test_numeric_owner_and_group_without_names(tmp_path: Path) -> None:
    """Ids that have no passwd/group entry: chown takes them, stat reports them as numbers."""
    dest = tmp_path / "by-id"
    proc = provision_files(tmp_path, {str(dest): 'content: "x", owner: 4242, group: 4242'},
                           own=False)
    assert proc.returncode == 0, proc.stderr
    assert owner_of(dest) == (4242, 4242)
    stat_out = subprocess.run(["stat", "-c", "%U %G", str(dest)], capture_output=True,
                              text=True, check=True).stdout.split()
    assert stat_out == ["UNKNOWN", "UNKNOWN"]  # what the files collector turns into "4242"


def test_new_files_without_owner_belong_to_the_provisioning_user(tmp_path: Path) -> None:
    dest = tmp_path / "new.txt"
    proc = provision_files(tmp_path, {str(dest): 'content: "x"'}, own=False)
    assert proc.returncode == 0, proc.stderr
    assert owner_of(dest) == (os.getuid(), os.getgid())


def test_relative_link_targets_are_stored_unchanged(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    (tmp_path / "lib").mkdir()
    entries = {str(tmp_path / "bin" / "tool"): "type: link, target: suidtool",
               str(tmp_path / "bin" / "x"): "type: link, target: ../lib/x",
               str(tmp_path / "bin" / "dash"): "type: link, target: '-rf'"}
    proc = provision_files(tmp_path, entries, own=False)
    assert proc.returncode == 0, proc.stderr
    for path, want in (("tool", "suidtool"), ("x", "../lib/x"), ("dash", "-rf")):
        link = tmp_path / "bin" / path
        assert link.is_symlink()
        readlink = subprocess.run(["readlink", str(link)], capture_output=True, text=True,
                                  check=True).stdout.rstrip("\n")
        assert readlink == want == str(link.readlink())


def test_secret_file_is_created_empty_and_private_when_missing(tmp_path: Path) -> None:
    creds = tmp_path / "etc" / "app" / "credentials"
    proc = provision_files(tmp_path, {str(creds): "secret: true"})
    assert proc.returncode == 0, proc.stderr
    assert creds.read_bytes() == b""
    assert mode(creds) == 0o600  # no mode in the spec: 0600, not the 0644 of other files


def test_secret_file_gets_the_pinned_mode_when_created(tmp_path: Path) -> None:
    creds = tmp_path / "credentials"
    proc = provision_files(tmp_path, {str(creds): 'secret: true, mode: "0640"'})
    assert proc.returncode == 0, proc.stderr
    assert (creds.read_bytes(), mode(creds)) == (b"", 0o640)


def test_existing_secret_file_keeps_its_content_and_gets_the_pinned_mode(tmp_path: Path) -> None:
    """A package wrote it (pg_hba.conf 0640): the dev environment keeps its own content."""
    hba = tmp_path / "pg_hba.conf"
    hba.write_text("local all all trust\n")
    hba.chmod(0o640)
    proc = provision_files(tmp_path, {str(hba): 'secret: true, mode: "0600"'})
    assert proc.returncode == 0, proc.stderr
    assert hba.read_text() == "local all all trust\n"
    assert mode(hba) == 0o600


def test_existing_secret_file_without_mode_keeps_its_mode(tmp_path: Path) -> None:
    hba = tmp_path / "pg_hba.conf"
    hba.write_text("x\n")
    hba.chmod(0o640)
    proc = provision_files(tmp_path, {str(hba): "secret: true"})
    assert proc.returncode == 0, proc.stderr
    assert (hba.read_text(), mode(hba)) == ("x\n", 0o640)


def test_secret_file_that_is_a_directory_stops_provisioning(tmp_path: Path) -> None:
    creds = tmp_path / "credentials"
    creds.mkdir()
    proc = provision_files(tmp_path, {str(creds): "secret: true"})
    assert proc.returncode == 1
    assert f"{creds} exists but is not a regular file" in proc.stderr
