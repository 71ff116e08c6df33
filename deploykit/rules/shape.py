"""Shape findings: pydantic validation errors turned into deploykit Diagnostics.

Every platform model (EAS service JSON, ModelArts config.json) is checked here, so the
wording of "unknown key", "wrong type", "missing" and "invalid value" is the same
everywhere. Nothing pydantic leaves this module: callers get a model and Diagnostics.

The model returned is built from the input *minus the values that failed*, so the
platform's semantic rules still see everything else and a user gets every finding in one
run (issue #2: "every finding at once"). It is ``None`` when no partial model can be
built: the document itself is not an object, or a required key at its top level is missing.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import re
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from deploykit import pointer as jp
from deploykit.diagnostics import Diagnostic
from deploykit.diagnostics.registry import Rule
from deploykit.secrets import is_secret_name, names_a_secret, redact_userinfo

M = TypeVar("M", bound=BaseModel)

_ASCII_PREFIX = re.compile(r"[\x00-\x7f]*")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# pydantic error type -> what the platform expects, in JSON words users know.
_EXPECTED = {
    "int_type": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "a boolean (true or false)",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "list_type": "an array",
    "none_required": "null",
}
_WRONG_TYPE = frozenset(_EXPECTED)
_DESCRIBED = _WRONG_TYPE | {"literal_error", "enum"}
_MAX_PRUNE_ROUNDS = 8


@dataclass(frozen=True)
class ShapeRules:
    """The rule ids one platform uses for shape findings."""

    unknown_key: Rule
    wrong_type: Rule
    missing: Rule
    invalid_value: Rule


def check_shape(model: type[M], data: Any, rules: ShapeRules) -> tuple[M | None, list[Diagnostic]]:
    """Validate ``data`` against ``model``; every shape finding, and the best model we can build.

    Models forbid unknown keys (``extra="forbid"``), so pydantic finds them with everything
    else, in one pass in its Rust core; each becomes ``rules.unknown_key``, whose severity
    says whether the platform accepts the key.
    """
    try:
        built = model.model_validate(data)
    except ValidationError as exc:
        diagnostics = _from_errors(model, data, exc.errors(include_url=False), rules)
        return _build_without_failures(model, data, exc), diagnostics
    return built, []


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The known key a misspelled ``name`` most likely meant ("did you mean"), or None.

    Case, ``_`` and ``-`` are ignored first (``readonly`` -> ``readOnly``); a key cut short
    by a translated word (``period_秒``, as the Japanese edition of seeds/004 prints
    ``period_seconds``) is matched by its ASCII part; then difflib's similarity decides
    (``helth_check`` -> ``health_check``, ``contianers`` -> ``containers``).
    """
    return _closest(name, frozenset(candidates))


@functools.lru_cache(maxsize=1024)
def _closest(name: str, candidates: frozenset[str]) -> str | None:
    # Cached: difflib is the slowest step of a finding, and a corpus repeats its typos.
    pool = sorted(candidates)
    folded = {_fold(c): c for c in pool}
    if _fold(name) in folded:
        return folded[_fold(name)]
    ascii_part = _ASCII_PREFIX.match(name)
    if ascii_part is not None and ascii_part.end() < len(name) and ascii_part.end() >= 3:
        starts = [c for c in pool if c.startswith(ascii_part.group(0))]
        if len(starts) == 1:
            return starts[0]
    matches = difflib.get_close_matches(name, pool, n=1, cutoff=0.75)
    return matches[0] if matches else None


def suggestion_for(value: str, candidates: Sequence[str], what: str) -> str:
    """"did you mean X?" when one is close (``Tensorflow`` -> ``TensorFlow``), else the list
    of what the platform expects."""
    guess = closest(value, candidates)
    if guess is not None and guess != value:
        return f"did you mean {guess!r}?"
    return f"use one of the {what}: " + ", ".join(candidates)


