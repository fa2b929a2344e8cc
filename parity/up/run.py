"""The order of ``up``, ``down`` and ``status``: decide first, act only when needed.

``up`` looks before it renders: when the environment already runs from the current spec hash it
returns at once (no render, no build), which is what keeps the no-op under three seconds. Secrets
are resolved before anything is rendered or built, so a missing one costs nothing.
"""

from __future__ import annotations

import logging
import os
import shlex
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parity.errors import UsageError
from parity.facts.request import secret_paths
from parity.spec import Spec
from parity.textsafe import quoted
from parity.up.base import DEFAULT_NETWORK, NETWORK_MODES, Driver, Request, get_driver
from parity.up.changes import diff_snapshots, snapshot, summary_lines
from parity.up.decision import Decision, Observed, decide, format_uptime, freshness
from parity.up.display import Display
from parity.up.inplace import Plan
from parity.up.inplace import plan as plan_in_place
from parity.up.lock import DEFAULT_WAIT, hold
from parity.up.secrets import read_secret_files, resolve_secrets
from parity.up.state import State, work_dir

PROVIDERS = ("docker", "virtualbox", "libvirt")
log = logging.getLogger(__name__)


@dataclass
class UpResult:
    """What ``up`` did, for the CLI to print and tests to check."""

    decision: Decision
    target: str
    name: str
    url: str | None
    #: one line per changed section ("packages: + vim *") when a stale environment was replaced
    changes: list[str] = field(default_factory=list)
    #: False when the previous spec was not recorded, so no change list could be made
    changes_known: bool = True
    seconds: float = 0.0
    observed: Observed | None = None
    #: the spec hash the replaced environment ran (stale case)
    previous_sha256: str | None = None
    #: how a stale environment was brought to the spec: ``in place`` or ``rebuilt``
    how: str | None = None
    #: in place: the phases run; rebuilt: what the build reused and rebuilt
    steps: list[str] = field(default_factory=list)
    #: in place: the services were restarted
    restarted: bool = False
    #: rebuilt although the environment ran: why the edit could not be applied in place
    not_in_place: list[str] = field(default_factory=list)


def up(spec: Spec, *, target: str = "docker", provider: str | None = None,
       name: str | None = None, env_file: str | Path | None = None,
       environ: Mapping[str, str] | None = None, network: str | None = None, force: bool = False,
       rebuild: bool = False, no_cache: bool = False, display: Display | None = None,
       wait: float = DEFAULT_WAIT, secret_files: Sequence[str] = ()) -> UpResult:
    """Bring ``spec``'s ``target`` environment to the current spec; idempotent.

    A spec edit that qualifies (:mod:`parity.up.inplace`) is applied to the running docker
    environment in place; any other is rebuilt, reusing the build steps whose inputs did not
    change. ``rebuild`` (``force`` is its old name) always builds and recreates: the clean
    build; ``no_cache`` also builds every step again. ``secret_files`` (``PATH=LOCALFILE``, docker
    only) fill the spec's ``secret: true`` files of a container being created.

    Holds the environment's lock (:mod:`parity.up.lock`) from the first look to the last step,
    so a second ``up`` of it waits up to ``wait`` seconds (0: not at all, exit 75) and then
    finds it up to date instead of building it again.

    ``network`` (docker) is ``--network``; ``None`` takes the spec's ``targets.docker.network``,
    else :data:`~parity.up.base.DEFAULT_NETWORK`.
    """
    started = time.monotonic()
    display = display or Display()
    force = force or rebuild or no_cache
    network = network or spec.model.targets.docker.network or DEFAULT_NETWORK
    _check_options(target, provider, network, name)
    if no_cache and target != "docker":
        raise UsageError("--no-cache applies to the docker target only",
                         hint="For a clean Vagrant machine use `parity down --target vagrant` "
                              "then `parity up --target vagrant`.")
    if secret_files and target != "docker":
        raise UsageError("--secret-file applies to the docker target only",
                         hint="Put the value into the machine with `parity exec`.")
    files = read_secret_files(secret_files, secret_paths(spec))
    driver = get_driver(target, display)
    driver.preflight()
    name = name or driver.default_name(spec)
    with hold(driver.lock_keys(spec, name), what=driver.describe(name), command="up",
              wait=wait, display=display):
        return _up(spec, driver, name, started, target=target, provider=provider,
                   env_file=env_file, environ=environ, network=network, force=force,
                   no_cache=no_cache, display=display, secret_files=files)


