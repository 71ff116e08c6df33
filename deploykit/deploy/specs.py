"""What deploy commands read: whole specs, validated before a single request is sent
(``modify``'s partial changes are :mod:`deploykit.deploy.partial_update`).

``create``, ``apply`` and ``plan`` refuse a spec with errors (PRODUCT.md: validate first); the
caller renders the returned report with the same renderers as ``deploykit validate``.

Everything sent must be UTF-8 (RFC 8259 §8.1). JSON's ``\\ud800`` escape and arguments that are
not UTF-8 give Python strings holding lone surrogates, which no request can carry: such a
spec is refused up front (exit 2) with the place it is in, before any request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from deploykit import pointer as jp
from deploykit.deploy.apply import SpecToApply
from deploykit.diagnostics import FileReport, Report
from deploykit.errors import SpecError
from deploykit.loading import LoadedSpec
from deploykit.validation import ValidateOptions, validate


@dataclass
class LoadedSpecs:
    """The specs fit to deploy, and the report of every file (with any findings)."""

    specs: list[SpecToApply] = field(default_factory=list)
    report: Report = field(default_factory=Report)

    @property
    def refused(self) -> bool:
        return self.report.errors > 0


def load_specs(paths: Sequence[str], platform: str = "eas") -> LoadedSpecs:
    """Load and validate every EAS spec under ``paths``; unreadable input is a ``SpecError``."""
    from deploykit.clients.alibaba.eas import service_name
    from deploykit.loading import discover, load_target

    options = ValidateOptions(platform=platform)
    loaded_specs = LoadedSpecs()
    targets = list(discover(paths, platform=platform))
    if not targets:
        raise SpecError(
            "no spec found in " + ", ".join(paths),
            hint="pass an EAS service JSON or YAML file (or a directory holding some)",
        )
    for target in targets:
        loaded = load_target(target, platform=platform, stdin_name=None)
        refuse_unencodable(loaded)
        file_report: FileReport = validate(loaded, options)
        loaded_specs.report.files.append(file_report)
        if file_report.errors == 0:
            data: dict[str, Any] = loaded.data
            loaded_specs.specs.append(SpecToApply(loaded.path, service_name(data), data))
    _refuse_duplicates(loaded_specs.specs)
    return loaded_specs


def refuse_unencodable(loaded: LoadedSpec) -> None:
    """A :class:`SpecError` at the first key or string that is not valid Unicode text."""
    found = unencodable_text(loaded.data)
    if found is None:
        return
    where, text = found
    text = text if len(text) <= 40 else text[:40] + "..."
    line, column = loaded.source_map.locate(where) or (None, None)
    raise SpecError(
        f"{where or '/'} holds {text!a}, which is not valid Unicode text (a lone "
        "surrogate) and cannot be sent",
        path=loaded.path, line=line, column=column,
        hint="write the character itself, or a complete surrogate pair such as \\ud83d\\ude00",
    )


def unencodable_text(data: Any) -> tuple[str, str] | None:
    """(JSON pointer, text) of the first key or string UTF-8 cannot encode, or None."""
    pending: list[tuple[str, Any]] = [("", data)]  # a stack, not recursion: any depth
    while pending:
        where, value = pending.pop()
        if isinstance(value, str) and not _encodable(value):
            return where, value
        children: list[tuple[str, Any]] = []
        if isinstance(value, dict):
            for key, item in value.items():
                if not _encodable(str(key)):
                    return jp.child(where, str(key)), str(key)
                children.append((jp.child(where, str(key)), item))
        elif isinstance(value, list):
            children = [(jp.child(where, i), item) for i, item in enumerate(value)]
        pending.extend(reversed(children))  # reading order
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse_duplicates(specs: Sequence[SpecToApply]) -> None:
    # Two specs for one name would race each other inside one apply.
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.name in seen:
            raise SpecError(
                f"service {spec.name!r} is defined twice ({seen[spec.name]} and {spec.path})",
                path=spec.path,
                hint="keep one spec per service name",
            )
        seen[spec.name] = spec.path
