"""ModelArts, API Gateway and IAM error answers → deploykit's typed errors, as two tables.

Bodies are ``{"error_code": "ModelArts.3502", "error_msg": "..."}`` (reference/modelarts.md
§3.1); like the SDK's ``DefaultExceptionHandler`` we also read ``{errorCode, errorMsg}`` and
``{code, message}``, at the top or nested (IAM answers ``{"error": {"code", "message"}}``).
The request id is the ``X-Request-Id`` header, else the body's ``request_id`` (the gateway's
bodies carry one, §5.3).

Lookup: the ``error_code`` first (:data:`ERROR_CODES`, §3.5), then the HTTP status
(:data:`STATUS_KINDS`); any other 4xx is a plain ``ApiError`` and any 5xx a retryable one.

Retried: transport errors (``_retry.transport_failure``), 408, 429 and the throttling codes
(honouring ``Retry-After``), every 5xx, and ``ModelArts.5044`` ("try again later", a 409).
Never: 400, 401, 403, 404, 409 — they fail the same way again, and the gateway locks an AK
for 5 minutes after 5 failed signatures in a row (API signing guide, "APIG.0301" FAQ).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from deploykit.clients._retry import RetryableFailure, retry_after_seconds
from deploykit.errors import ApiError, AuthError, ConflictError, NotFoundError, ThrottledError


@dataclass(frozen=True)
class ErrorKind:
    """What an answer means: the error class, whether to try again, the fix shown."""

    cls: type[ApiError]
    retryable: bool = False
    hint: str | None = None


_AUTH = ErrorKind(
    AuthError,
    hint="check the access key (HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK or the profile) or the IAM "
    "user's password, the permissions for ModelArts, the region's project "
    "(HUAWEICLOUD_SDK_PROJECT_ID) and the clock; after 5 failed signatures in a row a key is "
    "locked for 5 minutes",
)
_NOT_FOUND = ErrorKind(
    NotFoundError, hint="check the name and --region (`deploykit ls --platform modelarts`)"
)
_CONFLICT = ErrorKind(
    ConflictError,
    hint="the model or service exists already: use `deploykit modify` or `deploykit apply`",
)
_BUSY = ErrorKind(
    ConflictError, hint="the service is in a state that does not allow this; wait and retry"
)
_THROTTLED = ErrorKind(
    ThrottledError, retryable=True, hint="ModelArts is rate-limiting this account; retry later "
    "or lower --concurrency",
)
_QUOTA = ErrorKind(
    ApiError, hint="a quota is used up: delete unused services or models, or ask for more quota"
)
# 404 "The API does not exist": a wrong endpoint or path, NOT a missing service — a
# NotFoundError here would tell `delete` and the waiter that the service is gone.
_NO_SUCH_API = ErrorKind(
    ApiError, hint="check --endpoint and --region: this ModelArts API does not exist there"
)
_CONFIG = ErrorKind(
    ApiError, hint="run `deploykit validate` on the model's config.json and fix what it reports"
)

# reference/modelarts.md §3.5 (OTC appendix/error_codes.rst), plus the gateway's codes (§5.3
# and the API signing guide's error table); the gateway writes "APIGW." or "APIG.".
ERROR_CODES: dict[str, ErrorKind] = {
    # 401/403: token missing/expired/invalid (0201-0212; 0206 invalid AK/SK; 0210 the URL's
    # project is not the token's), 4127, 5001/5002.
    **{f"ModelArts.{n:04d}": _AUTH for n in (*range(201, 213), 4127, 5001, 5002)},
    **{f"{gw}.0301": _AUTH for gw in ("APIGW", "APIG")},
    **{f"{gw}.0101": _NO_SUCH_API for gw in ("APIGW", "APIG")},
    **{f"{gw}.0308": _THROTTLED for gw in ("APIGW", "APIG")},
    "ModelArts.3001": _NOT_FOUND,  # Model ({0}) does not exist
    "ModelArts.3502": _NOT_FOUND,  # Service {name} does not exist
    "ModelArts.3002": _CONFLICT,  # Model ({0}, {1}) already exists
    "ModelArts.3503": _CONFLICT,  # Service {name} already exists
    # 409 "Operations conflict, please try again later": the platform asks for a retry.
    "ModelArts.5044": ErrorKind(ConflictError, retryable=True, hint=_BUSY.hint),
    # 429: TooManyRequests / Excessive number of requests / The system is busy now.
    "ModelArts.2799": _THROTTLED,
    "ModelArts.4206": _THROTTLED,
    "ModelArts.6101": _THROTTLED,
    # §3.3: "Services only in one of states in [deploying, running, stopping, deleting] can be
    # updated." (HTTP status not documented; by code, so it does not matter).
    "ModelArts.3519": _BUSY,
    "ModelArts.3515": ErrorKind(
        ConflictError, hint="the model is still being published; wait until its status is "
        "'published', then deploy"
    ),
    "ModelArts.3015": _CONFIG,  # Config json file does not conform to the specification.
    "ModelArts.3016": _CONFIG,  # ... unsupported fields, types, or formats
    **{f"ModelArts.{n}": _QUOTA for n in (3520, 3521, 3522, 3561, 3578)},
    # §3.3: the security group must allow inbound TCP 8080 from 0.0.0.0/0.
    "ModelArts.3534": ErrorKind(
        ApiError, hint="allow inbound TCP 8080 from 0.0.0.0/0 in the service's security group"
    ),
    # 500s that no retry can fix: the model is deployed / the model is over 20 GB.
    "ModelArts.3009": ErrorKind(
        ConflictError, hint="the model is used by a service: delete the service first"
    ),
    "ModelArts.3044": ErrorKind(ApiError, hint="ModelArts cannot import model files over 20 GB"),
}

# reference/modelarts.md §3.5 (OTC appendix/status_code.rst), for answers without a known code.
STATUS_KINDS: dict[int, ErrorKind] = {
    401: _AUTH,
    403: _AUTH,
    404: _NOT_FOUND,
    # "the client may repeat the request without modifications"
    408: ErrorKind(ApiError, retryable=True, hint="ModelArts timed out reading the request"),
    409: _CONFLICT,
    429: _THROTTLED,
}
# The status table says 503 "Do not retry before modification"; that sentence is the generic
# table's and most likely an artefact (§8 item 9): a 503 from a gateway is nearly always
# transient, and a bounded retry costs a few seconds. So every 5xx is retried.
_SERVER = ErrorKind(ApiError, retryable=True)
_CLIENT = ErrorKind(ApiError)

# Body fields, in the SDK's order of preference (PYSDK exceptions/exception_handler.py).
_FIELD_PAIRS = (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message"))


@dataclass(frozen=True)
class ErrorFields:
    """What an error answer says: ``error_code``, ``error_msg`` and the request id."""

    code: str | None
    message: str
    request_id: str | None


def error_kind(status: int, code: str | None) -> ErrorKind:
    """The row for this answer: by ``error_code`` first, then by HTTP status."""
    if code and code in ERROR_CODES:
        return ERROR_CODES[code]
    if status in STATUS_KINDS:
        return STATUS_KINDS[status]
    return _SERVER if status >= 500 else _CLIENT


def is_retryable_answer(status: int, code: str | None) -> bool:
    return error_kind(status, code).retryable


def error_from_response(response: httpx.Response, what: str) -> ApiError | RetryableFailure:
    """The typed error for a failed answer, or a :class:`RetryableFailure` wrapping it.

    The message reads ``HTTP 404 ModelArts.3502: {what}: {error_msg} [RequestId: …]``.
    """
    fields = error_fields(response)
    status = response.status_code
    kind = error_kind(status, fields.code)
    error = kind.cls(
        f"{what}: {fields.message}",
        code=fields.code,
        status=status,
        request_id=fields.request_id,
        hint=kind.hint,
    )
    if not kind.retryable:
        return error
    # A 4xx worth retrying (408, 429, 5044) was refused before any work; a 5xx may have
    # done its work, so the caller resolves the outcome before sending a create again.
    return RetryableFailure(
        error, retry_after=retry_after_seconds(response), maybe_applied=status >= 500
    )


def error_fields(response: httpx.Response) -> ErrorFields:
    """``error_code``/``error_msg``/request id from any of the body shapes the SDK reads."""
    try:
        body: Any = json.loads(response.content) if response.content else {}
    except ValueError:
        body = {}  # an HTML page from a proxy: its reason phrase says enough
    body = body if isinstance(body, dict) else {}
    code, message = _find_code_and_message(body) or (None, None)
    # IAM puts the HTTP status in "code" (e.g. 401): that is no error code.
    if code is not None and str(code) == str(response.status_code):
        code = None
    request_id = response.headers.get("x-request-id") or body.get("request_id")
    return ErrorFields(
        code=str(code) if code else None,
        message=str(message) if message else (response.reason_phrase or "error"),
        request_id=str(request_id) if request_id else None,
    )


def _find_code_and_message(body: dict[str, Any]) -> tuple[Any, Any] | None:
    for code_key, message_key in _FIELD_PAIRS:
        if code_key in body and message_key in body:
            return body[code_key], body[message_key]
    for value in body.values():
        if isinstance(value, dict):
            found = _find_code_and_message(value)
            if found is not None:
                return found
    return None
