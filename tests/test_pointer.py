"""RFC 6901 pointers: every diagnostic's `pointer` is built and read with these."""

import pytest

from deploykit import pointer as jp

SERVICE = {
    "metadata": {"name": "echo", "rpc.keepalive": 5000},
    "containers": [{"image": "registry-vpc.cn-shanghai.aliyuncs.com/x/y:1", "port": 8000}],
    "features": {"eas.aliyun.com/extra-ephemeral-storage": "100Gi", "a~b": 1},
}


def test_join_escapes_slash_and_tilde_per_rfc6901() -> None:
    assert jp.join("features", "eas.aliyun.com/extra-ephemeral-storage") == (
        "/features/eas.aliyun.com~1extra-ephemeral-storage"
    )
    assert jp.join("features", "a~b") == "/features/a~0b"
    assert jp.join() == ""


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("/containers/0/port", 8000),
        ("/metadata/rpc.keepalive", 5000),
        ("/features/eas.aliyun.com~1extra-ephemeral-storage", "100Gi"),
        ("/features/a~0b", 1),
        ("", SERVICE),
    ],
)
def test_resolve_finds_values(pointer: str, expected: object) -> None:
    assert jp.resolve(SERVICE, pointer) == expected


@pytest.mark.parametrize(
    "pointer", ["/containers/1/port", "/containers/x", "/metadata/name/deeper"]
)
def test_resolve_returns_default_for_missing_places(pointer: str) -> None:
    assert jp.resolve(SERVICE, pointer, default="missing") == "missing"


def test_split_and_parent_round_trip() -> None:
    pointer = jp.join("storage", 2, "oss", "path")
    assert jp.split(pointer) == ["storage", "2", "oss", "path"]
    assert jp.parent(pointer) == "/storage/2/oss"
    with pytest.raises(ValueError, match="not a JSON pointer"):
        jp.split("storage/2")
