"""How the PAI-EAS management API speaks: operation headers, the error table, retry hints.

Error bodies are ``{"RequestId","HostId","Code","Message"}`` plus EAS's ``HttpCode`` and
``Success`` (reference/eas.md §3.6). No official EAS error-code table exists (§7), so the
mapping goes by HTTP status first and by the codes seen in SDKs and Terraform second; an
unknown 4xx is a plain ``ApiError`` (exit 3, never retried).

Retried (§3.6, Terraform ``NeedRetry`` and the tea-openapi client): HTTP 5xx and the codes
``Throttling*``, ``ServiceUnavailable`` and ``Rejected.Throttling``. A throttled answer
carries ``x-acs-retry-after`` in milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import httpx

from deploykit.clients._api import AnswerFields, Dialect, ErrorRule
from deploykit.errors import AuthError, ConflictError, NotFoundError, ThrottledError

API_VERSION = "2021-07-01"  # reference/eas.md §3.1
# reference/eas.md §3.1: the SDK sends JSON bodies with this content type.
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# reference/eas.md §3.6: Terraform's NeedRetry codes; "Throttling*" covers Throttling.User/.Api.
RETRYABLE_CODES = re.compile(r"^(Throttling.*|ServiceUnavailable|Rejected\.Throttling)$")
THROTTLING_CODES = re.compile(r"^(Throttling.*|Rejected\.Throttling)$")

# First match wins. Codes: InvalidService.NotFound (Terraform), Forbidden.PrivilegeCheckFailed
# (agentscope deployer), the signature/key family shared by every Alibaba Cloud API (V3
# signature doc).
ERROR_RULES: tuple[ErrorRule, ...] = (
    ErrorRule(
        ThrottledError,
        "the API is rate-limiting this account; retry later or lower --concurrency",
        codes=THROTTLING_CODES,
    ),
    ErrorRule(
        AuthError,
        "check the access key (deploykit config, or ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET), its "
        "RAM permissions and the clock",
        statuses=frozenset({401, 403}),
        codes=re.compile(
            r"^(InvalidAccessKeyId.*|SignatureDoesNotMatch|IncompleteSignature|"
            r"InvalidSecurityToken.*|Forbidden.*|NoPermission.*|SignatureNonceUsed|"
            r"InvalidTimeStamp.*|Unauthorized.*)$"
        ),
    ),
    ErrorRule(
        NotFoundError,
        "check the service name and --region (`deploykit ls`)",
        statuses=frozenset({404}),
        codes=re.compile(r".*NotFound$|^NotFound.*"),
    ),
    ErrorRule(
        ConflictError,
        "the service exists or is busy: use `deploykit modify` or `deploykit apply`, or wait "
        "for the current operation to finish",
        statuses=frozenset({409}),
        codes=re.compile(r".*(AlreadyExist|Conflict|Duplicate).*"),
    ),
)


class EasDialect(Dialect):
    api = "PAI-EAS"
    # reference/eas.md §3.6: every answer, errors included, names its request.
    request_id_header = "x-acs-request-id"
    error_rules = ERROR_RULES

    def operation_headers(self, action: str, *, has_body: bool) -> dict[str, str]:
        # reference/eas.md §3.1: the action and version headers go on every V3 call; Acs3Auth
        # signs them with the rest of the x-acs-* family.
        headers = {"x-acs-action": action, "x-acs-version": API_VERSION}
        if has_body:
            headers["content-type"] = JSON_CONTENT_TYPE
        return headers

    def answer_fields(self, body: Mapping[str, Any]) -> AnswerFields:
        code = body.get("Code") or body.get("code")
        message = body.get("Message") or body.get("message")
        request_id = body.get("RequestId") or body.get("requestId")
        return AnswerFields(
            str(code) if code else None,
            str(message) if message else None,
            str(request_id) if request_id else None,
        )

    def is_retryable(self, status: int, code: str | None) -> bool:
        return status >= 500 or bool(code and RETRYABLE_CODES.match(code))

    def is_refusal(self, status: int, code: str | None) -> bool:
        # A throttled request was refused before it did anything; a 5xx may have done its work.
        return bool(code and THROTTLING_CODES.match(code))

    def retry_after(self, response: httpx.Response) -> float | None:
        """``x-acs-retry-after`` in ms (reference/eas.md §3.6), else ``Retry-After``."""
        acs = response.headers.get("x-acs-retry-after")
        if acs and acs.strip().isdigit() and int(acs) > 0:
            return int(acs) / 1000.0
        return super().retry_after(response)


EAS_DIALECT = EasDialect()
