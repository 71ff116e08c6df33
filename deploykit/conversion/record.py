"""ConversionRecord: what one conversion has read and said so far.

Transforms receive the record with the pointer of the source value they convert; they report
through it, so every finding carries the source pointer, and they name what they consumed, so
the fields nobody consumed can be reported as losses at the end (nothing is dropped silently).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from deploykit import pointer as jp
from deploykit.conversion import losses
from deploykit.diagnostics import Diagnostic

PLATFORM_NAMES = {"eas": "the EAS service JSON", "modelarts": "ModelArts config.json"}


@dataclass
class ConversionRecord:
    source: Any
    target_platform: str
    # The container port the EAS side uses (resolved first: probes need it); None if unknown.
    port: int | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)

    @property
    def target_name(self) -> str:
        return PLATFORM_NAMES[self.target_platform]

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def consume(self, pointer: str) -> None:
        self.consumed.add(pointer)

    def no_counterpart(self, pointer: str, why: str = "", suggestion: str | None = None) -> None:
        """``pointer`` (a whole subtree) is not carried over; ``why`` says what the target has
        instead. The message names the field, never its value (it may be a secret)."""
        text = f"{display(pointer)} has no counterpart in {self.target_name}; not carried over"
        self.add(
            losses.NO_COUNTERPART(pointer, f"{text}: {why}" if why else text, suggestion=suggestion)
        )
        self.consume(pointer)

    def not_expressible(self, pointer: str, message: str, suggestion: str | None = None) -> None:
        self.add(losses.NOT_EXPRESSIBLE(pointer, message, suggestion=suggestion))


def display(pointer: str) -> str:
    """``/containers/0/env`` → ``containers[0].env``: how users write a field in prose."""
    text = ""
    for token in jp.split(pointer):
        text += f"[{token}]" if token.isdigit() else (f".{token}" if text else token)
    return text or "the document"


def unconsumed(
    data: Any, consumed: set[str], explained: Collection[str] = (), at: str = ""
) -> Iterator[str]:
    """The smallest subtrees of ``data`` that no consumed pointer covers, in document order.

    ``explained`` are patterns (indexes written ``*``) that have their own explanation: a
    subtree holding one is reported field by field rather than as a whole.
    """
    if at in consumed:
        return
    pattern = wildcard(at)
    covered = any(c.startswith(at + "/") for c in consumed)
    detailed = pattern not in explained and any(p.startswith(pattern + "/") for p in explained)
    if at and not covered and not detailed:
        yield at
        return
    if isinstance(data, dict) and data:
        for key, value in data.items():
            yield from unconsumed(value, consumed, explained, jp.child(at, key))
    elif isinstance(data, list) and data:
        for index, value in enumerate(data):
            yield from unconsumed(value, consumed, explained, jp.child(at, index))
    elif at:
        yield at


def wildcard(pointer: str) -> str:
    """``/containers/1/env`` → ``/containers/*/env``: the key of the explanation tables."""
    return re.sub(r"/\d+(?=/|$)", "/*", pointer)
