"""The error answers the EAS emulator gives: one table of codes, one exception, one body shape.

Body shape (reference/eas.md §3.6, a real EAS answer quoted in aliyun/darabonba-openapi#190):
``{"RequestId","HostId","Code","Message","HttpCode","Success":false}``.

Where a code or its HTTP status is not documented for EAS, the row says GUESS and follows the
Alibaba Cloud gateway's common codes; clients should classify by code family (``Throttling*``,
``InvalidAccessKeyId*``, …) and by status class, which is what these keep realistic.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from deploykit.emulator._cloud_api import ApiFailure

# The HostId EAS answers with looks like a pod name ("eas-apiserver-6b9ccffc5f-bq8j8", §3.6).
HOST_ID = "eas-apiserver-emulator"


@dataclass(frozen=True)
class ErrorKind:
    status: int
    message: str  # default message; call sites may give a more specific one


ERRORS: dict[str, ErrorKind] = {
    # reference/eas.md §3.6: CreateService with no name → HTTP 409 InvalidParameter.
    "InvalidParameter": ErrorKind(409, "The parameter is invalid"),
    # §3.6: Terraform treats this code as "gone"; message from the aiops pai-rec skill.
    "InvalidService.NotFound": ErrorKind(404, "The specified service does not exist"),
    # GUESS: DescribeServiceLog for an instance the service does not have.
    "InvalidInstance.NotFound": ErrorKind(404, "The specified instance does not exist"),
    # GUESS: no EAS source names the duplicate-name error; 409 Conflict as for InvalidParameter.
    "ServiceAlreadyExists": ErrorKind(409, "The service already exists"),
    # GUESS: an operation the service's current status does not allow (e.g. while Deleting).
    "InvalidServiceStatus": ErrorKind(409, "The operation is not allowed in the current status"),
    # Alibaba Cloud common error codes (help/doc-detail/69008): 404 for an unknown AccessKey.
    "InvalidAccessKeyId.NotFound": ErrorKind(
        404, "The AccessKey ID provided does not exist in our records."
    ),
    # GUESS (gateway common codes, HTTP 400): the rest of the signature family.
    "IncompleteSignature": ErrorKind(400, "The request signature does not conform to standards."),
    "SignatureDoesNotMatch": ErrorKind(
        400, "Specified signature is not matched with our calculation."
    ),
    "InvalidTimeStamp.Expired": ErrorKind(
        400, "Specified time stamp or date value is expired (more than 15 minutes off)."
    ),
    "InvalidTimeStamp.Format": ErrorKind(400, "Specified x-acs-date is not in ISO 8601 UTC."),
    "SignatureNonceUsed": ErrorKind(400, "Specified signature nonce was used already."),
    "MissingParameter": ErrorKind(400, "A required header or parameter is missing."),
    # GUESS: the gateway's answer for a path/method no API is mapped to.
    "InvalidAction.NotFound": ErrorKind(
        404, "Specified api is not found, please check your url and method."
    ),
    # §3.6: the throttling fixture in darabonba-openapi's client tests (HTTP 400 + retry-after).
    "Throttling.User": ErrorKind(400, "Request was denied due to user flow control."),
    # §3.6: Terraform's NeedRetry lists ServiceUnavailable; 5xx of either kind is retryable.
    "ServiceUnavailable": ErrorKind(
        503, "The request has failed due to a temporary failure of the server."
    ),
    "InternalError": ErrorKind(500, "The request processing has failed due to some unknown error."),
    # GUESS: no body limit or its error is documented (reference/eas.md §7); 413 is HTTP's.
    "RequestBodyTooLarge": ErrorKind(413, "The request body is too large."),
}


class EasFailure(ApiFailure):
    """An EAS error answer by its code: the status and default message come from the table."""

    def __init__(self, code: str, message: str | None = None) -> None:
        kind = ERRORS[code]
        super().__init__(kind.status, code, message or kind.message)


def new_request_id() -> str:
    """Upper-case UUID, the shape of every RequestId in the reference examples."""
    return str(uuid.uuid4()).upper()


def error_body(failure: ApiFailure, request_id: str) -> dict[str, Any]:
    return {
        "RequestId": request_id,
        "HostId": HOST_ID,
        "Code": failure.code,
        "Message": failure.message,
        "HttpCode": failure.status,
        "Success": False,
    }
