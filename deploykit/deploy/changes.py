"""What ``apply`` would change in a live service, field by field (``deploykit plan``).

``apply`` updates with UpdateService's default **merge** semantics (reference/eas.md §3.5), the
same as ``eascmd modify -s``: keys in the spec are set, keys only in the live service are kept.
So a change is a key of the spec whose value differs from (or is missing in) the live
``ServiceConfig``; keys only the live service has are listed as "kept", never as changes —
the server adds some of its own (``metadata.region``, ``generate_token``, §2.3 desc).

A merge replaces a list as a whole, so lists are compared element by element, each with its
own pointer (``/containers/0/port: 8000 -> 8001``): an element, or a key inside one, that
only the live service has is "removed", not kept.

Secret values (``dockerAuth``, tokens, passwords) are compared but never shown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deploykit.clients._http import REDACTED, is_secret_key
from deploykit.pointer import escape


@dataclass(frozen=True)
class Change:
    """One field: ``kind`` is ``add`` (not in the live service), ``change``, ``remove`` (gone
    with the list it is in) or ``keep`` (only in the live service, kept by the merge)."""

    pointer: str
    kind: str
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"pointer": self.pointer, "kind": self.kind, "before": self.before,
                "after": self.after}


def live_config(service: Mapping[str, Any]) -> dict[str, Any]:
    """The live service JSON: DescribeService's ``ServiceConfig`` is a string (reference §3.3)."""
    raw = service.get("ServiceConfig")
    if isinstance(raw, Mapping):
        return dict(raw)
    if isinstance(raw, str) and raw.strip():
        try:
            parsed = json.loads(raw)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def diff(live: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[Change]:
    """Every leaf of ``wanted`` that differs from ``live``, plus live-only keys as ``keep``.

    Objects are compared key by key, lists element by element (an extra live element is a
    ``remove``), scalars as values.
    """
    found: list[Change] = []
    _walk(live, wanted, "", False, found, in_list=False)
    return found


def changes_only(found: list[Change]) -> list[Change]:
    return [c for c in found if c.kind != "keep"]


def _walk(
    live: Mapping[str, Any], wanted: Mapping[str, Any], prefix: str, secret: bool,
    out: list[Change], *, in_list: bool,
) -> None:
    for key in sorted(set(live) | set(wanted)):
        pointer = f"{prefix}/{escape(key)}"
        hidden = secret or is_secret_key(key)
        if key not in wanted:
            # Inside a list element the merge does not keep it: the list is replaced whole.
            kept = _shown(live[key], hidden)
            out.append(Change(pointer, "remove", kept, None) if in_list
                       else Change(pointer, "keep", kept, kept))
        elif key not in live:
            out.append(Change(pointer, "add", None, _shown(wanted[key], hidden)))
        else:
            _compare(live[key], wanted[key], pointer, hidden, out, in_list=in_list)


def _compare(
    before: Any, after: Any, pointer: str, secret: bool, out: list[Change], *, in_list: bool
) -> None:
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        _walk(before, after, pointer, secret, out, in_list=in_list)
    elif isinstance(before, list) and isinstance(after, list):
        for i in range(max(len(before), len(after))):
            at = f"{pointer}/{i}"
            if i >= len(before):
                out.append(Change(at, "add", None, _shown(after[i], secret)))
            elif i >= len(after):
                out.append(Change(at, "remove", _shown(before[i], secret), None))
            else:
                _compare(before[i], after[i], at, secret, out, in_list=True)
    elif not _same(before, after):
        out.append(Change(pointer, "change", _shown(before, secret), _shown(after, secret)))


def _same(before: Any, after: Any) -> bool:
    # The API may hand numbers back as strings and vice versa ("instance": "2" vs 2).
    if before == after:
        return True
    scalar = (str, int, float, bool)
    if isinstance(before, scalar) and isinstance(after, scalar):
        return _canonical(before) == _canonical(after)
    return False


def _canonical(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _shown(value: Any, secret: bool) -> Any:
    """The one place a value is made fit to show: every value in a Change passes here."""
    return REDACTED if secret and value not in (None, "") else value
