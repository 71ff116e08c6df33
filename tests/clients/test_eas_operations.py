"""EasClient's events, instances, logs, versions, switch_version and restart: against the
emulator in process, and against scripted answers for paging bounds and lost answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from eas_testkit import ENV, echo_spec
from timing_testkit import FAST

from deploykit.clients.alibaba.eas import MAX_EVENT_PAGES, EasClient
from deploykit.emulator import Emulator
from deploykit.errors import ConflictError, NotFoundError
from deploykit.platforms import Target, connect

CRASHLOOP = "registry-vpc.cn-shanghai.aliyuncs.com/eas-demo/echo:crashloop"


def crashing_spec() -> dict[str, Any]:
    spec = echo_spec(instance=1)
    spec["containers"][0]["image"] = CRASHLOOP
    return spec


def scripted(answer: Callable[[httpx.Request], httpx.Response]) -> EasClient:
    """A client whose every request is answered by ``answer`` (no emulator)."""
    return connect(Target(endpoint="https://pai-eas.cn-shanghai.aliyuncs.com"),
                   transport=httpx.MockTransport(answer), env=ENV, policy=FAST)


def test_instances_and_versions_of_a_running_service(client: EasClient) -> None:
    client.create(echo_spec(instance=2))
    listed = client.instances("echo_service")
    assert [i["Status"] for i in listed] == ["Running", "Running"]
    assert all(i["InstanceName"].startswith("echo-service-") for i in listed)
    client.update("echo_service", {"metadata": {"cpu": 4}})
    versions = client.versions("echo_service")
    assert [v["ImageId"] for v in versions] == [2, 1]
    assert json.loads(versions[0]["ServiceConfig"])["metadata"]["cpu"] == 4


def test_switch_version_serves_the_old_version(client: EasClient) -> None:
    client.create(echo_spec())
    client.update("echo_service", {"metadata": {"cpu": 4}})
    assert "version [1]" in client.switch_version("echo_service", 1).message
    service = client.describe("echo_service")
    assert (service["CurrentVersion"], service["LatestVersion"]) == (1, 2)
    with pytest.raises(ConflictError) as refused:  # 409 InvalidParameter
        client.switch_version("echo_service", 7)
    assert refused.value.code == "InvalidParameter"


def test_restart_restarts_every_instance(client: EasClient) -> None:
    client.create(echo_spec(instance=2))
    assert client.restart("echo_service").message.endswith("is restarting")
    assert [i["RestartCount"] for i in client.instances("echo_service")] == [1, 1]
    client.stop("echo_service")
    with pytest.raises(ConflictError) as refused:
        client.restart("echo_service")
    assert refused.value.code == "InvalidServiceStatus"


def test_a_crash_loop_explains_itself(client: EasClient) -> None:
    client.create(crashing_spec())
    assert client.describe("echo_service")["Status"] == "Failed"
    warnings = client.events("echo_service", event_type="Warning")
    assert [e["Reason"] for e in warnings] == ["BackOff", "Failed"]
    (instance,) = client.instances("echo_service")
    assert instance["LastState"][0]["exitCode"] == 1
    mine = client.events("echo_service", instance=instance["InstanceName"])
    assert [e["Reason"] for e in mine] == ["BackOff"]
    log = client.logs("echo_service", instance["InstanceName"], previous=True)
    assert "Traceback (most recent call last):" in log
    assert client.logs("echo_service", instance["InstanceName"], limit=1)[0].startswith(
        "FileNotFoundError:"
    )
    assert client.logs("echo_service", instance["InstanceName"], keyword="Error") == [log[-1]]


def test_logs_of_an_unknown_instance_are_not_found(client: EasClient) -> None:
    client.create(echo_spec())
    with pytest.raises(NotFoundError):
        client.logs("echo_service", "echo-service-bbbbbbbb-bbbbb")


def test_events_read_every_page_and_past_the_bound_the_newest() -> None:
    asked: list[dict[str, str]] = []
    pages = MAX_EVENT_PAGES + 15

    def answer(request: httpx.Request) -> httpx.Response:
        query = dict(request.url.params)
        asked.append(query)
        number = int(query["PageNum"])
        events = [{"Reason": f"page{number}", "Type": "Normal"}]
        return httpx.Response(200, json={"Events": events, "PageNum": number,
                                         "TotalCount": pages, "TotalPageNum": pages})

    since = datetime(2026, 11, 22, 3, 0, tzinfo=timezone.utc)
    events = scripted(answer).events("echo_service", event_type="Warning", start_time=since,
                                     page_size=1)
    assert [e["Reason"] for e in events] == [f"page{n}" for n in range(16, pages + 1)]
    assert [int(q["PageNum"]) for q in asked] == [1, *range(16, pages + 1)]
    assert asked[0]["StartTime"] == "2026-11-22 03:00:00"  # reference/eas.md §3.2, UTC
    assert (asked[0]["EventType"], asked[0]["PageSize"]) == ("Warning", "1")


@pytest.mark.parametrize(("pages", "asked_pages"), [(1, [1]), (2, [1, 2]), (5, [1, 4, 5])])
def test_logs_read_the_tail(pages: int, asked_pages: list[int]) -> None:
    asked: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["PageNum"])
        asked.append(number)
        lines = [f"line {(number - 1) * 3 + i}" for i in range(3 if number < pages else 2)]
        return httpx.Response(200, json={"Logs": lines, "PageNum": number,
                                         "TotalPageNum": pages})

    lines = scripted(answer).logs("echo_service", "echo-service-x", limit=3)
    assert asked == asked_pages
    total = (pages - 1) * 3 + 2
    assert lines == [f"line {n}" for n in range(max(0, total - 3), total)]


def lose_answers(
    emulator: Emulator, lose: set[str], *, applied: bool
) -> tuple[EasClient, list[str]]:
    """A client whose first request of each action in ``lose`` times out — after the
    emulator did the work (``applied``) or before it saw the request."""
    inner = emulator.mock_transport()
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        action = request.headers["x-acs-action"]
        sent.append(action)
        if action in lose:
            lose.discard(action)
            if applied:
                inner.handle_request(request)
            raise httpx.ReadTimeout("timed out", request=request)
        return inner.handle_request(request)

    return scripted(answer), sent


@pytest.mark.parametrize(
    ("applied", "sends"),
    [
        (True, 1),  # done, answer lost: resolved by looking, never sent again
        (False, 2),  # lost on the way: sent again, done once
    ],
)
def test_lost_restart_and_switch_happen_exactly_once(
    emulator: Emulator, applied: bool, sends: int
) -> None:
    client, sent = lose_answers(emulator, {"RestartService", "UpdateServiceVersion"},
                                applied=applied)
    client.create(echo_spec(instance=2))
    client.update("echo_service", {"metadata": {"cpu": 4}})
    client.restart("echo_service")
    assert [i["RestartCount"] for i in client.instances("echo_service")] == [1, 1]
    client.switch_version("echo_service", 1)
    assert client.describe("echo_service")["CurrentVersion"] == 1
    assert (sent.count("RestartService"), sent.count("UpdateServiceVersion")) == (sends, sends)
