"""``modify``'s partial change, applied to the live service and checked before it is sent.

``eascmd modify NAME -s partial.json`` or ``-Dmetadata.instance=10`` (reference/eas.md §2.2)
sends only the keys to change, and UpdateService merges them into the live configuration
(§3.5: merge by default). A change cannot be judged on its own, so :func:`prepare_update`
describes the service, takes its live ``ServiceConfig`` (§3.3), merges the change into it as
UpdateService will, and validates the result with ``create``'s rules. A change that leaves
the service with errors is refused before any request.

``-D`` paths, checked against the live config:

- dots nest (``metadata.instance``); ``[N]`` is an element of a list the live config has
  (``containers[0].port``), and the whole list is sent, because a merge replaces lists;
- a key EAS writes with a dot (``metadata["eas.termination_grace_period"]``, §1.3) is one key
  when the live config or the EAS model has it;
- a key that is neither in the live config nor a field of an EAS service is an error naming
  it, as is an element that does not exist;
- values are JSON where they parse as JSON (``2``, ``true``, ``[...]``), strings otherwise, as
  eascmd takes them (``NaN``, ``1e999`` and integers beyond int64 are not numbers the API
  holds, so they stay strings: ``deploykit.json_numbers``).

Only the findings the change brings count: the live service's own findings about values the
change leaves alone (a server may spell a number as a string) do not block an unrelated change.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deploykit import json_numbers
from deploykit import pointer as jp
from deploykit.deploy.specs import refuse_unencodable, unencodable_text
from deploykit.diagnostics import Diagnostic, FileReport, Report, sort_key
from deploykit.errors import ConfigError, SpecError
from deploykit.loading import LoadedSpec, SourceMap
from deploykit.validation import validate

if TYPE_CHECKING:
    from deploykit.clients._api import ServiceClient

Path = tuple[str | int, ...]
_PART = re.compile(r"([^\[\]]+)((?:\[\d+\])*)")  # a key, then any [N] indexes
_INDEX = re.compile(r"\[(\d+)\]")
_ABSENT = object()
_TYPE_NAMES = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
               int: "a number", float: "a number", type(None): "null"}


@dataclass(frozen=True)
class Assignment:
    """One ``-D path=value``: the path as written (keys and list indexes) and its value."""

    text: str
    path: Path
    value: Any


@dataclass(frozen=True)
class PreparedUpdate:
    body: dict[str, Any]  # what UpdateService is sent
    result: dict[str, Any]  # the service's config once UpdateService has merged the body
    report: Report  # the findings the change brings

    @property
    def refused(self) -> bool:
        return self.report.errors > 0


def prepare_update(
    client: ServiceClient,
    name: str,
    *,
    spec_path: str | None = None,
    pairs: Sequence[str] = (),
    replace: bool = False,
) -> PreparedUpdate:
    """The body for ``modify NAME -s SPEC | -D pairs`` and the findings of its result.

    Input that cannot be a change (unreadable file, bad ``-D``, a path that does not exist,
    text that is not valid Unicode) raises ``SpecError``/``ConfigError`` (exit 2).
    """
    if unencodable_text(name) is not None:
        raise ConfigError(f"the service name {name!a} is not valid Unicode text (a lone "
                          "surrogate)", hint="give the name as `deploykit ls` shows it")
    partial = read_partial_spec(spec_path) if spec_path is not None else None
    assignments = [parse_assignment(pair) for pair in pairs]
    live = client.live_spec(client.describe(name))
    body = dict(partial.data) if partial is not None else build_body(live, assignments, name)
    result = dict(body) if replace else merge_update(live, body)
    if not _has_name(result):
        result = merge_update(result, {"metadata": {"name": name}})  # as the server keeps it
    label = partial.path if partial is not None else f"{name} (live config with -D changes)"
    found = _findings_of_change(result, {} if replace else live, label)
    located = sorted((_located(d, partial) for d in found), key=sort_key)
    return PreparedUpdate(body, result, Report([FileReport(label, "eas", located)]))


def merge_update(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """reference/eas.md §3.5 merge: keys of ``change`` win, objects merge key by key (so
    ``-D metadata.instance=3`` keeps the rest of ``metadata``), anything else is replaced.

    The emulator has its own (``_service_api._merged``) on purpose: it plays the server, and
    tests compare what this predicts with what the server stored."""
    merged = dict(base)
    for key, value in change.items():
        old = merged.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            merged[key] = merge_update(old, value)
        else:
            merged[key] = value
    return merged


# -- reading the change ------------------------------------------------------------------


def read_partial_spec(path: str) -> LoadedSpec:
    """A JSON or YAML object holding only the keys to change (its positions kept)."""
    from deploykit.loading import discover, load_target

    targets = list(discover([path], platform="eas"))
    if len(targets) != 1:
        raise SpecError("-s takes one spec file", path=path, hint="name a single JSON/YAML file")
    loaded = load_target(targets[0], platform="eas", stdin_name=None)
    refuse_unencodable(loaded)
    return loaded


def parse_assignment(pair: str) -> Assignment:
    """``"containers[0].port=8000"`` → ``Assignment(("containers", 0, "port"), 8000)``."""
    if unencodable_text(pair) is not None:
        raise ConfigError(f"-D {pair!a} is not valid Unicode text (a lone surrogate)",
                          hint="give keys and values as UTF-8 text")
    key, sep, raw = pair.partition("=")
    path = parse_path(key.strip())
    if not sep or path is None:
        what = "is not key=value" if not sep else f"`{key.strip()}` is not a key path"
        raise ConfigError(
            f"-D {pair!r}: {what}",
            hint="write e.g. -D metadata.instance=2 or -D containers[0].port=8000 (dots nest "
            "keys, [N] is an element of a list)",
        )
    return Assignment(key.strip(), path, parse_value(raw, pair))


def parse_path(text: str) -> Path | None:
    """``"containers[0].port"`` → ``("containers", 0, "port")``; None when malformed."""
    tokens: list[str | int] = []
    for part in text.split("."):
        match = _PART.fullmatch(part)
        if match is None:
            return None
        tokens.append(match.group(1))
        tokens.extend(int(index) for index in _INDEX.findall(match.group(2)))
    return tuple(tokens)


def parse_value(raw: str, pair: str) -> Any:
    """JSON where it parses as JSON, else the text itself (eascmd's ``-D``)."""
    text = raw.strip()
    try:
        return json_numbers.loads(text)
    except ValueError:  # not JSON, or a number no request may carry (NaN, 1e999, 10**100)
        return text
    except RecursionError:
        raise ConfigError(f"-D {pair[:60]!r}...: the value is nested too deeply",
                          hint="give a value nested a few levels, as a service spec is") from None


# -- applying -D to the live config --------------------------------------------------------


def build_body(
    live: Mapping[str, Any], assignments: Sequence[Assignment], name: str
) -> dict[str, Any]:
    """The UpdateService body for ``assignments``: each key set where it is, except that a
    path through a list sends that whole list with the element changed (a merge replaces
    lists, §3.5). Each path is resolved against the live config with the earlier ones
    applied."""
    body: dict[str, Any] = {}
    for assignment in assignments:
        current = merge_update(live, body)
        path = resolve_path(current, assignment, name)
        cut = next((i for i, token in enumerate(path) if isinstance(token, int)), None)
        if cut is None:
            _put(body, path, assignment.value, assignment)
            continue
        whole = copy.deepcopy(_get(current, path[:cut]))
        _put(whole, path[cut:], assignment.value, assignment)
        _put(body, path[:cut], whole, assignment)
    return body


def nested_change(pairs: Sequence[str]) -> dict[str, Any]:
    """``-D`` pairs as one nested change, for a platform whose client merges the change into
    the live service itself (ModelArts, ``clients.huawei.deployment.merged``): dots nest,
    values as :func:`parse_value`. An element ``[N]`` needs the live list, so it is refused."""
    body: dict[str, Any] = {}
    for assignment in map(parse_assignment, pairs):
        if any(isinstance(token, int) for token in assignment.path):
            raise ConfigError(f"-D {assignment.text}: [N] addresses an element of a live list, "
                              "which only EAS services have here",
                              hint=f"set the whole value: -D {assignment.text.split('[')[0]}=...")
        _put(body, assignment.path, assignment.value, assignment)
    return body


def resolve_path(config: Mapping[str, Any], assignment: Assignment, name: str) -> Path:
    """The path of ``assignment`` with each key as the config (or the EAS model) spells it;
    a ConfigError naming the part that does not exist."""
    resolved: list[str | int] = []
    node: Any = config
    tokens = assignment.path
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if isinstance(token, int):
            if not isinstance(node, list) or token >= len(node):
                raise _no_element(assignment, (*resolved, token), node, name)
            resolved.append(token)
            node, i = node[token], i + 1
            continue
        if node is not None and not isinstance(node, Mapping):
            raise ConfigError(
                f"-D {assignment.text}: {_dotted(resolved)} is {_kind(node)} in the live config "
                f"of [{name}], not an object with keys",
                hint=f"set {_dotted(resolved)} itself, e.g. -D {_dotted(resolved)}=<JSON value>",
            )
        key, used = _pick_key(node or {}, _leading_names(tokens[i:]), resolved, assignment, name)
        resolved.append(key)
        node, i = (node.get(key) if node else None), i + used
    return tuple(resolved)


def _leading_names(tokens: Sequence[str | int]) -> list[str]:
    names: list[str] = []
    for token in tokens:
        if isinstance(token, int):
            break
        names.append(token)
    return names


def _pick_key(
    live: Mapping[str, Any], names: list[str], at: list[str | int], assignment: Assignment,
    name: str,
) -> tuple[str, int]:
    """(key, how many dotted names it takes): the longest one the live object has, else the
    shortest one the EAS model knows here, else any key where the model allows any."""
    from deploykit.models.eas import EasService
    from deploykit.rules.shape import _known_keys_at, closest  # the model's one key table

    for used in range(len(names), 0, -1):
        if ".".join(names[:used]) in live:
            return ".".join(names[:used]), used
    known = _known_keys_at(EasService, [str(token) for token in at])
    if not known:  # a free-form map (labels, features) or a place the model leaves open
        return names[0], 1
    for used in range(1, len(names) + 1):
        if ".".join(names[:used]) in known:
            return ".".join(names[:used]), used
    guess = closest(names[0], known)
    where = f"in {_dotted(at)}" if at else "at the top level"
    raise ConfigError(
        f"-D {assignment.text}: `{names[0]}` is neither in the live config of [{name}] nor a "
        f"field of an EAS service {where}",
        hint=f"did you mean `{guess}`?" if guess else "see `deploykit schema eas` for the fields",
    )


def _no_element(assignment: Assignment, path: Path, node: Any, name: str) -> ConfigError:
    if isinstance(node, list):
        has = f"has {len(node)} element{'' if len(node) == 1 else 's'}"
    else:
        has = f"is {_kind(node)}"
    parent = _dotted(path[:-1])
    return ConfigError(
        f"-D {assignment.text}: {_dotted(path)} does not exist in the live config of [{name}] "
        f"({parent} {has})",
        hint=f"address an existing element (the first is {parent}[0]), or set the whole list: "
        f"-D {parent}='[...]'",
    )


def _put(root: Any, path: Path, value: Any, assignment: Assignment) -> None:
    """Set ``path`` in ``root``, creating objects on the way; a clash is a ConfigError."""
    node = root
    for token in path[:-1]:
        if isinstance(token, int):
            node = node[token]  # resolve_path checked that it exists
            continue
        node = node.setdefault(token, {})
        if not isinstance(node, dict):
            raise ConfigError(f"-D {assignment.text} conflicts with an earlier -D for {token!r}",
                              hint="give each key once")
    node[path[-1]] = value


def _get(root: Any, path: Path) -> Any:
    for token in path:
        root = root[token]
    return root


def _dotted(path: Sequence[str | int]) -> str:
    text = ""
    for token in path:
        text += f"[{token}]" if isinstance(token, int) else (f".{token}" if text else token)
    return text or "the config"


def _kind(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), "a value")