def _up(spec: Spec, driver: Driver, name: str, started: float, *, target: str,
        provider: str | None, env_file: str | Path | None, environ: Mapping[str, str] | None,
        network: str, force: bool, no_cache: bool, display: Display,
        secret_files: dict[str, bytes]) -> UpResult:
    observed = driver.observe(spec, name)
    decision = decide(spec.sha256, observed, force=force)
    log.info("%s: %s (spec %s, environment %s)", driver.describe(name), decision.value,
             spec.sha256[:12], (observed.spec_sha256 or "none")[:12] if observed else "absent")
    if decision is Decision.CONFLICT:
        driver.conflict(spec, name)  # raises
    if decision in (Decision.UP_TO_DATE, Decision.STOPPED):
        _note_network(display, observed, network)
    if secret_files and decision in (Decision.UP_TO_DATE, Decision.STOPPED):
        _note_secret_files_unused(display, driver, name)
    if decision is Decision.UP_TO_DATE:
        return UpResult(decision, target, name, observed.url if observed else None,
                        seconds=time.monotonic() - started, observed=observed)
    secrets = resolve_secrets(spec.secret_env, os.environ if environ is None else environ,
                              env_file, spec_path=str(spec.path))
    if decision is Decision.STOPPED and observed is not None:
        now = driver.start(spec, observed)
        return UpResult(decision, target, name, now.url, seconds=time.monotonic() - started,
                        observed=now)
    state = State.load(spec.root)
    previous = state.get(target, name)
    current = snapshot(spec.model.model_dump(mode="json"), spec.file_hashes)
    # the snapshot of the spec the environment reflects, when state.json recorded that one
    base = (previous["snapshot"] if decision is Decision.STALE and observed is not None
            and previous and previous.get("spec_sha256") == observed.spec_sha256 else None)
    change_plan, not_in_place = _in_place_plan(driver, observed, base, current, force)
    if change_plan is not None:
        log.info("in place: phases %s for %s", ", ".join(change_plan.phases) or "none",
                 "; ".join(change_plan.applied) or "no change that reaches the environment")
    out_dir = work_dir(spec.root) / target
    display.phase(f"rendering {target} files into {out_dir}")
    _render(spec, target, out_dir)
    request = Request(spec=spec, name=name, out_dir=out_dir, provider=provider,
                      network=network, secrets=secrets, no_cache=no_cache,
                      secret_files=secret_files)
    if change_plan is not None and observed is not None:
        if secret_files:
            _note_secret_files_unused(display, driver, name)
        _note_network(display, observed, network, kept="updated in place")
        now, restarted = driver.apply_in_place(request, change_plan, observed)
        how, steps = "in place", list(change_plan.phases)
    else:
        if not_in_place:
            display.info("not applied in place, rebuilding: " + "; ".join(not_in_place))
        now, restarted = driver.bring_up(request, decision, observed), False
        summary = driver.build_summary()
        how, steps = "rebuilt", [summary] if summary else []
    _note_empty_secrets(display, driver, now, spec)
    changes: list[str] = []
    known = True
    if decision is Decision.STALE and observed is not None:
        if base is not None:
            changes = summary_lines(diff_snapshots(base, current))
        else:
            known = False
    state.put(target, name, {"spec_sha256": spec.sha256, "snapshot": current, "url": now.url,
                             "provider": provider, "network": (now.network or network)
                             if target == "docker" else None})
    return UpResult(decision, target, name, now.url, changes, known,
                    time.monotonic() - started, now,
                    observed.spec_sha256 if observed is not None else None,
                    how=how if decision is Decision.STALE else None, steps=steps,
                    restarted=restarted,
                    not_in_place=not_in_place)


def _in_place_plan(driver: Driver, observed: Observed | None, base: dict[str, Any] | None,
                   current: dict[str, Any], force: bool) -> tuple[Plan | None, list[str]]:
    """The in-place plan for a stale environment, or None and why not (empty: not asked)."""
    if observed is None or force or not driver.in_place:
        return None, []
    if observed.incomplete:
        return None, ["an earlier in-place update did not finish"]
    if not observed.running:
        return None, ["the environment is stopped"]
    if base is None:
        return None, ["the spec it was brought up from is not recorded in .parity/state.json"]
    change_plan = plan_in_place(base, current)
    return (change_plan, []) if change_plan.possible else (None, list(change_plan.reasons))


def down(spec: Spec, *, target: str = "docker", name: str | None = None,
         keep_image: bool = False, display: Display | None = None,
         wait: float = DEFAULT_WAIT) -> list[str]:
    """Remove what ``up`` created for ``spec``'s ``target`` (found by label / Vagrant machine).

    Takes the same lock as ``up``: removing an environment another ``up`` is building waits.
    """
    display = display or Display()
    _check_options(target, None, "host", name)
    driver = get_driver(target, display)
    name = name or driver.default_name(spec)
    with hold(driver.lock_keys(spec, name), what=driver.describe(name), command="down",
              wait=wait, display=display):
        removed = driver.down(spec, name, keep_image=keep_image)
        State.load(spec.root).drop(target, name)
    return removed


def status(spec: Spec, *, targets: tuple[str, ...] = ("docker", "vagrant"),
           display: Display | None = None) -> list[dict[str, Any]]:
    """One row per target (and per named docker environment) for ``parity status``."""
    from parity.errors import ParityError

    display = display or Display(quiet=True)
    rows: list[dict[str, Any]] = []
    for target in targets:
        try:
            driver = get_driver(target, display)
            found = [o for o in driver.list(spec) if o.managed]
        except ParityError as exc:
            # one unreachable target (no daemon) must not hide the others; the CLI exits 4
            rows.append({**_row(spec, target, "-", None), "state": "unknown",
                         "error": exc.render()})
            continue
        if not found:
            rows.append(_row(spec, target, driver.default_name(spec), None))
        rows += [_row(spec, target, o.name, o) for o in found]
    return rows


