"""SDK-HMAC-SHA256 request signing (Huawei Cloud APIG "AK/SK" signature) as an ``httpx.Auth``.

The algorithm is in reference/modelarts.md §4.2; the published vectors of §4.3 are reproduced
by tests/clients/test_huawei_signer.py, which also compares :class:`SdkHmacSha256Auth` with
``huaweicloudsdkcore``'s own ``Signer`` (3.1.x) over many generated requests. Every step
below is a pure function so that the emulator verifies with the very code that signs
(``deploykit.clients.huawei._signature_check``): client and emulator cannot drift apart.

    CanonicalRequest = Method \\n CanonicalURI \\n CanonicalQuery \\n CanonicalHeaders \\n
                       SignedHeaders \\n HexEncode(SHA256(body))
    StringToSign     = "SDK-HMAC-SHA256" \\n X-Sdk-Date \\n HexEncode(SHA256(CanonicalRequest))
    Signature        = HexEncode(HMAC-SHA256(SK, StringToSign))
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote, unquote

import httpx
from pydantic import SecretStr

ALGORITHM = "SDK-HMAC-SHA256"
# reference/modelarts.md §4.2: hex(sha256(b"")), the payload hash of a bodiless request.
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
# §4.2 (api-sign-exclude-body): this X-Sdk-Content-Sha256 value leaves the body unsigned.
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"  # §4.2: X-Sdk-Date, basic ISO 8601 in UTC

HEADER_DATE = "X-Sdk-Date"
HEADER_CONTENT_SHA256 = "X-Sdk-Content-Sha256"
# §4.2: temporary AK/SK send their token; project-scoped calls may name their project.
HEADER_SECURITY_TOKEN = "X-Security-Token"  # noqa: S105 - a header name
HEADER_PROJECT_ID = "X-Project-Id"

# Headers the official SDK never signs: its HTTP library (requests) adds them only after the
# SDK signed (huaweicloudsdkcore client.py builds header_params, then Signer.sign, then
# requests sends with its own Accept/Accept-Encoding/Connection/Content-Length). httpx has
# them in ``request.headers`` already; signing them would also break behind an intermediary
# that rewrites hop-by-hop headers (RFC 9110 §7.6.1). Authorization is the signature itself.
UNSIGNED_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "authorization",
        "connection",
        "content-length",
        "keep-alive",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


def percent_encode(value: str) -> str:
    """RFC 3986: keep ``A-Za-z0-9-_.~``, ``%XX`` (UTF-8) everything else (§4.2)."""
    return quote(value, safe="~")


def canonical_uri(path: str) -> str:
    """Decode the path, re-encode each ``/`` segment, always end with ``/`` (§4.2).

    ``/v1/p/services`` → ``/v1/p/services/``. As in the SDK, an encoded ``%2F`` is decoded
    first and so becomes a separator.
    """
    uri = "/".join(percent_encode(segment) for segment in unquote(path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(params: Iterable[tuple[str, str]]) -> str:
    """Pairs sorted by decoded key then value, each encoded, joined by ``&`` (§4.2, V6).

    A repeated key gives one ``k=v`` per value; an empty value gives ``k=``. The SDK sorts
    before encoding (``_process_canonical_query_string``), and so does this.
    """
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params))


def signed_header_names(names: Iterable[str]) -> list[str]:
    """The SDK's rule: every header except names containing ``_``, lower-cased and sorted.

    ``huaweicloudsdkcore`` 3.1.x ``_process_signed_headers``: ``if "_" in key: continue``
    (§4.2; vectors V2/V3 send ``TEST_UNDERSCORE`` unsigned).
    """
    return sorted({name.lower() for name in names if "_" not in name})


def canonical_headers(headers: Mapping[str, str], signed: Sequence[str]) -> str:
    """``name:value\\n`` for each signed name (lower-case keys), values trimmed (§4.2).

    A signed name the request lacks contributes ``name:`` and so fails verification.
    """
    return "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)


def payload_hash(body: bytes, content_sha256: str | None) -> str:
    """The last line of the canonical request, as the SDK's ``_process_hash_payload``.

    An empty body always hashes to :data:`EMPTY_SHA256`; otherwise a declared
    ``X-Sdk-Content-Sha256`` (normally ``UNSIGNED-PAYLOAD``) stands in for the hash.
    """
    if not body:
        return EMPTY_SHA256
    return content_sha256 or hashlib.sha256(body).hexdigest()


def canonical_request(
    method: str,
    path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed: Sequence[str],
    payload: str,
) -> str:
    """The CanonicalRequest. ``path`` is the path as sent (encoded), ``query`` decoded pairs,
    ``headers`` keyed by lower-case name, ``signed`` sorted lower-case names."""
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(query),
            canonical_headers(headers, signed),
            ";".join(signed),
            payload,
        ]
    )


def string_to_sign(canonical: str, sdk_date: str) -> str:
    """``SDK-HMAC-SHA256\\n{X-Sdk-Date}\\n{hex(sha256(canonical))}`` (§4.2)."""
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{digest}"


def signature(secret: str, to_sign: str) -> str:
    """hex(HMAC-SHA256(key = SK bytes, msg = StringToSign)) (§4.2)."""
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Authorization:
    """The three fields of an ``SDK-HMAC-SHA256`` Authorization header."""

    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str

    def header_value(self) -> str:
        """``SDK-HMAC-SHA256 Access=…, SignedHeaders=a;b, Signature=…`` (V1, published)."""
        return (
            f"{ALGORITHM} Access={self.access_key_id}, "
            f"SignedHeaders={';'.join(self.signed_headers)}, Signature={self.signature}"
        )


def parse_authorization(value: str) -> Authorization | None:
    """Split an ``SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`` value; None if
    the scheme is another or a field is missing or empty."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme != ALGORITHM:
        return None
    fields = {
        key.strip(): val.strip()
        for key, _, val in (part.partition("=") for part in rest.split(","))
    }
    access, signed, sig = (fields.get(k) for k in ("Access", "SignedHeaders", "Signature"))
    if not access or not signed or not sig:
        return None
    return Authorization(access, tuple(signed.lower().split(";")), sig)


