"""A waiting create returns within one poll interval of the service reaching Running.

Driven by the emulator's clock: the emulator computes status from the same fake clock the
waiter sleeps on, so the moment the service becomes Running is known exactly.
"""

from __future__ import annotations

from datetime import datetime, timezone

from eas_testkit import REGION, echo_spec
from pydantic import SecretStr

from deploykit.clients._http import build_client
from deploykit.clients._retry import RetryPolicy
from deploykit.clients._wait import Phase, WaitPolicy, wait_for
from deploykit.clients.alibaba._signer import Acs3Auth
from deploykit.clients.alibaba.eas import EasClient
from deploykit.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator, Timings

# A realistic pace: 40 s to accept, 25 s per instance (EAS takes minutes; the emulator's
# defaults are sub-second for demos).
PACE = Timings(accept=40.0, per_instance=25.0)


class Clock:
    def __init__(self) -> None:
        self.now = 1_795_316_400.0  # 2026-11-22T03:00:00Z
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now, timezone.utc)


def test_create_wait_returns_within_one_poll_interval_of_running() -> None:
    clock = Clock()
    emulator = Emulator(clock=clock, timings=PACE)
    auth = Acs3Auth(DEFAULT_ACCESS_KEY_ID, SecretStr(DEFAULT_ACCESS_KEY_SECRET),
                    clock=clock.datetime)
    http = build_client(f"https://pai-eas.{REGION}.aliyuncs.com", auth=auth,
                        transport=emulator.mock_transport())
    client = EasClient(http, REGION, policy=RetryPolicy(sleep=clock.sleep))
    created_at = clock.now
    client.create(echo_spec(instance=3))
    running_at = created_at + PACE.accept + 3 * PACE.per_instance  # 115 s later
    policy = WaitPolicy(clock=clock, sleep=clock.sleep)
    progress = wait_for(lambda: client.progress(client.find("echo_service")), Phase.RUNNING,
                        policy, desc_command="deploykit desc echo_service")
    statuses = [p.status for p in progress]
    assert statuses[0] == "Creating" and statuses[-1] == "Running"
    assert "Waiting" in statuses
    assert clock.now >= running_at
    assert clock.now - running_at <= clock.sleeps[-1]  # within the last poll interval
    assert max(clock.sleeps) <= policy.maximum  # backs off, but never past 10 s
    assert len(clock.sleeps) < 115 / policy.initial  # never polls every second throughout
    emulator.close()
