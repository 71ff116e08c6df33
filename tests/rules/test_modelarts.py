"""ModelArts config.json: the official examples, the shape check and the top-level rules.

Inputs are the files users copy, from examples/modelarts/, changed one field at a time.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from spec_kit import EXAMPLES, example

from deploykit.diagnostics import Severity
from deploykit.rules.modelarts.document import check


def found(data: Any) -> set[tuple[str, str, str | None]]:
    """(rule, severity, pointer) of every finding."""
    return {(d.rule, d.severity.value, d.pointer) for d in check(data)}


def rules(data: Any) -> set[str]:
    return {d.rule for d in check(data)}


# Each official example of reference/modelarts.md §1.9 and the warnings its known mistakes
# (§1.10) must produce: never an error, because users copy these files.
OFFICIAL = {
    "official-custom-image.json": set(),
    "official-custom-image-cn21.json": set(),
    "official-custom-image-swr-location.json": set(),
    "official-terraform-image-health.json": {
        ("MA101", "warning", ""),  # model_algorithm missing on an Image model
        ("MA104", "warning", "/port"),  # port 90
    },
    "official-platform-returned.json": set(),
    "official-object-detection.json": set(),
    "official-image-classification.json": {
        ("MA123", "warning", "/dependencies/0/packages/1/package_version"),  # "" for no version
    },
    "official-xgboost.json": {
        ("MA113", "warning", "/apis/0/response/Content-type"),  # applicaton/json
    },
    "official-custom-dependency.json": {
        ("MA001", "warning", "/apis/0/procotol"),
        ("MA113", "warning", "/apis/0/response/Content-type"),
        ("MA114", "warning", "/apis/0/response/data/properties/mnist_result/item"),
    },
}


@pytest.mark.parametrize("name", sorted(OFFICIAL))
def test_official_example_has_only_the_expected_warnings(name: str) -> None:
    findings = {f for f in found(example(f"modelarts/{name}")) if f[1] != "info"}
    assert findings == OFFICIAL[name]


def test_every_official_example_file_is_covered() -> None:
    assert {p.name for p in (EXAMPLES / "modelarts").glob("official-*.json")} == set(OFFICIAL)


def test_example_custom_image_config_is_clean() -> None:
    assert check(example("modelarts/config.json")) == []


def test_official_typos_name_the_fix() -> None:
    by_rule = {d.rule: d for d in check(example("modelarts/official-custom-dependency.json"))}
    assert "did you mean `protocol`" in by_rule["MA001"].message
    assert by_rule["MA113"].suggestion == "did you mean 'application/json'?"
    assert by_rule["MA114"].suggestion == "did you mean 'items'?"


def test_broken_example_fails_with_every_mistake_at_once() -> None:
    data = example("broken/modelarts-bad-config.json")
    errors = {d.rule for d in check(data) if d.severity is Severity.ERROR}
    assert errors == {"MA101", "MA110", "MA120", "MA121", "MA122", "MA124", "MA130", "MA131"}
    assert {"MA001", "MA102", "MA103", "MA113", "MA114", "MA115"} <= rules(data)


# --- shape (MA001–MA004) -------------------------------------------------------------------


def test_unknown_key_is_a_warning_with_did_you_mean() -> None:
    data = example("modelarts/config.json")
    data["helth"] = data.pop("health")
    (diagnostic,) = [d for d in check(data) if d.rule == "MA001"]
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.pointer == "/helth"
    assert "did you mean `health`" in diagnostic.message


def test_wrong_type_is_an_error() -> None:
    data = example("modelarts/config.json")
    data["port"] = "8080"
    assert ("MA002", "error", "/port") in found(data)
    data["port"] = 8080
    assert "MA002" not in rules(data)


def test_missing_model_type_is_an_error() -> None:
    data = example("modelarts/official-object-detection.json")
    del data["model_type"]
    assert ("MA003", "error", "") in found(data)


def test_port_out_of_range_is_an_invalid_value() -> None:
    data = example("modelarts/config.json")
    data["port"] = 70000
    assert ("MA004", "error", "/port") in found(data)


def test_a_document_that_is_not_an_object_is_one_error() -> None:
    diagnostics = check(["model_type", "Image"])
    assert [d.rule for d in diagnostics] == ["MA002"]


def test_semantic_rules_still_run_when_the_shape_fails() -> None:
    data = example("modelarts/official-object-detection.json")
    data["metrics"] = "good"  # wrong type
    data["apis"][0]["url"] = "/predict"  # MA110
    assert {"MA002", "MA110"} <= rules(data)


# --- MA101 model_algorithm -----------------------------------------------------------------


@pytest.mark.parametrize(
    "algorithm",
    ["image_classification", "LayoutLMv3", "xgboost_iris_test", "a" * 36],
)
def test_algorithm_accepted(algorithm: str) -> None:
    data = example("modelarts/official-object-detection.json")
    data["model_algorithm"] = algorithm
    assert "MA101" not in rules(data)


@pytest.mark.parametrize(
    "algorithm",
    ["3d_detection", "_private", "a" * 37, "cats&dogs", 'say"hi"', "a=b", "图像分类", "x!"],
)
def test_algorithm_rejected(algorithm: str) -> None:
    data = example("modelarts/official-object-detection.json")
    data["model_algorithm"] = algorithm
    assert ("MA101", "error", "/model_algorithm") in found(data)


def test_missing_algorithm_is_an_error_for_an_engine_model() -> None:
    data = example("modelarts/official-object-detection.json")
    del data["model_algorithm"]
    assert ("MA101", "error", "") in found(data)


# --- MA102/MA103 engines and runtimes --------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "meant"),
    [("Tensorflow", "TensorFlow"), ("pytorch", "PyTorch"), ("Scikit-Learn", "Scikit_Learn"),
     ("image", "Image"), ("MindSpoer", "MindSpore")],
)
def test_unknown_engine_is_a_warning_with_did_you_mean(written: str, meant: str) -> None:
    data = example("modelarts/official-object-detection.json")
    data["model_type"] = written
    (diagnostic,) = [d for d in check(data) if d.rule == "MA102"]
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.suggestion == f"did you mean {meant!r}?"


def test_engine_listed_only_in_2018_documents_is_a_warning() -> None:
    data = example("modelarts/official-object-detection.json")
    data["model_type"] = "AutoModel"
    (diagnostic,) = [d for d in check(data) if d.rule == "MA102"]
    assert diagnostic.severity is Severity.WARNING
    assert "EX-OLD" in diagnostic.message


@pytest.mark.parametrize(
    "engine", ["TensorFlow", "MXNet", "Caffe", "Spark_MLlib", "Scikit_Learn", "XGBoost",
               "PyTorch", "MindSpore", "Image", "Template"]
)
def test_documented_engines_pass(engine: str) -> None:
    data = example("modelarts/official-custom-image.json")
    data["model_type"] = engine
    assert "MA102" not in rules(data)


@pytest.mark.parametrize(
    ("engine", "runtime"),
    [("TensorFlow", "tf2.1-python3.7"), ("PyTorch", "pytorch1.4-python3.7"),
     ("XGBoost", "python3.6"),
     ("TensorFlow", "tensorflow_2.1.0-cuda_10.1-py_3.7-ubuntu_18.04-x86_64"),
     ("MindSpore", "mindspore_2.0.0-cann_6.3.0-py_3.7-euler_2.8.3-aarch64")],
)
def test_documented_runtimes_pass(engine: str, runtime: str) -> None:
    data = example("modelarts/official-object-detection.json")
    data.update(model_type=engine, runtime=runtime)
    assert "MA103" not in rules(data)


def test_undocumented_runtime_is_a_warning_with_did_you_mean() -> None:
    data = example("modelarts/official-object-detection.json")
    data["runtime"] = "tf1.13-python3.6-CPU"
    (diagnostic,) = [d for d in check(data) if d.rule == "MA103"]
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.suggestion == "did you mean 'tf1.13-python3.6-cpu'?"


def test_runtime_is_checked_against_the_engine_a_misspelling_meant() -> None:
    data = example("modelarts/official-object-detection.json")
    data.update(model_type="Tensorflow", runtime="tf2.1-python3.7")
    assert "MA103" not in rules(data)
    data["runtime"] = "python3.8"
    assert ("MA103", "warning", "/runtime") in found(data)


def test_runtime_on_an_image_model_is_flagged_as_ignored() -> None:
    data = example("modelarts/config.json")
    data["runtime"] = "python3.6"
    assert ("MA103", "warning", "/runtime") in found(data)


# --- MA104 port, MA105 protocol, MA106 swr_location -------------------------------------------


def test_custom_image_port_other_than_8080_is_flagged() -> None:
    data = example("modelarts/config.json")
    data["port"] = 8443
    assert ("MA104", "warning", "/port") in found(data)


def test_port_8080_or_no_port_passes() -> None:
    data = example("modelarts/config.json")
    assert "MA104" not in rules(data)
    del data["port"]
    assert "MA104" not in rules(data)


@pytest.mark.parametrize("pointer", ["/protocol", "/apis/0/protocol"])
def test_protocol_other_than_http_or_https_is_flagged(pointer: str) -> None:
    data = example("modelarts/config.json")
    owner = data if pointer == "/protocol" else data["apis"][0]
    owner["protocol"] = "htps"
    (diagnostic,) = [d for d in check(data) if d.rule == "MA105"]
    assert diagnostic.pointer == pointer
    assert diagnostic.suggestion == "did you mean 'https'?"


def test_swr_location_on_an_engine_model_is_flagged() -> None:
    data = example("modelarts/official-object-detection.json")
    data["swr_location"] = "swr.cn-north-4.myhuaweicloud.com/deploykit/echo:1.0"
    assert ("MA106", "warning", "/swr_location") in found(data)
    image = copy.deepcopy(example("modelarts/config.json"))
    image["swr_location"] = data["swr_location"]
    assert "MA106" not in rules(image)


# --- through the validate pipeline ------------------------------------------------------------


def test_examples_directory_validates_without_errors_and_locates_findings() -> None:
    from deploykit.validation import validate_paths

    report = validate_paths([str(EXAMPLES / "modelarts")])
    assert {f.platform for f in report.files} == {"modelarts"}
    assert len(report.files) == len(OFFICIAL) + 1
    assert report.errors == 0
    (typo,) = [
        d
        for f in report.files
        if f.path.endswith("official-custom-dependency.json")
        for d in f.diagnostics
        if d.rule == "MA001"
    ]
    # `"procotol": "http"` is on line 2; the column points at the misspelled key.
    assert (typo.line, typo.column) == (2, 12)


def test_missing_model_type_is_reported_and_the_rest_still_checked() -> None:
    data = example("modelarts/config.json")
    del data["model_type"]
    data["health"]["url"] = "health"
    assert {"MA003", "MA131"} <= rules(data)


def test_null_where_a_required_string_belongs_is_a_type_error() -> None:
    data = example("modelarts/config.json")
    data["model_type"] = None
    assert ("MA002", "error", "/model_type") in found(data)
