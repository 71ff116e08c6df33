"""Server-side SDK-HMAC-SHA256 verification, with the client's own canonical form.

The canonical request is rebuilt by ``deploykit.clients.huawei._signer.canonical_request``
(one implementation for signing and checking) over the headers the client listed in
``SignedHeaders``: the Python SDK signs every header it sets, the Go SDK only ``x-sdk-date``
(reference/modelarts.md §4.3, V4/V5), ours every header but the transport ones, and all must
pass. Only ``x-sdk-date`` must be signed (§4.2, api-sign-exclude-header).

The answer is data, not an exception, so the emulator maps it to Huawei's error shape
``{"error_code": "APIGW.0301", "error_msg": …}`` with :attr:`SignatureRejection.status`.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from pydantic import SecretStr

from deploykit.clients.huawei._signer import (
    DATE_FORMAT,
    HEADER_CONTENT_SHA256,
    HEADER_DATE,
    UNSIGNED_PAYLOAD,
    canonical_request,
    header_table,
    parse_authorization,
    payload_hash,
    signature,
    split_target,
    string_to_sign,
)

# reference/modelarts.md §4.2: X-Sdk-Date "must be within 15 minutes" of the server's time.
MAX_CLOCK_SKEW = 15 * 60.0
# §3.5 and §5.3: the gateway answers every AK/SK failure with HTTP 401 APIGW.0301.
REJECTION_STATUS = 401
REJECTION_CODE = "APIGW.0301"
_PREFIX = "Incorrect IAM authentication information: "


class SignatureProblem(enum.Enum):
    """Why a request's signature was refused."""

    MISSING_AUTHORIZATION = "missing-authorization"
    MALFORMED_AUTHORIZATION = "malformed-authorization"
    UNKNOWN_ACCESS_KEY = "unknown-access-key"
    BAD_DATE = "bad-date"
    DATE_SKEWED = "date-skewed"
    SIGNATURE_MISMATCH = "signature-mismatch"


@dataclass(frozen=True)
class SignatureRejection:
    """A refused request: the emulator answers ``status`` with
    ``{"error_code": error_code, "error_msg": error_msg}``."""

    problem: SignatureProblem
    error_msg: str
    status: int = REJECTION_STATUS
    error_code: str = REJECTION_CODE


def verify_signature(
    method: str,
    raw_path: bytes,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    credentials: Mapping[str, SecretStr],
    now: float,
) -> SignatureRejection | None:
    """None when the request is signed by a key in ``credentials`` (AK → SK) within the clock
    window, else the first problem found. ``raw_path`` is the target as sent, query included.

    Messages follow the gateway's (§5.3 and the "Common Errors Related to IAM Authentication
    Information" page of the API signing guide); none repeats a secret or the key id.
    """
    table = header_table(headers)
    auth_value = table.get("authorization")
    if auth_value is None:
        # The gateway's words when a request carries neither a token nor a signature.
        return _reject(SignatureProblem.MISSING_AUTHORIZATION, "x-auth-token not found")
    auth = parse_authorization(auth_value)
    if auth is None:
        return _reject(
            SignatureProblem.MALFORMED_AUTHORIZATION,
            "Authorization is not 'SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…'",
        )
    secret = credentials.get(auth.access_key_id)
    if secret is None:
        return _reject(
            SignatureProblem.UNKNOWN_ACCESS_KEY, "Get secretKey failed,ak:******,err:ak not exist"
        )
    date = table.get(HEADER_DATE.lower())
    if date is None or HEADER_DATE.lower() not in auth.signed_headers:
        return _reject(SignatureProblem.BAD_DATE, "X-Sdk-Date must be sent and signed")
    skewed = _check_date(date, now)
    if skewed is not None:
        return skewed
    declared = table.get(HEADER_CONTENT_SHA256.lower())
    if body and declared and declared != UNSIGNED_PAYLOAD and not hmac.compare_digest(
        declared, hashlib.sha256(body).hexdigest()
    ):
        return _reject(SignatureProblem.SIGNATURE_MISMATCH, "x-sdk-content-sha256 mismatch")
    path, query = split_target(raw_path)
    canonical = canonical_request(
        method, path, query, table, auth.signed_headers, payload_hash(body, declared)
    )
    expected = signature(secret.get_secret_value(), string_to_sign(canonical, date))
    if not hmac.compare_digest(expected, auth.signature):
        return _reject(SignatureProblem.SIGNATURE_MISMATCH, "verify aksk signature fail")
    return None


def _check_date(value: str, now: float) -> SignatureRejection | None:
    try:
        sent = datetime.strptime(value, DATE_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        return _reject(SignatureProblem.BAD_DATE, f"X-Sdk-Date {value!r} is not YYYYMMDDTHHMMSSZ")
    if abs(now - sent.timestamp()) > MAX_CLOCK_SKEW:
        # huaweicloud/huaweicloud-sdk-java-v3#44 quotes this message (§4.2).
        server = datetime.fromtimestamp(now, timezone.utc).strftime(DATE_FORMAT)
        return _reject(
            SignatureProblem.DATE_SKEWED,
            f"signature expired, signature time:{value}, server time:{server}",
        )
    return None


def _reject(problem: SignatureProblem, detail: str) -> SignatureRejection:
    return SignatureRejection(problem, _PREFIX + detail)
