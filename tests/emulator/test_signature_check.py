"""The emulator checks every request's ACS3-HMAC-SHA256 signature (reference/eas.md §4.1)."""

from __future__ import annotations

import json

import httpx
import pytest
from emulator_testkit import BASE_URL, FakeClock, create, image_service, signed_client
from pydantic import SecretStr

from deploykit.clients.alibaba._signer import Acs3Auth
from deploykit.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Emulator


def error_code(response: httpx.Response) -> str:
    code: str = response.json()["Code"]
    return code


def test_a_correctly_signed_request_is_accepted(client: httpx.Client) -> None:
    assert create(client, image_service()).status_code == 200


def test_wrong_secret_is_refused(emulator: Emulator, clock: FakeClock) -> None:
    with signed_client(emulator, clock, secret="not-the-secret") as client:
        response = create(client, image_service())
    assert (response.status_code, error_code(response)) == (400, "SignatureDoesNotMatch")
    # Nothing was created by the refused call.
    with signed_client(emulator, clock) as good:
        assert good.get("/api/v2/services").json()["TotalCount"] == 0


def test_unknown_access_key_is_refused(emulator: Emulator, clock: FakeClock) -> None:
    with signed_client(emulator, clock, access_key_id="LTAI5tSomeoneElse") as client:
        response = client.get("/api/v2/services")
    assert (response.status_code, error_code(response)) == (404, "InvalidAccessKeyId.NotFound")


@pytest.mark.parametrize("skew", [-16 * 60, 16 * 60])
def test_a_date_more_than_15_minutes_off_is_refused(
    emulator: Emulator, clock: FakeClock, skew: float
) -> None:
    client_clock = FakeClock()
    client_clock.now = clock.now + skew
    with signed_client(emulator, client_clock) as client:
        response = client.get("/api/v2/services")
    assert (response.status_code, error_code(response)) == (400, "InvalidTimeStamp.Expired")


def test_a_date_14_minutes_off_is_accepted(emulator: Emulator, clock: FakeClock) -> None:
    client_clock = FakeClock()
    client_clock.now = clock.now - 14 * 60
    with signed_client(emulator, client_clock) as client:
        assert client.get("/api/v2/services").status_code == 200


def test_a_reused_nonce_is_refused(emulator: Emulator, clock: FakeClock) -> None:
    auth = Acs3Auth(
        DEFAULT_ACCESS_KEY_ID,
        SecretStr(DEFAULT_ACCESS_KEY_SECRET),
        clock=clock.as_datetime,
        nonce=lambda: "3156853299f313e23d1673dc12e1703d",
    )
    with httpx.Client(transport=emulator.mock_transport(), base_url=BASE_URL, auth=auth) as client:
        assert client.get("/api/v2/services").status_code == 200
        replay = client.get("/api/v2/services")
    assert (replay.status_code, error_code(replay)) == (400, "SignatureNonceUsed")


def test_a_body_changed_after_signing_is_refused(emulator: Emulator, clock: FakeClock) -> None:
    auth = Acs3Auth(
        DEFAULT_ACCESS_KEY_ID,
        SecretStr(DEFAULT_ACCESS_KEY_SECRET),
        clock=clock.as_datetime,
    )
    request = httpx.Request(
        "POST",
        f"{BASE_URL}/api/v2/services",
        content=json.dumps(image_service(instance=1)),
        headers={"content-type": "application/json"},
    )
    auth.sign(request)
    tampered = httpx.Request(
        "POST",
        request.url,
        headers=request.headers,
        content=json.dumps(image_service(instance=50)),
    )
    reply = emulator.handle(
        "POST", tampered.url.raw_path, tampered.headers.multi_items(), tampered.read()
    )
    assert reply.status == 400
    assert json.loads(reply.body)["Code"] == "SignatureDoesNotMatch"


def test_a_signed_header_changed_in_transit_is_refused(
    emulator: Emulator, clock: FakeClock
) -> None:
    auth = Acs3Auth(
        DEFAULT_ACCESS_KEY_ID,
        SecretStr(DEFAULT_ACCESS_KEY_SECRET),
        clock=clock.as_datetime,
    )
    request = httpx.Request("GET", f"{BASE_URL}/api/v2/services/cn-shanghai/image_test")
    auth.sign(request)
    # A replayer who swaps the nonce to get past the replay check breaks the signature.
    headers = [(k, v) for k, v in request.headers.multi_items() if k != "x-acs-signature-nonce"]
    headers.append(("x-acs-signature-nonce", "a-fresh-nonce-from-the-replayer"))
    reply = emulator.handle("GET", request.url.raw_path, headers, b"")
    assert json.loads(reply.body)["Code"] == "SignatureDoesNotMatch"


def test_an_unsigned_request_is_refused(emulator: Emulator) -> None:
    with httpx.Client(transport=emulator.mock_transport(), base_url=BASE_URL) as client:
        response = client.get("/api/v2/services")
    assert (response.status_code, error_code(response)) == (400, "MissingParameter")
    assert "Authorization" in response.json()["Message"]


def test_sts_security_token_is_accepted(emulator: Emulator, clock: FakeClock) -> None:
    with signed_client(emulator, clock, security_token="CAIS-example-sts-token") as client:
        assert client.get("/api/v2/services").status_code == 200


def test_only_the_configured_credentials_are_accepted(clock: FakeClock) -> None:
    emu = Emulator(clock=clock, credentials={"LTAI5tCiRunner": "ci-secret-1"})
    with signed_client(emu, clock, access_key_id="LTAI5tCiRunner", secret="ci-secret-1") as ok:
        assert ok.get("/api/v2/services").status_code == 200
    with signed_client(emu, clock) as defaults:
        assert error_code(defaults.get("/api/v2/services")) == "InvalidAccessKeyId.NotFound"
    emu.close()


def test_refusals_never_echo_the_secret(emulator: Emulator, clock: FakeClock) -> None:
    with signed_client(emulator, clock, secret="wrong-secret-value") as client:
        response = client.get("/api/v2/services")
    assert "wrong-secret-value" not in response.text
    assert DEFAULT_ACCESS_KEY_SECRET not in response.text
