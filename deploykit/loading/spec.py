"""LoadedSpec and the functions that produce it: a spec file or text, parsed, with positions.

The format is chosen by extension, then by content. JSON first: text starting with ``{`` or
``[`` is tried as JSON, even in a ``.yaml`` file. JSON goes to the C ``json`` module, YAML to
PyYAML, which is imported only when a YAML spec is read. A spec is one object at the top.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from deploykit.diagnostics import Diagnostic
from deploykit.errors import SpecError
from deploykit.loading.decoding import (
    check_not_empty,
    check_size,
    decode,
    read_file,
    read_stdin,
    strip_bom,
)
from deploykit.loading.discovery import STDIN, Target
from deploykit.loading.json_reader import load_json
from deploykit.loading.platform_detection import detect_platform
from deploykit.loading.source_map import SourceMap

Format = Literal["json", "yaml"]

JSON_SUFFIXES = (".json",)
YAML_SUFFIXES = (".yaml", ".yml")
STDIN_DISPLAY = "<stdin>"

_TYPE_NAMES = {
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "a number",
    float: "a number",
    type(None): "null",
}


@dataclass(frozen=True)
class LoadedSpec:
    """One parsed spec: its data, where each part of it is written, and what loading found.

    ``platform`` is ``"eas"``, ``"modelarts"`` or ``"unknown"`` when detected, or whatever
    the caller forced. ``findings`` are loading-time diagnostics such as duplicate keys.
    """

    path: str
    data: Any
    source_map: SourceMap
    platform: str
    format: Format
    findings: tuple[Diagnostic, ...] = ()


def load_target(
    target: Target, *, platform: str = "auto", stdin_name: str | None = None
) -> LoadedSpec:
    """Read and parse one spec target; ``"-"`` reads standard input, shown as
    ``stdin_name`` (``--stdin-filename``, whose extension also picks the format). A target
    that discovery could not reach raises its problem."""
    if target.problem is not None:
        raise target.problem
    if target.path == STDIN:
        display = stdin_name or STDIN_DISPLAY
        return load_text(read_stdin(display), display, platform=platform)
    return load_text(read_file(target.path), target.path, platform=platform)


def load_text(text: str | bytes, path: str, *, platform: str = "auto") -> LoadedSpec:
    """Parse spec ``text`` (bytes must be UTF-8) named ``path``, or raise a SpecError."""
    check_size(len(text), path)  # for str, characters: a lower bound of its UTF-8 size
    if isinstance(text, bytes):
        text = decode(text, path)
    else:
        text = strip_bom(text)
        check_not_empty(text, path)
    format = choose_format(path, text)
    if format == "json":
        data, source_map, findings = load_json(text, path)
    else:
        format, (data, source_map, findings) = _load_yaml(text, path)
    if not isinstance(data, dict):
        raise _not_an_object(data, source_map, path)
    return LoadedSpec(
        path=path,
        data=data,
        source_map=source_map,
        platform=detect_platform(data) if platform == "auto" else platform,
        format=format,
        findings=findings,
    )


def choose_format(path: str, text: str) -> Format:
    name = path.lower()
    if name.endswith(JSON_SUFFIXES):
        return "json"
    if name.endswith(YAML_SUFFIXES):
        return "yaml"
    return "json" if _looks_like_json(text) else "yaml"


def _load_yaml(
    text: str, path: str
) -> tuple[Format, tuple[Any, SourceMap, tuple[Diagnostic, ...]]]:
    """JSON first: a ``.yaml`` file holding JSON (a common way to write one) is read by the
    JSON parser, which accepts the tab indentation YAML forbids; YAML flow style that is
    not JSON (unquoted keys) still goes to YAML."""
    if _looks_like_json(text):
        try:
            return "json", load_json(text, path)
        except SpecError:
            pass
    from deploykit.loading.yaml_reader import load_yaml

    return "yaml", load_yaml(text, path)


def _looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def _not_an_object(data: Any, source_map: SourceMap, path: str) -> SpecError:
    line, column = source_map.locate("") or (None, None)
    found = _TYPE_NAMES.get(type(data), type(data).__name__)
    hint = (
        "put each service spec in its own file"
        if isinstance(data, list)
        else "a spec is one object with keys such as `metadata` and `containers` (EAS) "
        "or `model_type` (ModelArts)"
    )
    return SpecError(
        f"the top level is {found}, expected an object ({{...}})",
        path=path,
        line=line,
        column=column,
        hint=hint,
    )
