"""What every benchmark area shares: the run context, timing with rusage, interleaved rounds,
statistics, goals, the machine description and clean-up that survives Ctrl-C.

Why a harness at all: absolute times on these shared 2-core machines move by tens of percent
between minutes, so every area measures parity *next to* its alternative in the same run,
alternating which goes first, and reports the ratio of medians next to min/median/max. An area
module exposes ``run(ctx) -> Section``; ``bench/run.py`` calls them, writes the JSON and the
generated part of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
#: the venv's interpreter (bench runs with it; parity and testinfra live there)
PYTHON = Path(sys.executable)
#: label on every container the suite starts (the test suite's label too: .ci/run reports leaks)
LABEL = "org.parity.test=1"
#: every container of this run carries this label, so the end-of-run sweep removes this run's
#: leftovers and never those of another bench run measuring on the same machine at the time
RUN_ID = uuid.uuid4().hex[:8]
BENCH_LABEL = f"org.parity.bench.run={RUN_ID}"


class BenchError(Exception):
    """A benchmark could not run or produced a wrong result (CI fails on these, never on time)."""


# ---------------------------------------------------------------------------------------------
# clean-up


class Cleanup:
    """Undo actions run in reverse order at the end, on an exception, on SIGINT and on SIGTERM.

    Areas register what they start (``ctx.cleanup.add(fn)``) right after starting it, so an
    interrupted run still removes its containers, processes and files."""

    def __init__(self) -> None:
        self._actions: list[tuple[str, Callable[[], object]]] = []

    def add(self, what: str, fn: Callable[[], object]) -> None:
        self._actions.append((what, fn))

    def run(self) -> None:
        while self._actions:
            what, fn = self._actions.pop()
            try:
                fn()
            except Exception as exc:  # keep cleaning the rest
                print(f"[bench] clean-up of {what} failed: {exc}", file=sys.stderr)

    @contextlib.contextmanager
    def scope(self) -> Iterator[Cleanup]:
        """Run the actions when the block ends, however it ends; SIGTERM becomes KeyboardInterrupt
        so ``finally`` blocks run."""
        def _term(signum: int, frame: object) -> None:
            raise KeyboardInterrupt(f"signal {signum}")
        old = signal.signal(signal.SIGTERM, _term)
        try:
            yield self
        finally:
            signal.signal(signal.SIGTERM, old)
            self.run()


def remove_containers(*names: str) -> None:
    if names:
        subprocess.run(["docker", "rm", "-f", *names], capture_output=True, check=False)


def remove_labelled(label: str = BENCH_LABEL) -> None:
    """Remove every container carrying ``label`` (by default: this run's own)."""
    ids = subprocess.run(["docker", "ps", "-aq", "--filter", f"label={label}"],
                         capture_output=True, text=True, check=False).stdout.split()
    remove_containers(*ids)


# ---------------------------------------------------------------------------------------------
# context


@dataclass
class Context:
    """What an area gets: the mode, how many rounds, a scratch folder, the clean-up stack."""

    quick: bool
    rounds: int
    workdir: Path
    cleanup: Cleanup
    #: area-specific knobs from the command line (e.g. ``hosts`` for the fleet area)
    options: dict[str, Any] = field(default_factory=dict)

    def log(self, msg: str) -> None:
        print(f"[bench] {msg}", file=sys.stderr, flush=True)

    def parity(self) -> list[str]:
        """The whole-process command line of the parity under test."""
        return [str(PYTHON), "-m", "parity"]


# ---------------------------------------------------------------------------------------------
# timing


@dataclass(frozen=True)
class Timed:
    """One finished child process: wall seconds, CPU seconds (its own plus the descendants it
    waited for, from wait4), peak RSS of the largest of them, and what it printed."""

    wall: float
    cpu: float
    maxrss_mib: float
    rc: int
    stdout: bytes
    stderr: bytes

    def text(self) -> str:
        return self.stdout.decode(errors="replace")


def run_measured(cmd: Sequence[str], *, env: dict[str, str] | None = None,
                 cwd: str | Path | None = None, timeout: float = 3600,
                 on_poll: Callable[[int], None] | None = None, poll: float = 0.002,
                 interrupt_grace: float = 0.0) -> Timed:
    """Run ``cmd`` to the end and measure it with ``wait4``: wall time, CPU of the process and
    of every descendant it waited for (so the CPU of parity's ssh/docker clients counts, which
    ``time.process_time`` would miss) and the peak RSS of the largest of them. Output goes to
    files (so a chatty child never blocks) and is read back afterwards. ``on_poll(pid)`` runs
    every ``poll`` seconds while the child lives (to sample its /proc entries).

    When the caller is interrupted (Ctrl-C, SIGTERM, an exception from ``on_poll``) the child's
    process group is killed; with ``interrupt_grace`` it gets SIGINT first and that many seconds
    to clean up after itself (a ``parity up`` removes its half-built images on SIGINT, which a
    SIGKILL would leave behind). A timeout is always a SIGKILL."""
    import tempfile

    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        start = time.perf_counter()
        # with a grace period the child must be able to get SIGINT, which a bench started in
        # the background (`&` in a script) would otherwise pass on ignored
        p = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=out_f, stderr=err_f,
                             env=env, cwd=cwd, start_new_session=True,
                             preexec_fn=_default_sigint if interrupt_grace > 0 else None)
        deadline = start + timeout
        try:
            while True:
                pid, status, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    break
                if on_poll is not None:
                    on_poll(p.pid)
                if time.perf_counter() > deadline:
                    os.killpg(p.pid, signal.SIGKILL)
                    raise BenchError(f"timed out after {timeout:.0f} s: {' '.join(cmd)[:200]}")
                time.sleep(poll)
        except BaseException as exc:
            try:
                if interrupt_grace > 0 and not isinstance(exc, BenchError):
                    _interrupt(p.pid, interrupt_grace)
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(p.pid, 0)
            raise
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        out_f.seek(0)
        err_f.seek(0)
        return Timed(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, p.returncode,
                     out_f.read(), err_f.read())


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(pid: int, grace: float) -> None:
    """SIGINT to the group led by ``pid``; wait up to ``grace`` seconds for the leader to end
    (it is then reaped: the caller's waitpid finds nothing, which is fine)."""
    try:
        os.killpg(pid, signal.SIGINT)
    except ProcessLookupError:
        return
    end = time.monotonic() + grace
    while time.monotonic() < end:
        try:
            done, _status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        time.sleep(0.05)


