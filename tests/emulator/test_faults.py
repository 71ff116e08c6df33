"""Fault injection: rates hold over many calls, and faults never half-apply to state."""

from __future__ import annotations

import collections
from pathlib import Path

import httpx
import pytest
from emulator_testkit import FakeClock, create, describe, image_service, signed_client

from deploykit.emulator import Emulator, Faults

CALLS = 2000


def outcome(client: httpx.Client) -> str:
    try:
        response = client.get("/api/v2/services")
    except httpx.RemoteProtocolError:
        return "drop"
    if response.status_code >= 500:
        assert response.json()["Code"] in ("ServiceUnavailable", "InternalError")
        return "5xx"
    if response.status_code == 400:
        assert response.json()["Code"] == "Throttling.User"
        return "throttle"
    assert response.status_code == 200
    return "ok"


def test_rates_hold_over_many_calls(clock: FakeClock) -> None:
    faults = Faults(error_5xx=0.2, throttle=0.1, drop=0.05, seed=11)
    emu = Emulator(clock=clock, faults=faults)
    with signed_client(emu, clock) as client:
        seen = collections.Counter(outcome(client) for _ in range(CALLS))
    injected = emu.injected_faults
    emu.close()
    # The emulator's own count agrees with what the client saw.
    assert injected == {"5xx": seen["5xx"], "throttle": seen["throttle"], "drop": seen["drop"]}
    # Binomial standard deviation at n=2000 is under 1%; 3% bounds are > 3 sigma.
    assert abs(seen["5xx"] / CALLS - 0.2) < 0.03
    assert abs(seen["throttle"] / CALLS - 0.1) < 0.03
    assert abs(seen["drop"] / CALLS - 0.05) < 0.02
    assert seen["ok"] + seen["5xx"] + seen["throttle"] + seen["drop"] == CALLS


def test_the_same_seed_gives_the_same_run(clock: FakeClock) -> None:
    runs = []
    for _ in range(2):
        emu = Emulator(clock=clock, faults=Faults(error_5xx=0.3, drop=0.1, seed=5))
        with signed_client(emu, clock) as client:
            runs.append([outcome(client) for _ in range(50)])
        emu.close()
    assert runs[0] == runs[1]


def test_throttling_says_when_to_retry(clock: FakeClock) -> None:
    emu = Emulator(clock=clock, faults=Faults(throttle=1.0, retry_after_ms=750))
    with signed_client(emu, clock) as client:
        response = client.get("/api/v2/services")
    emu.close()
    assert response.status_code == 400  # §3.6: the darabonba throttling fixture
    assert response.headers["x-acs-retry-after"] == "750"
    assert response.json()["Message"] == "Request was denied due to user flow control."


def test_exactly_the_answered_creates_exist(clock: FakeClock, tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    faulty = Emulator(
        state, clock=clock, faults=Faults(error_5xx=0.3, throttle=0.2, drop=0.1, seed=3)
    )
    answered = set()
    with signed_client(faulty, clock) as client:
        for i in range(200):
            try:
                if create(client, image_service(name=f"svc_{i}")).status_code == 200:
                    answered.add(f"svc_{i}")
            except httpx.RemoteProtocolError:
                pass
    faulty.close()
    assert 0 < len(answered) < 200
    healthy = Emulator(state, clock=clock)
    with signed_client(healthy, clock) as client:
        listed = client.get("/api/v2/services", params={"PageSize": 500}).json()["Services"]
    healthy.close()
    assert {s["ServiceName"] for s in listed} == answered


def test_a_lost_create_response_still_creates_the_service(clock: FakeClock) -> None:
    emu = Emulator(clock=clock, faults=Faults(lost_create_response=1.0))
    with signed_client(emu, clock) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            create(client, image_service())
        assert describe(client)["Status"] == "Creating"
        # Only creates lose their answer.
        assert client.get("/api/v2/services").json()["TotalCount"] == 1
    assert emu.injected_faults == {"lost_create": 1}
    emu.close()


def test_rates_are_checked() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        Faults(error_5xx=1.5)
    with pytest.raises(ValueError, match="must not exceed 1"):
        Faults(error_5xx=0.6, throttle=0.3, drop=0.2)
