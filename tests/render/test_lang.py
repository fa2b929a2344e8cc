"""Each quoting helper round-trips any string through the real interpreter of its language."""

from __future__ import annotations

import json
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parity.render.lang import dockerfile, nix, ruby, shell, systemd

#: fragments that would run or expand something if quoting were wrong
HOSTILE = ["$(touch /tmp/pwned-lang)", "`touch /tmp/pwned-lang`", "'", '"', "\\", "${HOME}",
           "#{`touch /tmp/pwned-lang`}", "\n", "$", "%h", ";", "|", "&", "*", "''", "${", "\\'"]
texts = st.lists(st.one_of(st.sampled_from(HOSTILE),
                           st.text(st.characters(blacklist_categories=("Cs",),
                                                 blacklist_characters="\x00"), max_size=8)),
                 max_size=6).map("".join)
one_line = texts.map(lambda t: "".join(c for c in t if ord(c) >= 0x20 and ord(c) != 0x7F))
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texts)
def test_shell_round_trip(value: str) -> None:
    out = subprocess.run(["sh", "-c", f"printf %s {shell.quote(value)}"], capture_output=True,
                         check=True).stdout
    assert out.decode("utf-8", "surrogateescape") == value


@SETTINGS
@given(texts)
def test_ruby_round_trip(value: str) -> None:
    out = subprocess.run(["ruby", "-e", f"STDOUT.write({ruby.quote(value)})"],
                         capture_output=True, check=True).stdout
    assert out.decode() == value


@pytest.mark.nix
@SETTINGS
@given(texts)
def test_nix_round_trip(value: str) -> None:
    out = subprocess.run(["nix-instantiate", "--eval", "--json", "-E", nix.quote(value)],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == value


@pytest.mark.nix
@SETTINGS
@given(st.sampled_from(["docker.io", "g++", "in", "or", "python3", "_x", "a'b", "1abc"]))
def test_nix_attribute_names(name: str) -> None:
    expr = f"{{ {nix.attr(name)} = 1; }}"
    out = subprocess.run(["nix-instantiate", "--eval", "--json", "-E", expr],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == {name: 1}


@SETTINGS
@given(one_line)
def test_dockerfile_value_is_one_json_string_with_dollars_escaped(value: str) -> None:
    quoted = dockerfile.value(value)
    assert "\n" not in quoted
    assert json.loads(quoted.replace("\\$", "$")) == value


def test_dockerfile_refuses_newlines() -> None:
    from parity.errors import RenderError

    with pytest.raises(RenderError):
        dockerfile.value("a\nRUN touch /tmp/pwned")


@SETTINGS
@given(one_line)
def test_systemd_word_is_one_quoted_word(value: str) -> None:
    word = systemd.word(value)
    assert word.startswith('"') and word.endswith('"') and "\n" not in word
    assert "%" not in word.replace("%%", "")


@pytest.mark.docker
def test_docker_builder_keeps_env_values_literal(docker_client, base_image: str,  # type: ignore[no-untyped-def]
                                                 tmp_path) -> None:
    """The real builder, not a parser: ENV/LABEL values come out exactly as written."""
    values = {f"V{i}": v for i, v in enumerate(
        ["$(touch /tmp/pwned)", "${HOME} $PATH", 'a "quoted" \\ back\\slash', "`id`",
         "#{x} 'single'", "ünïcødé", "trailing\\"])}
    lines = [f"FROM {base_image}"]
    lines += [f"ENV {k}={dockerfile.value(v)}" for k, v in values.items()]
    lines += [f"LABEL l{k}={dockerfile.value(v)}" for k, v in values.items()]
    (tmp_path / "Dockerfile").write_text("\n".join(lines) + "\n")
    image, _ = docker_client.images.build(path=str(tmp_path), network_mode="none", rm=True)
    try:
        config = image.attrs["Config"]
        env = dict(e.split("=", 1) for e in config["Env"])
        for k, v in values.items():
            assert env[k] == v
            assert config["Labels"][f"l{k}"] == v
    finally:
        docker_client.images.remove(image.id, force=True)
