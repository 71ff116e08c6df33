"""``deploykit schema eas|modelarts`` prints the JSON Schema exactly as checked in to specs/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deploykit.cli.app import main

SPECS = Path(__file__).resolve().parents[2] / "specs"


@pytest.mark.parametrize(
    ("platform", "file"),
    [("eas", "eas-service.schema.json"), ("modelarts", "modelarts-config.schema.json")],
)
def test_prints_the_file_in_specs_byte_for_byte(
    capsysbinary: pytest.CaptureFixture[bytes], platform: str, file: str
) -> None:
    assert main(["schema", platform]) == 0
    out = capsysbinary.readouterr().out
    assert out == (SPECS / file).read_bytes()
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"


def test_the_eas_schema_knows_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    main(["schema", "eas"])
    properties = json.loads(capsys.readouterr().out)["properties"]
    # reference/eas.md §1.1: the top-level keys of the service JSON.
    for key in ("metadata", "containers", "storage", "cloud", "networking", "dockerAuth"):
        assert key in properties, key


def test_an_unknown_platform_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "k8s"]) == 2
    assert capsys.readouterr().err.startswith("error: platform 'k8s' is not one of eas, modelarts")
