"""Evaluate rendered flake.nix / shell.nix against a stub nixpkgs (there is no nixpkgs offline).

The stub holds only attribute names that exist in nixos-24.05, so a wrong attribute path in a
rendered file fails evaluation ("attribute 'postgresql-15' missing") exactly as it would for a
user. ``mkShell`` and ``dockerTools.buildLayeredImage`` return their arguments so tests can
inspect what the rendered files pass.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from parity.render.lang.nix import quote

#: attribute names known to exist in nixpkgs (nixos-24.05) that parity's examples and default
#: name table use
KNOWN_ATTRS = [
    "bashInteractive", "cacert", "cassandra_4", "coreutils", "curl", "debootstrap", "docker",
    "gcc", "git", "gnumake", "less", "nginx", "openjdk17_headless", "openssh", "postgresql_15",
    "procps", "python3", "python311", "ruby", "tini",
]

STUB = """
let
  drv = name: { type = "derivation"; inherit name; outPath = "/nix/store/stub-" + name; };
  known = [ KNOWN ];
  pkgs = builtins.listToAttrs (map (n: { name = n; value = drv n; }) known) // {
    python3Packages = { pip = drv "pip"; };
    mkShell = args: args // { stub = "mkShell"; };
    dockerTools = { buildLayeredImage = args: args // { stub = "buildLayeredImage"; }; };
  };
  nixpkgs = {
    lib.genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
    legacyPackages = { x86_64-linux = pkgs; aarch64-linux = pkgs; };
  };
  strip = v: if v ? type && v.type == "derivation" then v.name else v;
  names = list: map strip list;
  flake = import FLAKE;
  outputs = flake.outputs { self = { }; inherit nixpkgs; };
  shell = import SHELL { inherit pkgs; };
  dev = outputs.devShells.x86_64-linux.default;
  image = outputs.packages.x86_64-linux.image;
in {
  description = flake.description;
  nixpkgs = flake.inputs.nixpkgs.url;
  dev = dev // { packages = names dev.packages; };
  shell = shell // { packages = names shell.packages; };
  image = image // { contents = names image.contents; };
}
"""


def evaluate(folder: Path) -> dict[str, Any]:
    """``nix-instantiate --eval --strict --json`` of the stub applied to ``folder``'s files."""
    expr = (STUB.replace("KNOWN", " ".join(quote(a) for a in KNOWN_ATTRS))
            .replace("FLAKE", str(folder / "flake.nix"))
            .replace("SHELL", str(folder / "shell.nix")))
    proc = subprocess.run(["nix-instantiate", "--eval", "--strict", "--json", "-E", expr],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise AssertionError(f"nix evaluation of {folder} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)  # type: ignore[no-any-return]
