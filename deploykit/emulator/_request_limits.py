"""What the emulator accepts before an operation runs: bounded, well-formed input, or an
error answer with the real shape (``RequestId``, ``Code``, ``Message``; ``_errors.py``).

Users run ``emulator serve`` in CI, where it meets whatever their code sends. Every request
gets an answer the way the real API gives one, no request takes unbounded memory or time, and
the server keeps serving. The limits, each checked in one function below:

=================  ==========================  ==============================================
limit              value                       source
=================  ==========================  ==============================================
body size          1 MiB                       GUESS: no EAS or Alibaba Cloud OpenAPI body
                                               limit is documented (reference/eas.md §7); a
                                               service JSON is a few KiB (§1.13 is ~3 KiB)
JSON nesting       32 levels                   GUESS: the service JSON nests 6 (§1.13)
integers, numbers  int64, finite               ``deploykit.json_numbers`` (RFC 8259 §6, §3.2)
text               valid UTF-8, no surrogates  RFC 8259 §8.1; Python's ``json`` lets
                                               ``"\\ud800"`` through, which no answer can carry
service name       3-63 of ``a-z0-9_``         reference/eas.md §1.12 (PAI-RAG docs and
                                               Alibaba's aiops skill; not official)
instances          0 to 10,000                 GUESS: no limit is documented (§1.12); far
                                               above any real service, far below 1e9
=================  ==========================  ==============================================

A negative instance count is not refused here: EAS accepts it and the service fails later,
which the lifecycle models (``_lifecycle.impossible_because``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from deploykit import facts, json_numbers
from deploykit.emulator._errors import ApiFailure

MAX_BODY_BYTES = 1024 * 1024
# A larger body is still read to its end (and dropped) so the client can read the 413; past
# this much the connection is given up instead, so a body that never ends costs nothing.
DRAIN_LIMIT = 64 * MAX_BODY_BYTES
MAX_DEPTH = 32
MAX_INSTANCES = 10_000
_NAME = re.compile(facts.EAS_SERVICE_NAME)

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]


async def read_body(receive: Receive) -> bytes:
    """An ASGI request body, kept up to one byte past :data:`MAX_BODY_BYTES` (enough for
    :func:`check_body_size` to refuse it): memory stays bounded whatever is sent."""
    kept = bytearray()
    seen = 0
    while True:
        message = await receive()
        chunk: bytes = message.get("body", b"")
        seen += len(chunk)
        if len(kept) <= MAX_BODY_BYTES:
            kept += chunk[: MAX_BODY_BYTES + 1 - len(kept)]
        if not message.get("more_body", False) or seen > DRAIN_LIMIT:
            return bytes(kept)


def check_body_size(size: int) -> None:
    if size > MAX_BODY_BYTES:
        raise ApiFailure(
            "RequestBodyTooLarge",
            f"The request body is larger than {MAX_BODY_BYTES} bytes; a service config is a "
            "few KiB",
        )


def parse_json_object(body: bytes | str, what: str) -> dict[str, Any]:
    """``body`` as a JSON object within the limits above, or ``ApiFailure`` saying which."""
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        data = json_numbers.loads(text) if text else None
    except UnicodeDecodeError as err:
        raise _invalid(f"{what} is not UTF-8 (byte {err.start})") from None
    except RecursionError:
        raise _invalid(f"{what} is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as err:  # JSONDecodeError, and the hooks' refusals
        raise _invalid(f"{what} is not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise _invalid(f"{what} must be a JSON object")
    _check_tree(data, what)
    return data


def check_service_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        shown = json.dumps(name[:64])  # quoted and escaped: CR, LF and the like stay visible
        raise _invalid(
            f"Service name {shown}{'...' if len(name) > 64 else ''} is invalid: use 3-63 "
            "lowercase letters, digits and underscores"
        )


def check_instance_count(value: Any) -> None:
    """``metadata.instance`` or ScaleService's ``Instance``: an integer, at most
    :data:`MAX_INSTANCES` (a number written as a string is left to the operation)."""
    if value is None or isinstance(value, str):
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(f"The instance count must be an integer, not {json.dumps(value)}")
    if value > MAX_INSTANCES:
        raise _invalid(f"The instance count {value} is above {MAX_INSTANCES}")


def metadata_instance(config: Mapping[str, Any]) -> Any:
    metadata = config.get("metadata")
    return metadata.get("instance") if isinstance(metadata, Mapping) else None


def _check_tree(data: Any, what: str) -> None:
    """Depth and text of every value, without recursion (the tree may be deep)."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value, what)
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            raise _invalid(f"{what} is nested more than {MAX_DEPTH} levels deep")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str):
                _check_text(key, what)
            pending.append((item, depth + 1))


def _check_text(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        bad = text[err.start : err.end]
        raise _invalid(f"{what} holds {bad!a}, which is not valid Unicode text") from None


def _invalid(message: str) -> ApiFailure:
    return ApiFailure("InvalidParameter", message)
