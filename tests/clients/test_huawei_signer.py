"""The SDK-HMAC-SHA256 signer and its verifier: published vectors, the official SDK as oracle.

Vectors: reference/modelarts.md §4.3. Oracle: ``huaweicloudsdkcore.signer.signer.Signer``
(3.1.x), fed the request exactly as a caller of the SDK would set it (headers, query pairs)
with the path and date our ``SdkHmacSha256Auth`` put on the wire, over many generated
requests. The verifier must accept both signers' output and refuse any tampering.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from deploykit.clients._http import build_client
from deploykit.clients.huawei._signature_check import (
    SignatureProblem,
    SignatureRejection,
    verify_signature,
)
from deploykit.clients.huawei._signer import (
    DATE_FORMAT,
    EMPTY_SHA256,
    UNSIGNED_PAYLOAD,
    SdkHmacSha256Auth,
    canonical_query,
    canonical_request,
    payload_hash,
    signature,
    string_to_sign,
)

AK, SK = "HPUAEXAMPLEACCESSKEY", "example-secret-key-0123456789"
KEYS = {AK: SecretStr(SK)}
ENDPOINT = "https://modelarts.cn-north-4.myhuaweicloud.com"
PROJECT = "0b5b9b8c3e0f4b6b9d2f1e3a4c5d6e7f"
NOW = datetime(2025, 3, 14, 9, 26, 53, tzinfo=timezone.utc)


def at(date: str) -> Callable[[], datetime]:
    return lambda: datetime.strptime(date, DATE_FORMAT).replace(tzinfo=timezone.utc)


# --- published vectors (reference/modelarts.md §4.3) ---------------------------------------


def test_v1_signing_guide_example_and_its_intermediate_values() -> None:
    request = httpx.Request(
        "GET",
        "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        params={"limit": "2", "marker": "13551d6b-755d-4757-b956-536f674975c0"},
        headers={"Content-Type": "application/json"},
    )
    auth = SdkHmacSha256Auth(
        "QTWAOYTTINDUT2QVKYUC",
        SecretStr("MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"),
        clock=at("20191115T033655Z"),
    )
    auth.sign(request)
    assert request.headers["Authorization"] == (
        "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;"
        "x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    )
    assert request.headers["X-Sdk-Date"] == "20191115T033655Z"
    canonical = canonical_request(
        "GET",
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        [("marker", "13551d6b-755d-4757-b956-536f674975c0"), ("limit", "2")],
        {
            "content-type": "application/json",
            "host": "service.region.example.com",
            "x-sdk-date": "20191115T033655Z",
        },
        ["content-type", "host", "x-sdk-date"],
        EMPTY_SHA256,
    )
    hashed = "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    assert hashlib.sha256(canonical.encode()).hexdigest() == hashed
    assert string_to_sign(canonical, "20191115T033655Z") == (
        f"SDK-HMAC-SHA256\n20191115T033655Z\n{hashed}"
    )


@pytest.mark.parametrize(
    ("method", "body", "expected"),
    [
        ("GET", b"", "cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"),
        (
            "POST",
            b'{"name":"test","id":1}',
            "436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f",
        ),
    ],
)
def test_v2_v3_python_sdk_unit_tests(method: str, body: bytes, expected: str) -> None:
    # The SDK's own test sends TEST_UNDERSCORE, which must stay out of SignedHeaders.
    request = httpx.Request(
        method,
        "https://service.endpoint.myhuaweicloud.com/resources?size=1",
        headers={"TEST_UNDERSCORE": "TEST_VALUE"},
        content=body,
    )
    SdkHmacSha256Auth("AccessKey", SecretStr("SecretKey"), clock=at("20200608T023900Z")).sign(
        request
    )
    assert request.headers["Authorization"] == (
        f"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature={expected}"
    )
    assert request.headers["TEST_UNDERSCORE"] == "TEST_VALUE"


# V4/V5 come from the Go SDK, which signs only x-sdk-date (not Host, not Content-Type), so
# our Auth, which signs like the Python SDK, cannot produce them. What applies: the canonical
# form and the signature for that header set, and that the verifier (the emulator's) accepts
# a Go-signed request, since the official SDKs must talk to the emulator unchanged.
GO_VECTORS = [
    ("GET", "limit=1", b"", "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"),
    (
        "POST",
        "key=value",
        b'{"Name":"test","Id":1}\n',  # Go's json.Encoder adds the newline; it is signed
        "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59",
    ),
]


@pytest.mark.parametrize(("method", "query", "body", "expected"), GO_VECTORS)
def test_v4_v5_go_sdk_vectors(method: str, query: str, body: bytes, expected: str) -> None:
    date = "20060102T150405Z"
    key, _, value = query.partition("=")
    canonical = canonical_request(
        method, "/path", [(key, value)], {"x-sdk-date": date}, ["x-sdk-date"],
        payload_hash(body, None),
    )
    assert signature("SecretKey", string_to_sign(canonical, date)) == expected
    headers = [
        ("Host", "example.huaweicloud.com"),
        ("X-Sdk-Date", date),
        ("TEST_UNDERSCORE", "TEST_VALUE"),
        ("Content-Type", "application/json"),
        ("Authorization", "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, "
                          f"Signature={expected}"),
    ]
    now = datetime(2006, 1, 2, 15, 4, 5, tzinfo=timezone.utc).timestamp()
    keys = {"AccessKey": SecretStr("SecretKey")}
    assert verify_signature(method, f"/path?{query}".encode(), headers, body, keys, now) is None


def test_v6_canonical_query_string() -> None:
    # Both SDKs' suites: bool → "true", a list → one pair per value, reserved chars encoded.
    params = [("limit", "1"), ("enable", "true"), ("test", "一 (&=?!#%.*)"),
              ("path", "/tmp/123"), ("multi", "1"), ("multi", "2"), ("multi", "3")]
    assert canonical_query(params) == (
        "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123"
        "&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
    )


# --- what the Auth adds ---------------------------------------------------------------------


def test_temporary_credentials_and_project_are_sent_and_signed() -> None:
    request = httpx.Request("GET", f"{ENDPOINT}/v1/{PROJECT}/services")
    SdkHmacSha256Auth(AK, SecretStr(SK), security_token=SecretStr("sts-token-value"),
                      project_id=PROJECT, clock=lambda: NOW).sign(request)
    assert request.headers["X-Security-Token"] == "sts-token-value"
    assert request.headers["X-Project-Id"] == PROJECT
    assert "SignedHeaders=host;x-project-id;x-sdk-date;x-security-token," in (
        request.headers["Authorization"]
    )
    assert _verify(request) is None


def test_a_resent_request_is_signed_afresh_with_one_authorization() -> None:
    request = httpx.Request("DELETE", f"{ENDPOINT}/v1/{PROJECT}/services/s-1")
    SdkHmacSha256Auth(AK, SecretStr(SK), clock=lambda: NOW).sign(request)
    later = NOW + timedelta(minutes=20)
    SdkHmacSha256Auth(AK, SecretStr(SK), clock=lambda: later).sign(request)
    assert request.headers.get_list("Authorization") == [request.headers["Authorization"]]
    assert request.headers["X-Sdk-Date"] == later.strftime(DATE_FORMAT)
    assert _verify(request, now=later) is None


def test_query_goes_on_the_wire_in_canonical_form() -> None:
    # httpx writes a space as "+", which a gateway may read as a plus; the SDK sends %20.
    request = httpx.Request("GET", f"{ENDPOINT}/v1/{PROJECT}/services",
                            params={"service_name": "my svc", "limit": "10"})
    SdkHmacSha256Auth(AK, SecretStr(SK), clock=lambda: NOW).sign(request)
    assert request.url.raw_path == f"/v1/{PROJECT}/services?limit=10&service_name=my%20svc".encode()


def test_a_non_json_body_is_still_signed_unless_the_caller_opts_out() -> None:
    # Deliberate difference from the SDK, which leaves any non-JSON body unsigned: a body is
    # never sent unsigned unless the caller says so with X-Sdk-Content-Sha256.
    signed = httpx.Request("PUT", f"{ENDPOINT}/v1/x", content=b"plain text",
                           headers={"Content-Type": "text/plain"})
    SdkHmacSha256Auth(AK, SecretStr(SK), clock=lambda: NOW).sign(signed)
    assert _problem(signed, body=b"plain texT") is SignatureProblem.SIGNATURE_MISMATCH

    opted_out = httpx.Request(
        "PUT", f"{ENDPOINT}/v1/x", content=b"\x00\x01 upload",
        headers={"Content-Type": "application/octet-stream",
                 "X-Sdk-Content-Sha256": UNSIGNED_PAYLOAD},
    )
    SdkHmacSha256Auth(AK, SecretStr(SK), clock=lambda: NOW).sign(opted_out)
    assert _verify(opted_out) is None
    assert _verify(opted_out, body=b"another upload") is None  # the protocol's choice


# --- the official SDK as oracle -------------------------------------------------------------


def _sdk_sign(
    method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str], body: bytes,
) -> SdkRequest:
    request = SdkRequest(method=method, schema="https", host=ENDPOINT.split("//")[1],
                         resource_path=path, query_params=list(query),
                         header_params=dict(headers), body=body)
    return Signer(BasicCredentials(AK, SK)).sign(request)


_NAME = st.text(string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=10)
_RESERVED = frozenset({"x-sdk-date", "x-security-token", "x-project-id", "x-sdk-content-sha256"})
_SEGMENT = st.text(string.ascii_letters + string.digits + " -_.~!$&'()*+,;=:@%/中文é", min_size=1,
                   max_size=10)
_QUERY_TEXT = st.text(string.ascii_letters + string.digits + " -_.~!$&'()*+,;=:@%/?#中é",
                      max_size=10)
_BODY = st.one_of(
    st.just(b""),
    st.binary(max_size=64),
    st.builds(lambda n: json.dumps({"service_name": n}, ensure_ascii=False).encode(), _QUERY_TEXT),
)
# (Content-Type, X-Sdk-Content-Sha256): JSON is signed; other types opt out as the SDK does.
_CONTENT = st.sampled_from([
    (None, None),
    ("application/json", None),
    ("application/json;charset=UTF-8", None),
    ("multipart/form-data; boundary=b", UNSIGNED_PAYLOAD),
    ("application/octet-stream", UNSIGNED_PAYLOAD),
])


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    segments=st.lists(_SEGMENT, max_size=4),
    trailing_slash=st.booleans(),
    query=st.lists(st.tuples(_QUERY_TEXT.filter(bool), _QUERY_TEXT), max_size=5),
    extra=st.dictionaries(
        _NAME.map(lambda n: f"x-{n}").filter(lambda n: n not in _RESERVED),
        st.text(string.ascii_letters + string.digits + " -_.,;:=/\"'()", max_size=16),
        max_size=4,
    ),
    body=_BODY,
    content=_CONTENT,
    token=st.one_of(st.none(), st.text(string.ascii_letters + string.digits, min_size=1)),
    project=st.one_of(st.none(), st.just(PROJECT)),
    now=st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31), timezones=st.just(timezone.utc)),
)
def test_authorization_matches_official_sdk_and_verifies(
    method: str, segments: list[str], trailing_slash: bool, query: list[tuple[str, str]],
    extra: dict[str, str], body: bytes, content: tuple[str | None, str | None],
    token: str | None, project: str | None, now: datetime,
) -> None:
    # Sub-delims stay raw in the path, as httpx and most clients send them.
    path = f"/v1/{PROJECT}/" + "/".join(quote(s, safe="!$&'()*+,;=:@") for s in segments)
    path += "/" if trailing_slash and segments else ""
    headers = {name.title(): value for name, value in extra.items()}  # "X-Trace_Id" stays out
    content_type, content_sha = content
    if content_type:
        headers["Content-Type"] = content_type
    if content_sha:
        headers["X-Sdk-Content-Sha256"] = content_sha
    sent: list[httpx.Request] = []

    def capture(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    auth = SdkHmacSha256Auth(AK, SecretStr(SK), security_token=SecretStr(token) if token else None,
                             project_id=project, clock=lambda: now)
    with build_client(ENDPOINT, auth=auth, transport=httpx.MockTransport(capture)) as client:
        client.request(method, path, params=query, headers=headers, content=body)
    wire = sent[0]

    # What an SDK caller would have set: the same headers, plus what the SDK adds itself.
    sdk_headers = {**headers, "User-Agent": wire.headers["user-agent"],
                   "X-Sdk-Date": now.strftime(DATE_FORMAT)}
    if token:
        sdk_headers["X-Security-Token"] = token
    if project:
        sdk_headers["X-Project-Id"] = project
    sdk = _sdk_sign(method, wire.url.raw_path.decode().partition("?")[0], query, sdk_headers, body)
    assert wire.headers["Authorization"] == sdk.header_params["Authorization"]
    assert wire.url.raw_path.decode() == sdk.uri  # the query the SDK would send, too

    keys_now = now.timestamp()
    assert verify_signature(method, wire.url.raw_path, wire.headers.multi_items(), body, KEYS,
                            keys_now) is None
    assert verify_signature(method, sdk.uri.encode(), list(sdk.header_params.items()), body, KEYS,
                            keys_now) is None


# --- the verifier refuses what was not signed -----------------------------------------------


def _signed(method: str = "POST", body: bytes = b'{"service_name":"mnist"}') -> httpx.Request:
    request = httpx.Request(method, f"{ENDPOINT}/v1/{PROJECT}/services?limit=10", content=body,
                            headers={"Content-Type": "application/json"})
    SdkHmacSha256Auth(AK, SecretStr(SK), project_id=PROJECT, clock=lambda: NOW).sign(request)
    return request


def _verify(
    request: httpx.Request,
    *,
    raw_path: bytes | None = None,
    headers: list[tuple[str, str]] | None = None,
    body: bytes | None = None,
    keys: dict[str, SecretStr] = KEYS,
    now: datetime = NOW,
) -> SignatureRejection | None:
    return verify_signature(
        request.method,
        request.url.raw_path if raw_path is None else raw_path,
        request.headers.multi_items() if headers is None else headers,
        request.content if body is None else body,
        keys,
        now.timestamp(),
    )


def _problem(request: httpx.Request, **changes: Any) -> SignatureProblem | None:
    rejection = _verify(request, **changes)
    if rejection is not None:
        assert (rejection.status, rejection.error_code) == (401, "APIGW.0301")
        assert rejection.error_msg.startswith("Incorrect IAM authentication information: ")
        assert SK not in rejection.error_msg
    return None if rejection is None else rejection.problem


def _replace(request: httpx.Request, name: str, value: str | None) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in request.headers.multi_items() if k.lower() != name.lower()]
    return kept if value is None else [*kept, (name, value)]


def test_the_untouched_request_passes() -> None:
    assert _verify(_signed()) is None
    assert _verify(_signed("GET", b"")) is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"body": b'{"service_name":"mnisT"}'}, SignatureProblem.SIGNATURE_MISMATCH),
        ({"raw_path": f"/v1/{PROJECT}/services/?limit=10".encode()}, None),  # same canonical URI
        ({"raw_path": f"/v1/{PROJECT}/models?limit=10".encode()},
         SignatureProblem.SIGNATURE_MISMATCH),
        ({"raw_path": f"/v1/{PROJECT}/services?limit=1000".encode()},
         SignatureProblem.SIGNATURE_MISMATCH),
        ({"keys": {AK: SecretStr("another-secret")}}, SignatureProblem.SIGNATURE_MISMATCH),
        ({"keys": {"ANOTHERKEY": SecretStr(SK)}}, SignatureProblem.UNKNOWN_ACCESS_KEY),
        ({"now": NOW + timedelta(minutes=15)}, None),
        ({"now": NOW + timedelta(minutes=15, seconds=1)}, SignatureProblem.DATE_SKEWED),
        ({"now": NOW - timedelta(minutes=16)}, SignatureProblem.DATE_SKEWED),
    ],
)
def test_tampering_is_refused(change: dict[str, object], problem: SignatureProblem | None) -> None:
    assert _problem(_signed(), **change) is problem


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("X-Project-Id", "another-project", SignatureProblem.SIGNATURE_MISMATCH),
        ("Content-Type", "text/plain", SignatureProblem.SIGNATURE_MISMATCH),
        ("X-Sdk-Date", "20250314T092654Z", SignatureProblem.SIGNATURE_MISMATCH),
        ("X-Sdk-Date", "2025-03-14T09:26:53Z", SignatureProblem.BAD_DATE),
        ("X-Sdk-Date", None, SignatureProblem.BAD_DATE),
        ("X-Sdk-Content-Sha256", UNSIGNED_PAYLOAD, SignatureProblem.SIGNATURE_MISMATCH),
        ("X-Sdk-Content-Sha256", "0" * 64, SignatureProblem.SIGNATURE_MISMATCH),
        ("Authorization", None, SignatureProblem.MISSING_AUTHORIZATION),
        ("Authorization", "SDK-HMAC-SHA256 Access=x", SignatureProblem.MALFORMED_AUTHORIZATION),
        ("Authorization", "Bearer abc", SignatureProblem.MALFORMED_AUTHORIZATION),
        ("X-Unsigned_Header", "anything", None),  # underscores are never signed
        ("Accept-Encoding", "br", None),  # transport headers are not signed
    ],
)
def test_header_changes(name: str, value: str | None, problem: SignatureProblem | None) -> None:
    request = _signed()
    assert _problem(request, headers=_replace(request, name, value)) is problem


def test_date_must_be_signed() -> None:
    request = _signed()
    unsigned_date = request.headers["Authorization"].replace("x-project-id;x-sdk-date",
                                                             "x-project-id")
    headers = _replace(request, "Authorization", unsigned_date)
    assert _problem(request, headers=headers) is SignatureProblem.BAD_DATE


def test_skew_message_names_both_times_as_the_gateway_does() -> None:
    rejection = _verify(_signed(), now=NOW + timedelta(hours=1))
    assert rejection is not None
    assert rejection.error_msg.endswith(
        "signature expired, signature time:20250314T092653Z, server time:20250314T102653Z"
    )


def test_verbose_log_shows_neither_signature_nor_security_token() -> None:
    lines: list[str] = []
    auth = SdkHmacSha256Auth(AK, SecretStr(SK), security_token=SecretStr("sts-token-value"),
                             project_id=PROJECT)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    with build_client(ENDPOINT, auth=auth, transport=transport, log=lines.append) as client:
        client.get(f"/v1/{PROJECT}/services")
    log = "\n".join(lines)
    assert f"x-project-id: {PROJECT}" in log.lower()
    for secret in ("sts-token-value", "Signature=", SK):
        assert secret not in log, secret
