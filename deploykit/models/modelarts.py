"""The shape of a ModelArts model configuration file, `config.json`.

Every field of reference/modelarts.md §1.2–1.6 plus the extended health probes the platform
returns and accepts (§1.6; §8 item 1). Shape only: types, required keys, unknown keys. What
the values mean (engine names, the `Image` rules, restraints, health URLs, ports) is checked
by `deploykit.rules.modelarts`, which reports a wrong value with a fix instead of a schema
message; where the documented constraint is simple, it is also written into the generated
JSON Schema so editors can show it.

Unknown keys are forbidden here so the shape check can name them, but they are reported as
warnings (rule MA001): the official examples themselves carry misspelled keys such as
`procotol` (reference §1.10) and the platform evidently tolerates them.

Every field is optional in the model, as in the EAS model: a required key that is absent is
reported by a rule where it belongs (``REQUIRED``), so one missing key does not hide the
findings about the rest of the file; the JSON Schema export states them as ``required``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr
from pydantic.json_schema import WithJsonSchema

from deploykit.models._types import NOT_NULL_LIST, REQUIRED_IN_SCHEMA, RequiredStr
from deploykit.models.modelarts_engines import IMAGE

# reference §1.2 (OTC-CFG, HW-CFG, CN21-CFG): starts with a letter, at most 36 characters,
# no Chinese characters and none of & ! ' " < > =.
ALGORITHM_MAX_LENGTH = 36
ALGORITHM_PATTERN = r"^[A-Za-z][^&!'\"<>=\u4e00-\u9fff]*$"
# reference §1.5 (OTC-CFG Tables 6–7): package names and versions forbid the same characters.
FORBIDDEN_CHARACTERS = "&!'\"<>="
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# reference §1.6: the platform serialises every health number as a string ("5"); the v2 SDK
# and the TF provider use integers. Both are accepted; any other text is reported by rule
# MA130 with the field's name (the schema says the same).
HealthNumber = Annotated[
    StrictInt | StrictStr,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 0},
                {"type": "string", "pattern": r"^\s*[0-9]+\s*$"},
            ]
        }
    ),
]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)


class Metrics(_Shape):
    """Model precision figures (reference §1.3), "rounded to 17 decimal places"."""

    f1: StrictFloat | None = None
    recall: StrictFloat | None = None
    precision: StrictFloat | None = None
    accuracy: StrictFloat | None = None


class ApiMessage(_Shape):
    """`request` or `response` of an API (reference §1.4, OTC-CFG Tables 4–5).

    Both keys are required for batch services only. `data` is a JSON Schema of the body,
    with the platform's own `"type": "file"` for uploads; the spec table calls it a String,
    every example writes an object, so both are accepted.
    """

    content_type: StrictStr | None = Field(
        None,
        alias="Content-type",
        description="application/json or multipart/form-data (note the key's exact spelling)",
    )
    data: dict[str, Any] | StrictStr | None = Field(
        None, description='JSON Schema of the body; "type": "file" marks an upload'
    )


class Api(_Shape):
    """One inference API (reference §1.4, OTC-CFG Table 3)."""

    protocol: StrictStr | None = Field(None, description="http or https (dropped in OTC 2025)")
    url: StrictStr | None = Field(
        None, description="default /; a model that is not Image may only declare /"
    )
    method: StrictStr | None = Field(None, description="post (default) or get")
    request: ApiMessage | None = None
    response: ApiMessage | None = None


class Package(_Shape):
    """One pip package (reference §1.5, OTC-CFG Table 7)."""

    model_config = ConfigDict(json_schema_extra={"required": ["package_name"]})

    package_name: RequiredStr = Field(None, description="no Chinese characters, none of &!'\"<>=")
    package_version: StrictStr | None = Field(
        None, description="omit when there is no version requirement"
    )
    restraint: StrictStr | None = Field(
        None, description="EXACT, ATLEAST or ATMOST; present exactly when a version is"
    )


class Dependency(_Shape):
    """A group of packages installed in order (reference §1.5, OTC-CFG Table 6)."""

    model_config = ConfigDict(json_schema_extra={"required": ["installer", "packages"]})

    installer: RequiredStr = Field(
        None, description="pip (the only installer documented since 2021)"
    )
    packages: Annotated[list[Package] | None, NOT_NULL_LIST, REQUIRED_IN_SCHEMA] = None


class Health(_Shape):
    """A health probe: `health`, `readiness_health` or `startup_health` (reference §1.6).

    The config.json table lists `url`, `protocol`, `initial_delay_seconds` and
    `timeout_seconds`; the platform also accepts and returns `period_seconds`,
    `failure_threshold`, `check_method` and `command` (OTC model-details example, TF example).
    """

    url: StrictStr | None = Field(None, description="HTTP probe path, starting with /")
    protocol: StrictStr | None = Field(None, description="http (the only documented value)")
    check_method: StrictStr | None = Field(None, description="HTTP (default) or EXEC")
    command: StrictStr | None = Field(None, description="EXEC probe: words separated by spaces")
    initial_delay_seconds: HealthNumber | None = None
    timeout_seconds: HealthNumber | None = None
    period_seconds: HealthNumber | None = None
    failure_threshold: HealthNumber | None = None


class ModelArtsConfig(_Shape):
    """A ModelArts `config.json` (reference/modelarts.md §1)."""

    model_config = ConfigDict(
        title="ModelArts config.json",
        # `model_algorithm` is required by every spec version, but a platform example of an
        # Image model omits it (reference §1.9, TF provider), so the check is a rule (MA101)
        # that can say so; the schema states the documented requirement.
        json_schema_extra={"required": ["model_algorithm", "model_type"]},
    )

    model_algorithm: StrictStr | None = Field(
        None,
        description="starts with a letter, at most 36 characters, none of &!'\"<>=",
        json_schema_extra={"maxLength": ALGORITHM_MAX_LENGTH, "pattern": ALGORITHM_PATTERN},
    )
    model_type: RequiredStr = Field(None, description="the AI engine; Image for a custom image")
    runtime: StrictStr | None = Field(None, description="engine runtime; not used by Image")
    swr_location: StrictStr | None = Field(
        None, description="SWR image address (Image models imported from OBS)"
    )
    metrics: Metrics | None = None
    apis: list[Api] | None = None
    dependencies: list[Dependency] | None = Field(
        None, description="pip packages; cannot be installed for Image models"
    )
    health: Health | None = None
    readiness_health: Health | None = None
    startup_health: Health | None = None
    # Not in the spec tables; the TF provider's Image example has both and the console
    # defaults to HTTPS on 8080 (reference §1.2).
    protocol: StrictStr | None = Field(None, description="http or https")
    port: StrictInt | None = Field(None, ge=1, le=65535, description="8080 for custom images")
    # Written by the platform into configs it generates (reference §1.2); accepted as is.
    model_source: StrictStr | None = Field(None, description="platform-owned: auto|algos|custom")
    tunable: StrictBool | None = Field(None, description="platform-owned")
    algorithm: StrictStr | None = Field(None, description="platform-owned")
    downloadable_flag: StrictBool | None = Field(None, description="platform-owned")

    @property
    def is_image(self) -> bool:
        """A custom-image model (`model_type: Image`, reference §1.2)."""
        return self.model_type == IMAGE


# Keys every documentation version marks required, as (owner pointer, key); `*` is each
# entry of an array. `model_algorithm` is required too, but rule MA101 reports its absence
# (a warning on Image models, reference §1.9).
REQUIRED = (
    ("", "model_type"),
    ("/dependencies/*", "installer"),
    ("/dependencies/*", "packages"),
    ("/dependencies/*/packages/*", "package_name"),
)
