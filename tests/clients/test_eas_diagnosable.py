"""EasClient as a Diagnosable: DescribeServiceEvent, ListServiceInstances and
DescribeServiceLog answers as cloud-free records, within a deadline of their own."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from eas_testkit import ENV, FAST, echo_spec

from deploykit.clients._capabilities import Diagnosable, InstanceState, VersionSwitching
from deploykit.clients.alibaba._records import event_record, instance_record
from deploykit.clients.alibaba.eas import EasClient
from deploykit.platforms import Target, connect

CRASHLOOP = "registry-vpc.cn-shanghai.aliyuncs.com/eas-demo/echo:crashloop"
SINCE = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)


def test_the_eas_client_offers_both_capabilities(client: EasClient) -> None:
    assert isinstance(client, Diagnosable) and isinstance(client, VersionSwitching)


@pytest.mark.parametrize(
    ("answer", "record"),
    [
        # The emulator's shape: one flat terminated state per container.
        ({"InstanceName": "a", "Status": "CrashLoopBackOff", "Reason": "CrashLoopBackOff",
          "ReadyProcesses": 0, "TotalProcesses": 1, "RestartCount": 3,
          "LastState": [{"reason": "OOMKilled", "exitCode": 137, "finishedAt": "x"}]},
         InstanceState("a", "CrashLoopBackOff", False, "CrashLoopBackOff", 3, 137, "OOMKilled")),
        # Kubernetes' own nesting, under "terminated".
        ({"InstanceName": "b", "Status": "Running", "ReadyProcesses": 1, "TotalProcesses": 1,
          "RestartCount": "2", "LastState": [{"terminated": {"exitCode": 1, "reason": "Error"}}]},
         InstanceState("b", "Running", True, "", 2, 1, "Error")),
        # Running, but not every process ready: not ready (eascmd w's READY [0/1]).
        ({"InstanceName": "c", "Status": "Running", "ReadyProcesses": 0, "TotalProcesses": 1},
         InstanceState("c", "Running", False)),
        # Fields missing or of another type: empty values, never an exception.
        ({"InstanceName": "d", "RestartCount": None, "LastState": "n/a"},
         InstanceState("d", "", False)),
    ],
)
def test_instances_read_as_records(answer: dict[str, Any], record: InstanceState) -> None:
    assert instance_record(answer) == record


def test_events_read_as_records() -> None:
    event = event_record({"Time": "2026-11-22 03:00:01", "Type": "Warning", "Reason": "BackOff",
                          "Message": "Back-off", "Resource": "Pod"})
    assert (event.warning, event.reason, event.resource) == (True, "BackOff", "Pod")
    assert event_record({}).warning is False


def test_warning_events_ask_for_warnings_since_and_read_two_pages_at_most() -> None:
    asked: list[dict[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        asked.append(query)
        number = int(query["PageNum"])
        return httpx.Response(200, json={"Events": [{"Reason": f"page{number}",
                                                     "Type": "Warning"}],
                                         "TotalCount": 40, "TotalPageNum": 40})

    client: EasClient = connect(Target(endpoint="https://pai-eas.cn-shanghai.aliyuncs.com"),
                                transport=httpx.MockTransport(answer), env=ENV, policy=FAST)
    events = client.warning_events("echo_service", since=SINCE)
    assert [q["PageNum"] for q in asked] == ["1", "40"]  # the first, then the newest
    assert [e.reason for e in events] == ["page40"]
    assert (asked[0]["EventType"], asked[0]["StartTime"]) == ("Warning", "2026-11-22 03:00:00")


def test_a_crashing_service_against_the_emulator(client: EasClient) -> None:
    spec = echo_spec(instance=1)
    spec["containers"][0]["image"] = CRASHLOOP
    client.create(spec)
    [state] = client.instance_states("echo_service")
    assert (state.status, state.ready, state.last_exit_code) == ("CrashLoopBackOff", False, 1)
    log = client.log_tail("echo_service", state.name, lines=50)
    assert "Traceback (most recent call last):" in log
    since = datetime(2000, 1, 1, tzinfo=timezone.utc)
    assert "BackOff" in {e.reason for e in client.warning_events("echo_service", since=since)}


def test_bounded_gives_a_twin_with_its_own_deadline(client: EasClient) -> None:
    twin = client.bounded(123.0)
    assert twin.policy.deadline == 123.0 and client.policy.deadline is None
    assert (twin.http, twin.stats, twin.region) == (client.http, client.stats, client.region)
