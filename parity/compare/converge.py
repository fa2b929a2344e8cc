"""``check --retry-timeout``: wait until freshly started hosts converge before judging them.

A pre-merge job runs ``parity up`` and then ``parity check -H dev`` at once, while the
environment's services may still be starting (PostgreSQL takes seconds to listen). Rather than a
``sleep 30`` in every pipeline, the check is repeated until it passes or the time is up, like
goss's ``validate --retry-timeout --sleep``. The report is the last attempt's, with a warning
saying how many attempts were made, so a failure shows the findings that remained.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from parity.compare.check import CheckOptions, run_check
from parity.compare.result import Report
from parity.errors import ExitCode
from parity.spec import Spec

log = logging.getLogger(__name__)


def check_until(spec: Spec, hosts: Sequence[str], inventory: str | None,
                options: CheckOptions, retry_timeout: float, sleep: float,
                on_attempt: Callable[[int, Report], None] | None = None,
                clock: Callable[[], float] = time.monotonic,
                pause: Callable[[float], None] = time.sleep) -> Report:
    """Run :func:`run_check` until it exits 0 or ``retry_timeout`` seconds have passed since the
    first attempt started (an attempt in progress is never cut short); ``sleep`` between."""
    started = clock()
    attempt = 0
    while True:
        attempt += 1
        report = run_check(spec, hosts, inventory, options)
        elapsed = clock() - started
        log.info("attempt %d after %.1fs: %s", attempt, elapsed, report.summary_line())
        if report.exit_code is ExitCode.OK:
            if attempt > 1:
                report.warnings.append(f"converged after {attempt} attempts ({elapsed:.1f}s, "
                                       f"--retry-timeout {retry_timeout:g}s)")
            return report
        if elapsed + sleep > retry_timeout:
            report.warnings.append(f"did not converge within --retry-timeout "
                                   f"{retry_timeout:g}s ({attempt} attempts); the findings are "
                                   "the last attempt's")
            return report
        if on_attempt is not None:
            on_attempt(attempt, report)
        pause(sleep)
