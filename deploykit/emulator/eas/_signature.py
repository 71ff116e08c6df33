"""Server-side ACS3-HMAC-SHA256 verification, with the client's own canonical form.

The canonical request is rebuilt by ``deploykit.clients.alibaba._signer.canonical_request``
(one implementation for signing and checking) over the headers the client listed in
``SignedHeaders`` — the official Python SDK signs every header it sends, ours signs the
documented set, and both must pass (reference/eas.md §4.1, "SDK behaviour").
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone

from pydantic import SecretStr

from deploykit.clients.alibaba._signer import (
    canonical_request,
    parse_authorization,
    signature,
    split_raw_path,
)
from deploykit.emulator.eas._errors import EasFailure

# reference/eas.md §4.1: x-acs-date "must be within 15 minutes" of the server's time.
MAX_CLOCK_SKEW = 15 * 60.0
# A nonce is remembered for as long as a request carrying it could still be accepted.
NONCE_MEMORY = 2 * MAX_CLOCK_SKEW
# Headers a signature must cover, or a replay/tamper check could be bypassed.
_MUST_SIGN = ("host", "x-acs-content-sha256", "x-acs-date", "x-acs-signature-nonce")
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # §4.1: ISO 8601 UTC, yyyy-MM-ddTHH:mm:ssZ


def header(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    """The first value of ``name`` (case-insensitive), or None."""
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def verify_signature(
    method: str,
    raw_path: bytes,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    credentials: Mapping[str, SecretStr],
    now: float,
) -> str:
    """Check everything but the nonce's freshness; return the nonce to record.

    Raises :class:`EasFailure` with the code the gateway would use. The nonce is recorded by
    the caller, inside its transaction, only once the signature is known to be good — a
    forged request must not burn a legitimate client's nonce.
    """
    auth_value = header(headers, "authorization")
    if auth_value is None:
        raise EasFailure("MissingParameter", "The Authorization header is missing")
    auth = parse_authorization(auth_value)
    if auth is None:
        raise EasFailure(
            "IncompleteSignature",
            "Authorization is not 'ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…'",
        )
    secret = credentials.get(auth.access_key_id)
    if secret is None:
        raise EasFailure("InvalidAccessKeyId.NotFound")
    sts_key = header(headers, "x-acs-accesskey-id")
    if sts_key is not None and sts_key != auth.access_key_id:
        raise EasFailure("IncompleteSignature", "x-acs-accesskey-id does not match Credential")
    missing = [name for name in _MUST_SIGN if name not in auth.signed_headers]
    if missing:
        raise EasFailure("IncompleteSignature", f"SignedHeaders must include {', '.join(missing)}")
    _check_date(header(headers, "x-acs-date"), now)
    nonce = header(headers, "x-acs-signature-nonce")
    if not nonce:
        raise EasFailure("MissingParameter", "The x-acs-signature-nonce header is missing")
    declared = header(headers, "x-acs-content-sha256") or ""
    if not hmac.compare_digest(declared, hashlib.sha256(body).hexdigest()):
        raise EasFailure(
            "SignatureDoesNotMatch", "x-acs-content-sha256 does not match the request body"
        )
    path, query = split_raw_path(raw_path)
    canonical, _ = canonical_request(method, path, query, headers, auth.signed_headers, declared)
    expected = signature(secret.get_secret_value(), canonical)
    if not hmac.compare_digest(expected, auth.signature):
        raise EasFailure(
            "SignatureDoesNotMatch",
            "The request signature does not match; check the AccessKey secret",
        )
    return nonce


def _check_date(value: str | None, now: float) -> None:
    if value is None:
        raise EasFailure("MissingParameter", "The x-acs-date header is missing")
    try:
        sent = datetime.strptime(value, _DATE_FORMAT).replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise EasFailure(
            "InvalidTimeStamp.Format", f"x-acs-date {value!r} is not yyyy-MM-ddTHH:mm:ssZ"
        ) from None
    if abs(now - sent) > MAX_CLOCK_SKEW:
        raise EasFailure(
            "InvalidTimeStamp.Expired",
            f"x-acs-date {value} is more than 15 minutes from the server time; sync the clock",
        )
