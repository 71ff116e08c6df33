"""ModelArts and IAM endpoints per region (reference/modelarts.md §3.1, §4.1)."""

from __future__ import annotations

import pytest

from deploykit.clients.huawei._endpoints import iam_endpoint, modelarts_endpoint
from deploykit.errors import ConfigError


@pytest.mark.parametrize(
    ("region", "endpoint"),
    [
        ("cn-north-4", "https://modelarts.cn-north-4.myhuaweicloud.com"),
        ("ap-southeast-3", "https://modelarts.ap-southeast-3.myhuaweicloud.com"),
        ("af-south-1", "https://modelarts.af-south-1.myhuaweicloud.com"),
        # The documented exception: Hong Kong's ModelArts lives on myhuaweicloud.cn.
        ("ap-southeast-1", "https://modelarts.ap-southeast-1.myhuaweicloud.cn"),
    ],
)
def test_modelarts_endpoint(region: str, endpoint: str) -> None:
    assert modelarts_endpoint(region) == endpoint


@pytest.mark.parametrize("region", ["cn-nort-4", "eu-west-0", "evil.example.com/x", ""])
def test_an_unknown_region_is_a_config_error_not_a_host(region: str) -> None:
    with pytest.raises(ConfigError) as caught:
        modelarts_endpoint(region)
    assert caught.value.hint is not None and "--endpoint" in caught.value.hint


def test_a_typo_gets_a_suggestion() -> None:
    with pytest.raises(ConfigError, match=r"did you mean cn-north-4\?"):
        modelarts_endpoint("cn-nrth-4")


@pytest.mark.parametrize(
    ("region", "endpoint"),
    [
        ("cn-north-4", "https://iam.cn-north-4.myhuaweicloud.com"),
        ("ap-southeast-1", "https://iam.ap-southeast-1.myhuaweicloud.com"),
        # Regions the SDK has no regional IAM for, and no region: the global endpoint.
        ("cn-north-11", "https://iam.myhuaweicloud.com"),
        (None, "https://iam.myhuaweicloud.com"),
    ],
)
def test_iam_endpoint(region: str | None, endpoint: str) -> None:
    assert iam_endpoint(region) == endpoint
