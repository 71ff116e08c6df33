"""The waiter: progress on change only, backs off, ends at the target, on failure, at timeout.

It sees only normalized Progress (each cloud's client maps its answers), so the timelines
here are written in it directly.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from deploykit.clients._wait import Goal, Phase, Progress, WaitPolicy, wait_for
from deploykit.errors import DeploymentFailed, WaitTimeout

DESC = "deploykit desc echo_service"


class Timeline:
    """A fake clock and a service whose progress depends on it."""

    def __init__(self, states: list[tuple[float, Progress]]) -> None:
        self.now = 0.0
        self.states = states
        self.polls: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def describe(self) -> Progress:
        self.polls.append(self.now)
        current = Progress.gone()
        for since, state in self.states:
            if self.now >= since:
                current = state
        return current

    def policy(self, timeout: float = 1800.0) -> WaitPolicy:
        return WaitPolicy(timeout=timeout, clock=self.clock, sleep=self.sleep)


PHASES = {"Running": Phase.RUNNING, "Failed": Phase.FAILED}


def service(status: str, total: int, pending: int, running: int, message: str = "") -> Progress:
    return Progress(status, PHASES.get(status, Phase.PROGRESSING), total, pending, running,
                    message)


def drain(gen: Generator[Progress, None, Progress]) -> tuple[list[Progress], Progress]:
    seen: list[Progress] = []
    try:
        while True:
            seen.append(next(gen))
    except StopIteration as stop:
        return seen, stop.value


def test_progress_only_on_change_and_done_within_one_interval_of_running() -> None:
    running_at = 95.0
    line = Timeline([
        (0, service("Creating", 2, 0, 0)),
        (20, service("Waiting", 2, 2, 0)),
        (60, service("Waiting", 2, 1, 1)),
        (running_at, service("Running", 2, 0, 2)),
    ])
    seen, final = drain(wait_for(line.describe, Phase.RUNNING, line.policy(), desc_command=DESC))
    assert [(p.status, p.pending, p.running) for p in seen] == [
        ("Creating", 0, 0), ("Waiting", 2, 0), ("Waiting", 1, 1), ("Running", 0, 2)
    ]
    assert final.status == "Running"
    gaps = [b - a for a, b in zip(line.polls, line.polls[1:], strict=False)]
    assert line.now - running_at <= max(gaps)  # noticed within one poll interval
    assert line.now - running_at <= WaitPolicy().maximum


def test_polling_backs_off_while_nothing_changes() -> None:
    line = Timeline([(0, service("Waiting", 1, 1, 0)), (300, service("Running", 1, 0, 1))])
    drain(wait_for(line.describe, Phase.RUNNING, line.policy(), desc_command=DESC))
    gaps = [b - a for a, b in zip(line.polls, line.polls[1:], strict=False)]
    assert gaps[0] < gaps[3] <= WaitPolicy().maximum
    assert len(line.polls) < 45  # 300 s at a fixed 1 s would be 300 calls


def test_failed_state_raises_deployment_failed() -> None:
    failed = service("Failed", 1, 0, 0, "image pull failed")
    line = Timeline([(0, service("Creating", 1, 0, 0)), (5, failed)])
    with pytest.raises(DeploymentFailed) as raised:
        drain(wait_for(line.describe, Phase.RUNNING, line.policy(), desc_command=DESC))
    assert "image pull failed" in str(raised.value)


def test_timeout_raises_with_last_status_and_never_oversleeps() -> None:
    line = Timeline([(0, service("Waiting", 1, 1, 0))])
    with pytest.raises(WaitTimeout) as raised:
        drain(wait_for(line.describe, Phase.RUNNING, line.policy(timeout=30), desc_command=DESC))
    assert raised.value.last_status == "Waiting"
    assert line.now == pytest.approx(30.0)


def test_waiting_for_gone_ends_when_describe_finds_nothing() -> None:
    line = Timeline([(0, service("Deleting", 1, 0, 1)), (4, Progress.gone())])
    seen, final = drain(wait_for(line.describe, Phase.GONE, line.policy(), desc_command=DESC))
    assert final.phase is Phase.GONE
    assert seen[0].status == "Deleting"


# -- waits that mean "serving the version you asked for" (issue #10) ------------------------


def versioned(status: str, current: int | None, latest: int | None, *, total: int = 2,
              running: int | None = None) -> Progress:
    up = total if running is None else running
    return Progress(status, PHASES.get(status, Phase.PROGRESSING), total, total - up, up,
                    current_version=current, latest_version=latest)


def final_of(line: Timeline, goal: Goal | Phase, timeout: float = 1800.0) -> Progress:
    return drain(wait_for(line.describe, goal, line.policy(timeout), desc_command=DESC))[1]


def test_an_update_is_done_only_when_its_version_serves() -> None:
    # EAS right after UpdateService: Running at the old version (LatestVersion already 2).
    before = versioned("Running", 1, 1)
    line = Timeline([(0, versioned("Running", 1, 2)), (30, versioned("Updating", 1, 2)),
                     (60, versioned("Running", 2, 2))])
    final = final_of(line, Goal(Phase.RUNNING, before=before, changes=True))
    assert (final.current_version, line.now >= 60) == (2, True)


def test_without_versions_an_update_waits_to_see_the_service_move() -> None:
    # A platform reporting no versions: only the status shows the rollout began.
    before = versioned("Running", None, None)
    line = Timeline([(0, before), (30, versioned("Updating", None, None)),
                     (60, versioned("Running", None, None))])
    final_of(line, Goal(Phase.RUNNING, before=before, changes=True))
    assert line.now >= 60
    # Without `before` the same timeline would have "succeeded" at once: the hazard.
    hasty = Timeline(line.states)
    final_of(hasty, Phase.RUNNING)
    assert hasty.now == 0


def test_running_is_done_only_when_every_instance_runs() -> None:
    line = Timeline([(0, versioned("Running", 1, 1, total=3, running=2)),
                     (40, versioned("Running", 1, 1, total=3))])
    final = final_of(line, Phase.RUNNING)
    assert (final.running, line.now >= 40) == (3, True)


def test_a_rollback_is_done_when_the_chosen_version_serves() -> None:
    # After a failed update to 2, switching back to 1: LatestVersion stays 2. The service still
    # reads Failed for a moment after the call; that is not the rollback failing.
    before = versioned("Failed", 1, 2, running=0)
    line = Timeline([(0, before), (10, versioned("Updating", 1, 2, running=0)),
                     (50, versioned("Running", 1, 2))])
    final = final_of(line, Goal(Phase.RUNNING, version=1, before=before))
    assert (final.status, final.current_version, line.now >= 50) == ("Running", 1, True)


def test_a_failed_read_ends_the_wait_once_the_change_took_effect() -> None:
    before = versioned("Stopped", 1, 1, running=0)
    line = Timeline([(0, before), (10, versioned("Starting", 1, 1, running=0)),
                     (20, versioned("Failed", 1, 1, running=0))])
    with pytest.raises(DeploymentFailed):
        final_of(line, Goal(Phase.RUNNING, before=before))
    assert 20 <= line.now < 30


def test_nothing_to_change_is_done_at_the_first_read() -> None:
    # Starting a running service, or scaling to the count it has: it will not move.
    running = versioned("Running", 3, 3)
    assert final_of(Timeline([(0, running)]), Goal(Phase.RUNNING, before=running)) == running
    scaled = Goal(Phase.RUNNING, instances=2, before=running)
    assert final_of(Timeline([(0, running)]), scaled) == running


def test_a_scale_waits_for_the_count_asked_for() -> None:
    before = versioned("Running", 1, 1)
    line = Timeline([(0, before), (15, versioned("Scaling", 1, 1, total=3, running=2)),
                     (35, versioned("Running", 1, 1, total=3))])
    final = final_of(line, Goal(Phase.RUNNING, instances=3, before=before))
    assert (final.total, line.now >= 35) == (3, True)


@pytest.mark.parametrize(
    ("states", "goal", "said"),
    [
        # A restart the service never shows: it has not taken effect.
        ([(0, versioned("Running", 1, 1))],
         Goal(Phase.RUNNING, before=versioned("Running", 1, 1), changes=True),
         "the change has not taken effect yet: still Running as before"),
        ([(0, versioned("Running", 1, 2))], Goal(Phase.RUNNING),
         "Running at version 1, not 2"),
        ([(0, versioned("Running", 1, 1, running=1))], Goal(Phase.RUNNING),
         "1 of 2 instances running"),
        ([(0, versioned("Waiting", 1, 1))], Goal(Phase.RUNNING), "last status: Waiting"),
    ],
)
def test_a_timeout_says_what_the_service_lacks(
    states: list[tuple[float, Progress]], goal: Goal, said: str
) -> None:
    line = Timeline(states)
    with pytest.raises(WaitTimeout) as raised:
        final_of(line, goal, timeout=60)
    assert said in str(raised.value)
    assert line.now == pytest.approx(60.0)
