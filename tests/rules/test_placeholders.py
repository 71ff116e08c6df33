"""DK010: a masked or unfilled value gets one warning that says so and what to write, and
the findings about that value itself (which describe the mask) are not made."""

from __future__ import annotations

from typing import Any

import pytest
from spec_kit import check, eas_service, example, found, modelarts_config

from deploykit.diagnostics import Severity


def at(data: Any, pointer: str) -> list[tuple[str, str]]:
    return [(d.rule, d.severity.value) for d in check(data) if d.pointer == pointer]


def test_an_image_that_is_only_a_mask_is_a_placeholder_not_an_internet_image() -> None:
    data = eas_service()
    data["containers"][0]["image"] = "****"
    # Without DK010 this was EAS206 "is on docker.io" (registry_host of "****").
    assert at(data, "/containers/0/image") == [("DK010", "warning")]
    [diagnostic] = found(data, "DK010")
    assert "masked (`****`)" in diagnostic.message
    assert "registry-vpc.<region>.aliyuncs.com" in (diagnostic.suggestion or "")


@pytest.mark.parametrize("key", ["processor_path", "model_path"])
def test_masked_oss_paths_are_placeholders(key: str) -> None:
    data = example("eas/python-processor.json")
    data[key] = "oss://****"
    assert at(data, f"/{key}") == [("DK010", "warning")]
    assert "oss://" in (found(data, "DK010")[0].suggestion or "")


def test_a_masked_token_is_reported_without_showing_it() -> None:
    data = eas_service()
    data["token"] = "******"
    [diagnostic] = found(data, "DK010")
    assert diagnostic.pointer == "/token"
    assert "*" not in diagnostic.message  # a secret's text is never shown, masked or not
    assert "EAS generates one" in (diagnostic.suggestion or "")


def test_the_docs_masked_docker_auth_is_one_placeholder_finding() -> None:
    data = example("eas/official-complete.json")  # "dGVzdGNhbzoxM*******"
    assert at(data, "/dockerAuth") == [("DK010", "warning")]
    assert found(data, "EAS205") == []


@pytest.mark.parametrize(
    "name", ["<your-service-name>", "${SERVICE_NAME}", "{{ service_name }}", "xxx"]
)
def test_unfilled_template_values_are_one_warning_each(name: str) -> None:
    data = eas_service()
    data["metadata"]["name"] = name
    # The name rule (EAS202) would describe the template syntax, not the user's name.
    assert at(data, "/metadata/name") == [("DK010", "warning")]
    assert "unfilled" in found(data, "DK010")[0].message


def test_a_placeholder_where_a_number_belongs_is_a_warning_not_a_type_error() -> None:
    data = eas_service()
    data["metadata"]["instance"] = "${INSTANCES}"
    assert at(data, "/metadata/instance") == [("DK010", "warning")]


def test_xxx_hosts_and_ids_from_the_docs_are_placeholders() -> None:
    # seeds/004 writes images as registry-vpc.cn-shanghai.aliyuncs.com/xxx/yyy:zzz.
    assert [d.pointer for d in found(example("eas/seed-image.json"), "DK010")] == [
        "/containers/0/image"
    ]
    assert [d.pointer for d in found(example("eas/torcheasyrec-rank.json"), "DK010")] == [
        "/metadata/resource"
    ]


def test_shell_variables_in_commands_are_not_placeholders() -> None:
    data = eas_service()
    data["containers"][0]["script"] = 'gunicorn -b "0.0.0.0:${PORT}" app:app'
    del data["containers"][0]["command"]
    assert found(data, "DK010") == []


def test_a_masked_env_value_with_a_secret_name_is_not_shown() -> None:
    data = eas_service()
    data["containers"][0]["env"] = [{"name": "OSS_ACCESS_KEY_SECRET", "value": "Ab3d****"}]
    [diagnostic] = found(data, "DK010")
    assert diagnostic.pointer == "/containers/0/env/0/value"
    assert "Ab3d" not in diagnostic.message and "****" not in diagnostic.message


def test_modelarts_placeholders_use_the_same_rule() -> None:
    data = modelarts_config()
    data["swr_location"] = "swr.<region>.myhuaweicloud.com/<org>/echo:1.0"
    [diagnostic] = found(data, "DK010")
    assert (diagnostic.pointer, diagnostic.severity) == ("/swr_location", Severity.WARNING)
    assert "SWR" in (diagnostic.suggestion or "")


def test_api_schemas_are_documentation_not_placeholders() -> None:
    data = modelarts_config()
    data["apis"][0]["request"]["data"]["properties"]["text"] = {
        "type": "string", "description": "the <text> to echo, e.g. xxx"
    }
    assert found(data, "DK010") == []


def test_strict_makes_a_placeholder_an_error_like_any_warning() -> None:
    from deploykit.loading import load_text
    from deploykit.validation import ValidateOptions, validate

    loaded = load_text('{"metadata": {"name": "<your-name>", "instance": 1},'
                       ' "processor": "pmml", "model_path": "oss://b/m.pmml"}', "t.json")
    [diagnostic] = [d for d in validate(loaded, ValidateOptions(strict=True)).diagnostics
                    if d.rule == "DK010"]
    assert diagnostic.severity is Severity.ERROR
