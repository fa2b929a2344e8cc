"""Services on NixOS: ``enabled`` from NixOS's ``.wants`` links, not from the unit-file
state, which says ``linked`` there for units that do or do not start at boot.

The state word is recorded from a NixOS machine (tests/fixtures/nixos-etc/recorded, sources
beside it). The list-unit-files and list-units lines around it are built in those commands'
column formats (``--no-legend --plain``) from it: no full NixOS listing was found published,
so none is claimed here.
"""

from __future__ import annotations

from pathlib import Path

from parity.facts.collectors import services
from parity.facts.request import CollectRequest

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "nixos-etc" / "recorded"
#: what systemctl said of a NixOS unit that was not wanted by anything (nixpkgs#366684)
LINKED = (RECORDED / "systemctl-is-enabled-spacenavd.nixpkgs-366684.txt").read_text().strip()
#: the state word in a NixOS ``systemctl status`` Loaded line (nixops#574)
LOADED = (RECORDED / "systemctl-status-loaded-line.nixops-574.txt").read_text()


def systemd_output(files: dict[str, str], wants: list[str] | None) -> str:
    units = [f"{n} loaded {'active running' if n == 'sshd.service' else 'inactive dead'} x"
             for n in files]
    out = ["@init systemd", "@units", *units, "@files", *(f"{n} {s}" for n, s in files.items())]
    if wants is not None:
        out += ["@wants", *(f"wants {n}" for n in wants)]
    return "\n".join(out) + "\n"


def test_the_recorded_state_is_linked() -> None:
    assert LINKED == "linked"
    assert "; linked; " in LOADED


def test_the_usual_rule_cannot_say_and_the_wants_links_can() -> None:
    files = {"sshd.service": LINKED, "spacenavd.service": LINKED}
    # a Debian-like host (no @wants part): linked is "not something one enables": unknown
    usual = services.parse(systemd_output(files, None), CollectRequest())
    assert usual["sshd"] == {"running": True, "enabled": None}
    assert usual["spacenavd"]["enabled"] is None
    # a Nix host: sshd is wanted by multi-user.target, spacenavd by nothing (nixpkgs#366684)
    warnings: list[str] = []
    nix = services.parse(systemd_output(files, ["sshd.service"]), CollectRequest(), warnings)
    assert nix == {"sshd": {"running": True, "enabled": True},
                   "spacenavd": {"running": False, "enabled": False}}
    assert warnings == []


def test_masked_runtime_enabled_and_wanted_but_unlisted() -> None:
    files = {"gone.service": "masked", "hot.service": "enabled-runtime", "idle.service": LINKED}
    out = services.parse(systemd_output(files, ["gone.service", "getty@tty1.service"]),
                         CollectRequest())
    assert out["gone"]["enabled"] is False  # masked outweighs a .wants link
    assert out["hot"]["enabled"] is True  # systemctl enable --runtime: systemd's own word
    assert out["idle"]["enabled"] is False
    assert out["getty@tty1"] == {"running": False, "enabled": True}


def test_without_systemd_the_same_links_decide() -> None:
    text = ("@init none\nunit web.service\nunit idle.service\nunitmasked gone.service\n"
            "wants web.service\nwants gone.service\nproc web\n")
    out = services.parse(text, CollectRequest())
    assert out == {"gone": {"running": False, "enabled": False},
                   "idle": {"running": False, "enabled": False},
                   "web": {"running": True, "enabled": True}}


def test_odd_wants_lines_are_warnings() -> None:
    warnings: list[str] = []
    out = services.parse(systemd_output({"a.service": LINKED}, []) + "wants a.socket\nfoo\n",
                         CollectRequest(), warnings)
    assert out["a"]["enabled"] is False
    assert len(warnings) == 2 and all("skipped unexpected .wants line" in w for w in warnings)
    warnings = []
    services.parse("@init none\nunit x.socket\n", CollectRequest(), warnings)
    assert warnings == ["skipped unexpected unit line 'unit x.socket'"]
