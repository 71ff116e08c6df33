"""ModelArts health-probe rules (MA130–MA134), on the examples users copy."""

from __future__ import annotations

from typing import Any

import pytest
from spec_kit import example

from deploykit.rules.modelarts.document import check


def image(**health: Any) -> Any:
    """The example custom-image config with `health` fields overridden."""
    data = example("modelarts/config.json")
    data["health"].update(health)
    return data


def of(rule: str, data: Any) -> list[tuple[str, str | None]]:
    return [(d.severity.value, d.pointer) for d in check(data) if d.rule == rule]


@pytest.mark.parametrize("value", [12, "12", " 12 ", 0, "0"])
def test_delay_accepts_integers_and_numeric_strings(value: Any) -> None:
    assert check(image(initial_delay_seconds=value)) == []


@pytest.mark.parametrize("value", ["twelve", "12s", "1.5", "-1", ""])
def test_delay_rejects_other_text(value: str) -> None:
    assert of("MA130", image(initial_delay_seconds=value)) == [
        ("error", "/health/initial_delay_seconds")
    ]


def test_non_numeric_json_type_is_a_shape_error_not_a_crash() -> None:
    diagnostics = check(image(period_seconds=1.5))
    assert [(d.rule, d.pointer) for d in diagnostics] == [("MA002", "/health/period_seconds")]


@pytest.mark.parametrize("key", ["period_seconds", "failure_threshold", "timeout_seconds"])
def test_zero_period_threshold_or_timeout_is_out_of_range(key: str) -> None:
    assert of("MA130", image(**{key: "0"})) == [("error", f"/health/{key}")]


def test_platform_returned_probes_with_string_numbers_pass() -> None:
    assert check(example("modelarts/official-platform-returned.json")) == []


def test_health_url_must_start_with_a_slash() -> None:
    assert of("MA131", image(url="health")) == [("error", "/health/url")]
    data = image(url="http://127.0.0.1:8080/health")
    (diagnostic,) = [d for d in check(data) if d.rule == "MA131"]
    assert diagnostic.suggestion == "use '/health'"


def test_custom_image_health_path_other_than_seed_path_is_a_warning() -> None:
    assert of("MA132", image(url="/healthz")) == [("warning", "/health/url")]
    assert of("MA132", image(url="/health")) == []


def test_seed_health_path_applies_to_custom_images_only() -> None:
    data = example("modelarts/official-object-detection.json")
    data["health"] = {"url": "/ping", "protocol": "http"}
    assert of("MA132", data) == []


def test_readiness_probe_may_use_its_own_path() -> None:
    data = image()
    data["readiness_health"] = {"check_method": "HTTP", "url": "/readiness_health"}
    assert of("MA132", data) == []


def test_exec_check_needs_a_command() -> None:
    data = image()
    data["health"] = {"check_method": "EXEC", "period_seconds": "5"}
    assert of("MA133", data) == [("error", "/health/check_method")]
    data["health"]["command"] = "sh /home/ma-user/health.sh"
    assert of("MA133", data) == []


def test_http_check_needs_a_url() -> None:
    data = image()
    del data["health"]["url"]
    assert of("MA133", data) == [("error", "/health")]


def test_unknown_check_method_fails() -> None:
    assert of("MA133", image(check_method="TCP")) == [("error", "/health/check_method")]


def test_check_method_in_lower_case_is_a_warning_with_did_you_mean() -> None:
    (diagnostic,) = [d for d in check(image(check_method="http")) if d.rule == "MA133"]
    assert diagnostic.severity.value == "warning"
    assert diagnostic.suggestion == "did you mean 'HTTP'?"


def test_custom_image_without_health_gets_a_note() -> None:
    data = image()
    assert of("MA134", data) == []
    del data["health"]
    assert of("MA134", data) == [("info", "/model_type")]
