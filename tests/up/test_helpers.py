"""Small pure helpers of the docker driver and the port check."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from parity.errors import UsageError
from parity.spec import Port, load_spec, load_spec_text
from parity.up import ports
from parity.up.base import env_labels, is_ours
from parity.up.docker_driver import base_images, check_name, image_tag
from parity.up.dockerclient import parse_docker_time

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_base_images_skip_own_stages() -> None:
    dockerfile = ("FROM debian:12 AS prod\nRUN x\nFROM prod AS dev\n"
                  "FROM --platform=linux/amd64 alpine:3.20\nFROM scratch\n")
    assert base_images(dockerfile) == ["debian:12", "alpine:3.20"]


def test_image_tag_rule() -> None:
    spec = load_spec(EXAMPLES / "webapp" / "parity.yaml")  # targets.docker.image: shop:dev
    assert image_tag(spec, "shop-dev") == "shop:dev"
    assert image_tag(spec, "Shop-Second") == "shop-second:dev"
    bare = load_spec_text("parity: 1\nname: app\nbase: debian:12\n", "/tmp/x/parity.yaml")
    assert image_tag(bare, "app-dev") == "app:dev"


@pytest.mark.parametrize("bad", ["", "-x", "a b", "a/b", "$(id)", "x" * 200,
                                 # legal container names whose image tag (NAME:dev) is not, or
                                 # too short for Docker: these used to end in a traceback
                                 "x", "a..b", "x.", "x-", "a_-b", "a___b", "a.-b"])
def test_container_names_are_checked(bad: str) -> None:
    with pytest.raises(UsageError):
        check_name(bad)


@pytest.mark.parametrize("good", ["shop-dev", "Shop-Second", "ab", "a__b", "a--b", "a.b_c-d",
                                  "parity-test-up-0123abcd-shop"])
def test_container_names_that_work(good: str) -> None:
    assert check_name(good) == good


def test_labels_identify_spec_and_target() -> None:
    spec = load_spec(EXAMPLES / "webapp" / "parity.yaml")
    found = env_labels(spec, "docker")
    assert is_ours(found, spec, "docker")
    assert not is_ours(found, spec, "vagrant")
    assert not is_ours({**found, "org.parity.spec-path": "/elsewhere/parity.yaml"}, spec, "docker")
    assert not is_ours({k: v for k, v in found.items() if k != "org.parity.managed"}, spec,
                       "docker")
    assert not is_ours(None, spec, "docker")


def test_port_check_sees_a_listener() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        number = sock.getsockname()[1]
        assert ports.taken([Port(number)]) == [Port(number)]
    assert ports.taken([Port(number)]) == []


def test_docker_times() -> None:
    assert parse_docker_time("2024-05-01T10:00:00.123456789Z").microsecond == 123456
    assert parse_docker_time("0001-01-01T00:00:00Z") is None
    assert parse_docker_time(None) is None
