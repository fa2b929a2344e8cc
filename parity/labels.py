"""Names parity stamps on what it creates, shared by renderers, drivers and the drift checker.

``parity down`` finds what ``up`` created by these labels, never by name pattern, so a container
someone else started with a similar name is never touched.
"""

from __future__ import annotations

PREFIX = "org.parity"
SPEC_SHA256 = f"{PREFIX}.spec-sha256"
SPEC_NAME = f"{PREFIX}.spec-name"
SPEC_PATH = f"{PREFIX}.spec-path"
VERSION = f"{PREFIX}.version"
TARGET = f"{PREFIX}.target"
MANAGED = f"{PREFIX}.managed"
#: on containers a docker box's Vagrantfile creates: the box name and version it runs
BOX = f"{PREFIX}.box"
BOX_VERSION = f"{PREFIX}.box-version"

#: on hosts built by parity: one file per declared, enabled service (read by the entrypoint)
SERVICES_DIR = "/etc/parity/services"
#: pid files of services the parity entrypoint started (read by the service collector)
PID_DIR = "/run/parity"
