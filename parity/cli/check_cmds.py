"""``parity check``, ``parity diff`` and ``parity capture``: thin shells over parity.compare.

``parity check`` of one host is mostly waiting: the host's round trip (a ``docker exec`` or an
ssh connection plus the collection script) is the longest single step, and the comparison and
the reporter are not needed before it ends. So their modules are imported on a helper thread
while the host is working (:func:`_import_while_collecting`), which takes their import time off
the critical path (about 15 % of a one-host check; bench/suite/breakdown.py measures it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from parity.cli.completion import complete_hosts
from parity.cli.options import OPTIONAL_SPEC_HELP, Duration, optional_spec, spec_argument
from parity.cli.output import echo
from parity.report import REPORTERS

_format = click.option("--format", "fmt", type=click.Choice(sorted(REPORTERS)), default="text",
                       show_default=True, help="Report format.")
_output = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
                       help="Write the report to FILE (atomically) instead of stdout "
                            "(- is stdout).")
_timeout = click.option("--timeout", type=click.FloatRange(min=1), default=60.0,
                        show_default=True, help="Seconds per host, connection included.")
_paths = click.option("--path", "paths", multiple=True, metavar="P",
                      help="Also compare this absolute path (repeatable).")


def _emit(report: object, fmt: str, output: Path | None) -> int:
    from parity.fsutil import is_stdout, write_output
    from parity.report import render_report

    if is_stdout(output):
        output = None
    text = render_report(report, fmt, tty=output is None and fmt == "text" and sys.stdout.isatty())  # type: ignore[arg-type]
    if output is None:
        click.echo(text, nl=False)  # sanitised by the reporter; rich's colours must survive
    else:
        write_output(output, text)
    return int(report.exit_code)  # type: ignore[attr-defined]


#: what ``check`` needs only after the hosts answered (the reporter's module is added per format)
_AFTER_COLLECTION = ("parity.compare.against_spec",)


def _import_while_collecting(fmt: str) -> None:
    """Import the comparison and the ``fmt`` reporter on a daemon thread, starting once the
    first host command is on its way (so the import never delays the collection's own start,
    and the collection's thread is waiting on the host, not importing, while this one runs).

    Purely an optimisation: a failed import here is ignored (the main thread imports the same
    modules when it needs them and reports any error itself), and the main thread simply waits
    on Python's module lock if it gets there first.
    """
    import importlib
    import threading
    import time

    from parity.facts import transport

    started = transport.commands_started()
    modules = (*_AFTER_COLLECTION, REPORTERS.get(fmt, "").partition(":")[0])

    def work() -> None:
        deadline = time.monotonic() + 10
        while transport.commands_started() == started and time.monotonic() < deadline:
            time.sleep(0.002)
        for module in filter(None, modules):
            try:
                importlib.import_module(module)
            except Exception:  # the main thread imports it again and reports the error
                continue

    threading.Thread(target=work, name="parity-import-ahead", daemon=True).start()


@click.command()
@spec_argument
@click.option("--host", "-H", "hosts", multiple=True, metavar="URL",
              shell_complete=complete_hosts,
              help="docker://NAME, ssh://user@host:port, local://, a spec hosts: name, dev.")
@click.option("--inventory", type=click.Path(),
              help="Ansible inventory (file or directory); --host names a pattern in it.")
@click.option("--role", type=click.Choice(["dev", "prod"]),
              help="Default: prod, and dev for the host named dev.")
@click.option("--strict", is_flag=True, help="Also report undeclared packages/users/groups/ports.")
@click.option("--base-facts", type=click.Path(dir_okay=False, path_type=Path),
              help="Snapshot of the pristine base system for --strict.")
@_format
@_output
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Only findings not in this baseline fail.")
@click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Record the current failing findings as a baseline (- is stdout).")
@click.option("--jobs", type=click.IntRange(min=1), help="Hosts collected at once.")
@_timeout
@click.option("--retry-timeout", type=Duration(), default=0, show_default=True,
              metavar="DURATION",
              help="Check again until no drift is left or this much time has passed (60s, 2m): "
                   "for a freshly started environment whose services are still coming up.")
@click.option("--sleep", type=Duration(), default=1.0, show_default=True, metavar="DURATION",
              help="Pause between attempts with --retry-timeout.")
def check(spec: str, hosts: tuple[str, ...], inventory: str | None, role: str | None,
          strict: bool, base_facts: Path | None, fmt: str, output: Path | None,
          baseline: Path | None, write_baseline: Path | None, jobs: int | None,
          timeout: float, retry_timeout: float, sleep: float) -> int:
    """Check hosts against SPEC. Exit 0 no drift, 1 drift, 2 usage, 3 a host not checked.

    \b
    Examples:
      parity check -H docker://shop-dev
      parity up && parity check -H dev --retry-timeout 60s --sleep 2s
      parity check --inventory hosts.yml -H web --format junit -o drift.xml
    """
    from parity.compare.check import CheckOptions, run_check
    from parity.errors import UsageError
    from parity.fsutil import is_stdout
    from parity.spec import load_spec

    if is_stdout(write_baseline) and (output is None or is_stdout(output)):
        raise UsageError("--write-baseline - and the report would both go to stdout",
                         hint="Write the report to a file with -o FILE, or the baseline to one.")
    options = CheckOptions(role=role, strict=strict, jobs=jobs,  # type: ignore[arg-type]
                           timeout=timeout, baseline=baseline, base_facts=base_facts)
    loaded = load_spec(spec)
    _import_while_collecting(fmt)
    if retry_timeout > 0:
        from parity.compare.converge import check_until
        from parity.compare.result import Report

        def waiting(attempt: int, report: Report) -> None:
            echo(f"attempt {attempt}: {report.summary_line()}; checking again in {sleep:g}s "
                 f"(--retry-timeout {retry_timeout:g}s)", err=True)

        report = check_until(loaded, hosts, inventory, options, retry_timeout, sleep, waiting)
    else:
        report = run_check(loaded, hosts, inventory, options)
    if write_baseline is not None:
        from parity.compare.check import record_baseline

        record_baseline(report, write_baseline)
    return _emit(report, fmt, output)


@click.command()
@click.argument("a", shell_complete=complete_hosts)
@click.argument("b", shell_complete=complete_hosts)
@click.option("--spec", "spec_path", type=click.Path(path_type=Path), metavar="PATH",
              help=f"Spec for host names and ignore rules. {OPTIONAL_SPEC_HELP}")
@_format
@_output
@_timeout
@_paths
def diff(a: str, b: str, spec_path: Path | None, fmt: str, output: Path | None,
         timeout: float, paths: tuple[str, ...]) -> int:
    """Compare host B with host A (URLs, spec host names or snapshot .json files).

    \b
    Examples:
      parity diff prod dev                        # names from the spec's hosts:
      parity diff docker://shop-dev docker://shop-clean
      parity diff yesterday.json ssh://deploy@web-1 --format markdown
    """
    from parity.compare.check import run_diff
    from parity.spec import load_spec

    found = optional_spec(str(spec_path) if spec_path is not None else None)
    spec = load_spec(found) if found is not None else None
    return _emit(run_diff(a, b, spec, paths, timeout), fmt, output)


@click.command()
@click.argument("url")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("parity.yaml"), show_default=True,
              help="Spec file to write (- prints it).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option("--name", help="Spec name (default: from the host).")
@click.option("--no-pin", is_flag=True, help='Write "*" instead of =version pins.')
@click.option("--base-facts", type=click.Path(dir_okay=False, path_type=Path),
              help="Snapshot of the pristine base system (default: the local base image).")
@click.option("--path", "paths", multiple=True, metavar="DIR",
              help="Also capture files under this absolute path (repeatable; /etc always).")
@click.option("--no-files", is_flag=True, help="Capture no files (the spec only).")
@_timeout
def capture(url: str, output: Path, force: bool, name: str | None, no_pin: bool,
            base_facts: Path | None, paths: tuple[str, ...], no_files: bool,
            timeout: float) -> None:
    """Write a spec describing host URL (or a snapshot .json) beyond its base system.

    Files that differ from what packages shipped, and files under /etc (and --path) that no
    package owns, are written beside the spec (files/...); secrets are declared, never copied
    (docs/findings.md, Capture). Items the host has but a spec cannot declare (a user named
    a$b, a socket) are left out, each with a warning and a line in the spec's header comment.

    \b
    Examples:
      parity capture ssh://deploy@web-1 -o prod/parity.yaml
      parity capture docker://app --path /srv/app -o prod/parity.yaml
      parity capture web-1.json --no-pin -o -        # from a snapshot, to stdout
    """
    from parity.compare.capture import capture_host_files, write_captured_spec
    from parity.errors import UsageError
    from parity.fsutil import is_stdout
    from parity.redact import redact_url
    from parity.textsafe import quoted, safe

    if not is_stdout(output) and output.exists() and not force:
        raise UsageError(f"{output} already exists; not overwriting it",
                         hint="Pass --force to replace it, or choose another -o path.")
    for path in paths:
        if not path.startswith("/") or "\0" in path or path.rstrip("/") == "":
            raise UsageError(f"--path {quoted(path)}: must be an absolute folder or file, not /",
                             hint="Give the full path on the host, e.g. /srv/app.")
    why = None
    if is_stdout(output):
        if paths:
            raise UsageError("--path captures files, which go beside the spec; -o - prints "
                             "the spec only", hint="Write it to a folder: -o DIR/parity.yaml.")
        why = ("Files are not captured: the spec went to stdout, and file contents go beside "
               "a spec (-o DIR/parity.yaml).")
    elif no_files:
        why = "Files are not captured (--no-files)."
    text, left_out, sources = capture_host_files(
        url, base_facts=base_facts, name=name, pin=not no_pin, timeout=timeout,
        files=why is None, roots=tuple(p.rstrip("/") for p in paths), no_files_why=why)
    write_captured_spec(text, output, force=force, sources=sources)
    for line in left_out:  # also in the spec's header comment; host text: one line each
        click.echo(safe(f"warning: capture: {line}"), err=True)
    if is_stdout(output):
        echo(f"captured from {redact_url(url)}; review it, then `parity validate`", err=True)
    else:
        echo(f"{output}: captured from {redact_url(url)}; review it, then "
             f"`parity validate {output}`")
