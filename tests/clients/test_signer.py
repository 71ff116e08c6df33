"""The ACS3 signer against the published vectors and the official SDK's own signer.

Vectors: reference/eas.md §4.2 (the official V3 page) and §4.3 (the SDK unit tests). Oracle:
``alibabacloud_tea_openapi.utils.Utils.get_authorization`` (reference/eas.md §8), fed the
exact request our ``Acs3Auth`` put on the wire, over many generated requests.
"""

from __future__ import annotations

import hashlib
import string
from datetime import datetime, timezone

import httpx
from alibabacloud_tea_openapi.utils import Utils
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from deploykit.clients.alibaba._signer import (
    EMPTY_SHA256,
    Acs3Auth,
    canonical_query,
    canonical_request,
    signature,
    split_raw_path,
)

FIXED_DATE = datetime(2023, 10, 26, 10, 22, 32, tzinfo=timezone.utc)
FIXED_NONCE = "3156853299f313e23d1673dc12e1703d"


def test_published_v3_vector_reproduced_by_acs3auth() -> None:
    # reference/eas.md §4.2: POST / with two query parameters, empty body.
    request = httpx.Request(
        "POST",
        "https://ecs.cn-shanghai.aliyuncs.com/",
        params={
            "ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
            "RegionId": "cn-shanghai",
        },
        headers={"x-acs-action": "RunInstances", "x-acs-version": "2014-05-26"},
    )
    auth = Acs3Auth(
        "YourAccessKeyId",
        SecretStr("YourAccessKeySecret"),
        clock=lambda: FIXED_DATE,
        nonce=lambda: FIXED_NONCE,
    )
    auth.sign(request)
    assert request.headers["Authorization"] == (
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
        "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
        "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    )


def test_sdk_unit_test_vector() -> None:
    # reference/eas.md §4.3: duplicate header names joined sorted, empty query value kept.
    canonical, signed = canonical_request(
        "GET",
        "",
        [("test", "ok"), ("empty", "")],
        [("x-acs-test", "http"), ("x-acs-TEST", "https")],
        ["x-acs-test"],
        "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23",
    )
    assert signed == "x-acs-test"
    assert signature("secret", canonical) == (
        "d16b30a7699ae9e43875b13195b2f81bcc3ed10c14a9b5eb780e51619aa50be1"
    )
    assert canonical_query([("test", " ~/*-+")]) == "test=%20~%2F%2A-%2B"


def test_sts_token_is_signed_and_sent() -> None:
    request = httpx.Request("GET", "https://pai-eas.cn-shanghai.aliyuncs.com/api/v2/services")
    Acs3Auth("STS.id", SecretStr("sk"), security_token=SecretStr("CAIS-token")).sign(request)
    assert request.headers["x-acs-security-token"] == "CAIS-token"
    assert "x-acs-security-token" in request.headers["Authorization"]
    assert request.headers["x-acs-content-sha256"] == EMPTY_SHA256


class _SdkRequest:
    """The shape ``Utils.get_authorization`` reads (tea ``Request``: method, pathname, …)."""

    def __init__(self, method: str, pathname: str, query: dict[str, str], headers: dict[str, str]):
        self.method = method
        self.pathname = pathname
        self.query = query
        self.headers = headers


def _sdk_authorization(request: httpx.Request, secret: str, key_id: str) -> str:
    path, query = split_raw_path(request.url.raw_path)
    signed = request.headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    headers = {name: ",".join(request.headers.get_list(name)) for name in signed}
    payload = request.headers["x-acs-content-sha256"]
    sdk_request = _SdkRequest(request.method, path, dict(query), headers)
    return str(Utils.get_authorization(sdk_request, "ACS3-HMAC-SHA256", payload, key_id, secret))


# Service names and query values with the characters that break naive encoders.
_odd_text = st.text(
    alphabet=string.ascii_letters + string.digits + " -_.~*+/%?&=:@!$'()[],;中文é", max_size=20
)


@settings(max_examples=200, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    region=st.sampled_from(["cn-shanghai", "cn-beijing", "ap-southeast-1"]),
    name=_odd_text.filter(bool),
    query=st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=8), _odd_text,
                          max_size=4),
    body=st.one_of(st.none(), st.binary(max_size=64),
                   st.builds(lambda n: f'{{"metadata":{{"name":"{n}"}}}}'.encode(), _odd_text)),
    token=st.one_of(st.none(), st.text(string.ascii_letters + string.digits, min_size=1)),
)
def test_signature_matches_official_sdk(
    method: str, region: str, name: str, query: dict[str, str], body: bytes | None,
    token: str | None,
) -> None:
    from urllib.parse import quote

    url = f"https://pai-eas.{region}.aliyuncs.com/api/v2/services/{region}/{quote(name, safe='')}"
    headers = {"x-acs-action": "DescribeService", "x-acs-version": "2021-07-01"}
    if body is not None:
        headers["content-type"] = "application/json; charset=utf-8"
    request = httpx.Request(method, url, params=query, content=body, headers=headers)
    auth = Acs3Auth("LTAI5tExampleKeyId", SecretStr("example-secret"),
                    security_token=SecretStr(token) if token else None)
    auth.sign(request)
    assert request.headers["x-acs-content-sha256"] == hashlib.sha256(body or b"").hexdigest()
    assert request.headers["Authorization"] == _sdk_authorization(
        request, "example-secret", "LTAI5tExampleKeyId"
    )


def test_eas_flavoured_vectors() -> None:
    # reference/eas.md §4.4 [COMPUTED, self-consistency]: the §4.2 key, date and nonce on EAS.
    def signed(method: str, path: str, body: bytes | None) -> httpx.Request:
        headers = {"x-acs-action": "DescribeService", "x-acs-version": "2021-07-01"}
        if body is not None:
            headers["x-acs-action"] = "CreateService"
            headers["content-type"] = "application/json; charset=utf-8"
        request = httpx.Request(method, f"https://pai-eas.cn-shanghai.aliyuncs.com{path}",
                                content=body, headers=headers)
        Acs3Auth("YourAccessKeyId", SecretStr("YourAccessKeySecret"), clock=lambda: FIXED_DATE,
                 nonce=lambda: FIXED_NONCE).sign(request)
        return request

    describe = signed("GET", "/api/v2/services/cn-shanghai/foo", None)
    assert describe.headers["Authorization"].endswith(
        "Signature=005070e1e2d5e699296996bd282386daa4c6ab0fccda209acd6dc29363c27e87"
    )
    create = signed("POST", "/api/v2/services", b'{"metadata":{"name":"foo","instance":1}}')
    assert create.headers["x-acs-content-sha256"] == (
        "0c5e0b07e319bcbe912693cca8aba8542926bae22fca05fe92a8699f1596f893"
    )
    assert create.headers["Authorization"].endswith(
        "Signature=5ec691b4128e1e005c2aa3c28283a254b2ddd6c0a9f4ede48f6e104d6a1e25fb"
    )
