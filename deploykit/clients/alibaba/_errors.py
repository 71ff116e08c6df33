"""EAS error answers → deploykit's typed errors, as one table.

Error bodies are ``{"RequestId","HostId","Code","Message"}`` plus EAS's ``HttpCode`` and
``Success`` (reference/eas.md §3.6). No official EAS error-code table exists (§7), so the
mapping goes by HTTP status first and by the codes seen in SDKs and Terraform second; an
unknown 4xx is a plain ``ApiError`` (exit 3, never retried).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import httpx

from deploykit.clients._retry import (
    THROTTLING_CODES,
    RetryableFailure,
    is_retryable_answer,
    retry_after_seconds,
)
from deploykit.errors import (
    ApiError,
    AuthError,
    ConflictError,
    NotFoundError,
    ThrottledError,
)


@dataclass(frozen=True)
class ErrorKind:
    cls: type[ApiError]
    hint: str


# First match wins. (HTTP statuses, code pattern) → class and the fix shown to the user.
# Codes: InvalidService.NotFound (Terraform), Forbidden.PrivilegeCheckFailed (agentscope
# deployer), the signature/key family shared by every Alibaba Cloud API (V3 signature doc).
_KINDS: tuple[tuple[frozenset[int], re.Pattern[str] | None, ErrorKind], ...] = (
    (
        frozenset(),
        re.compile(r"^(Throttling.*|Rejected\.Throttling)$"),
        ErrorKind(ThrottledError, "the API is rate-limiting this account; retry later or "
                  "lower --concurrency"),
    ),
    (
        frozenset({401, 403}),
        re.compile(
            r"^(InvalidAccessKeyId.*|SignatureDoesNotMatch|IncompleteSignature|"
            r"InvalidSecurityToken.*|Forbidden.*|NoPermission.*|SignatureNonceUsed|"
            r"InvalidTimeStamp.*|Unauthorized.*)$"
        ),
        ErrorKind(AuthError, "check the access key (deploykit config, or "
                  "ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET), its RAM permissions and the clock"),
    ),
    (
        frozenset({404}),
        re.compile(r".*NotFound$|^NotFound.*"),
        ErrorKind(NotFoundError, "check the service name and --region (`deploykit ls`)"),
    ),
    (
        frozenset({409}),
        re.compile(r".*(AlreadyExist|Conflict|Duplicate).*"),
        ErrorKind(ConflictError, "the service exists or is busy: use `deploykit modify` or "
                  "`deploykit apply`, or wait for the current operation to finish"),
    ),
)


def error_from_response(response: httpx.Response, what: str) -> ApiError | RetryableFailure:
    """The typed error for a failed answer, or a :class:`RetryableFailure` wrapping it."""
    code, message, request_id = _fields(response)
    status = response.status_code
    kind = _kind(status, code)
    if kind is not None:
        error: ApiError = kind.cls(
            f"{what}: {message}", code=code, status=status, request_id=request_id, hint=kind.hint
        )
    else:
        error = ApiError(f"{what}: {message}", code=code, status=status, request_id=request_id)
    if not is_retryable_answer(status, code):
        return error
    # A throttled request was refused before it did anything; a 5xx may have done its work.
    throttled = bool(code and THROTTLING_CODES.match(code))
    return RetryableFailure(
        error, retry_after=retry_after_seconds(response), maybe_applied=not throttled
    )


def _kind(status: int, code: str | None) -> ErrorKind | None:
    for statuses, pattern, kind in _KINDS:
        if status in statuses or (code and pattern is not None and pattern.match(code)):
            return kind
    return None


def _fields(response: httpx.Response) -> tuple[str | None, str, str | None]:
    request_id = response.headers.get("x-acs-request-id")
    try:
        body = json.loads(response.content) if response.content else {}
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    code = body.get("Code") or body.get("code")
    message = body.get("Message") or body.get("message") or response.reason_phrase or "error"
    request_id = body.get("RequestId") or body.get("requestId") or request_id
    return (
        str(code) if code else None,
        str(message),
        str(request_id) if request_id else None,
    )
