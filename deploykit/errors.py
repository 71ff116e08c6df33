"""The one exception hierarchy of deploykit.

    DeployKitError                  every error deploykit raises on purpose
    ├── SpecRefused                 a spec or change has errors; nothing was sent (exit 1)
    ├── SpecError                   input could not be read or parsed (exit 2)
    ├── ConversionError             a conversion could not be carried out (exit 2)
    ├── ConfigError                 usage, credentials or configuration missing/invalid (exit 2)
    ├── ApiError                    the management API said no, after retries (exit 3)
    │   ├── AuthError               signature, key or permission refused
    │   ├── NotFoundError           the service does not exist
    │   ├── ConflictError           the service exists already / invalid state
    │   ├── ThrottledError          throttled for longer than retries allow
    │   └── TransportError          the request never got an answer
    ├── DeploymentFailed            the service reached a failed state (exit 4)
    └── WaitTimeout                 --timeout ran out while waiting (exit 5)

No I/O here: callers catch by meaning, the CLI maps classes to exit codes in one place
(``deploykit.cli._exit``).
"""

from __future__ import annotations


class DeployKitError(Exception):
    """Base of every error deploykit raises on purpose.

    ``hint`` is the one-line fix shown after the cause.
    """

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class SpecRefused(DeployKitError):
    """A spec, or the service a change would leave, has errors: nothing was sent. The findings
    themselves are a report the command has shown already; this says what was refused."""


class SpecError(DeployKitError):
    """A spec file could not be read or parsed: unreadable, not UTF-8, broken JSON/YAML, too big.

    ``rule`` is the id of the DK rule that reports it (DK001 unless a more precise one says
    why, e.g. a FIFO that is refused unread); ``pointer`` names the value at fault, if one is.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        rule: str = "DK001",
        pointer: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.line = line
        self.column = column
        self.rule = rule
        self.pointer = pointer

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class ConversionError(DeployKitError):
    """A conversion could not produce any output (not a loss: losses are diagnostics)."""


class ConfigError(DeployKitError):
    """Usage, credentials, profile or endpoint configuration is missing or invalid."""


class ApiError(DeployKitError):
    """The management API answered with an error, or could not be reached, after retries."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.code = code
        self.status = status
        self.request_id = request_id

    def __str__(self) -> str:
        parts = []
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.code:
            parts.append(self.code)
        head = " ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        if self.request_id:
            text += f" [RequestId: {self.request_id}]"
        return text


class AuthError(ApiError):
    """The signature, the access key or the permission was refused (never retried)."""


class NotFoundError(ApiError):
    """The named service (or resource) does not exist."""


class ConflictError(ApiError):
    """The request conflicts with the service's state, e.g. the name is taken."""


class ThrottledError(ApiError):
    """Throttled for longer than the retry budget allows."""


class TransportError(ApiError):
    """No answer: connection refused or dropped, DNS, TLS, or a read timeout."""


class DeploymentFailed(DeployKitError):
    """The service reached a failed state while we waited."""

    def __init__(self, message: str, *, status: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class WaitTimeout(DeployKitError):
    """``--timeout`` ran out while waiting; the service may still be progressing."""

    def __init__(
        self, message: str, *, last_status: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.last_status = last_status
