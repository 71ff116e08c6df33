"""What every deploy command prints while it waits: progress lines on change, the final line,
and why when the wait fails.

``watch`` is shared by the commands that change a service and then wait (``cli/deploy.py``,
and rollback/restart): it reads the service through the library
(:func:`deploykit.deploy.waiting.watch`) until the :class:`~deploykit.clients._wait.Goal`
is reached, printing eascmd's lines or NDJSON ``progress`` events. When the wait ends in a
failed state (exit 4) or runs out (exit 5), :func:`explain` prints the diagnosis
(``deploy/diagnosis.py``: text lines, or one NDJSON ``diagnosis`` event) before the error.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from deploykit.cli import _console
from deploykit.clients._wait import Goal, Phase, Progress
from deploykit.errors import DeploymentFailed, WaitTimeout

if TYPE_CHECKING:
    from deploykit.cli._deploy_options import Common
    from deploykit.clients._api import ServiceClient
    from deploykit.deploy.diagnosis import Diagnosis

# The line eascmd prints when a wait ends (reference/eas.md §2.3 create and delete), and the
# NDJSON event that says the same.
_DONE = {
    Phase.RUNNING: ("Service is running", "running"),
    Phase.STOPPED: ("Service is stopped", "stopped"),
    Phase.GONE: ("Service was deleted successfully", "deleted"),
}


def watch(
    common: Common, client: ServiceClient, name: str, goal: Goal | Phase, *, skip: str = ""
) -> None:
    """Progress lines on change until ``goal``; ``skip`` is a status already announced. A
    failed or timed-out wait is explained (:func:`explain`), then raised.

    On a terminal a spinner on stderr shows the latest status between the lines.
    """
    from deploykit.deploy import eascmd_text as eascmd

    goal = goal if isinstance(goal, Goal) else Goal(goal)
    try:
        final = _follow(common, client, name, goal, skip)
    except (DeploymentFailed, WaitTimeout):
        explain(common, client, name)
        raise
    text, event = _DONE[goal.phase]
    common.emit(event, eascmd.ok(text), service=name, **_versions(final))


def explain(common: Common, client: ServiceClient, name: str) -> None:
    """Print what explains the state of ``name``: eascmd-style lines, or one NDJSON
    ``diagnosis`` event; nothing on a platform that cannot tell. Fetched within what is left
    of ``--timeout`` plus ``diagnosis.ALLOWANCE``; it never raises a fetching error."""
    from deploykit.deploy.diagnosis import ALLOWANCE, began_at, diagnose

    found = diagnose(client, name, since=began_at(time.monotonic() - common.started),
                     deadline=common.deadline + ALLOWANCE)
    if found is not None:
        print_diagnosis(common, found)


def print_diagnosis(common: Common, found: Diagnosis) -> None:
    """eascmd-style ``[FAIL]`` lines, or one NDJSON ``diagnosis`` event."""
    common.emit("diagnosis", "\n".join(found.lines()), **found.as_dict())


def _follow(
    common: Common, client: ServiceClient, name: str, goal: Goal, skip: str
) -> Progress:
    from deploykit.deploy import eascmd_text as eascmd
    from deploykit.deploy.waiting import watch as watch_service

    with _console.status("Waiting", enabled=not common.json) as show:
        progress_seen = watch_service(client, name, goal, common.wait_policy(),
                                      desc_command=common.command_for("desc", name))
        while True:
            try:
                progress = next(progress_seen)
            except StopIteration as done:
                final: Progress = done.value
                return final
            show(f"{progress.status} [Total: {progress.total}, Pending: {progress.pending}, "
                 f"Running: {progress.running}]")
            # eascmd prints "[OK] Running [Total: …]" before "[OK] Service is running" (§2.3).
            if progress.status == skip or progress.phase is Phase.GONE:
                continue
            line = (eascmd.ok("Service is terminating") if goal.phase is Phase.GONE
                    else eascmd.progress_line(progress))
            common.emit("progress", line, service=name, status=progress.status,
                        total=progress.total, pending=progress.pending,
                        running=progress.running, **_versions(progress))


def _versions(progress: Progress) -> dict[str, int]:
    """The versions a JSON event carries, where the API reports them."""
    return {key: value for key, value in (("current_version", progress.current_version),
                                          ("latest_version", progress.latest_version))
            if value is not None}
