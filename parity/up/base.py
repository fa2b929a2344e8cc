"""The driver interface every ``up`` target implements, and the registry that names them.

A driver knows one way to run an environment (Docker SDK, Vagrant) and nothing about specs
beyond what a :class:`Request` carries; deciding *whether* to act lives in
:mod:`parity.up.decision`, and the order of steps in :mod:`parity.up.run`. SDKs are imported
only when their driver is chosen, so ``parity status`` for docker never loads Vagrant code.
"""

from __future__ import annotations

import importlib
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, NoReturn

from parity import __version__, labels
from parity.errors import EnvironmentError_, UsageError
from parity.spec import Spec
from parity.textsafe import quoted
from parity.up.decision import Decision, Observed
from parity.up.display import Display
from parity.up.inplace import Plan

#: target name -> "module:Class", imported on first use
DRIVERS: dict[str, str] = {
    "docker": "parity.up.docker_driver:DockerDriver",
    "vagrant": "parity.up.vagrant_driver:VagrantDriver",
}

#: how the docker target's container is networked (see docs/up.md, "Networking")
NETWORK_MODES = ("host", "none")
#: without ``--network`` or the spec's ``targets.docker.network``
DEFAULT_NETWORK = "host"


@dataclass(frozen=True)
class Request:
    """Everything a driver needs to bring one environment up."""

    spec: Spec
    name: str
    #: ``.parity/<target>/``: the rendered files for this target
    out_dir: Path
    provider: str | None = None
    network: str = "host"
    #: secret env values for the container; repr hidden so they never reach logs or tracebacks
    secrets: dict[str, str] = field(default_factory=dict, repr=False)
    #: ``--secret-file`` bytes by container path, put in when the container is created
    secret_files: dict[str, bytes] = field(default_factory=dict, repr=False)
    #: build every step again, ignoring the layer cache (``up --no-cache``)
    no_cache: bool = False


_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")


@dataclass
class BuildSteps:
    """Which steps of a ``docker build`` ran and which came from the layer cache, read from the
    classic builder's output (``Step 3/24 : RUN ...`` then `` ---> Using cache``), so ``up``
    can say "rebuilt steps 12-24 of 24" instead of a bare "rebuilt"."""

    total: int = 0
    #: (number, instruction) of each step seen, and the numbers that came from the cache
    seen: list[tuple[int, str]] = field(default_factory=list)
    cached: set[int] = field(default_factory=set)

    def feed(self, text: str) -> None:
        for line in text.splitlines():
            match = _STEP.match(line.strip())
            if match:
                self.total = int(match.group(2))
                self.seen.append((int(match.group(1)), match.group(3)))
            elif line.strip() == "---> Using cache" and self.seen:
                self.cached.add(self.seen[-1][0])

    def summary(self) -> str | None:
        """``rebuilt 13 of 24 steps, from step 12 (RUN ... files)``; None before any step."""
        ran = [(n, text) for n, text in self.seen if n not in self.cached
               and not text.upper().startswith("FROM ")]
        if not self.total:
            return None
        if not ran:
            return f"all {self.total} steps came from the layer cache"
        first, text = ran[0]
        shown = text if len(text) <= 60 else text[:57] + "..."
        return f"rebuilt {len(ran)} of {self.total} steps, from step {first} ({shown})"


def env_labels(spec: Spec, target: str) -> dict[str, str]:
    """The labels parity stamps on images and containers it creates (see :mod:`parity.labels`).

    ``down`` and ``status`` find environments by these (managed + spec path + target), never by
    a name pattern.
    """
    return {
        labels.MANAGED: "1",
        labels.SPEC_SHA256: spec.sha256,
        labels.SPEC_NAME: spec.name,
        labels.SPEC_PATH: str(spec.path.resolve()),
        labels.VERSION: __version__,
        labels.TARGET: target,
    }


