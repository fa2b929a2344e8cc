"""``parity render`` and ``parity build-aci``."""

from __future__ import annotations

from pathlib import Path

import click

from parity.cli.options import spec_argument
from parity.cli.output import echo

TARGET_CHOICES = ["docker", "vagrant", "nix", "nixos", "aci", "devcontainer", "smartos", "all"]


@click.command()
@spec_argument
@click.option("--target", "-t", type=click.Choice(TARGET_CHOICES), required=True,
              help="What to render; 'all' puts each target of the spec's base in a subfolder of "
                   "--out-dir (a smartos: base: smartos; a Linux base: all but smartos).")
@click.option("--out-dir", "-d", "out", type=click.Path(file_okay=False, path_type=Path),
              default=None,
              help="Output folder (default: .parity/<target> beside the spec, .devcontainer/ "
                   "for devcontainer; with --target all: .parity/).")
@click.option("--out", "-o", "out_legacy", type=click.Path(file_okay=False, path_type=Path),
              default=None, hidden=True,
              help="Older spelling of --out-dir (everywhere else -o names a file).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 listing files that differ.")
@click.option("--force", is_flag=True, help="Overwrite files that lack the parity header.")
def render(spec: str, target: str, out: Path | None, out_legacy: Path | None, check: bool,
           force: bool) -> None:
    """Render SPEC into TARGET's files (SPEC: see --spec).

    \b
    Examples:
      parity render -t docker                 # into .parity/docker/
      parity render -t vagrant -d .           # the Vagrantfile beside the spec
      parity render -t all --check            # exit 1 when committed renders are stale
      parity render -t smartos                # zone.json for vmadm create, SMF manifests
    """
    from parity.errors import ExitCode, UsageError
    from parity.render import check_target, default_out_dir, render_targets, targets_for
    from parity.spec import load_spec

    if out_legacy is not None:
        if out is not None and out != out_legacy:
            raise UsageError("both --out-dir and -o given", hint="Use --out-dir (-d) alone.")
        out = out_legacy
        echo("note: `render -o DIR` is now `render --out-dir DIR` (-d): everywhere else -o "
             "names a file", err=True)

    if out is not None and str(out) == "-":
        raise UsageError("--out-dir - (stdout) cannot hold a target: rendering writes a folder "
                         "of files", hint="Give a folder, e.g. --out-dir .parity/docker.")
    loaded = load_spec(spec)
    base = out if out is not None else loaded.root / ".parity"
    jobs = [(t, base / t) for t in targets_for(loaded)] if target == "all" else [
        (target, out if out is not None else default_out_dir(loaded, target))]
    problems = []
    if check:
        for name, folder in jobs:
            problems += check_target(loaded, name, folder)
    else:
        for (name, folder), written in zip(jobs, render_targets(loaded, jobs, force=force),
                                           strict=True):
            echo(f"{name}: {len(written)} files in {folder}")
    for line in problems:
        echo(line)
    if problems:
        raise SystemExit(int(ExitCode.DRIFT))
    if check:
        echo("up to date")


@click.command("build-aci")
@spec_argument
@click.option("--image", required=True, help="Docker image built from the docker target.")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the .aci file.")
def build_aci(spec: str, image: str, out: Path) -> None:
    """Build an ACI from IMAGE's root filesystem and the spec's manifest (needs actool).

    \b
    Examples:
      parity up && parity build-aci --image shop:dev -o shop.aci
      parity build-aci examples/webapp --image shop:dev -o /tmp/shop.aci
    """
    from parity.render.aci import build_aci as build
    from parity.spec import load_spec

    echo(f"wrote {build(load_spec(spec), image, out)} (actool validate: ok)")
