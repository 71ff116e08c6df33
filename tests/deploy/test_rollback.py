"""deploy.rollback: which failures are rolled back, and what the failure then says."""

from __future__ import annotations

import pytest
from eas_testkit import eas_client, echo_spec

from deploykit.clients._wait import Phase, Progress, WaitPolicy
from deploykit.deploy.apply import FAILED, SpecToApply, apply_many
from deploykit.deploy.rollback import Rollback, roll_back
from deploykit.emulator import Emulator, Timings
from deploykit.errors import ApiError, DeploymentFailed, WaitTimeout

RUNNING_V1 = Progress("Running", Phase.RUNNING, 2, 0, 2, current_version=1, latest_version=1)
FAILED_UPDATE = DeploymentFailed("the service is Failed: crash", status="Failed", hint="see")
CRASHLOOP = "registry-vpc.cn-shanghai.aliyuncs.com/eas-demo/echo:crashloop"
POLICY = WaitPolicy(timeout=10, initial=0.01, maximum=0.05)


class NoVersions:
    """A client of a platform without versions: nothing here may be called."""


@pytest.mark.parametrize(
    ("failure", "before", "client", "why"),
    [
        (WaitTimeout("gave up"), RUNNING_V1, None, "ran out of time rather than failed"),
        (FAILED_UPDATE, None, None, "created by this apply"),
        (FAILED_UPDATE, RUNNING_V1, NoVersions(), "keeps no versions"),
        (FAILED_UPDATE, Progress("Running", Phase.RUNNING, 1, 0, 1), None, "keeps no versions"),
        (FAILED_UPDATE, Progress("Failed", Phase.FAILED, 1, 1, 0, current_version=1),
         None, "it was Failed before the update"),
    ],
)
def test_what_is_not_rolled_back_and_why(
    failure: DeploymentFailed | WaitTimeout, before: Progress | None, client: object, why: str
) -> None:
    emulator = Emulator(timings=Timings(accept=0.0, per_instance=0.0))
    done = roll_back(client or eas_client(emulator), "echo_service", failure, before, POLICY)
    emulator.close()
    assert (done.version, done.ok) == (None, False) and why in done.problem
    told = done.told(failure)
    assert type(told) is type(failure)  # the same exit code
    assert str(told) == f"{failure}; not rolled back: {done.problem}"


def test_a_switch_that_fails_is_said_and_the_failure_stands() -> None:
    class Refusing:
        def service_versions(self, name: str) -> list[object]:
            return []

        def switch_version(self, name: str, version: int) -> None:
            raise ApiError("UpdateServiceVersion: Forbidden", code="Forbidden", status=403)

        def find(self, name: str) -> dict[str, str]:
            return {"Status": "Failed"}

        def progress(self, service: object) -> Progress:
            return Progress("Failed", Phase.FAILED)

    done = roll_back(Refusing(), "echo_service", FAILED_UPDATE, RUNNING_V1, POLICY)  # type: ignore[arg-type]
    assert done == Rollback(1, "HTTP 403 Forbidden: UpdateServiceVersion: Forbidden")
    told = done.told(FAILED_UPDATE)
    assert isinstance(told, DeploymentFailed) and told.status == "Failed" and told.hint == "see"
    assert str(told) == ("the service is Failed: crash; rolling back to version 1 did not "
                         "finish: HTTP 403 Forbidden: UpdateServiceVersion: Forbidden")


def test_apply_rolls_a_crashing_update_back_in_process() -> None:
    emulator = Emulator(timings=Timings(accept=0.01, per_instance=0.01))
    client = eas_client(emulator)
    healthy = SpecToApply("echo.json", "echo_service", echo_spec(instance=2))
    assert apply_many(client, [healthy], wait=POLICY)[0].ok
    broken = echo_spec(instance=2)
    broken["containers"][0]["image"] = CRASHLOOP
    [outcome] = apply_many(client, [SpecToApply("echo.json", "echo_service", broken)],
                           wait=POLICY, rollback=True)
    assert outcome.action == FAILED and outcome.rollback == Rollback(1)
    assert outcome.diagnosis is not None and outcome.diagnosis.instances
    progress = client.progress(client.find("echo_service"))
    assert (progress.status, progress.current_version, progress.latest_version) == (
        "Running", 1, 2)
    emulator.close()
