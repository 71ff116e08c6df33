"""Exit codes (PRODUCT.md "Exit codes") and the one place errors become them."""

from __future__ import annotations

from enum import IntEnum

from deploykit.errors import (
    ApiError,
    ConfigError,
    ConversionError,
    DeployKitError,
    DeploymentFailed,
    SpecError,
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
