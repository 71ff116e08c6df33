"""EAS0xx and the shape mapping: strict JSON types, unknown keys with "did you mean",
legacy keys accepted with a warning, secrets never echoed, every finding in one run."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import spec_kit
from pydantic import BaseModel, ConfigDict
from spec_kit import found

from deploykit import pointer as jp
from deploykit.diagnostics import Severity
from deploykit.models.eas import EasService
from deploykit.rules.eas.document import SHAPE, check
from deploykit.rules.shape import check_shape, closest, field_path


def example(name: str) -> Any:
    return spec_kit.example(f"eas/{name}")


# --- strict types ------------------------------------------------------------------------


def test_port_as_a_string_is_reported_not_coerced() -> None:
    data = example("seed-image.json")
    data["containers"][0]["port"] = "8000"
    [diagnostic] = found(data, "EAS002")
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.pointer == "/containers/0/port"
    assert diagnostic.message == 'containers[0].port must be an integer, not a string "8000"'
    assert diagnostic.suggestion == "write 8000 without quotes"


def test_reserved_port_as_a_string_is_a_type_error_not_silently_accepted() -> None:
    data = example("seed-image.json")
    data["containers"][0]["port"] = "8080"
    assert [d.rule for d in check(data) if d.severity is Severity.ERROR] == ["EAS002"]


def test_enable_grpc_as_a_string_is_a_type_error() -> None:
    data = example("seed-grpc.json")
    data["metadata"]["enable_grpc"] = "true"
    [diagnostic] = found(data, "EAS002")
    assert diagnostic.pointer == "/metadata/enable_grpc"
    assert diagnostic.suggestion == "write true without quotes"


def test_enable_webservice_as_a_string_is_accepted_with_a_warning() -> None:
    # The Terraform stable-diffusion module writes "true" (reference/eas.md §6.7).
    data = example("pai-rag-multi-container.json")
    data["metadata"]["enable_webservice"] = "true"
    diagnostics = check(data)
    assert [d.rule for d in diagnostics if d.severity is Severity.ERROR] == []
    [diagnostic] = [d for d in diagnostics if d.rule == "EAS006"]
    assert diagnostic.suggestion == "write true without quotes"


def test_instance_as_a_float_is_reported() -> None:
    data = example("seed-image.json")
    data["metadata"]["instance"] = 1.5
    [diagnostic] = found(data, "EAS002")
    assert diagnostic.pointer == "/metadata/instance"


def test_union_fields_give_one_message_per_place() -> None:
    data = example("torcheasyrec-rank.json")
    data["model_config"] = 42  # a string or an object (reference/eas.md §1.10)
    [diagnostic] = found(data, "EAS002")
    assert diagnostic.pointer == "/model_config"
    assert "a string or an object" in diagnostic.message


def test_enum_value_is_eas004() -> None:
    data = example("python-processor.json")
    data["processor_type"] = "golang"
    [diagnostic] = found(data, "EAS004")
    assert diagnostic.pointer == "/processor_type"
    assert "'cpp'" in diagnostic.message


def test_a_document_that_is_not_an_object() -> None:
    [diagnostic] = check([example("seed-image.json")])
    assert diagnostic.rule == "EAS002"
    assert diagnostic.pointer == ""
    assert "the document must be an object" in diagnostic.message


def test_missing_metadata_and_instance_are_eas003() -> None:
    data = example("custom-image-service.json")
    del data["metadata"]["instance"]
    [diagnostic] = found(data, "EAS003")
    assert diagnostic.pointer == "/metadata"
    assert "`instance`" in diagnostic.message
    del data["metadata"]
    assert [d.pointer for d in found(data, "EAS003")] == [""]


# --- every finding at once ---------------------------------------------------------------


def test_a_type_error_does_not_hide_the_other_findings() -> None:
    data = example("custom-image-service.json")
    data["metadata"]["memory"] = "4096"
    data["containers"][0]["port"] = 9090
    data["containers"][0]["command"] = "cd /home && ./run.sh"
    rules = sorted(d.rule for d in check(data))
    assert rules == ["EAS002", "EAS101", "EAS106", "EAS112"]


def test_broken_list_entry_keeps_other_pointers_right() -> None:
    data = example("pai-rag-multi-container.json")
    data["containers"][1]["env"][0]["value"] = 8001  # env values are strings
    data["containers"][2]["port"] = 8080
    diagnostics = [d for d in check(data) if d.rule != "DK010"]  # the docs' masked VPC ids
    assert {(d.rule, d.pointer) for d in diagnostics} == {
        ("EAS002", "/containers/1/env/0/value"),
        ("EAS101", "/containers/2/port"),
        # the probe still checks 8001, which is no longer the container's port
        ("EAS112", "/containers/2/readiness_check/tcp_socket/port"),
    }


# --- unknown keys ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("owner", "key", "guess"),
    [
        ("/containers/0", "helth_check", "health_check"),
        ("", "contianers", "containers"),
        ("/metadata", "enable_gprc", "enable_grpc"),
        ("/containers/0", "Port", "port"),
    ],
)
def test_unknown_key_says_did_you_mean(owner: str, key: str, guess: str) -> None:
    data = example("seed-image.json")
    jp.resolve(data, owner)[key] = {}
    [diagnostic] = found(data, "EAS001")
    assert diagnostic.severity is Severity.WARNING  # EAS may know keys we do not
    assert diagnostic.pointer == f"{owner}/{key}"
    assert diagnostic.anchor == "key"
    assert f"did you mean `{guess}`?" in diagnostic.message


def test_readonly_in_oss_is_matched_ignoring_case_and_underscores() -> None:
    data = example("seed-console-harbor.json")
    data["storage"][0]["oss"]["read_only"] = data["storage"][0]["oss"].pop("readOnly")
    [diagnostic] = found(data, "EAS001")
    assert "did you mean `readOnly`?" in diagnostic.message


def test_an_unrelated_unknown_key_has_no_guess() -> None:
    data = example("seed-image.json")
    data["containers"][0]["gpu_topology"] = "ring"
    [diagnostic] = found(data, "EAS001")
    assert "did you mean" not in diagnostic.message


def test_keys_inside_free_form_maps_are_not_unknown() -> None:
    # features, labels and model_config hold any keys (reference/eas.md §1.1).
    assert found(example("official-complete.json"), "EAS001") == []
    assert found(example("pai-rag-multi-container.json"), "EAS001") == []


def test_closest() -> None:
    known = ["containers", "metadata", "storage", "health_check", "readOnly"]
    assert closest("helth_check", known) == "health_check"
    assert closest("contianers", known) == "containers"
    assert closest("readonly", known) == "readOnly"
    assert closest("autoscaler", known) is None


def test_field_path() -> None:
    assert field_path("/containers/0/port") == "containers[0].port"
    assert field_path("/metadata/rpc.keepalive") == 'metadata["rpc.keepalive"]'
    assert field_path("") == "the document"


# --- legacy keys -------------------------------------------------------------------------


def test_legacy_keys_are_accepted_with_a_warning() -> None:
    diagnostics = check(example("easyrec-pmml.json"))
    assert [d for d in diagnostics if d.severity is Severity.ERROR] == []
    legacy = {d.pointer: d.severity for d in diagnostics if d.rule == "EAS005"}
    assert legacy == {
        "/generate_token": Severity.WARNING,
        "/metadata/eas.enabled_model_verification": Severity.WARNING,
    }
    # The older documented form, used by seeds/004: its own id, a note.
    assert [(d.pointer, d.severity) for d in diagnostics if d.rule == "EAS008"] == [
        ("/name", Severity.INFO)
    ]


@pytest.mark.parametrize(
    ("owner", "key", "value"),
    [
        ("metadata", "disk", "60Gi"),
        ("metadata", "quota_id", "quota12345"),
        ("metadata", "resource_id", "eas-r-abc"),
        (None, "baseimage", "registry-vpc.cn-beijing.aliyuncs.com/eas/tf_predictor:1.15"),
        (None, "options", {"enable_ram_role": True}),
    ],
)
def test_each_legacy_key_warns(owner: str | None, key: str, value: Any) -> None:
    data = example("custom-image-service.json")
    (data[owner] if owner else data)[key] = value
    [diagnostic] = found(data, "EAS005")
    assert diagnostic.severity is Severity.WARNING
    assert found(data, "EAS001") == []


def test_dotted_and_nested_rpc_keys_are_both_modelled() -> None:
    data = example("python-processor.json")  # "rpc.keepalive": 10000
    assert found(data, "EAS001") == []
    data["metadata"]["rpc"] = {"keepalive": 20000}
    [diagnostic] = found(data, "EAS007")
    assert diagnostic.pointer == "/metadata/rpc.keepalive"


# --- secrets -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["dockerAuth", "token"])
def test_a_secret_of_the_wrong_type_is_not_echoed(key: str) -> None:
    data = example("seed-console-harbor.json")
    data[key] = 7317731773
    [diagnostic] = found(data, "EAS002")
    assert "7317731773" not in diagnostic.message
    assert diagnostic.message == f"{key} must be a string, not an integer"


def test_a_git_password_of_the_wrong_type_is_not_echoed() -> None:
    data = example("seed-console-harbor.json")
    data["storage"].append(
        {"mount_path": "/code", "git": {"repo": "https://example.com/a.git", "password": 424242}}
    )
    diagnostics = check(data)
    assert any(d.pointer == "/storage/2/git/password" for d in diagnostics)
    assert all("424242" not in f"{d.message} {d.suggestion}" for d in diagnostics)


# --- the mapping with a model that forbids extra keys (as a platform model may) ----------


class _Probe(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    path: str
    port: int


class _Container(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    image: str
    health: _Probe | None = None


def test_forbidden_extra_key_gets_did_you_mean_and_missing_names_the_owner() -> None:
    data = {"image": "registry-vpc.cn-shanghai.aliyuncs.com/a/b:1", "health": {"pth": "/"}}
    model, diagnostics = check_shape(_Container, data, SHAPE)
    by_rule = {d.rule: d for d in diagnostics}
    assert by_rule["EAS001"].pointer == "/health/pth"
    assert "did you mean `path`?" in by_rule["EAS001"].message
    missing = [d for d in diagnostics if d.rule == "EAS003"]
    assert {d.message for d in missing} == {
        "health is missing the required key `path`",
        "health is missing the required key `port`",
    }
    # the bad probe is dropped; the rest of the container still reaches the semantic rules
    assert model is not None and model.image.startswith("registry-vpc")
    assert all(not isinstance(d, BaseModel) for d in diagnostics)


def test_yaml_non_string_keys_are_reported_not_raised() -> None:
    data = example("seed-image.json")
    data["metadata"][1] = "one"  # YAML `1: one`
    [diagnostic] = found(data, "EAS002")
    assert diagnostic.pointer == "/metadata"
    assert "not a string" in diagnostic.message


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("initial_delay_秒", "initial_delay_seconds"), ("period_秒", "period_seconds")],
)
def test_keys_copied_from_the_japanese_seed_table_are_recognised(typo: str, meant: str) -> None:
    # seeds/004 (Japanese edition) prints `period_秒` for period_seconds in its parameter table.
    data = example("seed-health-check.json")
    probe = data["containers"][0]["health_check"]
    probe[typo] = probe.pop(meant)
    [diagnostic] = found(data, "EAS001")
    assert f"did you mean `{meant}`?" in diagnostic.message


def test_a_value_of_the_wrong_type_is_not_also_reported_missing() -> None:
    data = example("custom-image-service.json")
    data["containers"][0]["command"] = ["/home/run.sh"]  # an exec array, not a string
    data["metadata"]["name"] = 42
    data["containers"] = [data["containers"][0], "registry-vpc.cn-shanghai.aliyuncs.com/a/b:1"]
    rules = sorted(d.rule for d in check(data))
    # not EAS104 (no command), EAS201 (no name) or EAS213 (nothing to run)
    assert rules == ["EAS002", "EAS002", "EAS002"]


def test_a_whole_float_port_suggests_the_integer() -> None:
    data = example("seed-image.json")
    data["containers"][0]["port"] = 8000.0  # what a YAML or Terraform round trip can produce
    [diagnostic] = found(data, "EAS002")
    assert diagnostic.suggestion == "write 8000"


def test_an_env_value_named_like_a_secret_is_not_echoed() -> None:
    data = example("seed-image.json")
    data["containers"][0]["env"].append({"name": "DASHSCOPE_API_KEY", "value": 531880042})
    [diagnostic] = found(data, "EAS002")
    assert diagnostic.pointer == "/containers/0/env/1/value"
    assert "531880042" not in f"{diagnostic.message} {diagnostic.suggestion}"
    data["containers"][0]["env"][1] = {"name": "WORKERS", "value": 4}
    [plain] = found(data, "EAS002")
    assert plain.message.endswith("not an integer 4")


def test_the_partial_model_drops_failed_values_without_touching_the_input() -> None:
    data = example("seed-health-check.json")
    container = data["containers"][0]
    container["port"] = "8000"  # wrong type: dropped from the partial model
    container["helth_check"] = {"x": 1}  # unknown key: dropped too
    data["metadata"]["instance"] = "two"
    before = copy.deepcopy(data)
    model, diagnostics = check_shape(EasService, data, SHAPE)
    assert data == before
    assert {d.pointer for d in diagnostics} >= {
        "/containers/0/port",
        "/containers/0/helth_check",
        "/metadata/instance",
    }
    # everything else reached the model: the name, the image, the probe
    assert model is not None and model.metadata is not None
    assert model.metadata.instance is None and model.name == "image_test"
    [built] = model.containers or []
    assert built.port is None and built.image == container["image"]
    assert built.health_check is not None
