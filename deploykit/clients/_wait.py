"""The one waiter: poll a service until it reaches a :class:`Goal`, with progress that ends.

It reads the service through a callable returning normalized :class:`Progress` (each cloud's
client says how its answers map to a :class:`Phase` and fills in the versions), backing off
while nothing changes and resetting the interval when something does, so it never hammers
the API yet notices the goal within one poll interval. It yields progress only when the
status or an instance count changed (PRODUCT.md: "A progress line is printed when the status
or instance counts change"), and it always ends: at the goal, in a failed phase
(``DeploymentFailed``), or at the deadline (``WaitTimeout``).

A goal of Running is the version asked for serving on every instance (PRODUCT.md), and after
a call that changes a service the wait first sees the change take effect: right after an
update EAS goes on reporting Running at the old version (issue #10; the PAI SDK's own wait
"may not accurately reflect the true state of the service"). No cloud's field or status names
appear here.
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
        """Whether a progress line for ``other`` says the same as one for this."""
        return other is not None and (self.status, self.total, self.pending, self.running) == (
            other.status,
            other.total,
            other.pending,
            other.running,
        )

    def moved_from(self, before: Progress) -> bool:
        """Whether anything a user could see changed since ``before``: status, instance
        counts or versions (a rollout shows in any of them, whatever the cloud)."""
        return not self.same_as(before) or (self.current_version, self.latest_version) != (
            before.current_version,
            before.latest_version,
        )

    def serves(self, version: int | None) -> bool:
        """Whether ``version`` serves (None: the latest), where the API reports versions."""
        if self.current_version is None:
            return True
        wanted = self.latest_version if version is None else version
        return wanted is None or self.current_version == wanted


@dataclass(frozen=True)
class Goal:
    """What a wait is for.

    ``phase`` is where the service must be. For Running that also means every instance
    running and the version asked for serving: ``version`` (a rollback's) or, when None, the
    latest the service reports (after a create or an update); ``instances``, when given, is
    the total asked for (a scale). Each holds trivially where the API does not report it.

    ``before`` is the service as read just before the call that changes it (None after a
    create: nothing came before). Until a read differs from it, the call has not taken
    effect, so the wait takes neither the goal nor a failed phase for an answer (starting a
    Failed service may read Failed for a moment too). Unless ``before`` was the goal already:
    then the service answers that nothing changed (starting a running service, scaling to the
    count it has, switching to the version it serves) and will not move. ``changes`` says the
    call changes the service whatever it was (an update that changes the config, a restart):
    then it must move first in any case.

    What each operation passes: create ``Goal(RUNNING)``; update ``Goal(RUNNING,
    before=..., changes=...)``; start ``Goal(RUNNING, before=...)``; scale ``Goal(RUNNING,
    instances=N, before=...)``; version switch ``Goal(RUNNING, version=V, before=...)``;
    restart ``Goal(RUNNING, before=..., changes=True)``; stop ``Goal(STOPPED, before=...)``;
    delete ``Goal(GONE, before=...)``.
    """

    phase: Phase
    version: int | None = None
    instances: int | None = None
    before: Progress | None = None
    changes: bool = False

    def reached_by(self, now: Progress) -> bool:
        if now.phase is not self.phase:
            return False
        if self.phase is not Phase.RUNNING:
            return True
        return (
            now.running == now.total
            and (self.instances is None or now.total == self.instances)
            and now.serves(self.version)
        )

    def taken_effect(self, now: Progress) -> bool:
        """Whether ``now`` shows the call took effect (or that it had nothing to change)."""
        before = self.before
        return (
            before is None
            or now.moved_from(before)
            or (not self.changes and self.reached_by(before))
        )

    def shortfall(self, now: Progress, *, moved: bool) -> str:
        """What ``now`` lacks to be the goal, for a timeout's message."""
        if not moved:
            return f"the change has not taken effect yet: still {now.status} as before"
        if now.phase is not self.phase:
            return f"last status: {now.status}"
        if now.running != now.total:
            return f"{now.running} of {now.total} instances running"
        if self.instances is not None and now.total != self.instances:
            return f"{now.total} instances, not {self.instances}"
        wanted = now.latest_version if self.version is None else self.version
        return f"{now.status} at version {now.current_version}, not {wanted}"


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
    goal: Goal | Phase,
    policy: WaitPolicy = WaitPolicy(),
    *,
    desc_command: str,
) -> Generator[Progress, None, Progress]:
    """Yield progress on change until the service reaches ``goal``; return the final progress.

    ``read`` describes the service now; a bare :class:`Phase` is ``Goal(phase)``.
    ``desc_command`` is the command a user runs to look closer, named in the hint of a
    failure or a timeout.
    """
    goal = goal if isinstance(goal, Goal) else Goal(goal)
    failed = ENDS_WAIT_FOR.get(goal.phase, frozenset({Phase.FAILED}))
    deadline = policy.clock() + policy.timeout if policy.deadline is None else policy.deadline
    interval = policy.initial
    last: Progress | None = None
    moved = False
    while True:
        now = read()
        if not now.same_as(last):
            yield now
            interval = policy.initial  # something moved: look again soon
        elif interval < policy.maximum:
            interval = min(policy.maximum, interval * policy.factor)
        last = now
        moved = moved or goal.taken_effect(now)
        if moved and goal.reached_by(now):
            return now
        if moved and now.phase in failed:
            raise DeploymentFailed(
                f"the service is {now.status}" + (f": {now.message}" if now.message else ""),
                status=now.status,
                hint=f"see `{desc_command}` and the service events for the cause",
            )
        remaining = deadline - policy.clock()
        if remaining <= 0:
            raise WaitTimeout(
                f"gave up waiting for {goal.phase.value} after {policy.timeout:g} s "
                f"({goal.shortfall(now, moved=moved)})",
                last_status=now.status,
                hint=f"the service may still be progressing: check with `{desc_command}`, "
                "or wait longer with --timeout",
            )
        # Never sleep past the deadline, but always poll once more at it.
        policy.sleep(min(interval, remaining))
