"""What client tests of every cloud share: retries and an emulated cloud that never slow the
suite down."""

from __future__ import annotations

from deploykit.clients._retry import RetryPolicy
from deploykit.emulator import Timings

# Retries that do not slow the suite down: the same rules, millisecond waits.
FAST = RetryPolicy(initial_wait=0.001, max_wait=0.005, max_elapsed=30)
# An emulator whose operations are over as soon as they are accepted.
QUICK = Timings(accept=0.0, per_instance=0.0)
