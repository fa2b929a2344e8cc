"""``parity build-box``: a thin shell over :func:`parity.boxes.build_box`."""

from __future__ import annotations

from pathlib import Path

import click

from parity.cli.options import spec_argument
from parity.cli.output import echo

#: parity.boxes.plans.PROVIDERS, spelled here so ``--help`` does not import the renderers
PROVIDER_CHOICES = ["docker", "virtualbox", "libvirt"]


@click.command("build-box")
@spec_argument
@click.option("--out-dir", "-o", "out", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Folder of the boxes and their catalog <name>.json.")
@click.option("--version", "version", default=None, metavar="V",
              help="Box version (RubyGems form: 1.0.0, 2.1, 1.0.0.rc1). Default: the version "
                   "the catalog lists for this very spec, else the next after its newest "
                   "(1.0.0 for a new catalog).")
@click.option("--provider", type=click.Choice(PROVIDER_CHOICES), default="docker",
              help="docker: write the .box and add it to the catalog. virtualbox, libvirt: "
                   "write the Packer folder (DIR/packer/); with --packer also build the box.")
@click.option("--packer", "run_packer", is_flag=True,
              help="VM providers: run `packer build` (needs VirtualBox or KVM) and add the box "
                   "to the catalog.")
@click.option("--base-url", default=None, metavar="URL",
              help="Where the boxes will be served (https://boxes.example.com/shop); default: "
                   "their file:// URL in DIR.")
@click.option("--force", is_flag=True,
              help="Replace a version the catalog lists with other content (developers who "
                   "added it keep the old box).")
def build_box(spec: str, out: Path, version: str | None, provider: str, run_packer: bool,
              base_url: str | None, force: bool) -> None:
    """Build SPEC's Vagrant box into DIR and list it in DIR's box catalog.

    \b
    Exit codes: 0 built (or already listed with the same content), 2 bad input (an
    invalid --version, a version listed with other content, a catalog that is not
    one), 4 Packer could not build the box.

    \b
    Examples:
      parity build-box examples/webapp -o boxes --version 1.0.0
      vagrant box add boxes/shop.json     # then config.vm.box = "shop"
      parity build-box -o boxes --provider virtualbox   # boxes/packer/packer.json
    """
    from parity.boxes import build_box as build
    from parity.errors import UsageError
    from parity.spec import load_spec

    if run_packer and provider == "docker":
        raise UsageError("--packer builds VM boxes; a docker box needs no Packer",
                         hint="Leave out --packer, or give --provider virtualbox or libvirt.")
    result = build(load_spec(spec), out, provider=provider, version=version, force=force,
                   base_url=base_url, run_packer=run_packer)
    if result.status == "template":
        echo(f"{provider}: wrote the Packer template {result.packer_dir}/packer.json "
             f"(version {result.version})")
        for note in result.notes:
            echo(f"note: {note}", err=True)
        return
    what = {"added": "added to", "unchanged": "already in", "replaced": "replaced in"}
    echo(f"{provider}: {result.box} (version {result.version}) {what[result.status]} "
         f"{result.catalog}")
