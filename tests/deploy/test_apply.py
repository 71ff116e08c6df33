"""apply: create-or-update many services concurrently; under injected faults, no duplicates."""

from __future__ import annotations

import time

from eas_testkit import eas_client, echo_spec

from deploykit.clients._wait import WaitPolicy
from deploykit.deploy.apply import (
    CREATED,
    FAILED,
    UNCHANGED,
    UPDATED,
    SpecToApply,
    apply_many,
)
from deploykit.emulator import Emulator, Faults, Timings
from deploykit.errors import DeploymentFailed

QUICK = Timings(accept=0.0, per_instance=0.0)


def specs(n: int, instance: int = 1) -> list[SpecToApply]:
    return [
        SpecToApply(f"svc_{i:03d}.json", f"svc_{i:03d}", echo_spec(f"svc_{i:03d}", instance))
        for i in range(n)
    ]


def test_apply_creates_then_updates_then_leaves_alone() -> None:
    emulator = Emulator(timings=QUICK)
    client = eas_client(emulator)
    assert {o.action for o in apply_many(client, specs(5), concurrency=3)} == {CREATED}
    assert {o.action for o in apply_many(client, specs(5), concurrency=3)} == {UNCHANGED}
    outcomes = apply_many(client, specs(5, instance=2), concurrency=3)
    assert {o.action for o in outcomes} == {UPDATED}
    assert outcomes[0].changes[0].pointer == "/metadata/instance"
    emulator.close()


def test_apply_under_faults_ends_with_exactly_the_services_asked_for() -> None:
    # The mix: 20% 5xx, 10% throttling, 5% dropped connections, 5% lost creates.
    faults = Faults(error_5xx=0.2, throttle=0.1, drop=0.05, lost_create_response=0.05,
                    retry_after_ms=1, seed=5)
    emulator = Emulator(timings=QUICK, faults=faults)
    client = eas_client(emulator)
    outcomes = apply_many(client, specs(30), concurrency=8)
    assert all(o.ok for o in outcomes), [str(o.error) for o in outcomes if not o.ok]
    names = [s["ServiceName"] for s in client.list_services()]
    assert sorted(names) == [f"svc_{i:03d}" for i in range(30)]
    assert client.stats.retries > 0
    emulator.close()


def test_apply_with_wait_returns_when_running() -> None:
    emulator = Emulator(timings=Timings(accept=0.05, per_instance=0.05))
    client = eas_client(emulator)
    started = time.monotonic()
    outcomes = apply_many(client, specs(3), concurrency=3,
                          wait=WaitPolicy(timeout=10, initial=0.02, maximum=0.05))
    assert all(o.action == CREATED for o in outcomes)
    assert {s["Status"] for s in client.list_services()} == {"Running"}
    assert time.monotonic() - started < 5
    emulator.close()


def test_a_failing_service_does_not_stop_the_others() -> None:
    good = echo_spec()["containers"][0]["image"]
    emulator = Emulator(timings=Timings(accept=0.01, per_instance=0.01), known_images=[good])
    client = eas_client(emulator)
    batch = specs(3)
    broken = echo_spec("svc_bad")
    broken["containers"][0]["image"] = "registry-vpc.cn-shanghai.aliyuncs.com/deploykit/echo:9.9"
    batch.insert(1, SpecToApply("bad.json", "svc_bad", broken))
    outcomes = apply_many(client, batch, concurrency=2,
                          wait=WaitPolicy(timeout=10, initial=0.01, maximum=0.02))
    assert [o.action for o in outcomes] == [CREATED, FAILED, CREATED, CREATED]
    assert isinstance(outcomes[1].error, DeploymentFailed)
    emulator.close()


def test_cancelling_a_run_ends_waiting_workers_at_once() -> None:
    import threading

    from deploykit.deploy.apply import CANCELLED, ApplyRun

    emulator = Emulator(timings=Timings(accept=600.0, per_instance=60.0))  # never Running here
    client = eas_client(emulator)
    run = ApplyRun()
    threading.Timer(0.3, run.cancelled.set).start()
    started = time.monotonic()
    outcomes = apply_many(client, specs(4), concurrency=2, run=run,
                          wait=WaitPolicy(timeout=600, initial=5.0, maximum=5.0))
    assert time.monotonic() - started < 3
    assert {o.action for o in outcomes} == {CANCELLED}
    emulator.close()
