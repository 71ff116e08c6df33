"""YAML specs: PyYAML composes nodes (with positions); we turn nodes into plain JSON data.

We build the data ourselves instead of letting PyYAML construct it, because at each node we
must decide what a spec may hold (issue #2, "Bad input"):

- only plain data: maps, lists, strings, numbers, booleans, null. Tags such as
  ``!!python/object`` or ``!!binary`` are refused (never constructed), and a YAML timestamp
  (``2024-01-01``) stays the text it was written as, because JSON, which the platforms
  receive, has no dates;
- string keys only (``8000:`` or ``on:`` would silently become an int or a bool);
- a bounded expansion of aliases (a "billion laughs" document reaches 10^9 nodes through a
  few dozen bytes of ``*alias``), no recursive aliases, a bounded depth;
- duplicate keys reported (PyYAML keeps the last one silently);
- and the position of every key and value, recorded as we go, for the source map.

Imported only when a YAML file is loaded: ``import deploykit.loading`` stays yaml-free.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from deploykit.diagnostics import Diagnostic
from deploykit.errors import SpecError
from deploykit.loading.findings import duplicate_key, out_of_range, yaml_11_value
from deploykit.loading.limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_INTEGER_DIGITS
from deploykit.loading.source_map import NO_KEY, Entries, SourceMap, TextPositions
from deploykit.loading.syntax_errors import template_at, yaml_syntax_error
from deploykit.pointer import escape

_TAG = "tag:yaml.org,2002:"
# Scalar tags that are plain JSON data, built by PyYAML's own safe constructors.
_SCALARS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null")}
# Kept as the text written: JSON has no dates, and a bare `=` (YAML 1.1 "value" key,
# which PyYAML's safe_load cannot even construct) is just the string "=" to a user.
_AS_TEXT = {f"{_TAG}timestamp", f"{_TAG}value"}
# Plain booleans and integers every reader takes the same way (JSON, YAML 1.2's core schema
# §10.3.2); anything else PyYAML reads as bool/int (`no`, `on`, `010` → 8, `1:30` → 90)
# is a YAML 1.1 rule that surprises people (DK004).
_YAML_11_TAGS = {f"{_TAG}bool", f"{_TAG}int"}
_UNSURPRISING = re.compile(r"(?:true|True|TRUE|false|False|FALSE|[-+]?(?:0|[1-9][0-9]*))\Z")
_MAP, _SEQ, _MERGE, _INT = f"{_TAG}map", f"{_TAG}seq", f"{_TAG}merge", f"{_TAG}int"
# An integer written in fewer characters cannot exceed Python's digit limit (4300 by default,
# 640 at the lowest PYTHONINTMAXSTRDIGITS allows): 64 hex digits are 78 decimal ones.
_SHORT_INTEGER = 64
_PLAIN_DATA_HINT = (
    "remove the tag: a spec holds only maps, lists, strings, numbers, booleans and null"
)


def load_yaml(text: str, path: str) -> tuple[Any, SourceMap, tuple[Diagnostic, ...]]:
    """(data, source map, loading findings) of one single-document YAML text."""
    loader, node = _compose(text, path)
    if node is None:
        raise SpecError(
            "file holds only comments, no YAML document",
            path=path,
            hint="write the service spec into it (see examples/), or remove the file",
        )
    builder = _DataBuilder(text, path, loader)
    data = builder.build(node, "", depth=1, key_offset=NO_KEY)
    return data, SourceMap(text, builder.entries), tuple(builder.findings)


def _compose(text: str, path: str) -> tuple[yaml.SafeLoader, Node | None]:
    """The node graph of the one document in ``text`` (aliases are shared nodes, not yet
    expanded), or a SpecError."""
    try:
        # The reader checks every character as the loader is made: it can raise already.
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as err:
        raise yaml_syntax_error(text, err, path) from None
    try:
        return loader, loader.get_single_node()
    except yaml.composer.ComposerError as err:
        if err.context == "expected a single document in the stream":
            raise _multi_document(text, err, path) from None
        raise yaml_syntax_error(text, err, path) from None
    except yaml.YAMLError as err:
        raise yaml_syntax_error(text, err, path) from None
    except RecursionError:
        raise SpecError(
            f"nested deeper than {MAX_DEPTH} levels of maps and lists",
            path=path,
            hint="a service spec is a few levels deep: check that this is the right file",
        ) from None
    finally:
        loader.dispose()


class _DataBuilder:
    """Walks a node graph once, producing data, positions and duplicate-key findings."""

    def __init__(self, text: str, path: str, loader: yaml.SafeLoader) -> None:
        self.text = text
        self.path = path
        self.loader = loader
        self.entries: Entries = {}
        self.findings: list[Diagnostic] = []
        self._seen: set[int] = set()  # nodes built once; seeing one again means an alias
        self._open: set[int] = set()  # nodes on the current path: seeing one is a cycle
        self._alias_nodes = 0
        self._positions: TextPositions | None = None

    def build(
        self, node: Node, pointer: str, *, depth: int, key_offset: int, aliased: bool = False
    ) -> Any:
        if depth > MAX_DEPTH:
            raise self._error(
                node,
                f"nested deeper than {MAX_DEPTH} levels of maps and lists",
                "a service spec is a few levels deep: check that this is the right file",
            )
        if id(node) in self._open:
            raise self._error(
                node,
                "recursive YAML alias: a node contains itself",
                "replace the `*alias` inside its own anchor with the actual value",
            )
        aliased = aliased or id(node) in self._seen
        if aliased:
            self._alias_nodes += 1
            if self._alias_nodes > MAX_ALIAS_NODES:
                raise self._error(
                    node,
                    f"YAML aliases expand to more than {MAX_ALIAS_NODES} nodes (an alias bomb?)",
                    "write the repeated values out, or share fewer, smaller anchors",
                )
        self._seen.add(id(node))
        self.entries[pointer] = (key_offset, node.start_mark.index)
        if isinstance(node, ScalarNode):
            value = self._scalar(node, pointer)
            if (
                not aliased  # reported once, where the anchor's value is written
                and node.style is None
                and node.tag in _YAML_11_TAGS
                and not _UNSURPRISING.match(node.value)
            ):
                self.findings.append(
                    yaml_11_value(pointer, node.value, value, self._position(node.start_mark.index))
                )
            return value
        self._open.add(id(node))
        try:
            if isinstance(node, SequenceNode) and node.tag == _SEQ:
                return [
                    self.build(
                        item,
                        f"{pointer}/{index}",
                        depth=depth + 1,
                        key_offset=NO_KEY,
                        aliased=aliased,
                    )
                    for index, item in enumerate(node.value)
                ]
            if isinstance(node, MappingNode) and node.tag == _MAP:
                return self._mapping(node, pointer, depth, aliased)
            raise self._not_plain_data(node)
        finally:
            self._open.discard(id(node))

    def _scalar(self, node: ScalarNode, pointer: str) -> Any:
        if node.tag in _SCALARS:
            try:
                value = self.loader.construct_object(node)
            except (ValueError, yaml.YAMLError):
                if node.tag == _INT:  # a decimal integer longer than Python converts
                    self._check_digits(node, pointer, _digits(node.value))
                # e.g. `!!int abc`. The value is not echoed: it may be a secret.
                kind = node.tag[len(_TAG) :]
                raise self._error(
                    node, f"value cannot be read as {kind}", "write a plain value without a tag"
                ) from None
            if type(value) is int and node.tag == _INT and len(node.value) > _SHORT_INTEGER:
                # 0x/0o/0b digits are not limited on the way in, only on the way out: an
                # integer no report could print.
                self._check_digits(node, pointer, _decimal_digits(value))
            return value
        if node.tag in _AS_TEXT:
            return node.value
        raise self._not_plain_data(node)

    def _mapping(
        self, node: MappingNode, pointer: str, depth: int, aliased: bool
    ) -> dict[str, Any]:
        own: list[tuple[str, Node, Node]] = []
        first_offsets: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self._key(key_node)
            offset = key_node.start_mark.index
            first = first_offsets.setdefault(key, offset)
            if first != offset and not aliased:
                self._duplicate(f"{pointer}/{escape(key)}", key, offset, first)
            own.append((key, key_node, value_node))
        members: dict[str, Any] = {}
        # Merge keys (`<<: *defaults`) supply values the mapping's own keys override.
        for key_node, value_node in self._merged(node, frozenset({id(node)})):
            key = self._key(key_node)
            if key not in members and key not in first_offsets:
                members[key] = self.build(
                    value_node,
                    f"{pointer}/{escape(key)}",
                    depth=depth + 1,
                    key_offset=key_node.start_mark.index,
                    aliased=True,
                )
        for key, key_node, value_node in own:
            members[key] = self.build(
                value_node,
                f"{pointer}/{escape(key)}",
                depth=depth + 1,
                key_offset=key_node.start_mark.index,
                aliased=aliased,
            )
        return members

    def _merged(self, node: MappingNode, trail: frozenset[int]) -> list[tuple[Node, Node]]:
        """The pairs ``node``'s merge keys bring in, highest precedence first (YAML merge key
        spec: a source's own keys beat its merges, earlier sources beat later ones)."""
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE:
                continue
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, MappingNode):
                    raise self._error(
                        source,
                        "a merge key `<<` must name a map",
                        "write `<<: *anchor` where the anchor is a map",
                    )
                if id(source) in trail or id(source) in self._open:
                    raise self._error(
                        source,
                        "recursive YAML alias: a node contains itself",
                        "replace the `*alias` inside its own anchor with the actual value",
                    )
                merged.extend((k, v) for k, v in source.value if k.tag != _MERGE)
                merged.extend(self._merged(source, trail | {id(source)}))
        return merged

    def _check_digits(self, node: Node, pointer: str, digits: int) -> None:
        if MAX_INTEGER_DIGITS and digits > MAX_INTEGER_DIGITS:
            line, column = self._position(node.start_mark.index)
            raise out_of_range(digits, self.path, pointer=pointer, line=line, column=column)

    def _key(self, node: Node) -> str:
        if isinstance(node, ScalarNode) and node.tag == f"{_TAG}str":
            return str(node.value)
        for start in (node.start_mark.index, node.start_mark.index - 1):
            template = template_at(self.text, start) if start >= 0 else None
            if template is not None:
                raise self._error_at(
                    start,
                    f"`{template}` looks like an unfilled template value",
                    "fill in the template first (e.g. envsubst), or quote the value",
                )
        if isinstance(node, ScalarNode):
            kind = node.tag.rsplit(":", 1)[-1]
            raise self._error(
                node,
                f"map key `{node.value}` is read as {kind}, not a string",
                f'quote the key: "{node.value}":',
            )
        raise self._error(node, "map key is a map or list, not a string", "use a plain string key")

    def _duplicate(self, pointer: str, key: str, offset: int, first_offset: int) -> None:
        self.findings.append(
            duplicate_key(pointer, key, self._position(offset), self._position(first_offset)[0])
        )

    def _not_plain_data(self, node: Node) -> SpecError:
        tag = "!!" + node.tag[len(_TAG) :] if node.tag.startswith(_TAG) else node.tag
        return self._error(node, f"YAML tag `{tag}` is not plain data", _PLAIN_DATA_HINT)

    def _error(self, node: Node, message: str, hint: str) -> SpecError:
        return self._error_at(node.start_mark.index, message, hint)

    def _error_at(self, offset: int, message: str, hint: str) -> SpecError:
        line, column = self._position(offset)
        return SpecError(message, path=self.path, line=line, column=column, hint=hint)

    def _position(self, offset: int) -> tuple[int, int]:
        if self._positions is None:
            self._positions = TextPositions(self.text)
        return self._positions.position(offset)


def _digits(written: str) -> int:
    return sum(character.isdigit() for character in written)


def _decimal_digits(value: int) -> int:
    """How many decimal digits ``value`` has, without converting it to text (which is what
    fails): from its bits (log10(2) ≈ 0.30103 each), one too many at most, then checked."""
    value = abs(value)
    digits = int(value.bit_length() * 0.30103) + 1
    return digits - 1 if digits > 1 and value < 10 ** (digits - 1) else digits


def _multi_document(text: str, err: Exception, path: str) -> SpecError:
    mark = getattr(err, "problem_mark", None)
    line, column = TextPositions(text).position(mark.index) if mark is not None else (None, None)
    return SpecError(
        "YAML file holds more than one document (a second `---`)",
        path=path,
        line=line,
        column=column,
        hint="put each service spec in its own file",
    )
