"""The ModelArts config.json model: what it accepts, and the JSON Schema it publishes."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError
from spec_kit import MODELARTS_EXAMPLES, example

from deploykit.models.modelarts import ModelArtsConfig


def load(name: str) -> Any:
    return example(f"modelarts/{name}")


def test_example_custom_image_config_parses_with_its_fields() -> None:
    config = ModelArtsConfig.model_validate(load("config.json"))
    assert config.model_type == "Image"
    assert config.port == 8080
    assert config.health is not None and config.health.url == "/health"
    assert config.apis is not None and config.apis[0].request is not None
    assert config.apis[0].request.content_type == "application/json"


def test_content_type_keeps_its_exact_key_on_output() -> None:
    config = ModelArtsConfig.model_validate(load("official-object-detection.json"))
    dumped = config.model_dump(by_alias=True, exclude_none=True)
    assert dumped["apis"][0]["request"]["Content-type"] == "multipart/form-data"
    assert dumped == load("official-object-detection.json")


def test_platform_returned_config_with_three_probes_parses() -> None:
    config = ModelArtsConfig.model_validate(load("official-platform-returned.json"))
    assert config.readiness_health is not None
    assert config.readiness_health.failure_threshold == "20"
    assert config.model_source == "auto" and config.tunable is False


@pytest.mark.parametrize("value", [5, "5"])
def test_health_numbers_accept_integers_and_strings(value: Any) -> None:
    data = load("config.json")
    data["health"]["period_seconds"] = value
    health = ModelArtsConfig.model_validate(data).health
    assert health is not None and health.period_seconds == value


@pytest.mark.parametrize(
    ("key", "value"),
    [("port", "8080"), ("model_type", None), ("metrics", {"f1": "0.5"}), ("apis", {"url": "/"})],
)
def test_wrong_json_types_are_rejected(key: str, value: Any) -> None:
    data = load("config.json")
    data[key] = value
    with pytest.raises(ValidationError):
        ModelArtsConfig.model_validate(data)


def test_misspelled_key_is_rejected_by_the_model() -> None:
    # The model forbids it so the shape check can name it; rule MA001 makes it a warning.
    data = load("official-custom-dependency.json")
    with pytest.raises(ValidationError, match="procotol"):
        ModelArtsConfig.model_validate(data)


def test_schema_states_the_documented_constraints() -> None:
    schema = ModelArtsConfig.model_json_schema(by_alias=True)
    assert sorted(schema["required"]) == ["model_algorithm", "model_type"]
    algorithm = schema["properties"]["model_algorithm"]
    assert algorithm["maxLength"] == 36
    assert "Content-type" in schema["$defs"]["ApiMessage"]["properties"]
    period = schema["$defs"]["Health"]["properties"]["period_seconds"]
    kinds = json.dumps(period)
    assert '"integer"' in kinds and '"pattern"' in kinds


def test_schema_accepts_the_official_examples_except_their_known_mistakes() -> None:
    schema = ModelArtsConfig.model_json_schema(by_alias=True)
    validator = jsonschema.Draft202012Validator(schema)
    expected = {
        # `procotol` (reference §1.10): a forbidden extra key in the strict schema.
        "official-custom-dependency.json": ["'procotol' was unexpected"],
        # The TF provider's Image example has no model_algorithm (reference §1.9).
        "official-terraform-image-health.json": ["'model_algorithm' is a required property"],
    }
    for path in MODELARTS_EXAMPLES:
        errors = [
            leaf.message
            for error in validator.iter_errors(load(path.name))
            for leaf in (error.context or [error])
            if leaf.validator != "type"  # the `null` branch of an optional field
        ]
        assert [
            m for m in errors if not any(e in m for e in expected.get(path.name, []))
        ] == [], path.name
        assert len(errors) == len(expected.get(path.name, [])), path.name
