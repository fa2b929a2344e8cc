"""Collect facts from hosts: one script, one round trip, parsed per section.

:func:`collect` does one host and raises :class:`~parity.errors.HostError`; :func:`collect_many`
runs a bounded thread pool over many hosts and turns every failure (unreachable, timed out, killed
mid-run, garbage output) into an error entry for that host while the others complete; a missing
optional package (:class:`~parity.optional.MissingExtra`, e.g. paramiko for a paramiko:// host)
is the install's fault, not the host's, and stops the run with exit 2 instead. Threads are
enough: each host is a child process (docker/ssh client) or a socket, so the GIL is never the
bottleneck, and the pool bound caps how many clients run at once.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from parity.errors import HostError, UsageError
from parity.facts import transport
from parity.facts.collectors import ParseError, get_collector
from parity.facts.hosts import HostTarget
from parity.facts.model import Facts
from parity.facts.request import CollectRequest
from parity.facts.script import Script, ScriptOutputError, build_script, split_output
from parity.optional import MissingExtra

DEFAULT_TIMEOUT = 60.0
MAX_JOBS = 32
#: warnings kept per fact kind: a host with a million odd lines gets a count, not a million lines
MAX_WARNINGS = 20
#: Linux refuses a single argument longer than this (MAX_ARG_STRLEN); the script is one
_MAX_SCRIPT = 120_000


@dataclass
class HostResult:
    """One host's outcome: ``facts`` or ``error`` (a message naming the host), never both."""

    target: HostTarget
    facts: Facts | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def name(self) -> str:
        return self.target.name


def _as_target(target: HostTarget | str) -> HostTarget:
    return target if isinstance(target, HostTarget) else HostTarget(target, target)


