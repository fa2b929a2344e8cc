"""OS facts on SmartOS, from outputs recorded on real SmartOS machines.

No SmartOS machine exists here. Each case feeds the os parser the section the script's SunOS
branch prints (``uname``, ``zonename``, ``product``, ``etcrelease`` lines) built from files in
``tests/fixtures/smartos/recorded/`` (each with a ``.source``); the shell side of the branch runs
end to end in tests/compare/test_smartos_pkgsrc.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parity.facts.collectors import os as os_collector
from parity.facts.request import CollectRequest

RECORDED = Path(__file__).parents[1] / "fixtures" / "smartos" / "recorded"


def _tagged(tag: str, text: str) -> str:
    """``text`` as the snippet prints it: every line of the file behind ``tag``."""
    body = text[:-1] if text.endswith("\n") else text
    return "".join(f"{tag} {line}\n" for line in body.split("\n"))


def section(uname: str, zonename: str | None, product: str | None = None,
            release: str | None = None) -> str:
    """The SunOS branch's section for these recordings (``None``: the file or tool is absent)."""
    out = _tagged("uname", (RECORDED / uname).read_text())
    if zonename is not None:
        out += _tagged("zonename", (RECORDED / zonename).read_text())
    if product is not None:
        out += _tagged("product", (RECORDED / product).read_text())
    if release is not None:
        out += _tagged("etcrelease", (RECORDED / release).read_text())
    return out


def parse(text: str) -> tuple[dict[str, Any], list[str]]:
    warnings: list[str] = []
    return os_collector.parse(text, CollectRequest(), warnings), warnings


def test_a_zone_is_its_image_release() -> None:
    # Ansible's SmartOS zone fixture (/etc/product, /etc/release) with the procmind blog's
    # zone's uname -a and zonename: two recorded zones, each file as the host printed it
    facts, warnings = parse(section("uname-a-zone.txt", "zonename-zone.txt",
                                    "product-base64-14.3.0.txt", "release-zone-14.3.0.txt"))
    assert facts == {
        "distro": "smartos", "family": "pkgsrc", "release": "14.3", "version": "14.3.0",
        "codename": "base64", "zone": "16021e9e-7e2f-4294-f7db-86dea02198be",
        "platform": "joyent_20160121T174331Z", "kernel": "5.11", "arch": "i86pc",
        "banner": "SmartOS x86_64",
    }
    assert warnings == []


def test_a_newer_image_name_with_dashes() -> None:
    facts, warnings = parse(section("uname-a-zone.txt", "zonename-zone.txt",
                                    "product-pkgbuild-16.3.1.txt"))
    assert (facts["release"], facts["version"], facts["codename"]) == ("16.3", "16.3.1",
                                                                       "pkgbuild")
    assert facts["banner"] is None and warnings == []


def test_the_global_zone_is_its_platform_stamp() -> None:
    facts, warnings = parse(section("uname-a-global.txt", "zonename-global.txt", None,
                                    "release-global-20160330.txt"))
    assert facts == {
        "distro": "smartos", "family": "pkgsrc", "release": "20160121T174331Z",
        "version": "20160121T174331Z", "codename": None, "zone": "global",
        "platform": "joyent_20160121T174331Z", "kernel": "5.11", "arch": "i86pc",
        "banner": "SmartOS 20160330T234717Z x86_64",
    }
    assert warnings == []


def test_uname_a_with_and_without_the_trailing_os_name() -> None:
    """A zone's uname -a ends in "Solaris", a global zone's (and the piadm man page's) does not."""
    for uname, stamp in (("uname-a-zone.txt", "joyent_20160121T174331Z"),
                         ("uname-a-global.txt", "joyent_20160121T174331Z"),
                         ("uname-a-build.txt", "joyent_20200602T173751Z")):
        facts, _ = parse(section(uname, "zonename-global.txt"))
        assert (facts["distro"], facts["platform"], facts["kernel"], facts["arch"]) == (
            "smartos", stamp, "5.11", "i86pc")
        assert facts["release"] == stamp.removeprefix("joyent_")


@pytest.mark.parametrize("release", [None, "release-zone-14.3.0.txt", "release-global-20160330.txt",
                                     "release-ohai-20120130.txt"])
def test_detection_never_reads_etc_release(release: str | None) -> None:
    """Every recorded /etc/release wording (or none at all) gives the same facts but the banner:
    the wording is what broke Salt's and Ohai's SmartOS detection."""
    facts, warnings = parse(section("uname-a-zone.txt", "zonename-zone.txt",
                                    "product-base64-14.3.0.txt", release))
    facts.pop("banner")
    assert facts["distro"] == "smartos" and facts["release"] == "14.3" and warnings == []


def test_the_banner_is_the_first_line_folded() -> None:
    facts, _ = parse(section("uname-a-zone.txt", "zonename-zone.txt", None,
                             "release-ohai-20120130.txt"))
    assert facts["banner"] == "SmartOS 20120130T201844Z x86_64"


