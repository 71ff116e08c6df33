"""``apply``: create or update many services at once, each to the state its spec describes.

For each spec: describe the service by name; absent → create it, present → update it with the
spec (merge semantics, see :mod:`deploykit.deploy.changes`) unless nothing differs. The specs
run on a thread pool of ``concurrency`` workers sharing one HTTP client; every call is
retried by the client's policy, and a create is never sent twice (``ServiceClient.create``).

One service failing does not stop the others; every outcome is reported. A wait that fails
or runs out is explained (``deploy/diagnosis.py``) in the outcome.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from deploykit.clients._wait import Goal, Phase
from deploykit.deploy.changes import Change, changes_only, diff
from deploykit.deploy.diagnosis import ALLOWANCE, Diagnosis, diagnose
from deploykit.deploy.rollback import Rollback, roll_back
from deploykit.deploy.waiting import wait_until
from deploykit.errors import DeployKitError, DeploymentFailed, WaitTimeout

if TYPE_CHECKING:
    from deploykit.clients._api import ServiceClient
    from deploykit.clients._wait import Progress, WaitPolicy

CREATED, UPDATED, UNCHANGED, FAILED, CANCELLED = "created", "updated", "unchanged", "failed", (
    "cancelled"
)


@dataclass(frozen=True)
class SpecToApply:
    """A spec already loaded and validated (``deploykit.deploy.specs``)."""

    path: str
    name: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Outcome:
    path: str
    name: str
    action: str  # created | updated | unchanged | failed | cancelled
    request_id: str = ""
    changes: tuple[Change, ...] = ()
    error: DeployKitError | None = None
    resolved_by_describe: bool = False  # a create whose answer was lost, found by name
    diagnosis: Diagnosis | None = None  # what explains a failed or timed-out wait
    rollback: Rollback | None = None  # what --rollback-on-failure did

    @property
    def ok(self) -> bool:
        return self.action in (CREATED, UPDATED, UNCHANGED)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"event": self.action, "service": self.name, "path": self.path}
        if self.request_id:
            out["request_id"] = self.request_id
        if self.changes:
            out["changes"] = [c.as_dict() for c in self.changes]
        if self.error is not None:
            out["error"] = str(self.error)
            if self.error.hint:
                out["hint"] = self.error.hint
        if self.rollback is not None:
            out["rollback"] = self.rollback.as_dict()
        return out


@dataclass
class ApplyRun:
    """Controls shared with the workers: a cancel flag for Ctrl-C."""

    cancelled: threading.Event = field(default_factory=threading.Event)

    def sleep(self, seconds: float) -> None:
        """Sleep, unless cancelled: then end the waiting worker with ``Cancelled``."""
        if self.cancelled.wait(seconds):
            raise Cancelled("apply was interrupted")


class Cancelled(DeployKitError):
    """A worker stopped because the run was interrupted (Ctrl-C); never shown on its own."""


def plan_one(
    client: ServiceClient, spec: SpecToApply
) -> tuple[dict[str, Any] | None, list[Change]]:
    """(live service or None, field differences). An absent service: every field is an add."""
    live = client.find(spec.name)
    return live, diff(client.live_spec(live) if live else {}, spec.data)


def apply_one(
    client: ServiceClient,
    spec: SpecToApply,
    *,
    wait: WaitPolicy | None = None,
    rollback: bool = False,
) -> Outcome:
    """Create or update one service; with ``wait``, until it is Running. Errors → ``failed``;
    a failed or timed-out wait is explained, and with ``rollback`` a failed update is switched
    back to the version that served before it (``deploy/rollback.py``)."""
    began = datetime.now(timezone.utc)
    try:
        live, found = plan_one(client, spec)
        before = None if live is None else client.progress(live)
        if live is None:
            created = client.create(spec.data)
            outcome = Outcome(spec.path, spec.name, CREATED, created.request_id,
                              resolved_by_describe=created.resolved_by_describe)
        else:
            changes = tuple(changes_only(found))
            if not changes:
                return Outcome(spec.path, spec.name, UNCHANGED)
            updated = client.update(spec.name, spec.data)
            outcome = Outcome(spec.path, spec.name, UPDATED, updated.request_id, changes)
        if wait is None:
            return outcome
        # An update changes the config: the service must be seen to move before Running counts.
        goal = Goal(Phase.RUNNING, before=before, changes=before is not None)
        try:
            wait_until(client, spec.name, goal, wait)
        except (DeploymentFailed, WaitTimeout) as err:
            return _failed_wait(client, outcome, err, began, wait, before=before,
                                rollback=rollback)
        return outcome
    except Cancelled:
        return Outcome(spec.path, spec.name, CANCELLED)
    except DeployKitError as err:
        return Outcome(spec.path, spec.name, FAILED, error=err)


def _failed_wait(
    client: ServiceClient,
    outcome: Outcome,
    error: DeployKitError,
    began: datetime,
    wait: WaitPolicy,
    *,
    before: Progress | None,
    rollback: bool,
) -> Outcome:
    """The outcome of a wait that failed or ran out: explained, then rolled back if asked
    (``before``: the service before the update; None after a create)."""
    deadline = (wait.clock() if wait.deadline is None else wait.deadline) + ALLOWANCE
    explained = diagnose(client, outcome.name, since=began, deadline=deadline)
    done = None
    if rollback:
        done = roll_back(client, outcome.name, error, before, wait)
        error = done.told(error)
    return dataclasses.replace(outcome, action=FAILED, error=error, diagnosis=explained,
                               rollback=done)


def apply_many(
    client: ServiceClient,
    specs: Sequence[SpecToApply],
    *,
    concurrency: int = 4,
    wait: WaitPolicy | None = None,
    rollback: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
    run: ApplyRun | None = None,
) -> list[Outcome]:
    """Apply every spec with up to ``concurrency`` at a time; outcomes in the order given.

    ``on_outcome`` is called (from the calling thread) as each one finishes. When ``run`` is
    cancelled, specs not yet started end as ``cancelled`` and nothing new is sent.
    """
    run = run or ApplyRun()
    if wait is not None:
        # A worker waiting for Running wakes up at once when the run is cancelled.
        wait = dataclasses.replace(wait, sleep=run.sleep)

    def work(spec: SpecToApply) -> Outcome:
        if run.cancelled.is_set():
            return Outcome(spec.path, spec.name, CANCELLED)
        return apply_one(client, spec, wait=wait, rollback=rollback)

    results: dict[int, Outcome] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="apply")
    try:
        futures = {pool.submit(work, spec): i for i, spec in enumerate(specs)}
        for future in as_completed(futures):
            outcome = future.result()
            results[futures[future]] = outcome
            if on_outcome is not None:
                on_outcome(outcome)
    except BaseException:
        # Ctrl-C: stop starting new work; calls in flight finish on their own threads.
        run.cancelled.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[i] for i in range(len(specs))]

