"""The one waiter: poll a service until it reaches a target state, with progress that ends.

It polls ``describe`` (DescribeService), backing off while nothing changes and resetting the
interval when something does, so it never hammers the API yet notices Running within one poll
interval. It yields a :class:`Progress` only when the status or an instance count changed
(PRODUCT.md: "A progress line is printed when the status or instance counts change"), and it
always ends: at the target, on a failed state (``DeploymentFailed``), or at the deadline
(``WaitTimeout``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any

from deploykit.errors import DeploymentFailed, WaitTimeout

# The "target" meaning "DescribeService says not found" (Terraform waits for delete this way,
# reference/eas.md §3.4).
GONE = "Deleted"

# reference/eas.md §3.4: the PAI SDK's terminal states are Running, Stopped, Failed and
# DeleteFailed; Terraform fails a create/update wait on Failed. Which states end a wait for
# each target without reaching it. Stopped is NOT terminal for a start: DescribeService may
# still say Stopped for a moment after StartService returned.
FAILED_STATES: Mapping[str, frozenset[str]] = {
    "Running": frozenset({"Failed", "DeleteFailed"}),
    "Stopped": frozenset({"Failed", "DeleteFailed"}),
    GONE: frozenset({"DeleteFailed"}),
}

# Terraform's pai_service create timeout is 30 min (reference/eas.md §3.4); finite by default.
DEFAULT_TIMEOUT = 1800.0


@dataclass(frozen=True)
class Progress:
    """What DescribeService said, reduced to what a user watches."""

    status: str
    total: int
    pending: int
    running: int
    message: str = ""

    @classmethod
    def of(cls, service: Mapping[str, Any] | None) -> Progress:
        if service is None:
            return cls(GONE, 0, 0, 0)
        return cls(
            status=str(service.get("Status") or "Unknown"),
            total=_count(service.get("TotalInstance")),
            pending=_count(service.get("PendingInstance")),
            running=_count(service.get("RunningInstance")),
            message=str(service.get("Message") or ""),
        )

    def same_as(self, other: Progress | None) -> bool:
        return other is not None and (self.status, self.total, self.pending, self.running) == (
            other.status,
            other.total,
            other.pending,
            other.running,
        )


@dataclass(frozen=True)
class WaitPolicy:
    """Poll every ``initial`` s, growing by ``factor`` to ``maximum`` while nothing changes.

    The PAI SDK polls every 3 s and Terraform every 5 s (reference/eas.md §3.4); starting at
    1 s and settling at 10 s keeps short deploys snappy and long ones quiet.
    """

    timeout: float = DEFAULT_TIMEOUT
    initial: float = 1.0
    maximum: float = 10.0
    factor: float = 1.5
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


def wait_for(
    describe: Callable[[], Mapping[str, Any] | None],
    target: str,
    policy: WaitPolicy = WaitPolicy(),
) -> Generator[Progress, None, Progress]:
    """Yield progress on change until the service is in ``target``; return the final progress.

    ``describe`` returns the service, or None when it does not exist (only the ``GONE`` target
    expects that; for the others a vanished service is reported as a failure).
    """
    failed = FAILED_STATES.get(target, frozenset({"Failed"}))
    deadline = policy.clock() + policy.timeout
    interval = policy.initial
    last: Progress | None = None
    while True:
        now = Progress.of(describe())
        if not now.same_as(last):
            yield now
            interval = policy.initial  # something moved: look again soon
        elif interval < policy.maximum:
            interval = min(policy.maximum, interval * policy.factor)
        last = now
        if now.status == target:
            return now
        if now.status in failed or (now.status == GONE and target != GONE):
            raise DeploymentFailed(
                f"the service is {now.status}" + (f": {now.message}" if now.message else ""),
                status=now.status,
                hint="see `deploykit desc NAME` and the service events for the cause",
            )
        remaining = deadline - policy.clock()
        if remaining <= 0:
            raise WaitTimeout(
                f"gave up waiting for {target} after {policy.timeout:g} s (last status: "
                f"{now.status})",
                last_status=now.status,
                hint="the service may still be progressing: check with `deploykit desc NAME`, "
                "or wait longer with --timeout",
            )
        # Never sleep past the deadline, but always poll once more at it.
        policy.sleep(min(interval, remaining))


def _count(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
