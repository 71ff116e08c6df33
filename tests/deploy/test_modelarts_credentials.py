"""ModelArts credentials and connection: the SDK's environment names and credentials file,
deploykit profiles, the project id, the region and endpoint (reference/modelarts.md §3.1)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from deploykit import credentials as creds
from deploykit.clients._retry import RetryPolicy
from deploykit.credentials.huawei import HUAWEI, HuaweiKey
from deploykit.errors import ConfigError
from deploykit.platforms import Target, connect

KEY = {"HUAWEICLOUD_SDK_AK": "HPUAENVKEY0000000001", "HUAWEICLOUD_SDK_SK": "env-secret",
       "HUAWEICLOUD_SDK_PROJECT_ID": "env-project"}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    return {
        "DEPLOYKIT_CONFIG": str(tmp_path / "deploykit" / "config.ini"),
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(tmp_path / "huaweicloud" / "credentials"),
    }


def resolve(env: dict[str, str], profile: str | None = None) -> creds.Settings[HuaweiKey]:
    return creds.resolve(HUAWEI, profile=profile, env=env)


def sdk_file(env: dict[str, str], text: str) -> None:
    path = Path(env["HUAWEICLOUD_SDK_CREDENTIALS_FILE"])
    path.parent.mkdir(parents=True)
    path.write_text(text)


def requests_of(target: Target, env: dict[str, str]) -> list[httpx.Request]:
    """The requests ``ls`` sends for ``target`` (answered with an empty list)."""
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"total_count": 0, "count": 0, "services": []})

    client = connect(target, env=env, transport=httpx.MockTransport(answer),
                     policy=RetryPolicy(max_attempts=1))
    assert list(client.list_services()) == []
    return sent


def test_the_sdk_environment_names_are_read(files: dict[str, str]) -> None:
    env = {**files, **KEY, "HUAWEICLOUD_SDK_SECURITY_TOKEN": "temporary-token",
           "HUAWEICLOUD_SDK_REGION": "cn-east-3"}
    found = resolve(env)
    assert found.credentials == HuaweiKey("HPUAENVKEY0000000001", SecretStr("env-secret"),
                                          SecretStr("temporary-token"), "environment",
                                          project_id="env-project")
    assert found.region == "cn-east-3"
    assert "temporary-token" not in repr(found.credentials)


def test_the_sdk_credentials_file_basic_section_is_read(files: dict[str, str]) -> None:
    # huaweicloudsdkcore ProfileCredentialProvider: [basic] ak, sk, project_id.
    sdk_file(files, "[basic]\nak = HPUAFILEKEY000000001\nsk = file-secret\n"
                    "project_id = file-project\n")
    found = resolve(files)
    assert found.credentials is not None
    assert (found.credentials.access_key_id, found.credentials.project_id) == (
        "HPUAFILEKEY000000001", "file-project")


def test_a_deploykit_profile_comes_before_the_environment(files: dict[str, str]) -> None:
    creds.write_profile(Path(files["DEPLOYKIT_CONFIG"]), "modelarts:prod",
                        access_key_id="HPUAPRODKEY000000001",
                        access_key_secret=SecretStr("prod-secret"), project_id="prod-project",
                        region="ap-southeast-1")
    found = resolve({**files, **KEY}, profile="prod")
    assert found.credentials is not None
    assert (found.credentials.access_key_id, found.credentials.project_id, found.region) == (
        "HPUAPRODKEY000000001", "prod-project", "ap-southeast-1")


def test_a_missing_key_is_exit_2_naming_every_place(files: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as missing:
        connect(Target(platform="modelarts", region="cn-north-4"), env=files)
    message = str(missing.value)
    assert "HUAWEICLOUD_SDK_AK" in message
    assert f"profile [modelarts:default] in {files['DEPLOYKIT_CONFIG']}" in message
    assert f"profile [basic] in {files['HUAWEICLOUD_SDK_CREDENTIALS_FILE']}" in message


def test_a_key_without_a_project_is_exit_2_of_its_own(files: dict[str, str]) -> None:
    env = {**files, **KEY}
    del env["HUAWEICLOUD_SDK_PROJECT_ID"]
    with pytest.raises(ConfigError, match="no ModelArts project id") as missing:
        connect(Target(platform="modelarts", region="cn-north-4"), env=env)
    assert "HUAWEICLOUD_SDK_PROJECT_ID" in str(missing.value.hint)


@pytest.mark.parametrize(
    ("target", "url"),
    [
        (Target("modelarts", region="cn-north-4"),
         "https://modelarts.cn-north-4.myhuaweicloud.com/v1/env-project/services"),
        # §3.1: the one region on the .cn domain.
        (Target("modelarts", region="ap-southeast-1"),
         "https://modelarts.ap-southeast-1.myhuaweicloud.cn/v1/env-project/services"),
        (Target("modelarts", endpoint="modelarts.la-south-2.myhuaweicloud.com"),
         "https://modelarts.la-south-2.myhuaweicloud.com/v1/env-project/services"),
        (Target("modelarts", endpoint="http://127.0.0.1:8765"),
         "http://127.0.0.1:8765/v1/env-project/services"),
    ],
)
def test_endpoint_region_and_project_make_the_url(
    files: dict[str, str], target: Target, url: str
) -> None:
    [request] = requests_of(target, {**files, **KEY})
    assert str(request.url).split("?")[0] == url
    assert request.headers["Authorization"].startswith(
        "SDK-HMAC-SHA256 Access=HPUAENVKEY0000000001, ")
    assert request.headers["X-Project-Id"] == "env-project"


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        (Target("modelarts"), "no region given"),
        (Target("modelarts", region="cn-nort-4"), "did you mean cn-north-4"),
        (Target("modelarts", endpoint="http://modelarts.cn-north-4.myhuaweicloud.com"),
         "plain http is allowed only on a loopback address"),
    ],
)
def test_what_cannot_be_reached_safely_is_exit_2(
    files: dict[str, str], target: Target, problem: str
) -> None:
    with pytest.raises(ConfigError, match=problem):
        connect(target, env={**files, **KEY})


def test_local_needs_no_account(files: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                                tmp_path: Path) -> None:
    monkeypatch.setenv("DEPLOYKIT_EMULATOR_STATE", str(tmp_path / "state.sqlite3"))
    client = connect(Target("modelarts", endpoint="local"), env=files)
    assert list(client.list_services()) == []
    assert client.region == "cn-north-4"

