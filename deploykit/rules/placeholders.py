"""DK010: values that look masked or unfilled, on every platform, with one predicate.

Users copy specs from documentation and templates, and those hide or leave out the values a
user must supply: the official EAS example masks ids and secrets (``vpc-bp1oll7x****``,
``"dockerAuth": "dGVzdGNhbzoxM*******"``, reference/eas.md §1.13), seeds/004 writes images
as ``registry-vpc.cn-shanghai.aliyuncs.com/xxx/yyy:zzz``, templates write ``<your-name>``,
``${IMAGE}`` or ``{{ image }}``. Such a value reaches the platform as is, so each one gets
one warning that says so and what to put there, and the findings a rule makes about that
same value are dropped: they describe the mask (``****`` "is on docker.io"), not the value
the user will write.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from deploykit import pointer as jp
from deploykit.diagnostics import Diagnostic, Severity
from deploykit.diagnostics.registry import rule
from deploykit.rules.shape import env_value_is_secret, field_path
from deploykit.secrets import is_secret_name

PLACEHOLDER = rule(
    "DK010", Severity.WARNING, "any",
    "value looks masked or unfilled (`****`, `<your-…>`, `${VAR}`, `xxx`), as copied from "
    "documentation or a template",
    source="reference/eas.md §1.5, §1.13 (the official example's masked values, "
    "`xxx/yyy:zzz` images); templates",
)

# The one predicate. Masks: three or more `*`, or a value ending in `**` ("1405**" in the
# official example). Unfilled: `${VAR}`, a whole-value `$VAR`, `<your-name>`, `{{ name }}`,
# `YOUR_KEY`, and a word of x's (`xxx/yyy:zzz`, `eas-r-xxx`, `"trustee_endpoint": "xx"`).
_MASKED = re.compile(r"\*{3,}|\*\*$")
_UNFILLED = re.compile(
    r"\$\{[^}]*\}|^\$[A-Z_][A-Z0-9_]*$|<[^<>\s][^<>]*>|\{\{[^}]*\}\}"
    r"|\b(?:YOUR|your)[_-][A-Za-z_-]+|(?<![A-Za-z0-9])(?:x{2,}|X{2,})(?![A-Za-z0-9])"
)
# Keys whose values are not deployed as written: shell text, where `${VAR}` and `<` are
# syntax the shell expands when the container runs (containers[].command/script/args, exec
# probes, ModelArts EXEC health), and the JSON Schemas of ModelArts `apis[].request/response
# .data`, which document a body and configure nothing.
SKIPPED_KEYS = frozenset({"command", "script", "args", "data"})

# What to put instead, by the key that holds the value (the last pointer token).
_ID_FROM_CONSOLE = "the id from the VPC console"
WHAT_TO_PUT = {
    "image": "your image's address, e.g. registry-vpc.<region>.aliyuncs.com/<namespace>/"
    "<repository>:<tag> (seeds/004: a VPC address)",
    "swr_location": "your image's SWR address, e.g. swr.<region>.myhuaweicloud.com/"
    "<organization>/<image>:<tag>",
    "dockerAuth": 'base64 of your registry\'s username:password: echo -n "username:password" '
    "| base64",
    "token": "a token of your own, or remove `token` and EAS generates one",
    "model_path": "the oss:// or http(s):// URL of your model",
    "processor_path": "the oss:// or http(s):// URL of your processor package",
    "path": "the path of your data, e.g. oss://<bucket>/<dir>/",
    "vpc_id": _ID_FROM_CONSOLE,
    "vswitch_id": _ID_FROM_CONSOLE,
    "security_group_id": "the id from the ECS console (security groups)",
    "resource": "your dedicated resource group's id (eas-r-...), or remove `resource` to use "
    "the public resource group",
    "gateway": "your dedicated gateway's id (gw-...), or remove `gateway`",
}


def looks_masked_or_unfilled(value: str) -> str | None:
    """The part of ``value`` that is a mask or an unfilled template field, or None."""
    match = _MASKED.search(value) or _UNFILLED.search(value)
    return match.group(0) if match else None


def with_placeholder_findings(data: Any, found: list[Diagnostic]) -> list[Diagnostic]:
    """``found`` plus one DK010 per masked or unfilled value in ``data``, without the
    findings about those values themselves (those at a key, such as an unknown key, stay)."""
    if not isinstance(data, dict) or not _any_placeholder(_deployed(data)):
        return found  # nearly every file: decided by the one cheap walk below
    placeholders = dict(_placeholders(data))
    kept = [d for d in found if d.anchor == "key" or d.pointer not in placeholders]
    kept.extend(_finding(data, at, fragment) for at, fragment in placeholders.items())
    return kept


def _any_placeholder(values: Iterable[Any]) -> bool:
    """Whether some value in ``values`` (or inside them) may be a placeholder. It runs on
    every file (the corpus benchmark, issue #2 "Speed"), so it builds no pointer, screens
    strings with substring tests (cheaper than the expressions) and compares types with
    ``is``."""
    for value in values:
        kind = type(value)
        if kind is str:
            if _may_be_placeholder(value):
                return True
        elif kind is dict:
            if _any_placeholder(_deployed(value)):
                return True
        elif kind is list and _any_placeholder(value):
            return True
    return False


def _deployed(node: dict[str, Any]) -> Iterable[Any]:
    """The values of ``node`` but those under ``SKIPPED_KEYS``."""
    if SKIPPED_KEYS.isdisjoint(node):
        return node.values()
    return [value for key, value in node.items() if key not in SKIPPED_KEYS]


def _may_be_placeholder(value: str) -> bool:
    # Every form the predicate matches contains one of these substrings.
    screened = (
        "**" in value or "$" in value or "<" in value or "{{" in value
        or "xx" in value or "XX" in value or "our" in value or "OUR" in value
    )  # fmt: skip
    return screened and looks_masked_or_unfilled(value) is not None


def _placeholders(data: Any) -> Iterator[tuple[str, str]]:
    """(pointer, placeholder text) of every string in ``data`` the predicate matches."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        tokens, node = stack.pop()
        if isinstance(node, dict):
            stack.extend(
                ((*tokens, key), value)
                for key, value in node.items()
                if key not in SKIPPED_KEYS and isinstance(value, (dict, list, str))
            )
        elif isinstance(node, list):
            stack.extend(((*tokens, index), value) for index, value in enumerate(node))
        elif isinstance(node, str):
            fragment = looks_masked_or_unfilled(node)
            if fragment is not None:
                yield jp.join(*tokens), fragment


def _finding(data: Any, at: str, fragment: str) -> Diagnostic:
    tokens = jp.split(at)
    key = next((t for t in reversed(tokens) if not t.isdigit()), "")
    masked = _MASKED.search(fragment) is not None
    kind = "masked" if masked else "unfilled"
    # The text of a secret is never shown, not even the part that looks like a mask.
    secret = any(is_secret_name(t) for t in tokens) or env_value_is_secret(data, at)
    shown = "" if secret else f" (`{fragment}`)"
    return PLACEHOLDER(
        at,
        f"{field_path(at)} looks {kind}{shown}, as copied from documentation or a template; "
        "the platform would receive it as written",
        suggestion=f"write {WHAT_TO_PUT.get(key, 'the real value')} before deploying",
    )

