"""Positions: every pointer lands on the line and column where the user wrote it.

Inputs are the seed example (seeds/004 "image_test"), the official complete example
(reference/eas.md §1.13) and the official ModelArts custom-image example (reference/
modelarts.md §1.9), written the untidy ways real files are: tabs, CRLF, BOM, CJK text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deploykit.loading import load_text
from deploykit.loading.json_scanner import SeekingIndex, scan

# seeds/004: the image service JSON users copy, with Japanese in an env value.
SEED_IMAGE_TEST = """\
{
  "name": "image_test",
  "containers": [
    {
      "image": "registry-vpc.cn-shanghai.aliyuncs.com/xxx/yyy:zzz",
      "env": [
        {
          "name": "var_name",
          "value": "サービス"
        }
      ],
      "command": "/data/eas/ENV/bin/python /data/eas/app.py",
      "port": 8000
    }
  ],
  "metadata": {
    "cpu": 1,
    "instance": 1
  }
}
"""

SEED_AS_YAML = """\
# seeds/004 image_test, as YAML
name: image_test
containers:
  - image: registry-vpc.cn-shanghai.aliyuncs.com/xxx/yyy:zzz
    env:
      - name: var_name
        value: "サービス"
    command: /data/eas/ENV/bin/python /data/eas/app.py
    port: 8000
metadata:
  cpu: 1
  instance: 1
