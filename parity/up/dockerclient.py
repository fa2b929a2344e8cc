"""Connecting to the Docker Engine, with the one-paragraph explanation when it is not there."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parity.errors import EnvironmentError_

if TYPE_CHECKING:
    import docker

#: build steps can be silent for minutes (a big apt-get install); the stream must not time out
BUILD_TIMEOUT = 900


DEFAULT_SOCKET = "unix:///var/run/docker.sock"


def endpoint() -> tuple[str, str | None]:
    """The daemon the ``docker`` CLI would talk to, and the context that names it (None when
    ``DOCKER_HOST`` does or no context is in use).

    As the CLI: ``DOCKER_HOST``, else the context ``DOCKER_CONTEXT`` names, else the current
    one of ``docker context use``, else the local socket. The context store is read here, not
    through the Docker SDK: the SDK looks for it beside ``config.json`` and finds nothing when
    that file does not exist (``DOCKER_CONTEXT`` set, ``docker context use`` never run), then
    silently talks to the local socket instead.
    """
    host = os.environ.get("DOCKER_HOST")
    if host:
        return host, None
    name = os.environ.get("DOCKER_CONTEXT") or _current_context()
    if not name or name == "default":
        return DEFAULT_SOCKET, None
    meta = _config_dir() / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    try:
        doc = json.loads((meta / "meta.json").read_text(encoding="utf-8"))
        found = doc["Endpoints"]["docker"]["Host"]
    except (OSError, ValueError, KeyError, TypeError):
        raise EnvironmentError_(
            f"The Docker context {name} (from "
            f"{'DOCKER_CONTEXT' if os.environ.get('DOCKER_CONTEXT') else 'docker context use'})"
            f" is not in {_config_dir() / 'contexts'}, or names no docker endpoint.",
            hint="List the contexts with `docker context ls`; choose one with "
                 "`docker context use NAME` or DOCKER_CONTEXT, or set DOCKER_HOST.",
        ) from None
    return str(found), name


def _config_dir() -> Path:
    return Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker")


def _current_context() -> str | None:
    try:
        doc = json.loads((_config_dir() / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = doc.get("currentContext") if isinstance(doc, dict) else None
    return name if isinstance(name, str) else None


def _tls(name: str) -> Any:
    """The context's TLS material (``docker context create --docker ca=...,cert=...,key=...``)."""
    from docker.tls import TLSConfig

    folder = (_config_dir() / "contexts" / "tls" / hashlib.sha256(name.encode()).hexdigest()
              / "docker")
    ca, cert, key = (folder / f for f in ("ca.pem", "cert.pem", "key.pem"))
    if not cert.is_file():
        return None
    return TLSConfig(client_cert=(str(cert), str(key)),
                     ca_cert=str(ca) if ca.is_file() else None, verify=ca.is_file())


def connect(timeout: int = BUILD_TIMEOUT) -> docker.DockerClient:
    """A client for the daemon :func:`endpoint` names (``DOCKER_HOST``, a Docker context, or
    the local socket), pinged once.

    Raises :class:`EnvironmentError_` (exit 4) saying what failed and how to start dockerd.
    """
    import docker
    from docker.errors import DockerException

    where, context = endpoint()
    named = f" (Docker context {context})" if context else ""
    try:
        if context is None:
            client = docker.from_env(timeout=timeout, use_context=False)
        else:
            client = docker.DockerClient(base_url=where, tls=_tls(context) or False,
                                         timeout=timeout,
                                         use_ssh_client=where.startswith("ssh://"))
        client.ping()
    except DockerException as exc:
        raise EnvironmentError_(
            f"Cannot reach the Docker daemon at {where}{named} ({_reason(exc)}), so parity "
            "could not look at, build or start the docker environment. Start the daemon "
            "(`sudo systemctl start docker`, or without systemd: "
            "`dockerd >/var/log/dockerd.log 2>&1 &`), check that `docker info` answers, and "
            "make sure DOCKER_HOST and DOCKER_CONTEXT (or `docker context use`) are unset or "
            "point at it; then run the command again."
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
