"""A SQLite file lets separate emulators (separate processes) share one cloud."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from emulator_testkit import SLOW, FakeClock, create, describe, image_service, signed_client
from pydantic import SecretStr

from deploykit.clients.alibaba._signer import Acs3Auth
from deploykit.emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_ACCESS_KEY_SECRET,
    Emulator,
    local_state_path,
)


def test_a_service_created_through_one_emulator_is_seen_by_another(
    tmp_path: Path, clock: FakeClock
) -> None:
    state = tmp_path / "emulator.sqlite3"
    first = Emulator(state, clock=clock, timings=SLOW)
    with signed_client(first, clock) as client:
        create(client, image_service(instance=2))
    first.close()

    clock.advance(SLOW.accept + SLOW.per_instance)
    second = Emulator(state, clock=clock, timings=SLOW)
    with signed_client(second, clock) as client:
        service = describe(client)
        # The state machine continued while no process was running.
        assert (service["Status"], service["RunningInstance"]) == ("Waiting", 1)
        client.delete("/api/v2/services/cn-shanghai/image_test")
    second.close()

    third = Emulator(state, clock=clock, timings=SLOW)
    with signed_client(third, clock) as client:
        assert describe(client)["Status"] == "Deleting"
    third.close()


def test_a_nonce_used_in_one_process_is_refused_in_another(
    tmp_path: Path, clock: FakeClock
) -> None:
    state = tmp_path / "emulator.sqlite3"
    auth = Acs3Auth(
        DEFAULT_ACCESS_KEY_ID,
        SecretStr(DEFAULT_ACCESS_KEY_SECRET),
        clock=clock.as_datetime,
        nonce=lambda: "d410180a5abf7fe235dd9b74aca91fc0",
    )
    answers = []
    for _ in range(2):
        emu = Emulator(state, clock=clock)
        transport = emu.mock_transport()
        with httpx.Client(transport=transport, base_url="https://pai-eas.local", auth=auth) as c:
            answers.append(c.get("/api/v2/services").json().get("Code"))
        emu.close()
    assert answers == [None, "SignatureNonceUsed"]


def test_concurrent_writers_on_one_file_lose_nothing(tmp_path: Path, clock: FakeClock) -> None:
    state = tmp_path / "emulator.sqlite3"
    emulators = [Emulator(state, clock=clock) for _ in range(2)]

    def create_many(emu: Emulator, prefix: str) -> None:
        with signed_client(emu, clock) as client:
            for i in range(25):
                assert create(client, image_service(name=f"{prefix}_{i}")).status_code == 200

    threads = [
        threading.Thread(target=create_many, args=(emu, f"w{n}")) for n, emu in enumerate(emulators)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with signed_client(emulators[0], clock) as client:
        assert client.get("/api/v2/services").json()["TotalCount"] == 50
    for emu in emulators:
        emu.close()


def test_local_state_path_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEPLOYKIT_EMULATOR_STATE", str(tmp_path / "ci.sqlite3"))
    assert local_state_path() == tmp_path / "ci.sqlite3"
    monkeypatch.delenv("DEPLOYKIT_EMULATOR_STATE")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert local_state_path() == tmp_path / "state" / "deploykit" / "emulator.sqlite3"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert local_state_path() == tmp_path / ".local" / "state" / "deploykit" / "emulator.sqlite3"


def test_the_state_directory_is_created(tmp_path: Path) -> None:
    state = tmp_path / "new" / "dir" / "emulator.sqlite3"
    Emulator(state).close()
    assert state.exists()


CREATE_IN_ANOTHER_PROCESS = """
import json, sys
import httpx
from pydantic import SecretStr
from deploykit.clients.alibaba._signer import Acs3Auth
from deploykit.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator
state, prefix = sys.argv[1], sys.argv[2]
emu = Emulator(state)
auth = Acs3Auth(DEFAULT_ACCESS_KEY_ID, SecretStr(DEFAULT_ACCESS_KEY_SECRET))
with httpx.Client(transport=emu.mock_transport(), base_url="https://pai-eas.local", auth=auth) as c:
    for i in range(30):
        spec = {"metadata": {"name": f"{prefix}_{i}", "instance": 1}}
        assert c.post("/api/v2/services", content=json.dumps(spec)).status_code == 200
"""


@pytest.mark.slow
def test_separate_processes_share_one_state_file(tmp_path: Path) -> None:
    state = tmp_path / "emulator.sqlite3"
    workers = [
        subprocess.Popen([sys.executable, "-c", CREATE_IN_ANOTHER_PROCESS, str(state), f"p{n}"])
        for n in range(3)
    ]
    assert [w.wait(timeout=60) for w in workers] == [0, 0, 0]
    emu = Emulator(state)
    with signed_client(emu) as client:
        names = {s["ServiceName"] for s in client.get("/api/v2/services").json()["Services"]}
    emu.close()
    assert names == {f"p{n}_{i}" for n in range(3) for i in range(30)}


def test_a_state_file_from_before_the_platform_seam_keeps_its_services(
    tmp_path: Path, clock: FakeClock
) -> None:
    # The layout deploykit 0.1 wrote: EAS services as JSON records in a `services` table.
    import sqlite3

    state = tmp_path / "emulator.sqlite3"
    first = Emulator(state, clock=clock, timings=SLOW)
    with signed_client(first, clock) as client:
        create(client, image_service())
    first.close()
    db = sqlite3.connect(state)
    with db:
        db.execute("CREATE TABLE services (name TEXT PRIMARY KEY, record TEXT NOT NULL)")
        db.execute("INSERT INTO services SELECT key, data FROM records WHERE kind = 'eas.service'")
        db.execute("DELETE FROM records")
    db.close()

    second = Emulator(state, clock=clock, timings=SLOW)
    with signed_client(second, clock) as client:
        assert describe(client)["ServiceName"] == "image_test"
    second.close()
