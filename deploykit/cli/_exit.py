"""Exit codes (PRODUCT.md "Exit codes") and the one place errors become them.

With ``--format json`` a deploy command's error is also one JSON object on stdout (PRODUCT.md
"create output"): ``{"event": "error", "exit": 3, "code": …, "message": …, "request_id": …,
"hint": …}``, every key present, ``null`` when unknown. ``code`` is the API's error code, or
the kind of error (``ConfigError``, ``WaitTimeout``, ``UsageError``, …) when the API gave none.
"""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

from deploykit.errors import (
    ApiError,
    ConfigError,
    ConversionError,
    DeployKitError,
    DeploymentFailed,
    SpecError,
    SpecRefused,
    WaitTimeout,
)


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # findings at or above --fail-on; a loss with --fail-on-loss
    USAGE = 2  # usage, unreadable/unparsable input, missing credentials or configuration
    API = 3  # API error after retries
    DEPLOYMENT_FAILED = 4
    TIMEOUT = 5
    INTERNAL = 70  # a bug in deploykit (EX_SOFTWARE); never expected, always reported
    INTERRUPTED = 130


_BY_ERROR: tuple[tuple[type[DeployKitError], ExitCode], ...] = (
    (SpecRefused, ExitCode.FINDINGS),
    (SpecError, ExitCode.USAGE),
    (ConversionError, ExitCode.USAGE),
    (ConfigError, ExitCode.USAGE),
    (ApiError, ExitCode.API),
    (DeploymentFailed, ExitCode.DEPLOYMENT_FAILED),
    (WaitTimeout, ExitCode.TIMEOUT),
)


def exit_code_for(error: DeployKitError) -> ExitCode:
    for cls, code in _BY_ERROR:
        if isinstance(error, cls):
            return code
    return ExitCode.USAGE


def error_event(
    exit_code: ExitCode, code: str, message: str, *, request_id: str | None = None,
    hint: str | None = None,
) -> str:
    """The error as one NDJSON line. ASCII only: a message quoting input that is not valid
    UTF-8 (a lone surrogate) must still be printable."""
    event: dict[str, Any] = {"event": "error", "exit": int(exit_code), "code": code,
                             "message": message, "request_id": request_id, "hint": hint}
    return json.dumps(event, ensure_ascii=True)


def deploykit_error_event(error: DeployKitError) -> str:
    """:func:`error_event` for an error deploykit raised: the same text as the stderr line."""
    if isinstance(error, ApiError):
        return error_event(exit_code_for(error), error.code or type(error).__name__,
                           error.message, request_id=error.request_id, hint=error.hint)
    return error_event(exit_code_for(error), type(error).__name__, str(error), hint=error.hint)
