"""parity: one environment spec, every environment, and a drift checker for live hosts.

The package is a pipeline (spec -> plan -> render/up, host -> facts -> findings -> report);
each stage lives in its own subpackage and the click CLI in :mod:`parity.cli` stays a thin shell.
"""

from __future__ import annotations

__version__ = "0.1.0"
