"""The EAS service model: real configs parse into it, secrets are secret from the start,
both documented forms of a key (dotted/nested rpc, two autoscaler shapes) are modelled."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr, ValidationError
from spec_kit import EAS_EXAMPLES, example

from deploykit.models.eas import EasService, service_name
from deploykit.models.modelarts import ModelArtsConfig


def load(name: str) -> Any:
    return example(f"eas/{name}")


@pytest.mark.parametrize(
    "path", EAS_EXAMPLES, ids=lambda p: p.name
)
def test_every_example_parses_with_no_unknown_key(path: Path) -> None:
    # The models forbid unknown keys (that is how pydantic finds them), so this raises on one.
    data = load(path.name)
    EasService.model_validate(data)
    assert service_name(data)


@pytest.mark.parametrize(
    ("spec", "name"),
    [
        ({"metadata": {"name": "current"}, "name": "older"}, "current"),  # metadata wins
        ({"metadata": {"instance": 1}, "name": "older"}, "older"),  # seeds/004's form
        ({"metadata": {"name": ""}, "name": "older"}, "older"),
        ({"metadata": {"name": 7}}, None),
        ({"metadata": "echo"}, None),
        ({}, None),
    ],
)
def test_the_service_name_is_read_as_the_old_sdk_reads_it(spec: Any, name: str | None) -> None:
    assert service_name(spec) == name


def test_every_model_forbids_unknown_keys_so_none_goes_unreported() -> None:
    # deploykit.rules.shape relies on pydantic to find unknown keys anywhere in the document:
    # a nested model that allowed them would let a misspelt key pass without a word.
    seen: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [EasService, ModelArtsConfig]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        assert model.model_config.get("extra") == "forbid", model.__name__
        for info in model.model_fields.values():
            todo.extend(_models_in(info.annotation))
    assert len(seen) > 30


def test_the_schema_still_allows_unknown_eas_keys() -> None:
    # EAS accepts keys deploykit does not know (reference/eas.md §1.9): editors and
    # check-jsonschema must not call them errors, whatever the model does to find them.
    schema = EasService.model_json_schema(by_alias=True)
    objects = [schema, *schema["$defs"].values()]
    assert all(s.get("additionalProperties") is True for s in objects if "properties" in s)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def test_secrets_are_secret_types_and_never_in_repr() -> None:
    service = EasService.model_validate(load("seed-console-harbor.json"))
    assert isinstance(service.docker_auth, SecretStr)
    assert service.docker_auth.get_secret_value() == "YWJjOmJjZA=="
    assert "YWJjOmJjZA==" not in repr(service)
    official = EasService.model_validate(load("official-complete.json"))
    assert isinstance(official.token, SecretStr)
    assert "M5Mjk0NDZhM2EwYzUzOGE0OGMx" not in repr(official)


def test_git_password_is_a_secret() -> None:
    data = load("custom-image-service.json")
    data["storage"] = [
        {"mount_path": "/code", "git": {"repo": "https://example.com/a.git", "password": "pw1"}}
    ]
    service = EasService.model_validate(data)
    assert service.storage is not None
    git = service.storage[0].git
    assert git is not None and isinstance(git.password, SecretStr)
    assert "pw1" not in repr(service)


def test_dotted_and_nested_rpc_keys() -> None:
    dotted = EasService.model_validate(load("python-processor.json"))
    assert dotted.metadata is not None and dotted.metadata.rpc_keepalive == 10000
    nested = EasService.model_validate(load("official-complete.json"))
    assert nested.metadata is not None and nested.metadata.rpc is not None
    assert nested.metadata.rpc.keepalive == 5000
    assert nested.metadata.termination_grace_period == 30  # "eas.termination_grace_period"


def test_both_autoscaler_shapes() -> None:
    data = load("custom-image-service.json")
    data["autoscaler"] = {"min": 2, "max": 5, "strategies": {"qps": 10}}
    assert EasService.model_validate(data).autoscaler is not None
    data["autoscaler"] = {
        "min": 1,
        "max": 4,
        "scaleStrategies": [{"metricName": "cpu", "threshold": 70.5}],
        "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}},
    }
    scaler = EasService.model_validate(data).autoscaler
    assert scaler is not None and scaler.scale_strategies is not None
    assert scaler.scale_strategies[0].threshold == 70.5


@pytest.mark.parametrize("model_config", ['{"fg_mode": "normal"}', {"fg_mode": "normal"}, ""])
def test_model_config_is_a_string_or_an_object(model_config: Any) -> None:
    data = load("torcheasyrec-rank.json")
    data["model_config"] = model_config
    assert EasService.model_validate(data).processor_model_config == model_config


@pytest.mark.parametrize("labels", [{"team": "search"}, ["team:search"], "team:search"])
def test_labels_as_a_map_or_key_value_strings(labels: Any) -> None:
    data = load("custom-image-service.json")
    data["labels"] = labels
    assert EasService.model_validate(data).labels == labels


def test_storage_sources_and_shm() -> None:
    service = EasService.model_validate(load("pai-rag-multi-container.json"))
    assert service.storage is not None
    assert [item.sources() for item in service.storage] == [["oss"], ["empty_dir"]]
    shm = service.storage[1].empty_dir
    assert shm is not None and (shm.medium, shm.size_limit) == ("memory", 20)


def test_dataset_read_only_is_snake_case() -> None:
    data = load("custom-image-service.json")
    data["storage"] = [
        {"mount_path": "/data", "dataset": {"id": "d-abc123", "version": "v1", "read_only": True}}
    ]
    service = EasService.model_validate(data)
    assert service.storage is not None and service.storage[0].dataset is not None
    assert service.storage[0].dataset.read_only is True


@pytest.mark.parametrize(
    ("where", "value"),
    [(("containers", 0, "port"), "8000"), (("metadata", "enable_grpc"), "true")],
)
def test_strings_are_not_coerced(where: tuple[Any, ...], value: str) -> None:
    data = load("custom-image-service.json")
    node = data
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    with pytest.raises(ValidationError):
        EasService.model_validate(data)


def test_free_form_maps_take_any_json_values() -> None:
    data = load("official-complete.json")
    data["features"]["eas.aliyun.com/extra-ephemeral-storage-gb"] = 100
    data["labels"] = {"owner": "search", "cost_center": 4021}
    service = EasService.model_validate(data)
    assert service.labels == {"owner": "search", "cost_center": 4021}
