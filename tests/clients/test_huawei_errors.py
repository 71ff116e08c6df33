"""ModelArts error answers → typed errors, which are retried, and what the user reads.

The rows are reference/modelarts.md §3.5 (OTC error_codes.rst / status_code.rst) and the
gateway codes of §5.3, written out here independently of the dialect's tables.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from deploykit.clients._retry import RetryableFailure, RetryPolicy
from deploykit.clients.huawei._dialect import MODELARTS_DIALECT
from deploykit.errors import ApiError, AuthError, ConflictError, NotFoundError, ThrottledError

REQUEST_ID = "1ea6a5e1c4bd4a4b8e6f5b0a6c1d2e3f"


def answer(status: int, body: object, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"X-Request-Id": REQUEST_ID, **headers})


def modelarts(status: int, code: str, message: str = "no", **headers: str) -> httpx.Response:
    return answer(status, {"error_code": code, "error_msg": message}, **headers)


def error_from_response(response: httpx.Response, what: str) -> ApiError | RetryableFailure:
    return MODELARTS_DIALECT.classify(response, what)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "ModelArts.0101", ApiError),
        (400, "ModelArts.0104", ApiError),
        (400, "ModelArts.3015", ApiError),
        (400, "ModelArts.3016", ApiError),
        (400, "ModelArts.3017", ApiError),
        (400, "ModelArts.3036", ApiError),
        (400, "ModelArts.3037", ApiError),
        (400, "ModelArts.3515", ConflictError),
        (400, "ModelArts.3516", ApiError),
        (400, "ModelArts.3519", ConflictError),
        (400, "ModelArts.3520", ApiError),
        (400, "ModelArts.3522", ApiError),
        (400, "ModelArts.3561", ApiError),
        (400, "ModelArts.3578", ApiError),
        (400, "ModelArts.3592", ApiError),
        (401, "ModelArts.0201", AuthError),
        (401, "ModelArts.0212", AuthError),
        (401, "ModelArts.4127", AuthError),
        (401, "ModelArts.5001", AuthError),
        (401, "ModelArts.5002", AuthError),
        (403, "ModelArts.0206", AuthError),
        (403, "ModelArts.0210", AuthError),
        (401, "APIGW.0301", AuthError),
        (401, "APIG.0301", AuthError),
        (404, "ModelArts.3001", NotFoundError),
        (404, "ModelArts.3502", NotFoundError),
        # A wrong endpoint must not read as "the service is gone".
        (404, "APIGW.0101", ApiError),
        (409, "ModelArts.3002", ConflictError),
        (409, "ModelArts.3503", ConflictError),
        (500, "ModelArts.3009", ConflictError),
        (500, "ModelArts.3044", ApiError),
        (413, "APIGW.0201", ApiError),
    ],
)
def test_never_retried(status: int, code: str, expected: type[ApiError]) -> None:
    error = error_from_response(modelarts(status, code), "create model")
    assert type(error) is expected
    assert isinstance(error, ApiError)
    assert (error.status, error.code, error.request_id) == (status, code, REQUEST_ID)


@pytest.mark.parametrize(
    ("status", "code", "expected", "maybe_applied"),
    [
        (409, "ModelArts.5044", ConflictError, False),
        (429, "ModelArts.2799", ThrottledError, False),
        (429, "ModelArts.4206", ThrottledError, False),
        (429, "ModelArts.6101", ThrottledError, False),
        (429, "APIGW.0308", ThrottledError, False),
        (500, "ModelArts.0010", ApiError, True),
        (500, "ModelArts.3006", ApiError, True),
        (502, "APIGW.0202", ApiError, True),
        (503, "ModelArts.0010", ApiError, True),
        (504, "ModelArts.0010", ApiError, True),
    ],
)
def test_retried(status: int, code: str, expected: type[ApiError], maybe_applied: bool) -> None:
    failure = error_from_response(modelarts(status, code), "deploy service")
    assert isinstance(failure, RetryableFailure)
    assert type(failure.error) is expected
    assert failure.error.code == code
    assert failure.maybe_applied is maybe_applied


@pytest.mark.parametrize(
    ("status", "expected", "retried"),
    [
        (400, ApiError, False),
        (401, AuthError, False),
        (403, AuthError, False),
        (404, NotFoundError, False),
        (405, ApiError, False),
        (408, ApiError, True),
        (409, ConflictError, False),
        (413, ApiError, False),
        (429, ThrottledError, True),
        (500, ApiError, True),
        (502, ApiError, True),
        (503, ApiError, True),  # see the module's note on the status table's 503 wording
        (504, ApiError, True),
    ],
)
def test_unknown_codes_go_by_status(status: int, expected: type[ApiError], retried: bool) -> None:
    result = error_from_response(modelarts(status, "Other.9999"), "get service")
    error = result.error if isinstance(result, RetryableFailure) else result
    assert isinstance(result, RetryableFailure) is retried
    assert type(error) is expected


def test_retry_after_in_seconds_or_as_a_future_date_is_honoured() -> None:
    seconds = error_from_response(modelarts(429, "ModelArts.6101", **{"Retry-After": "7"}), "ls")
    assert isinstance(seconds, RetryableFailure) and seconds.retry_after == 7.0
    soon = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    dated = error_from_response(modelarts(503, "X", **{"Retry-After": soon}), "ls")
    assert isinstance(dated, RetryableFailure) and dated.retry_after is not None
    assert 25 < dated.retry_after <= 30


def test_a_retry_after_date_in_the_past_falls_back_to_backoff() -> None:
    # Not "retry at once": a past date only says the clocks disagree (clients._retry).
    dated = error_from_response(
        modelarts(503, "X", **{"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), "ls"
    )
    assert isinstance(dated, RetryableFailure) and dated.retry_after is None


def test_a_throttled_call_waits_as_told_then_succeeds() -> None:
    slept: list[float] = []
    answers = iter([modelarts(429, "ModelArts.2799", **{"Retry-After": "2"}), None])

    def attempt() -> str:
        response = next(answers)
        if response is None:
            return "ok"
        failure = error_from_response(response, "list services")
        assert isinstance(failure, RetryableFailure)
        raise failure

    policy = RetryPolicy(sleep=slept.append, jitter=lambda low, high: low)
    assert policy.run(attempt) == "ok"
    assert slept == [2.0]


def test_message_shows_code_message_and_request_id() -> None:
    error = error_from_response(
        modelarts(404, "ModelArts.3502", "Service mnist does not exist"), "describe mnist"
    )
    assert str(error) == (
        "HTTP 404 ModelArts.3502: describe mnist: Service mnist does not exist "
        f"[RequestId: {REQUEST_ID}]"
    )
    assert isinstance(error, NotFoundError) and error.hint


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"error_code": "ModelArts.3503", "error_msg": "exists"}, "ModelArts.3503", "exists"),
        ({"errorCode": "ModelArts.3503", "errorMsg": "exists"}, "ModelArts.3503", "exists"),
        ({"code": "ModelArts.3503", "message": "exists"}, "ModelArts.3503", "exists"),
        ({"error": {"code": "ModelArts.3503", "message": "exists"}}, "ModelArts.3503", "exists"),
        # IAM's shape: the "code" is the HTTP status, not an error code.
        ({"error": {"code": 401, "message": "The username or password is wrong.",
                    "title": "Unauthorized"}}, None, "The username or password is wrong."),
        (["not", "an", "object"], None, "Unauthorized"),
    ],
)
def test_body_shapes_the_sdk_reads(body: object, code: str | None, message: str) -> None:
    status = 401 if code is None else 409
    response = answer(status, body)
    error = error_from_response(response, "get service")
    assert (error.code, error.message) == (code, f"get service: {message}")


def test_a_page_that_is_not_json_gives_the_reason_phrase() -> None:
    response = httpx.Response(502, content=b"<html>Bad Gateway</html>")
    failure = error_from_response(response, "list services")
    assert isinstance(failure, RetryableFailure)
    error = failure.error
    assert (error.code, error.request_id) == (None, None)
    assert error.message == "list services: Bad Gateway"


def test_request_id_from_the_gateway_body_when_the_header_is_missing() -> None:
    response = httpx.Response(401, json={"error_code": "APIGW.0301", "request_id": "r-42",
                                         "error_msg": "Incorrect IAM authentication information: "
                                                      "verify aksk signature fail"})
    error = error_from_response(response, "list services")
    assert isinstance(error, AuthError) and error.request_id == "r-42"
    assert "verify aksk signature fail" in str(error)
