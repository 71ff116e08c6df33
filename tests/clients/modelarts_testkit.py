"""What ModelArts client, deploy and CLI tests share: the example config, emulator clients."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from timing_testkit import FAST, QUICK

from deploykit.clients._retry import RetryPolicy
from deploykit.clients._wait import Progress
from deploykit.clients.huawei.deployment import deployment
from deploykit.clients.huawei.modelarts import ModelArtsClient
from deploykit.emulator import EmulatorSettings, Timings
from deploykit.emulator.modelarts import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_PROJECT_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    ModelArtsEmulator,
)
from deploykit.platforms import Target, connect

REGION = "cn-north-4"
# examples/modelarts/config.json: the model of the example custom image (examples/custom-image).
CONFIG_PATH = Path(__file__).parent.parent.parent / "examples" / "modelarts" / "config.json"
IMAGE = "swr.cn-north-4.myhuaweicloud.com/deploykit/echo:1.0"
ENV = {
    "HUAWEICLOUD_SDK_AK": DEFAULT_ACCESS_KEY_ID,
    "HUAWEICLOUD_SDK_SK": DEFAULT_SECRET_ACCESS_KEY,
    "HUAWEICLOUD_SDK_PROJECT_ID": DEFAULT_PROJECT_ID,
    "HUAWEICLOUD_SDK_REGION": REGION,
    "DEPLOYKIT_CONFIG": "/nonexistent/deploykit.ini",
    "HUAWEICLOUD_SDK_CREDENTIALS_FILE": "/nonexistent/credentials",
}


def running(
    settings: EmulatorSettings | None = None, timings: Timings = QUICK
) -> Iterator[ModelArtsEmulator]:
    """An emulator for one test (``yield from`` it in a fixture), closed afterwards."""
    emulator = ModelArtsEmulator(settings, timings=timings)
    yield emulator
    emulator.close()


def config() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CONFIG_PATH.read_text())
    return data


def echo_deployment(name: str = "echo", **options: Any) -> dict[str, Any]:
    """The example config.json as ``create --name NAME --source-location IMAGE`` deploys it."""
    options.setdefault("source_location", IMAGE)
    return deployment(options.pop("config", None) or config(), path=str(CONFIG_PATH), name=name,
                      **options)


def modelarts_client(
    emulator: ModelArtsEmulator,
    *,
    log: Callable[[str], None] | None = None,
    policy: RetryPolicy = FAST,
    on_progress: Callable[[str, Progress], None] | None = None,
    env: dict[str, str] | None = None,
) -> ModelArtsClient:
    client = connect(
        Target(platform="modelarts", endpoint=f"https://modelarts.{REGION}.myhuaweicloud.com"),
        transport=emulator.mock_transport(),
        env=env or ENV,
        policy=policy,
        log=log,
        on_progress=on_progress,
    )
    assert isinstance(client, ModelArtsClient)
    return client
