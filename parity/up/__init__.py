"""``parity up`` / ``down`` / ``status``: run the dev environment a spec describes.

Library entry points (the CLI is a thin shell over these, and tests call them directly):

- :func:`up` renders into ``.parity/<target>/`` beside the spec, builds and starts the
  environment through a driver (Docker SDK or python-vagrant), and is a no-op when the running
  environment already has the spec's hash;
- :func:`down` removes what ``up`` created, found by label or Vagrant machine, nothing else;
- :func:`status` reports, per target, existence, running state, freshness, URL and uptime;
- :func:`dev_url` gives the drift checker the testinfra URL of the running dev environment.
"""

from __future__ import annotations

from parity.up.decision import Decision, Observed, decide
from parity.up.run import UpResult, dev_url, down, status, up

__all__ = ["Decision", "Observed", "UpResult", "decide", "dev_url", "down", "status", "up"]
