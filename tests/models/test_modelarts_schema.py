"""specs/modelarts-config.schema.json is generated from the model and kept current.

Regenerate with ``python -m deploykit.schema``.
"""

from __future__ import annotations

import json

from deploykit.schema import render, schema_for, schema_path


def test_checked_in_schema_is_current() -> None:
    assert schema_path("modelarts").read_text(encoding="utf-8") == render("modelarts"), (
        "specs/modelarts-config.schema.json is stale: run `python -m deploykit.schema`"
    )


def test_schema_is_draft_2020_12_with_the_config_json_keys() -> None:
    schema = json.loads(schema_path("modelarts").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema == schema_for("modelarts")
    assert {"model_algorithm", "model_type", "apis", "dependencies", "health",
            "readiness_health", "startup_health", "port", "protocol"} <= set(schema["properties"])
