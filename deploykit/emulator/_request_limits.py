"""What every emulator accepts before an operation runs: bounded, well-formed input, or an
error answer in its platform's shape (``CloudApi.error_reply``).

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
=================  ==========================  ==============================================

Each platform adds its own (EAS: service names, instance counts; ``eas/_limits.py``) and says
which error a malformed body is (``parse_json_object``'s ``invalid``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from deploykit import json_numbers
from deploykit.emulator._cloud_api import ApiFailure

MAX_BODY_BYTES = 1024 * 1024
# A larger body is still read to its end (and dropped) so the client can read the 413; past
# this much the connection is given up instead, so a body that never ends costs nothing.
DRAIN_LIMIT = 64 * MAX_BODY_BYTES
MAX_DEPTH = 32

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
        # 413 is HTTP's; the code is a GUESS (no cloud documents a body limit, reference/eas.md
        # §7), the one the EAS error table carries.
        raise ApiFailure(
            413,
            "RequestBodyTooLarge",
            f"The request body is larger than {MAX_BODY_BYTES} bytes; a service config is a "
            "few KiB",
        )


def parse_json_object(
    body: bytes | str, what: str, *, invalid: Callable[[str], ApiFailure]
) -> dict[str, Any]:
    """``body`` as a JSON object within the limits above, or ``invalid(why)``: the
    platform's own "invalid parameter" error."""
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
        data = json_numbers.loads(text) if text else None
    except UnicodeDecodeError as err:
        raise invalid(f"{what} is not UTF-8 (byte {err.start})") from None
    except RecursionError:
        raise invalid(f"{what} is nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as err:  # JSONDecodeError, and the hooks' refusals
        raise invalid(f"{what} is not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise invalid(f"{what} must be a JSON object")
    _check_tree(data, what, invalid)
    return data


def _check_tree(data: Any, what: str, invalid: Callable[[str], ApiFailure]) -> None:
    """Depth and text of every value, without recursion (the tree may be deep)."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value, what, invalid)
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            raise invalid(f"{what} is nested more than {MAX_DEPTH} levels deep")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str):
                _check_text(key, what, invalid)
            pending.append((item, depth + 1))


def _check_text(text: str, what: str, invalid: Callable[[str], ApiFailure]) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        bad = text[err.start : err.end]
        raise invalid(f"{what} holds {bad!a}, which is not valid Unicode text") from None
