"""RFC 6901 JSON pointers: the one way every module names a place in a document."""

from __future__ import annotations

import itertools
from typing import Any

_MISSING = object()


def escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(*tokens: str | int) -> str:
    """``join("containers", 0, "port") == "/containers/0/port"``; ``join() == ""``."""
    return "".join("/" + escape(t) for t in tokens)


def child(pointer: str, *tokens: str | int) -> str:
    return pointer + join(*tokens)


def split(pointer: str) -> list[str]:
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [unescape(t) for t in pointer[1:].split("/")]


def parent(pointer: str) -> str:
    return pointer.rsplit("/", 1)[0] if pointer else ""


def resolve(document: Any, pointer: str, default: Any = None) -> Any:
    """The value at ``pointer``, or ``default`` when there is none."""
    node = document
    for token in split(pointer):
        if isinstance(node, dict):
            node = node.get(token, _MISSING)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return default
        if node is _MISSING:
            return default
    return node


def put(document: Any, pointer: str, value: Any) -> None:
    """Set ``value`` at ``pointer`` in ``document``, creating what is missing on the way: an
    array where the next token is an index, else an object; a short array is padded."""
    tokens = split(pointer)
    node = document
    for token, following in itertools.pairwise(tokens):
        empty: Any = [] if following.isdigit() else {}
        if isinstance(node, list):
            while len(node) <= int(token):
                node.append(empty if len(node) == int(token) else {})
            node = node[int(token)]
        else:
            node = node.setdefault(token, empty)
    last = tokens[-1]
    if isinstance(node, list):
        while len(node) <= int(last):
            node.append(None)
        node[int(last)] = value
    else:
        node[last] = value
