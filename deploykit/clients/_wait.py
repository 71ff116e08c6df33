"""The one waiter: poll a service until it reaches a target phase, with progress that ends.

It reads the service through a callable returning normalized :class:`Progress` (each cloud's
client says how its answers map to a :class:`Phase`), backing off while nothing changes and
resetting the interval when something does, so it never hammers the API yet notices the
target within one poll interval. It yields progress only when the status or an instance
count changed (PRODUCT.md: "A progress line is printed when the status or instance counts
change"), and it always ends: at the target, in a failed phase (``DeploymentFailed``), or at
the deadline (``WaitTimeout``). No cloud's field or status names appear here.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass

from deploykit.errors import DeploymentFailed, WaitTimeout


class Phase(enum.Enum):
    """Where a service is, whatever its cloud calls it. A client maps each status to one."""

    PROGRESSING = "progressing"  # creating, updating, scaling, starting, stopping, deleting…
    RUNNING = "running"
    STOPPED = "stopped"
    FAILED = "failed"
    DELETE_FAILED = "delete_failed"
    GONE = "gone"  # describing it says "not found" (how Terraform waits for a delete)


# Which phases end a wait for each target without reaching it. reference/eas.md §3.4: the PAI
# SDK's terminal states are Running, Stopped, Failed and DeleteFailed; Terraform fails a
# create/update wait on Failed. A failed service being deleted is not a failed delete, and a
# service that vanishes while we wait for it to run has failed.
ENDS_WAIT_FOR: Mapping[Phase, frozenset[Phase]] = {
    Phase.RUNNING: frozenset({Phase.FAILED, Phase.DELETE_FAILED, Phase.GONE}),
    Phase.STOPPED: frozenset({Phase.FAILED, Phase.DELETE_FAILED, Phase.GONE}),
    Phase.GONE: frozenset({Phase.DELETE_FAILED}),
}

# Terraform's pai_service create timeout is 30 min (reference/eas.md §3.4); finite by default.
DEFAULT_TIMEOUT = 1800.0


@dataclass(frozen=True)
class Progress:
    """A live service reduced to what a user watches. ``status`` is the cloud's own word
    (shown to users); ``phase`` is what it means. Versions are None where the API has none."""

    status: str
    phase: Phase
    total: int = 0
    pending: int = 0
    running: int = 0
    message: str = ""
    current_version: int | None = None
    latest_version: int | None = None

    @classmethod
    def gone(cls) -> Progress:
        return cls("Deleted", Phase.GONE)

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

    The wait ends ``timeout`` s after it starts, or at ``deadline`` (a ``clock()`` value: the
    command's ``--timeout``, which also bounded what ran before the wait) when one is given.
    """

    timeout: float = DEFAULT_TIMEOUT
    deadline: float | None = None
    initial: float = 1.0
    maximum: float = 10.0
    factor: float = 1.5
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


def wait_for(
    read: Callable[[], Progress],
    target: Phase,
    policy: WaitPolicy = WaitPolicy(),
    *,
    desc_command: str,
) -> Generator[Progress, None, Progress]:
    """Yield progress on change until the service is in ``target``; return the final progress.

    ``read`` describes the service now. ``desc_command`` is the command a user runs to look
    closer, named in the hint of a failure or a timeout.
    """
    failed = ENDS_WAIT_FOR.get(target, frozenset({Phase.FAILED}))
    deadline = policy.clock() + policy.timeout if policy.deadline is None else policy.deadline
    interval = policy.initial
    last: Progress | None = None
    while True:
        now = read()
        if not now.same_as(last):
            yield now
            interval = policy.initial  # something moved: look again soon
        elif interval < policy.maximum:
            interval = min(policy.maximum, interval * policy.factor)
        last = now
        if now.phase is target:
            return now
        if now.phase in failed:
            raise DeploymentFailed(
                f"the service is {now.status}" + (f": {now.message}" if now.message else ""),
                status=now.status,
                hint=f"see `{desc_command}` and the service events for the cause",
            )
        remaining = deadline - policy.clock()
        if remaining <= 0:
            raise WaitTimeout(
                f"gave up waiting for {target.value} after {policy.timeout:g} s (last status: "
                f"{now.status})",
                last_status=now.status,
                hint=f"the service may still be progressing: check with `{desc_command}`, "
                "or wait longer with --timeout",
            )
        # Never sleep past the deadline, but always poll once more at it.
        policy.sleep(min(interval, remaining))
