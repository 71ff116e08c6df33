"""ModelArts `dependencies[]` rules (MA120–MA126), on the examples users copy."""

from __future__ import annotations

from typing import Any

import pytest
from spec_kit import example

from deploykit.rules.modelarts.document import check


def detection(**package: str) -> Any:
    """The official object-detection example with its first package replaced."""
    data = example("modelarts/official-object-detection.json")
    data["dependencies"][0]["packages"][0] = package
    return data


def of(rule: str, data: Any) -> list[tuple[str, str | None]]:
    return [(d.severity.value, d.pointer) for d in check(data) if d.rule == rule]


FIRST = "/dependencies/0/packages/0"


def test_pip_passes_and_other_installers_fail() -> None:
    data = detection(package_name="numpy", package_version="1.15.0", restraint="EXACT")
    assert of("MA120", data) == []
    for installer in ("conda", "apt-get", "pip3"):
        data["dependencies"][0]["installer"] = installer
        assert of("MA120", data) == [("error", "/dependencies/0/installer")]


@pytest.mark.parametrize("restraint", ["EXACT", "ATLEAST", "ATMOST"])
def test_documented_restraints_pass(restraint: str) -> None:
    data = detection(package_name="numpy", package_version="1.15.0", restraint=restraint)
    assert [d for d in check(data) if d.rule.startswith("MA12")] == []


@pytest.mark.parametrize(("restraint", "meant"), [("exact", "EXACT"), ("AT_LEAST", "ATLEAST")])
def test_other_restraints_fail_with_did_you_mean(restraint: str, meant: str) -> None:
    data = detection(package_name="numpy", package_version="1.15.0", restraint=restraint)
    (diagnostic,) = [d for d in check(data) if d.rule == "MA121"]
    assert diagnostic.pointer == f"{FIRST}/restraint"
    assert diagnostic.suggestion == f"did you mean {meant!r}?"


def test_version_without_restraint_fails() -> None:
    assert of("MA122", detection(package_name="numpy", package_version="1.15.0")) == [
        ("error", f"{FIRST}/package_version")
    ]


def test_restraint_without_version_is_a_warning_that_it_is_ignored() -> None:
    # reference §1.5: restraint is mandatory only with a package_version; offline wheels are
    # installed with a restraint alone, which is unnecessary, not invalid.
    data = detection(package_name="numpy", restraint="ATLEAST")
    assert of("MA122", data) == []
    (diagnostic,) = [d for d in check(data) if d.rule == "MA126"]
    assert (diagnostic.severity.value, diagnostic.pointer) == ("warning", f"{FIRST}/restraint")
    assert "ignored" in diagnostic.message


def test_no_version_and_no_restraint_passes() -> None:
    # reference §6 #5: a package with neither key is the clean way to say "any version".
    assert check(detection(package_name="efficientnet_pytorch")) == []


def test_empty_strings_for_no_constraint_are_a_warning_not_an_error() -> None:
    data = detection(package_name="Pillow", package_version="", restraint="")
    assert of("MA123", data) == [("warning", f"{FIRST}/package_version")]
    assert of("MA122", data) == []


def test_pip_specifier_in_the_name_fails_and_says_how_to_split_it() -> None:
    data = detection(package_name="numpy>=1.21")
    (diagnostic,) = [d for d in check(data) if d.rule == "MA124"]
    assert diagnostic.pointer == f"{FIRST}/package_name"
    assert diagnostic.suggestion == (
        'write "package_name": "numpy", "package_version": "1.21", "restraint": "ATLEAST"'
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [("package_name", "torch&vision"), ("package_name", "'numpy'"), ("package_name", "数值库"),
     ("package_version", "!=1.0")],
)
def test_forbidden_characters_fail(key: str, value: str) -> None:
    package = {"package_name": "numpy", "package_version": "1.15.0", "restraint": "EXACT"}
    package[key] = value
    assert of("MA124", detection(**package)) == [("error", f"{FIRST}/{key}")]


@pytest.mark.parametrize("name", ["opencv-python", "scikit-learn", "efficientnet_pytorch"])
def test_ordinary_package_names_pass(name: str) -> None:
    assert of("MA124", detection(package_name=name)) == []


def test_dependencies_on_an_image_model_are_flagged() -> None:
    data = example("modelarts/config.json")
    assert of("MA125", data) == []
    data["dependencies"] = [{"installer": "pip", "packages": [{"package_name": "flask"}]}]
    (diagnostic,) = [d for d in check(data) if d.rule == "MA125"]
    assert diagnostic.pointer == "/dependencies"
    assert "Dockerfile" in (diagnostic.suggestion or "")


def test_empty_dependency_list_on_an_image_model_passes() -> None:
    data = example("modelarts/config.json")
    data["dependencies"] = []
    assert of("MA125", data) == []


def test_a_package_without_a_name_does_not_hide_the_others() -> None:
    # The rules read the typed model: a missing required key is reported by a rule, so the
    # rest of the list stays in the model and is still checked (every finding at once).
    data = detection(package_version="1.15.0", restraint="EXACT")  # no package_name
    data["dependencies"][0]["packages"].append({"package_name": "torch", "package_version": "2"})
    assert of("MA003", data) == [("error", FIRST)]
    assert of("MA122", data) == [("error", "/dependencies/0/packages/2/package_version")]
