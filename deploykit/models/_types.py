"""Constrained types shared by the platform models.

Types are the JSON types the platform APIs expect: a port written as ``"8000"`` or a
boolean written as ``"true"`` is reported, never coerced (issue #2). Secrets are
``SecretStr`` from the moment they are read, so no message, log or repr can show them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)
from pydantic_core import PydanticCustomError

if TYPE_CHECKING:
    from pydantic import GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema


class SpecModel(BaseModel):
    """Base of every EAS model: strict JSON types; an unknown key is a pydantic error.

    The error is only how unknown keys are *found* (in pydantic's Rust core, on every file:
    issue #2's speed target): ``deploykit.rules.shape`` reports each one as a warning with
    "did you mean" and checks the rest of the document. The platform accepts keys we do not
    know of (EAS has undocumented keys in real configs, reference/eas.md §1.9), so refusing
    them could stop a deploy that would have worked, and the JSON Schema says they are
    allowed (``additionalProperties: true``), as editors and check-jsonschema should see it.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler.resolve_ref_schema(handler(core_schema))
        schema["additionalProperties"] = True
        return schema


# A number where JSON allows both 1 and 1.5 (CPU cores, spot price, thresholds).
Number = StrictInt | StrictFloat

# "true"/"false" strings that real, deployed configs use for a boolean (reference/eas.md
# §1.9 generate_token; §6.7 the Terraform module's enable_webservice): accepted, and a rule
# warns with the fix. Any other boolean written as a string is a wrong-type error.
BoolString = Literal["true", "false"]
LenientBool = StrictBool | BoolString

# A port: the range 1-65535 and the reserved ports are rules (EAS101, EAS103), so the message
# can say which port and why; the shape is only "an integer".
Port = StrictInt

# A secret string: never echoed; JSON Schema marks it writeOnly.
Secret = Annotated[SecretStr, Field(json_schema_extra={"writeOnly": True})]

# A JSON scalar other than null (values of free-form maps such as labels).
Scalar = str | StrictInt | StrictFloat | StrictBool

# An integer, or a string such as "20%" (rolling_strategy.max_surge, instances[].capacity).
IntOrPercent = StrictInt | str


def required_schema(schema: dict[str, Any]) -> None:
    """The JSON Schema of a required key's value: its own type, without null or a default."""
    schema.pop("default", None)
    branches = [branch for branch in schema.pop("anyOf", []) if branch != {"type": "null"}]
    if len(branches) == 1:
        schema.update(branches[0])


def _not_null(error_type: str, message: str) -> BeforeValidator:
    def check(value: Any) -> Any:
        if value is None:
            raise PydanticCustomError(error_type, message)
        return value

    return BeforeValidator(check)


# A key the platform requires. The model lets it be absent, so one missing key does not hide
# the findings about the rest of the file (a rule reports it where it belongs); null is the
# wrong type, as pydantic says for any value of that type; the JSON Schema states the type
# alone, and the owner lists the key as `required`.
NOT_NULL_STRING = _not_null("string_type", "Input should be a valid string")
NOT_NULL_LIST = _not_null("list_type", "Input should be a valid list")
REQUIRED_IN_SCHEMA = Field(json_schema_extra=required_schema)
RequiredStr = Annotated[StrictStr | None, NOT_NULL_STRING, REQUIRED_IN_SCHEMA]
