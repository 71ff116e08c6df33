"""The emulator's public API, its import cost, and that no request can crash it."""

from __future__ import annotations

import json
import subprocess
import sys
from types import ModuleType

from emulator_testkit import FakeClock, create, image_service, signed_client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import deploykit.emulator
from deploykit.emulator import Emulator


def test_all_is_complete_and_sorted() -> None:
    public = {
        n for n in dir(deploykit.emulator)
        if not n.startswith("_") and not isinstance(getattr(deploykit.emulator, n), ModuleType)
    }
    public -= {"annotations"}
    assert deploykit.emulator.__all__ == sorted(deploykit.emulator.__all__)
    assert set(deploykit.emulator.__all__) >= {
        "DEFAULT_ACCESS_KEY_ID",
        "DEFAULT_ACCESS_KEY_SECRET",
        "Emulator",
        "Faults",
        "local_state_path",
    }
    assert set(deploykit.emulator.__all__) == public


def test_the_cli_module_imports_no_server_or_http_library() -> None:
    # cli/emulator.py is imported at every `deploykit` start-up, validate included.
    code = (
        "import sys, deploykit.cli.emulator;"
        "print(sorted(m for m in ('httpx', 'uvicorn', 'starlette', 'sqlite3') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


settings_for_fuzz = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@settings_for_fuzz
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    path=st.text(alphabet="/abcdefgsv2-_%.?=&", max_size=40),
    body=st.binary(max_size=64),
    headers=st.lists(
        st.tuples(
            st.sampled_from(["authorization", "x-acs-date", "x-acs-signature-nonce", "host"]),
            st.text(max_size=30),
        ),
        max_size=4,
    ),
)
def test_any_request_gets_an_answer_not_an_exception(
    method: str, path: str, body: bytes, headers: list[tuple[str, str]]
) -> None:
    emu = Emulator()
    reply = emu.handle(method, ("/" + path).encode(), headers, body)
    emu.close()
    assert 400 <= reply.status < 500
    assert set(json.loads(reply.body)) >= {"Code", "Message", "RequestId"}


@settings_for_fuzz
@given(
    spec=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=12,
    )
)
def test_any_json_body_to_create_and_update_gets_an_answer(spec: object) -> None:
    clock = FakeClock()
    emu = Emulator(clock=clock)
    with signed_client(emu, clock) as client:
        create(client, image_service())
        for response in (
            client.post("/api/v2/services", content=json.dumps(spec)),
            client.put("/api/v2/services/cn-shanghai/image_test", content=json.dumps(spec)),
            client.put("/api/v2/services/cn-shanghai/image_test/scale", content=json.dumps(spec)),
        ):
            assert response.status_code in (200, 409), response.text
        clock.advance(3600)
        assert client.get("/api/v2/services").status_code == 200
    emu.close()
