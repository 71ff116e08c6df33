"""How EAS answers read as deploykit's shapes: the fields the official client's models name."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from deploykit.clients._capabilities import LastExit
from deploykit.clients.alibaba._readings import (
    access_from,
    event_from,
    instance_from,
    last_exit,
    version_from,
)


def test_an_event_in_the_api_s_time_format_is_utc() -> None:
    event = event_from({"Time": "2022-04-09 06:30:00", "Type": "Warning", "Reason": "Updating",
                        "Message": "{\"x\": 1}", "Resource": "Service"})
    assert event.time == datetime(2022, 4, 9, 6, 30, tzinfo=timezone.utc)
    assert event.as_dict() == {"time": "2022-04-09T06:30:00Z", "type": "Warning",
                               "reason": "Updating", "resource": "Service",
                               "message": "{\"x\": 1}"}


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ([{"reason": "OOMKilled", "exitCode": 137, "finishedAt": "x"}], LastExit("OOMKilled", 137)),
        ([{"terminated": {"reason": "Error", "exitCode": 1}}], LastExit("Error", 1)),
        ({"reason": "Completed", "exitCode": "0"}, LastExit("Completed", 0)),
        ([], None), (None, None), ([{"waiting": {}}], None), ("OOMKilled", None),
    ],
)
def test_last_state_in_every_shape_seen_or_none(state: Any, expected: LastExit | None) -> None:
    assert last_exit(state) == expected


def test_an_instance_that_has_not_started_has_no_start_time() -> None:
    instance = instance_from({"InstanceName": "echo-6bbqdkq6-lbngp", "Status": "Pending",
                              "ReadyProcesses": 0, "TotalProcesses": 2, "RestartCount": "3",
                              "StartTime": "", "InnerIP": "10.224.1.2"})
    assert (instance.ready, instance.total, instance.restarts) == (0, 2, 3)
    assert instance.started is None and not instance.is_ready


def test_a_version_reads_its_image_from_its_config_string() -> None:
    config = '{"containers": [{"image": "registry-vpc.cn-shanghai.aliyuncs.com/a/b:1.0"}]}'
    version = version_from({"ImageId": 2, "BuildTime": "2026-11-22T03:00:00Z",
                            "ServiceConfig": config, "ServiceRunnable": "unknown"}, serving=2)
    assert (version.number, version.serving, version.runnable) == (2, True, None)
    assert version.image == "registry-vpc.cn-shanghai.aliyuncs.com/a/b:1.0"
    processor = version_from({"ImageId": 1, "ServiceConfig": '{"processor": "pmml"}'}, 2)
    assert (processor.image, processor.serving, processor.built) == ("pmml", False, None)


def test_the_token_is_kept_as_a_secret() -> None:
    access = access_from({"InternetEndpoint": "http://x/api/predict/s", "IntranetEndpoint": "",
                          "AccessToken": "s3rvice-t0ken"})
    assert (access.internet, access.intranet, access.token_header) == (
        "http://x/api/predict/s", None, "Authorization")
    assert access.token is not None and "s3rvice-t0ken" not in repr(access)
