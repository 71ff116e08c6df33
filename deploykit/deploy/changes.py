"""What ``apply`` would change in a live service, field by field (``deploykit plan``).

``apply`` updates with UpdateService's default **merge** semantics (reference/eas.md §3.5), the
same as ``eascmd modify -s``: keys in the spec are set, keys only in the live service are kept.
So a change is a key of the spec whose value differs from (or is missing in) the live spec
(``ServiceClient.live_spec``); keys only the live service has are listed as "kept", never as
changes — the server adds some of its own (``metadata.region``, ``generate_token``, §2.3 desc).

Secret values (``dockerAuth``, tokens, passwords) are compared but never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from deploykit.pointer import escape
from deploykit.secrets import REDACTED, is_secret_name, names_a_secret, redact_json


@dataclass(frozen=True)
class Change:
    """One field: ``kind`` is ``add`` (not in the live service), ``change`` or ``keep``."""

    pointer: str
    kind: str
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"pointer": self.pointer, "kind": self.kind, "before": self.before,
                "after": self.after}


def diff(live: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[Change]:
    """Every leaf of ``wanted`` that differs from ``live``, plus live-only keys as ``keep``.

    Objects are compared key by key; lists and scalars as whole values (a merge replaces a
    list as a whole).
    """
    found: list[Change] = []
    _walk(live, wanted, "", False, found)
    return found


def changes_only(found: list[Change]) -> list[Change]:
    return [c for c in found if c.kind != "keep"]


def _walk(
    live: Mapping[str, Any], wanted: Mapping[str, Any], prefix: str, secret: bool, out: list[Change]
) -> None:
    # An env entry {"name": "HF_TOKEN", "value": ...} hides its value: the name says secret.
    entry_is_secret = names_a_secret(live) or names_a_secret(wanted)
    for key in sorted(set(live) | set(wanted)):
        pointer = f"{prefix}/{escape(key)}"
        hidden = secret or is_secret_name(key) or (entry_is_secret and key == "value")
        if key not in wanted:
            kept = _shown(live[key], hidden)
            out.append(Change(pointer, "keep", kept, kept))
            continue
        after = wanted[key]
        if key not in live:
            out.append(Change(pointer, "add", None, _shown(after, hidden)))
            continue
        before = live[key]
        if isinstance(before, Mapping) and isinstance(after, Mapping):
            _walk(before, after, pointer, hidden, out)
        elif not _same(before, after):
            out.append(Change(pointer, "change", _shown(before, hidden), _shown(after, hidden)))


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
    """What plan prints: ``****`` for a secret, and any value with every secret inside it
    replaced (a list of containers holds env entries; a storage list, git passwords)."""
    if secret and value not in (None, ""):
        return REDACTED
    return redact_json(value)