def header_table(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Lower-case name → value; a repeated header's values joined by ``", "`` (as httpx)."""
    table: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        table[key] = f"{table[key]}, {value}" if key in table else value
    return table


def split_target(raw_path: bytes) -> tuple[str, list[tuple[str, str]]]:
    """The encoded path and the decoded query pairs of an httpx or ASGI request target."""
    path, _, query = raw_path.decode("ascii").partition("?")
    return path, httpx.QueryParams(query).multi_items()


class SdkHmacSha256Auth(httpx.Auth):
    """Signs each request as ``huaweicloudsdkcore`` does (reference/modelarts.md §4.2).

    Before signing it sets ``X-Sdk-Date`` (from ``clock``, injectable for the published
    vectors), ``X-Security-Token`` for temporary credentials and ``X-Project-Id`` when a
    project is given, and rewrites the query into its canonical form, so what is sent is
    exactly what was signed (the SDK does the same: ``Signer.process_request_uri``).

    Signed: every header but those with ``_`` in the name and :data:`UNSIGNED_HEADERS`.
    The body is always hashed unless the caller set ``X-Sdk-Content-Sha256:
    UNSIGNED-PAYLOAD``. The SDK sets that itself for any non-JSON Content-Type; we do not,
    so a body is never sent unsigned by accident (the gateway accepts both).
    """

    requires_request_body = True

    def __init__(
        self,
        access_key_id: str,
        secret_access_key: SecretStr,
        *,
        security_token: SecretStr | None = None,
        project_id: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._access_key_id = access_key_id
        self._secret = secret_access_key
        self._token = security_token
        self._project_id = project_id
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request

    def sign(self, request: httpx.Request) -> None:
        """Add the date, token, project and Authorization headers to ``request`` in place."""
        request.headers.pop("Authorization", None)  # a resent request is signed afresh
        request.headers[HEADER_DATE] = self._clock().astimezone(timezone.utc).strftime(DATE_FORMAT)
        if self._token is not None:
            request.headers[HEADER_SECURITY_TOKEN] = self._token.get_secret_value()
        if self._project_id:
            request.headers[HEADER_PROJECT_ID] = self._project_id
        path, query = split_target(request.url.raw_path)
        if query:
            request.url = request.url.copy_with(query=canonical_query(query).encode("ascii"))
        headers = header_table(
            (name, value)
            for name, value in request.headers.multi_items()
            if name.lower() not in UNSIGNED_HEADERS
        )
        signed = signed_header_names(headers)
        canonical = canonical_request(
            request.method,
            path,
            query,
            headers,
            signed,
            payload_hash(request.content, headers.get(HEADER_CONTENT_SHA256.lower())),
        )
        to_sign = string_to_sign(canonical, headers[HEADER_DATE.lower()])
        request.headers["Authorization"] = Authorization(
            self._access_key_id,
            tuple(signed),
            signature(self._secret.get_secret_value(), to_sign),
        ).header_value()
