"""The driver interface every ``up`` target implements, and the registry that names them.

A driver knows one way to run an environment (Docker SDK, Vagrant) and nothing about specs
beyond what a :class:`Request` carries; deciding *whether* to act lives in
:mod:`parity.up.decision`, and the order of steps in :mod:`parity.up.run`. SDKs are imported
only when their driver is chosen, so ``parity status`` for docker never loads Vagrant code.
"""

from __future__ import annotations

import importlib
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

#: target name -> "module:Class", imported on first use
DRIVERS: dict[str, str] = {
    "docker": "parity.up.docker_driver:DockerDriver",
    "vagrant": "parity.up.vagrant_driver:VagrantDriver",
}

#: how the docker target's container is networked (see docs/up.md, "Networking")
NETWORK_MODES = ("host", "none")


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
