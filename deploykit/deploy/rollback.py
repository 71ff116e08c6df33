"""``apply --rollback-on-failure``: a failed update switches back to the version that served
before it, and waits until that version serves again.

Only an update that reached a failed state is rolled back: a timed-out one may still finish
(rolling it back would race it), a failed create has no earlier version, and a service that
was not running before the update has no version known to work. The failure stands whatever
happens (exit 4); :meth:`Rollback.told` adds what the rollback did to its message. Switching
versions is the optional :class:`~deploykit.clients._capabilities.VersionSwitcher`
capability of the platform's client; without it the rollback says it cannot be done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from deploykit.clients._capabilities import VersionSwitcher
from deploykit.clients._wait import Goal, Phase
from deploykit.deploy.waiting import progress_of, wait_until
from deploykit.errors import DeployKitError, DeploymentFailed, WaitTimeout

if TYPE_CHECKING:
    from deploykit.clients._api import ServiceClient
    from deploykit.clients._wait import Progress, WaitPolicy


@dataclass(frozen=True)
class Rollback:
    """What a rollback did: ``version`` switched back to (None: not tried), and ``problem``,
    why it was not tried or did not finish ("" when the version serves again)."""

    version: int | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.version is not None and not self.problem

    def told(self, failure: DeployKitError) -> DeployKitError:
        """``failure``, its message saying what the rollback did (same kind, same exit)."""
        if self.ok:
            said = f"rolled back to version {self.version}, which is running again"
        elif self.version is None:
            said = f"not rolled back: {self.problem}"
        else:
            said = f"rolling back to version {self.version} did not finish: {self.problem}"
        message = f"{failure.message}; {said}"
        if isinstance(failure, DeploymentFailed):
            return DeploymentFailed(message, status=failure.status, hint=failure.hint)
        if isinstance(failure, WaitTimeout):
            return WaitTimeout(message, last_status=failure.last_status, hint=failure.hint)
        return type(failure)(message, hint=failure.hint)

    def as_dict(self) -> dict[str, object]:
        return {"version": self.version, "ok": self.ok, "problem": self.problem or None}


def roll_back(
    client: ServiceClient,
    name: str,
    failure: DeployKitError,
    before: Progress | None,
    policy: WaitPolicy,
) -> Rollback:
    """Switch ``name`` back to the version ``before`` shows serving, after ``failure`` of an
    update (``before`` None: the service was just created), and wait for it."""
    if not isinstance(failure, DeploymentFailed):
        return Rollback(None, "the update ran out of time rather than failed, and may still "
                        "finish")
    if before is None:
        return Rollback(None, "the service was created by this apply; there is no earlier "
                        "version")
    version = before.current_version
    if not isinstance(client, VersionSwitcher) or version is None:
        return Rollback(None, "the platform keeps no versions to switch back to")
    if before.phase is not Phase.RUNNING:
        return Rollback(None, f"it was {before.status} before the update; no version of it "
                        "is known to work")
    try:
        now = progress_of(client, name)
        client.switch_version(name, version)
        wait_until(client, name, Goal(Phase.RUNNING, version=version, before=now), policy)
    except DeployKitError as err:
        return Rollback(version, str(err))
    return Rollback(version)
