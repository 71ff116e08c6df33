"""Which failures are retried, how long we wait, and that retries always end (reference §3.6)."""

from __future__ import annotations

import httpx
import pytest

from deploykit.clients._retry import RetryableFailure, RetryPolicy, RetryStats
from deploykit.clients.alibaba._dialect import EAS_DIALECT
from deploykit.errors import ApiError, AuthError, ConflictError, NotFoundError, ThrottledError

ERROR = {"RequestId": "883D8418-D59F-5996-8916-F66E2D38DFEC", "HostId": "eas-apiserver-1"}


def error_from_response(response: httpx.Response, action: str) -> ApiError | RetryableFailure:
    return EAS_DIALECT.classify(response, action)


def answer(status: int, code: str, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={**ERROR, "Code": code, "Message": message},
                          headers=headers)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (503, "ServiceUnavailable", ApiError),
        (500, "InternalError", ApiError),
        (400, "Throttling.User", ThrottledError),
        (400, "Throttling", ThrottledError),
        (400, "Rejected.Throttling", ThrottledError),
    ],
)
def test_transient_answers_are_retryable(status: int, code: str, expected: type) -> None:
    failure = error_from_response(answer(status, code, "try later"), "CreateService")
    assert isinstance(failure, RetryableFailure)
    assert type(failure.error) is expected
    assert failure.error.code == code
    assert failure.error.request_id == ERROR["RequestId"]


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "SignatureDoesNotMatch", AuthError),
        (404, "InvalidAccessKeyId.NotFound", AuthError),
        (403, "Forbidden.PrivilegeCheckFailed", AuthError),
        (404, "InvalidService.NotFound", NotFoundError),
        (409, "ServiceAlreadyExists", ConflictError),
        # reference/eas.md §3.6: EAS answers a validation error with 409 InvalidParameter.
        (409, "InvalidParameter", ConflictError),
        (400, "MissingParameter", ApiError),
    ],
)
def test_auth_and_validation_errors_are_never_retried(
    status: int, code: str, expected: type
) -> None:
    error = error_from_response(answer(status, code, "no"), "DescribeService")
    assert type(error) is expected
    assert isinstance(error, ApiError) and error.status == status


def test_retry_after_headers() -> None:
    retry_after = EAS_DIALECT.retry_after
    assert retry_after(httpx.Response(400, headers={"x-acs-retry-after": "1500"})) == 1.5
    assert retry_after(httpx.Response(503, headers={"Retry-After": "3"})) == 3.0
    assert retry_after(httpx.Response(503)) is None


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def failing(times: int, failure: RetryableFailure) -> tuple[list[int], object]:
    calls: list[int] = []

    def attempt() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise failure
        return "done"

    return calls, attempt


def test_server_retry_after_is_honoured() -> None:
    sleeps = Sleeps()
    policy = RetryPolicy(sleep=sleeps, jitter=lambda low, high: low)
    throttled = error_from_response(
        answer(400, "Throttling.User", "flow control", **{"x-acs-retry-after": "2000"}), "X"
    )
    assert isinstance(throttled, RetryableFailure)
    _calls, attempt = failing(2, throttled)
    stats = RetryStats()
    assert policy.run(attempt, stats=stats) == "done"  # type: ignore[arg-type]
    assert sleeps == [2.0, 2.0]
    assert stats.retries == 2


def test_backoff_grows_and_attempts_are_bounded() -> None:
    sleeps = Sleeps()
    policy = RetryPolicy(max_attempts=5, initial_wait=0.5, max_wait=2.0, sleep=sleeps,
                         jitter=lambda low, high: high)
    failure = error_from_response(answer(503, "ServiceUnavailable", "busy"), "X")
    assert isinstance(failure, RetryableFailure)
    calls, attempt = failing(99, failure)
    with pytest.raises(ApiError) as raised:
        policy.run(attempt)  # type: ignore[arg-type]
    assert raised.value.code == "ServiceUnavailable"  # the server's words, not tenacity's
    assert len(calls) == 5
    assert sleeps == [0.5, 1.0, 2.0, 2.0]


def test_total_time_is_bounded_even_when_the_server_asks_for_long_waits() -> None:
    policy = RetryPolicy(max_attempts=100, max_elapsed=1.0, sleep=Sleeps())
    throttled = error_from_response(
        answer(400, "Throttling", "slow down", **{"x-acs-retry-after": "5000"}), "X"
    )
    assert isinstance(throttled, RetryableFailure)
    calls, attempt = failing(99, throttled)
    with pytest.raises(ThrottledError):
        policy.run(attempt)  # type: ignore[arg-type]
    assert len(calls) == 1  # the next wait alone would break the budget


def test_auth_error_is_raised_at_once() -> None:
    calls: list[int] = []

    def attempt() -> None:
        calls.append(1)
        raise AuthError("bad key", code="SignatureDoesNotMatch")

    with pytest.raises(AuthError):
        RetryPolicy(sleep=Sleeps()).run(attempt)
    assert calls == [1]
