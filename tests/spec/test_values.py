"""Values YAML types loosely (issue 8): ports, the format version, text no generated file can carry.

Each is refused by ``parity validate`` with ``file:line:column``, every one at once, instead of
being coerced (``true`` -> port 1) or passing validation and failing later in ``render``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parity.errors import ExitCode, RenderError, SpecError
from parity.render import TARGETS, render_target
from parity.spec import json_schema, load_spec, load_spec_text

MINIMAL = "parity: 1\nname: app\nbase: debian:12\n"


def yaml_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: printable characters as they are, every other
    one as the escape YAML defines for it (``\\x00``, ``\\ud800``, ``\\U0001f600``)."""
    out = []
    for ch in text:
        code = ord(ch)
        printable = (0x20 <= code <= 0x7E or code == 0x85 or 0xA0 <= code <= 0xD7FF
                     or 0xE000 <= code <= 0xFFFD or code >= 0x10000)
        if ch in '"\\':
            out.append("\\" + ch)
        elif printable:
            out.append(ch)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")
    return '"' + "".join(out) + '"'


def problems(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "parity.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    assert info.value.exit_code == ExitCode.USAGE
    return [p.removeprefix(f"{path}:") for p in info.value.problems]


def test_every_bad_port_is_reported_with_its_own_position(tmp_path: Path) -> None:
    text = MINIMAL + "ports:\n  - 80\n  - true\n  - 80.0\n  - 70000\n  - http\n  - '0/udp'\n" \
                     "  - {a: 1}\n  - '53/udp'\n"
    assert problems(text, tmp_path) == [
        '6:5: ports.1: true is not a port; write a number such as 80, or "53/udp"',
        "7:5: ports.2: 80.0 is not a port; write a whole number such as 80",
        "8:5: ports.3: port 70000 is outside 1-65535",
        "9:5: ports.4: 'http' is not a port: write a number, optionally followed by /tcp or "
        '/udp (80, "53/udp")',
        "10:5: ports.5: port 0/udp is outside 1-65535",
        '11:5: ports.6: a port is a number such as 80 or a string such as "53/udp", not a dict',
    ]


def test_ports_in_a_flow_list_point_at_each_item(tmp_path: Path) -> None:
    out = problems(MINIMAL + "ports: [false, 22, 0]\n", tmp_path)
    assert [line.split(": ")[0] for line in out] == ["4:9", "4:20"]
    assert out[0].startswith("4:9: ports.0: false is not a port")


def test_good_ports_keep_their_spelling_and_the_schema(tmp_path: Path) -> None:
    spec = load_spec_text(MINIMAL + "ports: [80, '53/udp', '443/tcp', 65535]\n",
                          tmp_path / "parity.yaml")
    assert spec.model.ports == [80, "53/udp", "443/tcp", 65535]  # the spec hash sees these
    assert [p.key for p in spec.ports] == ["tcp/80", "tcp/443", "tcp/65535", "udp/53"]
    items = json_schema()["properties"]["ports"]["items"]
    assert {"type": "integer"} in items["anyOf"]


@pytest.mark.parametrize(("value", "message"), [
    ('"1"', "parity: the format version is the number 1, not the string '1'; write `parity: 1` "
            "without quotes"),
    ("'1'", "parity: the format version is the number 1, not the string '1'"),
    ("true", "parity: the format version is the number 1, not true"),
    ("1.0", "parity: the format version is the number 1, not 1.0"),
    ("", "parity: the format version is the number 1, not empty"),
    ("[1]", "parity: the format version is the number 1, got [1]"),
])
def test_format_version_must_be_the_number_one(tmp_path: Path, value: str, message: str) -> None:
    out = problems(f"parity: {value}\nname: app\nbase: debian:12\nports: [0]\n", tmp_path)
    assert out[0].startswith(f"1:1: {message}")
    assert "not supported" not in out[0]
    assert out[1].startswith("4:9: ports.0:")  # the rest of the spec is still checked
    assert len(out) == 2  # no second message about parity from the model


def test_other_format_numbers_are_not_supported(tmp_path: Path) -> None:
    assert problems("parity: 2\nname: app\nbase: debian:12\n", tmp_path) == [
        "1:1: parity: spec format 2 is not supported; this parity reads format 1"]


def test_nul_in_content_is_refused_at_its_line_and_says_why(tmp_path: Path) -> None:
    text = MINIMAL + 'files:\n  /etc/app.conf:\n    mode: "0644"\n    content: "a\\0b"\n'
    out = problems(text, tmp_path)
    assert len(out) == 1
    assert out[0].startswith("7:5: files./etc/app.conf.content: a file's content cannot hold a "
                             "NUL character: provision.sh passes content to the shell as one "
                             "argument")
    assert "use source:" in out[0]
    # the oracle: the kernel cannot pass an argument with NUL to a program at all
    with pytest.raises(ValueError, match="null byte"):
        subprocess.run(["printf", "%s", "a\0b"], check=False)


def test_lone_surrogate_in_content_or_one_line_text_is_refused(tmp_path: Path) -> None:
    text = MINIMAL + 'description: "x\\ud800"\nfiles:\n  /etc/a:\n    content: "\\udfff"\n'
    out = problems(text, tmp_path)
    assert out[0].startswith("4:1: description: the text holds a lone UTF-16 surrogate")
    assert out[1].startswith("7:5: files./etc/a.content: the text holds \\udfff, a lone UTF-16 "
                             "surrogate")
    with pytest.raises(UnicodeEncodeError):  # the oracle: UTF-8 has no encoding for it
        "\udfff".encode()


def test_json_surrogate_pair_gets_the_spelling_that_works(tmp_path: Path) -> None:
    """YAML reads ``\\ud83d\\ude00`` as two lone surrogates, not 😀: say how to write it."""
    out = problems(MINIMAL + 'files:\n  /etc/a:\n    content: "\\ud83d\\ude00"\n', tmp_path)
    assert out[0].endswith("write the character itself, or \\U and 8 hex digits (\\U0001f600), "
                           "instead of a \\uXXXX\\uXXXX pair")
    spec = load_spec_text(MINIMAL + 'files:\n  /etc/a:\n    content: "\\U0001f600 😀"\n',
                          tmp_path / "parity.yaml")
    assert spec.model.files["/etc/a"].content == "😀 😀"


@pytest.mark.parametrize(("yaml", "where"), [
    ('services:\n  web:\n    command: ["/bin/app", "a\\0b"]\n', "6:27: services.web.command.1"),
    ('description: "a\\0b"\n', "4:1: description"),
    ('hosts:\n  prod: "ssh://a\\0b"\n', "5:3: hosts.prod"),
    ('targets:\n  docker:\n    cmd: ["a\\0"]\n', "6:11: targets.docker.cmd.0"),
    ('targets:\n  aci:\n    exec: ["a\\0"]\n', "6:12: targets.aci.exec.0"),
    ('env:\n  A: "x\\0"\n', "5:3: env.A"),
])
def test_nul_in_free_text_says_one_printable_line(tmp_path: Path, yaml: str, where: str) -> None:
    out = problems(MINIMAL + yaml, tmp_path)
    assert len(out) == 1
    assert out[0].startswith(f"{where}: ")
    assert out[0].endswith("is not allowed here: one line of printable text, without control "
                           "characters (NUL, newline, tab, escape)")


def test_content_keeps_newlines_tabs_and_any_character(tmp_path: Path) -> None:
    content = "line 1\n\tline 2 \x1b[0m é 😀 \x7f\r\n"
    spec = load_spec_text(MINIMAL + "files:\n  /etc/a:\n    content: " + yaml_quoted(content)
                          + "\n", tmp_path / "parity.yaml")
    assert spec.model.files["/etc/a"].content == content


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(content=st.text(st.characters(), max_size=12))
def test_content_that_validates_renders(tmp_path_factory: pytest.TempPathFactory,
                                        content: str) -> None:
    """The invariant: any content ``validate`` accepts renders for every target; the rest is
    refused by ``validate`` with the content's line, never by ``render``."""
    tmp = tmp_path_factory.mktemp("content")
    text = MINIMAL + "files:\n  /etc/a:\n    content: " + yaml_quoted(content) + "\n"
    path = tmp / "parity.yaml"
    try:
        spec = load_spec_text(text, path)
    except SpecError as exc:
        assert exc.problems[0].startswith(f"{path}:6:5: files./etc/a.content: ")
        assert "\0" in content or any("\ud800" <= c <= "\udfff" for c in content)
        return
    for target in TARGETS:
        try:
            render_target(spec, target, tmp / target)
        except RenderError as exc:  # pragma: no cover - the failure this test exists for
            pytest.fail(f"validated content fails in render ({target}): {exc}")
