"""deploy.operations: what --since and --type mean, which instance's log explains a problem,
a rollback to a version the service does not have (when its wait is over: the waiter's
Goal(version=), tests/clients/test_waiter.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from deploykit.clients._api import Reply
from deploykit.clients._capabilities import InstanceState, ServiceEvent, ServiceVersion
from deploykit.clients._wait import Phase, Progress
from deploykit.deploy.operations import (
    parse_duration,
    pick_instance,
    read_events,
    read_log,
    rollback,
)
from deploykit.errors import ConfigError, NotFoundError

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("10m", 600), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), (" 10M ", 600),
     ("0s", 0)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "10", "10x", "m", "-5m", "1.5h", "10m 5s", "5s10m"])
def test_what_is_not_a_duration_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError, match="is not a duration") as refused:
        parse_duration(text)
    assert refused.value.hint and "10m" in refused.value.hint


class Recording:
    """A platform client with every capability, answering from lists, noting each call."""

    def __init__(self, instances: list[InstanceState] | None = None,
                 versions: list[int] | None = None) -> None:
        self.calls: list[tuple[str, Any]] = []
        self._instances = instances or []
        self._versions = versions or [1]

    def service_events(self, name: str, *, event_type: str | None = None,
                       since: datetime | None = None) -> list[ServiceEvent]:
        self.calls.append(("events", (event_type, since)))
        return []

    def service_instances(self, name: str) -> list[InstanceState]:
        return self._instances

    def instance_log(self, name: str, instance: str, *, keyword: str | None = None,
                     lines: int = 100, previous: bool = False) -> list[str]:
        self.calls.append(("log", instance))
        return [f"{instance}: line", "export HF_TOKEN=hf_abcdef123456"]

    def service_versions(self, name: str) -> list[ServiceVersion]:
        return [ServiceVersion(n) for n in self._versions]

    def switch_version(self, name: str, version: int) -> Reply:
        self.calls.append(("switch", version))
        return Reply("rid")

    def find(self, name: str) -> dict[str, Any]:
        return {}

    def progress(self, service: object) -> Progress:
        return Progress("Running", Phase.RUNNING, 1, 0, 1, current_version=2, latest_version=2)


def test_events_since_ten_minutes_ask_from_ten_minutes_ago_with_the_api_s_type() -> None:
    client = Recording()
    read_events(client, "svc", platform="PAI-EAS", kind="WARNING", since="10m",
                now=NOW)
    assert client.calls == [("events", ("Warning", NOW - timedelta(minutes=10)))]


def running(name: str, restarts: int = 0) -> InstanceState:
    return InstanceState(name, "Running", ready=1, total=1, restarts=restarts)


def crashing(name: str, restarts: int) -> InstanceState:
    return InstanceState(name, "CrashLoopBackOff", ready=0, total=1, restarts=restarts)


def test_the_log_read_is_of_the_instance_restarted_most_among_those_not_ready() -> None:
    found = [running("a", restarts=9), crashing("b", 2), crashing("c", 5), crashing("d", 5)]
    assert pick_instance(found) == found[2]
    assert pick_instance([running("a"), running("b")]) == running("a")
    assert pick_instance([]) is None
    client = Recording(found)
    log = read_log(client, "svc", platform="PAI-EAS")
    assert (log.instance, log.picked, log.among) == ("c", True, 4)
    # The log is shown as the server printed it, but for the values of secret names.
    assert log.lines == ["c: line", "export HF_TOKEN=****"]


def test_a_named_instance_is_read_without_listing_and_a_service_without_any_is_not_found() -> None:
    client = Recording([running("a")])
    log = read_log(client, "svc", platform="PAI-EAS", instance="z")
    assert (log.instance, log.picked) == ("z", False)
    with pytest.raises(NotFoundError, match=r"service \[svc\] has no instance"):
        read_log(Recording([]), "svc", platform="PAI-EAS")


def test_a_rollback_to_a_version_the_service_lacks_sends_nothing() -> None:
    client = Recording(versions=[3, 2, 1])
    with pytest.raises(NotFoundError, match=r"has no version 4 \(its versions: 1, 2, 3\)"):
        rollback(client, "svc", 4, platform="PAI-EAS")
    assert client.calls == []
    _, goal = rollback(client, "svc", 2, platform="PAI-EAS")
    assert client.calls == [("switch", 2)]
    # The wait after it is for version 2 serving, from the service as it was before.
    assert (goal.phase, goal.version, goal.before) == (Phase.RUNNING, 2, client.progress(None))
