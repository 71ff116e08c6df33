"""The retry policy for management-API calls (tenacity), the same for every cloud.

What is worth a retry is the cloud's to say (its :class:`~deploykit.clients._api.Dialect`:
error codes, statuses, retry-after headers); this module only decides *how* to retry.
Transport errors, 5xx and throttling are retried with jittered exponential backoff, or after
the wait the server asked for; attempts AND total time are bounded, so a call always ends.
A refused connection (nothing listening) is retried only briefly: a typo in ``--endpoint``
must not cost a minute. A command's ``--timeout`` is a deadline for everything it does,
retries included.

An attempt that fails in a way worth retrying raises :class:`RetryableFailure`, which says
whether the request may have been applied (``maybe_applied``): the caller then resolves the
outcome (e.g. by describing the service) before sending anything again.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpx
import tenacity

from deploykit.errors import ApiError, TransportError

T = TypeVar("T")

# httpx errors raised before a single byte of the request reached the server: safe to resend.
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
)


class RetryableFailure(Exception):
    """One failed attempt worth trying again; ``error`` is what the user sees if retries run out.

    ``unreachable``: the connection was refused or the host not found, so the brief
    ``RetryPolicy.unreachable_budget`` applies instead of the full one.
    """

    def __init__(
        self,
        error: ApiError,
        *,
        retry_after: float | None,
        maybe_applied: bool,
        unreachable: bool = False,
    ) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after
        self.maybe_applied = maybe_applied
        self.unreachable = unreachable


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

    ``deadline`` (a ``clock()`` value) is the command's ``--timeout``: no retry starts a wait
    that would end after it, and no request waits for an answer much past it.
    """

    max_attempts: int = 20
    max_elapsed: float = 120.0
    # A refused connection: long enough for a server that is restarting, short enough that a
    # wrong --endpoint is reported within seconds (issue #13).
    unreachable_budget: float = 3.0
    initial_wait: float = 0.25
    max_wait: float = 5.0
    deadline: float | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[float, float], float] = random.uniform

    def backoff(self, attempt: int) -> float:
        """Jittered exponential backoff after attempt number ``attempt`` (1-based)."""
        ceiling = min(self.max_wait, self.initial_wait * 2 ** (attempt - 1))
        return self.jitter(ceiling / 2, ceiling)

    def remaining(self) -> float | None:
        """Seconds left before the deadline (None without one)."""
        return None if self.deadline is None else self.deadline - self.clock()

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
                # once; a hint beyond the time budget ends the retries (see stop):
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
            stop=self._stop,
            wait=wait,
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except RetryableFailure as last:
            raise last.error from None

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        """Stop before a wait that would break a budget (tenacity computes the wait first)."""
        if state.attempt_number >= self.max_attempts:
            return True
        failure = _failure(state)
        budget = self.max_elapsed
        if failure is not None and failure.unreachable:
            budget = min(budget, self.unreachable_budget)
        ends_at = (state.seconds_since_start or 0.0) + state.upcoming_sleep
        left = self.remaining()
        return ends_at >= budget or (left is not None and state.upcoming_sleep >= left)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The standard ``Retry-After`` header: seconds, or an HTTP date (RFC 9110 §10.2.3).

    A date that is not in the future gives None, not 0: it says no more than that the two
    clocks disagree, and None lets the backoff decide, where 0 would resend at once to a
    server that has just said it is overloaded.
    """
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    seconds = when.timestamp() - time.time()
    return seconds if seconds > 0 else None


def transport_failure(err: httpx.TransportError, what: str) -> RetryableFailure:
    """Wrap an httpx error, naming the address; a request that may have reached the server is
    ``maybe_applied``."""
    address = _address(err)
    unreachable = isinstance(err, httpx.ConnectError)
    cause = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
    hint = (
        f"is anything listening on {address}? check --endpoint (an emulator: "
        "`deploykit emulator serve`)"
        if unreachable
        else "check the network and --endpoint, then run the command again"
    )
    return RetryableFailure(
        TransportError(f"{what}: no answer from {address} ({cause})", hint=hint),
        retry_after=None,
        maybe_applied=not isinstance(err, NOT_SENT_ERRORS),
        unreachable=unreachable,
    )


def _address(err: httpx.TransportError) -> str:
    """``host:port`` of the request that failed (the port the scheme implies if none)."""
    try:
        url = err.request.url
    except RuntimeError:  # an error raised without its request
        return "the API endpoint"
    port = url.port or (443 if url.scheme == "https" else 80)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{host}:{port}"


def _failure(state: tenacity.RetryCallState) -> RetryableFailure | None:
    outcome = state.outcome
    if outcome is None or not outcome.failed:
        return None
    exc = outcome.exception()
    return exc if isinstance(exc, RetryableFailure) else None
