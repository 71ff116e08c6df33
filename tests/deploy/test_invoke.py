"""deploy.invoke: the body -d and -f give, the endpoint and --path, a non-2xx answer, and a
token an answer repeats."""

from __future__ import annotations

import io

import pytest
from pydantic import SecretStr

from deploykit.clients._capabilities import (
    ServiceAccess,
    ServiceAnswer,
    ServiceRequest,
)
from deploykit.deploy.invoke import Payload, answer_document, endpoint_url, invoke, read_payload
from deploykit.errors import ApiError, ConfigError

BASE = "http://1828488879222746.cn-shanghai.pai-eas.aliyuncs.com/api/predict/image_test"
VPC = "http://1828488879222746.vpc.cn-shanghai.pai-eas.aliyuncs.com/api/predict/image_test"
TOKEN = "M5Mjk0NDZhM2EwYzUzOGE0OGMx"


def test_d_is_sent_as_given_and_must_be_json() -> None:
    payload = read_payload('{"image": "cat.jpg"}', None, io.BytesIO())
    assert payload == Payload(b'{"image": "cat.jpg"}', "application/json")
    with pytest.raises(ConfigError, match=r"-d is not JSON \(line 1, column 9: Expecting"):
        read_payload('{"x": 1,}', None, io.BytesIO())
    with pytest.raises(ConfigError, match="-d is not JSON"):  # not a RecursionError
        read_payload("[" * 100_000, None, io.BytesIO())


def test_f_sends_a_file_or_standard_input_byte_for_byte() -> None:
    image = b"\x89PNG\r\n\x1a\n\x00\xff"
    assert read_payload(None, "-", io.BytesIO(image)) == Payload(image, "application/octet-stream")
    assert read_payload(None, "-", io.BytesIO(b'{"a": 1}')).content_type == "application/json"
    with pytest.raises(ConfigError, match="cannot read it"):
        read_payload(None, "/no/such/request.json", io.BytesIO())
    with pytest.raises(ConfigError, match="not both"):
        read_payload("{}", "-", io.BytesIO())
    assert read_payload(None, None, io.BytesIO()) == Payload()


@pytest.mark.parametrize(
    ("path", "url"),
    [(None, BASE), ("", BASE), ("/v1/classify", f"{BASE}/v1/classify"),
     ("v1/classify?top=3", f"{BASE}/v1/classify?top=3"), ("?top=3", f"{BASE}?top=3")],
)
def test_the_internet_endpoint_and_the_path_under_it(path: str | None, url: str) -> None:
    assert endpoint_url(ServiceAccess(BASE, VPC), "image_test", path) == url


def test_the_intranet_endpoint_when_there_is_no_other_and_none_is_an_api_error() -> None:
    assert endpoint_url(ServiceAccess(None, VPC), "image_test", None) == VPC
    with pytest.raises(ApiError, match="no endpoint to call yet"):
        endpoint_url(ServiceAccess(None, None), "image_test", None)


@pytest.mark.parametrize(
    "path", ["http://evil.example/x", "//evil.example/x", "../other_service", "a/./b", "a b",
             "/v1#frag", "/v1/.."],
)
def test_a_path_that_leaves_the_endpoint_is_refused(path: str) -> None:
    with pytest.raises(ConfigError, match="is not a path under the service's endpoint"):
        endpoint_url(ServiceAccess(BASE, VPC), "image_test", path)


class Service:
    """A service's endpoint answering ``body`` with ``status``; the request is kept."""

    def __init__(self, status: int, body: bytes) -> None:
        self.answer = ServiceAnswer(status, "OK" if status < 300 else "Unauthorized", "", body)
        self.sent: list[ServiceRequest] = []

    def service_access(self, name: str) -> ServiceAccess:
        return ServiceAccess(BASE, VPC, SecretStr(TOKEN))

    def call_service(self, request: ServiceRequest) -> ServiceAnswer:
        self.sent.append(request)
        return self.answer


def test_the_token_goes_in_its_header_and_never_comes_back_out() -> None:
    service = Service(200, f'{{"echo": "Authorization: {TOKEN}"}}'.encode())
    answer = invoke(service, "image_test", Payload(b"{}", "application/json"),
                    platform="PAI-EAS")
    (sent,) = service.sent
    assert sent.secret_headers["Authorization"].get_secret_value() == TOKEN
    assert TOKEN not in repr(sent)
    assert answer.body == b'{"echo": "Authorization: ****"}'
    assert answer_document("image_test", answer)["body"] == {"echo": "Authorization: ****"}


def test_an_answer_that_is_not_2xx_is_an_api_error_with_its_status_and_body() -> None:
    service = Service(401, b"Unauthorized:\n the token\n")
    with pytest.raises(ApiError) as refused:
        invoke(service, "image_test", Payload(), platform="PAI-EAS")
    assert str(refused.value) == ("HTTP 401: invoke: service [image_test] answered "
                                  "Unauthorized: Unauthorized: the token")
    assert refused.value.hint and "token" in refused.value.hint
