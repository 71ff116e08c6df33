"""The retry policy for management-API calls (tenacity), and which failures deserve a retry.

Retried (reference/eas.md §3.6, Terraform ``NeedRetry`` and the tea-openapi client):
transport errors, HTTP 5xx, and the codes ``Throttling*``, ``ServiceUnavailable`` and
``Rejected.Throttling``. Never retried: auth errors and 4xx validation errors, which would
fail the same way again. A server's ``x-acs-retry-after`` (milliseconds) or ``Retry-After``
(seconds) hint is honoured; otherwise the wait is jittered exponential backoff. Attempts AND
total time are bounded, so a call always ends.

An attempt that fails in a way worth retrying raises :class:`RetryableFailure`, which says
whether the request may have been applied (``maybe_applied``): the caller then resolves the
outcome (e.g. by describing the service) before sending anything again.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpx
import tenacity

from deploykit.errors import ApiError, TransportError

T = TypeVar("T")

# reference/eas.md §3.6: Terraform's NeedRetry codes; "Throttling*" covers Throttling.User/.Api.
RETRYABLE_CODES = re.compile(r"^(Throttling.*|ServiceUnavailable|Rejected\.Throttling)$")
THROTTLING_CODES = re.compile(r"^(Throttling.*|Rejected\.Throttling)$")
# httpx errors raised before a single byte of the request reached the server: safe to resend.
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)


class RetryableFailure(Exception):
    """One failed attempt worth trying again; ``error`` is what the user sees if retries run out."""

    def __init__(self, error: ApiError, *, retry_after: float | None, maybe_applied: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after
        self.maybe_applied = maybe_applied


@dataclass
class RetryStats:
    """Counts retries across threads (the apply benchmark reports them)."""

    retries: int = 0
    waited: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, seconds: float) -> None:
        with self._lock:
            self.retries += 1
            self.waited += seconds


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds and backoff. Defaults: up to 20 attempts within 120 s, waits 0.25 s doubling to 5 s
    (Terraform's EAS retries wait 3-5 s, reference/eas.md §3.6).

    The 120 s total is the bound users feel; the attempt cap only stops a fast-failing loop.
    Measured under the issue's fault mix (20% 5xx, 10% throttling, 5% drops, 5% lost
    creates): with 10 attempts about one `apply` of 100 services in four lost one create to
    an exhausted budget (benchmarks/bench_apply.py), more often than the ~40% per-call fault
    rate alone predicts; with 20, none in the runs measured.
    """

    max_attempts: int = 20
    max_elapsed: float = 120.0
    initial_wait: float = 0.25
    max_wait: float = 5.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[float, float], float] = random.uniform

    def backoff(self, attempt: int) -> float:
        """Jittered exponential backoff after attempt number ``attempt`` (1-based)."""
        ceiling = min(self.max_wait, self.initial_wait * 2 ** (attempt - 1))
        return self.jitter(ceiling / 2, ceiling)

    def run(
        self,
        attempt: Callable[[], T],
        *,
        stats: RetryStats | None = None,
        on_retry: Callable[[RetryableFailure, float], None] | None = None,
    ) -> T:
        """Call ``attempt`` until it returns or raises anything but :class:`RetryableFailure`.

        When the budget runs out, the last failure's typed ``ApiError`` is raised.
        """

        def wait(state: tenacity.RetryCallState) -> float:
            failure = _failure(state)
            if failure is not None and failure.retry_after is not None:
                # Honour the server's hint, plus a little jitter so a crowd does not return at
                # once; a hint beyond the time budget ends the retries (stop_before_delay):
                # "throttled for too long" (PRODUCT.md exit 3).
                hinted = failure.retry_after
                return hinted + self.jitter(0.0, min(0.1, hinted / 10 + 0.01))
            return self.backoff(state.attempt_number)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            failure = _failure(state)
            seconds = state.upcoming_sleep
            if stats is not None:
                stats.record(seconds)
            if failure is not None and on_retry is not None:
                on_retry(failure, seconds)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(RetryableFailure),
            stop=tenacity.stop_after_attempt(self.max_attempts)
            | tenacity.stop_before_delay(self.max_elapsed),
            wait=wait,
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except RetryableFailure as last:
            raise last.error from None


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``x-acs-retry-after`` (ms, reference/eas.md §3.6) or ``Retry-After`` (s)."""
    acs = response.headers.get("x-acs-retry-after")
    if acs and acs.strip().isdigit() and int(acs) > 0:
        return int(acs) / 1000.0
    standard = response.headers.get("retry-after")
    if standard:
        try:
            return max(0.0, float(standard))
        except ValueError:
            return None  # an HTTP-date: rare for this API; fall back to our own backoff
    return None


def is_retryable_answer(status: int, code: str | None) -> bool:
    return status >= 500 or bool(code and RETRYABLE_CODES.match(code))


def transport_failure(err: httpx.TransportError, what: str) -> RetryableFailure:
    """Wrap an httpx error; a request that may have reached the server is ``maybe_applied``."""
    maybe_applied = not isinstance(err, NOT_SENT_ERRORS)
    cause = type(err).__name__
    return RetryableFailure(
        TransportError(
            f"{what}: no answer from the API ({cause})",
            hint="check the network and --endpoint, then run the command again",
        ),
        retry_after=None,
        maybe_applied=maybe_applied,
    )


def _failure(state: tenacity.RetryCallState) -> RetryableFailure | None:
    outcome = state.outcome
    if outcome is None or not outcome.failed:
        return None
    exc = outcome.exception()
    return exc if isinstance(exc, RetryableFailure) else None
