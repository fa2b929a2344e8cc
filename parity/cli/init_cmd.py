"""``parity init``: write a commented starter ``parity.yaml`` for the project in a folder.

It never asks anything, on a terminal or not: the defaults and the flags decide, so the same
command works in a script, in CI and by hand. The starter is ``templates/init/parity.yaml.j2``
(every section present and explained); it is loaded as a spec before it is written, so what
lands on disk always passes ``parity validate``. ``--from URL`` writes what ``parity capture``
would instead (a spec describing a live host).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from parity.cli.output import echo

#: what the spec's ``name`` accepts (parity.spec.model.HostName), lower-cased because the name
#: becomes the docker image ``<name>:dev``, and image names are lower-case only
_NAME_MAX = 64
_NOT_NAME = re.compile(r"[^a-z0-9_.-]+")
_SPEC_FILES = ("parity.yaml", "parity.yml")


def name_for(folder: Path) -> str:
    """A valid spec name from a folder's name: ``My Shop!`` -> ``my-shop``; ``app`` if nothing
    usable is left (a folder named ``...`` or ``/``)."""
    name = _NOT_NAME.sub("-", folder.name.lower())
    name = re.sub(r"^[^a-z0-9]+", "", name)[:_NAME_MAX].rstrip("-._")
    return name or "app"


def starter_text(name: str, base: str) -> str:
    """The commented starter spec for ``name`` on ``base``."""
    from parity.templating import make_environment

    env = make_environment("init", {"json": lambda v: json.dumps(v, ensure_ascii=False)})
    return env.get_template("parity.yaml.j2").render(
        name=name, base=base, description=f"{name}: the development environment")


@click.command()
@click.argument("folder", required=False, default=".",
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--from", "from_url", metavar="URL",
              help="Describe a live host instead (what `parity capture URL` writes).")
@click.option("--force", is_flag=True, help="Replace an existing parity.yaml / parity.yml.")
@click.option("--name", help="Spec name. Default: FOLDER's name, lower-cased, other characters "
                             "than letters, digits and . _ - turned into -.")
@click.option("--base", default="debian:12", show_default=True,
              help="Base distribution (distro:release).")
def init(folder: Path, from_url: str | None, force: bool, name: str | None, base: str) -> None:
    """Write a commented starter parity.yaml in FOLDER.

    FOLDER defaults to this folder. Asks nothing: defaults and flags decide. Refuses to
    replace an existing spec without --force.

    \b
    Examples:
      parity init                      # ./parity.yaml named after this folder
      parity init ~/src/shop --name shop --base ubuntu:24.04
      parity init --from ssh://deploy@web-1 --force
    """
    from parity.errors import UsageError

    folder = folder.resolve()
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder", hint="Create it first, or name another.")
    existing = [folder / n for n in _SPEC_FILES if (folder / n).exists()]
    if existing and not force:
        raise UsageError(f"{existing[0]} already exists; not overwriting it",
                         hint="Pass --force to replace it, or run `parity validate` to use it.")
    out = folder / "parity.yaml"
    spec_name = name if name is not None else name_for(folder)
    if from_url is not None:
        _capture(from_url, out, name)
    else:
        _write_starter(starter_text(spec_name, base), out)
    stale = [p for p in existing if p != out]
    if stale:
        echo(f"note: {stale[0]} is still there; parity.yaml is found first", err=True)
    echo(f"{out}: written; edit it, then `parity validate` and `parity render -t docker`")


def _write_starter(text: str, out: Path) -> None:
    """Load ``text`` as the spec it will be (a bad --name or --base is a spec error, exit 2,
    and nothing is written), then write it atomically."""
    from parity.fsutil import write_output
    from parity.spec import load_spec_text

    load_spec_text(text, out)
    write_output(out, text)


def _capture(url: str, out: Path, name: str | None) -> None:
    """``parity capture URL -o OUT --force`` (the overwrite check was done by the caller)."""
    from parity.compare.capture import capture_host_files, write_captured_spec
    from parity.fsutil import is_stdout
    from parity.textsafe import safe

    # files beside the spec, as capture writes them; stdout cannot carry them
    why = "Files are not captured when the spec goes to stdout." if is_stdout(out) else None
    text, left_out, sources = capture_host_files(url, base_facts=None, name=name, pin=True,
                                                 files=why is None, no_files_why=why)
    write_captured_spec(text, out, force=True, sources=sources)
    for line in left_out:
        click.echo(safe(f"warning: capture: {line}"), err=True)
