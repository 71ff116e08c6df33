"""EAS service JSON → ModelArts config.json: requirements become restraints or reported losses,
probes become health objects, ModelArts' expectations (8080, GET /health) are stated, and no
secret is ever repeated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conversion_testkit import ACR_IMAGE, assert_output_validates, eas_service, load, rules_at, run
from spec_kit import EAS_EXAMPLES

from deploykit.conversion import Overrides, convert
from deploykit.errors import ConversionError


def service(**container: Any) -> dict[str, Any]:
    spec = eas_service()
    spec["containers"][0].update(container)
    return spec


def test_the_eas_examples_are_there() -> None:
    assert len(EAS_EXAMPLES) >= 5


@pytest.mark.parametrize("path", EAS_EXAMPLES, ids=lambda p: p.name)
def test_every_eas_example_converts_both_ways(path: Path) -> None:
    loaded = load(path)
    to_modelarts = convert(loaded, "modelarts", Overrides())

    assert not to_modelarts.blocked
    assert to_modelarts.data["model_type"] == "Image"
    assert_output_validates(to_modelarts)
    # ...and back: with what config.json cannot hold (the start command; the port and image
    # when the service had none), the ModelArts file converts to an EAS spec that validates.
    given = to_modelarts.data
    back = convert(
        load_json(given),
        "eas",
        Overrides(
            command="python app.py",
            port=None if "port" in given else 8000,
            image=None if "swr_location" in given else ACR_IMAGE,
        ),
    )
    assert not back.blocked, back.diagnostics
    assert_output_validates(back)


def load_json(data: dict[str, Any]) -> Any:
    from deploykit.loading import load_text

    return load_text(json.dumps(data, indent=2), "config.json")


def test_seed_health_check_and_requirements_carry_over() -> None:
    result = run(eas_service(), "modelarts", model_algorithm="image_classification")

    assert result.data["model_algorithm"] == "image_classification"
    assert result.data["swr_location"] == ACR_IMAGE
    assert result.data["port"] == 8000
    assert result.data["health"] == {
        "check_method": "HTTP",
        "protocol": "http",
        "url": "/",
        "initial_delay_seconds": "3",
        "period_seconds": "3",
        "timeout_seconds": "1",
        "failure_threshold": "4",
    }
    assert result.data["dependencies"] == [
        {
            "installer": "pip",
            "packages": [
                {"package_name": "numpy", "package_version": "1.16.4", "restraint": "EXACT"},
                {"package_name": "absl-py", "package_version": "0.11.0", "restraint": "EXACT"},
            ],
        }
    ]
    reported = rules_at(result)
    assert reported["/containers/0/health_check/success_threshold"] == {"CNV001"}
    assert reported["/containers/0/prepare/pythonRequirements"] == {
        "CNV009"
    }  # Image: not installed
    assert reported["/containers/0/port"] == {"CNV005"}  # ModelArts expects 8080
    for deployment_field in (
        "/metadata/name",
        "/metadata/instance",
        "/metadata/cpu",
        "/metadata/memory",
        "/containers/0/command",
        "/containers/0/env",
        "/dockerAuth",
    ):
        assert reported[deployment_field] == {"CNV001"}, deployment_field
    assert_output_validates(result)


@pytest.mark.parametrize(
    ("requirement", "package", "lost"),
    [
        (
            "numpy==1.16.4",
            {"package_name": "numpy", "package_version": "1.16.4", "restraint": "EXACT"},
            False,
        ),
        (
            "absl-py>=0.11.0",
            {"package_name": "absl-py", "package_version": "0.11.0", "restraint": "ATLEAST"},
            False,
        ),
        (
            "torch<=2.1.0",
            {"package_name": "torch", "package_version": "2.1.0", "restraint": "ATMOST"},
            False,
        ),
        ("gunicorn", {"package_name": "gunicorn"}, False),
        ("scipy~=1.10", {"package_name": "scipy"}, True),
        ("pandas!=2.0.0", {"package_name": "pandas"}, True),
        ("flask>=2,<3", {"package_name": "flask"}, True),
        ("protobuf<4", {"package_name": "protobuf"}, True),
        ("numpy==1.2.*", {"package_name": "numpy"}, True),
        (
            "requests[socks]==2.31.0",
            {"package_name": "requests", "package_version": "2.31.0", "restraint": "EXACT"},
            True,
        ),
        (
            'typing-extensions>=4.0; python_version < "3.8"',
            {"package_name": "typing-extensions", "package_version": "4.0", "restraint": "ATLEAST"},
            True,
        ),
        ("mypkg @ https://example.com/mypkg-1.0-py3-none-any.whl", None, True),
        ("-r requirements.txt", None, True),
    ],
)
def test_pip_requirements_become_restraints_or_reported_losses(
    requirement: str, package: dict[str, str] | None, lost: bool
) -> None:
    result = run(service(prepare={"pythonRequirements": [requirement]}), "modelarts")

    packages = result.data["dependencies"][0]["packages"] if "dependencies" in result.data else []
    assert packages == ([package] if package else [])
    at = rules_at(result).get("/containers/0/prepare/pythonRequirements/0", set())
    assert ("CNV002" in at) is lost


def test_a_requirement_url_with_a_token_is_never_repeated() -> None:
    token = "ghp_s3cretT0kenValue"
    spec = service(
        prepare={"pythonRequirements": [f"mypkg @ https://u:{token}@git.example.com/m.whl"]}
    )
    result = run(spec, "modelarts")

    assert token not in json.dumps([d.as_dict() for d in result.diagnostics])
    assert token not in json.dumps(result.data)


def test_secrets_and_env_values_are_reported_by_place_never_by_value() -> None:
    spec = service(env=[{"name": "OSS_ACCESS_KEY_SECRET", "value": "wJalrXUtnFEMI-K7MDENG"}])
    result = run(spec, "modelarts")

    text = json.dumps([d.as_dict() for d in result.diagnostics]) + json.dumps(result.data)
    assert eas_service()["dockerAuth"] not in text
    assert "wJalrXUtnFEMI-K7MDENG" not in text
    assert {"/dockerAuth", "/containers/0/env"} <= set(rules_at(result))


def test_tcp_probes_have_no_modelarts_counterpart_and_get_health_is_stated() -> None:
    spec = service(health_check={"tcp_socket": {"port": 8000}, "period_seconds": 5})
    result = run(spec, "modelarts")

    assert "health" not in result.data
    assert rules_at(result)["/containers/0/health_check/tcp_socket"] == {"CNV002"}
    stated = [d.message for d in result.diagnostics if d.rule == "CNV005" and d.pointer == ""]
    assert stated and "GET /health" in stated[0]


def test_exec_probes_join_plain_words_and_drop_arguments_with_spaces() -> None:
    plain = run(service(health_check={"exec": {"command": ["cat", "/tmp/ready"]}}), "modelarts")
    spaced = run(
        service(health_check={"exec": {"command": ["sh", "-c", "curl -f localhost:8000"]}}),
        "modelarts",
    )

    assert plain.data["health"] == {"check_method": "EXEC", "command": "cat /tmp/ready"}
    assert "health" not in spaced.data
    assert rules_at(spaced)["/containers/0/health_check/exec"] == {"CNV002"}


def test_a_health_check_on_another_port_is_reported() -> None:
    result = run(service(health_check={"http_get": {"path": "/health", "port": 9000}}), "modelarts")

    assert result.data["health"]["url"] == "/health"
    assert rules_at(result)["/containers/0/health_check/http_get/port"] == {"CNV002"}


def test_no_port_means_modelarts_uses_8080_and_says_so() -> None:
    spec = service()
    del spec["containers"][0]["port"]
    result = run(spec, "modelarts")

    assert "port" not in result.data
    assert any("8080" in d.message for d in result.diagnostics if d.rule == "CNV005")


def test_port_option_sets_the_modelarts_port() -> None:
    result = run(eas_service(), "modelarts", port=8080)

    assert result.data["port"] == 8080
    assert "CNV005" not in rules_at(result).get("/containers/0/port", set())


def test_sidecars_and_storage_are_reported_whole() -> None:
    spec = service()
    spec["containers"].append(
        {"image": "registry-vpc.cn-shanghai.aliyuncs.com/x/redis:7", "command": "redis-server"}
    )
    spec["storage"] = [
        {"mount_path": "/data", "git": {"repo": "https://x/y.git", "password": "hunter2pass"}}
    ]
    result = run(spec, "modelarts")

    reported = rules_at(result)
    assert reported["/containers/1"] == {"CNV001"}
    assert reported["/storage"] == {"CNV001"}
    assert "hunter2pass" not in json.dumps([d.as_dict() for d in result.diagnostics])


def test_eas_options_are_refused_when_converting_to_modelarts() -> None:
    with pytest.raises(ConversionError, match="--name"):
        run(eas_service(), "modelarts", name="x")


def test_image_option_replaces_the_eas_image() -> None:
    swr = "swr.cn-north-4.myhuaweicloud.com/ml-team/resnet50:v3"
    result = run(eas_service(), "modelarts", image=swr)

    assert result.data["swr_location"] == swr
    assert "CNV008" not in {d.rule for d in result.diagnostics}  # SWR is where ModelArts pulls
