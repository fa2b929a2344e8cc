"""File capture: the discovery parsers, the selection and exclusion rules, the secret rules, and
the folder a capture writes (from recorded outputs; the round trip on a real host is in
tests/integration/test_capture_files.py)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from parity.compare.base_system import BaseSystem
from parity.compare.capture import capture_spec, write_captured_spec
from parity.compare.capture_files import (
    Discovery,
    Entry,
    Fetched,
    build_entries,
    credential_reason,
    excluded,
    parse_apk,
    parse_content,
    parse_discovery,
    parse_dpkg,
    parse_rpm,
    parse_tree,
    secret_mode_reason,
    select,
)
from parity.errors import UsageError
from parity.spec import load_spec

SECRET = "hunter2-Zq9-never-anywhere"

# dpkg-query -W -f='@pkg ${binary:Package}\n${Conffiles}\n', as Debian 12 prints it
CONFFILES = """\
@pkg nginx-common
 /etc/nginx/nginx.conf 9f5e2a0c1c2a1e1d2b3c4d5e6f708192
 /etc/nginx/mime.types bd837fa1b3b0e5b6a2b0e8d7c6a5f4e3
 /etc/nginx/old.conf 00000000000000000000000000000000 obsolete
@pkg cron
 /etc/crontab 11111111111111111111111111111111
 /etc/cron d/e 22222222222222222222222222222222
@pkg opt-thing
 /opt/thing/conf 33333333333333333333333333333333
@pkg new
 /etc/new.conf newconffile
