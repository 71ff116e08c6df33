"""Request bodies built from apis[].request.data, on the schemas ModelArts users write
(the official examples of reference/modelarts.md §1.9, typos and tuple ``items`` included)."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest

from deploykit.probe.samples import FilePart, sample, tiny_png


def test_an_authors_examples_and_defaults_win_over_the_type() -> None:
    schema = {
        "type": "object",
        "properties": {
            "text": {"type": "string", "examples": ["a photo of a seven"]},
            "top_k": {"type": "integer", "default": 5},
            "mode": {"type": "string", "enum": ["fast", "exact"]},
            "version": {"const": 2},
        },
    }
    assert sample(schema) == {"text": "a photo of a seven", "top_k": 5, "mode": "fast",
                              "version": 2}


def test_required_fields_are_sent_and_optional_ones_only_with_a_value() -> None:
    schema = {
        "type": "object",
        "required": ["input", "threshold"],
        "properties": {
            "input": {"type": "string"},
            "threshold": {"type": "number", "minimum": 0.5, "maximum": 1},
            "debug": {"type": "boolean"},
            "lang": {"type": "string", "default": "en"},
        },
    }
    assert sample(schema) == {"input": "sample", "threshold": 0.5, "lang": "en"}


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer", "minimum": 3, "maximum": 9}, 3),
        ({"type": "integer", "exclusiveMinimum": 3}, 4),
        ({"type": "integer", "minimum": 3, "exclusiveMinimum": True}, 4),  # draft 4
        ({"type": "number", "maximum": -2}, -2.0),
        ({"type": "string", "minLength": 8}, "samplexx"),
        ({"type": "string", "maxLength": 3}, "sam"),
        ({"type": "string", "format": "date"}, "2024-01-01"),
        ({"type": ["null", "boolean"]}, True),
        ({"type": "array", "minItems": 2, "items": {"type": "integer"}}, [1, 1]),
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, "sample"),
    ],
)
def test_a_value_of_the_declared_type_within_its_bounds(schema: dict[str, Any],
                                                        expected: Any) -> None:
    assert sample(schema) == expected


def test_the_official_tuple_items_give_one_value_per_listed_schema() -> None:
    # reference/modelarts.md §1.9 (image classification response): [[label, score]]
    scores = {"type": "array", "items": [{"type": "array", "minItems": 2, "maxItems": 2,
                                          "items": [{"type": "string"}, {"type": "number"}]}]}
    assert sample(scores) == [["sample", 1.0]]


def test_a_local_ref_is_followed_and_a_recursive_one_ends() -> None:
    schema = {"$ref": "#/definitions/node",
              "definitions": {"node": {"type": "object", "required": ["child"],
                                       "properties": {"child": {"$ref": "#/definitions/node"}}}}}
    value = sample(schema)
    depth = 0
    while isinstance(value, dict):
        value, depth = value["child"], depth + 1
    assert value is None and depth > 3


def test_a_file_is_a_png_for_an_image_api_and_bytes_otherwise() -> None:
    upload = {"type": "object", "properties": {"images": {"type": "file"}}}
    image = sample(upload)["images"]
    assert isinstance(image, FilePart)
    assert (image.filename, image.content_type) == ("images.png", "image/png")
    document = sample({"type": "object", "properties": {"doc": {"type": "file"}}},
                      image_hint="/translate text_translation")["doc"]
    assert document.content_type == "application/octet-stream"
    assert not document.content.startswith(b"\x89PNG")
    # the model_algorithm alone can say it is an image API
    assert sample({"type": "object", "properties": {"data": {"type": "file"}}},
                  image_hint="/ object_detection")["data"].content_type == "image/png"


def test_the_png_is_valid() -> None:
    png = tiny_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    offset, kinds = 8, []
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset:offset + 4])
        kind, data = png[offset + 4:offset + 8], png[offset + 8:offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length:offset + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF
        kinds.append(kind)
        if kind == b"IDAT":
            assert zlib.decompress(data) == b"\x00\x80"  # filter 0, one grey pixel
        offset += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]
