"""The error answers the ModelArts emulator gives: one table of codes, one exception, one body.

Body shape (reference/modelarts.md §3.1): ``{"error_code": "ModelArts.3502", "error_msg":
"..."}`` with the request id in the ``X-Request-Id`` header. Codes, statuses and messages are
§3.5's (OTC error_codes.rst) unless a row says GUESS.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from deploykit.emulator._cloud_api import ApiFailure


@dataclass(frozen=True)
class ErrorRow:
    status: int
    message: str  # the documented message; call sites fill its {0}/{1} or give their own


ERRORS: dict[str, ErrorRow] = {
    "ModelArts.0104": ErrorRow(400, "Parameter error"),
    "ModelArts.3036": ErrorRow(400, "Parameter ({0}) is required"),
    "ModelArts.3037": ErrorRow(400, "Parameter ({0}:{1}) is invalid"),
    "ModelArts.3515": ErrorRow(
        400, "model cannot be used for deploying services because it is still being published"
    ),
    "ModelArts.3519": ErrorRow(
        400, "Services only in one of states in [deploying, running, stopping, deleting] can be "
        "updated."
    ),
    "ModelArts.0210": ErrorRow(403, "The project id in the URL does not match the token"),
    "ModelArts.3001": ErrorRow(404, "Model ({0}) does not exist"),
    "ModelArts.3502": ErrorRow(404, "Service {0} does not exist"),
    "ModelArts.3002": ErrorRow(409, "Model ({0}, {1}) already exists"),
    "ModelArts.3503": ErrorRow(409, "Service {0} already exists"),
    "ModelArts.6101": ErrorRow(429, "The system is busy now. Please try again later."),
    "ModelArts.0010": ErrorRow(500, "Internal error"),
    "ModelArts.3009": ErrorRow(500, "Failed to delete model because it has been deployed"),
    # §3.5/§5.3: the gateway refuses a bad signature or token with 401 APIGW.0301.
    "APIGW.0301": ErrorRow(401, "Incorrect IAM authentication information"),
    # GUESS: the gateway's answer for a path no API is mapped to.
    "APIGW.0101": ErrorRow(404, "The API does not exist or has not been published"),
    # GUESS: a temporary gateway failure (status_code.rst lists 503 without a code).
    "APIGW.0203": ErrorRow(503, "Service unavailable"),
}


class ModelArtsFailure(ApiFailure):
    """An error answer by its code: the status and message come from the table, with ``args``
    filling the message's ``{0}``, ``{1}``; ``message`` replaces it."""

    def __init__(self, code: str, *args: object, message: str | None = None) -> None:
        row = ERRORS[code]
        super().__init__(row.status, code, message or row.message.format(*args))


def new_request_id() -> str:
    """32 hex digits, the shape of the X-Request-Id values in Huawei's answers (§5.3)."""
    return uuid.uuid4().hex
