"""How the ModelArts management API (and the API Gateway and IAM in front of it) speaks.

Bodies are ``{"error_code": "ModelArts.3502", "error_msg": "..."}`` (reference/modelarts.md
§3.1); like the SDK's ``DefaultExceptionHandler`` we also read ``{errorCode, errorMsg}`` and
``{code, message}``, at the top or nested (IAM answers ``{"error": {"code", "message"}}``).
The request id is the body's ``request_id`` (the gateway's bodies carry one, §5.3), else the
``X-Request-Id`` header.

The error table goes by ``error_code`` first (§3.5, OTC error_codes.rst, and the gateway's
``APIGW.``/``APIG.`` codes), then by HTTP status (status_code.rst); any other answer is a
plain ``ApiError`` (exit 3).

Retried: transport errors (``_retry.transport_failure``), 408, 429 and the throttling codes
(honouring ``Retry-After``), ``ModelArts.5044`` ("try again later", a 409), and every 5xx but
the two 500s no retry can fix. Never: 400, 401, 403, 404, 409 — they fail the same way again,
and the gateway locks an AK for 5 minutes after 5 failed signatures in a row (API signing
guide, "APIG.0301" FAQ).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from deploykit.clients._api import AnswerFields, Dialect, ErrorRule
from deploykit.errors import ApiError, AuthError, ConflictError, NotFoundError, ThrottledError

# §3.2 ListModels, §3.3 ListServices and ShowServiceEvents: "Default value: 1000" a page.
PAGE_SIZE = 1000
# reference/modelarts.md §3.1: JSON bodies; the gateway reads the charset from here.
JSON_CONTENT_TYPE = "application/json;charset=UTF-8"

_AUTH_HINT = (
    "check the access key (HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK or the profile), its "
    "permissions for ModelArts, the region's project (HUAWEICLOUD_SDK_PROJECT_ID) and the clock; "
    "after 5 failed signatures in a row a key is locked for 5 minutes"
)
_NOT_FOUND_HINT = "check the name and --region (`deploykit ls --platform modelarts`)"
_CONFLICT_HINT = (
    "the model or service exists already: use `deploykit modify` or `deploykit apply`"
)
_BUSY_HINT = "the service is in a state that does not allow this; wait and retry"
_THROTTLED_HINT = "ModelArts is rate-limiting this account; retry later or lower --concurrency"
_QUOTA_HINT = "a quota is used up: delete unused services or models, or ask for more quota"


def _codes(*codes: str) -> re.Pattern[str]:
    return re.compile("^(" + "|".join(re.escape(code) for code in codes) + ")$")


def _modelarts(*numbers: int) -> tuple[str, ...]:
    return tuple(f"ModelArts.{n:04d}" for n in numbers)


def _gateway(number: str) -> tuple[str, str]:
    # The gateway writes its code family both ways (§5.3 and the API signing guide).
    return (f"APIGW.{number}", f"APIG.{number}")


# §3.5: 429 TooManyRequests / Excessive number of requests / The system is busy now.
THROTTLING_CODES = (*_modelarts(2799, 4206, 6101), *_gateway("0308"))
# §3.5: 409 "Operations conflict, please try again later": the platform asks for a retry.
TRY_AGAIN_CODES = ("ModelArts.5044",)
# 500s that fail the same way every time: the model is deployed / over 20 GB.
FINAL_SERVER_CODES = _modelarts(3009, 3044)
# §3.5 (status_code.rst): 408 "the client may repeat the request without modifications",
# 429 "resend after the time specified in the Retry-After header".
RETRYABLE_STATUSES = frozenset({408, 429})

# First match wins: codes first, then statuses.
ERROR_RULES: tuple[ErrorRule, ...] = (
    ErrorRule(ThrottledError, _THROTTLED_HINT, codes=_codes(*THROTTLING_CODES)),
    # 401/403: token missing/expired/invalid (0201-0212; 0206 invalid AK/SK; 0210 the URL's
    # project is not the token's), 4127, 5001/5002; the gateway's signature refusal.
    ErrorRule(
        AuthError,
        _AUTH_HINT,
        codes=_codes(*_modelarts(*range(201, 213), 4127, 5001, 5002), *_gateway("0301")),
    ),
    # 404 "The API does not exist": a wrong endpoint or path, NOT a missing service — a
    # NotFoundError here would tell `delete` and the waiter that the service is gone.
    ErrorRule(
        ApiError,
        "check --endpoint and --region: this ModelArts API does not exist there",
        codes=_codes(*_gateway("0101")),
    ),
    # Model ({0}) does not exist / Service {name} does not exist.
    ErrorRule(NotFoundError, _NOT_FOUND_HINT, codes=_codes(*_modelarts(3001, 3502))),
    # Model ({0}, {1}) already exists / Service {name} already exists.
    ErrorRule(ConflictError, _CONFLICT_HINT, codes=_codes(*_modelarts(3002, 3503))),
    # §3.3: "Services only in one of states in [deploying, running, stopping, deleting] can be
    # updated." (its HTTP status is not documented; by code, so it does not matter).
    ErrorRule(ConflictError, _BUSY_HINT, codes=_codes(*TRY_AGAIN_CODES, "ModelArts.3519")),
    ErrorRule(
        ConflictError,
        "the model is still being published; wait until its status is 'published', then deploy",
        codes=_codes("ModelArts.3515"),
    ),
    ErrorRule(
        ApiError,
        "run `deploykit validate` on the model's config.json and fix what it reports",
        codes=_codes(*_modelarts(3015, 3016)),
    ),
    ErrorRule(ApiError, _QUOTA_HINT, codes=_codes(*_modelarts(3520, 3521, 3522, 3561, 3578))),
    # §3.3: the security group must allow inbound TCP 8080 from 0.0.0.0/0.
    ErrorRule(
        ApiError,
        "allow inbound TCP 8080 from 0.0.0.0/0 in the service's security group",
        codes=_codes("ModelArts.3534"),
    ),
    ErrorRule(
        ConflictError,
        "the model is used by a service: delete the service first",
        codes=_codes("ModelArts.3009"),
    ),
    ErrorRule(
        ApiError, "ModelArts cannot import model files over 20 GB", codes=_codes("ModelArts.3044")
    ),
    # By status, for answers without a known code (§3.5 status_code.rst).
    ErrorRule(AuthError, _AUTH_HINT, statuses=frozenset({401, 403})),
    ErrorRule(NotFoundError, _NOT_FOUND_HINT, statuses=frozenset({404})),
    ErrorRule(ConflictError, _CONFLICT_HINT, statuses=frozenset({409})),
    ErrorRule(ThrottledError, _THROTTLED_HINT, statuses=frozenset({429})),
    ErrorRule(ApiError, "ModelArts timed out reading the request", statuses=frozenset({408})),
)

# Body fields, in the SDK's order of preference (PYSDK exceptions/exception_handler.py).
_FIELD_PAIRS = (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message"))


class ModelArtsDialect(Dialect):
    api = "ModelArts"
    # §3.1: the request id of every answer, errors included.
    request_id_header = "X-Request-Id"
    error_rules = ERROR_RULES

    def operation_headers(self, action: str, *, has_body: bool) -> dict[str, str]:
        # The path says what the operation is; only a body needs saying what it is.
        return {"Content-Type": JSON_CONTENT_TYPE} if has_body else {}

    def answer_fields(self, body: Mapping[str, Any]) -> AnswerFields:
        code, message = _find_code_and_message(body) or (None, None)
        # IAM puts the HTTP status in "code" ({"error": {"code": 401, ...}}): no error code.
        if code is not None and str(code).isdigit():
            code = None
        request_id = body.get("request_id")
        return AnswerFields(
            str(code) if code else None,
            str(message) if message else None,
            str(request_id) if request_id else None,
        )

    def is_retryable(self, status: int, code: str | None) -> bool:
        if code in FINAL_SERVER_CODES:
            return False
        if code in THROTTLING_CODES or code in TRY_AGAIN_CODES:
            return True
        # Every 5xx, 503 included. The status table says 503 "Do not retry before
        # modification"; that sentence is the generic table's and most likely an artefact
        # (reference §8 item 9): a 503 from a gateway is nearly always transient, and a
        # bounded retry costs a few seconds, where giving up costs the user a rerun.
        return status in RETRYABLE_STATUSES or status >= 500

    def is_refusal(self, status: int, code: str | None) -> bool:
        # A 4xx worth retrying (408, 429, 5044) was refused before any work; a 5xx may have
        # done its work, so a create is resolved by listing before it is sent again.
        return status < 500


def _find_code_and_message(body: Mapping[str, Any]) -> tuple[Any, Any] | None:
    for code_key, message_key in _FIELD_PAIRS:
        if code_key in body and message_key in body:
            return body[code_key], body[message_key]
    for value in body.values():
        if isinstance(value, Mapping):
            found = _find_code_and_message(value)
            if found is not None:
                return found
    return None


MODELARTS_DIALECT = ModelArtsDialect()