"""


def test_json_values_and_keys_of_the_seed_example() -> None:
    spec = load_text(SEED_IMAGE_TEST, "image.json")
    locate = spec.source_map.locate
    assert locate("/containers/0/port") == (13, 15)
    assert locate("/containers/0/port", "key") == (13, 7)
    assert locate("/containers/0/env/0/value") == (9, 20)
    assert locate("/metadata/instance") == (18, 17)
    assert locate("/name", "key") == (2, 3)
    assert locate("") == (1, 1)


def test_array_items_point_at_their_first_character() -> None:
    spec = load_text(SEED_IMAGE_TEST, "image.json")
    assert spec.source_map.locate("/containers/0") == (4, 5)
    assert spec.source_map.locate("/containers/0/env/0") == (7, 9)
    # An array item has no key: anchor="key" still gives the item.
    assert spec.source_map.locate("/containers/0", "key") == (4, 5)


def test_tab_indented_crlf_json_with_bom() -> None:
    text = SEED_IMAGE_TEST.replace("  ", "\t").replace("\n", "\r\n")
    spec = load_text(b"\xef\xbb\xbf" + text.encode(), "image.json")
    assert spec.data["containers"][0]["port"] == 8000
    # A tab is one column; CRLF is one line break; the BOM is not a column.
    assert spec.source_map.locate("/containers/0/port") == (13, 12)
    assert spec.source_map.locate("/containers/0/port", "key") == (13, 4)
    assert spec.source_map.locate("/name", "key") == (2, 2)
    assert spec.source_map.locate("") == (1, 1)


def test_columns_count_characters_not_bytes() -> None:
    text = '{"metadata": {"name": "サービス"}, "containers": [{"image": "x", "port": 8000}]}'
    spec = load_text(text.encode(), "cjk.json")
    # 'サービス' is 4 characters (12 bytes in UTF-8); the column counts 4.
    assert spec.source_map.locate("/containers") == (1, 46)
    assert spec.source_map.locate("/containers/0/port") == (1, 70)


def test_missing_trailing_newline_and_lone_cr_lines() -> None:
    spec = load_text('{\r"metadata":\r{"cpu": 1}}', "mac.json")
    assert spec.source_map.locate("/metadata/cpu") == (3, 9)


@pytest.mark.parametrize(
    ("key", "pointer"),
    [
        (
            "eas.aliyun.com/extra-ephemeral-storage",
            "/features/eas.aliyun.com~1extra-ephemeral-storage",
        ),
        ("a~b", "/features/a~0b"),
        ("rpc.keepalive", "/features/rpc.keepalive"),
        ("", "/features/"),
    ],
)
def test_escaped_keys_follow_rfc_6901(key: str, pointer: str) -> None:
    text = '{\n  "metadata": {},\n  "features": {\n    "' + key + '": "100Gi"\n  }\n}'
    spec = load_text(text, "features.json")
    assert spec.source_map.locate(pointer) == (4, 9 + len(key))
    assert spec.source_map.locate(pointer, "key") == (4, 5)


def test_json_escapes_in_keys_are_decoded_before_pointing() -> None:
    text = '{"features": {"eas.aliyun.com\\/gpu-driver-version": "tesla=550.127.08", "\\u00e9": 1}}'
    spec = load_text(text, "features.json")
    assert spec.source_map.locate("/features/eas.aliyun.com~1gpu-driver-version") == (1, 53)
    assert spec.source_map.locate("/features/é", "key") == (1, 73)


def test_deeply_nested_data_within_the_limit() -> None:
    depth = 100
    text = '{"metadata": ' + '{"a": ' * depth + "1" + "}" * depth + "}"
    spec = load_text(text, "deep.json")
    pointer = "/metadata" + "/a" * depth
    assert spec.source_map.locate(pointer) == (1, 14 + 6 * depth)


def test_missing_pointer_falls_back_to_nearest_ancestor_key() -> None:
    spec = load_text(SEED_IMAGE_TEST, "image.json")
    locate = spec.source_map.locate
    # metadata.name is missing: the finding belongs at the `"metadata"` key.
    assert locate("/metadata/name") == (16, 3)
    # A missing member of an array item: the item itself (it has no key).
    assert locate("/containers/0/health_check/port") == (4, 5)
    assert locate("/storage/0/mount_path") == (1, 1)
    assert locate("not-a-pointer") is None


EXAMPLE_JSON = sorted((Path(__file__).resolve().parents[2] / "examples").rglob("*.json"))


@pytest.mark.parametrize("path", EXAMPLE_JSON, ids=[p.name for p in EXAMPLE_JSON])
def test_seeking_and_scanning_agree_on_every_pointer(path: Path) -> None:
    """Two ways to find a position: walking one pointer's path (what `locate` does for a
    file without repeated keys) and indexing the whole text (for files with them)."""
    text = path.read_text(encoding="utf-8-sig")
    entries = scan(text).entries
    seeking = SeekingIndex(text)
    assert entries, path
    for pointer, position in entries.items():
        assert seeking.get(pointer) == position, pointer
    for missing in ("/nope", "/metadata/nope", "/containers/99", "/containers/01", "/apis/x"):
        assert seeking.get(missing) is None


def test_yaml_values_and_keys() -> None:
    spec = load_text(SEED_AS_YAML, "image.yaml")
    locate = spec.source_map.locate
    assert spec.format == "yaml"
    assert locate("/containers/0/port") == (9, 11)
    assert locate("/containers/0/port", "key") == (9, 5)
    assert locate("/containers/0") == (4, 5)
    assert locate("/containers/0/env/0/value") == (7, 16)
    assert locate("/metadata/instance", "key") == (12, 3)
    assert locate("/metadata/name") == (10, 1)


def test_yaml_with_crlf_and_bom() -> None:
    data = b"\xef\xbb\xbf" + SEED_AS_YAML.replace("\n", "\r\n").encode()
    spec = load_text(data, "image.yml")
    assert spec.data["metadata"] == {"cpu": 1, "instance": 1}
    assert spec.source_map.locate("/containers/0/port") == (9, 11)


def test_json_in_a_yaml_file_is_read_as_json_tabs_included() -> None:
    text = '{\n\t"metadata": {"cpu": 1},\n\t"containers": [{"port": 8000}]\n}\n'
    spec = load_text(text, "x.yaml")
    assert spec.format == "json"
    assert spec.source_map.locate("/containers/0/port") == (3, 26)


def test_yaml_flow_style_that_is_not_json_is_read_as_yaml() -> None:
    spec = load_text("{metadata: {cpu: 1}, containers: [{port: 8000}]}\n", "x.yaml")
    assert spec.format == "yaml"
    assert spec.data == {"metadata": {"cpu": 1}, "containers": [{"port": 8000}]}
    assert spec.source_map.locate("/containers/0/port") == (1, 42)


@pytest.mark.parametrize(
    ("name", "text", "format"),
    [
        ("<stdin>", '{"metadata": {}}', "json"),
        ("<stdin>", "metadata: {}\n", "yaml"),
        ("service.conf", '  \n[{"metadata": {}}]', "json"),
        ("service.JSON", '{"metadata": {}}', "json"),
        ("service.YML", "metadata: {}\n", "yaml"),
    ],
)
def test_format_by_extension_then_content(name: str, text: str, format: str) -> None:
    from deploykit.loading.spec import choose_format

    assert choose_format(name, text) == format


def test_yaml_merge_keys_point_at_the_anchor() -> None:
    text = (
        "x-defaults: &defaults\n"
        "  cpu: 2\n"
        "  memory: 4000\n"
        "metadata:\n"
        "  <<: *defaults\n"
        "  cpu: 4\n"
        "  instance: 1\n"
    )
    spec = load_text(text, "merge.yaml")
    assert spec.data["metadata"] == {"memory": 4000, "cpu": 4, "instance": 1}
    assert spec.source_map.locate("/metadata/cpu") == (6, 8)
    assert spec.source_map.locate("/metadata/memory") == (3, 11)


def test_yaml_timestamps_stay_text() -> None:
    spec = load_text("metadata:\n  name: svc\n  release: 2024-01-01\n", "ts.yaml")
    assert spec.data["metadata"]["release"] == "2024-01-01"
