"""Fault injection: the failures a client must survive, at configurable rates.

Each request draws once from a seeded generator, so a run with ``seed`` is reproducible.
A fault is decided before the request touches any state — a 5xx, a throttle or a drop
changes nothing — except ``lost_create_response``, which by definition happens after a
CreateService succeeded: the service exists, the client never hears so.
"""

from __future__ import annotations

import collections
import random
import threading
from dataclasses import dataclass
from enum import Enum


class Fault(Enum):
    """A fault drawn for one request; each platform answers it in its own words."""

    NONE = "none"
    DROP = "drop"  # the connection closes before any answer
    UNAVAILABLE = "503"  # a temporary failure of the server
    INTERNAL = "500"  # an unknown error of the server
    THROTTLE = "throttle"


# Benchmarks report server errors as one "5xx" count beside the client's retry count.
_COUNTED_AS = {Fault.UNAVAILABLE: "5xx", Fault.INTERNAL: "5xx"}


@dataclass(frozen=True)
class Faults:
    """Rates are probabilities per request (0 ≤ rate ≤ 1; the first three must sum to ≤ 1)."""

    error_5xx: float = 0.0  # half answered 503, half 500: clients must retry both
    throttle: float = 0.0
    # The wait a throttled answer asks for (EAS: x-acs-retry-after in ms, reference/eas.md
    # §3.6; each platform's routes send it in their own header).
    retry_after_ms: int = 200
    drop: float = 0.0
    lost_create_response: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        rates = (self.error_5xx, self.throttle, self.drop, self.lost_create_response)
        if any(not 0.0 <= r <= 1.0 for r in rates):
            raise ValueError("fault rates must be between 0 and 1")
        if self.error_5xx + self.throttle + self.drop > 1.0:
            raise ValueError("error_5xx + throttle + drop must not exceed 1")
        if self.retry_after_ms < 0:
            raise ValueError("retry_after_ms must be >= 0")


class FaultInjector:
    """Draws faults for one emulator; thread-safe (the ASGI app serves concurrently)."""

    def __init__(self, faults: Faults) -> None:
        self.faults = faults
        self._random = random.Random(faults.seed)  # noqa: S311 - fault injection, not crypto
        self._lock = threading.Lock()
        # What was injected so far, by kind ("drop", "5xx", "throttle", "lost_create"):
        # benchmarks report it next to the client's retry count.
        self.injected: collections.Counter[str] = collections.Counter()

    def before_request(self) -> Fault:
        f = self.faults
        if f.drop == f.error_5xx == f.throttle == 0.0:
            return Fault.NONE
        with self._lock:
            draw = self._random.random()
            if draw < f.drop:
                fault = Fault.DROP
            elif draw < f.drop + f.error_5xx:
                unavailable = self._random.random() < 0.5
                fault = Fault.UNAVAILABLE if unavailable else Fault.INTERNAL
            elif draw < f.drop + f.error_5xx + f.throttle:
                fault = Fault.THROTTLE
            else:
                return Fault.NONE
            self.injected[_COUNTED_AS.get(fault, fault.value)] += 1
        return fault

    def lose_create_response(self) -> bool:
        if self.faults.lost_create_response == 0.0:
            return False
        with self._lock:
            lost = self._random.random() < self.faults.lost_create_response
            if lost:
                self.injected["lost_create"] += 1
        return lost
