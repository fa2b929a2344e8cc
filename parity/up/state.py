"""``.parity/`` beside the spec: rendered targets plus ``state.json``, what ``up`` recorded.

The live environment (container labels, Vagrant's machine id) is the authority on *whether* an
environment exists and which spec hash it runs. ``state.json`` only remembers the normalised spec
each environment was brought up from, so the next ``up`` can say what changed. It never holds
secret values (the spec dump has ``{"secret": true}`` markers only) and is written atomically.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parity.fsutil import atomic_write

WORK_DIR = ".parity"
STATE_FILE = "state.json"
STATE_VERSION = 1


def work_dir(spec_root: Path) -> Path:
    """Where ``up`` renders and keeps state: ``.parity/`` beside ``parity.yaml``."""
    return Path(spec_root).resolve() / WORK_DIR


def env_key(target: str, name: str) -> str:
    return f"{target}/{name}"


class State:
    """The environments ``up`` recorded for one spec, keyed ``target/name``."""

    def __init__(self, path: Path, environments: dict[str, dict[str, Any]] | None = None) -> None:
        self.path = path
        self.environments: dict[str, dict[str, Any]] = environments or {}

    @classmethod
    def load(cls, spec_root: Path) -> State:
        """Read ``state.json``; a missing or unreadable file is an empty state, not an error.

        Losing it only costs the change summary of the next ``up``, so a hand-edited or
        truncated file must never block bringing an environment up.
        """
        path = work_dir(spec_root) / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            envs = data.get("environments", {}) if isinstance(data, dict) else {}
        except (OSError, ValueError):
            envs = {}
        return cls(path, envs if isinstance(envs, dict) else {})

    def get(self, target: str, name: str) -> dict[str, Any] | None:
        return self.environments.get(env_key(target, name))

    def put(self, target: str, name: str, record: dict[str, Any]) -> None:
        record = {**record, "recorded_at": datetime.now(UTC).isoformat(timespec="seconds")}
        self.environments[env_key(target, name)] = record
        self.save()

    def drop(self, target: str, name: str) -> None:
        if self.environments.pop(env_key(target, name), None) is not None:
            self.save()

    def save(self) -> None:
        doc = {"version": STATE_VERSION, "environments": self.environments}
        atomic_write(self.path, json.dumps(doc, indent=2, sort_keys=True) + "\n", 0o644)