def missing_key(rule: Rule, owner: str, key: str) -> Diagnostic:
    """``rule``'s finding that the object at ``owner`` lacks the required ``key``: the same
    words whether pydantic or a platform's table of required keys found it."""
    where = field_path(owner)
    return rule(
        owner, f"{where} is missing the required key `{key}`", suggestion=f"add `{key}` to {where}"
    )


def missing_keys(data: Any, required: Iterable[tuple[str, str]], rule: Rule) -> list[Diagnostic]:
    """A finding per (owner, key) of ``required`` whose owner is in ``data`` without ``key``;
    ``*`` in an owner pointer stands for each entry of an array."""
    found: list[Diagnostic] = []
    for pattern, key in required:
        for owner, node in _matching(data, jp.split(pattern), ""):
            if key not in node:
                found.append(missing_key(rule, owner, key))
    return found


def _matching(node: Any, tokens: list[str], at: str) -> Iterable[tuple[str, dict[str, Any]]]:
    if not tokens:
        if isinstance(node, dict):
            yield at, node
        return
    head, rest = tokens[0], tokens[1:]
    if head == "*" and isinstance(node, list):
        for index, item in enumerate(node):
            yield from _matching(item, rest, jp.child(at, index))
    elif isinstance(node, dict) and head in node:
        yield from _matching(node[head], rest, jp.child(at, head))


def was_given(raw: Any, key: str) -> bool:
    """True when the input object ``raw`` has ``key`` with a value (not null, "", [] or {}).
    A rule about a *missing* value asks this, not the model: a value that failed its shape
    check is absent from the partial model, and its type error already says what is wrong."""
    if not isinstance(raw, dict):
        return False
    value = raw.get(key)
    return value is not None and value != "" and value != [] and value != {}


def field_path(pointer: str) -> str:
    """A pointer as users write the field: ``/containers/0/port`` -> ``containers[0].port``,
    ``/metadata/rpc.keepalive`` -> ``metadata["rpc.keepalive"]``; "" -> "the document"."""
    text = ""
    for token in jp.split(pointer):
        if token.isdigit():
            text += f"[{token}]"
        elif _IDENTIFIER.match(token):
            text += f".{token}" if text else token
        else:
            text += f"[{json.dumps(token, ensure_ascii=False)}]"
    return text or "the document"


def env_value_is_secret(data: Any, pointer: str) -> bool:
    """A ``value`` whose owner is an env entry such as ``{"name": "OSS_ACCESS_KEY_SECRET",
    "value": ...}``: its key does not say secret, its ``name`` does."""
    return pointer.endswith("/value") and names_a_secret(jp.resolve(data, jp.parent(pointer)))


def describe_value(value: Any, *, secret: bool = False) -> str:
    """A short, safe description of a JSON value for a message; a secret is never shown."""
    kind = _json_kind(value)
    if secret or isinstance(value, (dict, list)):
        return kind
    if isinstance(value, str):
        value = redact_userinfo(value)
    shown = json.dumps(value, ensure_ascii=False)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{kind} {shown}"


# --- errors -> diagnostics ---------------------------------------------------------------


def _from_errors(
    model: type[BaseModel], data: Any, errors: Sequence[Any], rules: ShapeRules
) -> list[Diagnostic]:
    """One diagnostic per place: a union's several member errors become one message."""
    grouped: dict[tuple[str, str], list[Any]] = {}
    for error in errors:
        kind = _kind(error["type"])
        if kind == "missing":
            tokens = [*_tokens(data, error["loc"][:-1]), error["loc"][-1]]
        else:
            tokens = _tokens(data, error["loc"])
        grouped.setdefault((kind, jp.join(*tokens)), []).append(error)
    return [
        _diagnostic(model, data, kind, ptr, errs, rules) for (kind, ptr), errs in grouped.items()
    ]


def _kind(error_type: str) -> str:
    if error_type == "missing":
        return "missing"
    if error_type == "extra_forbidden":
        return "unknown_key"
    return "value"


