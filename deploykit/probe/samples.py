"""A request body built from an API's JSON Schema, as the platform's test page would send it.

A value comes from what the schema's author wrote first (``examples``, ``example``,
``default``, ``const``, ``enum``), then from its declared type, honouring ``required``,
``minItems`` and the length and range bounds. The platform's own ``"type": "file"``
(reference/modelarts.md §1.4) becomes a :class:`FilePart`: a valid tiny PNG when the API
looks like an image one, a few bytes otherwise. The draft-4 tuple form ``"items": [...]``
of the official examples (§1.10) gives one item per listed schema.

Only shape is known, not meaning: a model may refuse ``"sample"`` where it wants a real
sentence, which is why an author's ``examples`` always win.
"""

from __future__ import annotations

import math
import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from deploykit import pointer as jp

# A schema nested deeper than this is cut off with null: a recursive $ref must end.
MAX_DEPTH = 16
_NAMED_VALUE_KEYS = ("examples", "example", "default", "const", "enum")
# Strings of the common formats (JSON Schema "format"), so a server that checks them accepts.
_FORMATS = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "email": "probe@example.com",
    "uri": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
# Words that make an API an image one: the property, the url or the model_algorithm
# (image_classification, object_detection: reference/modelarts.md §1.9).
_IMAGE_WORDS = re.compile(r"imag|img|photo|picture|png|jpe?g|vision|object_detection", re.I)


@dataclass(frozen=True)
class FilePart:
    """A file to upload under a multipart field of the same name."""

    filename: str
    content: bytes
    content_type: str


def sample(schema: Any, *, image_hint: str = "") -> Any:
    """A value valid against ``schema`` (as far as its keywords allow).

    ``image_hint`` is the API's url and model_algorithm: a ``file`` property is a PNG when
    it or the property's own name reads like an image.
    """
    return _Sampler(schema, image_hint).value(schema, name="", depth=0)


def file_for(name: str, image_hint: str) -> FilePart:
    if _IMAGE_WORDS.search(f"{name} {image_hint}"):
        return FilePart(f"{name or 'file'}.png", tiny_png(), "image/png")
    return FilePart(f"{name or 'file'}.bin", b"deploykit probe sample\n",
                    "application/octet-stream")


def tiny_png() -> bytes:
    """A valid 1x1 grey PNG (67 bytes), built here so its checksums are right by construction."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\x80")  # filter byte 0, one grey pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b""
    )


class _Sampler:
    def __init__(self, root: Any, image_hint: str) -> None:
        self.root = root
        self.image_hint = image_hint

    def value(self, schema: Any, *, name: str, depth: int) -> Any:
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            return None
        schema = self._resolved(schema)
        named = _named_value(schema)
        if named is not _NOTHING:
            return named
        for combinator in ("allOf", "anyOf", "oneOf"):
            options = schema.get(combinator)
            if isinstance(options, list) and options:
                # allOf: the first part with a type stands for all; anyOf/oneOf: the first.
                typed = [o for o in options if isinstance(o, dict) and "type" in o]
                return self.value((typed or options)[0], name=name, depth=depth + 1)
        return self._typed(schema, _type_of(schema), name=name, depth=depth)

    def _typed(self, schema: dict[str, Any], kind: str, *, name: str, depth: int) -> Any:
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, name, depth)
        if kind == "file":
            return file_for(name, self.image_hint)
        if kind in ("integer", "number"):
            return _number(schema, integer=kind == "integer")
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return _string(schema)

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        required = [r for r in schema.get("required") or () if isinstance(r, str)]
        if required:
            # Required names, plus optional ones whose author gave a value to send.
            names = [*required, *(n for n, s in properties.items()
                                  if n not in required and _named_value(s) is not _NOTHING)]
        else:
            names = list(properties)  # nothing required: send every declared field
        return {n: self.value(properties.get(n, {"type": "string"}), name=n, depth=depth + 1)
                for n in names}

    def _array(self, schema: dict[str, Any], name: str, depth: int) -> list[Any]:
        items = schema.get("prefixItems", schema.get("items"))
        if isinstance(items, list):  # the tuple form: one value per listed schema
            values = [self.value(s, name=name, depth=depth + 1) for s in items]
            last = items[-1] if items else {}
        else:
            values, last = [], items if isinstance(items, dict) else {}
        wanted = max(_whole(schema.get("minItems"), 1), len(values))
        while len(values) < wanted:
            values.append(self.value(last, name=name, depth=depth + 1))
        return values

    def _resolved(self, schema: dict[str, Any]) -> dict[str, Any]:
        """``schema``, or what its local ``$ref`` (``#/definitions/x``) points at."""
        for _ in range(MAX_DEPTH):
            ref = schema.get("$ref")
            if not isinstance(ref, str):
                return schema
            try:
                target = jp.resolve(self.root, ref[1:]) if ref.startswith("#") else None
            except ValueError:  # "#name": not a pointer
                target = None
            if not isinstance(target, dict):
                return {}
            schema = target
        return {}


_NOTHING = object()


def _named_value(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return _NOTHING
    for key in _NAMED_VALUE_KEYS:
        if key not in schema:
            continue
        value = schema[key]
        if key in ("examples", "enum"):
            if isinstance(value, list) and value:
                return value[0]
            continue
        return value
    return _NOTHING


def _type_of(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "required" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return "string"


def _whole(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _numeric(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _number(schema: dict[str, Any], *, integer: bool) -> int | float:
    low, high = _numeric(schema.get("minimum")), _numeric(schema.get("maximum"))
    # Draft 4 writes exclusive bounds as booleans beside minimum/maximum, later drafts as numbers.
    if schema.get("exclusiveMinimum") is True and low is not None:
        low += 1
    if schema.get("exclusiveMaximum") is True and high is not None:
        high -= 1
    if (bound := _numeric(schema.get("exclusiveMinimum"))) is not None:
        low = bound + 1
    if (bound := _numeric(schema.get("exclusiveMaximum"))) is not None:
        high = bound - 1
    value = low if low is not None else 1.0
    if high is not None and value > high:
        value = high
    return math.ceil(value) if integer else value


def _string(schema: dict[str, Any]) -> str:
    kind = schema.get("format")
    text = _FORMATS.get(kind, "sample") if isinstance(kind, str) else "sample"
    shortest = _whole(schema.get("minLength"), 0)
    text = text.ljust(shortest, "x")
    longest = schema.get("maxLength")
    return text[:longest] if isinstance(longest, int) and not isinstance(longest, bool) else text
