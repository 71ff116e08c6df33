"""ModelArts config.json → EAS service JSON: the official examples convert with their losses
listed, the port conflict never yields 8080/9090, and the shared fields carry over exactly."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conversion_testkit import ACR_IMAGE, assert_output_validates, load, rules_at, run
from spec_kit import EXAMPLES, MODELARTS_EXAMPLES

from deploykit.conversion import Overrides, convert
from deploykit.errors import ConversionError

# Fields of config.json that have an EAS counterpart (reference/modelarts.md §7).
SHARED = {"swr_location", "dependencies", "health", "readiness_health", "startup_health", "port"}
READY = Overrides(port=8000, image=ACR_IMAGE, command="python app.py", name="converted")


def test_the_modelarts_examples_are_there() -> None:
    assert len(MODELARTS_EXAMPLES) >= 5


@pytest.mark.parametrize("path", MODELARTS_EXAMPLES, ids=lambda p: p.name)
def test_every_example_converts_and_every_dropped_field_is_reported(path: Path) -> None:
    loaded = load(path)
    result = convert(loaded, "eas", READY)

    assert not result.blocked
    assert result.data["containers"][0]["port"] == 8000
    reported = rules_at(result)
    for key in loaded.data:
        carried = {"model_type": "Image", "protocol": "http"}.get(key) == loaded.data[key]
        if key in SHARED or carried:
            continue
        assert any(p == f"/{key}" or p.startswith(f"/{key}/") for p in reported), key
    for diagnostic in result.diagnostics:
        assert diagnostic.line is not None and diagnostic.column is not None, diagnostic
    assert_output_validates(result)


def test_official_object_detection_lists_its_losses_and_pins() -> None:
    result = convert(load(EXAMPLES / "modelarts/official-object-detection.json"), "eas", READY)

    container = result.data["containers"][0]
    assert container["prepare"]["pythonRequirements"] == ["numpy==1.15.0", "Pillow==5.2.0"]
    reported = rules_at(result)
    # A built-in engine (TensorFlow): its model package is not an image; say so.
    assert reported["/model_type"] == {"CNV001"}
    assert reported["/metrics"] == {"CNV001"}
    assert reported["/apis"] == {"CNV001"}
    assert "CNV001" in reported["/model_algorithm"]


def test_empty_string_constraints_mean_no_version() -> None:
    # reference/modelarts.md §1.5: {"restraint": "", "package_version": "", ...} means no version
    result = convert(load(EXAMPLES / "modelarts/official-image-classification.json"), "eas", READY)

    assert result.data["containers"][0]["prepare"]["pythonRequirements"] == [
        "numpy>=1.15.0",
        "Pillow",
    ]


def test_without_port_the_8080_image_is_an_error_and_no_reserved_port_is_written() -> None:
    result = convert(load(EXAMPLES / "modelarts/config.json"), "eas", Overrides(name="echo"))

    assert result.blocked
    [conflict] = [d for d in result.diagnostics if d.rule == "CNV003"]
    assert conflict.pointer == "/port"
    assert (conflict.line, conflict.column) == (5, 13)
    assert "8080" in conflict.message and "--port" in (conflict.suggestion or "")
    text = json.dumps(result.data)
    assert "8080" not in text and "9090" not in text


def test_an_image_model_with_no_port_key_listens_on_8080_and_conflicts() -> None:
    result = convert(load(EXAMPLES / "modelarts/official-custom-image.json"), "eas", Overrides())

    [conflict] = [d for d in result.diagnostics if d.rule == "CNV003"]
    assert conflict.pointer == "" and "8080" in conflict.message
    assert "port" not in result.data["containers"][0] if result.data.get("containers") else True


def test_port_option_is_used_and_warns_that_the_image_must_listen_there() -> None:
    result = convert(load(EXAMPLES / "modelarts/config.json"), "eas", replace(READY, name=None))

    assert not result.blocked
    assert result.data["containers"][0]["port"] == 8000
    assert result.data["containers"][0]["health_check"]["http_get"] == {
        "path": "/health",
        "port": 8000,
    }
    [warning] = [d for d in result.diagnostics if d.rule == "CNV004"]
    assert "must listen on 8000" in warning.message


@pytest.mark.parametrize("port", [8080, 9090])
def test_a_reserved_port_option_is_refused(port: int) -> None:
    with pytest.raises(ConversionError, match="reserved"):
        convert(load(EXAMPLES / "modelarts/config.json"), "eas", Overrides(port=port))


def test_health_strings_become_integers_and_exec_commands_split_on_spaces() -> None:
    # The Terraform provider's Image model (reference/modelarts.md §1.9), declared on port 90.
    result = convert(
        load(EXAMPLES / "modelarts/official-terraform-image-health.json"),
        "eas",
        Overrides(image=ACR_IMAGE, command="sh /home/run.sh"),
    )

    container = result.data["containers"][0]
    assert container["port"] == 90
    assert container["health_check"] == {
        "exec": {"command": ["echo", "1"]},
        "period_seconds": 1,
        "failure_threshold": 2,
        "initial_delay_seconds": 1,
    }
    reported = rules_at(result)
    assert reported["/protocol"] == {"CNV002"}  # https: EAS talks HTTP to the container
    assert reported["/algorithm"] == {"CNV001"}
    assert "CNV010" in reported["/health"]  # timeout left to differing defaults


def test_the_three_probes_map_by_name() -> None:
    result = convert(load(EXAMPLES / "modelarts/official-platform-returned.json"), "eas", READY)

    container = result.data["containers"][0]
    assert container["health_check"]["http_get"]["path"] == "/health"
    assert container["readiness_check"]["http_get"]["path"] == "/readiness_health"
    assert container["startup_check"]["failure_threshold"] == 10
    assert {"/runtime", "/model_source", "/tunable"} <= set(rules_at(result))


def test_a_swr_image_is_carried_with_a_registry_warning() -> None:
    config = {
        "model_algorithm": "image_classification",
        "model_type": "Image",
        "swr_location": "swr.cn-north-4.myhuaweicloud.com/ml-team/resnet50:v3",
        "port": 8000,
    }
    result = run(config, "eas", command="python app.py")

    assert result.data["containers"][0]["image"] == config["swr_location"]
    assert rules_at(result)["/swr_location"] == {"CNV008"}


def test_what_eas_needs_comes_from_options_or_a_reported_default() -> None:
    config = {"model_algorithm": "Image-Classify v2", "model_type": "Image", "port": 8000}
    defaulted = run(config, "eas")
    given = run(
        config,
        "eas",
        name="resnet_svc",
        instance=3,
        cpu=2,
        memory=4096,
        image=ACR_IMAGE,
        script="cd /app && python app.py",
        env=(("A", "1"),),
    )

    assert defaulted.data["metadata"] == {"name": "image_classify_v2", "instance": 1}
    assert [d.rule for d in defaulted.diagnostics if d.pointer == ""].count("CNV006") == 2
    assert [d.rule for d in defaulted.diagnostics if d.pointer == ""].count("CNV007") == 2
    assert given.data["metadata"] == {"name": "resnet_svc", "instance": 3, "cpu": 2, "memory": 4096}
    assert given.data["containers"][0]["script"] == "cd /app && python app.py"
    assert given.data["containers"][0]["env"] == [{"name": "A", "value": "1"}]
    assert not [d for d in given.diagnostics if d.rule in {"CNV006", "CNV007"}]


def test_without_image_and_command_nothing_can_be_written_and_the_options_are_named() -> None:
    # issue #12: the output had neither command nor script, and validate rejected it (EAS104).
    result = convert(load(EXAMPLES / "modelarts/config.json"), "eas", Overrides(port=8000))

    assert result.blocked
    missing = [d for d in result.diagnostics if d.rule == "CNV007"]
    assert [d.severity.value for d in missing] == ["error", "error"]
    suggestions = " ".join(d.suggestion or "" for d in missing)
    assert "--image" in suggestions and "--command" in suggestions and "--script" in suggestions


def test_broken_dependencies_are_reported_not_crashed_on() -> None:
    result = convert(load(EXAMPLES / "broken/modelarts-bad-config.json"), "eas", READY)

    assert rules_at(result)["/dependencies/0"] == {"CNV002"}  # conda: EAS installs pip only
    assert "prepare" not in result.data["containers"][0]


def test_an_unknown_restraint_is_pinned_exactly_and_reported() -> None:
    config = {
        "model_type": "Image",
        "model_algorithm": "x",
        "port": 8000,
        "dependencies": [
            {
                "installer": "pip",
                "packages": [
                    {"package_name": "torch", "package_version": "2.1.0", "restraint": "ABOUT"}
                ],
            }
        ],
    }
    result = run(config, "eas")

    assert result.data["containers"][0]["prepare"]["pythonRequirements"] == ["torch==2.1.0"]
    assert rules_at(result)["/dependencies/0/packages/0/restraint"] == {"CNV002"}


def test_options_for_the_other_direction_are_refused() -> None:
    with pytest.raises(ConversionError, match="--model-algorithm"):
        convert(load(EXAMPLES / "modelarts/config.json"), "eas", Overrides(model_algorithm="x"))


def test_converting_to_the_same_platform_is_refused() -> None:
    with pytest.raises(ConversionError, match="already"):
        convert(load(EXAMPLES / "modelarts/config.json"), "modelarts", Overrides())