def _diagnostic(
    model: type[BaseModel],
    data: Any,
    kind: str,
    pointer: str,
    errors: list[Any],
    rules: ShapeRules,
) -> Diagnostic:
    tokens = jp.split(pointer)
    where = field_path(pointer)
    if kind == "missing":
        return missing_key(rules.missing, jp.parent(pointer), tokens[-1])
    if kind == "unknown_key":
        return _unknown_key_diagnostic(pointer, _known_keys_at(model, tokens[:-1]), rules)
    if any(e["type"] == "invalid_key" for e in errors):
        # YAML allows `1:` or `true:` as keys; JSON and the platforms' APIs do not.
        return rules.wrong_type(
            pointer,
            f"{where} has a key that is not a string (e.g. a YAML number or boolean key)",
            suggestion="quote the key",
        )
    value = jp.resolve(data, pointer)
    secret = any(is_secret_name(t) for t in tokens) or env_value_is_secret(data, pointer)
    got = describe_value(value, secret=secret)
    type_errors = [e for e in errors if e["type"] in _WRONG_TYPE]
    expected = _join_expected(errors)
    if type_errors:
        return rules.wrong_type(
            pointer,
            f"{where} must be {expected}, not {got}",
            suggestion=_type_fix(value, expected, secret),
        )
    if all(e["type"] in _DESCRIBED for e in errors):
        message = f"{where} must be {expected}, not {got}"
    else:  # a constraint of a platform model (e.g. "greater than 0"), in pydantic's words
        message = f"{where} is not valid: {expected}, not {got}"
    return rules.invalid_value(pointer, message, suggestion=f"change {where} to {expected}")


def _join_expected(errors: list[Any]) -> str:
    words: list[str] = []
    for error in errors:
        if error["type"] in _EXPECTED:
            word = _EXPECTED[error["type"]]
        elif error["type"] in ("literal_error", "enum"):
            word = f"one of {error.get('ctx', {}).get('expected', '')}"
        else:
            msg = str(error["msg"])
            word = msg.removeprefix("Input should be ").removeprefix("Value error, ")
        if word not in words:
            words.append(word)
    return " or ".join(words)


def _type_fix(value: Any, expected: str, secret: bool) -> str:
    """A string that holds the right JSON value: say to drop the quotes, the common slip."""
    if isinstance(value, float) and value.is_integer() and "integer" in expected:
        return f"write {int(value)}"
    if isinstance(value, str) and not secret:
        stripped = value.strip()
        if "integer" in expected and re.fullmatch(r"-?\d+", stripped):
            return f"write {stripped} without quotes"
        if "number" in expected and re.fullmatch(r"-?\d+(\.\d+)?", stripped):
            return f"write {stripped} without quotes"
        if "boolean" in expected and stripped.lower() in ("true", "false"):
            return f"write {stripped.lower()} without quotes"
    return f"use {expected}"


def _unknown_key_diagnostic(pointer: str, known: Iterable[str], rules: ShapeRules) -> Diagnostic:
    key = jp.split(pointer)[-1]
    owner = field_path(jp.parent(pointer))
    guess = closest(key, known)
    if guess is not None:
        return rules.unknown_key(
            pointer,
            f"unknown key `{key}` in {owner}; did you mean `{guess}`?",
            suggestion=f"rename `{key}` to `{guess}`",
            anchor="key",
        )
    return rules.unknown_key(
        pointer,
        f"unknown key `{key}` in {owner}",
        suggestion="remove it, or check the spelling against the platform documentation",
        anchor="key",
    )


def _tokens(data: Any, loc: Sequence[str | int]) -> list[str | int]:
    """Pointer tokens for a pydantic ``loc``, dropping the union-member names pydantic inserts
    (``('metadata', 'enable_webservice', 'bool')``): they are not keys of the input."""
    tokens: list[str | int] = []
    node = data
    for part in loc:
        is_key = isinstance(node, dict) and isinstance(part, str) and part in node
        is_index = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if is_key or is_index:
            node = node[part]
            tokens.append(part)
    return tokens


# --- the keys a model knows ("did you mean") -------------------------------------------