def test_a_zone_without_etc_product_still_is_smartos() -> None:
    facts, warnings = parse(section("uname-a-zone.txt", "zonename-zone.txt"))
    assert facts["distro"] == "smartos" and facts["family"] == "pkgsrc"
    assert facts["release"] is None and facts["version"] is None
    assert warnings == ["a SmartOS zone without an 'Image:' line in /etc/product: its image "
                        "release is unknown"]


@pytest.mark.parametrize("image", [
    "base-64-lts 23.4.0\r",          # CR: a file edited on Windows
    "base-64-lts\x1b[2J 23.4.0",    # terminal control sequence
    "base-64-lts",                   # no version
    "base-64-lts 23.4.0 extra",
    "base-64-lts twenty.three",
    "\x00\x01\x02",
    "base-64-lts 23",
    "base-64-lts \u0662\u0663.4.0",  # Arabic-Indic digits: str.isdigit says yes, pkgsrc no
])
def test_a_hostile_image_line_is_a_warning_and_still_smartos(image: str) -> None:
    text = section("uname-a-zone.txt", "zonename-zone.txt") + (
        f"product Name: Joyent Instance\nproduct Image: {image}\n")
    facts, warnings = parse(text)
    assert facts["distro"] == "smartos" and facts["zone"] is not None
    assert facts["release"] is None and facts["codename"] is None
    assert len(warnings) == 1 and "is not 'NAME MAJOR.MINOR[.PATCH]'" in warnings[0]


def test_garbage_in_etc_product_and_release_is_skipped() -> None:
    text = section("uname-a-zone.txt", "zonename-zone.txt", "product-base64-14.3.0.txt") + (
        "product \x7fgarbage without a colon\x0c\n"
        "product : no key\n"
        "etcrelease \x1b]0;title\x07\n"
        "etcrelease \xff\xfe binary\n")
    facts, warnings = parse(text)
    assert facts["release"] == "14.3"
    assert facts["banner"] == "\x1b]0;title\x07"  # data, shown escaped by every report
    assert warnings == ["skipped /etc/product line '\x7fgarbage without a colon\x0c': not "
                        "'Key: value'", "skipped /etc/product line ': no key': not 'Key: value'"]


def test_not_smartos_is_a_warning_not_a_guess() -> None:
    """An illumos host of another distribution (OmniOS) has no distro parity knows."""
    facts, warnings = parse(section("uname-a-omnios.txt", "zonename-global.txt"))
    assert facts["distro"] is None and facts["family"] is None
    assert (facts["kernel"], facts["platform"]) == ("5.11", "omnios-master-5b83ca0623")
    assert warnings and "not SmartOS's" in warnings[0]


@pytest.mark.parametrize("uname", ["", "Linux x 6.1 #1 x86_64", "SunOS only three", "\r\r\r"])
def test_an_unreadable_uname_is_a_warning(uname: str) -> None:
    facts, warnings = parse(f"uname {uname}\nzonename global\n")
    assert facts["distro"] is None and facts["zone"] == "global"
    assert len(warnings) == 1 and warnings[0].startswith("uname -a printed")


def test_a_missing_zonename_with_an_image_is_a_zone() -> None:
    facts, warnings = parse(section("uname-a-zone.txt", None, "product-base64-14.3.0.txt"))
    assert facts["release"] == "14.3" and facts["zone"] is None
    assert warnings == ["zonename printed nothing; /etc/product names an image, so this is a "
                        "zone"]


def test_no_zonename_and_no_image_reads_as_the_global_zone() -> None:
    facts, warnings = parse(section("uname-a-global.txt", None))
    assert facts["release"] == "20160121T174331Z" and facts["zone"] is None
    assert warnings == ["zonename printed nothing and /etc/product names no image: read as the "
                        "global zone"]


@pytest.mark.parametrize("platform", ["joyent_２０１６0121T174331Z", "joyent_20160121T174331",
                                      "joyent_", "joyent_20160121T174331Z\x00"])
def test_a_malformed_stamp_is_not_smartos(platform: str) -> None:
    facts, warnings = parse(f"uname SunOS h 5.11 {platform} i86pc i386 i86pc\nzonename global\n")
    assert facts["distro"] is None and facts["platform"] == platform
    assert len(warnings) == 1 and "not SmartOS's" in warnings[0]


def test_linux_output_is_unchanged() -> None:
    text = "arch x86_64\nkernel 6.1.0\nrelease ID=debian\nrelease VERSION_ID=12\n"
    facts, warnings = parse(text)
    assert facts["distro"] == "debian" and "zone" not in facts and warnings == []


def test_the_snippet_keeps_the_linux_branch_and_asks_one_uname_on_sunos() -> None:
    text = os_collector.snippet(CollectRequest())
    assert text.startswith('if [ "$SYS" = SunOS ]; then\n')
    sunos, _, linux = text.partition("\nelse\n")
    assert sunos.count("uname") == 2  # the tag's name and one `uname -a`
    assert "u=$(uname -r -m)" in linux and "/etc/release" not in linux
