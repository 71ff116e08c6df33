"""Waiting for a service after an operation, over any ``ServiceClient``.

The rule (clients/_wait.py, README "Deploy"): Running means the version asked for serves on
every instance, and after a call that changes a service the wait first sees the change take
effect. So a command reads the service with :func:`progress_of` *before* its call, and waits
for a :class:`~deploykit.clients._wait.Goal` holding that reading::

    before = progress_of(client, name)
    client.switch_version(name, 3)
    for progress in watch(client, name, Goal(Phase.RUNNING, version=3, before=before),
                          policy, desc_command="deploykit desc NAME"):
        ...
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

from deploykit.clients._wait import Goal, Phase, Progress, wait_for

if TYPE_CHECKING:
    from deploykit.clients._api import ServiceClient
    from deploykit.clients._wait import WaitPolicy


def progress_of(client: ServiceClient, name: str) -> Progress:
    """The service now, as the waiter sees it (gone when there is no such service)."""
    return client.progress(client.find(name))


def after_update(before: Progress) -> Goal:
    """What a wait after an update (``modify``) is for. Where the platform reports versions
    the version rule decides: EAS makes the new version in UpdateService itself
    (LatestVersion moves at once, issue #10), so the wait lasts until it serves, and an update
    that made no new version and moved nothing changed nothing. Without versions the service
    must be seen to move first (a ModelArts update always changes: a new model version)."""
    return Goal(Phase.RUNNING, before=before, changes=before.latest_version is None)


def watch(
    client: ServiceClient,
    name: str,
    goal: Goal | Phase,
    policy: WaitPolicy,
    *,
    desc_command: str,
) -> Generator[Progress, None, Progress]:
    """:func:`~deploykit.clients._wait.wait_for` over the service ``name``."""
    return wait_for(lambda: progress_of(client, name), goal, policy, desc_command=desc_command)


def wait_until(
    client: ServiceClient, name: str, goal: Goal | Phase, policy: WaitPolicy
) -> Progress:
    """Wait without reporting progress (apply's workers); raises like ``wait_for``."""
    progress = watch(client, name, goal, policy, desc_command=f"deploykit desc {name}")
    while True:
        try:
            next(progress)
        except StopIteration as done:
            final: Progress = done.value
            return final
