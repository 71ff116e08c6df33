"""Reading a parsed config.json defensively, for the ModelArts rules.

The semantic rules run on the parsed document, not on the pydantic instance, so one shape
error (a string where a number belongs) does not hide every other finding: a user sees all
problems at once. These accessors yield only the parts that have the expected JSON type;
the shape check reports the rest.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from deploykit import pointer as jp
from deploykit.models.modelarts_engines import IMAGE
from deploykit.rules.shape import closest


def suggestion_for(value: str, candidates: Sequence[str], what: str) -> str:
    """"did you mean X?" when one is close (``Tensorflow`` → ``TensorFlow``), else the list
    of what the platform expects."""
    guess = closest(value, candidates)
    if guess is not None and guess != value:
        return f"did you mean {guess!r}?"
    return f"use one of the {what}: " + ", ".join(candidates)


def is_image(data: Any) -> bool:
    """True for a custom-image model (`model_type: Image`, reference §1.2)."""
    return isinstance(data, dict) and data.get("model_type") == IMAGE


def text(obj: dict[str, Any], key: str) -> str | None:
    """``obj[key]`` when it is a string; otherwise None (the shape check reports it)."""
    value = obj.get(key)
    return value if isinstance(value, str) else None


def blank(value: Any) -> bool:
    """Absent, null or an empty/whitespace string: the official examples write ``""`` for
    "no constraint" (reference §1.5, §1.10)."""
    return value is None or (isinstance(value, str) and not value.strip())


def objects(data: Any, *path: str | int) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each JSON object in the array at ``path`` with its pointer; a lone object at ``path``
    counts as one."""
    base = jp.join(*path)
    node = jp.resolve(data, base)
    if isinstance(node, dict):
        yield base, node
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, dict):
                yield jp.child(base, index), item
