"""Loading-time findings: duplicate keys (DK003) and YAML 1.1 surprises (DK004)."""

from __future__ import annotations

from deploykit.diagnostics import Severity
from deploykit.loading import load_text

DUPLICATE_PORT_JSON = """\
{
  "metadata": {"name": "image_test", "instance": 1},
  "containers": [
    {
      "image": "registry-vpc.cn-shanghai.aliyuncs.com/xxx/yyy:zzz",
      "port": 8080,
      "command": "python app.py",
      "port": 8000
    }
  ]
}
"""


def test_json_duplicate_key_is_reported_at_the_later_key() -> None:
    spec = load_text(DUPLICATE_PORT_JSON, "image.json")
    assert spec.data["containers"][0]["port"] == 8000  # the last value, as json keeps it
    (finding,) = spec.findings
    assert finding.rule == "DK003"
    assert finding.severity is Severity.WARNING
    assert finding.pointer == "/containers/0/port"
    assert finding.anchor == "key"
    assert (finding.line, finding.column) == (8, 7)
    assert "first on line 6" in finding.message
    # The value kept is the one the source map points at.
    assert spec.source_map.locate("/containers/0/port") == (8, 15)


def test_json_duplicate_of_a_nested_object_forgets_the_lost_members() -> None:
    text = (
        '{"metadata": {"name": "a", "rpc": {"keepalive": 5000, "batching": true}},\n'
        ' "metadata": {"name": "b"}}'
    )
    spec = load_text(text, "dup.json")
    assert spec.data == {"metadata": {"name": "b"}}
    assert [f.pointer for f in spec.findings] == ["/metadata"]
    # /metadata/rpc is not in the data: it falls back to the kept `"metadata"` key.
    assert spec.source_map.locate("/metadata/rpc/keepalive") == (2, 2)


def test_json_duplicate_key_with_escaped_name() -> None:
    text = '{"features": {"eas.aliyun.com/a": "1", "eas.aliyun.com\\/a": "2"}, "metadata": {}}'
    spec = load_text(text, "dup.json")
    assert [f.pointer for f in spec.findings] == ["/features/eas.aliyun.com~1a"]
    assert "`eas.aliyun.com/a`" in spec.findings[0].message


def test_secret_values_are_not_in_the_finding() -> None:
    text = (
        '{"metadata": {"name": "s"}, "dockerAuth": "dGVzdGNhbzoxMjM=",\n'
        ' "dockerAuth": "aGVsbG86d29ybGQ="}'
    )
    (finding,) = load_text(text, "auth.json").findings
    assert "dGVzdGNhbzoxMjM" not in finding.message
    assert "aGVsbG86d29ybGQ" not in finding.message
    assert "aGVsbG86d29ybGQ" not in (finding.suggestion or "")


def test_yaml_duplicate_key() -> None:
    text = "metadata:\n  name: image_test\n  instance: 1\n  instance: 2\n"
    spec = load_text(text, "image.yaml")
    assert spec.data["metadata"]["instance"] == 2
    (finding,) = spec.findings
    assert (finding.pointer, finding.line, finding.column) == ("/metadata/instance", 4, 3)
    assert "first on line 3" in finding.message


def test_yaml_merge_override_is_not_a_duplicate() -> None:
    text = "base: &b {cpu: 1}\nmetadata:\n  <<: *b\n  cpu: 2\n"
    assert load_text(text, "merge.yaml").findings == ()


def test_no_duplicates_no_findings() -> None:
    assert load_text('{"metadata": {"name": "a"}}', "ok.json").findings == ()


def test_yaml_11_booleans_and_numbers_are_pointed_out() -> None:
    text = (
        "metadata:\n"
        "  name: no\n"  # the Norway problem: a name that becomes False
        "  enable_grpc: yes\n"
        "  instance: 1\n"
        "  cpu: 010\n"  # octal 8 in YAML 1.1, 10 in YAML 1.2
        '  gpu: "on"\n'  # quoted: text, as written
        "  enable_webservice: true\n"
        "  memory: -4000\n"
    )
    spec = load_text(text, "image.yaml")
    assert spec.data["metadata"]["name"] is False
    found = {(f.rule, f.pointer, f.line, f.column) for f in spec.findings}
    assert found == {
        ("DK004", "/metadata/name", 2, 9),
        ("DK004", "/metadata/enable_grpc", 3, 16),
        ("DK004", "/metadata/cpu", 5, 8),
    }
    (cpu,) = [f for f in spec.findings if f.pointer == "/metadata/cpu"]
    assert (
        cpu.message == "`010` is read as 8 by a YAML 1.1 rule that JSON and YAML 1.2 do not share"
    )


def test_a_key_written_three_times_is_reported_twice_against_the_first() -> None:
    text = '{"metadata": {\n"cpu": 1,\n"cpu": 2,\n"cpu": 4}}'
    spec = load_text(text, "cpu.json")
    assert spec.data["metadata"]["cpu"] == 4
    assert [(f.line, f.message.split("(")[1].split(")")[0]) for f in spec.findings] == [
        (3, "first on line 2"),
        (4, "first on line 2"),
    ]


def test_findings_inside_an_anchor_are_reported_once() -> None:
    text = (
        "x-rpc: &rpc {keepalive: 5000, batching: yes, batching: no}\n"
        "metadata:\n"
        "  name: svc\n"
        "  rpc: *rpc\n"
    )
    spec = load_text(text, "rpc.yaml")
    assert sorted((f.rule, f.pointer) for f in spec.findings) == [
        ("DK003", "/x-rpc/batching"),
        ("DK004", "/x-rpc/batching"),
        ("DK004", "/x-rpc/batching"),
    ]