@dataclass(frozen=True)
class _Nested:
    """What a field may hold that has keys of its own: an object of ``model``, a list of
    ``item``, or a map of ``value`` (``None`` where the field holds no such thing)."""

    model: type[BaseModel] | None
    item: _Nested | None
    value: _Nested | None


_KEY_TREES: dict[type[BaseModel], dict[str, _Nested | None]] = {}


def _key_tree(model: type[BaseModel]) -> dict[str, _Nested | None]:
    """The model's keys as the input spells them (aliases), each with what it may hold."""
    tree = _KEY_TREES.get(model)
    if tree is None:
        fields = model.model_fields.items()
        tree = {info.alias or name: _nested(info.annotation) for name, info in fields}
        _KEY_TREES[model] = tree
    return tree


def _nested(annotation: Any) -> _Nested | None:
    model: type[BaseModel] | None = None
    item: _Nested | None = None
    value: _Nested | None = None
    for member in _members(annotation):
        origin = typing.get_origin(member)
        if isinstance(member, type) and issubclass(member, BaseModel):
            model = member
        elif origin in (list, tuple, set, frozenset):
            item = _nested(typing.get_args(member)[0])
        elif origin is dict:
            value = _nested(typing.get_args(member)[1])
    if model is None and item is None and value is None:
        return None
    return _Nested(model, item, value)


def _known_keys_at(model: type[BaseModel], tokens: Sequence[str]) -> list[str]:
    """The keys the model knows in the object at ``tokens`` (for "did you mean" on a key a
    model forbids)."""
    nested: _Nested | None = _Nested(model, None, None)
    for token in tokens:
        if nested is None:
            return []
        tree = _key_tree(nested.model) if nested.model is not None else {}
        if token in tree:
            nested = tree[token]
        elif token.isdigit() and nested.item is not None:
            nested = nested.item
        else:
            nested = nested.value
    if nested is None or nested.model is None:
        return []
    return list(_key_tree(nested.model))


def _members(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin is typing.Union or isinstance(annotation, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


# --- a partial model ---------------------------------------------------------------------


def _build_without_failures(model: type[M], data: Any, first: ValidationError) -> M | None:
    """Drop every value that failed and validate again, until the rest is a valid model.
    The input is never changed: the objects on the way to a dropped value are copied."""
    pruned = copy.copy(data)
    copies = {id(pruned)}
    error = first
    for _ in range(_MAX_PRUNE_ROUNDS):
        # Every place is found before anything is removed: a removal must not shift the next.
        places = [_prunable(pruned, failure) for failure in error.errors(include_url=False)]
        if any(not tokens for tokens in places):
            return None
        for tokens in places:
            _drop(pruned, tokens, copies)
        try:
            return model.model_validate(pruned)
        except ValidationError as again:
            error = again
    return None


def _prunable(data: Any, failure: Any) -> list[str | int]:
    """What to remove for one failure: the failing value; for a missing key, the object that
    lacks it (its ``loc`` walks only as far as that owner). Empty when only the root is left.

    A bad list entry removes the whole list rather than shifting later entries' indexes, so
    every pointer a semantic rule computes from the model stays a pointer into the input.
    """
    tokens = _tokens(data, failure["loc"])
    while tokens and isinstance(tokens[-1], int):
        tokens.pop()
    return tokens


def _drop(root: Any, tokens: list[str | int], copies: set[int]) -> None:
    """Remove the value at ``tokens`` from ``root``, first replacing each object or array on
    the way by a shallow copy (``copies``: the ids of those already copied)."""
    owner = root
    for token in tokens[:-1]:
        try:
            child = owner[token]
        except (KeyError, IndexError, TypeError):
            return  # an enclosing value was removed already
        if not isinstance(child, (dict, list)):
            return
        if id(child) not in copies:
            child = owner[token] = copy.copy(child)
            copies.add(id(child))
        owner = child
    if isinstance(owner, dict):
        owner.pop(tokens[-1], None)


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "a value"


def _fold(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")
