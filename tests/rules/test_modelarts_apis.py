"""ModelArts `apis[]` rules (MA110–MA117), on the examples users copy."""

from __future__ import annotations

from typing import Any

import pytest
from spec_kit import example

from deploykit.diagnostics import Severity
from deploykit.rules.modelarts.document import check


def of(rule: str, data: Any) -> list[tuple[str, str | None, str | None]]:
    return [(d.severity.value, d.pointer, d.suggestion) for d in check(data) if d.rule == rule]


def test_engine_model_may_declare_only_the_root_url() -> None:
    data = example("modelarts/official-object-detection.json")
    assert of("MA110", data) == []
    data["apis"][0]["url"] = "/object_detection"  # the 2018 example's url (reference §6 #19)
    ((severity, pointer, _),) = of("MA110", data)
    assert (severity, pointer) == ("error", "/apis/0/url")


def test_image_model_may_declare_several_paths() -> None:
    data = example("modelarts/config.json")
    data["apis"].append({**data["apis"][0], "url": "/v1/models/echo:predict"})
    assert of("MA110", data) == []
    assert of("MA111", data) == []


def test_image_url_must_be_a_path() -> None:
    data = example("modelarts/config.json")
    data["apis"][0]["url"] = "predict"
    assert of("MA111", data) == [("error", "/apis/0/url", "use '/predict'")]


@pytest.mark.parametrize("method", ["post", "POST", "get", "Get"])
def test_post_and_get_pass_in_any_case(method: str) -> None:
    data = example("modelarts/config.json")
    data["apis"][0]["method"] = method
    assert of("MA112", data) == []


def test_other_method_is_a_warning() -> None:
    data = example("modelarts/config.json")
    data["apis"][0]["method"] = "put"
    ((severity, pointer, _),) = of("MA112", data)
    assert (severity, pointer) == ("warning", "/apis/0/method")


@pytest.mark.parametrize(
    "value", ["application/json", "multipart/form-data", "application/json; charset=utf-8"]
)
def test_documented_content_types_pass(value: str) -> None:
    data = example("modelarts/config.json")
    data["apis"][0]["request"]["Content-type"] = value
    assert of("MA113", data) == []


@pytest.mark.parametrize(
    ("value", "meant"),
    [("applicaton/json", "application/json"), ("multipart/formdata", "multipart/form-data")],
)
def test_misspelled_content_type_is_a_warning_naming_the_fix(value: str, meant: str) -> None:
    data = example("modelarts/config.json")
    data["apis"][0]["request"]["Content-type"] = value
    assert of("MA113", data) == [
        ("warning", "/apis/0/request/Content-type", f"did you mean {meant!r}?")
    ]


def test_content_type_key_in_another_spelling_is_an_unknown_key() -> None:
    data = example("modelarts/config.json")
    request = data["apis"][0]["request"]
    request["Content-Type"] = request.pop("Content-type")
    diagnostics = [d for d in check(data) if d.rule == "MA001"]
    assert [d.pointer for d in diagnostics] == ["/apis/0/request/Content-Type"]
    assert "did you mean `Content-type`" in diagnostics[0].message


def test_item_for_items_is_a_warning_at_the_key() -> None:
    data = example("modelarts/official-custom-dependency.json")
    (diagnostic,) = [d for d in check(data) if d.rule == "MA114"]
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.anchor == "key"
    assert diagnostic.suggestion == "did you mean 'items'?"


def test_misspelled_properties_is_found_in_nested_schemas() -> None:
    data = example("modelarts/config.json")
    data["apis"][0]["request"]["data"]["properties"]["input"] = {
        "type": "object",
        "roperties": {"show_mask": {"type": "boolean"}},  # reference §6 #13–15
    }
    assert of("MA114", data) == [
        ("warning", "/apis/0/request/data/properties/input/roperties", "did you mean 'properties'?")
    ]


def test_tuple_items_and_file_type_are_accepted() -> None:
    # reference §1.10: draft-4 tuple `items` and the platform's "file" are used everywhere.
    for name in ("official-custom-image.json", "official-object-detection.json"):
        data = example(f"modelarts/{name}")
        assert of("MA114", data) == [] and of("MA115", data) == []


@pytest.mark.parametrize(("kind", "fix"), [("list", 'use "array"'), ("dict", 'use "object"'),
                                           ("float", 'use "number"'), ("int", 'use "integer"'),
                                           ("strnig", "did you mean 'string'?")])
def test_non_schema_type_is_a_warning(kind: str, fix: str) -> None:
    data = example("modelarts/config.json")
    data["apis"][0]["response"]["data"]["properties"]["echo"]["type"] = kind
    assert of("MA115", data) == [
        ("warning", "/apis/0/response/data/properties/echo/type", fix)
    ]


def test_a_response_nested_in_the_request_is_one_finding_saying_where_it_belongs() -> None:
    data = example("modelarts/config.json")
    api = data["apis"][0]
    api["request"]["response"] = api.pop("response")  # the slip real files contain
    [diagnostic] = [d for d in check(data) if d.pointer == "/apis/0/request/response"]
    assert (diagnostic.rule, diagnostic.severity) == ("MA116", Severity.WARNING)
    assert "declares no response schema" in diagnostic.message
    assert diagnostic.suggestion == "move `response` out of `request`, to apis[0].response"
    # The nested schema is still read: its typos are found where they are.
    api["request"]["response"]["data"]["properties"]["echo"]["type"] = "float"
    assert [p for _, p, _ in of("MA115", data)] == [
        "/apis/0/request/response/data/properties/echo/type"
    ]


def test_a_file_input_in_a_json_request_needs_multipart() -> None:
    data = example("modelarts/config.json")
    data["apis"][0]["request"]["data"]["properties"]["image"] = {"type": "file"}
    [(severity, pointer, suggestion)] = of("MA117", data)
    assert (severity, pointer) == ("warning", "/apis/0/request/data/properties/image/type")
    assert '"Content-type": "multipart/form-data"' in (suggestion or "")
    data["apis"][0]["request"]["Content-type"] = "multipart/form-data"
    assert of("MA117", data) == []


def test_a_file_input_without_a_content_type_is_json_by_default() -> None:
    data = example("modelarts/config.json")
    request = data["apis"][0]["request"]
    del request["Content-type"]
    request["data"]["properties"]["image"] = {"type": "file"}
    [diagnostic] = [d for d in check(data) if d.rule == "MA117"]
    assert "defaults to application/json" in diagnostic.message


def test_the_official_file_upload_examples_pass() -> None:
    for name in ("official-custom-image.json", "official-object-detection.json"):
        assert of("MA117", example(f"modelarts/{name}")) == []
