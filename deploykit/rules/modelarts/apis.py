"""ModelArts `apis[]` rules: urls, methods, content types and the body JSON Schemas
(reference/modelarts.md §1.4, §1.10)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from deploykit import pointer as jp
from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import rule
from deploykit.models.modelarts import Api, ApiMessage, ModelArtsConfig
from deploykit.rules.shape import closest, field_path, suggestion_for

# reference §1.4: "preset engines expose only /" (OTC-CFG Table 3, HW-CFG).
ENGINE_URL = "/"
# reference §1.4: the API object's method, "post" by default; the CreateModel API lists
# post/get. Compared case-insensitively: every official example writes lowercase `post`.
METHODS = ("post", "get")
# reference §1.4 (OTC-CFG Tables 4–5): JSON body or file upload; a request's Content-type
# defaults to application/json.
JSON_BODY, FILE_UPLOAD = "application/json", "multipart/form-data"
CONTENT_TYPES = (JSON_BODY, FILE_UPLOAD)
# JSON Schema keywords (draft 4 to 2020-12) the body schemas may use; anything else that
# is close to one of them is a typo (`item`, `roperties`, reference §1.10 and §6).
SCHEMA_KEYWORDS = (
    "type", "properties", "items", "required", "minItems", "maxItems", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "enum",
    "const", "default", "description", "title", "format", "additionalProperties",
    "additionalItems", "prefixItems", "uniqueItems", "minProperties", "maxProperties",
    "anyOf", "oneOf", "allOf", "not", "examples", "example", "multipleOf", "$ref", "$schema",
    "definitions", "$defs", "patternProperties", "dependencies", "contains",
)
# The standard types plus the platform's "file" (an upload control, reference §1.4).
FILE_TYPE = "file"
SCHEMA_TYPES = ("object", "array", "string", "number", "integer", "boolean", "null", FILE_TYPE)
# Programming-language type names written where JSON Schema has its own (real files write
# "list" and "float", reference §6), and the JSON Schema type each one means.
TYPE_NAMES = {
    "list": "array", "tuple": "array", "dict": "object", "map": "object", "json": "object",
    "float": "number", "double": "number", "decimal": "number", "int": "integer",
    "long": "integer", "str": "string", "text": "string", "bool": "boolean",
}  # fmt: skip
# Keywords whose value is a map from user-chosen names to schemas.
_NAMED_SCHEMAS = ("properties", "patternProperties", "definitions", "$defs")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")

ENGINE_API_URL = rule(
    "MA110", Severity.ERROR, "modelarts",
    "a model that is not Image may declare only the API url /",
    source="reference/modelarts.md §1.2, §1.4 (OTC-CFG Table 3, HW-CFG)",
)
API_URL = rule(
    "MA111", Severity.ERROR, "modelarts",
    "apis[].url is a path starting with /",
    source="reference/modelarts.md §1.4; seeds/001 (inference API = apis url)",
)
API_METHOD = rule(
    "MA112", Severity.WARNING, "modelarts",
    "apis[].method is post or get",
    source="reference/modelarts.md §1.4 (OTC-CFG Table 3; OTC-API-CREATE)",
)
CONTENT_TYPE = rule(
    "MA113", Severity.WARNING, "modelarts",
    "Content-type is application/json or multipart/form-data (catches `applicaton/json`)",
    source="reference/modelarts.md §1.4, §1.10 (OTC-CFG Tables 4–5)",
)
SCHEMA_KEYWORD = rule(
    "MA114", Severity.WARNING, "modelarts",
    "misspelled JSON Schema keyword in request/response data (`item` for `items`)",
    source="reference/modelarts.md §1.10, §6 (official examples; `roperties` in real files)",
)
SCHEMA_TYPE = rule(
    "MA115", Severity.WARNING, "modelarts",
    "JSON Schema type is not a standard type or the platform's `file` (e.g. `list`, `float`)",
    source="reference/modelarts.md §1.4, §6 (`\"type\": \"list\"` in real files)",
)
NESTED_RESPONSE = rule(
    "MA116", Severity.WARNING, "modelarts",
    "apis[].request holds a `response`: the API then declares no response schema",
    source="reference/modelarts.md §1.4 (OTC-CFG Table 3: request and response are both "
    "members of the api object)",
)
FILE_IN_JSON_REQUEST = rule(
    "MA117", Severity.WARNING, "modelarts",
    'a `"type": "file"` input in an application/json request: file inputs need '
    "multipart/form-data",
    source="reference/modelarts.md §1.4 (OTC-CFG Table 4: application/json is a JSON body, "
    "multipart/form-data a file upload)",
)


def check_apis(config: ModelArtsConfig, data: dict[str, Any]) -> list[Diagnostic]:
    """``data``: the input, for what the model cannot hold (a response nested in a request)."""
    found: list[Diagnostic] = []
    for index, api in enumerate(config.apis or ()):
        where = f"/apis/{index}"
        if api.url is not None:
            found.extend(_url(where, api.url, config.is_image))
        method = api.method
        if method is not None and method.casefold() not in METHODS:
            found.append(
                API_METHOD(
                    f"{where}/method",
                    f"{field_path(where)}.method is {method!r}; ModelArts calls APIs with post "
                    "or get",
                    suggestion=suggestion_for(method, METHODS, "methods"),
                )
            )
        for part, message in (("request", api.request), ("response", api.response)):
            if message is not None:
                found.extend(_message(f"{where}/{part}", message.content_type, message.data))
        if api.request is not None:
            found.extend(_file_inputs(f"{where}/request", api.request))
            raw_request = data["apis"][index]["request"]  # an object, or there were no model
            found.extend(_nested_response(where, api, raw_request.get("response")))
    return found


def explained_keys(found: list[Diagnostic]) -> set[str]:
    """Pointers of keys these rules explain better than "unknown key" does."""
    return {d.pointer for d in found if d.rule == NESTED_RESPONSE.id and d.pointer}


def _nested_response(where: str, api: Api, nested: Any) -> list[Diagnostic]:
    if not isinstance(nested, dict):
        return []
    at = f"{where}/request/response"
    also = "; the one beside request is used" if api.response is not None else ""
    content_type = nested.get("Content-type")
    return [
        NESTED_RESPONSE(
            at,
            f"{field_path(at)} is nested inside the request, where ModelArts does not look for "
            f"it, so {field_path(where)} declares no response schema{also}",
            suggestion=f"move `response` out of `request`, to {field_path(where)}.response",
            anchor="key",
        ),
        *_message(at, content_type if isinstance(content_type, str) else None, nested.get("data")),
    ]


def _file_inputs(where: str, request: ApiMessage) -> list[Diagnostic]:
    content_type = request.content_type
    media_type = _media_type(content_type) if content_type is not None else JSON_BODY
    schema = request.data
    if media_type != JSON_BODY or not isinstance(schema, dict):
        return []
    stated = "is" if content_type is not None else "defaults to"
    found = []
    for pointer, node in _subschemas(f"{where}/data", schema):
        kind = node.get("type")
        if kind == FILE_TYPE or (isinstance(kind, list) and FILE_TYPE in kind):
            found.append(
                FILE_IN_JSON_REQUEST(
                    jp.child(pointer, "type"),
                    f"{field_path(pointer)} is a file input, but {field_path(where)}'s "
                    f"Content-type {stated} {JSON_BODY}, and a JSON body cannot carry a file",
                    suggestion=f'set "Content-type": "{FILE_UPLOAD}" in {field_path(where)}, '
                    'or take the file as a base64 "string"',
                )
            )
    return found


def _url(where: str, url: str, image: bool) -> list[Diagnostic]:
    pointer = jp.child(where, "url")
    if not image and url != ENGINE_URL:
        return [
            ENGINE_API_URL(
                pointer,
                f"{field_path(pointer)} is {url!r}, but a model with a preset engine exposes "
                "only the url /",
                suggestion='use "url": "/", or set "model_type": "Image" for a custom image',
            )
        ]
    if not url.startswith("/"):
        return [
            API_URL(
                pointer,
                f"{field_path(pointer)} is {url!r}; it must be the path your image serves, "
                "starting with /",
                suggestion=f"use {'/' + url!r}",
            )
        ]
    return []


def _message(where: str, content_type: str | None, schema: Any) -> list[Diagnostic]:
    """A request or response: its Content-type and the JSON Schema of its body."""
    found: list[Diagnostic] = []
    if content_type is not None:
        found.extend(_content_type(f"{where}/Content-type", content_type))
    if isinstance(schema, dict):  # the spec table says String, every example an object
        found.extend(_schema(f"{where}/data", schema))
    return found


def _media_type(content_type: str) -> str:
    # Parameters such as "; charset=utf-8" do not change the media type.
    return content_type.split(";", 1)[0].strip().casefold()


def _content_type(pointer: str, value: str) -> list[Diagnostic]:
    media_type = _media_type(value)
    if media_type in CONTENT_TYPES:
        return []
    return [
        CONTENT_TYPE(
            pointer,
            f"{field_path(pointer)} is {value!r}, which is not a content type ModelArts "
            "documents",
            suggestion=suggestion_for(media_type, CONTENT_TYPES, "content types"),
        )
    ]


def _schema(where: str, schema: dict[str, Any]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for pointer, node in _subschemas(where, schema):
        for key in node:
            if key in SCHEMA_KEYWORDS or key.startswith("x-"):
                continue
            guess = closest(key, SCHEMA_KEYWORDS)
            if key == "item":  # reference §1.10: the official examples' own typo
                guess = "items"
            if guess is not None:
                found.append(
                    SCHEMA_KEYWORD(
                        jp.child(pointer, key),
                        f"{field_path(jp.child(pointer, key))} is not a JSON Schema keyword, so "
                        "the console and batch services ignore it",
                        suggestion=f"did you mean {guess!r}?",
                        anchor="key",
                    )
                )
        kind = node.get("type")
        for name in kind if isinstance(kind, list) else [kind]:
            if isinstance(name, str) and name not in SCHEMA_TYPES:
                found.append(
                    SCHEMA_TYPE(
                        jp.child(pointer, "type"),
                        f"{field_path(jp.child(pointer, 'type'))} is {name!r}, not a JSON Schema "
                        "type",
                        suggestion=_type_fix(name),
                    )
                )
    return found


def _type_fix(name: str) -> str:
    meant = TYPE_NAMES.get(name.casefold())
    if meant is not None:
        return f'use "{meant}"'
    return suggestion_for(name, SCHEMA_TYPES, "types")


def _subschemas(where: str, schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object inside ``schema`` (itself included), with its pointer. The
    misspelled `item` is followed too, so the schema under a typo is still checked."""
    yield where, schema
    for key, value in schema.items():
        child = jp.child(where, key)
        if key in _NAMED_SCHEMAS and isinstance(value, dict):
            for name, sub in value.items():
                if isinstance(sub, dict):
                    yield from _subschemas(jp.child(child, name), sub)
        elif key in (*_SCHEMA_LISTS, "items", "item", "additionalItems") and isinstance(
            value, list
        ):
            for index, sub in enumerate(value):
                if isinstance(sub, dict):
                    yield from _subschemas(jp.child(child, index), sub)
        elif key in ("items", "item", "additionalProperties", "not", "contains") and isinstance(
            value, dict
        ):
            yield from _subschemas(child, value)