"""
# md5sum -- PATH... (a missing conffile prints nothing on stdout)
SUMS = """\
aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  /etc/nginx/nginx.conf
bd837fa1b3b0e5b6a2b0e8d7c6a5f4e3  /etc/nginx/mime.types
11111111111111111111111111111111  /etc/crontab
ffffffffffffffffffffffffffffffff  /etc/cron d/e
44444444444444444444444444444444  /etc/new.conf
"""


def test_dpkg_changed_conffiles_name_their_package():
    changed = parse_dpkg(CONFFILES, SUMS, ["/etc"])
    assert changed == {
        "/etc/nginx/nginx.conf": "changed configuration file of package nginx-common (dpkg)",
        "/etc/cron d/e": "changed configuration file of package cron (dpkg)",
    }  # unchanged, missing, outside the roots, and dpkg's own "newconffile" are not


def test_md5sum_escaped_names_are_undone():
    conffiles = "@pkg x\n /etc/a\\b 5d41402abc4b2a76b9719d911017c592\n"
    sums = "\\ffffffffffffffffffffffffffffffff  /etc/a\\\\b\n"
    assert list(parse_dpkg(conffiles, sums, ["/etc"])) == ["/etc/a\\b"]


def test_rpm_verify_lines():
    text = ("S.5....T.  c /etc/httpd/conf/httpd.conf\n"
            ".......T.  c /etc/sysconfig/x\n"
            "missing   c /etc/gone.conf\n"
            "..5......    /usr/bin/tool\n"
            "S.5......  c /opt/y\n")
    assert parse_rpm(text, ["/etc"]) == {
        "/etc/httpd/conf/httpd.conf": "changed configuration file (rpm -V)"}


def test_apk_checksums():
    digest = "a9993e364706816aba3e25717850c26c9cd0d89d"  # sha1("abc")
    q1 = "Q1" + base64.b64encode(bytes.fromhex(digest)).decode()
    db = f"/etc/a.conf {q1}\n/etc/b.conf {q1}\n"
    sums = f"{digest}  /etc/a.conf\n{'0' * 40}  /etc/b.conf\n"
    assert parse_apk(db, sums, ["/etc"]) == {"/etc/b.conf": "changed package file (apk checksum)"}


def test_tree_records_from_find_printf_keep_any_name():
    text = "@printf\nf 644 12 /etc/a b\0l 777 5 /etc/link\0f 600 3 /etc/x\ny\0p 644 0 /etc/f\0"
    warnings: list[str] = []
    tree = parse_tree(text, warnings)
    assert tree["/etc/a b"] == Entry("/etc/a b", "f", 0o644, 12)
    assert tree["/etc/x\ny"].mode == 0o600
    assert tree["/etc/f"].kind == "p" and tree["/etc/link"].kind == "l"
    assert warnings == []


def test_tree_lines_from_find_stat():
    text = "@stat\n81a4 12 /etc/a b\na1ff 5 /etc/link\n11a4 0 /etc/fifo\nzz 1 /etc/bad\n"
    warnings: list[str] = []
    tree = parse_tree(text, warnings)
    assert (tree["/etc/a b"].kind, tree["/etc/a b"].mode) == ("f", 0o644)
    assert tree["/etc/link"].kind == "l" and tree["/etc/fifo"].kind == "p"
    assert "/etc/bad" not in tree and len(warnings) == 1


def _found() -> Discovery:
    return parse_discovery({
        "pm": "dpkg",
        "conffiles": CONFFILES,
        "sums": SUMS,
        "owned": "/etc\n/etc/nginx\n/etc/nginx/mime.types\n/etc/crontab\n",
        "tree": "@printf\n" + "\0".join([
            "d 755 4096 /etc", "d 755 4096 /etc/nginx", "f 644 10 /etc/nginx/nginx.conf",
            "f 644 10 /etc/nginx/mime.types", "f 644 3 /etc/crontab",
            "d 755 4096 /etc/app", "f 644 5 /etc/app/app.conf", "f 600 9 /etc/app/credentials",
            "d 755 4096 /etc/empty", "d 750 4096 /etc/private", "f 644 1 /etc/private/x",
            "l 777 9 /etc/app/current", "s 755 0 /etc/app/sock", "c 666 0 /etc/app/null",
            "f 644 5000 /etc/app/big", "f 644 9 /etc/hostname", "f 640 9 /etc/shadow",
            "l 777 9 /etc/alternatives/awk", "l 777 9 /etc/rc2.d/S01nginx",
            "l 777 9 /etc/systemd/system/multi-user.target.wants/nginx.service",
            "f 600 9 /etc/ssh/ssh_host_rsa_key", "l 777 9 /etc/ssl/certs/abc.0",
            "f 644 1 /etc/bad\ufffdname",
        ]) + "\0",
    }, ["/etc"])


def test_selection_changed_unowned_excluded_and_unexpressible():
    sel = select(_found(), ["/etc", "/srv/none"], max_file=1000)
    got = {c.entry.path: c.why for c in sel.candidates}
    assert got == {
        "/etc/nginx/nginx.conf": "changed configuration file of package nginx-common (dpkg)",
        "/etc/app": "no package owns it",  # optional: declared only when not 0755 root
        "/etc/app/app.conf": "no package owns it",
        "/etc/app/credentials": "no package owns it",
        "/etc/app/current": "no package owns it",
        "/etc/empty": "no package owns it",
        "/etc/private": "no package owns it",
        "/etc/private/x": "no package owns it",
    }
    assert [c.entry.path for c in sel.candidates if c.optional] == ["/etc/app", "/etc/private"]
    assert sel.left_out == [
        "/etc/app/big: 5000 bytes, over the 1000-byte limit per file; left out",
        "/etc/app/null: a character device, which a spec cannot declare; left out",
        "/etc/app/sock: a socket, which a spec cannot declare; left out",
        "/etc/bad\ufffdname: its name is not UTF-8, which a spec cannot hold; left out",
        "/srv/none: not on the host (or not readable); nothing captured from it",
    ]


def test_total_content_limit_leaves_out_the_rest_in_path_order():
    sel = select(_found(), ["/etc"], max_file=10_000, max_total=5010)
    assert "/etc/app/big" in {c.entry.path for c in sel.candidates}
    assert any(line.startswith("/etc/nginx/nginx.conf: 10 bytes, past the 5010-byte limit")
               for line in sel.left_out)


@pytest.mark.parametrize("path", ["/etc/passwd", "/etc/gshadow-", "/etc/hosts", "/etc/mtab",
                                  "/etc/alternatives/x", "/etc/rc5.d/S01ssh",
                                  "/etc/systemd/system/timers.target.wants/a.timer",
                                  "/etc/ssh/ssh_host_ed25519_key.pub", "/etc/ssl/certs/x.pem",
                                  "/etc/ssl/private/ssl-cert-snakeoil.key", "/etc/machine-id"])
def test_excluded_paths_each_say_why(path):
    assert excluded(path)


@pytest.mark.parametrize("path", ["/etc/nginx/nginx.conf", "/etc/hosts.allow",
                                  "/etc/ssh/sshd_config", "/etc/systemd/system/app.service",
                                  "/etc/ssl/private/app.key"])
def test_not_excluded(path):
    assert excluded(path) is None


@pytest.mark.parametrize("text", [
    b"-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n",
    b"-----BEGIN OPENSSH PRIVATE KEY-----\n",
    b"db_password=hunter2\n", b"DB_PASSWORD: 'x1y2z3'\n", b"api_key = abcdef123\n",
    b"token: ghp_abcdef\n", b"secret => s3cr3t\n", b"aws_access_key_id = AKIAABCDEFGHIJKLMNOP\n",
    b"url = postgres://app:pa55word@db/app\n", b'"client_secret": "xyz123"\n',
])
def test_credential_patterns(text):
    assert credential_reason(text)


@pytest.mark.parametrize("text", [
    b"worker_processes 2;\n", b"# password=\n", b"password_file = /run/x\n",
    b"PasswordAuthentication no\n", b"log_level=info\n",
])
def test_not_credentials(text):
    assert credential_reason(text) is None


def test_secret_mode():
    assert secret_mode_reason(0o644) is None and secret_mode_reason(0o444) is None
    assert secret_mode_reason(0o600) == "mode 0600: readable only by its owner"
    assert secret_mode_reason(0o640) == "mode 0640: readable only by its owner and group"


def _meta(ftype: str, mode: str, owner: str = "root", group: str = "root", target=None,
          sha="0" * 64):
    return {"type": ftype, "mode": mode, "owner": owner, "group": group, "sha256": sha,
            "target": target}


def _fetched() -> Fetched:
    return Fetched(
        facts={
            "/etc/nginx/nginx.conf": _meta("file", "0644"),
            "/etc/app": _meta("directory", "0755"),
            "/etc/app/app.conf": _meta("file", "0644"),
            "/etc/app/credentials": _meta("file", "0600"),
            "/etc/app/current": _meta("link", "0777", target="../x"),
            "/etc/empty": _meta("directory", "0755"),
            "/etc/private": _meta("directory", "0750", group="adm"),
            "/etc/private/x": _meta("file", "0644"),
        },
        content={"/etc/nginx/nginx.conf": b"worker_processes 2;\n",
                 "/etc/app/app.conf": f"db_password={SECRET}\n".encode(),
                 "/etc/private/x": b"x"})


def test_entries_sources_secrets_links_and_directories():
    sel = select(_found(), ["/etc"], max_file=1000)
    out = build_entries(sel, _fetched(), max_file=1000)
    assert out.entries == {
        "/etc/nginx/nginx.conf": {"source": "files/etc/nginx/nginx.conf", "mode": "0644",
                                  "owner": "root", "group": "root"},
        "/etc/app/app.conf": {"secret": True, "mode": "0644", "owner": "root", "group": "root"},
        "/etc/app/credentials": {"secret": True, "mode": "0600", "owner": "root",
                                 "group": "root"},
        "/etc/app/current": {"type": "link", "target": "../x"},
        "/etc/empty": {"type": "directory", "mode": "0755", "owner": "root", "group": "root"},
        "/etc/private": {"type": "directory", "mode": "0750", "owner": "root", "group": "adm"},
        "/etc/private/x": {"source": "files/etc/private/x", "mode": "0644", "owner": "root",
                           "group": "root"},
    }
    assert out.sources == {"files/etc/nginx/nginx.conf": b"worker_processes 2;\n",
                           "files/etc/private/x": b"x"}
    assert out.secrets == [
        "/etc/app/app.conf: content looks like a credential (it assigns a password, secret, "
        "token or key)",
        "/etc/app/credentials: mode 0600: readable only by its owner",
    ]
    assert SECRET not in repr(out)


def test_what_the_base_image_has_exactly_is_not_captured():
    sel = select(_found(), ["/etc"], max_file=1000)
    out = build_entries(sel, _fetched(), max_file=1000,
                        same_as_base=lambda path, facts: path == "/etc/private/x")
    assert "/etc/private/x" not in out.entries
    assert "/etc/nginx/nginx.conf" in out.entries  # changed conffiles are not compared


def test_unreadable_content_lines_are_skipped_never_guessed():
    got = parse_content("0 aGk=\n1 !!notbase64\n7 aGk=\nx aGk=\n", ["/a", "/b"])
    assert got == {"/a": b"hi"}


def test_captured_folder_validates_and_holds_no_secret(clean, tmp_path):
    sel = select(_found(), ["/etc"], max_file=1000)
    files = build_entries(sel, _fetched(), max_file=1000)
    text, left_out = capture_spec(clean, BaseSystem.empty(), files=files)
    out = tmp_path / "prod" / "parity.yaml"
    write_captured_spec(text, out, sources=files.sources)
    spec = load_spec(out)
    assert spec.model.files["/etc/app/credentials"].secret
    assert (out.parent / "files/etc/nginx/nginx.conf").read_bytes() == b"worker_processes 2;\n"
    assert "/etc/app/credentials: mode 0600: readable only by its owner" in text
    assert any(line.startswith("files./etc/app/sock: a socket") for line in left_out)
    assert "#   files./etc/app/sock: a socket, which a spec cannot declare; left out" in text
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert written == ["prod", "prod/files", "prod/files/etc", "prod/files/etc/nginx",
                       "prod/files/etc/nginx/nginx.conf", "prod/files/etc/private",
                       "prod/files/etc/private/x", "prod/parity.yaml"]  # no staging left
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes()
    # the same inputs give the same bytes (no clock time in the header)
    assert capture_spec(clean, BaseSystem.empty(), files=files)[0] == text


def test_folder_write_refuses_to_overwrite_and_stdout_cannot_carry_files(clean, tmp_path):
    sel = select(_found(), ["/etc"], max_file=1000)
    files = build_entries(sel, _fetched(), max_file=1000)
    text, _ = capture_spec(clean, BaseSystem.empty(), files=files)
    with pytest.raises(UsageError, match="prints the spec only"):
        write_captured_spec(text, Path("-"), sources=files.sources)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "mine").write_text("keep")
    with pytest.raises(UsageError, match="files already exists"):
        write_captured_spec(text, tmp_path / "parity.yaml", sources=files.sources)
    assert not (tmp_path / "parity.yaml").exists()
    write_captured_spec(text, tmp_path / "parity.yaml", sources=files.sources, force=True)
    assert not (tmp_path / "files" / "mine").exists()  # files/ is replaced whole
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_spec_that_does_not_load_leaves_nothing(clean, tmp_path):
    from parity.errors import SpecError

    with pytest.raises(SpecError) as caught:
        write_captured_spec("parity: 1\nname: x\nbase: debian:12\nfiles:\n  /etc/x:\n"
                            "    source: files/etc/missing\n", tmp_path / "parity.yaml",
                            sources={"files/etc/other": b"x"})
    assert "nothing was written" in str(caught.value.hint)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------ the host scripts, run by the local transport


def test_discovery_script_on_this_machine_lists_every_kind_of_path(tmp_path):
    """The rendered discovery script, run through local:// (a real /bin/sh, GNU find): odd
    names come back exactly, a fifo comes back as one, and no package owns a temp folder."""
    import os

    from parity.compare.capture_remote import discover
    from parity.facts import resolve_hosts

    root = tmp_path / "r o'ot"
    (root / "d").mkdir(parents=True)
    (root / "d" / "a b\nc").write_bytes(b"x")
    (root / "secret").write_bytes(b"s")
    (root / "secret").chmod(0o600)
    (root / "link").symlink_to("d/a b\nc")
    os.mkfifo(root / "fifo")
    for path, mode in (("", 0o755), ("d", 0o755), ("d/a b\nc", 0o644), ("fifo", 0o644)):
        (root / path).chmod(mode)  # not the umask's
    found = discover(resolve_hosts(["local://"])[0], [str(root)], 30, 1 << 20)
    tree = {p.removeprefix(str(root)): (e.kind, e.mode) for p, e in found.tree.items()}
    assert tree == {"": ("d", 0o755), "/d": ("d", 0o755), "/d/a b\nc": ("f", 0o644),
                    "/secret": ("f", 0o600), "/link": ("l", 0o777), "/fifo": ("p", 0o644)}
    assert not (found.owned & set(found.tree)) and found.changed == {}
    sel = select(found, [str(root)])
    assert [line.removeprefix(str(root)) for line in sel.left_out] == [
        "/fifo: a fifo, which a spec cannot declare; left out"]


@pytest.mark.parametrize("vanished", [False, True])
def test_fetch_script_batch_and_per_file_fallback(tmp_path, vanished):
    """Content comes back byte-exact in one batch; when a path vanished (stat fails), file by
    file. A file not readable by everyone is never asked for."""
    from parity.compare.capture_remote import fetch
    from parity.facts import resolve_hosts

    blobs = {"a": b"\x00\x01\xffbin\r\n", "b b": b"", "c": b"line\n" * 1000}
    for name, data in blobs.items():
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / n) for n in blobs]
    if vanished:
        paths.append(str(tmp_path / "gone"))
    got = fetch(resolve_hosts(["local://"])[0], paths, set(paths), 30, 1 << 20)
    assert {Path(p).name: b for p, b in got.content.items()} == blobs
    assert got.facts[str(tmp_path / "a")]["type"] == "file"


def test_fetch_never_hashes_a_file_not_readable_by_everyone(tmp_path):
    """Its bytes are not sent, and not read to hash them either: the files collector gets it as
    a secret path, so the facts hold no sha256 (a hash of a short password is a leak)."""
    import hashlib

    from parity.compare.capture_remote import fetch
    from parity.facts import resolve_hosts

    creds, conf = tmp_path / "credentials", tmp_path / "app.conf"
    creds.write_bytes(b"db_password=hunter2\n")
    creds.chmod(0o600)
    conf.write_bytes(b"workers = 4\n")
    got = fetch(resolve_hosts(["local://"])[0], [str(creds), str(conf)], {str(conf)}, 30,
                1 << 20, unread={str(creds)})
    assert got.facts[str(creds)]["type"] == "file" and got.facts[str(creds)]["mode"] == "0600"
    assert got.facts[str(creds)].get("sha256") is None
    assert got.facts[str(conf)]["sha256"] == hashlib.sha256(b"workers = 4\n").hexdigest()
    assert str(creds) not in got.content
