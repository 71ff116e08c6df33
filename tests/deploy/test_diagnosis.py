"""deploy.diagnosis: what explains a failed or timed-out wait, over the capabilities a
platform's client has (events, instances, logs).

The fake client here answers in deploykit's shapes, as each cloud's client maps its own (the
EAS mapping is tested in tests/clients, the emulator over HTTP in tests/cli).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import httpx
import pytest

from deploykit.clients._api import ApiClient
from deploykit.clients._capabilities import (
    EventReader,
    InstanceReader,
    InstanceState,
    LastExit,
    LogReader,
    ServiceEvent,
)
from deploykit.clients.alibaba._dialect import EAS_DIALECT
from deploykit.deploy.diagnosis import MAX_LOG_LINES, diagnose, error_lines
from deploykit.errors import ApiError, TransportError

SINCE = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)
TRACEBACK = [
    "2026-11-22 03:00:01 INFO starting: python app.py",
    "Traceback (most recent call last):",
    '  File "app.py", line 14, in <module>',
    "    model = load_model(MODEL_PATH)",
    "ModuleNotFoundError: No module named 'torch'",
]
CRASHED = InstanceState("echo-abc-1", "CrashLoopBackOff", "CrashLoopBackOff", 0, 1,
                        restarts=3, last_exit=LastExit("Error", 1))
PENDING = InstanceState("echo-abc-2", "Pending", "ContainerCreating", 0, 1)
RUNNING = InstanceState("echo-abc-3", "Running", "", 1, 1)
WHEN = datetime(2026, 11, 22, 3, 0, 2, tzinfo=timezone.utc)


@dataclass
class FakeCloud:
    """A client reading events, instances and logs: scripted answers, every call recorded."""

    events: list[ServiceEvent] = field(default_factory=list)
    states: list[InstanceState] = field(default_factory=list)
    logs: dict[tuple[str, bool], list[str]] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)

    def service_events(self, name: str, *, event_type: str | None = None,
                       since: datetime | None = None) -> list[ServiceEvent]:
        self._call("events")
        assert event_type == "Warning"
        assert since is not None and since <= SINCE  # from the operation's start (less skew)
        return self.events

    def service_instances(self, name: str) -> list[InstanceState]:
        self._call("instances")
        return self.states

    def instance_log(self, name: str, instance: str, *, keyword: str | None = None,
                     lines: int = 100, previous: bool = False) -> list[str]:
        self._call("previous log" if previous else "log")
        return self.logs.get((instance, previous), [])

    def _call(self, what: str) -> None:
        self.calls.append(what)
        if what in self.failing:
            raise TransportError(f"{what}: no answer from 127.0.0.1:9")


def test_the_fake_is_what_diagnose_asks_for() -> None:
    fake = FakeCloud()
    assert isinstance(fake, EventReader) and isinstance(fake, InstanceReader)
    assert isinstance(fake, LogReader)


def test_a_crash_is_explained_by_its_events_instances_and_traceback() -> None:
    cloud = FakeCloud(
        events=[ServiceEvent(WHEN, "Warning", "BackOff", "Back-off", "Pod")],
        states=[RUNNING, CRASHED, PENDING],
        logs={("echo-abc-1", False): TRACEBACK},
    )
    found = diagnose(cloud, "echo", since=SINCE, deadline=42.0)
    assert found is not None
    assert cloud.calls == ["events", "instances", "log"]
    assert [e.reason for e in found.events] == ["BackOff"]
    assert found.instances == (CRASHED, PENDING)  # the running one is not shown
    assert found.log is not None and found.log.instance == "echo-abc-1"
    assert found.log.lines == tuple(TRACEBACK[1:]) and found.log.matched
    text = "\n".join(found.lines())
    assert "    2026-11-22 03:00:02  BackOff: Back-off" in text
    assert "echo-abc-1  CrashLoopBackOff, restarts 3, last exit code 1 (Error)" in text
    assert "echo-abc-2  Pending, reason ContainerCreating, restarts 0" in text


def test_the_previous_run_is_read_when_the_current_one_says_nothing() -> None:
    cloud = FakeCloud(states=[CRASHED], logs={("echo-abc-1", False): [],
                                              ("echo-abc-1", True): TRACEBACK})
    found = diagnose(cloud, "echo", since=SINCE, deadline=1.0)
    assert found is not None and found.log is not None
    assert found.log.previous and found.log.lines[-1].startswith("ModuleNotFoundError")
    assert cloud.calls == ["events", "instances", "log", "previous log"]


def test_without_an_error_line_the_last_lines_are_shown_as_such() -> None:
    loading = ["starting", "loading shard 1/4", "loading shard 2/4", "loading shard 3/4"]
    oom = InstanceState("echo-abc-1", "CrashLoopBackOff", "", 0, 1, restarts=2,
                        last_exit=LastExit("OOMKilled", 137))
    cloud = FakeCloud(states=[oom], logs={("echo-abc-1", False): loading})
    found = diagnose(cloud, "echo", since=SINCE, deadline=1.0)
    assert found is not None and found.log is not None
    assert (found.log.matched, found.log.lines) == (False, tuple(loading[-3:]))
    assert "no line matches error keywords; the last lines:" in "\n".join(found.lines())


def test_what_cannot_be_fetched_is_named_and_the_rest_still_shown() -> None:
    cloud = FakeCloud(states=[CRASHED], logs={("echo-abc-1", False): TRACEBACK},
                      failing={"events"})
    found = diagnose(cloud, "echo", since=SINCE, deadline=1.0)
    assert found is not None
    assert found.events == () and found.instances == (CRASHED,)
    assert found.unavailable == ("the events: events: no answer from 127.0.0.1:9",)
    assert found.as_dict()["unavailable"] == list(found.unavailable)
    assert "(could not read the events: " in "\n".join(found.lines())


def test_no_log_is_read_when_the_instances_cannot_be() -> None:
    cloud = FakeCloud(failing={"instances"})
    found = diagnose(cloud, "echo", since=SINCE, deadline=1.0)
    assert found is not None and found.log is None
    assert cloud.calls == ["events", "instances"]


def test_a_platform_without_the_capabilities_is_not_explained() -> None:
    assert diagnose(object(), "echo", since=SINCE, deadline=1.0) is None


def test_an_api_client_is_read_within_the_deadline_it_is_given() -> None:
    seen: list[float | None] = []

    class Recording(ApiClient):  # the core every cloud's client is built on
        def service_instances(self, name: str) -> list[InstanceState]:
            seen.append(self.policy.deadline)
            return []

    client = Recording(httpx.Client(), EAS_DIALECT)
    diagnose(client, "echo", since=SINCE, deadline=42.0)
    assert seen == [42.0]
    assert client.policy.deadline is None  # the client itself is left as it was


def test_secrets_in_logs_and_events_are_never_shown() -> None:
    cloud = FakeCloud(
        events=[ServiceEvent(WHEN, "Warning", "Failed", "pull with password=hunter2 failed")],
        states=[CRASHED],
        logs={("echo-abc-1", False): ["ERROR login failed: HF_TOKEN=hf_live_secret",
                                      'Exception: {"access_key_secret": "sk-live-1"}']},
    )
    found = diagnose(cloud, "echo", since=SINCE, deadline=1.0)
    assert found is not None
    shown = "\n".join(found.lines()) + repr(found.as_dict())
    for secret in ("hunter2", "hf_live_secret", "sk-live-1"):
        assert secret not in shown
    assert "HF_TOKEN=****" in shown


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("RuntimeError: CUDA error: out of memory", True),
        ("torch.OutOfMemoryError raised", True),
        ("Killed", True),
        ("process exited with code 137", True),
        ("an OOM was reported", True),
        ("Exception in thread main", True),
        ("INFO listening on 0.0.0.0:8000", False),
    ],
)
def test_error_keywords_any_case(line: str, kept: bool) -> None:
    assert error_lines([line]) == ([line] if kept else [])


def test_error_lines_keep_the_last_ones() -> None:
    lines = [f"ERROR attempt {i}" for i in range(40)]
    assert error_lines(lines) == lines[-MAX_LOG_LINES:]


def test_an_api_error_while_explaining_never_escapes() -> None:
    class Refusing(FakeCloud):
        def service_instances(self, name: str) -> list[InstanceState]:
            raise ApiError("ListServiceInstances: Forbidden", code="Forbidden.RAM", status=403)

    found = diagnose(Refusing(), "echo", since=SINCE, deadline=1.0)
    assert found is not None and "Forbidden" in found.unavailable[0]