def is_ours(found: dict[str, str] | None, spec: Spec, target: str) -> bool:
    """Did parity create this (container or image) for ``spec``'s ``target``?"""
    found = found or {}
    return (found.get(labels.MANAGED) == "1"
            and found.get(labels.SPEC_PATH) == str(spec.path.resolve())
            and found.get(labels.TARGET) == target)


class Driver(ABC):
    """One way of running a dev environment."""

    target: ClassVar[str]

    def __init__(self, display: Display) -> None:
        self.display = display

    def preflight(self) -> None:  # noqa: B027 - most drivers check their tool in __init__
        """Check the tools ``up`` needs, before anything is rendered or built."""

    @abstractmethod
    def default_name(self, spec: Spec) -> str:
        """The environment name when ``--name`` is not given."""

    def lock_keys(self, spec: Spec, name: str) -> list[str]:
        """What identifies the environment machine-wide, for :mod:`parity.up.lock`.

        Two commands whose keys overlap never change environments at the same time. The default
        (the spec's folder and the name) suits targets whose environment lives beside the spec.
        """
        return [f"{self.target} {spec.root.resolve()} {name}"]

    def describe(self, name: str) -> str:
        """The environment in messages: ``docker environment shop-dev``."""
        return f"{self.target} environment {name}"

    @abstractmethod
    def observe(self, spec: Spec, name: str) -> Observed | None:
        """What exists under ``name`` now (``managed=False`` if parity did not create it)."""

    @abstractmethod
    def list(self, spec: Spec) -> list[Observed]:
        """Every environment of this target that parity created for ``spec`` (for status)."""

    @abstractmethod
    def bring_up(self, request: Request, decision: Decision, observed: Observed | None,
                 ) -> Observed:
        """Build (when needed) and start; on any failure or Ctrl-C remove what this call made."""

    @abstractmethod
    def start(self, spec: Spec, observed: Observed) -> Observed:
        """Start a stopped environment built from the current spec."""

    #: the driver can apply a qualifying spec edit to the running environment
    in_place: ClassVar[bool] = False

    def apply_in_place(self, request: Request, plan: Plan, observed: Observed,
                       ) -> tuple[Observed, bool]:
        """Apply ``plan`` to the running environment (drivers with :attr:`in_place`); return it
        as it is now, and whether its services were restarted."""
        raise NotImplementedError(f"the {self.target} target has no in-place updates")

    def empty_files(self, observed: Observed, paths: list[str]) -> list[str] | None:
        """Which of ``paths`` are empty (or missing) in the environment now; ``None`` when the
        driver cannot look. ``up`` names the spec's secret files that have no content yet."""
        return None

    def build_summary(self) -> str | None:
        """What the last build reused and rebuilt, when the driver knows."""
        return None

    def conflict(self, spec: Spec, name: str) -> NoReturn:
        """Refuse to touch ``name``: it exists, but parity did not create it for this spec."""
        raise EnvironmentError_(
            f"A {self.target} environment named {name} exists, but parity did not create it for "
            f"{spec.path} (its labels say otherwise); parity leaves it alone and built nothing.",
            hint="Remove it yourself if it is yours (`docker rm -f NAME`), or choose another "
                 "name with `parity up --name NAME`.",
        )

    @abstractmethod
    def down(self, spec: Spec, name: str, *, keep_image: bool = False) -> list[str]:
        """Remove what ``up`` created for ``name``; return what was removed, one line each."""


def get_driver(target: str, display: Display) -> Driver:
    """Instantiate the driver for ``target`` (this is where tool availability is checked)."""
    try:
        module, _, attr = DRIVERS[target].partition(":")
    except KeyError:
        raise UsageError(f"unknown target {quoted(target)}",
                         hint=f"Targets that `parity up` runs: {', '.join(DRIVERS)}.") from None
    cls = getattr(importlib.import_module(module), attr)
    driver: Driver = cls(display)
    return driver
