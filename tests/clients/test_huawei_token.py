"""IAM token auth against a fake IAM and a fake ModelArts on one ``httpx.MockTransport``.

reference/modelarts.md §4.1: the password body scoped to the region's project, 201 with the
token in ``X-Subject-Token``, sent as ``X-Auth-Token``; cached until ``expires_at``; one
refresh on a 401. The token and the password never reach a log line or an error message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from pydantic import SecretStr

from deploykit.clients._http import build_client
from deploykit.clients._retry import RetryableFailure
from deploykit.clients.huawei._endpoints import iam_endpoint, modelarts_endpoint
from deploykit.clients.huawei._token import IamTokenAuth
from deploykit.errors import AuthError

REGION = "cn-north-4"
PROJECT_ID = "0b5b9b8c3e0f4b6b9d2f1e3a4c5d6e7f"
PASSWORD = "Pa55-w0rd-never-shown"
START = datetime(2025, 3, 14, 9, 0, 0, tzinfo=timezone.utc)
SERVICES = f"/v1/{PROJECT_ID}/services"


@dataclass
class Cloud:
    """IAM and ModelArts as one handler: tokens issued, which one ModelArts still accepts."""

    now: datetime = START
    lifetime: timedelta | None = timedelta(hours=24)
    iam_status: int = 201
    issued: list[str] = field(default_factory=list)
    iam_bodies: list[dict[str, object]] = field(default_factory=list)
    iam_urls: list[str] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)
    always_401: bool = False
    # (X-Auth-Token, body) as each ModelArts call arrived: httpx resends the same object.
    seen: list[tuple[str | None, bytes]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host.startswith("iam."):
            return self.iam(request)
        token = request.headers.get("X-Auth-Token")
        self.seen.append((token, request.content))
        if self.always_401 or token not in self.issued or token in self.revoked:
            return httpx.Response(401, json={"error_code": "APIGW.0301", "error_msg":
                                             "Incorrect IAM authentication information: "
                                             "decrypt token fail"})
        return httpx.Response(200, json={"services": [], "total_count": 0})

    def iam(self, request: httpx.Request) -> httpx.Response:
        self.iam_urls.append(str(request.url))
        self.iam_bodies.append(json.loads(request.content))
        if self.iam_status != 201:
            return httpx.Response(self.iam_status, json={"error": {
                "code": self.iam_status, "title": "Unauthorized",
                "message": "The username or password is wrong."}})
        token = f"MIIatAYJKoZIhvcNAQcCoIIapTCCGqEC-{len(self.issued) + 1}"
        self.issued.append(token)
        body: dict[str, object] = {"methods": ["password"], "issued_at": self.now.isoformat()}
        if self.lifetime is not None:
            expires = self.now + self.lifetime
            body["expires_at"] = expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return httpx.Response(201, json={"token": body}, headers={"X-Subject-Token": token})


def client(cloud: Cloud, log: list[str] | None = None) -> httpx.Client:
    auth = IamTokenAuth(iam_endpoint(REGION), user_name="deployer", password=SecretStr(PASSWORD),
                        domain_name="acme", project_name=REGION, clock=lambda: cloud.now)
    return build_client(modelarts_endpoint(REGION), auth=auth,
                        transport=httpx.MockTransport(cloud),
                        log=None if log is None else log.append)


def test_one_token_for_many_requests_with_the_documented_body() -> None:
    cloud = Cloud()
    with client(cloud) as http:
        for _ in range(5):
            assert http.get(SERVICES).status_code == 200
    assert len(cloud.issued) == 1
    assert [token for token, _ in cloud.seen] == cloud.issued * 5
    assert cloud.iam_urls == ["https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens?nocatalog=true"]
    assert cloud.iam_bodies == [{"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": "deployer", "password": PASSWORD, "domain": {"name": "acme"}}}},
        "scope": {"project": {"name": REGION}},
    }}]


@pytest.mark.parametrize(
    ("lifetime", "later", "fetches"),
    [
        (timedelta(hours=24), timedelta(hours=23, minutes=54), 1),
        (timedelta(hours=24), timedelta(hours=23, minutes=56), 2),  # within the 5-min margin
        (timedelta(hours=1), timedelta(minutes=56), 2),  # expires_at is read, not assumed
        (None, timedelta(hours=23), 1),  # no expires_at: 24 h
        (None, timedelta(hours=24), 2),
    ],
)
def test_expiry_is_honoured(lifetime: timedelta | None, later: timedelta, fetches: int) -> None:
    cloud = Cloud(lifetime=lifetime)
    with client(cloud) as http:
        http.get(SERVICES)
        cloud.now = START + later
        assert http.get(SERVICES).status_code == 200
    assert len(cloud.issued) == fetches


def test_a_revoked_token_is_replaced_once_and_the_request_resent_whole() -> None:
    cloud = Cloud()
    with client(cloud) as http:
        http.get(SERVICES)
        cloud.revoked.add(cloud.issued[0])  # e.g. the password changed (iam_30_0001)
        response = http.post(SERVICES, json={"service_name": "mnist", "infer_type": "real-time"})
    assert response.status_code == 200
    assert len(cloud.issued) == 2
    body = b'{"service_name":"mnist","infer_type":"real-time"}'
    assert cloud.seen[1:] == [(cloud.issued[0], body), (cloud.issued[1], body)]


def test_a_second_401_stands() -> None:
    cloud = Cloud(always_401=True)
    with client(cloud) as http:
        response = http.get(SERVICES)
    assert response.status_code == 401
    assert len(cloud.issued) == 2 and len(cloud.seen) == 2


def test_a_refused_password_is_an_auth_error_without_the_password() -> None:
    cloud = Cloud(iam_status=401)
    with client(cloud) as http, pytest.raises(AuthError) as caught:
        http.get(SERVICES)
    text = f"{caught.value} {caught.value.hint}"
    assert "The username or password is wrong." in text and "deployer" in text
    assert PASSWORD not in text and cloud.seen == []


def test_an_iam_outage_is_retryable() -> None:
    cloud = Cloud(iam_status=503)
    with client(cloud) as http, pytest.raises(RetryableFailure) as caught:
        http.get(SERVICES)
    assert caught.value.error.status == 503


def test_an_answer_without_a_token_is_an_auth_error() -> None:
    def iam_without_header(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, json={"token": {}})

    auth = IamTokenAuth("https://iam.myhuaweicloud.com/", user_name="u", password=SecretStr("p"),
                        domain_name="d", project_name=REGION)
    with httpx.Client(auth=auth, transport=httpx.MockTransport(iam_without_header)) as http, \
            pytest.raises(AuthError, match="without an X-Subject-Token"):
        http.get(f"{modelarts_endpoint(REGION)}{SERVICES}")


def test_verbose_log_shows_neither_token_nor_password() -> None:
    cloud = Cloud()
    lines: list[str] = []
    with client(cloud, lines) as http:
        http.get(SERVICES)
        cloud.revoked.add(cloud.issued[0])
        http.get(SERVICES)
    log = "\n".join(lines)
    assert "POST https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens" in log
    assert "x-subject-token: ****" in log.lower() and "x-auth-token: ****" in log.lower()
    for secret in (PASSWORD, *cloud.issued):
        assert secret not in log
