"""Connecting to the Docker Engine, with the one-paragraph explanation when it is not there."""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING

from parity.errors import EnvironmentError_

if TYPE_CHECKING:
    import docker

#: build steps can be silent for minutes (a big apt-get install); the stream must not time out
BUILD_TIMEOUT = 900


def connect(timeout: int = BUILD_TIMEOUT) -> docker.DockerClient:
    """A client for the daemon ``DOCKER_HOST`` (or the default socket) names, pinged once.

    Raises :class:`EnvironmentError_` (exit 4) saying what failed and how to start dockerd.
    """
    import docker
    from docker.errors import DockerException

    where = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
    except DockerException as exc:
        raise EnvironmentError_(
            f"Cannot reach the Docker daemon at {where} ({_reason(exc)}), so parity could not "
            "look at, build or start the docker environment. Start the daemon "
            "(`sudo systemctl start docker`, or without systemd: "
            "`dockerd >/var/log/dockerd.log 2>&1 &`), check that `docker info` answers, and "
            "make sure DOCKER_HOST is unset or points at it; then run the command again."
        ) from None
    return client


def _reason(exc: Exception) -> str:
    """The innermost readable cause: 'No such file or directory', 'Connection refused', ..."""
    text = str(exc)
    for marker in ("FileNotFoundError", "ConnectionRefusedError", "PermissionError"):
        if marker in text:
            return {"FileNotFoundError": "no socket there",
                    "ConnectionRefusedError": "connection refused",
                    "PermissionError": "permission denied; are you in the docker group?"}[marker]
    return text.split(": ", 1)[-1][:200] or type(exc).__name__


def parse_docker_time(text: str | None) -> datetime | None:
    """Docker's RFC 3339 times with nanoseconds (``2024-05-01T10:00:00.123456789Z``)."""
    if not text or text.startswith("0001-01-01"):
        return None
    main, _, rest = text.partition(".")
    frac, tz = rest, ""
    for sep in ("Z", "+", "-"):
        if sep in rest:
            idx = rest.index(sep)
            frac, tz = rest[:idx], rest[idx:]
            break
    if not rest:
        main, tz = (main[:-1], "Z") if main.endswith("Z") else (main, "")
    stamp = main + (f".{frac[:6].ljust(6, '0')}" if frac else "") + (
        "+00:00" if tz in ("Z", "") else tz)
    try:
        return datetime.fromisoformat(stamp)
    except ValueError:
        return None