def stats(values: Sequence[float], digits: int = 4) -> dict[str, float]:
    """min / median / max / n of ``values`` (seconds or whatever unit the caller uses)."""
    if not values:
        raise BenchError("no measurements")
    return {"min": round(min(values), digits), "median": round(statistics.median(values), digits),
            "max": round(max(values), digits), "n": len(values)}


def interleave(rounds: int, contenders: dict[str, Callable[[], float]],
               log: Callable[[str], None] | None = None) -> dict[str, list[float]]:
    """Run each contender once per round, alternating the order every round (A B, B A, ...),
    so drifting load on a shared machine hits both sides alike. Each callable returns the value
    it measured (usually seconds)."""
    names = list(contenders)
    out: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else list(reversed(names))
        for n in order:
            out[n].append(contenders[n]())
        if log:
            log(f"round {r + 1}/{rounds}: " + ", ".join(f"{n} {out[n][-1]:.3f}" for n in names))
    return out


def ratio(slow: Sequence[float], fast: Sequence[float]) -> float:
    """How many times faster ``fast`` is than ``slow``, median against median."""
    return statistics.median(slow) / statistics.median(fast)


# ---------------------------------------------------------------------------------------------
# results


@dataclass
class Goal:
    """One goal from the issue: what was asked, what was measured, whether it is met."""

    id: str
    text: str
    target: str
    measured: str
    met: bool
    #: when not met: by how much and why (the profile, the floor)
    why: str = ""


@dataclass
class Section:
    """One area's results: a Markdown body (tables) for RESULTS.md plus machine-readable data."""

    key: str
    title: str
    body_md: str
    data: dict[str, Any] = field(default_factory=dict)
    goals: list[Goal] = field(default_factory=list)
    #: knobs that favour one side, written down as the rules ask
    knobs: list[str] = field(default_factory=list)
    #: when and on what it was measured (set by bench/run.py): a full run of some areas keeps
    #: the other areas' sections from the previous results, each with its own stamp
    stamp: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def md_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt_s(x: float) -> str:
    """Seconds, readable at every scale (0.081 s, 1.23 s, 95 s)."""
    if x < 1:
        return f"{x * 1000:.0f} ms" if x >= 0.01 else f"{x * 1000:.1f} ms"
    return f"{x:.2f} s" if x < 10 else f"{x:.0f} s"


def fmt_stats(st: dict[str, float]) -> str:
    return f"{fmt_s(st['median'])} ({fmt_s(st['min'])}–{fmt_s(st['max'])})"


# ---------------------------------------------------------------------------------------------
# the machine


def _first(cmd: Sequence[str]) -> str:
    if not shutil.which(cmd[0]):
        return "not installed"
    p = subprocess.run(list(cmd), capture_output=True, text=True, check=False)
    return ((p.stdout or p.stderr).strip().splitlines() or ["?"])[0]


def machine() -> dict[str, Any]:
    """CPU model, cores, memory, kernel, Docker and OpenSSH versions, load at the start."""
    cpuinfo = Path("/proc/cpuinfo").read_text()
    cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines()
                if ln.startswith("model name")), platform.processor() or "?")
    mem_kib = int(next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines()
                       if ln.startswith("MemTotal")))
    os_name = "?"
    with contextlib.suppress(OSError):
        os_name = next((ln.split("=", 1)[1].strip('"') for ln in
                        Path("/etc/os-release").read_text().splitlines()
                        if ln.startswith("PRETTY_NAME=")), "?")
    docker = subprocess.run(["docker", "version", "--format", "{{.Server.Version}}"],
                            capture_output=True, text=True, check=False).stdout.strip()
    import importlib.metadata as md

    def version(dist: str) -> str:
        try:
            return md.version(dist)
        except md.PackageNotFoundError:
            return "not installed"

    return {
        "cpu": cpu, "cores": os.cpu_count(), "mem_gib": round(mem_kib / 2**20, 1),
        "kernel": platform.release(), "os": os_name, "python": platform.python_version(),
        "docker": docker or "not running", "openssh": _first(["ssh", "-V"]),
        "testinfra": version("pytest-testinfra"), "parity_commit": _first(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]),
        "loadavg_start": Path("/proc/loadavg").read_text().split()[:3],
    }


def write_json(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    tmp.replace(path)
