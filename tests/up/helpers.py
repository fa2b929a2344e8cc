"""Shared helpers of the up/down/status tests (names, example copies, cleanup by label)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

from parity import labels

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RUN_ID = uuid.uuid4().hex[:8]
SECRET = f"s3cr3t-{RUN_ID}"


def unique(name: str) -> str:
    return f"parity-test-up-{RUN_ID}-{name}"


def copy_example(dest: Path, example: str = "webapp") -> Path:
    # .parity/ is local state of someone's own `parity up` run in the checkout; never copy it
    shutil.copytree(EXAMPLES / example, dest / example,
                    ignore=shutil.ignore_patterns(".parity"))
    return dest / example / "parity.yaml"


def sweep(client, root: Path) -> None:
    """Remove every container and image labelled with a spec path under ``root``."""
    prefix = str(root.resolve())
    for container in client.containers.list(all=True, filters={"label": labels.MANAGED}):
        if (container.labels or {}).get(labels.SPEC_PATH, "").startswith(prefix):
            with contextlib.suppress(Exception):
                container.remove(force=True)
    for image in client.images.list(filters={"label": labels.MANAGED}):
        if (image.labels or {}).get(labels.SPEC_PATH, "").startswith(prefix):
            with contextlib.suppress(Exception):
                client.images.remove(image.id, force=True)


def infra_host(url: str):
    import testinfra

    return testinfra.get_host(url)


def parity_cli(*args: str, env: dict[str, str] | None = None,
               drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Run the real ``parity`` CLI; ``env`` adds to this process's environment, ``drop`` removes."""
    full = {k: v for k, v in {**os.environ, **(env or {})}.items() if k not in drop}
    return subprocess.run([sys.executable, "-m", "parity", *args], capture_output=True,
                          text=True, env=full, timeout=900, check=False)
