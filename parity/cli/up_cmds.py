"""``parity up``, ``parity down`` and ``parity status``: thin shells over :mod:`parity.up`.

Progress goes to stderr; stdout carries only results (the URL from ``up``, the table or JSON
from ``status``), so ``URL=$(parity up)`` and ``parity status --format json | jq`` work.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from parity.cli.options import spec_argument
from parity.cli.output import echo

TARGETS = ("docker", "vagrant")


def wait_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--wait-timeout`` / ``--no-wait``: what to do while another ``up``/``down`` of the same
    environment runs (see docs/up.md, "Running two at once")."""
    command = click.option(
        "--no-wait", is_flag=True,
        help="If another `parity up`/`down` of this environment runs, exit 75 at once "
             "instead of waiting for it.")(command)
    return click.option(
        "--wait-timeout", type=click.FloatRange(min=0), default=900, show_default=True,
        metavar="SECONDS",
        help="How long to wait for another `parity up`/`down` of this environment; then "
             "exit 75.")(command)


@click.command()
@spec_argument
@click.option("--target", type=click.Choice(TARGETS), default="docker", show_default=True)
@click.option("--provider", type=click.Choice(["docker", "virtualbox", "libvirt"]),
              help="Vagrant provider (--target vagrant); default docker.")
@click.option("--name", help="Container name (docker target); default <spec name>-dev.")
@click.option("--env-file", type=click.Path(dir_okay=False),
              help="KEY=value file with the spec's secret env values (your environment wins).")
@click.option("--network", type=click.Choice(["host", "none"]),
              help="Docker networking: host makes the spec's ports real, none isolates the "
                   "container; default: the spec's targets.docker.network, else host.")
@click.option("--secret-file", "secret_files", multiple=True, metavar="PATH=LOCALFILE",
              help="Fill the spec's secret file PATH with LOCALFILE's bytes when the container "
                   "is created (docker; never in the image). Repeatable.")
@click.option("--rebuild", is_flag=True,
              help="A clean build: build and recreate the environment even when it is up to "
                   "date or an edit could be applied in place (unchanged steps still come from "
                   "the layer cache).")
@click.option("--force", is_flag=True, hidden=True, help="Old name of --rebuild.")
@click.option("--no-cache", is_flag=True,
              help="Like --rebuild, and build every step again (fresh package downloads).")
@wait_options
def up(spec: str, target: str, provider: str | None, name: str | None, env_file: str | None,
       network: str | None, secret_files: tuple[str, ...], rebuild: bool, force: bool,
       no_cache: bool, wait_timeout: float, no_wait: bool) -> None:
    """Bring SPEC's dev environment up (idempotent); print its testinfra URL.

    After a spec edit, what qualifies (files, added packages, added accounts) is applied to the
    running docker environment in place, in seconds; anything else is rebuilt from the first
    build step whose inputs changed. `parity status` says which it is.

    \b
    Examples:
      SECRET_KEY=dev parity up                     # docker://shop-dev on stdout
      parity up --network none --name shop-ci      # isolated, for CI
      parity up --rebuild                          # a clean build
      parity up --target vagrant --provider libvirt
    """
    from parity.spec import load_spec
    from parity.up import up as run_up
    from parity.up.display import make_display
    from parity.up.report import up_summary

    loaded = load_spec(spec)
    with make_display() as display:
        result = run_up(loaded, target=target, provider=provider, name=name, env_file=env_file,
                        network=network, rebuild=rebuild or force, no_cache=no_cache,
                        display=display, secret_files=secret_files,
                        wait=0 if no_wait else wait_timeout)
    echo(up_summary(loaded, result), err=True)
    if result.url:
        echo(result.url)


@click.command()
@spec_argument
@click.option("--target", type=click.Choice(TARGETS), default="docker", show_default=True)
@click.option("--name", help="Container name (docker target); default <spec name>-dev.")
@click.option("--keep-image", is_flag=True, help="Keep the built image (next up skips build).")
@wait_options
def down(spec: str, target: str, name: str | None, keep_image: bool, wait_timeout: float,
         no_wait: bool) -> None:
    """Remove what `parity up` created for SPEC (found by label), and nothing else.

    \b
    Examples:
      parity down
      parity down --keep-image          # the next up skips the build
      parity down --target vagrant
    """
    from parity.spec import load_spec
    from parity.up import down as run_down
    from parity.up.display import make_display

    with make_display() as display:
        removed = run_down(load_spec(spec), target=target, name=name, keep_image=keep_image,
                           display=display, wait=0 if no_wait else wait_timeout)
    for line in removed:
        echo(f"removed {line}")
    if not removed:
        echo(f"nothing to remove: no {target} environment parity created for {spec}")


@click.command()
@spec_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--catalog", "catalog_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A box catalog (build-box's DIR/<name>.json): say which version is newest "
                   "and whether one was built from the spec as it is now.")
def status(spec: str, fmt: str, catalog_path: Path | None) -> None:
    """Show, per target, whether SPEC's environment exists, runs and is up to date.

    Environments brought up from a docker box (`parity build-box`, then `vagrant up`) show as
    target `box`, with the box version they run and whether the spec changed since it was built.

    \b
    Examples:
      parity status
      parity status --catalog boxes/shop.json
      parity status --format json | jq '.environments[].freshness'
    """
    from parity.boxes.status import box_status
    from parity.spec import load_spec
    from parity.up import status as run_status
    from parity.up.report import status_json, status_text

    loaded = load_spec(spec)
    rows = run_status(loaded)
    box_rows, catalog = box_status(loaded, catalog_path,
                                   docker_ok=not any(r["target"] == "docker" and r.get("error")
                                                     for r in rows))
    rows += box_rows
    if fmt == "json":
        click.echo(json.dumps(status_json(loaded, rows, catalog), indent=2))  # exact values
    else:
        echo(status_text(loaded, rows, catalog))
    if any(row.get("error") for row in rows):
        from parity.errors import ExitCode

        raise click.exceptions.Exit(int(ExitCode.ENVIRONMENT))
