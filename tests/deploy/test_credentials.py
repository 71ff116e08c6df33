"""Credentials: the documented order, the files, 0600, and an error naming every place."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from deploykit import credentials as creds
from deploykit.credentials.alibaba import ALIBABA, AccessKey
from deploykit.errors import ConfigError
from deploykit.platforms import Target, get
from deploykit.platforms.eas import resolve_connection


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    return {
        "DEPLOYKIT_CONFIG": str(tmp_path / "deploykit" / "config.ini"),
        "ALIBABA_CLOUD_CREDENTIALS_FILE": str(tmp_path / "alibabacloud" / "credentials.ini"),
    }


def save(env: dict[str, str], name: str, key_id: str, region: str | None = None) -> None:
    creds.write_profile(Path(env["DEPLOYKIT_CONFIG"]), name, access_key_id=key_id,
                        access_key_secret=SecretStr(f"{key_id}-secret"), region=region)


def resolve(env: dict[str, str], profile: str | None = None) -> creds.Settings[AccessKey]:
    return creds.resolve(ALIBABA, profile=profile, env=env)


def test_profile_file_is_private_and_keeps_other_profiles(files: dict[str, str]) -> None:
    save(files, "default", "LTAI5tDefault", "cn-shanghai")
    save(files, "beijing", "LTAI5tBeijing", "cn-beijing")
    path = Path(files["DEPLOYKIT_CONFIG"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    default = creds.read_section(path, "default")
    assert default is not None
    assert default["access_key_id"] == "LTAI5tDefault"
    assert default["region"] == "cn-shanghai"


def test_order_is_profile_then_environment_then_config_file(files: dict[str, str]) -> None:
    save(files, "default", "LTAI5tDefault", "cn-shanghai")
    save(files, "ci", "LTAI5tCi", "cn-hangzhou")
    env = {**files, "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tEnv",
           "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret"}
    chosen = resolve(profile="ci", env=env)
    assert chosen.credentials is not None and chosen.credentials.access_key_id == "LTAI5tCi"
    assert chosen.region == "cn-hangzhou"
    from_env = resolve(env=env)
    assert from_env.credentials is not None and from_env.credentials.access_key_id == "LTAI5tEnv"
    assert from_env.region == "cn-shanghai"  # the key came from env, the region from the file
    from_file = resolve(env=files)
    assert from_file.credentials is not None
    assert from_file.credentials.access_key_id == "LTAI5tDefault"


def test_alibaba_cloud_credentials_file_is_read(files: dict[str, str]) -> None:
    # reference/eas.md §4.6: [default] with type, access_key_id, access_key_secret.
    path = Path(files["ALIBABA_CLOUD_CREDENTIALS_FILE"])
    path.parent.mkdir(parents=True)
    path.write_text("[default]\ntype = access_key\naccess_key_id = LTAI5tAliyun\n"
                    "access_key_secret = aliyun-secret\n")
    found = resolve(env=files)
    assert found.credentials is not None and found.credentials.access_key_id == "LTAI5tAliyun"


def test_sts_token_from_environment(files: dict[str, str]) -> None:
    env = {**files, "ALIBABA_CLOUD_ACCESS_KEY_ID": "STS.NUx", "ALIBABA_CLOUD_ACCESS_KEY_SECRET":
           "sts-secret", "ALIBABA_CLOUD_SECURITY_TOKEN": "CAIS-token"}
    found = resolve(env=env)
    assert found.credentials is not None and found.credentials.security_token is not None
    assert "CAIS-token" not in repr(found.credentials)  # SecretStr


def test_missing_key_names_every_place_looked_at(files: dict[str, str]) -> None:
    with pytest.raises(ConfigError) as raised:
        resolve_connection(Target(region="cn-shanghai"), env=files)
    message = str(raised.value)
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in message
    assert files["DEPLOYKIT_CONFIG"] in message
    assert files["ALIBABA_CLOUD_CREDENTIALS_FILE"] in message


def test_half_a_key_is_no_key(files: dict[str, str]) -> None:
    env = {**files, "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tOnlyId"}
    assert resolve(env=env).credentials is None


KEY = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tKey", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sk"}


@pytest.mark.parametrize(
    ("endpoint", "region", "base_url", "expected_region"),
    [
        (None, "cn-beijing", "https://pai-eas.cn-beijing.aliyuncs.com", "cn-beijing"),
        # eascmd's -e form (reference/eas.md §2.1): the region comes from the host.
        ("pai-eas.us-west-1.aliyuncs.com", None, "https://pai-eas.us-west-1.aliyuncs.com",
         "us-west-1"),
        ("http://127.0.0.1:8765", None, "http://127.0.0.1:8765", "cn-shanghai"),
    ],
)
def test_endpoints(files: dict[str, str], endpoint: str | None, region: str | None,
                   base_url: str, expected_region: str) -> None:
    connection = resolve_connection(Target(region=region, endpoint=endpoint), env={**files, **KEY})
    assert connection.base_url == base_url
    assert connection.region == expected_region


def test_plain_http_to_a_remote_host_is_refused(files: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="loopback"):
        resolve_connection(Target(endpoint="http://pai-eas.cn-shanghai.aliyuncs.com"),
                           env={**files, **KEY})


def test_both_platforms_deploy_and_no_other() -> None:
    assert (get("eas").title, get("modelarts").title) == ("PAI-EAS", "ModelArts")
    with pytest.raises(ConfigError, match="is not one of: eas, modelarts"):
        get("gcp")


def test_a_named_profile_that_does_not_exist_is_an_error_not_a_fallback(
    files: dict[str, str],
) -> None:
    env = {**files, **KEY}  # a key in the environment must not be used instead
    with pytest.raises(ConfigError, match=r"profile \[prod\] not found"):
        resolve(profile="prod", env=env)
