"""specs/*.schema.json are generated from the models; this test fails when one is stale.

Regenerate: ``python -m deploykit.schema``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from deploykit import schema
from deploykit.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
EAS_EXAMPLES = sorted((ROOT / "examples" / "eas").glob("*.json"))


def eas_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema.schema_for("eas"))


@pytest.mark.parametrize("platform", ["eas", "modelarts"])
def test_checked_in_schema_is_up_to_date(platform: str) -> None:
    try:
        fresh = schema.render(platform)
    except ConfigError:
        pytest.skip(f"the {platform} model is not in this tree yet")
    path = schema.schema_path(platform)
    assert path.exists(), f"{path} is missing: run `python -m deploykit.schema`"
    assert path.read_text(encoding="utf-8") == fresh, (
        f"{path.name} is stale: run `python -m deploykit.schema`"
    )


def test_eas_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema.schema_for("eas"))


@pytest.mark.parametrize("path", EAS_EXAMPLES, ids=lambda p: p.name)
def test_every_eas_example_is_valid_against_the_schema(path: Path) -> None:
    errors = list(eas_validator().iter_errors(json.loads(path.read_text(encoding="utf-8"))))
    assert errors == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["containers"][0].__setitem__("port", "8000"), ["containers", 0, "port"]),
        (lambda d: d["metadata"].__setitem__("enable_grpc", "true"), ["metadata", "enable_grpc"]),
        (lambda d: d["metadata"].pop("instance"), ["metadata"]),
        (lambda d: d.pop("metadata"), []),
        (lambda d: d.__setitem__("processor_type", "golang"), ["processor_type"]),
    ],
)
def test_schema_rejects_what_the_model_rejects(change: Any, where: list[Any]) -> None:
    data = json.loads((ROOT / "examples/eas/custom-image-service.json").read_text())
    change(data)
    best = jsonschema.exceptions.best_match(eas_validator().iter_errors(data))
    assert best is not None, "the schema accepted a spec the model refuses"
    assert list(best.absolute_path) == where


def test_secrets_are_write_only_in_the_schema() -> None:
    properties = schema.schema_for("eas")["properties"]
    secret = properties["dockerAuth"]["anyOf"][0]
    assert secret["writeOnly"] is True and secret["format"] == "password"


def test_unknown_platform_is_a_config_error_naming_the_choices() -> None:
    with pytest.raises(ConfigError) as caught:
        schema.schema_for("sagemaker")
    assert caught.value.hint == "use one of: eas, modelarts"


def test_write_all_skips_a_platform_whose_model_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(schema.MODELS, "modelarts", "deploykit.models.not_written_yet:Config")
    lines = schema.write_all(tmp_path)
    assert lines[0] == f"wrote {tmp_path / 'eas-service.schema.json'}"
    assert lines[1].startswith("skipped modelarts: ")
    assert (tmp_path / "eas-service.schema.json").read_text() == schema.render("eas")
    assert schema.write_all(tmp_path)[0].startswith("unchanged ")


@pytest.mark.slow
def test_check_jsonschema_accepts_the_schema_and_catches_a_string_port(tmp_path: Path) -> None:
    """The benchmark baseline: the same file users would run check-jsonschema with."""
    bad = json.loads((ROOT / "examples/eas/seed-image.json").read_text())
    bad["containers"][0]["port"] = "8000"
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    command = [
        str(Path(sys.executable).with_name("check-jsonschema")),
        "--schemafile",
        str(schema.schema_path("eas")),
    ]
    good = subprocess.run([*command, str(ROOT / "examples/eas/seed-image.json")], check=False)
    assert good.returncode == 0
    failing = subprocess.run(
        [*command, str(tmp_path / "bad.json")], capture_output=True, text=True, check=False
    )
    assert failing.returncode == 1
    assert "8000" in failing.stdout