def _row(spec: Spec, target: str, name: str, observed: Observed | None) -> dict[str, Any]:
    uptime = observed.uptime() if observed else None
    return {
        "target": target,
        "name": name,
        "exists": observed is not None,
        "running": bool(observed and observed.running),
        "state": (observed.state or ("running" if observed.running else "stopped"))
        if observed else "absent",
        "freshness": freshness(spec.sha256, observed),
        "spec_sha256": observed.spec_sha256 if observed else None,
        "current_sha256": spec.sha256,
        # the spec the image was built from; differs from spec_sha256 after in-place updates
        "built_sha256": (observed.built_sha256 or observed.spec_sha256) if observed else None,
        "in_place_updates": observed.in_place if observed else 0,
        "incomplete": bool(observed and observed.incomplete),
        "url": observed.url if observed and observed.running else None,
        "uptime_seconds": round(uptime, 1) if uptime is not None else None,
        "uptime": format_uptime(uptime),
        "started_at": observed.started_at.isoformat() if observed and observed.started_at
        else None,
        "error": None,
    }


def dev_url(spec: Spec) -> str | None:
    """The testinfra URL of ``spec``'s running dev environment, or None.

    The drift checker resolves the host name ``dev`` with this. Preference: the default docker
    environment, then any other docker environment parity made for this spec, then the Vagrant
    one. None means no environment runs (a missing tool counts as none); but when none was found
    and the Docker daemon does not answer, that is no answer at all: its
    :class:`~parity.errors.EnvironmentError_` (exit 4) is raised rather than a misleading "no
    dev environment is running".
    """
    from parity.errors import ParityError

    display = Display(quiet=True)
    failed = False
    for target in ("docker", "vagrant"):
        try:
            driver = get_driver(target, display)
            default = driver.default_name(spec)
            running = [o for o in driver.list(spec) if o.managed and o.running and o.url]
        except ParityError:
            failed = True
            continue
        running.sort(key=lambda o: (o.name != default, o.name))
        if running:
            return running[0].url
    if failed:
        _raise_if_no_daemon()
    return None


def _raise_if_no_daemon() -> None:
    """Raise the "cannot reach the Docker daemon" error if it is why a driver failed."""
    try:
        from parity.up.dockerclient import connect
    except ImportError:  # no Docker SDK: no docker environment can exist
        return
    try:
        connect(timeout=10).close()
    except ImportError:
        return


def _note_secret_files_unused(display: Display, driver: Driver, name: str) -> None:
    display.info(f"note: --secret-file fills a container when it is created; "
                 f"{driver.describe(name)} was kept, so it was not used: add --rebuild, or put "
                 "the value in with `parity exec`")


def _note_empty_secrets(display: Display, driver: Driver, now: Observed, spec: Spec) -> None:
    """One note naming the secret files (``secret: true``) that are empty in the environment:
    provisioning created them without content, and only the developer can give them one."""
    secret = sorted(p for p, f in spec.model.files.items() if f.secret)
    empty = driver.empty_files(now, secret) if secret else []
    if not empty:
        return
    first = shlex.quote(empty[0])
    display.info(f"note: {', '.join(empty)} {'has' if len(empty) == 1 else 'have'} no content "
                 "in this environment (secret, created empty); put a development value in it, "
                 f'e.g. `parity exec -- sh -c "cat > {first}" < LOCALFILE`')


def _note_network(display: Display, observed: Observed | None, network: str,
                  kept: str = "kept as it is") -> None:
    """An environment kept (or updated in place) keeps its network: say so when another one was
    asked for (``--network host`` would otherwise pass in silence while the ports stay
    unreachable)."""
    if observed is not None and observed.network and observed.network != network:
        why = ("the spec did not change, so it is kept as it is" if kept == "kept as it is"
               else f"it was {kept} and keeps its network")
        display.info(f"note: {observed.target} environment {observed.name} runs with --network "
                     f"{observed.network}, not {network}; {why}. To recreate it: "
                     f"parity up --rebuild --network {network}")


def _check_options(target: str, provider: str | None, network: str, name: str | None) -> None:
    if network not in NETWORK_MODES:
        raise UsageError(f"--network {quoted(network)} is not supported",
                         hint=f"Choose one of: {', '.join(NETWORK_MODES)}.")
    if provider is not None and provider not in PROVIDERS:
        raise UsageError(f"--provider {quoted(provider)} is not supported",
                         hint=f"Choose one of: {', '.join(PROVIDERS)}.")
    if provider is not None and target != "vagrant":
        raise UsageError("--provider applies to --target vagrant only",
                         hint="Use `parity up --target vagrant --provider docker`.")
    if name is not None and target == "vagrant":
        raise UsageError("--name applies to the docker target only",
                         hint="Vagrant names its machine itself; its URL is printed by `up`.")


def _render(spec: Spec, target: str, out_dir: Path) -> None:
    from parity.render import render_target

    render_target(spec, target, out_dir, force=True)