# -- validating the result -----------------------------------------------------------------


def _findings_of_change(
    result: dict[str, Any], live: dict[str, Any], label: str
) -> list[Diagnostic]:
    """``result``'s findings, less those the live config had already at a value the change
    leaves as it was."""
    after = validate(_in_memory(label, result)).diagnostics
    if not live:
        return list(after)
    before = {(d.rule, d.pointer) for d in validate(_in_memory(label, live)).diagnostics}
    return [d for d in after if (d.rule, d.pointer) not in before or _changed(d, live, result)]


def _changed(diagnostic: Diagnostic, live: Any, result: Any) -> bool:
    where = diagnostic.pointer or ""
    return bool(jp.resolve(live, where, _ABSENT) != jp.resolve(result, where, _ABSENT))


def _in_memory(label: str, data: dict[str, Any]) -> LoadedSpec:
    """A spec with no text behind it: findings carry pointers, not lines."""
    return LoadedSpec(label, data, SourceMap("", {}), "eas", "json")


def _located(diagnostic: Diagnostic, partial: LoadedSpec | None) -> Diagnostic:
    """A finding about a value the ``-s`` file holds points at it in that file."""
    if partial is None or diagnostic.pointer is None:
        return diagnostic
    if jp.resolve(partial.data, diagnostic.pointer, _ABSENT) is _ABSENT:
        return diagnostic
    position = partial.source_map.locate(diagnostic.pointer, diagnostic.anchor)
    return diagnostic.located(*position) if position else diagnostic


def _has_name(config: Mapping[str, Any]) -> bool:
    metadata = config.get("metadata")
    in_metadata = isinstance(metadata, Mapping) and bool(metadata.get("name"))
    return in_metadata or bool(config.get("name"))