def parse_output(script: Script, host: str, stdout: str) -> Facts:
    """Split and parse a host's output into :class:`Facts` (pure; raises ScriptOutputError)."""
    sections = split_output(script, stdout)
    facts = Facts(host=host, collected_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    request = script.request
    for kind in script.kinds:
        if kind in sections.unavailable:
            facts.unavailable[kind] = sections.unavailable[kind]
            continue
        warnings: list[str] = []
        try:
            parsed = get_collector(kind).parse(sections.text[kind], request, warnings)
        except ParseError as exc:
            raise ScriptOutputError(f"{kind}: {exc}") from None
        setattr(facts, kind, parsed)
        said = list(dict.fromkeys(warnings))
        facts.warnings.extend(f"{kind}: {w}" for w in said[:MAX_WARNINGS])
        if len(said) > MAX_WARNINGS:
            facts.warnings.append(f"{kind}: {len(said) - MAX_WARNINGS} more items skipped "
                                  "(warnings not shown)")
    return facts


def collect(target: HostTarget | str, request: CollectRequest | None = None,
            timeout: float = DEFAULT_TIMEOUT, max_output: int | None = None) -> Facts:
    """Collect ``target``'s facts with ONE command on the host; raise HostError naming the host.

    Read-only: the script is the command itself (nothing is copied to the host), its snippets only
    read files and run query tools. ``timeout`` bounds the whole round trip, connection included;
    the client process is killed when it passes (and, where the host has ``timeout``, the script
    is killed on the host too). ``max_output`` bounds the bytes read from the host (default:
    ``PARITY_MAX_OUTPUT`` or :data:`~parity.facts.transport.DEFAULT_MAX_OUTPUT`); past it the
    client is killed and the host is an error.
    """
    target = _as_target(target)
    request = request or CollectRequest()
    limit = max_output if max_output is not None else _max_output()
    script = build_script(request)
    command = script.command(deadline=max(1, int(timeout) - 1))
    if len(command) > _MAX_SCRIPT:
        raise HostError(f"{target.name}: the collection script is {len(command)} bytes, over the "
                        f"{_MAX_SCRIPT}-byte limit of one command line",
                        hint="Request fewer --path entries per run.")
    try:
        backend = target.backend()
    except (HostError, MissingExtra):  # a missing extra is the install's fault, not the host's
        raise
    except Exception as exc:
        raise HostError(f"{target.name}: cannot set up the transport: {exc}") from None
    try:
        out = transport.run(backend, command, timeout, limit)
    except transport.TransportTimeout:
        raise HostError(f"{target.name}: timed out after {timeout:g}s",
                        hint="The host did not answer in time; check it is up, or raise "
                             "--timeout.") from None
    except transport.OutputTooLarge as exc:
        raise HostError(f"{target.name}: {exc}; the collection was stopped",
                        hint="The host printed far more than a collection needs (a huge "
                             "/etc/passwd or process list?); look at the host, or raise "
                             "PARITY_MAX_OUTPUT (docs/facts.md, Limits).") from None
    except transport.TransportFailure as exc:
        raise HostError(f"{target.name}: {exc}") from None
    stdout = out.stdout.decode("utf-8", "replace")
    try:
        return parse_output(script, target.name, stdout)
    except ScriptOutputError as exc:
        raise HostError(f"{target.name}: {_explain(out, exc)}") from None


def _max_output() -> int:
    try:
        return transport.max_output_from_env()
    except ValueError as exc:
        raise UsageError(str(exc)) from None


#: how much of a transport's own words an error message quotes
_SAID = 240


def _said(data: bytes) -> str:
    """The end of what a transport printed, one line, at most :data:`_SAID` characters (raw:
    messages are sanitised once, when shown)."""
    text = " ".join(data[-4 * _SAID:].decode("utf-8", "replace").split())
    return text if len(text) <= _SAID else "..." + text[-_SAID:]


def _explain(out: transport.RunOutput, exc: ScriptOutputError) -> str:
    """Say why the output was unusable, with the transport's own words when it has some.

    ``docker exec`` into a container without ``/bin/sh`` prints its reason ("OCI runtime exec
    failed: ... stat /bin/sh: no such file or directory") on stdout and exits 126; when no
    marker came back, whatever came back is those words, so they are quoted from stdout too.
    """
    err = _said(out.stderr)
    no_markers = "none of the collection markers" in str(exc)
    failed = no_markers and (out.rc not in (0, 1) or bool(err))  # our script never ran
    said = err or (_said(out.stdout) if failed else "")
    detail = f"; the transport said: {said}" if said else ""
    if out.rc < 0:
        return f"the transport process was killed (signal {-out.rc}){detail}"
    if out.rc == 137:
        return f"the collection was killed on the host (exit 137: SIGKILL){detail}"
    if failed:
        return f"the command failed with exit status {out.rc}{detail}"
    return f"unusable output ({exc}; exit status {out.rc}){detail}"


def _collect_one(target: HostTarget, request: CollectRequest, timeout: float,
                 max_output: int) -> HostResult:
    start = time.monotonic()
    try:
        facts = collect(target, request, timeout, max_output)
        return HostResult(target, facts=facts, seconds=time.monotonic() - start)
    except MissingExtra:  # every host that needs it would fail alike: stop the run, exit 2
        raise
    except HostError as exc:
        return HostResult(target, error=exc.render(), seconds=time.monotonic() - start)
    except Exception as exc:  # a bug or an unforeseen transport failure: still one host's error
        text = str(exc) if len(str(exc)) <= _SAID else str(exc)[:_SAID] + "..."
        return HostResult(target, error=f"{target.name}: {type(exc).__name__}: {text}",
                          seconds=time.monotonic() - start)


ProgressHook = Callable[[HostResult], None]


def collect_many(
    targets: Sequence[HostTarget | str],
    request: CollectRequest | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool | ProgressHook | None = None,
    max_output: int | None = None,
    on_result: ProgressHook | None = None,
) -> list[HostResult]:
    """Collect every target concurrently; one :class:`HostResult` per target, in input order.

    ``jobs`` bounds concurrent hosts (default ``min(32, len(targets))``); ``timeout`` and
    ``max_output`` (bytes read, see :func:`collect`) are per host.
    ``progress``: ``None`` shows a rich progress bar when stderr is a terminal, ``True``/``False``
    force it on/off, a callable is called with each finished result instead. ``on_result`` is
    called with each finished result too (in this thread, before the progress display), whatever
    ``progress`` says: a caller that compares each host as it arrives and then drops its facts
    (``res.facts = None``) keeps its memory flat in the number of hosts, where the returned list
    would otherwise hold every host's facts to the end (about 70 KiB per minimal Debian host).
    On Ctrl-C every running transport process is killed before ``KeyboardInterrupt`` propagates.
    """
    resolved = [_as_target(t) for t in targets]
    if not resolved:
        return []
    request = request or CollectRequest()
    limit = max_output if max_output is not None else _max_output()
    jobs = max(1, min(jobs or MAX_JOBS, len(resolved)))
    hook, bar = _progress(progress, len(resolved))
    results: dict[int, HostResult] = {}
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="parity-collect")
    try:
        futures = {pool.submit(_collect_one, t, request, timeout, limit): i
                   for i, t in enumerate(resolved)}
        for fut in as_completed(futures):
            res = fut.result()
            results[futures[fut]] = res
            if on_result:
                on_result(res)
            if hook:
                hook(res)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        transport.kill_all()
        raise
    finally:
        if bar is not None:
            bar.stop()
    pool.shutdown(wait=True)
    return [results[i] for i in range(len(resolved))]


def _progress(progress: bool | ProgressHook | None, total: int) -> tuple[ProgressHook | None, Any]:
    if callable(progress):
        return progress, None
    show = sys.stderr.isatty() if progress is None else bool(progress)
    if not show:
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from parity.textsafe import safe

    bar = Progress(TextColumn("collecting"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[last]}", markup=False), console=Console(stderr=True),
                   transient=True)
    task = bar.add_task("hosts", total=total, last="")
    bar.start()

    def hook(res: HostResult) -> None:
        # host names come from inventories and URLs: shown sanitised, like every report
        bar.update(task, advance=1, last=f"{safe(res.name)}: {'ok' if res.ok else 'error'}")

    return hook, bar
