"""The waiter: progress on change only, backs off, ends at the target, on failure, at timeout.

It sees only normalized Progress (each cloud's client maps its answers), so the timelines
here are written in it directly.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from deploykit.clients._wait import Phase, Progress, WaitPolicy, wait_for
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
